"""The dry run's rows kept for the import (PostgreSQL): used only when the registry is, for
these rows, as the dry run saw it, and then storing exactly what checking the file again
stores."""

from __future__ import annotations

import pytest

from zhucan.conftest import World
from zhucan.registry.imports import jobs, staging
from zhucan.registry.models import Person
from zhucan.registry.models.imports import RegistryImport
from zhucan.registry.services.people import PersonData, register_person
from zhucan.registry.services.privacy import erase_person
from zhucan.registry.tests.test_import_stored_rows import HEADERS, SHEET, _stored
from zhucan.testing.registry_sheets import (
    dry_run,
    id_number,
    import_checked,
    person_row,
    workbook_bytes,
)

pytestmark = pytest.mark.skipif(
    not staging.usable(), reason="the dry run keeps its rows on PostgreSQL only"
)
Status = RegistryImport.Status


def test_the_staged_rows_store_what_checking_again_stores(
    world: World, import_paths: list[str]
) -> None:
    data = workbook_bytes(SHEET, HEADERS)
    first = import_checked(dry_run(world, data), by=world.county_a_officer)
    assert (first.status, first.created, first.skipped) == (Status.DONE, 3, 0)
    assert import_paths == ["staged"]
    assert not staging.exists(first.pk)
    staged = _stored(Person.objects.all())
    ids_in_sheet_order = list(Person.objects.order_by("pk").values_list("name", flat=True))
    assert ids_in_sheet_order == [row[0] for row in SHEET]
    created_by = set(Person.objects.values_list("created_by", "organisation", "org_path"))
    assert created_by == {(world.county_a_officer.pk, world.county_a.pk, world.county_a.path)}

    Person.objects.all().delete()
    # The same people in another file (a title row above the header): the same import again
    # would be the first one, not a second.
    second = dry_run(world, workbook_bytes(SHEET, HEADERS, above=1))
    staging.drop_stage(second.pk)  # a restart between the dry run and the import
    second = import_checked(second, by=world.county_a_officer)
    assert import_paths == ["staged", "checked again"]
    assert second.created == 3
    assert _stored(Person.objects.all()) == staged


def test_people_already_registered_at_the_dry_run_are_skipped_from_the_stage(
    world: World, import_paths: list[str]
) -> None:
    register_person(
        by=world.county_a_officer,
        organisation=world.county_a,
        data=PersonData(name="已登记", id_number=id_number(2), category="4", grade=2),
    )
    rows = [person_row(n) for n in range(1, 5)] + [person_row(5, id="4104021985")]
    job = dry_run(world, workbook_bytes(rows))
    assert (job.valid_rows, job.registered_rows, job.invalid_rows) == (4, 1, 1)
    done = import_checked(job, by=world.county_a_officer, valid_only=True)
    assert import_paths == ["staged"]
    assert (done.created, done.updated, done.skipped) == (3, 0, 2)
    assert Person.objects.get(pk__isnull=False, name="已登记").version == 1
    assert Person.objects.count() == 4


def test_a_merge_of_registered_people_checks_the_file_again(
    world: World, import_paths: list[str]
) -> None:
    register_person(
        by=world.county_a_officer,
        organisation=world.county_a,
        data=PersonData(name="已登记", id_number=id_number(2), category="4", grade=2),
    )
    job = dry_run(world, workbook_bytes([person_row(n) for n in range(1, 4)]))
    done = import_checked(job, by=world.county_a_officer, duplicates="merge")
    assert import_paths == ["checked again"]
    assert (done.created, done.updated) == (2, 1)
    assert Person.objects.get(name="测试2").version == 2
    assert not staging.exists(job.pk)


def test_a_person_erased_since_the_dry_run_is_imported_after_checking_again(
    world: World, import_paths: list[str]
) -> None:
    person = register_person(
        by=world.county_a_officer,
        organisation=world.county_a,
        data=PersonData(name="已登记", id_number=id_number(2), category="4", grade=2),
    )
    job = dry_run(world, workbook_bytes([person_row(n) for n in range(1, 4)]))
    assert job.registered_rows == 1
    erase_person(by=world.county_a_officer, person=person, reason="本人申请删除")
    done = import_checked(job, by=world.county_a_officer)
    assert import_paths == ["checked again"]
    assert (done.created, done.skipped) == (3, 0)


def test_a_new_dry_run_replaces_the_stage(world: World, import_paths: list[str]) -> None:
    data = workbook_bytes([person_row(n) for n in range(1, 4)])
    job = dry_run(world, data)
    mapping = {k: v for k, v in job.mapping.items() if v != "phone"}
    jobs.request_check(by=world.county_a_officer, job=job, mapping=mapping)
    assert not staging.exists(job.pk)  # the rows of the old mapping, gone at once
    jobs.run_check(job_id=job.pk)
    job.refresh_from_db()
    done = import_checked(job, by=world.county_a_officer)
    assert import_paths == ["staged"] and done.created == 3
    assert set(Person.objects.values_list("phone_masked", flat=True)) == {""}
