"""Key rotation: old ciphertexts end under the current key, still decrypt, in resumable batches."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings

from zhucan.conftest import World
from zhucan.core.errors import DomainError
from zhucan.core.models import AuditEntry
from zhucan.registry import crypto
from zhucan.registry.keycheck import KeyCheckError, verify_keys
from zhucan.registry.models import KeyCheck, KeyRotation, Person
from zhucan.registry.services.keys import rotate_blind_key, rotate_keys
from zhucan.registry.services.people import find_by_id_number
from zhucan.testing.factories import make_person
from zhucan.testing.registry_sheets import dry_run, person_row, workbook_bytes
from zhucan.testing.registry_sheets import id_number as import_id_number

OLD_ONLY = (
    "t1:MTExMTExMTExMTExMTExMTExMTExMTExMTExMTExMTE=,"
    "blind:QkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkI="
)
CT = ("id_number_ct", "phone_ct", "address_ct", "guardian_phone_ct")


def _raw_table() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM registry_person")
        return " ".join(str(v) for row in cursor.fetchall() for v in row)


def test_rows_under_the_old_key_end_under_the_new_one_and_still_decrypt(world: World) -> None:
    with override_settings(REGISTRY_KEYS=OLD_ONLY):
        old = [make_person(world, name=f"旧{n}", guardian_phone="13800001111") for n in range(3)]
        numbers = [crypto.decrypt(p.id_number_ct, field="id_number") for p in old]
    new = make_person(world, name="新")
    assert {crypto.key_id(p.id_number_ct) for p in old} == {"t1"}
    untouched = Person.objects.get(pk=new.pk).id_number_ct

    out = io.StringIO()
    call_command("rotate_registry_keys", "--batch-size", "2", stdout=out)
    assert "3 rows re-encrypted" in out.getvalue()

    for person, number in zip(old, numbers, strict=True):
        person.refresh_from_db()
        for column in CT:
            assert crypto.key_id(getattr(person, column)) == "t2"
        assert crypto.decrypt(person.id_number_ct, field="id_number") == number
        assert crypto.decrypt(person.phone_ct, field="phone") == "13912345678"
        assert crypto.decrypt(person.guardian_phone_ct, field="guardian_phone") == "13800001111"
        assert person.version == 1  # content unchanged: open edit forms stay valid
    assert Person.objects.get(pk=new.pk).id_number_ct == untouched
    # A raw look at the rotated table shows no ID digits, phone or address.
    raw = _raw_table()
    for number in numbers:
        assert number not in raw and number[6:14] not in raw
    for secret in ("13912345678", "13800001111", "光明路"):
        assert secret not in raw
    # Two batches, each audited; a second run finds nothing left to do.
    assert AuditEntry.objects.filter(action="registry.keys.rotated").count() == 2
    assert rotate_keys(batch_size=2) == 0


def test_a_stopped_run_resumes_where_it_left_off(world: World) -> None:
    with override_settings(REGISTRY_KEYS=OLD_ONLY):
        for n in range(3):
            make_person(world, name=f"旧{n}")
    calls = []

    def stop_after_first_batch(done: int, total: int) -> None:
        calls.append((done, total))
        raise KeyboardInterrupt

    try:
        rotate_keys(batch_size=2, progress=stop_after_first_batch)
    except KeyboardInterrupt:
        pass
    keys = sorted(crypto.key_id(ct) for ct in Person.objects.values_list("id_number_ct", flat=True))
    assert keys == ["t1", "t2", "t2"]  # the first batch was committed
    assert rotate_keys(batch_size=2) == 1


T2 = "t2:MjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjI="
T1 = "t1:MTExMTExMTExMTExMTExMTExMTExMTExMTExMTExMTE="
BLIND = "blind:QkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkI="
BLIND2 = "blind2:NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ="


def test_a_field_rotation_that_crashes_mid_batch_resumes_and_reports_progress(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    with override_settings(REGISTRY_KEYS=OLD_ONLY):
        verify_keys()
        people = [make_person(world, name=f"旧{n}") for n in range(5)]
        numbers = [crypto.decrypt(p.id_number_ct, field="id_number") for p in people]
    verify_keys()  # t2 put in front: recorded, t1 still holds the data
    real, calls = crypto.encrypt, []

    def fails_in_the_second_batch(value: str, **kwargs: Any) -> str:
        calls.append(value)
        if len(calls) == 7:  # three ciphertexts a row: the first of the second batch's rows
            raise RuntimeError("power cut")
        return real(value, **kwargs)

    monkeypatch.setattr(crypto, "encrypt", fails_in_the_second_batch)
    seen: list[tuple[int, int]] = []
    with pytest.raises(RuntimeError):
        rotate_keys(batch_size=2, progress=lambda done, total: seen.append((done, total)))
    assert seen == [(2, 5)]
    rotation = KeyRotation.objects.get(kind="field", to_key="t2")
    assert (rotation.last_pk, rotation.done, rotation.finished_at) == (people[1].pk, 2, None)
    keys = [
        crypto.key_id(ct)
        for ct in Person.objects.order_by("pk").values_list("id_number_ct", flat=True)
    ]
    assert keys == ["t2", "t2", "t1", "t1", "t1"]  # the second batch rolled back whole

    monkeypatch.setattr(crypto, "encrypt", real)
    seen.clear()
    assert rotate_keys(batch_size=2, progress=lambda done, total: seen.append((done, total))) == 3
    assert seen == [(4, 5), (5, 5)]
    for person, number in zip(people, numbers, strict=True):
        person.refresh_from_db()
        assert crypto.key_id(person.address_ct) == "t2"
        assert crypto.decrypt(person.id_number_ct, field="id_number") == number
        assert crypto.decrypt(person.address_ct, field="address") == "新华区光明路街道12号"
    rotation.refresh_from_db()
    assert rotation.finished_at is not None
    # t1 holds nothing now: retired, so the servers may drop it.
    assert KeyCheck.objects.get(key_id="t1").retired_at is not None
    assert KeyCheck.objects.get(key_id="t2").retired_at is None


def test_a_row_written_under_the_old_key_behind_the_rotation_is_swept_up(world: World) -> None:
    with override_settings(REGISTRY_KEYS=OLD_ONLY):
        first, _ = make_person(world, name="甲"), make_person(world, name="乙")
    rotate_keys(batch_size=1)
    # A server not yet restarted writes under t1 into a row the rotation has passed.
    with override_settings(REGISTRY_KEYS=OLD_ONLY):
        Person.objects.filter(pk=first.pk).update(
            phone_ct=crypto.encrypt("13700001111", field="phone")
        )
    assert rotate_keys(batch_size=1) == 1
    first.refresh_from_db()
    assert crypto.key_id(first.phone_ct) == "t2"
    assert crypto.decrypt(first.phone_ct, field="phone") == "13700001111"


def test_the_blind_key_rotates_while_search_looks_under_both(world: World) -> None:
    people = [make_person(world, name=f"登记{n}", number=import_id_number(n)) for n in range(1, 4)]
    verify_keys()
    both = f"{T2},{T1},{BLIND2},{BLIND}"
    with override_settings(REGISTRY_KEYS=both):
        verify_keys()  # blind2 recorded; blind still indexes the rows
        ring = crypto.keyring()
        # Before and during the rotation nobody goes missing and nobody is added twice.
        assert find_by_id_number(Person.objects.all(), import_id_number(1)) == people[0]
        with pytest.raises(DomainError, match="already registered"):
            make_person(world, number=import_id_number(1))
        job = dry_run(world, workbook_bytes([person_row(1), person_row(9)]))
        assert (job.valid_rows, job.registered_rows) == (2, 1)

        def stop_after_first_batch(done: int, total: int) -> None:
            raise KeyboardInterrupt

        with pytest.raises(KeyboardInterrupt):
            rotate_blind_key(batch_size=2, progress=stop_after_first_batch)
        rotation = KeyRotation.objects.get(kind="blind", to_key="blind2")
        assert (rotation.last_pk, rotation.done) == (people[1].pk, 2)
        for n, person in enumerate(people, start=1):
            assert find_by_id_number(Person.objects.all(), import_id_number(n)) == person
    # The old blind key cannot be dropped before the rotation has finished.
    with override_settings(REGISTRY_KEYS=f"{T2},{T1},{BLIND2}"):
        with pytest.raises(KeyCheckError, match="blind index key 'blind'"):
            verify_keys()

    with override_settings(REGISTRY_KEYS=both):
        out = io.StringIO()
        call_command("rotate_registry_keys", "--batch-size", "2", stdout=out)
    assert "re-indexed: 3 of 3 rows (100%)" in out.getvalue()
    assert "1 rows re-indexed" in out.getvalue()
    assert "blind may now be removed" in out.getvalue()
    new_key = ring.blind
    for n, person in enumerate(people, start=1):
        person.refresh_from_db()
        assert person.id_index == crypto.blind_index(import_id_number(n), ring=ring, key=new_key)
    assert KeyCheck.objects.get(key_id="blind").retired_at is not None
    with override_settings(REGISTRY_KEYS=f"{T2},{T1},{BLIND2}"):
        verify_keys()
        assert find_by_id_number(Person.objects.all(), import_id_number(3)) == people[2]


def test_a_rotation_missing_a_key_stops_with_the_reason_and_resumes_once_it_is_back(
    world: World,
) -> None:
    """A registry from before the key checks: a row under a key nobody configured."""
    make_person(world, name="新")
    with override_settings(REGISTRY_KEYS=OLD_ONLY):
        old = make_person(world, name="旧")
    out = io.StringIO()
    with override_settings(REGISTRY_KEYS=f"{T2},{BLIND}"):
        with pytest.raises(CommandError, match="key 't1' is not configured.*resumes"):
            call_command("rotate_registry_keys", "--batch-size", "1", stdout=out)
    old.refresh_from_db()
    assert crypto.key_id(old.id_number_ct) == "t1"
    call_command("rotate_registry_keys", "--batch-size", "1", stdout=out)
    assert "re-encrypted: 1 of 1 rows (100%)" in out.getvalue()
    assert "t1 may now be removed" in out.getvalue()
    old.refresh_from_db()
    assert crypto.key_id(old.id_number_ct) == "t2"
