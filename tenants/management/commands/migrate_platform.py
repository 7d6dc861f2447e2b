"""Migrate everything: the public schema, the template, the warm pool, then every tenant schema
that has pending migrations, in parallel (tenants/upgrade.py, ADR 0005)."""

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django_tenants.utils import schema_exists
from psycopg2 import sql  # type: ignore[import-untyped]

from identity import facade as identity_facade
from tenants import services, upgrade


class Command(BaseCommand):
    help = (
        "Migrate public, the tenant template schema, the warm pool and the tenant schemas "
        "with pending migrations (in parallel; a failing schema is reported, the others go on)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--parallel", type=int, default=2, help="tenant migration processes (default 2)"
        )
        parser.add_argument(
            "--schema",
            action="append",
            dest="schemas",
            metavar="SCHEMA",
            help="only these tenant schemas (repeatable); the template is always checked",
        )
        parser.add_argument(
            "--retry-failed",
            action="store_true",
            help="same as a plain rerun: failed schemas still have pending migrations, and "
            "only schemas with pending migrations are migrated",
        )
        parser.add_argument(
            "--skip-keycloak", action="store_true", help="do not touch the Keycloak realm"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        verbosity = int(options["verbosity"])
        self.stdout.write("1/4 public schema")
        call_command("migrate_schemas", shared=True, interactive=False, verbosity=verbosity)
        services.platform_tenant_ensure()
        template = settings.TENANT_BASE_SCHEMA
        if not schema_exists(template):
            with connection.cursor() as cursor:
                cursor.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(template)))
        self.stdout.write(f"2/4 template schema {template}, warm pool, tenant schemas")

        def progress(result: upgrade.SchemaResult) -> None:
            state = "ok" if result.ok else "ÉCHEC"
            self.stdout.write(
                f"  {result.schema:<40} {state:<6} {len(result.pending):>3} migration(s) "
                f"{result.seconds:6.1f} s {result.error}"
            )

        report = upgrade.upgrade_platform(
            parallel=options["parallel"], only=options["schemas"], progress=progress
        )
        self.stdout.write(
            f"3/4 {report.planned_schemas} schema(s) checked in {report.plan_seconds:.2f} s; "
            f"{len(report.migrated)} migrated, {len(report.failed)} failed, "
            f"{len(report.pool_discarded)} stale pool schema(s) dropped"
        )
        if options["skip_keycloak"]:
            self.stdout.write("4/4 Keycloak realm settings skipped")
        else:
            self.stdout.write("4/4 Keycloak realm settings")
            identity_facade.realm_ensure()
        if report.failed:
            names = ", ".join(r.schema for r in report.failed)
            raise CommandError(
                f"{len(report.failed)} schema(s) failed: {names}. The others are migrated; fix "
                "the cause and run `python manage.py migrate_platform` again (only the schemas "
                "with pending migrations are taken up)."
            )
        self.stdout.write(self.style.SUCCESS("migrations done"))
