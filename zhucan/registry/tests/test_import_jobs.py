"""The import job: saved in one transaction, never doubled, done once, the file deleted."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from zhucan.conftest import World
from zhucan.core.errors import DomainError
from zhucan.core.models import AuditEntry
from zhucan.orgs.models import Membership
from zhucan.registry import crypto
from zhucan.registry.imports import jobs, saving, staging
from zhucan.registry.imports.checking import Row
from zhucan.registry.models import Person
from zhucan.registry.models.imports import KEEP_UPLOAD, RegistryImport
from zhucan.registry.services.people import PersonData, register_person
from zhucan.testing.registry_sheets import (
    dry_run,
    id_number,
    import_checked,
    person_row,
    run_queued_tasks,
    workbook_bytes,
)

Status = RegistryImport.Status


def test_a_clean_sheet_is_imported_encrypted_with_one_audit_entry_and_the_file_deleted(
    world: World,
) -> None:
    data = workbook_bytes([person_row(n) for n in range(1, 21)])
    job = dry_run(world, data)
    assert (job.status, job.rows_total, job.valid_rows, job.problems) == (
        Status.CHECKED,
        20,
        20,
        [],
    )
    job = import_checked(job, by=world.county_a_officer)
    assert (job.status, job.created, job.updated, job.skipped) == (Status.DONE, 20, 0, 0)
    assert job.rows_done == 20
    assert (
        Person.objects.filter(
            organisation=world.county_a, created_by=world.county_a_officer
        ).count()
        == 20
    )
    person = Person.objects.get(name="测试7")
    assert crypto.decrypt(person.id_number_ct, field="id_number") == id_number(7)
    assert person.id_masked == id_number(7)[:3] + "*" * 15
    assert person.phone_masked == "*********78"
    # The file held personal data: it is gone once imported.
    job = RegistryImport.objects.get(pk=job.pk)
    assert job.data in (b"", memoryview(b"")) or bytes(job.data) == b""
    assert job.size == 0 and not job.has_file
    entry = AuditEntry.objects.get(action="registry.import.completed")
    assert entry.changes["created"] == 20 and entry.changes["sha256"] == job.digest
    text = str(entry.changes) + entry.object_repr
    for secret in (id_number(7), "13912345678", "测试7", "光明路"):
        assert secret not in text


def test_nothing_is_saved_unless_all_valid_or_only_the_valid_rows_are_chosen(world: World) -> None:
    rows = [person_row(n) for n in range(1, 6)] + [person_row(6, category="未知")]
    job = dry_run(world, workbook_bytes(rows))
    assert (job.valid_rows, job.invalid_rows, job.problems_total) == (5, 1, 1)
    with pytest.raises(DomainError):
        jobs.confirm_import(by=world.county_a_officer, job=job, valid_only=False, duplicates="skip")
    assert not Person.objects.exists()
    job = import_checked(job, by=world.county_a_officer, valid_only=True)
    assert (job.created, job.skipped) == (5, 1)
    assert Person.objects.count() == 5


def _register(world: World, n: int, **overrides: Any) -> Person:
    values: dict[str, Any] = {
        "name": f"登记{n}",
        "id_number": id_number(n),
        "category": "4",
        "grade": 2,
        "phone": "13700000000",
        "address": "原地址",
        **overrides,
    }
    return register_person(
        by=world.county_a_officer, organisation=world.county_a, data=PersonData(**values)
    )


def test_people_already_registered_are_skipped_or_merged_never_doubled(world: World) -> None:
    known = _register(world, 1)
    rows = [person_row(1, name="新名字", phone="", category="视力", certificate=""), person_row(2)]
    job = dry_run(world, workbook_bytes(rows))
    assert (job.valid_rows, job.registered_rows) == (2, 1)
    skipped = import_checked(job, by=world.county_a_officer, duplicates="skip")
    assert (skipped.created, skipped.updated, skipped.skipped) == (1, 0, 1)
    known.refresh_from_db()
    assert (known.name, known.category, known.version) == ("登记1", "4", 1)

    job = dry_run(world, workbook_bytes(rows))
    assert job.registered_rows == 2
    merged = import_checked(job, by=world.county_a_officer, duplicates="merge")
    assert (merged.created, merged.updated, merged.skipped) == (0, 2, 0)
    assert Person.objects.count() == 2
    known.refresh_from_db()
    # The sheet's filled cells win; its empty phone cell keeps the recorded phone.
    assert (known.name, known.category, known.version) == ("新名字", "1", 2)
    assert crypto.decrypt(known.phone_ct, field="phone") == "13700000000"
    assert crypto.decrypt(known.address_ct, field="address") == "新华区光明路12号"


def test_a_person_registered_outside_the_jurisdiction_is_a_problem_not_a_merge(
    world: World,
) -> None:
    register_person(
        by=world.county_b_officer,
        organisation=world.county_b,
        data=PersonData(name="叶县人", id_number=id_number(1), category="4", grade=2),
    )
    job = dry_run(world, workbook_bytes([person_row(1), person_row(2)]))
    assert [(p["row"], p["column"]) for p in job.problems] == [(2, "C")]
    # County A cannot see county B's register: the row says only that it cannot be registered.
    assert "cannot be registered here" in job.problems[0]["message"]
    assert "registered by" not in job.problems[0]["message"]
    merged = import_checked(job, by=world.county_a_officer, valid_only=True, duplicates="merge")
    assert (merged.created, merged.updated, merged.skipped) == (1, 0, 1)
    assert Person.objects.get(organisation=world.county_b).name == "叶县人"


def test_the_same_import_sent_twice_is_done_once(world: World) -> None:
    data = workbook_bytes([person_row(n) for n in range(1, 4)])
    first = dry_run(world, data)
    done = jobs.confirm_import(
        by=world.county_a_officer, job=first, valid_only=False, duplicates="skip"
    )
    again = jobs.confirm_import(
        by=world.county_a_officer, job=first, valid_only=False, duplicates="skip"
    )
    assert done.pk == again.pk == first.pk
    assert DBTaskResult.objects.filter(task_path__endswith="run_registry_import").count() == 1
    run_queued_tasks()
    # The same file uploaded again (another tab, the next day) with the same choices.
    second = dry_run(world, data)
    assert second.registered_rows == 3
    result = jobs.confirm_import(
        by=world.county_a_officer, job=second, valid_only=False, duplicates="skip"
    )
    assert result.pk == first.pk
    second.refresh_from_db()
    assert second.status == Status.DISCARDED and not second.has_file
    assert Person.objects.count() == 3
    assert AuditEntry.objects.filter(action="registry.import.completed").count() == 1


def test_a_crash_at_a_later_row_leaves_nothing_behind(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Checked again (the file read a second time), batch by batch."""
    job = dry_run(world, workbook_bytes([person_row(n) for n in range(1, 11)]))
    staging.drop_stage(job.pk)  # as after a restart: the dry run's rows are gone
    jobs.confirm_import(
        by=world.county_a_officer, job=job, valid_only=False, duplicates="skip", background=False
    )
    real = saving._NewPeople.insert
    calls: list[int] = []

    def failing(self: saving._NewPeople, rows: list[Row]) -> None:
        calls.append(len(rows))
        if len(calls) == 3:  # the third batch of three, after two batches were inserted
            raise RuntimeError("disk full")
        return real(self, rows)

    monkeypatch.setattr(saving._NewPeople, "insert", failing)
    with pytest.raises(RuntimeError):
        jobs.run_import(job_id=job.pk, batch_size=3)
    assert calls == [3, 3, 3]
    _nothing_behind(job)


@pytest.mark.skipif(not staging.usable(), reason="the dry run keeps its rows on PostgreSQL only")
def test_a_crash_while_the_staged_rows_are_inserted_leaves_nothing_behind(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    job = dry_run(world, workbook_bytes([person_row(n) for n in range(1, 11)]))
    jobs.confirm_import(
        by=world.county_a_officer, job=job, valid_only=False, duplicates="skip", background=False
    )
    monkeypatch.setattr(staging, "CHUNK_ROWS", 4)
    steps: list[int] = []

    def failing(self: jobs.ProgressWriter, done: int) -> None:
        steps.append(done)
        if len(steps) == 2:  # after two chunks were inserted
            raise RuntimeError("disk full")

    monkeypatch.setattr(jobs.ProgressWriter, "__call__", failing)
    with pytest.raises(RuntimeError):
        jobs.run_import(job_id=job.pk)
    assert len(steps) == 2
    _nothing_behind(job)


def _nothing_behind(job: RegistryImport) -> None:
    assert not Person.objects.exists()
    assert not staging.exists(job.pk)
    job.refresh_from_db()
    assert job.status == Status.FAILED and "unexpected error" in job.message
    assert not job.has_file
    assert AuditEntry.objects.filter(action="registry.import.failed").count() == 1
    assert not AuditEntry.objects.filter(action="registry.import.completed").exists()


def test_rights_lost_before_the_worker_runs_fail_the_job_cleanly(world: World) -> None:
    job = dry_run(world, workbook_bytes([person_row(1)]))
    jobs.confirm_import(by=world.county_a_officer, job=job, valid_only=False, duplicates="skip")
    # Changed as a data fix would (each row saved), not through the services: the cached
    # roles must still go at once.
    for membership in Membership.objects.filter(user=world.county_a_officer):
        membership.role = Membership.Role.VIEWER
        membership.save(update_fields=["role"])
    run_queued_tasks()
    job.refresh_from_db()
    assert job.status == Status.FAILED and "not allowed" in job.message
    assert not Person.objects.exists()


def test_someone_else_may_not_import_for_county_a(world: World) -> None:
    data = workbook_bytes([person_row(1)])
    for person in (world.county_b_officer, world.member_unit_reporter, world.outsider):
        with pytest.raises(DomainError, match="not allowed"):
            jobs.upload_import(by=person, organisation=world.county_a, data=data)
    job = dry_run(world, data)
    with pytest.raises(DomainError, match="not allowed"):
        jobs.confirm_import(by=world.county_b_officer, job=job, valid_only=False, duplicates="skip")


def test_an_unconfirmed_upload_is_deleted_after_a_day(world: World) -> None:
    job = dry_run(world, workbook_bytes([person_row(1)]))
    assert staging.exists(job.pk) == staging.usable()  # the dry run's rows, on PostgreSQL
    expiry = DBTaskResult.objects.get(task_path__endswith="expire_registry_import")
    assert expiry.run_after > timezone.now() + KEEP_UPLOAD - timedelta(minutes=5)
    assert not jobs.expire_import(job_id=job.pk)  # too early
    RegistryImport.objects.filter(pk=job.pk).update(created_at=timezone.now() - KEEP_UPLOAD)
    assert jobs.expire_import(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == Status.DISCARDED and not job.has_file
    assert not staging.exists(job.pk)


def test_discarding_deletes_the_file_now(world: World) -> None:
    job = dry_run(world, workbook_bytes([person_row(1)]))
    assert staging.exists(job.pk) == staging.usable()
    jobs.discard_import(by=world.county_a_officer, job=job)
    job.refresh_from_db()
    assert job.status == Status.DISCARDED and job.size == 0
    assert not staging.exists(job.pk)
    with connection.cursor() as cursor:
        cursor.execute("SELECT length(data) FROM registry_registryimport WHERE id = %s", [job.pk])
        assert cursor.fetchone()[0] == 0
