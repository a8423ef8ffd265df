"""python manage.py import_registry FILE --org ORG [--dry-run] [--valid-only]
[--duplicates merge|skip] [--user USERNAME]

The same job as the web page (upload, dry run, import), run here in the foreground. The
columns are those the organisation saved on the page, else the guesses from the headers.
Exit status 0 when imported (or when a dry run is clean, or the same import was already done),
2 when the file is refused, with every problem on standard error; nothing is saved then.
Without ``--user`` the import is recorded as the system's (the server's operator); with it,
that person must be allowed to keep the organisation's registry.

Everything it says is in the interface language (``LANGUAGE_CODE``, Chinese by default), the
same sentences as the page; while a large sheet is checked and imported, a line on standard
error every ``PROGRESS_EVERY`` rows says how far it is.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from zhucan.accounts.models import User
from zhucan.core.errors import DomainError
from zhucan.orgs.management.commands.import_organisations import resolve_under
from zhucan.registry.imports import jobs
from zhucan.registry.imports.mapping import LABELS, ignored_columns
from zhucan.registry.imports.reading import MAX_FILE_BYTES, column_letter
from zhucan.registry.keycheck import verify_keys
from zhucan.registry.models.imports import RegistryImport

REFUSED = 2
PROGRESS_EVERY = 10_000  # rows between two progress lines


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
            raise CommandError(_("No such file: %(path)s") % {"path": path})
        if path.stat().st_size > MAX_FILE_BYTES:
            self._refuse(
                [
                    _("The file is larger than %(max)d MB. Split it into several files.")
                    % {"max": MAX_FILE_BYTES // 2**20}
                ]
            )
        organisation = resolve_under(options["org"])
        # Wrong keys would find none of the people already registered and add them again.
        verify_keys()
        by = None
        if options["user"]:
            by = User.objects.filter(username=options["user"], is_active=True).first()
            if by is None:
                raise CommandError(_("No active user “%(name)s”.") % {"name": options["user"]})
        try:
            job = jobs.upload_import(
                by=by, organisation=organisation, data=path.read_bytes(), file_name=path.name
            )
            jobs.request_check(by=by, job=job, mapping=job.mapping, background=False)
        except DomainError as error:
            self._refuse([error.message])
        jobs.run_check(job_id=job.pk, echo=self._progress(job, _("Checked")))
        job.refresh_from_db()
        self._summary(job)
        if options["dry_run"] or (job.problems_total and not options["valid_only"]):
            jobs.discard_import(by=by, job=job)
            if job.problems_total:
                hint = []
                if job.valid_rows and not options["dry_run"]:
                    hint = [self._valid_only_hint(job)]
                self._refuse([*self._problem_lines(job), *hint])
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
                _("Already imported (import %(pk)d, %(when)s): nothing more to do.")
                % {"pk": done_by.pk, "when": f"{done_by.finished_at:%Y-%m-%d %H:%M}"}
            )
            return
        jobs.run_import(job_id=job.pk, echo=self._progress(job, _("Imported")))
        job.refresh_from_db()
        if job.status != RegistryImport.Status.DONE:
            self._refuse([job.message, *self._problem_lines(job)])
        self.stdout.write(
            _(
                "Imported: %(added)d added, %(updated)d updated, %(skipped)d skipped "
                "(import %(pk)d)."
            )
            % {"added": job.created, "updated": job.updated, "skipped": job.skipped, "pk": job.pk}
        )
        for line in self._problem_lines(job):
            self.stderr.write(_("skipped: %(line)s") % {"line": line})

    def _progress(self, job: RegistryImport, verb: str) -> Any:
        """A callback for the job: a line on standard error each ``PROGRESS_EVERY`` rows (none
        for a sheet smaller than that: it is done before anyone wonders)."""
        total = job.rows_total
        shown = [0]

        def echo(done: int) -> None:
            if total < PROGRESS_EVERY or done == shown[0]:
                return
            if done - shown[0] < PROGRESS_EVERY and done < total:
                return
            shown[0] = done
            percent = min(100, round(100 * done / total)) if total else 100
            self.stderr.write(
                _("%(verb)s %(done)d of %(total)d rows (%(percent)d%%).")
                % {"verb": verb, "done": done, "total": total, "percent": percent}
            )

        return echo

    def _summary(self, job: RegistryImport) -> None:
        mapped = _(", ").join(
            f"{column_letter(int(index) + job.first_column)}（{job.headers[int(index)]}）→"
            f"{LABELS[name]}"
            for index, name in sorted(job.mapping.items(), key=lambda item: int(item[0]))
        )
        self.stdout.write(_("Columns read: %(columns)s") % {"columns": mapped})
        ignored = ignored_columns(job.headers, job.mapping, job.first_column)
        if ignored:
            self.stdout.write(
                _("Columns not imported: %(columns)s") % {"columns": _(", ").join(ignored)}
            )
        self.stdout.write(
            _(
                "%(rows)d rows read: %(valid)d valid (%(registered)d already registered), "
                "%(invalid)d with problems."
            )
            % {
                "rows": job.rows_total,
                "valid": job.valid_rows,
                "registered": job.registered_rows,
                "invalid": job.invalid_rows,
            }
        )
        if job.message:  # old numbers converted, township names not on the list
            self.stdout.write(job.message)

    @staticmethod
    def _valid_only_hint(job: RegistryImport) -> str:
        return _(
            "Nothing was imported. To import only the %(valid)d valid rows, run the command "
            "again with --valid-only (on the import page: “Import only the valid rows”)."
        ) % {"valid": job.valid_rows}

    @staticmethod
    def _problem_lines(job: RegistryImport) -> list[str]:
        lines = []
        for problem in job.problems:
            if not problem["row"]:
                where = _("whole file")
            elif problem["column"]:
                where = _("row %(row)d, column %(column)s (%(header)s)") % problem
            else:
                where = _("row %(row)d") % problem
            lines.append(f"{where}: {problem['message']}")
        if job.problems_total > len(job.problems):
            lines.append(
                _("… and %(n)d more problems.") % {"n": job.problems_total - len(job.problems)}
            )
        return lines

    def _refuse(self, lines: list[str]) -> NoReturn:
        for line in lines:
            self.stderr.write(line)
        raise SystemExit(REFUSED)
