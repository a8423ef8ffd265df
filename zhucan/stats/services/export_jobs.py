"""Exporting every accepted report under a node as background work.

``start_export`` records an ``ExportJob`` and queues ``tasks.export_reports`` in the same
transaction (the database queue stores the task there: the job and its task are committed
together or not at all). The worker calls ``run_export_job``: it streams the reports through
``exports.write_reports_xlsx`` into a temporary file (flat memory, whatever the size), saves the
file in the default storage under a random name and marks the job done with the time its file
expires. ``purge_expired_exports`` (each run of the task, and ``manage.py purge_exports``)
deletes files past that time. A job whose worker died is queued again or failed by
``core.jobs`` (``retry_stale``, ``give_up_stale``); a file half-written by it was a temporary
file, which the operating system removed with the process.

Replica. The reports are read from the streaming replica when it is fresh and has replayed the
primary's WAL past the position recorded when the job was queued (``core.routing``): the task
carries it as ``read_after``, so the export sees everything committed before it was asked for.

Progress. Reading is not one transaction, so the count of rows written is an ordinary
``UPDATE`` that the polling page sees at once, on PostgreSQL and SQLite alike.
"""

from __future__ import annotations

import json
import logging
import tempfile
import time
import uuid
from datetime import datetime, timedelta
from typing import Any

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhucan.campaigns.models import Campaign
from zhucan.core import audit
from zhucan.core.actors import Actor
from zhucan.core.errors import DomainError
from zhucan.core.jobs import INTERRUPTED, Heartbeat, enqueue, release_lease, take_lease
from zhucan.core.routing import position_for_job, read_from_replica
from zhucan.orgs.models import Organisation
from zhucan.stats.exports import filters_from_json, filters_to_json, write_reports_xlsx
from zhucan.stats.models import EXPORT_KEEP_DAYS, ExportJob
from zhucan.stats.selectors import Filters, check_node

logger = logging.getLogger(__name__)

PENDING = (ExportJob.Status.QUEUED, ExportJob.Status.RUNNING)
START_ACTION = "stats.export.queued"

# ``tasks.export_reports``, queued through ``core.jobs`` (the tasks module imports this one).
EXPORT_TASK_PATH = "zhucan.stats.tasks.export_reports"


def filters_key(data: dict[str, Any]) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"))


@transaction.atomic
def start_export(
    *, by: Actor, campaign: Campaign, node: Organisation, filters: Filters
) -> ExportJob:
    """Queue an export of the accepted reports of ``campaign`` under ``node``, filtered. The
    same person asking for the same thing while a job for it waits or runs gets that job.
    The caller has checked that ``by`` sees the campaign and the node."""
    if not check_node(campaign, node):
        raise DomainError(_("This organisation is not in the campaign's tree."))
    data = filters_to_json(filters)
    key = filters_key(data)
    pending = ExportJob.objects.filter(
        created_by=by, campaign=campaign, node=node, filters_key=key, status__in=PENDING
    )
    existing = pending.select_for_update().first()
    if existing is not None and not existing.is_stuck:
        return existing
    if existing is not None:
        _mark_failed(existing.pk, str(INTERRUPTED))
    try:
        with transaction.atomic():  # a savepoint: a second click at the same moment may win
            job = ExportJob.objects.create(
                created_by=by, campaign=campaign, node=node, filters=data, filters_key=key
            )
    except IntegrityError:
        return pending.get()
    enqueue(EXPORT_TASK_PATH, job_id=job.pk, read_after=position_for_job())
    audit.record(
        by=by,
        action=START_ACTION,
        target=job,
        changes={"campaign": campaign.pk, "node": node.pk, "filters": data},
    )
    return job


class _ProgressWriter:
    """Writes how far the export is, at most twice a second (and always at the end)."""

    EVERY_SECONDS = 0.5

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self.last = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self.last < self.EVERY_SECONDS:
            return
        self.last = now
        ExportJob.objects.filter(pk=self.job_id).update(rows_done=done, rows_total=total)


def _mark_running(job_id: int) -> ExportJob | None:
    with transaction.atomic():
        job = (
            ExportJob.objects.select_for_update(of=("self",))
            .select_related("campaign__issuing_org", "node", "created_by")
            .filter(pk=job_id)
            .first()
        )
        if job is None or job.status != ExportJob.Status.QUEUED:
            return None  # run already (a retried task, a second worker)
        job.status = ExportJob.Status.RUNNING
        job.started_at = timezone.now()
        job.save(update_fields=["status", "started_at", *take_lease(job)])
        return job


def _mark_failed(job_id: int, message: str, *, owner: str | None = None) -> None:
    """Fail a waiting or running job; with ``owner``, only while that worker holds it."""
    jobs = ExportJob.objects.filter(pk=job_id, status__in=PENDING)
    if owner is not None:
        jobs = jobs.filter(lease_owner=owner)
    jobs.update(
        status=ExportJob.Status.FAILED,
        error=message,
        finished_at=timezone.now(),
        lease_owner="",
        lease_expires_at=None,
    )


def _check_still_allowed(job: ExportJob) -> None:
    """The person may have lost the node between asking and the worker's turn."""
    by = job.created_by
    if not by.is_active or not Organisation.objects.visible_to(by).filter(pk=job.node_id).exists():
        raise DomainError(_("You can no longer see this part of the tree."))


def _write_file(job: ExportJob) -> tuple[int, str]:
    filters = filters_from_json(job.filters, job.campaign)
    # A temporary file on disk, not memory: a national export is hundreds of megabytes.
    with tempfile.TemporaryFile() as tmp:
        rows = write_reports_xlsx(
            tmp,
            campaign=job.campaign,
            node=job.node,
            filters=filters,
            progress=_ProgressWriter(job.pk),
        )
        tmp.seek(0)
        # A random name: the file is reached only through the download view.
        name = default_storage.save(f"exports/{uuid.uuid4().hex}.xlsx", File(tmp))
    return rows, name


def run_export_job(*, job_id: int, read_after: str | None = None) -> str:
    """Run a queued export (the worker's task). Returns the job's status. The reports are
    read from the replica once it has replayed the WAL position ``read_after`` (else from the
    primary).

    A failure leaves no file behind and the job says why; an unexpected error is raised again
    after that, so that the worker records it with its traceback.
    """
    purge_expired_exports()
    job = _mark_running(job_id)
    if job is None:
        return "skipped"
    with Heartbeat(job):
        return _run(job, read_after)


def _run(job: ExportJob, read_after: str | None) -> str:
    owner = job.lease_owner
    try:
        _check_still_allowed(job)
        rows, name = read_from_replica(lambda: _write_file(job), after=read_after)
    except DomainError as error:
        _mark_failed(job.pk, error.message, owner=owner)
        return str(ExportJob.Status.FAILED)
    except Exception:
        logger.exception("Export job %s failed", job.pk)
        _mark_failed(
            job.pk,
            _(
                "The export stopped because of an unexpected error. Try again; if it happens "
                "again, tell your system administrator."
            ),
            owner=owner,
        )
        raise
    now = timezone.now()
    # Only while this worker still holds the job: one given up on meanwhile keeps its state.
    marked = ExportJob.objects.filter(pk=job.pk, lease_owner=owner).update(
        status=ExportJob.Status.DONE,
        rows_total=rows,
        rows_done=rows,
        file_name=name,
        finished_at=now,
        expires_at=now + timedelta(days=EXPORT_KEEP_DAYS),
        lease_owner="",
        lease_expires_at=None,
    )
    if not marked:
        default_storage.delete(name)
        return "skipped"
    return str(ExportJob.Status.DONE)


def purge_expired_exports(*, now: datetime | None = None) -> int:
    """Delete the files of exports past their time (the job stays, marked expired). Returns
    how many files were deleted. (Jobs whose worker died are ``core.jobs``'s business.)

    Housekeeping, not a person's action: no audit entry (starting the export has one).
    """
    now = now or timezone.now()
    purged = 0
    due = ExportJob.objects.filter(status=ExportJob.Status.DONE, expires_at__lte=now)
    for pk, name in due.values_list("pk", "file_name").iterator():
        if name:
            default_storage.delete(name)
        purged += ExportJob.objects.filter(pk=pk, status=ExportJob.Status.DONE).update(
            status=ExportJob.Status.EXPIRED, file_name=""
        )
    return purged


# --- A worker that died (``core.jobs`` calls these with the job's row locked) ----------------


def retry_stale(job: ExportJob) -> None:
    """Queue the export again: it writes a fresh file each time."""
    job.status = ExportJob.Status.QUEUED
    job.rows_done = 0
    job.save(update_fields=["status", "rows_done", *release_lease(job)])
    enqueue(EXPORT_TASK_PATH, job_id=job.pk, read_after=position_for_job())
    audit.record(
        by=None, action="stats.export.retried", target=job, changes={"attempt": job.attempts}
    )


def give_up_stale(job: ExportJob, message: str) -> None:
    job.status = ExportJob.Status.FAILED
    job.error = message
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "error", "finished_at", *release_lease(job)])
    audit.record(
        by=None, action="stats.export.failed", target=job, changes={"attempts": job.attempts}
    )
