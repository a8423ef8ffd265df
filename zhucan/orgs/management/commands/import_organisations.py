"""python manage.py import_organisations FILE --under ORG_ID_OR_REGION_CODE [--dry-run]

The same check and import as the web page. Exit status 2 when the file is refused, with every
problem on stderr; nothing is saved then.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhucan.orgs.access import can_manage_orgs
from zhucan.orgs.importer import ImportReport, check_file, run_import
from zhucan.orgs.models import Organisation
from zhucan.orgs.regions import gbt2260_codes
from zhucan.orgs.xlsx_reader import MAX_FILE_BYTES

REFUSED = 2


def resolve_under(value: str) -> Organisation:
    """A known six-digit region code means the top organisation of that region; any other
    number is an organisation id."""
    value = value.strip()
    if len(value) == 6 and value in gbt2260_codes():
        candidates = list(
            Organisation.objects.filter(region_id=value, is_active=True).order_by("depth", "pk")
        )
        top = [org for org in candidates if org.depth == candidates[0].depth] if candidates else []
        if len(top) == 1:
            return top[0]
        if not top:
            raise CommandError(f"No active organisation in region {value}.")
        listed = ", ".join(f"{org.pk} {org.name}" for org in top)
        raise CommandError(f"Several organisations lead region {value}; use an id: {listed}")
    if not value.isdigit():
        raise CommandError("--under takes an organisation id or a six-digit region code.")
    org = Organisation.objects.filter(pk=int(value)).first()
    if org is None:
        raise CommandError(f"No organisation with id {value}.")
    return org


class Command(BaseCommand):
    help = (
        "Load organisations from an .xlsx file (the template's columns) under an existing "
        "organisation. All or nothing: exit status 2 and the problems on stderr if refused."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--under",
            required=True,
            help="id of the organisation to import under, or its six-digit region code",
        )
        parser.add_argument("--dry-run", action="store_true", help="check only, save nothing")
        parser.add_argument(
            "--skip-existing",
            action="store_true",
            help="leave rows alone whose name already exists under the same parent",
        )
        parser.add_argument(
            "--by",
            metavar="USERNAME",
            help="the person recorded in the audit log (default: system)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        under = resolve_under(options["under"])
        by = None
        if options["by"]:
            by = get_user_model().objects.filter(username=options["by"], is_active=True).first()
            if by is None or not can_manage_orgs(by, under):
                raise CommandError(f"{options['by']} may not change organisations under {under}.")
        if not path.is_file():
            raise CommandError(f"{path} is not a file.")
        if path.stat().st_size > MAX_FILE_BYTES:
            self._refuse(None, f"{path} is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB.")
        data = path.read_bytes()
        skip = options["skip_existing"]
        if options["dry_run"]:
            report = check_file(data=data, under=under, skip_existing=skip)
        else:
            report = run_import(
                by=by, under=under, data=data, skip_existing=skip, file_name=path.name
            )
        if not report.is_valid:
            self._refuse(report, f"{path.name} was refused; nothing was saved.")
        verb = "would be created" if options["dry_run"] else "created"
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(report.to_create)} organisations {verb} under {under.name} "
                f"({len(report.skipped)} skipped)."
            )
        )

    def _refuse(self, report: ImportReport | None, summary: str) -> None:
        if report is not None:
            for problem in report.sorted_problems():
                where = [f"row {problem.row}" if problem.row else "file"]
                if problem.column or problem.header:
                    where.append(f"column {problem.column} ({problem.header})".replace(" ()", ""))
                self.stderr.write(f"{', '.join(where)}: {problem.message}")
        raise CommandError(summary, returncode=REFUSED)
