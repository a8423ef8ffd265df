"""A registry import whose worker died: queued again or failed within minutes, never "running"
forever; its file and dry-run rows deleted when it is given up on or discarded; the same file
importable again. And the sheet waiting for confirmation is kept encrypted."""

from __future__ import annotations

import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from zhucan.conftest import World
from zhucan.core.errors import DomainError
from zhucan.core.jobs import recover_stale_jobs
from zhucan.core.models import AuditEntry
from zhucan.registry import crypto
from zhucan.registry.imports import jobs, sealing, staging
from zhucan.registry.models import Person
from zhucan.registry.models.imports import RegistryImport
from zhucan.testing.auth import login_verified
from zhucan.testing.registry_sheets import (
    dry_run,
    person_row,
    run_queued_tasks,
    workbook_bytes,
)

Status = RegistryImport.Status
SHEET = [person_row(n) for n in range(1, 6)]


def _confirmed(world: World, data: bytes) -> RegistryImport:
    job = dry_run(world, data)
    return jobs.confirm_import(
        by=world.county_a_officer, job=job, valid_only=False, duplicates="skip", background=False
    )


def _worker_died(job: RegistryImport, *, attempts: int = 1) -> RegistryImport:
    """The worker took the job (lease and all), then was killed before it committed."""
    taken = jobs._start(job.pk)
    assert taken is not None and taken.status == Status.RUNNING and taken.lease_owner
    RegistryImport.objects.filter(pk=job.pk).update(
        rows_done=2, lease_expires_at=timezone.now() - timedelta(seconds=1), attempts=attempts
    )
    return RegistryImport.objects.get(pk=job.pk)


def test_a_live_lease_is_left_alone(world: World) -> None:
    job = _confirmed(world, workbook_bytes(SHEET))
    jobs._start(job.pk)
    assert recover_stale_jobs() == {"retried": 0, "failed": 0}
    assert RegistryImport.objects.get(pk=job.pk).status == Status.RUNNING


def test_a_job_whose_worker_died_is_queued_again_and_imported_once(world: World) -> None:
    data = workbook_bytes(SHEET)
    job = _worker_died(_confirmed(world, data))
    assert recover_stale_jobs() == {"retried": 1, "failed": 0}
    job.refresh_from_db()
    assert (job.status, job.lease_owner, job.rows_done, job.has_file) == (
        Status.QUEUED,
        "",
        0,
        True,
    )
    assert DBTaskResult.objects.filter(task_path__endswith="run_registry_import").count() == 1
    run_queued_tasks()
    job.refresh_from_db()
    assert (job.status, job.created, job.attempts, job.has_file) == (Status.DONE, 5, 2, False)
    assert Person.objects.count() == 5
    assert not staging.exists(job.pk)


def test_a_job_whose_worker_died_too_often_fails_and_its_file_and_stage_go(world: World) -> None:
    data = workbook_bytes(SHEET)
    job = _confirmed(world, data)
    assert staging.exists(job.pk) == staging.usable()  # the dry run's rows, on PostgreSQL
    job = _worker_died(job, attempts=2)
    assert recover_stale_jobs() == {"retried": 0, "failed": 1}
    job.refresh_from_db()
    assert (job.status, job.lease_owner, job.has_file, bytes(job.data)) == (
        Status.FAILED,
        "",
        False,
        b"",
    )
    assert "The process handling this job was interrupted" in job.message
    assert not staging.exists(job.pk)
    assert Person.objects.count() == 0
    assert AuditEntry.objects.filter(action="registry.import.failed", object_id=str(job.pk))

    again = _confirmed(world, data)  # not blocked: a failed import is not "the same import"
    jobs.run_import(job_id=again.pk)
    again.refresh_from_db()
    assert (again.status, again.created) == (Status.DONE, 5)


def test_a_dry_run_whose_worker_died_is_checked_again(world: World) -> None:
    job = jobs.upload_import(
        by=world.county_a_officer,
        organisation=world.county_a,
        data=workbook_bytes(SHEET),
        file_name="花名册.xlsx",
    )
    jobs.request_check(by=world.county_a_officer, job=job, mapping=job.mapping, background=False)
    RegistryImport.objects.filter(pk=job.pk).update(
        started_at=timezone.now(),
        lease_owner="worker-1:1:dead",
        lease_expires_at=timezone.now() - timedelta(seconds=1),
        attempts=1,
    )
    assert jobs.run_check(job_id=job.pk) == "skipped"  # a second worker: the first holds it
    assert recover_stale_jobs() == {"retried": 1, "failed": 0}
    run_queued_tasks()
    job.refresh_from_db()
    assert (job.status, job.valid_rows, job.lease_owner) == (Status.CHECKED, 5, "")


def test_a_worker_that_lost_its_lease_saves_nothing(world: World) -> None:
    """A worker given up on (frozen, then awake again) must not mark done a job that was
    meanwhile queued again: its whole transaction rolls back."""
    job = _confirmed(world, workbook_bytes(SHEET))
    taken = jobs._start(job.pk)
    assert taken is not None
    RegistryImport.objects.filter(pk=job.pk).update(lease_owner="worker-2:2:new")
    assert jobs._import(taken, 100) == "skipped"
    job.refresh_from_db()
    assert (job.status, job.lease_owner) == (Status.RUNNING, "worker-2:2:new")
    assert Person.objects.count() == 0


def test_a_stuck_job_is_discarded_from_its_page_and_the_file_imported_again(
    client: Client, world: World
) -> None:
    data = workbook_bytes(SHEET)
    job = _worker_died(_confirmed(world, data))
    RegistryImport.objects.filter(pk=job.pk).update(
        lease_expires_at=timezone.now() + timedelta(minutes=1)
    )
    with pytest.raises(DomainError):  # a job whose worker lives cannot be discarded
        jobs.discard_import(by=world.county_a_officer, job=job)
    RegistryImport.objects.filter(pk=job.pk).update(
        lease_expires_at=timezone.now() - timedelta(seconds=1)
    )

    login_verified(client, world.county_b_officer)  # another county: not a hint it exists
    url = reverse("registry:import_discard", kwargs={"import_pk": job.pk})
    assert client.post(url).status_code == 404

    login_verified(client, world.county_a_officer)
    response = client.post(url)
    assert response.status_code == 302
    job.refresh_from_db()
    assert (job.status, job.has_file, job.lease_owner) == (Status.DISCARDED, False, "")
    assert not staging.exists(job.pk)
    assert AuditEntry.objects.filter(action="registry.import.discarded", object_id=str(job.pk))

    again = _confirmed(world, data)
    jobs.run_import(job_id=again.pk)
    again.refresh_from_db()
    assert (again.status, again.created) == (Status.DONE, 5)


def test_the_page_of_a_job_whose_worker_died_recovers_it(client: Client, world: World) -> None:
    job = _worker_died(_confirmed(world, workbook_bytes(SHEET)), attempts=2)
    login_verified(client, world.county_a_officer)
    body = client.get(reverse("registry:import_progress", kwargs={"import_pk": job.pk})).json()
    assert (body["status"], body["finished"]) == (Status.FAILED, True)


def test_the_sheet_waiting_for_confirmation_is_kept_encrypted(world: World) -> None:
    data = workbook_bytes(SHEET)
    job = dry_run(world, data)
    stored = bytes(RegistryImport.objects.get(pk=job.pk).data)
    assert stored and data not in stored and not stored.startswith(b"PK")
    assert crypto.decrypt_bytes(stored, purpose=sealing.SHEET_PURPOSE) == data
    with pytest.raises(crypto.DecryptionError):  # bound to its purpose
        crypto.decrypt_bytes(stored, purpose="something else")
    assert job.size == len(data)


def test_sheets_kept_in_clear_before_are_encrypted_by_the_migration(world: World) -> None:
    data = workbook_bytes(SHEET)
    job = dry_run(world, data)
    RegistryImport.objects.filter(pk=job.pk).update(data=data)  # as the old code kept it
    migration = importlib.import_module(
        "zhucan.registry.migrations.0007_registry_import_lease_and_encrypted_sheet"
    )
    migration.encrypt_kept_sheets(apps, None)
    stored = bytes(RegistryImport.objects.get(pk=job.pk).data)
    assert data not in stored
    done = jobs.confirm_import(
        by=world.county_a_officer, job=job, valid_only=False, duplicates="skip", background=False
    )
    jobs.run_import(job_id=done.pk)
    assert Person.objects.count() == 5


def test_the_dead_workers_task_is_recorded_as_failed(world: World) -> None:
    """Its row would otherwise stay "running" for ever: ``prune_db_task_results`` only prunes
    finished ones."""
    from django_tasks.base import TaskResultStatus

    from zhucan.registry.imports.tasks import run_registry_import

    job = _confirmed(world, workbook_bytes(SHEET))
    task = run_registry_import.enqueue(job_id=job.pk)
    DBTaskResult.objects.filter(pk=task.id).update(status=TaskResultStatus.RUNNING)
    _worker_died(job)
    recover_stale_jobs()
    dead = DBTaskResult.objects.get(pk=task.id)
    assert (dead.status, dead.exception_class_path) == (
        TaskResultStatus.FAILED,
        "zhucan.core.jobs.WorkerDiedError",
    )
    retry = DBTaskResult.objects.filter(
        task_path=run_registry_import.module_path, status=TaskResultStatus.READY
    )
    assert retry.count() == 1
