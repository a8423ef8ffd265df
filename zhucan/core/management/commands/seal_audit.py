"""Seal the audit entries that are ready now (``core/seals.py``) and print the latest seal.

The worker does this every ``AUDIT_SEAL_MINUTES`` on its own; this is for a cron job where no
worker runs, for the moment before a backup, and by hand.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from zhucan.core.seals import anchor, seal_pending


class Command(BaseCommand):
    help = "Seal the audit entries old enough to seal and print the latest seal (LAST_ID:HASH)."

    def handle(self, *args: Any, **options: Any) -> None:
        run = seal_pending()
        if not run.latest_intact:
            self.stderr.write(
                "The newest seal no longer matches its entries: run verify_audit_chain."
            )
        if run.seals:
            self.stdout.write(
                f"Sealed {run.entries} entries ({run.seals[0].first_id}-"
                f"{run.seals[-1].last_id}) in {len(run.seals)} seal(s)."
            )
        else:
            self.stdout.write("Nothing ready to seal.")
        if run.latest is not None:
            self.stdout.write(f"Latest seal: {anchor(run.latest)}")
