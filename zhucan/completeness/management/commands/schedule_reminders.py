"""Make sure the periodic reminder sweep is waiting in the queue (the worker's start-up runs it).

With ``--now`` the sweep runs here instead, for a cron job or by hand.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Queue the periodic reminder sweep, or run it now with --now."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--now", action="store_true", help="run one sweep here and now")

    def handle(self, *args: Any, now: bool = False, **options: Any) -> None:
        if now:
            from zhucan.completeness.services import run_sweep

            run = run_sweep()
            self.stdout.write(f"swept {run.campaigns} campaigns, sent {run.sent} reminders")
            return
        from zhucan.completeness.tasks import ensure_sweep_scheduled

        queued = ensure_sweep_scheduled()
        self.stdout.write("reminder sweep queued" if queued else "reminder sweep already queued")
