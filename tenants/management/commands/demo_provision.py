"""Create (idempotently) the demo organisations and users."""

from typing import Any

from django.core.management.base import BaseCommand

from tenants import demo


class Command(BaseCommand):
    help = "Provision the demo organisations and their Keycloak users (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        for line in demo.demo_provision():
            self.stdout.write(line)
