"""The import job, from upload to done: every step a service, the long ones background work.

1. ``upload_import`` checks the file (type, size, bombs, extent), reads its header row, guesses
   the mapping and keeps the file on the job. A delayed task (``expire_import``) deletes the
   file if nobody confirms the import within ``KEEP_UPLOAD``: it holds personal data.
2. ``request_check`` takes the person's mapping (and saves it for the organisation if asked)
   and queues the dry run; ``run_check`` (the worker) lists every problem.
3. ``confirm_import`` queues the import with the person's options (all rows or only the valid
   ones; people already registered merged or skipped). The same import confirmed again (same
   organisation, file digest, mapping and options) while one waits, runs or is done is that
   one, not a second: ``import_key`` is unique among those jobs.
4. ``run_import`` (the worker) saves every row in one transaction, from what the dry run kept
   (``staging``) when the registry is for these rows as the dry run saw it, else
   checked again; writes one audit entry (counts and digest, never personal data) and deletes
   the file.

Progress. The import's transaction is invisible to the page that polls the job until it
commits, so on PostgreSQL the number of rows done is written on a second connection of its own;
SQLite allows one writer at a time, so there it is written at the end only (the page then
shows a bar without a value).
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Callable

from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone
from django.utils.translation import gettext as _

from zhucan.core import audit
from zhucan.core.actors import Actor
from zhucan.core.errors import DomainError
from zhucan.core.jobs import (
    INTERRUPTED,
    Heartbeat,
    LeaseLostError,
    enqueue,
    hold_lease,
    release_lease,
    still_held,
    take_lease,
)
from zhucan.orgs.models import Organisation
from zhucan.registry.imports.checking import (
    BATCH_SIZE,
    Problem,
    Report,
    RowChecker,
    check_sheet,
)
from zhucan.registry.imports.mapping import clean_mapping, initial_mapping, save_mapping
from zhucan.registry.imports.reading import Sheet, UnreadableFileError, open_sheet
from zhucan.registry.imports.saving import ImportRefusedError, roomy_page_cache, save_rows
from zhucan.registry.imports.sealing import SHEET_PURPOSE, keep_sealed, seal, unseal  # noqa: F401
from zhucan.registry.imports.staging import Stage, drop_stage, insert_staged, usable
from zhucan.registry.models.imports import KEEP_UPLOAD, RegistryImport
from zhucan.registry.services.people import require_registry_writer

logger = logging.getLogger(__name__)
Status = RegistryImport.Status

# The tasks of ``imports.tasks``, queued by path through ``core.jobs`` (that module imports this).
CHECK_TASK = "zhucan.registry.imports.tasks.check_registry_import"
IMPORT_TASK = "zhucan.registry.imports.tasks.run_registry_import"
EXPIRE_TASK = "zhucan.registry.imports.tasks.expire_registry_import"


def _require_writer(by: Actor | None, organisation: Organisation) -> None:
    """``by=None`` is the server's operator running ``import_registry`` without ``--user``."""
    if by is not None:
        require_registry_writer(by, organisation)


def _open(job: RegistryImport) -> Sheet:
    """The job's file, as proven safe at upload when it is still the same bytes."""
    data = unseal(bytes(job.data))
    return open_sheet(data, proven=hashlib.sha256(data).hexdigest() == job.digest)


def _forget_file(job: RegistryImport) -> list[str]:
    job.data = b""
    job.size = 0
    return ["data", "size"]


# --- 1. Upload --------------------------------------------------------------------------------


@transaction.atomic
def upload_import(
    *, by: Actor | None, organisation: Organisation, data: bytes, file_name: str = ""
) -> RegistryImport:
    """Keep an uploaded sheet for its dry run; refuse a file that cannot be read safely."""
    _require_writer(by, organisation)
    try:
        # The header and the number of rows are all the upload needs: the rows are read by
        # the dry run, once the person has confirmed which column holds what.
        sheet = open_sheet(data, header_only=True)
    except UnreadableFileError as error:
        raise DomainError(error.message, field="file") from None
    try:
        headers = sheet.headers
    finally:
        sheet.close()
    if not any(headers):
        raise DomainError(_("The sheet has no header row."), field="file")
    job = RegistryImport.objects.create(
        organisation=organisation,
        created_by=by,
        file_name=file_name[:200],
        digest=hashlib.sha256(data).hexdigest(),
        size=len(data),
        headers=headers,
        first_column=sheet.first_column,
        mapping=initial_mapping(headers, organisation),
        rows_total=sheet.data_rows,
    )
    job.data = seal(data)  # never the clear workbook in the database (see ``sealing``)
    keep_sealed(job.pk, job.data)
    audit.record(
        by=by,
        action="registry.import.uploaded",
        target=job,
        changes={"sha256": job.digest, "bytes": len(data), "rows": sheet.data_rows},
    )
    enqueue(EXPIRE_TASK, run_after=timezone.now() + KEEP_UPLOAD, job_id=job.pk)
    return job


# --- 2. The dry run ---------------------------------------------------------------------------


@transaction.atomic
def request_check(
    *,
    by: Actor | None,
    job: RegistryImport,
    mapping: dict[str, str],
    remember: bool = False,
    background: bool = True,
) -> RegistryImport:
    """Take the person's column mapping and queue the dry run."""
    job = (
        RegistryImport.objects.select_for_update()
        .select_related("organisation")
        .defer("data")
        .get(pk=job.pk)
    )
    _require_writer(by, job.organisation)
    if job.status not in (Status.UPLOADED, Status.CHECKED) or not job.has_file:
        raise DomainError(_("This import can no longer be changed."))
    job.mapping = clean_mapping(mapping, job.headers)
    drop_stage(job.pk)  # the rows of the last dry run, with the mapping of then
    if remember:
        save_mapping(by=by, organisation=job.organisation, headers=job.headers, mapping=job.mapping)
    job.status = Status.CHECKING
    job.rows_done = 0
    job.attempts = 0  # each phase (dry run, import) has its own tries (see core.jobs)
    job.save(update_fields=["mapping", "status", "rows_done", "attempts"])
    if background:
        enqueue(CHECK_TASK, job_id=job.pk)
    return job


# What a check found, as the job keeps it.
REPORT_FIELDS = [
    "rows_total",
    "valid_rows",
    "invalid_rows",
    "registered_rows",
    "problems",
    "problems_total",
]


def unlisted_townships(report: Report, organisation: Organisation) -> str:
    """One sentence naming the township names not on the list, with their first rows."""
    if not report.unlisted:
        return ""
    names = _(", ").join(
        _("%(name)s (rows %(rows)s)")
        % {"name": name, "rows": _(", ").join(str(row) for row in rows)}
        for name, rows in report.unlisted.items()
    )
    return _(
        "Not on the township list of %(org)s: %(names)s. Correct these names in the sheet, or "
        "add them on the townships page and check the file again."
    ) % {"org": organisation.name, "names": names}


def _report_fields(job: RegistryImport, report: Report) -> list[str]:
    job.rows_total = report.rows
    job.valid_rows = report.valid
    job.invalid_rows = report.invalid
    job.registered_rows = report.registered
    job.problems = report.problem_dicts()
    job.problems_total = report.problems_total
    return REPORT_FIELDS


def run_check(*, job_id: int, echo: Callable[[int], None] | None = None) -> str:
    """The dry run (the worker's task): nothing is written but the job's report. ``echo``
    hears the rows done as the page does (the command prints them)."""
    with transaction.atomic():
        job = (
            RegistryImport.objects.select_for_update(of=("self",))
            .select_related("organisation")
            .filter(pk=job_id)
            .first()
        )
        if job is None or job.status != Status.CHECKING or not job.has_file or job.lease_owner:
            return "skipped"
        job.started_at = timezone.now()
        job.save(update_fields=["started_at", *take_lease(job)])
    with Heartbeat(job):
        return _check(job, echo)


def _check(job: RegistryImport, echo: Callable[[int], None] | None = None) -> str:
    progress = ProgressWriter(job, echo)
    unexpected: Exception | None = None
    try:
        sheet = _open(job)
        try:
            report = check_sheet(
                sheet=sheet,
                mapping=job.mapping,
                organisation=job.organisation,
                progress=progress,
                stage=Stage(job_id=job.pk, organisation=job.organisation) if usable() else None,
                by=job.created_by,
            )
        finally:
            sheet.close()
    except UnreadableFileError as error:
        drop_stage(job.pk)
        report = Report()
        report.add(Problem(None, error.message))
    except Exception as error:  # recorded on the job, then raised again for the worker's log
        drop_stage(job.pk)
        unexpected = error
        report = Report()
        report.add(
            Problem(None, _("The file could not be checked because of an unexpected error."))
        )
    finally:
        progress.close()
    with transaction.atomic():
        if not still_held(job):
            return "skipped"  # given up on or retried meanwhile (see core.jobs)
        fields = _report_fields(job, report)
        job.status = Status.CHECKED
        job.rows_done = job.rows_total
        job.message = " ".join(
            line
            for line in (
                _("%(n)d old 15-digit ID numbers will be converted to 18 characters.")
                % {"n": report.converted}
                if report.converted
                else "",
                unlisted_townships(report, job.organisation),
            )
            if line
        )
        job.finished_at = timezone.now()
        job.save(
            update_fields=[
                *fields,
                "status",
                "rows_done",
                "message",
                "finished_at",
                *release_lease(job),
            ]
        )
    if unexpected is not None:
        raise unexpected
    return str(job.status)


# --- 3. Confirmation --------------------------------------------------------------------------


def import_key(job: RegistryImport, *, valid_only: bool, duplicates: str) -> str:
    """What makes two imports the same import."""
    identity = {
        "organisation": job.organisation_id,
        "digest": job.digest,
        "mapping": job.mapping,
        "valid_only": valid_only,
        "duplicates": duplicates,
    }
    return hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest()


@transaction.atomic
def confirm_import(
    *,
    by: Actor | None,
    job: RegistryImport,
    valid_only: bool,
    duplicates: str,
    background: bool = True,
) -> RegistryImport:
    """Queue the import of a checked file. Returns the job that does it: this one, or the one
    already waiting, running or done for the same import (this one's file is then deleted)."""
    job = (
        RegistryImport.objects.select_for_update()
        .select_related("organisation")
        .defer("data")
        .get(pk=job.pk)
    )
    _require_writer(by, job.organisation)
    if job.status in (Status.QUEUED, Status.RUNNING, Status.DONE):
        return job  # a second click on the same page
    if job.status != Status.CHECKED or not job.has_file:
        raise DomainError(_("Check the file before importing it."))
    if duplicates not in RegistryImport.Duplicates.values:
        raise DomainError(_("Choose what to do with people already registered."))
    if job.problems_total and not valid_only:
        raise DomainError(_("The file has problems: correct them, or import only the valid rows."))
    if not job.valid_rows:
        raise DomainError(_("There is no row to import in this file."))
    key = import_key(job, valid_only=valid_only, duplicates=duplicates)
    same = RegistryImport.objects.filter(
        import_key=key, status__in=[Status.QUEUED, Status.RUNNING, Status.DONE]
    ).exclude(pk=job.pk)
    earlier = same.first()
    if earlier is None:
        job.import_key, job.valid_only, job.duplicates = key, valid_only, duplicates
        job.status = Status.QUEUED
        job.rows_done = 0
        job.attempts = 0  # the dry run's tries are not the import's
        try:
            with transaction.atomic():  # a savepoint: the same import at the same moment
                job.save(
                    update_fields=[
                        "import_key",
                        "valid_only",
                        "duplicates",
                        "status",
                        "rows_done",
                        "attempts",
                    ]
                )
        except IntegrityError:
            earlier = same.first()
            job.import_key, job.status = "", Status.CHECKED
        else:
            audit.record(
                by=by,
                action="registry.import.queued",
                target=job,
                changes={"sha256": job.digest, "valid_only": valid_only, "duplicates": duplicates},
            )
            if background:
                enqueue(IMPORT_TASK, job_id=job.pk)
            return job
    assert earlier is not None
    job.status = Status.DISCARDED
    job.message = _("The same import was already made (import %(pk)d).") % {"pk": earlier.pk}
    job.save(update_fields=["status", "message", *_forget_file(job)])
    return earlier


# --- 4. The import ----------------------------------------------------------------------------


class ProgressWriter:
    """Writes ``rows_done`` on a connection of its own, committed at once, so the page sees it
    while the import's transaction is still open (PostgreSQL only, see the module docstring)."""

    EVERY_SECONDS = 0.5

    def __init__(self, job: RegistryImport, echo: Callable[[int], None] | None = None) -> None:
        self.job_id = job.pk
        self.echo = echo
        self.last = 0.0
        self.connection: BaseDatabaseWrapper | None = None
        if connections[DEFAULT_DB_ALIAS].vendor == "postgresql":
            self.connection = connections.create_connection(DEFAULT_DB_ALIAS)

    def __call__(self, done: int) -> None:
        if self.echo is not None:
            self.echo(done)
        now = time.monotonic()
        if self.connection is None or now - self.last < self.EVERY_SECONDS:
            return
        self.last = now
        table = self.connection.ops.quote_name(RegistryImport._meta.db_table)
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET rows_done = %s WHERE id = %s",  # noqa: S608 - our table
                [done, self.job_id],
            )

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()


def _start(job_id: int) -> RegistryImport | None:
    with transaction.atomic():
        job = (
            RegistryImport.objects.select_for_update(of=("self",))
            .select_related("organisation", "created_by")
            .defer("data")  # read only when the rows must be checked again
            .filter(pk=job_id)
            .first()
        )
        if job is None or job.status != Status.QUEUED:
            return None  # done already (a retried task, a second worker)
        job.status = Status.RUNNING
        job.started_at = timezone.now()
        job.rows_done = 0
        job.save(update_fields=["status", "started_at", "rows_done", *take_lease(job)])
        return job


def _save(job: RegistryImport, progress: ProgressWriter, batch_size: int) -> None:
    """Save every row, from the dry run's stage or checked again, all in the caller's
    transaction."""
    by = job.created_by
    if by is not None:
        if not by.is_active:
            raise DomainError(_("The person who started this import can no longer import."))
        require_registry_writer(by, job.organisation)
    # One import at a time per organisation: two would find the same people "new".
    organisation = Organisation.objects.select_for_update().get(pk=job.organisation_id)
    with roomy_page_cache():
        if not _save_staged(job, organisation, progress):
            _save_checked_again(job, organisation, progress, batch_size)
    hold_lease(job)  # not given up on meanwhile: else all of this rolls back
    drop_stage(job.pk)
    job.status = Status.DONE
    job.rows_done = job.rows_total
    job.finished_at = timezone.now()
    job.save(
        update_fields=[
            *release_lease(job),
            *REPORT_FIELDS,
            "created",
            "updated",
            "skipped",
            "status",
            "rows_done",
            "finished_at",
            *_forget_file(job),
        ]
    )
    # Counts and the digest only: the audit log must not become a copy of the register.
    audit.record(
        by=by,
        action="registry.import.completed",
        target=job,
        changes={
            "sha256": job.digest,
            "rows": job.rows_total,
            "created": job.created,
            "updated": job.updated,
            "skipped": job.skipped,
            "valid_only": job.valid_only,
            "duplicates": job.duplicates,
        },
    )


def _save_staged(job: RegistryImport, organisation: Organisation, progress: ProgressWriter) -> bool:
    """The dry run's rows, when they may be used as they are (see ``staging``): True if saved.
    The dry run's counts stand: the registry is, for these rows, as it saw it."""
    if job.problems_total and not job.valid_only:
        return False  # refused by the check again, which says why
    if job.registered_rows and job.duplicates == RegistryImport.Duplicates.MERGE:
        return False  # a merge changes only the cells a row fills: the rows are needed
    created = insert_staged(
        job_id=job.pk,
        organisation=organisation,
        by=job.created_by,
        staged=job.valid_rows,
        rows_total=job.rows_total,
        progress=progress,
    )
    if created is None:
        return False
    job.created, job.updated = created, 0
    job.skipped = job.registered_rows + job.invalid_rows
    return True


def _save_checked_again(
    job: RegistryImport, organisation: Organisation, progress: ProgressWriter, batch_size: int
) -> None:
    by = job.created_by
    try:
        sheet = _open(job)
    except UnreadableFileError as error:
        raise DomainError(error.message) from None
    try:
        # Read and checked again: the registry has changed since the dry run for some of
        # these rows (people registered meanwhile, here or outside the organisation's area),
        # or a merge needs each row's filled cells, or there is no stage (see ``staging``).
        checker = RowChecker(
            sheet=sheet, mapping=job.mapping, organisation=organisation, progress=progress
        )
        saved = save_rows(
            checker=checker,
            organisation=organisation,
            by=by,
            duplicates=job.duplicates,
            valid_only=job.valid_only,
            batch_size=batch_size,
        )
    finally:
        sheet.close()
    _report_fields(job, saved.report)
    job.created, job.updated, job.skipped = saved.created, saved.updated, saved.skipped


def _fail(job: RegistryImport, message: str, report: Report | None) -> None:
    with transaction.atomic():
        if job.lease_owner and not still_held(job):
            return  # given up on or retried meanwhile: that decided what the job is now
        drop_stage(job.pk)
        fields = _report_fields(job, report) if report is not None else []
        job.status = Status.FAILED
        job.message = message
        job.finished_at = timezone.now()
        job.save(
            update_fields=[
                *fields,
                "status",
                "message",
                "finished_at",
                *_forget_file(job),
                *release_lease(job),
            ]
        )
        audit.record(
            by=job.created_by,
            action="registry.import.failed",
            target=job,
            changes={"sha256": job.digest, "problems": job.problems_total},
        )


def run_import(
    *, job_id: int, batch_size: int = BATCH_SIZE, echo: Callable[[int], None] | None = None
) -> str:
    """Run a queued import (the worker's task); returns the job's status.

    Every row is saved in one transaction with the job's "done": when anything fails, nothing
    is saved and the job says why. An unexpected error is raised again after that, so that the
    worker records it with its traceback.
    """
    job = _start(job_id)
    if job is None:
        return "skipped"
    with Heartbeat(job):
        return _import(job, batch_size, echo)


def _import(job: RegistryImport, batch_size: int, echo: Callable[[int], None] | None = None) -> str:
    progress = ProgressWriter(job, echo)
    try:
        with transaction.atomic():
            _save(job, progress, batch_size)
    except LeaseLostError:
        logger.warning("Registry import %s was taken over while it ran", job.pk)
        return "skipped"
    except ImportRefusedError as refused:
        _fail(job, refused.message, refused.report)
        return str(Status.FAILED)
    except DomainError as error:
        _fail(job, error.message, None)
        return str(Status.FAILED)
    except IntegrityError:
        _fail(
            job,
            _(
                "Some of these people were registered by someone else while the import ran. "
                "Nothing was saved: upload the file again to check it."
            ),
            None,
        )
        return str(Status.FAILED)
    except Exception:
        logger.exception("Registry import %s failed", job.pk)
        _fail(
            job,
            _(
                "The import stopped because of an unexpected error. Nothing was saved. Try "
                "again; if it happens again, tell your system administrator."
            ),
            None,
        )
        raise
    finally:
        progress.close()
    return str(Status.DONE)


# --- Deleting the file -----------------------------------------------------------------------


@transaction.atomic
def discard_import(*, by: Actor | None, job: RegistryImport) -> RegistryImport:
    """The person does not want this import: the file and the dry run's rows are deleted now.
    A job whose worker died (``core.jobs``: its lease ran out) may be discarded too; its
    transaction was rolled back, so nothing of it was saved, and the same file may then be
    uploaded and imported again."""
    job = (
        RegistryImport.objects.select_for_update()
        .select_related("organisation")
        .defer("data")
        .get(pk=job.pk)
    )
    _require_writer(by, job.organisation)
    stuck = job.busy and job.is_stuck
    if job.busy and not stuck:
        raise DomainError(_("Wait until the work on this file has finished."))
    if not (stuck or job.has_file or job.status == Status.FAILED):
        return job  # done or discarded already: nothing is kept
    drop_stage(job.pk)
    fields = ["status", *_forget_file(job)]
    if stuck:
        job.message = str(INTERRUPTED)
        job.finished_at = timezone.now()
        fields += ["message", "finished_at", *release_lease(job)]
    if stuck or job.status in (Status.UPLOADED, Status.CHECKED, Status.FAILED):
        job.status = Status.DISCARDED
    job.save(update_fields=fields)
    audit.record(by=by, action="registry.import.discarded", target=job)
    return job


def expire_import(*, job_id: int) -> bool:
    """Delete the file of an import nobody confirmed within ``KEEP_UPLOAD`` (the delayed task
    queued at upload). True when a file was deleted."""
    with transaction.atomic():
        job = RegistryImport.objects.select_for_update().defer("data").filter(pk=job_id).first()
        if job is None or not job.has_file or job.busy:
            return False
        if timezone.now() - job.created_at < KEEP_UPLOAD:
            return False
        drop_stage(job.pk)
        job.status = Status.DISCARDED
        job.message = _("The file was deleted because the import was not confirmed in time.")
        job.save(update_fields=["status", "message", *_forget_file(job)])
        return True


# --- A worker that died (``core.jobs`` calls these with the job's row locked) ----------------


def retry_stale(job: RegistryImport) -> None:
    """Queue the dry run or the import again. The import writes in one transaction, which the
    database rolled back when the worker died; the dry run writes only its stage, dropped
    here, and the job's report at the end."""
    fields = ["rows_done", *release_lease(job)]
    job.rows_done = 0
    if job.status == Status.CHECKING:
        drop_stage(job.pk)  # written by the dry run as it went: it starts again
        job.save(update_fields=fields)
        enqueue(CHECK_TASK, job_id=job.pk)
    else:
        job.status = Status.QUEUED
        job.save(update_fields=["status", *fields])
        enqueue(IMPORT_TASK, job_id=job.pk)
    audit.record(
        by=None, action="registry.import.retried", target=job, changes={"attempt": job.attempts}
    )


def give_up_stale(job: RegistryImport, message: str) -> None:
    """Tried often enough: the job fails, its file and dry-run rows are deleted."""
    drop_stage(job.pk)
    job.status = Status.FAILED
    job.message = message
    job.finished_at = timezone.now()
    job.save(
        update_fields=["status", "message", "finished_at", *_forget_file(job), *release_lease(job)]
    )
    audit.record(
        by=None,
        action="registry.import.failed",
        target=job,
        changes={"sha256": job.digest, "attempts": job.attempts},
    )
