"""Recompute the completeness page's delivery counts from the receipts."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from zhucan.completeness.counts import rebuild_delivery_counts


class Command(BaseCommand):
    help = (
        "Recompute the delivery counts the completeness page reads from the receipts and the "
        "deadlines. They are kept up to date as notices are sent, signed for and delivered; "
        "this is for after a bulk load, a move in the tree, or to check."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        written = rebuild_delivery_counts(by=None)
        seconds = time.monotonic() - started
        self.stdout.write(f"{written} delivery counts written in {seconds:.2f} s.")
