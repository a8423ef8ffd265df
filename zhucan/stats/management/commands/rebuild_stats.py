"""Rebuild the statistics' roll-up cells from the accepted reports, with set-based SQL."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhucan.campaigns.models import Campaign
from zhucan.stats.services import rebuild_cells


class Command(BaseCommand):
    help = (
        "Recompute the statistics cells from the accepted reports: all of them, or with "
        "--campaign those of one campaign and the campaigns cascaded from it. The cells are "
        "kept up to date as reports are accepted and returned; this is for after a bulk load, "
        "a change in the tree or the institution directory, or to check."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--campaign", type=int, help="only this campaign and its cascade")

    def handle(self, *args: Any, **options: Any) -> None:
        campaign = None
        if options.get("campaign") is not None:
            campaign = Campaign.objects.filter(pk=options["campaign"]).first()
            if campaign is None:
                raise CommandError(f"No campaign {options['campaign']}.")
        started = time.monotonic()
        written = rebuild_cells(by=None, campaign=campaign)
        seconds = time.monotonic() - started
        self.stdout.write(f"{written} cells written in {seconds:.2f} s.")
