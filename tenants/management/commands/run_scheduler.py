"""Run the periodic scheduler (only one is active at a time, whatever the count started)."""

import signal
from typing import Any

from django.core.management.base import BaseCommand

from tenants import scheduler


class Command(BaseCommand):
    help = "Run the periodic job scheduler (single leader through a Redis lock)."

    def handle(self, *args: Any, **options: Any) -> None:
        stopping = {"flag": False}

        def request_stop(signum: int, frame: object) -> None:
            stopping["flag"] = True

        signal.signal(signal.SIGTERM, request_stop)
        signal.signal(signal.SIGINT, request_stop)
        self.stdout.write("scheduler started; waiting for the lock")
        scheduler.run(schedule=scheduler.default_schedule(), stop=lambda: stopping["flag"])
        self.stdout.write("scheduler stopped")
