"""`manage.py actes_envoyer [--tenant CODE]` — send now the bordereaux waiting to leave (the
scheduler does it every two minutes), for one ordonnateur or all active ones."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_tenants.utils import schema_context

from modules.actes import echange
from tenants import selectors as tenants_selectors


class Command(BaseCommand):
    help = "Envoie au Trésor les bordereaux en attente."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--tenant", default="", help="code de l'ordonnateur (tous par défaut)")

    def handle(self, *args: Any, **options: Any) -> None:
        organisations = tenants_selectors.organisation_list_active()
        if options["tenant"]:
            organisations = organisations.filter(code=options["tenant"])
            if not organisations.exists():
                raise CommandError(f"Aucun ordonnateur actif n'a le code « {options['tenant']} ».")
        total = 0
        for organisation in organisations:
            with schema_context(organisation.schema_name):
                noms = echange.bordereaux_envoyer(auteur="actes_envoyer")
            for nom in noms:
                self.stdout.write(f"{organisation.code}  {nom}")
            total += len(noms)
        self.stdout.write(f"{total} fichier(s) envoyé(s).")
