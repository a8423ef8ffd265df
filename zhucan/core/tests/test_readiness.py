"""/healthz says the process is up; /readyz says whether the database, the queue, the storage
and any replica are fit to serve, and which are not."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.db import OperationalError, connection
from django.test import Client, override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from pytest_django import DjangoAssertNumQueries

from zhucan.conftest import World
from zhucan.core import health
from zhucan.core.jobs import enqueue
from zhucan.stats.models import ExportJob
from zhucan.stats.tasks import EXPORT_TASK_PATH
from zhucan.testing.urlwalk import county_a_export

pytestmark = pytest.mark.django_db


def _ready(client: Client | None = None) -> tuple[int, dict[str, Any]]:
    response = (client or Client()).get("/readyz")
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    return response.status_code, response.json()


def test_healthz_answers_without_the_database(
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    with django_assert_num_queries(0):
        response = Client().get("/healthz")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})
    assert "max-age=0" in response["Cache-Control"]
    assert Client().get("/healthz/").status_code == 200  # the old address still answers


def test_ready_when_every_check_passes() -> None:
    status, body = _ready()
    assert status == 200
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "queue", "storage", "replica"}
    assert all(check["ok"] for check in body["checks"].values())
    assert body["checks"]["replica"]["detail"] == "no replica"
    assert body["checks"]["queue"] == {
        "ok": True,
        "ready": 0,
        "oldest_seconds": 0.0,
        "stuck_jobs": 0,
    }


@pytest.fixture
def database_down() -> Iterator[None]:
    def refuse(execute: Callable[..., Any], sql: str, *args: Any) -> Any:
        raise OperationalError("could not connect to server at 10.9.8.7 password=hunter2")

    with connection.execute_wrapper(refuse):
        yield


def test_a_database_that_does_not_answer_is_named_without_its_error(database_down: None) -> None:
    status, body = _ready()
    assert status == 503
    assert body["status"] == "fail"
    assert body["checks"]["database"] == {"ok": False, "detail": "unreachable"}
    assert body["checks"]["storage"]["ok"] is True
    text = str(body)
    assert "10.9.8.7" not in text and "hunter2" not in text


@pytest.mark.skipif(connection.vendor != "postgresql", reason="statement_timeout is PostgreSQL's")
@override_settings(READY_DB_TIMEOUT_MS=50)
def test_the_database_check_gives_up_after_its_statement_timeout(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def slow() -> dict[str, Any]:
        with health.short_transaction("default") as db, db.cursor() as cursor:
            cursor.execute("SELECT pg_sleep(2)")
        return {"ok": True}

    monkeypatch.setitem(health.CHECKS, "database", slow)
    started = timezone.now()
    status, body = _ready()
    assert status == 503 and body["checks"]["database"]["ok"] is False
    assert timezone.now() - started < timedelta(seconds=1.5)


@override_settings(READY_QUEUE_MAX_AGE_SECONDS=600)
def test_a_task_waiting_too_long_makes_it_not_ready() -> None:
    enqueue(EXPORT_TASK_PATH, job_id=1)
    assert _ready()[0] == 200
    DBTaskResult.objects.update(enqueued_at=timezone.now() - timedelta(minutes=20))
    status, body = _ready()
    assert status == 503
    queue = body["checks"]["queue"]
    assert (queue["ok"], queue["ready"], queue["detail"]) == (False, 1, "tasks waiting too long")
    assert 1190 < queue["oldest_seconds"] < 1300


@override_settings(READY_QUEUE_MAX_AGE_SECONDS=600)
def test_a_task_waits_from_its_run_after_not_from_when_it_was_queued() -> None:
    enqueue(EXPORT_TASK_PATH, run_after=timezone.now() + timedelta(hours=1), job_id=1)
    DBTaskResult.objects.update(enqueued_at=timezone.now() - timedelta(days=1))
    status, body = _ready()
    assert status == 200 and body["checks"]["queue"]["ready"] == 0  # not due yet
    DBTaskResult.objects.update(run_after=timezone.now() - timedelta(minutes=15))
    status, body = _ready()
    assert status == 503
    assert 890 < body["checks"]["queue"]["oldest_seconds"] < 1000


@override_settings(READY_QUEUE_MAX_AGE_SECONDS=0)
def test_the_queue_age_check_can_be_turned_off() -> None:
    enqueue(EXPORT_TASK_PATH, job_id=1)
    DBTaskResult.objects.update(enqueued_at=timezone.now() - timedelta(days=2))
    assert _ready()[0] == 200


@override_settings(READY_STUCK_JOB_SECONDS=300)
def test_a_job_stuck_past_its_lease_makes_it_not_ready(world: World) -> None:
    job = county_a_export(world)
    stuck = ExportJob.objects.filter(pk=job.pk)
    # Just past its lease: the sweep of a live worker still has time to recover it.
    stuck.update(
        status="running",
        lease_owner="gone:1",
        lease_expires_at=timezone.now() - timedelta(seconds=30),
    )
    assert _ready()[0] == 200
    stuck.update(lease_expires_at=timezone.now() - timedelta(minutes=10))
    status, body = _ready()
    assert status == 503
    assert body["checks"]["queue"]["stuck_jobs"] == 1
    assert body["checks"]["queue"]["detail"] == "jobs stuck past their lease"


def test_storage_that_cannot_be_written_makes_it_not_ready(tmp_path: Any) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("")  # a directory cannot be made under a file, even by root
    storages = {
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(blocked / "media")},
        },
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=storages):
        status, body = _ready()
    assert status == 503
    assert body["checks"]["storage"] == {"ok": False, "detail": "not writable"}


def test_the_storage_probe_leaves_nothing_behind(tmp_path: Any) -> None:
    storages = {
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=storages):
        assert _ready()[0] == 200
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_replica_lag_on_a_primary_is_zero_and_unknown_off_postgresql() -> None:
    expected = 0.0 if connection.vendor == "postgresql" else None
    assert health.replica_lag_seconds("default") == expected


@override_settings(DATABASE_REPLICAS=["replica"], REPLICA_MAX_LAG_SECONDS=30)
@pytest.mark.parametrize(
    ("lag", "status", "shown"), [(2.25, 200, 2.2), (45.0, 503, 45.0), (None, 503, None)]
)
def test_a_replica_further_behind_than_the_bound_is_not_ready(
    monkeypatch: pytest.MonkeyPatch, lag: float | None, status: int, shown: float | None
) -> None:
    monkeypatch.setattr(health, "replica_lag_seconds", lambda alias: lag)
    got, body = _ready()
    assert got == status
    assert body["checks"]["replica"]["lag_seconds"] == {"replica": shown}


@override_settings(DATABASE_REPLICAS=["replica"])
def test_a_replica_that_cannot_be_reached_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    def unreachable(alias: str) -> float:
        raise OperationalError("replica.internal:5433 refused")

    monkeypatch.setattr(health, "replica_lag_seconds", unreachable)
    status, body = _ready()
    assert status == 503
    assert body["checks"]["replica"] == {
        "ok": False,
        "lag_seconds": {"replica": None},
        "detail": "replica behind or unreachable",
    }
    assert "replica.internal" not in str(body)
