"""`python manage.py audit verify [--tenant CODE]`: check the hash chains.

Every schema has its own chain (the platform's in public, one per tenant). Exit status 1 when
any chain is broken, with one line per problem.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django_tenants.utils import get_tenant_model, schema_context

from audit import services


class Command(BaseCommand):
    help = "Audit chains: `verify` checks every schema's chain (or one tenant's)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"])
        parser.add_argument("--tenant", help="tenant code; default: the platform and every tenant")

    def handle(self, *args: Any, **options: Any) -> None:
        schemas = self._schemas(options.get("tenant"))
        broken = 0
        for index, (label, schema) in enumerate(schemas, start=1):
            with schema_context(schema):
                problems = services.audit_verify()
            prefix = f"[{index}/{len(schemas)}] {label}"
            if problems:
                broken += 1
                self.stdout.write(self.style.ERROR(f"{prefix}: {len(problems)} problème(s)"))
                for problem in problems:
                    self.stdout.write(f"    {problem}")
            else:
                self.stdout.write(f"{prefix}: chaîne intègre")
        connection.set_schema_to_public()  # type: ignore[attr-defined]
        if broken:
            raise CommandError(f"{broken} chaîne(s) d'audit rompue(s)")

    def _schemas(self, code: str | None) -> list[tuple[str, str]]:
        tenants = get_tenant_model().objects.exclude(schema_name="public").order_by("code")
        if code:
            tenant = tenants.filter(code=code).first()
            if tenant is None:
                raise CommandError(f"Organisation inconnue : {code}")
            return [(tenant.code, tenant.schema_name)]
        return [("plateforme", "public")] + [(t.code, t.schema_name) for t in tenants]
