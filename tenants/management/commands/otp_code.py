"""Print the current one-time code of a demo account (demo accounts only)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from identity import otp
from tenants import demo


class Command(BaseCommand):
    help = "Current TOTP code of a demo account that has a second factor."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        user = next((u for u in demo.USERS if u.username == options["username"]), None)
        if user is None or not user.with_otp:
            names = ", ".join(u.username for u in demo.USERS if u.with_otp)
            raise CommandError(f"Not a demo account with a second factor. Those are: {names}")
        self.stdout.write(otp.totp(demo.demo_otp_secret(user.username)))
