"""Registering people: encrypted at rest, found through the blind index, one row per person."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from pytest_django import DjangoAssertNumQueries

from zhucan.conftest import World
from zhucan.core.errors import DomainError
from zhucan.core.models import AuditEntry
from zhucan.registry import crypto
from zhucan.registry.idnumbers import check_character
from zhucan.registry.models import Person
from zhucan.registry.services.people import (
    PersonData,
    find_by_id_number,
    register_person,
    update_person,
)

FIRST17 = "41040219850312002"
ID = FIRST17 + check_character(FIRST17)


def data(**overrides: Any) -> PersonData:
    values: dict[str, Any] = {
        "name": "李秀英",
        "id_number": ID,
        "category": Person.Category.PHYSICAL,
        "grade": 2,
        "certificate": ID + "42",
        "phone": "13912345678",
        "address": "新华区光明路街道12号",
        "guardian_phone": "13800001111",
        "need_income_fell": True,
    }
    return PersonData(**{**values, **overrides})


def test_registered_person_is_encrypted_at_rest_and_masked(world: World) -> None:
    person = register_person(by=world.county_a_officer, organisation=world.county_a, data=data())
    assert person.id_masked == ID[:3] + "*" * 15
    assert person.phone_masked == "*********78"
    assert person.certificate_suffix == "42"
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM registry_person")
        raw = " ".join(str(v) for row in cursor.fetchall() for v in row)
    for secret in (ID, ID[6:14], "13912345678", "12345678", "光明路", "13800001111"):
        assert secret not in raw
    assert crypto.decrypt(person.id_number_ct, field="id_number") == ID
    entry = AuditEntry.objects.get(action="registry.person.registered")
    assert ID not in str(entry.changes) and ID not in entry.object_repr


def test_ciphertext_is_bound_to_its_field() -> None:
    sealed = crypto.encrypt("13912345678", field="phone")
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(sealed, field="id_number")


def test_an_old_key_still_decrypts_after_a_new_one_becomes_current() -> None:
    old = crypto.parse_keys(
        "t1:MTExMTExMTExMTExMTExMTExMTExMTExMTExMTExMTE=,"
        "blind:QkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkI="
    )
    sealed = crypto.encrypt(ID, field="id_number", ring=old)
    assert crypto.key_id(sealed) == "t1"
    assert crypto.decrypt(sealed, field="id_number") == ID  # the configured ring has t2 and t1
    assert crypto.key_id(crypto.encrypt(ID, field="id_number")) == "t2"


def test_search_by_id_number_uses_the_blind_index(
    world: World, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    person = register_person(by=world.county_a_officer, organisation=world.county_a, data=data())
    typed = ID[:-1].translate({0x30 + i: 0xFF10 + i for i in range(10)}) + ID[-1].lower()
    with django_assert_num_queries(1):
        assert find_by_id_number(Person.objects.all(), typed) == person
    assert find_by_id_number(Person.objects.all(), "not a number") is None


def test_same_id_number_twice_is_refused(world: World) -> None:
    register_person(by=world.county_a_officer, organisation=world.county_a, data=data())
    with pytest.raises(DomainError, match="already registered"):
        register_person(by=world.county_a_officer, organisation=world.county_a, data=data())
    assert Person.objects.count() == 1


def test_certificate_that_does_not_match_is_refused_with_its_field(world: World) -> None:
    with pytest.raises(DomainError) as caught:
        register_person(
            by=world.county_a_officer,
            organisation=world.county_a,
            data=data(certificate=ID + "12"),
        )
    assert caught.value.field == "certificate"
    assert not Person.objects.exists()


def test_jurisdiction_and_who_may_register(world: World) -> None:
    person = register_person(by=world.county_a_officer, organisation=world.county_a, data=data())
    assert list(Person.objects.visible_to(world.city_officer)) == [person]
    assert not Person.objects.visible_to(world.county_b_officer).exists()
    assert not Person.objects.visible_to(world.outsider).exists()
    with pytest.raises(DomainError):
        register_person(by=world.county_b_officer, organisation=world.county_a, data=data())


def test_stale_update_is_refused(world: World) -> None:
    person = register_person(by=world.county_a_officer, organisation=world.county_a, data=data())
    update_person(by=world.county_a_officer, person=person, version=1, data=data(name="李秀兰"))
    with pytest.raises(DomainError, match="Someone else"):
        update_person(by=world.county_a_officer, person=person, version=1, data=data())
    person.refresh_from_db()
    assert person.name == "李秀兰" and person.version == 2
