"""`python manage.py paie calcul --situation FILE.json [--json]` — one agent, one month;
`python manage.py paie calcul --population FILE.(csv|parquet) --mois AAAA-MM [--json]
[--sortie FILE.(csv|parquet)]` — a whole population with the batch path;
`python manage.py paie difference --avant A.json --apres B.json --du AAAA-MM --au AAAA-MM
[--mois-paiement AAAA-MM] [--json]` — monthly delta and arrears of an act.

Parameters come from the reference data in the database as known now (or at `--connu-au`, to
replay a computation); `--parametres fichiers` reads the fixture files instead (no database).
The input format is in docs/remuneration/format-entree.md.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from referentiel.resolution import JeuParametres
from remuneration import sources
from remuneration.arrondi import texte
from remuneration.bulletin import TOTAUX, Bulletin, EtapeTrace
from remuneration.difference import difference
from remuneration.erreurs import DonneeInvalide
from remuneration.lot import calculer_lot
from remuneration.moteur import calculer
from remuneration.parametres import FournisseurParametres
from remuneration.population import population_lire
from remuneration.situation import mois_lire, situation_lire


class Command(BaseCommand):
    help = "Calcul de paie : une situation (--situation) ou une population (--population)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["calcul", "difference"])
        entree = parser.add_mutually_exclusive_group()
        entree.add_argument("--situation", type=Path, help="fichier JSON d'une situation")
        entree.add_argument("--population", type=Path, help="fichier .csv ou .parquet")
        parser.add_argument("--avant", type=Path, help="difference : situation avant l'acte")
        parser.add_argument("--apres", type=Path, help="difference : situation après l'acte")
        parser.add_argument("--du", help="difference : premier mois AAAA-MM")
        parser.add_argument("--au", help="difference : dernier mois AAAA-MM")
        parser.add_argument("--mois-paiement", dest="mois_paiement", help="défaut : --au")
        parser.add_argument("--mois", help="AAAA-MM (population; pour une situation : son champ)")
        parser.add_argument("--json", action="store_true", help="sortie JSON")
        parser.add_argument("--sortie", type=Path, help="résultats par agent (.csv ou .parquet)")
        parser.add_argument("--parametres", choices=["base", "fichiers"], default="base")
        parser.add_argument("--connu-au", dest="connu_au", help="instant ISO 8601 (rejeu)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            charger = self._source(options)
            if options["action"] == "difference":
                self._difference(options, charger)
            elif options["situation"]:
                self._situation(options["situation"], charger, as_json=options["json"])
            elif options["population"]:
                self._population(options, charger)
            else:
                raise CommandError("calcul : --situation ou --population est obligatoire")
        except DonneeInvalide as exc:
            raise CommandError(str(exc)) from None

    def _source(self, options: dict[str, Any]) -> FournisseurParametres:
        """Month → parameters: the fixture files, or the database as known at `--connu-au`."""
        if options["parametres"] == "fichiers":
            return sources.parametres_fixtures
        connu_au = None
        if options["connu_au"]:
            try:
                connu_au = datetime.fromisoformat(options["connu_au"])
            except ValueError:
                raise CommandError("--connu-au : instant ISO 8601 attendu") from None
            if timezone.is_naive(connu_au):
                connu_au = timezone.make_aware(connu_au)
        return sources.ParametresBase(connu_au=connu_au)

    def _lire_json(self, chemin: Path | None, option: str) -> dict[str, Any]:
        if chemin is None:
            raise CommandError(f"{option} est obligatoire")
        try:
            data = json.loads(chemin.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise CommandError(f"{option} : lecture impossible ({exc})") from None
        if not isinstance(data, dict):
            raise CommandError(f"{option} : un objet JSON est attendu")
        return data

    def _difference(self, options: dict[str, Any], charger: FournisseurParametres) -> None:
        if not options["du"] or not options["au"]:
            raise CommandError("difference : --du et --au sont obligatoires")
        du = mois_lire(options["du"], champ="du")
        au = mois_lire(options["au"], champ="au")
        paiement = (
            mois_lire(options["mois_paiement"], champ="mois_paiement")
            if options["mois_paiement"]
            else None
        )
        jeu = charger(du).jeu
        avant = situation_lire(self._lire_json(options["avant"], "--avant"), jeu=jeu)
        apres = situation_lire(self._lire_json(options["apres"], "--apres"), jeu=jeu)
        resultat = difference(
            avant=avant, apres=apres, du=du, au=au, mois_paiement=paiement, parametres=charger
        )
        lignes: list[dict[str, Any]] = [
            {
                "mois": ligne.mois.strftime("%Y-%m"),
                "rappel": ligne.rappel,
                "delta": {k: texte(v) for k, v in ligne.delta.items()},
                "parametres": ligne.parametres,
            }
            for ligne in resultat.lignes
        ]
        rappel = {k: texte(v) for k, v in resultat.rappel.items()}
        variation = {k: texte(v) for k, v in resultat.variation_mensuelle.items()}
        sortie = {
            "du": du.strftime("%Y-%m"),
            "au": au.strftime("%Y-%m"),
            "mois_rappel": resultat.mois_rappel,
            "rappel": rappel,
            "variation_mensuelle": variation,
            "lignes": lignes,
            "parametres": _parametres_dict(jeu),
        }
        if options["json"]:
            self.stdout.write(json.dumps(sortie, ensure_ascii=False))
            return
        for l_mois in resultat.lignes:
            nature = "rappel" if l_mois.rappel else "courant"
            d = l_mois.delta
            self.stdout.write(
                f"  {l_mois.mois:%Y-%m} {nature:<8} brut {texte(d['brut']):>10}  "
                f"ir {texte(d['ir']):>9}  net {texte(d['net']):>10}"
            )
        self.stdout.write(
            f"Rappel ({resultat.mois_rappel} mois) : brut {rappel['brut']}, "
            f"net {rappel['net']} ; variation mensuelle nette {variation['net']}"
        )

    def _situation(self, chemin: Path, charger: FournisseurParametres, *, as_json: bool) -> None:
        data = self._lire_json(chemin, "--situation")
        mois = mois_lire(data.get("mois"))
        parametres = charger(mois)
        situation = situation_lire(data, jeu=parametres.jeu)
        bulletin = calculer(situation=situation, parametres=parametres)
        origine = [
            EtapeTrace(regle=f"{champ} déduit du référentiel", calcul=valeur, resultat="")
            for champ, valeur in situation.origine.items()
        ]
        resultat = _bulletin_dict(bulletin, mois=mois, jeu=parametres.jeu, origine=origine)
        if as_json:
            self.stdout.write(json.dumps(resultat, ensure_ascii=False))
            return
        self.stdout.write(f"Mois {resultat['mois']}")
        for e in resultat["elements"]:
            taux = f" × {e['taux']}" if e["taux"] else ""
            base = f"  (base {e['base']}{taux})" if e["base"] else ""
            signe = "-" if e["nature"] == "retenue" else "+"
            self.stdout.write(
                f"  {signe} {e['code']:<6} {e['libelle_fr']:<40} {e['montant']:>12}{base}"
            )
        for cle in ("brut", "brut_imposable", "frais_professionnels", "net_imposable", "net"):
            self.stdout.write(f"  {cle:<22} {resultat[cle]:>12}")
        self.stdout.write("Explication :")
        for t in resultat["trace"]:
            self.stdout.write(f"  · {t['regle']} : {t['calcul']} = {t['resultat']}")
            if t["parametre"]:
                self.stdout.write(f"      [{t['parametre']} v{t['version']}] {t['source']}")
        self.stdout.write(f"Paramètres : empreinte {resultat['parametres']['empreinte']}")

    def _population(self, options: dict[str, Any], charger: FournisseurParametres) -> None:
        if not options["mois"]:
            raise CommandError("--mois AAAA-MM est obligatoire avec --population")
        mois = mois_lire(options["mois"])
        parametres = charger(mois)
        population, matricules = population_lire(options["population"])
        totaux = calculer_lot(population=population, parametres=parametres)
        if options["sortie"]:
            df = pl.DataFrame(
                {"matricule": matricules}
                | {k: [texte(int(v)) for v in totaux[k].tolist()] for k in TOTAUX}
            )
            if options["sortie"].suffix == ".parquet":
                df.write_parquet(options["sortie"])
            else:
                df.write_csv(options["sortie"])
        sommes = {k: texte(int(np.sum(totaux[k]))) for k in TOTAUX}
        resume = {
            "mois": mois.strftime("%Y-%m"),
            "agents": len(population),
            "totaux": sommes,
            "parametres": _parametres_dict(parametres.jeu),
        }
        if options["json"]:
            self.stdout.write(json.dumps(resume, ensure_ascii=False))
            return
        self.stdout.write(f"Mois {resume['mois']} : {resume['agents']} agent(s)")
        for k, v in sommes.items():
            self.stdout.write(f"  {k:<22} {v:>16}")


# Per-row reference data (grids, grades, zones, statutory indemnities): left out of `versions` to
# keep the output short; the fingerprint covers them, and the trace names those a result used.
DETAILS = ("grille.", "grade.", "zone_residence.", "indemnites.grade.")


def _parametres_dict(jeu: JeuParametres) -> dict[str, Any]:
    versions = jeu.versions()
    return {
        "connu_au": jeu.connu_au.isoformat(),
        "empreinte": jeu.empreinte(),
        "versions": {k: v for k, v in versions.items() if not k.startswith(DETAILS)},
    }


def _bulletin_dict(
    bulletin: Bulletin, *, mois: date, jeu: JeuParametres, origine: list[EtapeTrace]
) -> dict[str, Any]:
    return {
        "mois": mois.strftime("%Y-%m"),
        **{k: texte(v) for k, v in bulletin.totaux.items()},
        "elements": [e.en_dict() for e in bulletin.elements],
        "trace": [t.en_dict() for t in origine] + [t.en_dict() for t in bulletin.trace],
        "parametres": {**_parametres_dict(jeu), "utilises": bulletin.parametres},
    }
