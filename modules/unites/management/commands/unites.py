"""`python manage.py unites import FILE --tenant CODE [--dry-run]`: onboarding a unit tree.

The same checks as the import page, all or nothing; errors are listed by line and column and
the command exits with status 1. A progress bar follows the creation of big files.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django_tenants.utils import get_tenant_model, schema_context

from modules.unites import services

BAR_WIDTH = 30


class Command(BaseCommand):
    help = "Unités organisationnelles : `import FICHIER --tenant CODE [--dry-run]` (CSV ou XLSX)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["import"])
        parser.add_argument("fichier", type=Path, help="fichier .csv ou .xlsx")
        parser.add_argument("--tenant", required=True, help="code de l'organisation")
        parser.add_argument(
            "--dry-run", action="store_true", help="vérifier seulement, ne rien enregistrer"
        )
        parser.add_argument("--actor", default="commande:unites", help="auteur inscrit au journal")

    def handle(self, *args: Any, **options: Any) -> None:
        fichier: Path = options["fichier"]
        if not fichier.is_file():
            raise CommandError(f"Fichier introuvable : {fichier}")
        tenant = (
            get_tenant_model()
            .objects.exclude(schema_name="public")
            .filter(code=options["tenant"])
            .first()
        )
        if tenant is None:
            raise CommandError(f"Organisation inconnue : {options['tenant']}")
        try:
            with schema_context(tenant.schema_name):
                plan = services.unites_import(
                    actor=options["actor"],
                    contenu=fichier.read_bytes(),
                    nom_fichier=fichier.name,
                    appliquer=not options["dry_run"],
                    progression=self._progress,
                )
        finally:
            connection.set_schema_to_public()  # type: ignore[attr-defined]
        if plan.erreurs:
            for erreur in plan.erreurs:
                self.stderr.write(str(erreur))
            raise CommandError(
                f"{len(plan.erreurs)} erreur(s) dans {fichier.name} : rien n'a été importé."
            )
        if options["dry_run"]:
            count = len(plan.lignes)
            self.stdout.write(
                f"{fichier.name} : {count} unité(s) à créer (vérification seule, rien enregistré)."
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"{fichier.name} : {len(plan.lignes)} unité(s) créée(s) dans {tenant.code}."
                )
            )

    def _progress(self, done: int, total: int) -> None:
        filled = BAR_WIDTH * done // total if total else BAR_WIDTH
        bar = "#" * filled + "." * (BAR_WIDTH - filled)
        ending = "\n" if done >= total else ""
        self.stderr.write(f"\r[{bar}] {done}/{total}", ending=ending)
        self.stderr.flush()
