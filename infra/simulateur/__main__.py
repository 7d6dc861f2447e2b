"""`python -m simulateur` (with `infra` and `platform` on PYTHONPATH):

serve --racine DIR --etat DIR [--intervalle S]   run cycles until SIGTERM
cycle --racine DIR --etat DIR [--situations]     one cycle, then exit (prints what it did)
panne TYPE --etat DIR [--flux F] [--fois N]      misbehave on the next N files of a flux
config --etat DIR KEY=VALUE…                     set taux_rejet, delai_reponse, paie_calendrier…
paie --racine DIR --etat DIR --mois AAAA-MM [--ordonnateur ORD:x]
                                                 emit the month's payroll file(s) now
reprise FICHIER --etat DIR                       load an ordonnateur's population as our copy
                                                 (the output of `manage.py echange reprise_tresor`)
element --etat DIR --ordonnateur ORD:x --ppr P --nature precompte|opposition|correction
        --code C --libelle L --sens retenue|gain --montant 500.00 --du AAAA-MM [--au AAAA-MM]
                                                 a Treasury-side item on an agent's pay
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import time
from datetime import date
from pathlib import Path
from types import FrameType

from simulateur import paie as paie_tresor
from simulateur.moteur import PANNES, Config, Simulateur
from simulateur.stockage import Stockage


def _config_ecrire(etat: Path, config: Config) -> None:
    etat.mkdir(parents=True, exist_ok=True)
    (etat / "config.json").write_text(json.dumps(config.__dict__, indent=1), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="simulateur", description="Simulateur Wadef@ujour")
    commandes = parser.add_subparsers(dest="commande", required=True)
    for nom in ("serve", "cycle"):
        sous = commandes.add_parser(nom)
        sous.add_argument("--racine", type=Path, required=True)
        sous.add_argument("--etat", type=Path, required=True)
        sous.add_argument("--intervalle", type=float, default=2.0)
        sous.add_argument("--situations", action="store_true")
        sous.add_argument("--effectifs", action="store_true")
    panne = commandes.add_parser("panne")
    panne.add_argument("type", choices=PANNES)
    panne.add_argument("--etat", type=Path, required=True)
    panne.add_argument("--flux", default="reponses")
    panne.add_argument("--fois", type=int, default=1)
    config = commandes.add_parser("config")
    config.add_argument("--etat", type=Path, required=True)
    config.add_argument("valeurs", nargs="+")
    mensuelle = commandes.add_parser("paie")
    mensuelle.add_argument("--racine", type=Path, required=True)
    mensuelle.add_argument("--etat", type=Path, required=True)
    mensuelle.add_argument("--mois", required=True)
    mensuelle.add_argument("--ordonnateur", action="append", default=[])
    reprise = commandes.add_parser("reprise")
    reprise.add_argument("fichier", type=Path)
    reprise.add_argument("--etat", type=Path, required=True)
    element = commandes.add_parser("element")
    element.add_argument("--etat", type=Path, required=True)
    for champ in ("ordonnateur", "ppr", "nature", "code", "libelle", "sens", "montant", "du"):
        element.add_argument(f"--{champ}", required=True)
    element.add_argument("--au", default=None)
    args = parser.parse_args(argv)

    if args.commande == "reprise":
        with args.fichier.open(encoding="utf-8") as lignes:
            nombre = paie_tresor.reprise_charger(
                Stockage(args.etat / "tresor.sqlite3"),
                (json.loads(ligne) for ligne in lignes if ligne.strip()),
                le=date.today().isoformat(),
            )
        print(f"{nombre} agents repris")
        return 0
    if args.commande == "element":
        paie_tresor.element_ajouter(
            Stockage(args.etat / "tresor.sqlite3"),
            ordonnateur=args.ordonnateur,
            ppr=args.ppr,
            nature=args.nature,
            code=args.code,
            libelle=args.libelle,
            sens=args.sens,
            montant=args.montant,
            du=args.du,
            au=args.au,
        )
        return 0

    if args.commande == "panne":
        actuelle = Config.lire(args.etat / "config.json")
        actuelle.pannes.append({"type": args.type, "flux": args.flux, "restant": args.fois})
        _config_ecrire(args.etat, actuelle)
        return 0
    if args.commande == "config":
        actuelle = Config.lire(args.etat / "config.json")
        for valeur in args.valeurs:
            cle, _sep, texte = valeur.partition("=")
            if cle not in Config.__dataclass_fields__:
                print(f"paramètre inconnu : {cle}", file=sys.stderr)
                return 2
            setattr(actuelle, cle, json.loads(texte) if texte[:1] in "0123456789[{-tf" else texte)
        _config_ecrire(args.etat, actuelle)
        return 0

    simulateur = Simulateur(racine=args.racine, etat=args.etat)
    if args.commande == "paie":
        simulateur.cle_assurer()
        annee, _tiret, mois = str(args.mois).partition("-")
        for ligne in simulateur.paie_emettre(
            mois=date(int(annee), int(mois), 1), ordonnateurs=args.ordonnateur
        ):
            print(ligne)
        return 0
    if args.commande == "cycle":
        for ligne in simulateur.cycle(situations=args.situations, effectifs=args.effectifs):
            print(ligne)
        return 0
    arret = False

    def arreter(_signum: int, _frame: FrameType | None) -> None:
        nonlocal arret
        arret = True

    signal.signal(signal.SIGTERM, arreter)
    signal.signal(signal.SIGINT, arreter)
    print(
        f"simulateur {simulateur.config.partie} : racine {args.racine}, état {args.etat}",
        flush=True,
    )
    dernieres_situations = dernieres_effectifs = time.monotonic()
    while not arret:
        maintenant = time.monotonic()
        situations = bool(simulateur.config.situations_toutes_les) and (
            maintenant - dernieres_situations >= simulateur.config.situations_toutes_les
        )
        effectifs = bool(simulateur.config.effectifs_toutes_les) and (
            maintenant - dernieres_effectifs >= simulateur.config.effectifs_toutes_les
        )
        if situations:
            dernieres_situations = maintenant
        if effectifs:
            dernieres_effectifs = maintenant
        for ligne in simulateur.cycle(situations=situations, effectifs=effectifs):
            print(ligne, flush=True)
        time.sleep(args.intervalle)
    return 0


if __name__ == "__main__":
    sys.exit(main())
