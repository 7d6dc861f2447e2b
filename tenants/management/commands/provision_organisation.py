"""Provision one organisation (tenant) from the command line."""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from tenants import services
from tenants.models import OrganisationKind


class Command(BaseCommand):
    help = "Create an organisation, its schema (cloned from the template) and its domain."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("code")
        parser.add_argument("--kind", required=True, choices=OrganisationKind.values)
        parser.add_argument("--name-fr", required=True)
        parser.add_argument("--name-ar", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        spec = services.OrganisationSpec(
            code=options["code"],
            kind=options["kind"],
            name_fr=options["name_fr"],
            name_ar=options["name_ar"],
        )
        try:
            organisation = services.organisation_provision(spec=spec, actor="cli")
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        except services.TemplateSchemaMissingError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"{organisation.code}: schema {organisation.schema_name}, "
            f"{services.tenant_base_url(organisation.code)}/"
        )
