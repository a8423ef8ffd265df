"""A dump of the register gives back no ID number: what a row keeps in clear, with its mask and
county, leaves at least 10,000 numbers possible; nothing else personal is in clear."""

from __future__ import annotations

import base64
import io
import zipfile
from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone
from pytest_django import Settings

from zhucan.conftest import World
from zhucan.registry import crypto
from zhucan.registry.idnumbers import check_character
from zhucan.registry.models import Person
from zhucan.registry.privacy_bound import BAR, count_candidates
from zhucan.testing.factories import id_number, make_person


def _clear(person: Person) -> dict[str, Any]:
    """What a dump shows of the row, read back from the database, with its county code."""
    row = Person.objects.values(
        "birth_year", "sex", "id_masked", "created_at", "organisation__region_id"
    ).get(pk=person.pk)
    return {
        "county_code": row["organisation__region_id"],
        "birth_year": row["birth_year"],
        "sex": row["sex"],
        "id_masked": row["id_masked"],
        "registered_on": timezone.localdate(row["created_at"]),
    }


def test_a_stored_row_leaves_at_least_ten_thousand_numbers(world: World) -> None:
    number = id_number((1985, 3, 12))
    person = make_person(world, number=number)
    clear = _clear(person)
    # The true number fits what is shown (the counting is of the right thing) …
    assert number.startswith(clear["county_code"]) and clear["id_masked"] == number[:3] + "*" * 15
    sex = "male" if int(number[16]) % 2 else "female"
    assert clear["birth_year"] == 1985 and clear["sex"] == sex
    # … among 365 days × 500 sequence codes of the right parity, each with its check character.
    assert count_candidates(**clear) == 365 * 500
    assert count_candidates(**clear) >= BAR


def test_a_child_registered_in_the_year_of_birth_still_leaves_ten_thousand(world: World) -> None:
    # The worst case the bound allows: registered on the 20th day of the birth year.
    assert (
        count_candidates(
            county_code="410402",
            birth_year=2026,
            sex="female",
            id_masked="410" + "*" * 15,
            registered_on=date(2026, 1, 20),
        )
        == 20 * 500
        >= BAR
    )


def test_the_old_row_gave_the_number_back_and_the_check_character_would_cut_too_much() -> None:
    first17 = "41040219850312002"
    number = first17 + check_character(first17)
    # The old mask beside a clear birthplace and birth date: one number only.
    old_mask = number[:3] + "*" * 11 + number[-4:]
    rebuilt = number[:6] + "19850312" + old_mask[-4:]
    assert rebuilt == number
    # Even the check character alone, for a child registered 200 days into the year: < 10,000.
    kept_last = count_candidates(
        county_code="410402",
        birth_year=2026,
        sex="female",
        id_masked="410" + "*" * 14 + number[-1],
        registered_on=date(2026, 7, 19),
    )
    assert kept_last < BAR


def test_a_dump_holds_no_id_number_certificate_phone_or_address(world: World) -> None:
    number = id_number((1985, 3, 12))
    make_person(
        world,
        number=number,
        certificate=number + "42",
        phone="13912345678",
        address="新华区光明路街道12号",
        guardian_phone="13800001111",
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM registry_person")
        columns = [c[0] for c in cursor.description]
        (row,) = cursor.fetchall()
    clear = {
        name: str(value)
        for name, value in zip(columns, row, strict=True)
        if not name.endswith("_ct") and name != "id_index"
    }
    dump = " ".join(clear.values())
    for secret in (
        number,
        number[6:14],  # the birth date
        "1985-03-12",
        number[-4:],  # sequence code and check character
        "13912345678",
        "1234",  # the phone's middle: the city's block
        "5678",
        "13800001111",
        "光明路",
    ):
        assert secret not in dump, secret
    assert "birth_date" not in columns and "birthplace_code" not in columns
    assert (
        crypto.decrypt(Person.objects.get().id_number_ct, field="id_number") == number
    )  # still there, for whoever holds the key


def test_the_migration_keeps_the_year_and_cuts_the_masks_of_existing_rows(
    transactional_db: None, world: World
) -> None:
    executor = MigrationExecutor(connection)
    before = [("registry", "0003_registry_imports")]
    after = [("registry", "0004_person_birth_year_instead_of_birth_date")]
    latest = executor.loader.graph.leaf_nodes()
    Person.objects.all().delete()
    executor.migrate(before)
    old = executor.loader.project_state(before).apps.get_model("registry", "Person")
    old.objects.create(
        organisation_id=world.county_a.pk,
        org_path=world.county_a.path,
        name="李秀英",
        id_number_ct="k1$x",
        id_index="a" * 64,
        id_masked="410***********0021",
        birth_date=date(1985, 3, 12),
        sex="female",
        birthplace_code="410402",
        category="4",
        grade=2,
        phone_masked="139****5678",
        guardian_phone_masked="",
    )
    executor = MigrationExecutor(connection)
    executor.migrate(after)
    new = executor.loader.project_state(after).apps.get_model("registry", "Person")
    migrated = new.objects.get()
    assert migrated.birth_year == 1985
    assert migrated.id_masked == "410" + "*" * 15
    assert migrated.phone_masked == "*********78"
    assert migrated.guardian_phone_masked == ""
    executor = MigrationExecutor(connection)
    executor.migrate(latest)


def test_a_pending_upload_is_kept_sealed(world: World) -> None:
    from zhucan.registry.imports import sealing
    from zhucan.registry.models.imports import RegistryImport
    from zhucan.testing.registry_sheets import dry_run, person_row, workbook_bytes
    from zhucan.testing.registry_sheets import id_number as sheet_number

    data = workbook_bytes([person_row(1), person_row(2)])
    job = dry_run(world, data)
    assert job.valid_rows == 2  # the dry run read it
    stored = bytes(RegistryImport.objects.values_list("data", flat=True).get(pk=job.pk))
    # Not the workbook (a zip any dump reader opens), and nothing of its numbers in clear.
    with pytest.raises(zipfile.BadZipFile):
        zipfile.ZipFile(io.BytesIO(stored))
    assert sheet_number(1).encode() not in stored and not stored.startswith(b"PK")
    assert sealing.unseal(stored) == data
    assert job.size == len(data)


def test_an_upload_sealed_under_a_dropped_key_is_unreadable_not_an_error(
    settings: Settings,
) -> None:
    from zhucan.registry.imports import sealing
    from zhucan.registry.imports.reading import UnreadableFileError

    stored = sealing.seal(b"PK\x03\x04 a workbook")
    other = ",".join(
        f"{n}:{base64.b64encode(bytes([i]) * 32).decode()}" for i, n in ((7, "k9"), (8, "blind"))
    )
    settings.REGISTRY_KEYS = other
    with pytest.raises(UnreadableFileError):
        sealing.unseal(stored)
