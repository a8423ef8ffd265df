"""python manage.py import_registry FILE --org ORG [--dry-run] [--valid-only]
[--duplicates merge|skip] [--user USERNAME]

The same job as the web page (upload, dry run, import), run here in the foreground. The
columns are those the organisation saved on the page, else the guesses from the headers.
Exit status 0 when imported (or when a dry run is clean, or the same import was already done),
2 when the file is refused, with every problem on standard error; nothing is saved then.
Without ``--user`` the import is recorded as the system's (the server's operator); with it,
that person must be allowed to keep the organisation's registry.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhucan.accounts.models import User
from zhucan.core.errors import DomainError
from zhucan.orgs.management.commands.import_organisations import resolve_under
from zhucan.registry.imports import jobs
from zhucan.registry.imports.reading import MAX_FILE_BYTES
from zhucan.registry.keycheck import verify_keys
from zhucan.registry.models.imports import RegistryImport

REFUSED = 2


class Command(BaseCommand):
    help = (
        "Import registered disabled people from an .xlsx sheet into an organisation's "
        "registry. Exit status 2 and the problems on stderr if refused."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--org", required=True, help="organisation id, or its six-digit region code"
        )
        parser.add_argument("--dry-run", action="store_true", help="check only, save nothing")
        parser.add_argument(
            "--valid-only", action="store_true", help="import the valid rows, skip the others"
        )
        parser.add_argument(
            "--duplicates",
            choices=RegistryImport.Duplicates.values,
            default=RegistryImport.Duplicates.SKIP,
            help="people already registered: merge (update them) or skip (default)",
        )
        parser.add_argument("--user", help="the user name the import is made as")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        if path.stat().st_size > MAX_FILE_BYTES:
            self._refuse([f"The file is larger than {MAX_FILE_BYTES // 2**20} MB."])
        organisation = resolve_under(options["org"])
        # Wrong keys would find none of the people already registered and add them again.
        verify_keys()
        by = None
        if options["user"]:
            by = User.objects.filter(username=options["user"], is_active=True).first()
            if by is None:
                raise CommandError(f"No active user {options['user']!r}.")
        try:
            job = jobs.upload_import(
                by=by, organisation=organisation, data=path.read_bytes(), file_name=path.name
            )
            jobs.request_check(by=by, job=job, mapping=job.mapping, background=False)
        except DomainError as error:
            self._refuse([error.message])
        jobs.run_check(job_id=job.pk)
        job.refresh_from_db()
        self._summary(job)
        if options["dry_run"] or (job.problems_total and not options["valid_only"]):
            jobs.discard_import(by=by, job=job)
            if job.problems_total:
                self._refuse(self._problem_lines(job))
            return
        try:
            done_by = jobs.confirm_import(
                by=by,
                job=job,
                valid_only=options["valid_only"],
                duplicates=options["duplicates"],
                background=False,
            )
        except DomainError as error:
            jobs.discard_import(by=by, job=job)
            self._refuse([error.message, *self._problem_lines(job)])
        if done_by.pk != job.pk:
            self.stdout.write(
                f"Already imported (import {done_by.pk}, {done_by.finished_at:%Y-%m-%d %H:%M}): "
                "nothing more to do."
            )
            return
        jobs.run_import(job_id=job.pk)
        job.refresh_from_db()
        if job.status != RegistryImport.Status.DONE:
            self._refuse([job.message, *self._problem_lines(job)])
        self.stdout.write(
            f"Imported: {job.created} added, {job.updated} updated, {job.skipped} skipped "
            f"(import {job.pk})."
        )
        for line in self._problem_lines(job):
            self.stderr.write(f"skipped: {line}")

    def _summary(self, job: RegistryImport) -> None:
        mapped = ", ".join(
            f"{job.headers[int(index)]}→{name}"
            for index, name in sorted(job.mapping.items(), key=lambda item: int(item[0]))
        )
        self.stdout.write(f"Columns: {mapped}")
        self.stdout.write(
            f"{job.rows_total} rows read: {job.valid_rows} valid "
            f"({job.registered_rows} already registered), {job.invalid_rows} with problems."
        )

    @staticmethod
    def _problem_lines(job: RegistryImport) -> list[str]:
        lines = []
        for problem in job.problems:
            where = f"row {problem['row']}" if problem["row"] else "file"
            if problem["column"]:
                where += f", column {problem['column']} ({problem['header']})"
            lines.append(f"{where}: {problem['message']}")
        if job.problems_total > len(job.problems):
            lines.append(f"… and {job.problems_total - len(job.problems)} more problems.")
        return lines

    def _refuse(self, lines: list[str]) -> NoReturn:
        for line in lines:
            self.stderr.write(line)
        raise SystemExit(REFUSED)
