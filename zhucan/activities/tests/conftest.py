"""A city campaign sent to the counties and the city unit; a county reporter."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import transaction
from django.utils import translation

from zhucan.accounts.models import User
from zhucan.campaigns.models import Campaign
from zhucan.conftest import World
from zhucan.testing.factories import make_campaign, make_user


def run_worker() -> int:
    """What ``manage.py db_worker`` does with each task that is due, here and now, on the
    real database queue. Returns how many tasks ran. (The worker's own loop closes database
    connections between tasks, which the test's transaction would not survive.)"""
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    ran = 0
    while True:
        with transaction.atomic():  # the worker claims a task under a row lock
            result = DBTaskResult.objects.ready().get_locked()
            if result is None:
                return ran
            result.claim(worker.worker_id)
        worker.run_task(result)
        ran += 1


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def campaign(world: World) -> Campaign:
    return make_campaign(issuing_org=world.city, by=world.city_officer)


@pytest.fixture
def county_reporter(world: World) -> User:
    return make_user(
        username="xinhua_reporter", full_name="陈静", org=world.county_a, role="reporter"
    )
