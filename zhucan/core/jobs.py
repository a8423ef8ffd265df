"""One lease for every background job: a job whose worker died is retried or failed, never
left "running" forever.

Each job model (the activity reports' import, the registry import, the report export) keeps
its own status, progress and message fields (their steps differ: a registry import has a dry
run and a confirmation, an export a file that expires), and inherits ``LeasedJob``: who holds
the job (``lease_owner``), until when (``lease_expires_at``), the last sign of life
(``heartbeat_at``) and how many times a worker took it (``attempts``).

- The worker takes the lease when it starts the job (``take_lease``), in the same save that
  marks it running.
- While it works, a ``Heartbeat`` thread renews the lease on a connection of its own every
  third of ``JOB_LEASE_SECONDS``: the job's own transaction may stay open for minutes, and a
  renewal inside it would be invisible until it commits. A worker killed with SIGKILL stops
  renewing, and the database rolls its transaction back.
- Before the job's last save, ``hold_lease`` locks the row and checks that the lease is still
  this worker's: a worker that was given up on (a frozen machine that wakes up) cannot mark
  done a job that was meanwhile retried.
- ``recover_stale_jobs`` finds the jobs whose lease expired. Each job kind registers what a
  retry and a give-up mean for it (``register``, from the app's ``ready``, since ``core`` may
  not import the apps): while ``attempts < JOB_MAX_ATTEMPTS`` the job is queued again (every
  job saves in one transaction or writes a fresh file, so running it again is safe), else it
  fails with ``INTERRUPTED`` and its upload and staging data are removed. The dead worker's
  task row is recorded as failed (``WorkerDiedError``) rather than left "running".

The sweep runs in every ``db_worker`` (at start and every ``JOB_SWEEP_SECONDS``, see
``core/management/commands/db_worker.py``), and a job's progress page recovers that job when
it finds it stale (``recover_if_stale``), so that a job is dealt with within minutes even
while no worker runs.

SQLite (the embedded shape) lets one connection write at a time: a heartbeat could not write
while the job's transaction is open, so there no thread runs and the lease is taken for at
least ``SQLITE_LEASE`` instead.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhucan.core.metrics import observe_job

logger = logging.getLogger(__name__)

SQLITE_LEASE = timedelta(hours=1)

# What a person reads on a job whose worker died and that will not be tried again.
INTERRUPTED = _(
    "The process handling this job was interrupted before it finished, and nothing of it was "
    "saved. Start it again; if it happens again, tell your system administrator."
)


class LeaseLostError(Exception):
    """The job was given up on or retried while this worker still ran it."""


class WorkerDiedError(Exception):
    """Recorded on the task of a worker that died (its job's lease ran out)."""


class LeasedJob(models.Model):
    """The lease fields every background job shares (see the module docstring)."""

    lease_owner = models.CharField(max_length=100, blank=True, default="", editable=False)
    lease_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    heartbeat_at = models.DateTimeField(null=True, blank=True, editable=False)
    attempts = models.PositiveSmallIntegerField(default=0, editable=False)

    class Meta:
        abstract = True

    @property
    def is_stuck(self) -> bool:
        """A worker took the job and stopped renewing its lease: it died."""
        return (
            bool(self.lease_owner)
            and self.lease_expires_at is not None
            and self.lease_expires_at < timezone.now()
        )


LEASE_FIELDS = ["lease_owner", "lease_expires_at", "heartbeat_at", "attempts"]


def lease_length() -> timedelta:
    length = timedelta(seconds=settings.JOB_LEASE_SECONDS)
    if connection.vendor != "postgresql":
        return max(length, SQLITE_LEASE)
    return length


def take_lease(job: LeasedJob) -> list[str]:
    """Mark ``job`` as held by this process; the caller saves the returned fields with the
    status change, in the transaction that holds the job's row lock."""
    now = timezone.now()
    job.lease_owner = f"{socket.gethostname()[:60]}:{os.getpid()}:{secrets.token_hex(6)}"
    job.lease_expires_at = now + lease_length()
    job.heartbeat_at = now
    job.attempts += 1
    return LEASE_FIELDS


def release_lease(job: LeasedJob) -> list[str]:
    """The job is no longer held (finished, failed, queued again or discarded)."""
    started = getattr(job, "started_at", None)
    if job.lease_owner and started is not None:
        # Every held job ends here, whatever its kind: its duration is observed once the end
        # is committed (a rolled-back end did not happen), with the status the caller set.
        kind = job._meta.label_lower
        transaction.on_commit(
            lambda: observe_job(
                kind=kind,
                outcome=str(getattr(job, "status", "") or "ended"),
                seconds=(timezone.now() - started).total_seconds(),
            )
        )
    job.lease_owner = ""
    job.lease_expires_at = None
    return ["lease_owner", "lease_expires_at"]


def hold_lease(job: LeasedJob) -> None:
    """Lock the job's row for the rest of the transaction and check that the lease is still
    this worker's; raise ``LeaseLostError`` otherwise (the caller's transaction rolls back)."""
    held = (
        type(job)
        ._default_manager.select_for_update()
        .filter(pk=job.pk, lease_owner=job.lease_owner)
        .exclude(lease_owner="")
        .exists()
    )
    if not held:
        raise LeaseLostError(f"{job._meta.label} {job.pk}")


def still_held(job: LeasedJob) -> bool:
    """``hold_lease`` for a failure path, which must not fail a job that was taken over."""
    try:
        hold_lease(job)
    except LeaseLostError:
        return False
    return True


class Heartbeat:
    """Renews the job's lease from a thread with a connection of its own while the ``with``
    block runs (PostgreSQL; see the module docstring for SQLite)."""

    def __init__(self, job: LeasedJob) -> None:
        self.model = type(job)
        self.pk = job.pk
        self.owner = job.lease_owner
        self.stop = threading.Event()
        self.thread: threading.Thread | None = None

    def __enter__(self) -> Heartbeat:
        if connection.vendor == "postgresql" and self.owner:
            self.thread = threading.Thread(target=self._run, name="job-heartbeat", daemon=True)
            self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        if self.thread is not None:
            self.thread.join(timeout=10)

    def _run(self) -> None:
        db = connections.create_connection(DEFAULT_DB_ALIAS)  # this thread's own
        table = db.ops.quote_name(self.model._meta.db_table)
        every = max(settings.JOB_LEASE_SECONDS / 3, 0.2)
        try:
            while not self.stop.wait(every):
                now = timezone.now()
                try:
                    with db.cursor() as cursor:
                        cursor.execute(
                            f"UPDATE {table} SET heartbeat_at = %s, lease_expires_at = %s "  # noqa: S608 - our table
                            "WHERE id = %s AND lease_owner = %s",
                            [now, now + lease_length(), self.pk, self.owner],
                        )
                except DatabaseError:
                    # A lost connection: the next beat connects again. If the database stays
                    # away, the lease runs out and the job is recovered: that is the point.
                    logger.warning("Heartbeat of %s %s failed", self.model.__name__, self.pk)
                    db.close()
        finally:
            db.close()


@dataclass(frozen=True)
class JobKind:
    """What a retry and a give-up mean for one job model. Both are called in the sweep's
    transaction with the job's row locked, and save with ``update_fields`` and audit.
    ``task_paths``: the tasks that run the job with ``job_id=<pk>``."""

    model: type[LeasedJob]
    retry: Callable[[Any], None]
    give_up: Callable[[Any, str], None]
    task_paths: tuple[str, ...] = ()


def _close_dead_tasks(kind: JobKind, pk: int) -> None:
    """The dead worker's task row would stay "running" for ever (and ``prune_db_task_results``
    only prunes finished ones): record it as failed."""
    if not kind.task_paths:
        return
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.filter(
        task_path__in=kind.task_paths,
        status=TaskResultStatus.RUNNING,
        args_kwargs__kwargs__job_id=pk,
    ).update(
        status=TaskResultStatus.FAILED,
        finished_at=timezone.now(),
        exception_class_path=f"{__name__}.{WorkerDiedError.__qualname__}",
        traceback="The worker running this task stopped renewing its job's lease.",
    )


_kinds: dict[type[LeasedJob], JobKind] = {}


def register(kind: JobKind) -> None:
    _kinds[kind.model] = kind


# The apps' background tasks by path, registered from each app's ready() with its JobKind. A
# service queues its job's task through ``enqueue`` rather than importing its tasks module: the
# tasks import the services that do the work, and the two must not import each other.
_tasks: dict[str, Any] = {}


def register_tasks(*tasks: Any) -> None:
    for task in tasks:
        _tasks[task.module_path] = task


def enqueue(task_path: str, *, run_after: datetime | None = None, **kwargs: Any) -> Any:
    """Queue the registered task at ``task_path`` with ``kwargs`` (after ``run_after``)."""
    task = _tasks[task_path]
    if run_after is not None:
        task = task.using(run_after=run_after)
    return task.enqueue(**kwargs)


def _recover(kind: JobKind, pk: int, now: datetime) -> str | None:
    with transaction.atomic():
        job = (
            kind.model._default_manager.select_for_update(skip_locked=True)
            .filter(pk=pk, lease_expires_at__lt=now)
            .exclude(lease_owner="")
            .first()
        )
        if job is None:
            return None  # renewed, finished, or another sweep has it
        logger.warning(
            "%s %s: its worker %s stopped (attempt %d)",
            kind.model.__name__,
            pk,
            job.lease_owner,
            job.attempts,
        )
        _close_dead_tasks(kind, pk)
        if job.attempts < settings.JOB_MAX_ATTEMPTS:
            kind.retry(job)
            return "retried"
        kind.give_up(job, str(INTERRUPTED))
        return "failed"


def recover_stale_jobs(*, now: datetime | None = None) -> dict[str, int]:
    """Retry or fail every job whose lease expired. Returns the counts."""
    now = now or timezone.now()
    counts = {"retried": 0, "failed": 0}
    for kind in _kinds.values():
        stale = (
            kind.model._default_manager.filter(lease_expires_at__lt=now)
            .exclude(lease_owner="")
            .values_list("pk", flat=True)
        )
        for pk in list(stale):
            outcome = _recover(kind, pk, now)
            if outcome is not None:
                counts[outcome] += 1
    return counts


def stuck_jobs(*, now: datetime | None = None, grace: timedelta = timedelta(0)) -> dict[str, int]:
    """Jobs whose lease ran out more than ``grace`` ago, by job model: the sweep recovers such
    a job within ``JOB_SWEEP_SECONDS``, so one still there means no worker is sweeping."""
    before = (now or timezone.now()) - grace
    return {
        kind.model._meta.label_lower: kind.model._default_manager.filter(
            lease_expires_at__lt=before
        )
        .exclude(lease_owner="")
        .count()
        for kind in _kinds.values()
    }


Job = TypeVar("Job", bound=LeasedJob)


def recover_if_stale(job: Job) -> Job:
    """The progress page's check: recover this job if its lease expired, and return it as it
    now is."""
    if not job.is_stuck or type(job) not in _kinds:
        return job
    _recover(_kinds[type(job)], job.pk, timezone.now())
    job.refresh_from_db()
    return job
