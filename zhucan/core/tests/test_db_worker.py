"""The worker outlives its database connection, and a web process answers its first request
after a lost connection: a database restart or failover is not an outage of its own."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import get_commands
from django.db import OperationalError, connection
from django.test import RequestFactory
from django_tasks.base import TaskResultStatus
from django_tasks_db.management.commands import db_worker as base
from django_tasks_db.models import DBTaskResult

from zhucan.core.management.commands import db_worker
from zhucan.stats.tasks import export_reports
from zhucan.testing import workers

on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="kills PostgreSQL backends"
)


def test_manage_py_db_worker_is_ours() -> None:
    assert get_commands()["db_worker"] == "zhucan.core"


def test_the_worker_waits_and_carries_on_when_the_database_goes_away(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[str] = []
    pauses: list[float] = []

    def run(self: Any) -> None:
        calls.append("run")
        if len(calls) < 3:
            raise OperationalError("terminating connection due to administrator command")

    monkeypatch.setattr(base.Worker, "run", run)
    monkeypatch.setattr(f"{db_worker.__name__}.time.sleep", pauses.append)
    worker = db_worker.Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test",
        excluded_queue_names=[],
    )
    worker.run()
    assert calls == ["run", "run", "run"]
    assert pauses == [1.0, 2.0]  # longer each time


def test_the_sweep_thread_recovers_jobs_and_survives_its_own_errors(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    runs: list[int] = []

    def sweep() -> dict[str, int]:
        runs.append(1)
        if len(runs) == 1:
            raise OperationalError("the database is restarting")
        stop.set()
        return {"retried": 1, "failed": 0}

    monkeypatch.setattr(db_worker, "recover_stale_jobs", sweep)
    monkeypatch.setattr(f"{db_worker.__name__}.settings.JOB_SWEEP_SECONDS", 0)
    stop = threading.Event()
    db_worker.sweep_forever(stop)
    assert len(runs) == 2


@on_postgres
@pytest.mark.postgres
def test_db_worker_carries_on_after_its_connection_is_killed(transactional_db: None) -> None:
    process = workers.start(
        ["manage.py", "db_worker", "--no-startup-delay", "--no-reload", "--interval", "0.2"]
    )

    def ran(result: Any) -> bool:
        status = DBTaskResult.objects.get(pk=result.id).status
        assert status != TaskResultStatus.FAILED, status
        return status == TaskResultStatus.SUCCESSFUL

    try:
        first = export_reports.enqueue(job_id=0)  # no such job: the task says "skipped"
        workers.wait_for(lambda: ran(first), what="the first task")
        assert workers.terminate_other_backends() >= 1  # the worker's connection, at least
        second = export_reports.enqueue(job_id=0)
        workers.wait_for(lambda: ran(second), what="a task queued after the connection died")
        assert process.poll() is None
    finally:
        workers.stop(process)


@on_postgres
@pytest.mark.postgres
def test_a_request_after_the_connection_was_killed_answers_200(transactional_db: None) -> None:
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    workers.terminate_backend(pid)  # this thread's kept connection, as a restart would

    statuses: list[str] = []

    def start_response(
        status: str, headers: list[tuple[str, str]], exc_info: object = None
    ) -> Callable[[bytes], object]:
        statuses.append(status)
        return lambda data: None  # the body comes back from the handler, not written here

    handler = WSGIHandler()
    environ = RequestFactory().get("/readyz").environ  # it queries the database
    body = b"".join(handler(environ, start_response))
    assert statuses == ["200 OK"], body[:300]
