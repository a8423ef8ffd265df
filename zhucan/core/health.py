"""Readiness: can this process serve, and is the work behind it moving? (``/readyz``)

Each check answers a small dict of figures with ``ok``; what went wrong is named in words
fixed here, never an exception's text (which may hold a host, a path or a password). The
exception goes to the log. Thresholds are settings (docs/configuration.md); 0 turns a check
of age off.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Count, Min, Q
from django.utils import timezone

from zhucan.core.jobs import stuck_jobs

logger = logging.getLogger(__name__)

DATABASE_QUEUE = "django_tasks_db.DatabaseBackend"
Result = dict[str, Any]


@contextmanager
def short_transaction(alias: str) -> Iterator[BaseDatabaseWrapper]:
    """A transaction on ``alias`` whose statements give up after READY_DB_TIMEOUT_MS: a
    database that hangs must make the check fail, not hang the probe."""
    connection = connections[alias]
    with transaction.atomic(using=alias):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # set_config(…, true) is SET LOCAL: it ends with this transaction, so the
                # pooled connection keeps its usual timeout.
                cursor.execute(
                    "SELECT set_config('statement_timeout', %s, true)",
                    [str(settings.READY_DB_TIMEOUT_MS)],
                )
        yield connection


def check_database() -> Result:
    with short_transaction(DEFAULT_DB_ALIAS) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"ok": True}


@dataclass(frozen=True)
class QueueState:
    ready: int  # tasks a worker could take now
    oldest_seconds: float  # how long the longest-waiting of them has waited (0 when none)


def queue_state(*, now: datetime | None = None) -> dict[str, QueueState]:
    """The database queue (django_tasks_db) by queue name: ready tasks and the oldest one's
    wait, counted from its ``run_after`` when it had one, else from its enqueueing. One query."""
    from django_tasks_db.models import DBTaskResult, get_date_max

    now = now or timezone.now()
    never = get_date_max()  # django_tasks_db's "no run_after"
    rows = (
        DBTaskResult.objects.ready()
        .values("queue_name")
        .annotate(
            ready=Count("pk"),
            first_enqueued=Min("enqueued_at", filter=Q(run_after=never)),
            first_due=Min("run_after", filter=~Q(run_after=never)),
        )
        .order_by()
    )
    states = {}
    for row in rows:
        since = min(t for t in (row["first_enqueued"], row["first_due"], now) if t is not None)
        states[row["queue_name"]] = QueueState(
            ready=row["ready"], oldest_seconds=max((now - since).total_seconds(), 0.0)
        )
    return states


def check_queue() -> Result:
    if settings.TASKS["default"]["BACKEND"] != DATABASE_QUEUE:
        return {"ok": True, "detail": "no database queue"}
    now = timezone.now()
    with short_transaction(DEFAULT_DB_ALIAS):
        states = queue_state(now=now)
        stuck = sum(
            stuck_jobs(now=now, grace=timedelta(seconds=settings.READY_STUCK_JOB_SECONDS)).values()
        )
    oldest = max((s.oldest_seconds for s in states.values()), default=0.0)
    result: Result = {
        "ok": True,
        "ready": sum(s.ready for s in states.values()),
        "oldest_seconds": round(oldest, 1),
        "stuck_jobs": stuck,
    }
    too_old = 0 < settings.READY_QUEUE_MAX_AGE_SECONDS < oldest
    if too_old or (settings.READY_STUCK_JOB_SECONDS > 0 and stuck):
        result["ok"] = False
        result["detail"] = "tasks waiting too long" if too_old else "jobs stuck past their lease"
    return result


def check_storage() -> Result:
    """Write and delete a small file where uploads go (MEDIA_ROOT or the configured storage)."""
    name = default_storage.save(f"health/probe-{secrets.token_hex(8)}.txt", ContentFile(b"ok"))
    default_storage.delete(name)
    return {"ok": True}


# The replica's lag in seconds by its own account, as one SQL expression: 0 when it has replayed
# all it received (however long the primary has been idle), else the age of the last transaction
# it replayed. It cannot see a primary it no longer hears from: ``replica_reading`` checks that.
LAG_SECONDS_SQL = (
    "CASE"
    " WHEN NOT pg_is_in_recovery() THEN 0"
    " WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0"
    " ELSE EXTRACT(EPOCH FROM clock_timestamp() - pg_last_xact_replay_timestamp())"
    " END"
)
_REPLICA_SQL = (
    f"SELECT {LAG_SECONDS_SQL},"  # noqa: S608 - fixed SQL
    " CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn()"
    " ELSE pg_current_wal_lsn() END::text,"
    " EXTRACT(EPOCH FROM clock_timestamp() - pg_last_xact_replay_timestamp())"
)


def position_number(text: str) -> int:
    """A WAL position as PostgreSQL writes it (``16/B374D848``) as a number to compare."""
    high, low = text.split("/")
    return (int(high, 16) << 32) | int(low, 16)


@dataclass(frozen=True)
class ReplicaReading:
    lag_seconds: float | None
    replayed: str | None


def reconciled_lag(
    *, own_lag: float | None, replayed: str | None, since_replay: float | None, primary: str | None
) -> float | None:
    """The replica's lag, not trusting its own 0 when the primary is further on.

    A replica cut off from its primary (the network, its WAL receiver down) has replayed all
    it received, so by its own account it is 0 behind, for ever. When the primary's WAL
    position, read just before, is past what the replica has replayed, the lag is counted from
    the last transaction the replica replayed instead: a healthy replica a moment behind a
    busy primary replayed one a moment ago; one cut off grows older until it passes the bound.
    """
    if own_lag is None:
        return None
    if own_lag == 0 and primary and replayed:
        if position_number(replayed) < position_number(primary):
            return None if since_replay is None else max(since_replay, 0.0)
    return max(own_lag, 0.0)


def _primary_position() -> str | None:
    """Where the primary's WAL is now; None when it cannot be read (the replica's own account
    of its lag is then all there is)."""
    try:
        with short_transaction(DEFAULT_DB_ALIAS) as connection, connection.cursor() as cursor:
            cursor.execute(
                "SELECT CASE WHEN pg_is_in_recovery() THEN NULL ELSE pg_current_wal_lsn()::text END"
            )
            row = cursor.fetchone()
    except Exception:
        logger.warning("Replica check: the primary's WAL position cannot be read", exc_info=True)
        return None
    return None if row is None else row[0]


def replica_reading(alias: str) -> ReplicaReading:
    """How far the replica ``alias`` is behind (seconds; None when it cannot tell) and what it
    has replayed, checked against the primary's position. Raises the database's error when the
    replica cannot be reached."""
    if connections[alias].vendor != "postgresql":
        return ReplicaReading(lag_seconds=None, replayed=None)
    primary = _primary_position()
    with short_transaction(alias) as connection, connection.cursor() as cursor:
        cursor.execute(_REPLICA_SQL)
        row = cursor.fetchone()
    own_lag, replayed, since_replay = row if row else (None, None, None)
    lag = reconciled_lag(
        own_lag=None if own_lag is None else float(own_lag),
        replayed=replayed,
        since_replay=None if since_replay is None else float(since_replay),
        primary=primary,
    )
    return ReplicaReading(lag_seconds=lag, replayed=replayed)


def replica_lag_seconds(alias: str) -> float | None:
    """How far the replica database ``alias`` is behind its primary, in seconds; ``None`` when
    it cannot tell (not PostgreSQL, or nothing replayed yet since it started). A server not in
    recovery is a primary: 0. Raises the database's error when the replica cannot be reached."""
    return replica_reading(alias).lag_seconds


def check_replicas() -> Result:
    aliases = list(settings.DATABASE_REPLICAS)
    if not aliases:
        return {"ok": True, "detail": "no replica"}
    result: Result = {"ok": True, "lag_seconds": {}}
    for alias in aliases:
        try:
            lag = replica_lag_seconds(alias)
        except Exception:
            logger.warning("Readiness: replica %s cannot be reached", alias, exc_info=True)
            lag = None
        result["lag_seconds"][alias] = None if lag is None else round(lag, 1)
        if lag is None or lag > settings.REPLICA_MAX_LAG_SECONDS:
            result["ok"] = False
            result["detail"] = "replica behind or unreachable"
    return result


CHECKS: dict[str, Callable[[], Result]] = {
    "database": check_database,
    "queue": check_queue,
    "storage": check_storage,
    "replica": check_replicas,
}
FAILED = {"database": "unreachable", "queue": "unreadable", "storage": "not writable"}


def readiness() -> tuple[bool, dict[str, Result]]:
    """Every check's result, and whether all passed."""
    results: dict[str, Result] = {}
    for name, check in CHECKS.items():
        try:
            results[name] = check()
        except Exception:
            logger.warning("Readiness: the %s check failed", name, exc_info=True)
            results[name] = {"ok": False, "detail": FAILED.get(name, "failed")}
    return all(r["ok"] for r in results.values()), results
