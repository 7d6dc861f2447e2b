"""`python manage.py personnel <sous-commande> …`: the personnel module's operations.

    personnel modele --sortie F.xlsx|F.csv
    personnel importer FICHIER --tenant CODE [--dry-run] [--partiel] [--rapport R.xlsx]
    personnel demo --tenant CODE --agents N [--seed S]   (units, posts and generated agents)

One function pair per sub-command (`_<nom>_arguments(parser)`, `_<nom>(commande, options)`),
registered in SOUS_COMMANDES: adding one is adding a pair and a line there.

`importer` exits with status 0 when every line is (or, with --dry-run, would be) applied, 1 when
the file is refused (nothing written), 2 with --partiel when some lines were set aside. A
progress bar goes to stderr; the summary and the problems go to stdout.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser, OutputWrapper
from django.db import connection
from django_tenants.utils import get_tenant_model, schema_context

from modules.personnel import demo, importation
from modules.personnel.importation import rapport
from modules.unites.perimetres import TOUT

LARGEUR_BARRE = 30
ERREURS_AFFICHEES = 50
SORTIE_REFUS, SORTIE_PARTIEL = 1, 2


class Barre:
    """A progress bar on one line of stderr (`\\r`), ended by a newline at 100 %."""

    def __init__(self, flux: OutputWrapper, libelle: str) -> None:
        self.flux = flux
        self.libelle = libelle
        self.dernier = -1

    def __call__(self, fait: int, total: int) -> None:
        pour_cent = 100 * fait // total if total else 100
        if pour_cent == self.dernier:
            return
        self.dernier = pour_cent
        plein = LARGEUR_BARRE * pour_cent // 100
        barre = "#" * plein + "." * (LARGEUR_BARRE - plein)
        fin = "\n" if pour_cent >= 100 else ""
        self.flux.write(f"\r{self.libelle} [{barre}] {pour_cent:3d} %", ending=fin)
        self.flux.flush()


def _modele_arguments(parser: CommandParser) -> None:
    parser.add_argument(
        "--sortie", type=Path, required=True, help="fichier à écrire : .xlsx ou .csv"
    )


def _modele(commande: BaseCommand, options: dict[str, Any]) -> None:
    sortie: Path = options["sortie"]
    if sortie.suffix.lower() not in (".xlsx", ".csv"):
        raise CommandError("Le modèle s'écrit en .xlsx ou en .csv.")
    for chemin in rapport.modele_ecrire(sortie):
        commande.stdout.write(f"Modèle écrit : {chemin}")


def _importer_arguments(parser: CommandParser) -> None:
    parser.add_argument("fichier", type=Path, help="fichier .csv (UTF-8) ou .xlsx")
    parser.add_argument("--tenant", required=True, help="code de l'organisation")
    parser.add_argument(
        "--dry-run", action="store_true", help="vérifier seulement, ne rien enregistrer"
    )
    parser.add_argument(
        "--partiel",
        action="store_true",
        help="appliquer les lignes valides même si d'autres sont en erreur",
    )
    parser.add_argument("--rapport", type=Path, help="écrire le rapport ligne à ligne (.xlsx)")
    parser.add_argument("--auteur", default="commande:personnel", help="auteur inscrit au journal")


def _organisation_schema(code: str) -> str:
    organisation = (
        get_tenant_model().objects.exclude(schema_name="public").filter(code=code).first()
    )
    if organisation is None:
        raise CommandError(f"Organisation inconnue : {code}")
    return str(organisation.schema_name)


def _importer(commande: BaseCommand, options: dict[str, Any]) -> None:
    fichier: Path = options["fichier"]
    if not fichier.is_file():
        raise CommandError(f"Fichier introuvable : {fichier}")
    schema = _organisation_schema(options["tenant"])
    simulation = bool(options["dry_run"])
    barre = Barre(commande.stderr, "vérification" if simulation else "import")
    try:
        with schema_context(schema):
            bilan = importation.importer_fichier(
                chemin=fichier,
                auteur=options["auteur"],
                perimetre=TOUT,  # an operator at the console acts for the whole tenant
                simulation=simulation,
                tout_ou_rien=not options["partiel"],
                progression=barre,
            )
    finally:
        connection.set_schema_to_public()  # type: ignore[attr-defined]
    if barre.dernier < 100:
        commande.stderr.write("")
    if options["rapport"]:
        rapport.rapport_ecrire(bilan, chemin=options["rapport"], nom_fichier=fichier.name)
        commande.stdout.write(f"Rapport : {options['rapport']}")
    _resume(commande, bilan, fichier=fichier, simulation=simulation)
    if bilan.erreurs_total and not bilan.applique:
        raise CommandError(
            f"{bilan.erreurs_total} erreur(s) dans {fichier.name} : rien n'a été importé.",
            returncode=SORTIE_REFUS,
        )
    if bilan.erreurs_total:
        raise CommandError(
            f"{bilan.lignes_en_erreur} ligne(s) écartée(s) sur {bilan.lignes} : les autres sont "
            "appliquées.",
            returncode=SORTIE_PARTIEL,
        )


def _resume(
    commande: BaseCommand, bilan: importation.BilanImport, *, fichier: Path, simulation: bool
) -> None:
    ecrire = commande.stdout.write
    for erreur in bilan.erreurs[:ERREURS_AFFICHEES]:
        ou = f"ligne {erreur.ligne}" if erreur.ligne else "fichier"
        colonne = f", colonne {erreur.colonne}" if erreur.colonne else ""
        valeur = f" « {erreur.valeur} »" if erreur.valeur else ""
        ecrire(f"{ou}{colonne}{valeur} : {erreur.probleme} {erreur.correction}")
    if bilan.erreurs_total > ERREURS_AFFICHEES:
        ecrire(
            f"… et {bilan.erreurs_total - ERREURS_AFFICHEES} autre(s) erreur(s) : voyez le "
            "rapport (--rapport R.xlsx)."
        )
    if simulation or not bilan.applique:
        verbe = ("à créer", "à modifier")
        entete = f"{fichier.name} (vérification seule, rien n'est enregistré)"
    else:
        verbe = ("créés", "modifiés")
        entete = f"{fichier.name} : import appliqué"
    ecrire(
        f"{entete} : {bilan.lignes} ligne(s), {bilan.crees} agent(s) {verbe[0]}, "
        f"{bilan.modifies} {verbe[1]}, {bilan.inchanges} inchangé(s), "
        f"{bilan.lignes_en_erreur} ligne(s) en erreur — {bilan.secondes:.1f} s."
    )


def _demo_arguments(parser: CommandParser) -> None:
    parser.add_argument("--tenant", required=True, help="code de l'organisation")
    parser.add_argument("--agents", type=int, required=True, help="nombre d'agents à générer")
    parser.add_argument(
        "--seed", type=int, help="graine du générateur (défaut : dérivée du code de l'organisation)"
    )


def _demo(commande: BaseCommand, options: dict[str, Any]) -> None:
    """Idempotent: the same tenant, N and seed give the same file; a second run changes nothing."""
    if options["agents"] <= 0:
        raise CommandError("--agents doit être positif.")
    try:
        resultat = demo.demo_tenant(
            code=options["tenant"],
            agents=options["agents"],
            seed=options["seed"],
            progression=Barre(commande.stderr, "démo"),
        )
    except ValueError as erreur:
        raise CommandError(str(erreur)) from erreur
    if resultat.bilan.erreurs_total:
        _resume(commande, resultat.bilan, fichier=Path("demo.csv"), simulation=False)
        raise CommandError("Le fichier de démonstration a été refusé : rien n'a été importé.")
    commande.stdout.write(demo.resume(resultat, code=options["tenant"]))


SOUS_COMMANDES: dict[
    str, tuple[str, Callable[[CommandParser], None], Callable[[BaseCommand, dict[str, Any]], None]]
] = {
    "modele": ("écrire le modèle de fichier d'import (vide)", _modele_arguments, _modele),
    "importer": ("importer des agents (CSV ou XLSX)", _importer_arguments, _importer),
    "demo": ("peupler une organisation de démonstration", _demo_arguments, _demo),
}


class Command(BaseCommand):
    help = "Personnel : " + ", ".join(SOUS_COMMANDES) + " (voir docs/personnel/import.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        sous = parser.add_subparsers(dest="sous_commande", required=True)
        for nom, (aide, arguments, _action) in SOUS_COMMANDES.items():
            # A CommandParser too: from call_command(), its errors are CommandErrors.
            sous_parser = sous.add_parser(
                nom, help=aide, called_from_command_line=parser.called_from_command_line
            )
            arguments(sous_parser)

    def handle(self, *args: Any, **options: Any) -> None:
        _aide, _arguments, action = SOUS_COMMANDES[options["sous_commande"]]
        action(self, options)
