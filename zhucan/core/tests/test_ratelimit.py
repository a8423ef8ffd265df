"""Rate limits counted in the database: one count for every app server, one window at a time,
old windows removed, and no two servers counting the same number at the same instant."""

from __future__ import annotations

import threading
from datetime import timedelta
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import connections
from django.utils import timezone

from zhucan.core import ratelimit
from zhucan.core.models import RateWindow
from zhucan.testing.concurrency import needs_postgres


@pytest.mark.django_db
def test_the_count_is_kept_in_the_database_not_the_cache() -> None:
    for expected in (1, 2, 3):
        # Another app server has its own (empty) cache: the count goes on regardless.
        cache.clear()
        assert ratelimit.hit(key="k", per_seconds=3600) == expected
    assert not ratelimit.over_limit(key="other", limit=1, per_seconds=3600)
    assert ratelimit.over_limit(key="other", limit=1, per_seconds=3600)


@pytest.mark.django_db
def test_a_new_window_starts_from_one_and_removes_the_ended_ones() -> None:
    ratelimit.hit(key="k", per_seconds=60)
    ratelimit.hit(key="k", per_seconds=60)
    later = timezone.now().timestamp() + 120
    with mock.patch("zhucan.core.ratelimit.time.time", return_value=later):
        assert ratelimit.hit(key="k", per_seconds=60) == 1
    assert list(RateWindow.objects.values_list("count", flat=True)) == [1]


@pytest.mark.django_db
def test_windows_still_running_are_kept() -> None:
    RateWindow.objects.create(
        key="running", bucket=1, count=5, expires_at=timezone.now() + timedelta(minutes=5)
    )
    ratelimit.hit(key="new", per_seconds=60)
    assert RateWindow.objects.filter(key="running").exists()


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_ten_servers_counting_at_once_each_get_their_own_number() -> None:
    barrier = threading.Barrier(10)
    counts: list[int] = []

    def count() -> None:
        try:
            barrier.wait(timeout=30)
            counts.append(ratelimit.hit(key="together", per_seconds=3600))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=count) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(counts) == list(range(1, 11))
