"""Recompute the audit chain and report the first broken seal (``core/seal_check.py``).

Exits with status 1 when the chain is broken, so that a script (the check of a restored backup)
can stop on it; prints the latest seal as ``LAST_ID:HASH`` for the operator to keep.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhucan.core.models import AuditSeal
from zhucan.core.seal_check import parse_anchor, verify_chain
from zhucan.core.seals import anchor


def _anchor(text: str) -> tuple[int, str]:
    try:
        return parse_anchor(text)
    except ValueError as error:
        raise CommandError(str(error)) from error


class Command(BaseCommand):
    help = (
        "Recompute every audit seal (or from --from-seal), check the seals kept with --expect, "
        "and exit with status 1 at the first break."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--from-seal",
            type=int,
            metavar="SEAL_ID",
            help="start at this seal, taking the seals before it as checked",
        )
        parser.add_argument(
            "--expect",
            action="append",
            default=[],
            metavar="LAST_ID:HASH",
            help="a seal written down earlier (as printed by seal_audit); may repeat",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        expect = dict(_anchor(text) for text in options["expect"])
        try:
            report = verify_chain(from_seal=options["from_seal"], expect=expect)
        except AuditSeal.DoesNotExist as error:
            raise CommandError(f"There is no seal {options['from_seal']}.") from error
        if report.broken is not None:
            raise CommandError(
                f"The audit chain is broken at {report.broken} "
                f"({report.seals} seal(s) before it were intact).",
                returncode=1,
            )
        self.stdout.write(
            f"Audit chain intact: {report.seals} seal(s), {report.entries} entries, "
            f"checked in {report.seconds:.1f} s."
        )
        if report.unsealed:
            self.stdout.write(
                f"{report.unsealed} newer entries are not sealed yet "
                f"(the oldest from {report.oldest_unsealed:%Y-%m-%d %H:%M:%S %Z})."
                if report.oldest_unsealed
                else f"{report.unsealed} newer entries are not sealed yet."
            )
        if report.latest is not None:
            self.stdout.write(f"Latest seal: {anchor(report.latest)}")
        else:
            self.stdout.write("No seal yet.")
