"""`python manage.py actes_demo --tenant CODE`: the demo acts of a demo tenant (modules/actes/
demo.py), after `personnel demo` gave it agents. A second run changes nothing."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from modules.actes import demo


class Command(BaseCommand):
    help = "Actes de démonstration d'une organisation de démonstration (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--tenant", required=True, help="code de l'organisation")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            bilan = demo.demo_tenant(code=options["tenant"])
        except (ValueError, RuntimeError) as erreur:
            raise CommandError(str(erreur)) from erreur
        self.stdout.write(bilan.resume())
