"""What ``/metrics`` reads from the database at each scrape, and the registry a scrape uses.

Gauges of the queue and of replicas are facts of the database, not of one process: computed
when Prometheus asks, they are the same whichever process answers, and need no process to
keep them up to date.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS
from django.utils import timezone
from prometheus_client import REGISTRY, CollectorRegistry
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from zhucan.core.health import (
    DATABASE_QUEUE,
    queue_state,
    replica_lag_seconds,
    short_transaction,
)
from zhucan.core.jobs import stuck_jobs

logger = logging.getLogger(__name__)


class DatabaseCollector(Collector):
    """Queue depth and age by queue, jobs past their lease by job model, replica lag by alias.
    A database that does not answer leaves its gauges out (``/readyz`` says why) rather than
    failing the scrape: the request metrics still matter then."""

    def describe(self) -> list[Metric]:
        return []  # computed at each scrape; nothing to check against other collectors

    def collect(self) -> Iterator[Metric]:
        if settings.TASKS["default"]["BACKEND"] == DATABASE_QUEUE:
            try:
                with short_transaction(DEFAULT_DB_ALIAS):
                    metrics = list(self._queue())
                yield from metrics
            except Exception:
                logger.warning("Metrics: the queue could not be read", exc_info=True)
        yield from self._replicas()

    def _queue(self) -> Iterator[Metric]:
        now = timezone.now()
        states = queue_state(now=now)
        depth = GaugeMetricFamily(
            "zhucan_queue_depth", "Background tasks ready to run, by queue.", labels=["queue"]
        )
        age = GaugeMetricFamily(
            "zhucan_queue_oldest_age_seconds",
            "How long the longest-waiting ready task has waited, by queue (0 when none).",
            labels=["queue"],
        )
        for queue in settings.TASKS["default"].get("QUEUES", ["default"]):
            state = states.get(queue)
            depth.add_metric([queue], state.ready if state else 0)
            age.add_metric([queue], state.oldest_seconds if state else 0.0)
        stuck = GaugeMetricFamily(
            "zhucan_jobs_stuck",
            "Background jobs whose lease ran out (their worker died), by job model.",
            labels=["kind"],
        )
        for kind, count in sorted(stuck_jobs(now=now).items()):
            stuck.add_metric([kind], count)
        yield from (depth, age, stuck)

    def _replicas(self) -> Iterator[Metric]:
        if not settings.DATABASE_REPLICAS:
            return
        lag = GaugeMetricFamily(
            "zhucan_replica_lag_seconds",
            "How far each replica database is behind the primary (absent when unknown).",
            labels=["alias"],
        )
        for alias in settings.DATABASE_REPLICAS:
            try:
                seconds = replica_lag_seconds(alias)
            except Exception:
                logger.warning("Metrics: replica %s cannot be reached", alias, exc_info=True)
                continue
            if seconds is not None:
                lag.add_metric([alias], seconds)
        yield lag


class _ThisProcess(Collector):
    """The process's own registry (its requests, jobs, and the process and GC figures)."""

    def describe(self) -> list[Metric]:
        return []

    def collect(self) -> Iterable[Metric]:
        return REGISTRY.collect()


def scrape_registry() -> CollectorRegistry:
    """A registry for one scrape: this process's values, or with ``PROMETHEUS_MULTIPROC_DIR``
    those of every process of the host, plus the database's gauges."""
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        registry.register(_ThisProcess())
    registry.register(DatabaseCollector())
    return registry
