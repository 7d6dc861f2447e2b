"""Migrate everything: the public schema, the template schema, then every tenant in parallel."""

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection
from django_tenants.utils import schema_exists

from identity import facade as identity_facade
from tenants import services
from tenants.models import Organisation


class Command(BaseCommand):
    help = "Migrate public, the tenant template schema and all tenant schemas."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--parallel", type=int, default=2, help="tenant migration processes")

    def handle(self, *args: Any, **options: Any) -> None:
        verbosity = int(options["verbosity"])
        self.stdout.write("1/4 public schema")
        call_command("migrate_schemas", shared=True, interactive=False, verbosity=verbosity)
        services.platform_tenant_ensure()
        template = settings.TENANT_BASE_SCHEMA
        if not schema_exists(template):
            with connection.cursor() as cursor:
                cursor.execute(f'CREATE SCHEMA "{template}"')
        self.stdout.write(f"2/4 template schema {template}")
        call_command(
            "migrate_schemas",
            tenant=True,
            schema_name=template,
            interactive=False,
            verbosity=verbosity,
        )
        count = Organisation.objects.exclude(schema_name="public").count()
        self.stdout.write(f"3/4 {count} tenant schema(s)")
        if count:
            executor = "multiprocessing" if options["parallel"] > 1 else "standard"
            call_command(
                "migrate_schemas",
                tenant=True,
                interactive=False,
                executor=executor,
                verbosity=verbosity,
            )
        self.stdout.write("4/4 Keycloak realm settings")
        identity_facade.realm_ensure()
        self.stdout.write(self.style.SUCCESS("migrations done"))
