"""/metrics: Prometheus's text format for the allowed networks only; requests timed by URL
name, server errors counted, the queue, stuck jobs and replica lag read at each scrape, and
job durations observed when a job's end is committed."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import OperationalError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from zhucan.conftest import World
from zhucan.core.jobs import enqueue, release_lease
from zhucan.core.middleware import RequestMetricsMiddleware
from zhucan.stats.models import ExportJob
from zhucan.stats.tasks import EXPORT_TASK_PATH
from zhucan.testing.urlwalk import county_a_export

pytestmark = pytest.mark.django_db

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def _scrape() -> Samples:
    response = Client().get("/metrics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    samples: Samples = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            samples[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return samples


def _value(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_requests_are_timed_by_url_name_method_and_status_class() -> None:
    before = _value(
        "zhucan_http_request_duration_seconds_count",
        view="core:healthz",
        method="GET",
        status="2xx",
    )
    Client().get("/healthz")
    samples = _scrape()
    key = frozenset({("view", "core:healthz"), ("method", "GET"), ("status", "2xx")})
    assert samples[("zhucan_http_request_duration_seconds_count", key)] == before + 1


def test_paths_with_ids_are_labelled_by_their_route_never_their_path(world: World) -> None:
    job = county_a_export(world)
    Client().get(reverse("stats:export_job", args=[job.pk]) + "?q=110101199003077777")
    Client().get("/no/such/page/42")
    labels = {
        dict(key).get("view", "")
        for (name, key) in _scrape()
        if name == "zhucan_http_request_duration_seconds_count"
    }
    assert "stats:export_job" in labels and "unmatched" in labels
    assert not any("/" in label or "1101" in label for label in labels)


def test_server_errors_are_counted() -> None:
    def broken(request: HttpRequest) -> HttpResponse:
        return HttpResponseServerError()

    before = _value("zhucan_http_server_errors_total", view="core:readyz", method="POST")
    RequestMetricsMiddleware(broken)(RequestFactory().post("/readyz"))
    assert (
        _value("zhucan_http_server_errors_total", view="core:readyz", method="POST") == before + 1
    )
    assert (
        _value(
            "zhucan_http_request_duration_seconds_count",
            view="core:readyz",
            method="POST",
            status="5xx",
        )
        >= 1
    )


def test_a_made_up_method_is_not_a_label_of_its_own() -> None:
    def ok(request: HttpRequest) -> HttpResponse:
        return HttpResponse()

    RequestMetricsMiddleware(ok)(RequestFactory().generic("BREW", "/healthz"))
    assert (
        _value(
            "zhucan_http_request_duration_seconds_count",
            view="core:healthz",
            method="other",
            status="2xx",
        )
        >= 1
    )
    assert (
        _value(
            "zhucan_http_request_duration_seconds_count",
            view="core:healthz",
            method="BREW",
            status="2xx",
        )
        == 0
    )


def test_metrics_are_hidden_from_other_networks() -> None:
    assert Client().get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 404
    with override_settings(METRICS_ALLOW=["203.0.113.0/24"]):
        assert Client().get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 200
        assert Client().get("/metrics").status_code == 404  # loopback is no longer listed


def test_behind_an_unlisted_proxy_on_this_host_nobody_reads_metrics() -> None:
    # nginx on loopback without TRUSTED_PROXIES: every visitor would look like 127.0.0.1.
    response = Client().get("/metrics", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert response.status_code == 404


@override_settings(TRUSTED_PROXIES=["127.0.0.1"])
def test_behind_our_proxy_the_client_address_decides() -> None:
    assert Client().get("/metrics", HTTP_X_FORWARDED_FOR="198.51.100.7").status_code == 404
    with override_settings(METRICS_ALLOW=["198.51.100.0/24"]):
        assert Client().get("/metrics", HTTP_X_FORWARDED_FOR="198.51.100.7").status_code == 200


def test_queue_depth_and_age_are_read_at_scrape_time() -> None:
    queue = frozenset({("queue", "default")})
    samples = _scrape()
    assert samples[("zhucan_queue_depth", queue)] == 0
    assert samples[("zhucan_queue_oldest_age_seconds", queue)] == 0
    enqueue(EXPORT_TASK_PATH, job_id=1)
    enqueue(EXPORT_TASK_PATH, job_id=2)
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.update(enqueued_at=timezone.now() - timedelta(minutes=5))
    samples = _scrape()
    assert samples[("zhucan_queue_depth", queue)] == 2
    assert 299 < samples[("zhucan_queue_oldest_age_seconds", queue)] < 400


def test_jobs_past_their_lease_are_counted_by_kind(world: World) -> None:
    job = county_a_export(world)
    kind = frozenset({("kind", "stats.exportjob")})
    assert _scrape()[("zhucan_jobs_stuck", kind)] == 0
    ExportJob.objects.filter(pk=job.pk).update(
        status="running",
        lease_owner="gone:1",
        lease_expires_at=timezone.now() - timedelta(seconds=1),
    )
    assert _scrape()[("zhucan_jobs_stuck", kind)] == 1


def test_replica_lag_is_a_gauge_only_when_a_replica_is_configured(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert not any(name == "zhucan_replica_lag_seconds" for name, _ in _scrape())
    monkeypatch.setattr("zhucan.core.collectors.replica_lag_seconds", lambda alias: 3.5)
    with override_settings(DATABASE_REPLICAS=["replica"]):
        samples = _scrape()
    assert samples[("zhucan_replica_lag_seconds", frozenset({("alias", "replica")}))] == 3.5


def _running_export(world: World, seconds: float, status: str) -> ExportJob:
    job: ExportJob = county_a_export(world)
    job.status = status
    job.lease_owner = "here:1"
    job.started_at = timezone.now() - timedelta(seconds=seconds)
    return job


def test_a_job_duration_is_observed_when_its_end_is_committed(
    world: World, django_capture_on_commit_callbacks: Callable[..., AbstractContextManager[object]]
) -> None:
    labels = {"kind": "stats.exportjob", "outcome": "done"}
    count, total = (
        _value("zhucan_job_duration_seconds_count", **labels),
        _value("zhucan_job_duration_seconds_sum", **labels),
    )
    job = _running_export(world, 90, "done")
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        release_lease(job)
        assert _value("zhucan_job_duration_seconds_count", **labels) == count  # not yet
    assert _value("zhucan_job_duration_seconds_count", **labels) == count + 1
    assert 89 < _value("zhucan_job_duration_seconds_sum", **labels) - total < 100
    assert _value("zhucan_job_duration_seconds_bucket", le="60.0", **labels) < count + 1


def test_a_rolled_back_end_is_not_observed(
    world: World, django_capture_on_commit_callbacks: Callable[..., AbstractContextManager[object]]
) -> None:
    labels = {"kind": "stats.exportjob", "outcome": "failed"}
    count = _value("zhucan_job_duration_seconds_count", **labels)
    job = _running_export(world, 5, "failed")
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            release_lease(job)
            raise RuntimeError("the job's last save failed")
    assert _value("zhucan_job_duration_seconds_count", **labels) == count


def test_a_job_that_was_never_held_is_not_observed(
    world: World, django_capture_on_commit_callbacks: Callable[..., AbstractContextManager[object]]
) -> None:
    labels = {"kind": "stats.exportjob", "outcome": "expired"}
    count = _value("zhucan_job_duration_seconds_count", **labels)
    job = _running_export(world, 5, "expired")
    job.lease_owner = ""  # discarded while it waited
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        release_lease(job)
    assert _value("zhucan_job_duration_seconds_count", **labels) == count


def test_a_database_that_does_not_answer_leaves_the_request_metrics(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def down(**kwargs: object) -> object:
        raise OperationalError("down")

    monkeypatch.setattr("zhucan.core.collectors.queue_state", down)
    samples = _scrape()
    assert not any(name == "zhucan_queue_depth" for name, _ in samples)
    assert any(name == "zhucan_http_request_duration_seconds_count" for name, _ in samples)


# One process observes a job, a forked one (as gunicorn forks its workers) another; then the
# first answers the scrape.
FORKED = """
import os, django
django.setup()
from prometheus_client import generate_latest
from zhucan.core.collectors import scrape_registry
from zhucan.core.metrics import observe_job
observe_job(kind="stats.exportjob", outcome="done", seconds=1.0)
child = os.fork()
if child == 0:
    observe_job(kind="stats.exportjob", outcome="done", seconds=3.0)
    os._exit(0)
os.waitpid(child, 0)
print(generate_latest(scrape_registry()).decode())
"""


def _multiprocess_env(directory: Path) -> dict[str, str]:
    return {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "zhucan.settings",
        "SECRET_KEY": os.environ["SECRET_KEY"],
        "ZHUCAN_REGISTRY_KEYS": os.environ["ZHUCAN_REGISTRY_KEYS"],
        "DATABASE_URL": "sqlite:///:memory:",
        "TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "PROMETHEUS_MULTIPROC_DIR": str(directory),
    }


def test_with_a_multiprocess_directory_a_scrape_adds_up_every_process(tmp_path: Path) -> None:
    scraped = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", FORKED],
        env=_multiprocess_env(tmp_path),
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    families = {f.name: f for f in text_string_to_metric_families(scraped)}
    samples = {s.name: s.value for s in families["zhucan_job_duration_seconds"].samples}
    assert samples["zhucan_job_duration_seconds_count"] == 2
    assert samples["zhucan_job_duration_seconds_sum"] == 4.0


def test_a_multiprocess_directory_that_does_not_exist_stops_the_start(tmp_path: Path) -> None:
    started = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", "import django; django.setup()"],
        env=_multiprocess_env(tmp_path / "missing"),
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    assert started.returncode != 0
    assert "PROMETHEUS_MULTIPROC_DIR is set but is not a directory" in started.stderr
