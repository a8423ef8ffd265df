"""A worker killed with SIGKILL in the middle of a registry import (PostgreSQL): the heartbeat
kept its lease alive while it lived; once dead, nothing of it is saved, and the job is queued
again and imported once, or failed with its file and the dry run's rows deleted, the same file
then importable again."""

from __future__ import annotations

import os
import signal
import time
from datetime import datetime

import pytest
from django.db import connection
from django.utils import timezone
from pytest_django import Settings

from zhucan.conftest import World
from zhucan.core.jobs import recover_stale_jobs
from zhucan.registry.imports import jobs, staging
from zhucan.registry.models import Person
from zhucan.registry.models.imports import RegistryImport
from zhucan.testing import workers
from zhucan.testing.registry_sheets import dry_run, person_row, workbook_bytes

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="a worker of its own"),
]
Status = RegistryImport.Status
LEASE_SECONDS = 2

# The import, in a process of its own, stopped once every row is saved in its transaction (just
# before it checks its lease for the job's last save): there it says so and waits to be killed.
SCRIPT = """
import sys, time
import django

django.setup()
from zhucan.registry.imports import jobs

hold_lease = jobs.hold_lease

def pause(job):
    print("all rows saved, not committed", flush=True)
    time.sleep(600)
    return hold_lease(job)

jobs.hold_lease = pause
jobs.run_import(job_id=int(sys.argv[1]))
"""


def _beat(job: RegistryImport) -> datetime:
    beat = RegistryImport.objects.get(pk=job.pk).heartbeat_at
    assert beat is not None
    return beat


def _lease_end(job: RegistryImport) -> datetime:
    end = RegistryImport.objects.get(pk=job.pk).lease_expires_at
    assert end is not None
    return end


def _kill_mid_import(world: World, data: bytes) -> RegistryImport:
    job = dry_run(world, data)
    job = jobs.confirm_import(
        by=world.county_a_officer, job=job, valid_only=False, duplicates="skip", background=False
    )
    assert staging.exists(job.pk)
    process = workers.start(["-c", SCRIPT, str(job.pk)], JOB_LEASE_SECONDS=str(LEASE_SECONDS))
    try:
        workers.read_until(process, "all rows saved")
        job.refresh_from_db()
        assert (job.status, job.attempts) == (Status.RUNNING, 1) and job.lease_owner
        first_beat = job.heartbeat_at
        assert first_beat is not None
        # Alive for longer than its lease: the heartbeat keeps the lease from running out.
        workers.wait_for(lambda: _beat(job) > first_beat, what="a heartbeat")
        time.sleep(LEASE_SECONDS + 0.5)
        assert recover_stale_jobs() == {"retried": 0, "failed": 0}
        assert not RegistryImport.objects.get(pk=job.pk).is_stuck
        assert Person.objects.count() == 0  # not committed

        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        workers.stop(process)
    # The database notices the dead client and rolls its transaction back; the lease runs out.
    workers.wait_for(
        lambda: _lease_end(job) < timezone.now(),
        timeout=LEASE_SECONDS * 3,
        what="the lease to run out",
    )
    return RegistryImport.objects.get(pk=job.pk)


def test_a_killed_import_is_queued_again_and_imported_once(
    transactional_db: None, world: World
) -> None:
    data = workbook_bytes([person_row(n) for n in range(1, 8)])
    job = _kill_mid_import(world, data)
    assert Person.objects.count() == 0  # no partial rows
    assert staging.exists(job.pk)  # its drop was rolled back with the rest

    assert recover_stale_jobs() == {"retried": 1, "failed": 0}
    job.refresh_from_db()
    assert (job.status, job.lease_owner, job.has_file) == (Status.QUEUED, "", True)
    assert jobs.run_import(job_id=job.pk) == Status.DONE  # what the worker does with the retry
    job.refresh_from_db()
    assert (job.status, job.created, job.attempts, job.has_file) == (Status.DONE, 7, 2, False)
    assert Person.objects.count() == 7
    assert not staging.exists(job.pk)


def test_a_killed_import_tried_too_often_fails_and_leaves_nothing(
    transactional_db: None, world: World, settings: Settings
) -> None:
    settings.JOB_MAX_ATTEMPTS = 1
    data = workbook_bytes([person_row(n) for n in range(1, 8)])
    job = _kill_mid_import(world, data)

    assert recover_stale_jobs() == {"retried": 0, "failed": 1}
    job.refresh_from_db()
    assert (job.status, job.has_file, bytes(job.data), job.lease_owner) == (
        Status.FAILED,
        False,
        b"",
        "",
    )
    assert "The process handling this job was interrupted" in job.message
    assert not staging.exists(job.pk)
    assert Person.objects.count() == 0

    again = dry_run(world, data)  # the same file, imported again
    again = jobs.confirm_import(
        by=world.county_a_officer, job=again, valid_only=False, duplicates="skip", background=False
    )
    assert jobs.run_import(job_id=again.pk) == Status.DONE
    assert Person.objects.count() == 7
