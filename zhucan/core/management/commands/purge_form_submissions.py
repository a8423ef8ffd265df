"""Forget the create tokens of forms sent long ago (run it daily from cron, like purge_exports):
the table that makes a repeated form harmless would otherwise keep a row per form for ever."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from zhucan.core.idempotency import KEEP_DAYS, purge_form_submissions


class Command(BaseCommand):
    help = "Delete the create tokens of forms sent more than --days days ago."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=KEEP_DAYS)

    def handle(self, *args: Any, **options: Any) -> None:
        purged = purge_form_submissions(days=options["days"])
        self.stdout.write(f"{purged} old form token(s) deleted.")
