"""Delete the files of report exports past their time (the export task also does it each run,
so this is for a site whose worker exports nothing for a while: run it daily from cron)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from zhucan.stats.services.export_jobs import purge_expired_exports


class Command(BaseCommand):
    help = "Delete the files of report exports that have expired."

    def handle(self, *args: Any, **options: Any) -> None:
        purged = purge_expired_exports()
        self.stdout.write(f"{purged} expired export file(s) deleted.")
