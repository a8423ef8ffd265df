"""Reading the heavy pages from the streaming replica, and never too early for a person's own
writes (docs/deployment.md, "Reading from the replica").

What reads there. Only what is marked: the GET and HEAD of a view decorated with
``reads_from_replica`` (the statistics dashboards and their download, the 统计表, the
completeness page and its download), and work run through ``read_from_replica`` (the report
export, in the worker). Everything else reads from the primary (``default``). Every write goes
there whatever the scope (``db_for_write``), so an audit entry or a session stamp written by a
marked page lands where writes land; and a read inside a transaction on the primary stays on
the primary, so that what a service reads before it writes is what it locked.

When. The first read of a marked request (or job) asks the replica once how far it is, and the
answer holds for the rest of that request (a context variable). The replica is used when its
lag (``health.replica_reading``, as ``/readyz`` measures it) is at most
``REPLICA_MAX_LAG_SECONDS`` and it has replayed the primary's WAL past the position the reader
must see:

- A person's own writes. After each non-safe request of a signed-in person,
  ``WrittenPositionMiddleware`` reads the primary's WAL position (``pg_current_wal_lsn()``,
  after the request's commits) into a signed cookie: every app server can check it, and it
  costs no write. Until the replica has replayed past it, that person's marked pages read from
  the primary; other people, without the cookie, go on reading from the replica.
- A job. ``position_for_job`` is the primary's position when the job is queued (inside the
  transaction that queues it, so past everything committed before, the person's own writes
  included); it travels with the task, and the worker's reads wait for it in the same way.

A replica that cannot be reached costs the page nothing but the attempt: the page is read from
the primary and the failure logged, and this process leaves that replica alone for
``REPLICA_RETRY_SECONDS``. A query that fails on the replica in the middle of the work (a hot
standby cancels queries that conflict with what it replays) makes the work run again, on the
primary: marked views are GETs, and the export writes a fresh file each time.

On SQLite, or without ``DATABASE_REPLICAS``, none of this runs: no extra query anywhere.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar, cast

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, Error, connections
from django.db.models import Model
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from zhucan.core.health import position_number, replica_reading
from zhucan.core.metrics import observe_replica_choice

logger = logging.getLogger(__name__)

T = TypeVar("T")
View = TypeVar("View", bound=Callable[..., HttpResponseBase])

COOKIE = "zhucan_written"
COOKIE_SALT = "zhucan.core.routing.written"
READ_METHODS = frozenset({"GET", "HEAD"})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
# Always read from the primary: the session a sign-in wrote a moment ago must be found.
PRIMARY_ONLY_APPS = frozenset({"sessions"})
_POSITION = re.compile(r"[0-9A-F]{1,8}/[0-9A-F]{1,8}")


def parse_position(text: str | None) -> int | None:
    """``position_number`` of a position that came from outside (a cookie, a task's
    arguments), or ``None`` for anything else."""
    if not text or not _POSITION.fullmatch(text.upper()):
        return None
    return position_number(text.upper())


def replicas_in_use() -> bool:
    """A replica is configured and the primary is PostgreSQL (its WAL positions are what the
    replica is measured by)."""
    replicas = settings.DATABASE_REPLICAS
    return (
        bool(replicas)
        and replicas[0] in connections
        and connections[DEFAULT_DB_ALIAS].vendor == "postgresql"
    )


# --- Measuring: the primary's position, the replica's ----------------------------------------


def primary_position() -> str:
    """The primary's WAL position now (its write location: past every commit flushed)."""
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        row = cursor.fetchone()
    return str(row[0]) if row else ""


def position_for_job() -> str | None:
    """What a job queued now must see, to pass with its task (``read_from_replica(after=)``);
    ``None`` when no replica is in use (and then no query)."""
    return primary_position() if replicas_in_use() else None


@dataclass(frozen=True)
class ReplicaState:
    lag_seconds: float | None  # None: it cannot tell (nothing replayed since it started)
    replayed: int | None  # the WAL position it has replayed (a primary: its own)


def measure_replica(alias: str) -> ReplicaState:
    """The replica's lag and replayed position as ``/readyz`` reads them
    (``health.replica_reading``: one query on the primary, one on the replica, each within
    ``READY_DB_TIMEOUT_MS``); raises the database's error when the replica cannot be reached.
    (Tests replace this function.)"""
    reading = replica_reading(alias)
    return ReplicaState(lag_seconds=reading.lag_seconds, replayed=parse_position(reading.replayed))


# Per process: when a replica that could not be reached may be tried again (time.monotonic).
_unreachable_until: dict[str, float] = {}


def _close_quietly(alias: str) -> None:
    try:
        connections[alias].close()
    except Error:
        pass  # already broken: the next use connects again


def choose_database(after: int | None) -> str:
    """The replica's alias if it is fit to read for someone who must see ``after``, else the
    primary's."""
    alias = settings.DATABASE_REPLICAS[0]
    reason = _unfit(alias, after)
    observe_replica_choice(
        database="replica" if reason is None else "primary", reason=reason or "fresh"
    )
    return alias if reason is None else DEFAULT_DB_ALIAS


def _unfit(alias: str, after: int | None) -> str | None:
    """Why the replica may not be read now (``None``: it may)."""
    if time.monotonic() < _unreachable_until.get(alias, 0.0):
        return "unreachable"
    try:
        state = measure_replica(alias)
    except Exception:
        # Whatever went wrong (refused, timed out, a broken connection), the primary can serve.
        logger.warning(
            "Replica %s cannot be reached; reading from the primary", alias, exc_info=True
        )
        _unreachable_until[alias] = time.monotonic() + settings.REPLICA_RETRY_SECONDS
        _close_quietly(alias)
        return "unreachable"
    if state.lag_seconds is None or state.lag_seconds > settings.REPLICA_MAX_LAG_SECONDS:
        return "behind"
    if after is not None and (state.replayed is None or state.replayed < after):
        return "own_writes"
    return None


# --- The scope of a marked request or job, and the router -------------------------------------


@dataclass
class _Scope:
    after: int | None  # the WAL position the reader must see
    alias: str | None = None  # chosen at the first read, then kept


_scope: ContextVar[_Scope | None] = ContextVar("zhucan_replica_scope", default=None)


def read_from_replica(work: Callable[[], T], *, after: str | None) -> T:
    """``work()`` with its reads (outside transactions) on the replica when it is fit for a
    reader who must see the WAL position ``after``; run again on the primary if a query failed
    on the replica."""
    if not replicas_in_use():
        return work()
    scope = _Scope(after=parse_position(after))
    token = _scope.set(scope)
    try:
        return work()
    except Error:
        failed = scope.alias
        if failed is None or failed == DEFAULT_DB_ALIAS:
            raise
        logger.warning(
            "A read from replica %s failed; reading from the primary", failed, exc_info=True
        )
        observe_replica_choice(database="primary", reason="failed")
        _close_quietly(failed)
    finally:
        _scope.reset(token)
    return work()


class ReplicaRouter:
    """Django's database router (``DATABASE_ROUTERS``)."""

    def db_for_read(self, model: type[Model], **hints: Any) -> str:
        scope = _scope.get()
        # Outside a scope, the primary even for an object read from the replica earlier: its
        # related rows are then read where everything unmarked is.
        if scope is None or model._meta.app_label in PRIMARY_ONLY_APPS:
            return DEFAULT_DB_ALIAS
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        if scope.alias is None:
            scope.alias = choose_database(scope.after)
        return scope.alias

    def db_for_write(self, model: type[Model], **hints: Any) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool | None:
        # The replica holds the primary's rows: an object read from one may point at the other's.
        known = {DEFAULT_DB_ALIAS, *settings.DATABASE_REPLICAS}
        return True if {obj1._state.db, obj2._state.db} <= known else None

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        # Only the primary is migrated; a replica follows it.
        return None if db == DEFAULT_DB_ALIAS else False


# --- Views and the person's own writes --------------------------------------------------------


def written_position(request: HttpRequest) -> str | None:
    """The WAL position of this browser's last write (the signed cookie), if any."""
    found = request.get_signed_cookie(COOKIE, default=None, salt=COOKIE_SALT)
    return found if isinstance(found, str) else None


def reads_from_replica(view: View) -> View:
    """Marks a read-only heavy view: its GET and HEAD read from the replica when it is fit (see
    the module docstring). Put it under ``login_required``."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.method not in READ_METHODS or not replicas_in_use():
            return view(request, *args, **kwargs)
        return read_from_replica(
            lambda: view(request, *args, **kwargs), after=written_position(request)
        )

    return cast(View, wrapped)


class WrittenPositionMiddleware:
    """After a signed-in person's non-safe request, the primary's WAL position in a signed
    cookie: their marked pages wait until the replica has replayed it. Outside the session
    middleware, so that its writes are past the position too."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if request.method in SAFE_METHODS or not replicas_in_use():
            return response
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return response
        try:
            position = primary_position()
        except Error:
            # The request is done; without the position the replica may serve it a moment old.
            logger.warning("Could not read the primary's WAL position", exc_info=True)
            return response
        if position:
            response.set_signed_cookie(
                COOKIE,
                position,
                salt=COOKIE_SALT,
                max_age=settings.SESSION_COOKIE_AGE,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
