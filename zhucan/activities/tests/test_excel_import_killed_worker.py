"""``manage.py db_worker`` killed with SIGKILL in the middle of an import of activity reports
(PostgreSQL): nothing is saved, and the next worker, started with no cron and no one's help,
finds the job whose lease ran out, queues it again and imports it once."""

from __future__ import annotations

import os
import signal

import pytest
from django.db import connection
from django.test import Client
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from zhucan.accounts.models import User
from zhucan.activities.models import ActivityReport, ImportJob
from zhucan.activities.tasks import IMPORT_TASK_PATH
from zhucan.activities.tests.test_excel_import_jobs import _file, _queue
from zhucan.campaigns.models import Campaign
from zhucan.conftest import World
from zhucan.testing import workers
from zhucan.testing.auth import login_verified

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="a worker of its own"),
]

# The worker, stopped once the import has saved every report in its transaction.
SCRIPT = """
import time
import django

django.setup()
from django.core.management import call_command
from zhucan.activities.services import imports

hold_lease = imports.hold_lease

def pause(job):
    print("all reports saved, not committed", flush=True)
    time.sleep(600)
    return hold_lease(job)

imports.hold_lease = pause
call_command("db_worker", "--no-startup-delay", "--no-reload", "--interval", "0.2")
"""
FAST = {"JOB_LEASE_SECONDS": "2", "JOB_SWEEP_SECONDS": "1"}


def test_a_worker_killed_mid_import_leaves_nothing_and_the_next_one_finishes_the_job(
    transactional_db: None, client: Client, county_reporter: User, world: World, campaign: Campaign
) -> None:
    login_verified(client, county_reporter)
    _queue(client, campaign, _file(world, 3))
    job = ImportJob.objects.get()

    first = workers.start(["-c", SCRIPT], **FAST)
    try:
        workers.read_until(first, "all reports saved")
        assert ImportJob.objects.get(pk=job.pk).status == "running"
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        workers.stop(first)
    assert ActivityReport.objects.count() == 0  # rolled back with the dead worker

    second = workers.start(
        ["manage.py", "db_worker", "--no-startup-delay", "--no-reload", "--interval", "0.2"],
        **FAST,
    )
    try:
        done = workers.wait_for(
            lambda: ImportJob.objects.filter(pk=job.pk, status="done").first(),
            timeout=60,
            what="the job to be retried and done",
        )
    finally:
        workers.stop(second)
    assert (done.attempts, done.imported, done.lease_owner, bytes(done.data)) == (2, 3, "", b"")
    assert ActivityReport.objects.count() == 3
    # The dead worker's task is recorded as failed, the retry's as done.
    tasks = DBTaskResult.objects.filter(task_path=IMPORT_TASK_PATH).order_by("enqueued_at")
    assert [(t.status, t.exception_class_path) for t in tasks] == [
        (TaskResultStatus.FAILED, "zhucan.core.jobs.WorkerDiedError"),
        (TaskResultStatus.SUCCESSFUL, ""),
    ]
