"""What the import stores: the same rows as the form, by ``bulk_create`` or ``COPY``; and the
registry looked up again at the import, not taken from the dry run."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import QuerySet

from zhucan.conftest import World
from zhucan.registry import crypto
from zhucan.registry.imports import saving
from zhucan.registry.imports.checking import Row, RowChecker
from zhucan.registry.imports.mapping import initial_mapping
from zhucan.registry.imports.reading import open_sheet
from zhucan.registry.models import Person
from zhucan.registry.models.imports import RegistryImport
from zhucan.registry.services.people import PersonData, register_person
from zhucan.testing.registry_sheets import (
    dry_run,
    id_number,
    import_checked,
    person_row,
    workbook_bytes,
)

Status = RegistryImport.Status
HEADERS = ["姓名", "身份证号", "残疾人证号", "联系电话", "家庭住址", "监护人电话", "缺乏照料"]
SHEET = [
    ["李秀英", id_number(1), id_number(1) + "42", "13912345678", "新华区光明路12号", "", "否"],
    ["王建国", id_number(2), id_number(2) + "11", "", "", "13800001111", "是"],
    # An old 15-digit number: converted, and its certificate written with the new number.
    ["张海燕", "410402850312003", id_number(3) + "73", "0375-2345678", "焦店镇", "", ""],
]
CIPHERTEXTS = {
    "id_number_ct": "id_number",
    "phone_ct": "phone",
    "address_ct": "address",
    "guardian_phone_ct": "guardian_phone",
}
# Set when the row is written, not by what it holds.
WRITTEN = {"id", "created_at", "updated_at"}


def _stored(people: QuerySet[Person]) -> dict[str, dict[str, Any]]:
    """Every column of these people by ID number, ciphertexts as the values they decrypt to."""
    names = [f.attname for f in Person._meta.concrete_fields if f.attname not in WRITTEN]
    rows: dict[str, dict[str, Any]] = {}
    for values in people.values(*names):
        for column, field in CIPHERTEXTS.items():
            assert values[column] == "" or crypto.key_id(values[column]) == "t2"
            values[column] = crypto.decrypt(values[column], field=field)
        rows[values["id_number_ct"]] = values
    return rows


def _checked_rows(world: World) -> list[Row]:
    sheet = open_sheet(workbook_bytes(SHEET, HEADERS))
    mapping = initial_mapping(sheet.headers, world.county_a)
    checker = RowChecker(sheet=sheet, mapping=mapping, organisation=world.county_a)
    rows = [row for batch in checker.batches() for row in batch]
    assert len(rows) == 3, checker.finish().problems
    return rows


def test_every_path_stores_the_same_rows_as_the_form(world: World) -> None:
    """The form (``register_person``), the import's ``bulk_create`` and, on PostgreSQL, its
    ``COPY``: identical masks, index and derived fields, ciphertexts that decrypt to the same
    values."""
    rows = _checked_rows(world)
    officer = world.county_a_officer
    for row in rows:
        register_person(by=officer, organisation=world.county_a, data=row.checked.data)
    by_form = _stored(Person.objects.all())
    assert len(by_form) == 3
    assert by_form[id_number(3)]["id_masked"] == id_number(3)[:3] + "*" * 15
    paths = ["bulk_create", "COPY"] if connection.vendor == "postgresql" else ["bulk_create"]
    for path in paths:
        Person.objects.all().delete()
        people = saving._NewPeople(
            organisation=world.county_a, by=officer, ring=crypto.keyring(), batch_size=2
        )
        people.copy = path == "COPY"
        people.insert(rows)
        assert _stored(Person.objects.all()) == by_form, path


def test_people_registered_after_the_dry_run_are_found_by_the_import(
    world: World, import_paths: list[str]
) -> None:
    job = dry_run(world, workbook_bytes([person_row(n) for n in range(1, 4)]))
    assert (job.valid_rows, job.registered_rows, job.problems_total) == (3, 0, 0)
    # Between the dry run and the import: county A registers row 1's person, county B row 2's.
    register_person(
        by=world.county_a_officer,
        organisation=world.county_a,
        data=PersonData(name="登记1", id_number=id_number(1), category="4", grade=2),
    )
    register_person(
        by=world.county_b_officer,
        organisation=world.county_b,
        data=PersonData(name="叶县人", id_number=id_number(2), category="4", grade=2),
    )
    done = import_checked(job, by=world.county_a_officer, valid_only=True, duplicates="merge")
    assert import_paths == ["checked again"]  # not the dry run's rows (``staging``)
    assert (done.status, done.created, done.updated, done.skipped) == (Status.DONE, 1, 1, 1)
    assert (done.valid_rows, done.registered_rows, done.invalid_rows) == (2, 1, 1)
    assert [(p["row"], p["column"]) for p in done.problems] == [(3, "C")]
    assert Person.objects.get(organisation=world.county_a, name="测试1").version == 2
    assert Person.objects.get(organisation=world.county_b).name == "叶县人"


def test_a_problem_that_appears_after_the_dry_run_refuses_a_file_imported_whole(
    world: World,
) -> None:
    job = dry_run(world, workbook_bytes([person_row(n) for n in range(1, 4)]))
    register_person(
        by=world.county_b_officer,
        organisation=world.county_b,
        data=PersonData(name="叶县人", id_number=id_number(2), category="4", grade=2),
    )
    failed = import_checked(job, by=world.county_a_officer, valid_only=False)
    assert failed.status == Status.FAILED and failed.problems_total == 1
    assert not Person.objects.filter(organisation=world.county_a).exists()


def test_the_import_stores_what_the_form_stores(world: World) -> None:
    job = dry_run(world, workbook_bytes(SHEET, HEADERS))
    assert job.valid_rows == 3 and job.message  # one 15-digit number converted
    done = import_checked(job, by=world.county_a_officer)
    assert (done.status, done.created) == (Status.DONE, 3)
    imported = _stored(Person.objects.all())
    assert imported[id_number(3)]["phone_masked"] == "*********78"
    rows = _checked_rows(world)
    Person.objects.all().delete()
    for row in rows:
        register_person(
            by=world.county_a_officer, organisation=world.county_a, data=row.checked.data
        )
    assert _stored(Person.objects.all()) == imported
