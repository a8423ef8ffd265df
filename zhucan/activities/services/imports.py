"""Importing activity reports from Excel as background work.

The page runs the dry run (``excel.check_file``) in the request and, once the person confirms,
``start_import`` records an ``ImportJob`` holding the file and queues ``tasks.import_reports``.
The worker calls ``run_import_job``: it checks the file again (the tree, the person's rights or
the reports may have changed meanwhile) and saves every row in one transaction, so a failure
half-way leaves no report behind; the job records why in words a person can read.

A worker that dies mid-way (killed, the machine lost) leaves nothing saved: the database rolls
the transaction back. Its job's lease then runs out and ``core.jobs`` queues it again or fails
it (``retry_stale``, ``give_up_stale``); a failed job may be discarded (``discard_import_job``)
and the same file imported again.

Progress. The saving transaction is not visible to the page that polls the job until it
commits, so the count of rows done is written on a second database connection of its own
(``_ProgressWriter``). SQLite allows one writer at a time, so there the count is only
written at the end and the page shows an indeterminate bar while the job runs.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from typing import Any

from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone
from django.utils.translation import gettext as _

from zhucan.activities.excel import IMPORT_ACTION, ImportCheck, ImportRow, check_file
from zhucan.activities.models import ActivityReport, ImportJob
from zhucan.activities.services.reports import save_report
from zhucan.campaigns.models import Campaign
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
from zhucan.plans.access import writable_recipients

logger = logging.getLogger(__name__)

PENDING = (ImportJob.Status.QUEUED, ImportJob.Status.RUNNING)

# ``tasks.import_reports``, queued through ``core.jobs`` (the tasks module imports this one).
IMPORT_TASK_PATH = "zhucan.activities.tasks.import_reports"


def _common_organisation(organisations: Sequence[Organisation]) -> Organisation:
    """The nearest organisation at or above every one of ``organisations`` (paths /1/7/42/)."""
    paths = [[part for part in org.path.split("/") if part] for org in organisations]
    common: list[str] = []
    for parts in zip(*paths, strict=False):
        if len(set(parts)) != 1:
            break
        common.append(parts[0])
    if len(organisations) == 1 or not common:
        return organisations[0]
    return Organisation.objects.get(pk=int(common[-1]))


@transaction.atomic
def start_import(
    *,
    by: Actor,
    campaign: Campaign,
    check: ImportCheck,
    data: bytes,
    only_valid: bool,
    file_name: str = "",
    dates_confirmed: bool = False,
) -> ImportJob:
    """Queue the import of the file whose dry run is ``check``. The same file for the same
    campaign and organisation while a job for it waits or runs gives that job, not a second."""
    rows = check.valid_rows
    if not rows:
        raise DomainError(_("There is no row to import in this file."))
    if check.problems and not only_valid:
        raise DomainError(_("The file has problems: import only the valid rows, or correct it."))
    organisation = _common_organisation(
        sorted({r.organisation for r in rows if r.organisation is not None}, key=lambda o: o.path)
    )
    pending = ImportJob.objects.filter(
        campaign=campaign, organisation=organisation, digest=check.digest, status__in=PENDING
    )
    existing = pending.select_for_update().first()
    if existing is not None and not existing.is_stuck:
        return existing
    if existing is not None:
        # Its worker died mid-way (nothing was saved): let this file be imported anew.
        _mark_failed(existing, str(INTERRUPTED), [])
    try:
        with transaction.atomic():  # a savepoint: a second click at the same moment may win
            job = ImportJob.objects.create(
                campaign=campaign,
                organisation=organisation,
                created_by=by,
                digest=check.digest,
                file_name=file_name[:200],
                only_valid=only_valid,
                dates_confirmed=dates_confirmed,
                data=data,
                rows_total=len(rows),
            )
    except IntegrityError:
        return pending.get()
    # The database backend stores the task in this same transaction: the job and its task are
    # committed together or not at all, so no job waits for a task that was never queued.
    enqueue(IMPORT_TASK_PATH, job_id=job.pk)
    audit.record(
        by=by,
        action="activities.import.queued",
        target=job,
        changes={
            "sha256": check.digest,
            "rows": len(rows),
            "file_name": file_name[:200],
            "dates_outside_campaign_confirmed": dates_confirmed,
        },
    )
    return job


class _ProgressWriter:
    """Writes ``rows_done`` on its own connection, committed at once, so the page sees it while
    the import's transaction is still open. Only where the database lets two connections write
    at the same time (PostgreSQL); elsewhere it writes nothing."""

    EVERY_SECONDS = 0.5

    def __init__(self, job: ImportJob) -> None:
        self.job_id = job.pk
        self.last = 0.0
        self.connection: BaseDatabaseWrapper | None = None
        if connections[DEFAULT_DB_ALIAS].vendor == "postgresql":
            self.connection = connections.create_connection(DEFAULT_DB_ALIAS)

    def __call__(self, done: int, *, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self.last < self.EVERY_SECONDS:
            return
        self.last = now
        self.write(done)

    def write(self, done: int) -> None:
        if self.connection is None:
            return
        table = self.connection.ops.quote_name(ImportJob._meta.db_table)
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET rows_done = %s WHERE id = %s",  # noqa: S608 - our own table name
                [done, self.job_id],
            )

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()


def _mark_running(job_id: int) -> ImportJob | None:
    with transaction.atomic():
        job = (
            ImportJob.objects.select_for_update(of=("self",))
            .select_related("campaign", "organisation", "created_by")
            .filter(pk=job_id)
            .first()
        )
        if job is None or job.status != ImportJob.Status.QUEUED:
            return None  # run already (a retried task, a second worker)
        job.status = ImportJob.Status.RUNNING
        job.started_at = timezone.now()
        job.rows_done = 0
        job.save(update_fields=["status", "started_at", "rows_done", *take_lease(job)])
        return job


def _problem_list(check: ImportCheck) -> list[dict[str, Any]]:
    return [
        {"row": p.row, "column": p.column, "header": p.header, "message": p.message}
        for p in check.sorted_problems()
    ]


def _skipped(rows: Sequence[ImportRow]) -> list[dict[str, Any]]:
    return [
        {"row": r.row, "message": _("Already imported (row %(row)d).") % {"row": r.row}}
        for r in rows
    ]


def _save_rows(job: ImportJob, progress: _ProgressWriter) -> None:
    """Check the file again and save every row, all in the caller's transaction."""
    by = job.created_by
    if by is None or not by.is_active:
        raise DomainError(_("The person who started this import can no longer import."))
    campaign = Campaign.objects.select_for_update().get(pk=job.campaign_id)
    check = check_file(
        data=bytes(job.data),
        campaign=campaign,
        recipients=writable_recipients(by, campaign),
        dates_confirmed=job.dates_confirmed,
    )
    job.errors = _problem_list(check)
    if check.file_problems or (check.problems and not job.only_valid):
        raise DomainError(
            _("The file no longer passes the check (listed below). Nothing was saved.")
        )
    skipped = check.already_imported
    rows = check.valid_rows
    job.rows_total = len(rows)
    counts: dict[Organisation, int] = {}
    for done, row in enumerate(rows, start=1):
        assert row.organisation and row.data and row.client_id, "check_file sets them"
        # Under the campaign's lock no other import adds a report meanwhile, but a report with
        # this id must never reach save_report: it would change that report, not skip it.
        if ActivityReport.objects.filter(client_id=row.client_id).exists():
            skipped.append(row)
            continue
        try:
            save_report(
                by=by,
                campaign=campaign,
                organisation=row.organisation,
                data=row.data,
                client_id=row.client_id,
            )
        except DomainError as error:
            job.errors = [{"row": row.row, "column": "", "header": "", "message": error.message}]
            raise DomainError(
                _("Row %(row)d could not be saved: %(reason)s Nothing was saved.")
                % {"row": row.row, "reason": error.message}
            ) from None
        counts[row.organisation] = counts.get(row.organisation, 0) + 1
        progress(done)
    for org, count in counts.items():
        audit.record(
            by=by,
            action=IMPORT_ACTION,
            target=campaign,
            org_path=org.path,
            changes={
                "sha256": check.digest,
                "organisation": org.pk,
                "reports": count,
                "rows": len(check.rows),
                "file_name": job.file_name,
                "job": job.pk,
            },
        )
    hold_lease(job)  # not given up on meanwhile: else all of this rolls back
    job.status = ImportJob.Status.DONE
    job.imported = sum(counts.values())
    job.skipped = _skipped(sorted(skipped, key=lambda r: r.row))
    job.rows_done = job.rows_total
    job.finished_at = timezone.now()
    job.data = b""  # the file is not kept once it is imported
    job.save(
        update_fields=[
            "status",
            "imported",
            "skipped",
            "errors",
            "rows_total",
            "rows_done",
            "finished_at",
            "data",
            *release_lease(job),
        ]
    )


@transaction.atomic
def _mark_failed(job: ImportJob, message: str, errors: list[dict[str, Any]]) -> None:
    if job.lease_owner and job.status == ImportJob.Status.RUNNING and not still_held(job):
        return  # given up on or retried meanwhile: that decided what the job is now
    job.status = ImportJob.Status.FAILED
    job.message = message
    job.errors = errors
    job.finished_at = timezone.now()
    job.data = b""  # the person uploads the corrected file again
    job.save(
        update_fields=["status", "message", "errors", "finished_at", "data", *release_lease(job)]
    )
    audit.record(
        by=job.created_by,
        action="activities.import.failed",
        target=job,
        changes={"message": message},
    )


def run_import_job(*, job_id: int) -> str:
    """Run a queued import (the worker's task). Returns the job's status.

    All the reports are saved in one transaction with the job's "done"; when anything fails
    nothing is saved and the job is marked failed with the reason. An unexpected error is
    raised again after that, so that the worker records it with its traceback.
    """
    job = _mark_running(job_id)
    if job is None:
        return "skipped"
    with Heartbeat(job):
        return _run(job)


def _run(job: ImportJob) -> str:
    progress = _ProgressWriter(job)
    try:
        with transaction.atomic():
            _save_rows(job, progress)
    except LeaseLostError:
        logger.warning("Import job %s was taken over while it ran", job.pk)
        return "skipped"
    except DomainError as error:
        _mark_failed(job, error.message, job.errors)
        return str(ImportJob.Status.FAILED)
    except Exception:
        logger.exception("Import job %s failed", job.pk)
        _mark_failed(
            job,
            _(
                "The import stopped because of an unexpected error. Nothing was saved. Try "
                "again; if it happens again, tell your system administrator."
            ),
            [],
        )
        raise
    finally:
        progress.close()
    return str(ImportJob.Status.DONE)


@transaction.atomic
def discard_import_job(*, by: Actor, job: ImportJob) -> ImportJob:
    """Put away a failed import, or one whose worker died: its file is deleted and the same file
    may be imported again. The caller has checked that ``by`` sees the job."""
    job = ImportJob.objects.select_for_update().select_related("organisation").get(pk=job.pk)
    if not job.is_discardable:
        raise DomainError(_("Only a failed or interrupted import can be discarded."))
    if job.status == ImportJob.Status.RUNNING and not job.message:
        job.message = str(INTERRUPTED)
    job.status = ImportJob.Status.DISCARDED
    job.finished_at = job.finished_at or timezone.now()
    job.data = b""
    job.save(update_fields=["status", "message", "finished_at", "data", *release_lease(job)])
    audit.record(
        by=by,
        action="activities.import.discarded",
        target=job,
        changes={"sha256": job.digest, "attempts": job.attempts},
    )
    return job


# --- A worker that died (``core.jobs`` calls these with the job's row locked) ----------------


def retry_stale(job: ImportJob) -> None:
    """Queue the import again: its transaction was rolled back when the worker died."""
    job.status = ImportJob.Status.QUEUED
    job.rows_done = 0
    job.save(update_fields=["status", "rows_done", *release_lease(job)])
    enqueue(IMPORT_TASK_PATH, job_id=job.pk)
    audit.record(
        by=None,
        action="activities.import.retried",
        target=job,
        changes={"attempt": job.attempts},
    )


def give_up_stale(job: ImportJob, message: str) -> None:
    _mark_failed(job, message, [])
