"""The application's Prometheus metrics (prometheus_client), observed where things happen.

Each process keeps its own values. With several processes (gunicorn workers, ``db_worker``)
set ``PROMETHEUS_MULTIPROC_DIR`` before they start: prometheus_client then writes the values to
files there, and ``/metrics`` adds up those of every process of the host (docs/deployment.md).
What is read from the database (the queue, stuck jobs, replica lag) is computed at each scrape
instead (``core.collectors``).
"""

from __future__ import annotations

from prometheus_client import Counter, Histogram

# Up to the slowest pages and exports; 0.3 s is the dashboard's goal under load.
REQUEST_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0)
# Jobs run from seconds (a small export) to an hour or more (a national registry import).
JOB_BUCKETS = (1.0, 5.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0, 7200.0)
# Anything else becomes "other", so that a client cannot make up label values.
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

REQUEST_SECONDS = Histogram(
    "zhucan_http_request_duration_seconds",
    "Time to answer a request, by URL name (not path), method and status class.",
    ["view", "method", "status"],
    buckets=REQUEST_BUCKETS,
)
SERVER_ERRORS = Counter(
    "zhucan_http_server_errors",
    "Requests answered with a 5xx status, by URL name and method.",
    ["view", "method"],
)
REPLICA_CHOICES = Counter(
    "zhucan_replica_reads",
    "Marked pages and jobs (core.routing), by the database they read from and why: fresh "
    "(the replica), behind, own_writes (not yet replayed), unreachable, failed (part-way).",
    ["database", "reason"],
)
JOB_SECONDS = Histogram(
    "zhucan_job_duration_seconds",
    "Time from a background job's start to its end, by job model and the status it ended in.",
    ["kind", "outcome"],
    buckets=JOB_BUCKETS,
)


def observe_request(*, view: str, method: str, status: int, seconds: float) -> None:
    method = method if method in METHODS else "other"
    REQUEST_SECONDS.labels(view=view, method=method, status=f"{status // 100}xx").observe(seconds)
    if status >= 500:
        SERVER_ERRORS.labels(view=view, method=method).inc()


def observe_replica_choice(*, database: str, reason: str) -> None:
    REPLICA_CHOICES.labels(database=database, reason=reason).inc()


def observe_job(*, kind: str, outcome: str, seconds: float) -> None:
    JOB_SECONDS.labels(kind=kind, outcome=outcome).observe(max(seconds, 0.0))
