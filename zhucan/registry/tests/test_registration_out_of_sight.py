"""Registering or importing a number registered where the person cannot see: one neutral
answer, as the find box gives, audited as a token and counted; plain within their sight."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django import Settings

from zhucan.conftest import World
from zhucan.core.errors import DomainError
from zhucan.core.models import AuditEntry
from zhucan.orgs.models import Organisation
from zhucan.registry.models import Person, RegistryLookup
from zhucan.registry.services.lookups import LookupLimitError, audit_token, find_person
from zhucan.registry.services.people import PersonData, register_person, stored_data, update_person
from zhucan.testing.auth import login_verified
from zhucan.testing.factories import make_person
from zhucan.testing.registry_sheets import (
    dry_run,
    id_number,
    person_row,
    workbook_bytes,
)

NEUTRAL = "This ID number cannot be registered here."


def _in_county_b(world: World, n: int) -> str:
    number = id_number(n)
    make_person(world, number=number, organisation=world.county_b, by=world.county_b_officer)
    return number


def _form(number: str, organisation: Organisation) -> dict[str, object]:
    return {
        "organisation": organisation.pk,
        "name": "王五",
        "id_number": number,
        "category": "4",
        "grade": "2",
        "poverty": "none",
        "legal_basis": "statutory",
    }


def test_the_form_does_not_say_a_number_is_registered_in_another_county(
    client: Client, world: World
) -> None:
    number = _in_county_b(world, 1)
    login_verified(client, world.county_a_officer)
    response = client.post(reverse("registry:new"), _form(number, world.county_a))
    body = response.content.decode()
    assert response.status_code == 200 and NEUTRAL in body
    assert "already registered" not in body and "叶县" not in body
    assert Person.objects.count() == 1
    refused = AuditEntry.objects.get(action="registry.person.register_refused")
    assert refused.changes == {"token": audit_token(number)}
    assert refused.actor == world.county_a_officer and refused.org_path == world.county_a.path
    assert RegistryLookup.objects.filter(kind="refused").count() == 1


def test_within_sight_the_form_says_plainly_it_is_registered(client: Client, world: World) -> None:
    own = make_person(world)
    number = stored_data(own).id_number
    with pytest.raises(DomainError, match="already registered"):
        register_person(
            by=world.county_a_officer,
            organisation=world.county_a,
            data=PersonData(name="王五", id_number=number, category="4", grade=2),
        )
    # The city sees both counties: plain for it too.
    in_b = _in_county_b(world, 2)
    with pytest.raises(DomainError, match="already registered"):
        register_person(
            by=world.city_admin,
            organisation=world.county_a,
            data=PersonData(name="王五", id_number=in_b, category="4", grade=2),
        )
    assert not AuditEntry.objects.filter(action="registry.person.register_refused").exists()


def test_a_correction_to_a_number_out_of_sight_is_refused_neutrally(world: World) -> None:
    person = make_person(world)
    number = _in_county_b(world, 3)
    data = stored_data(person)
    with pytest.raises(DomainError) as refused:
        update_person(
            by=world.county_a_officer,
            person=person,
            version=person.version,
            data=PersonData(**{**data.__dict__, "id_number": number}),
        )
    assert NEUTRAL in refused.value.message and "already" not in refused.value.message
    person.refresh_from_db()
    assert stored_data(person).id_number == data.id_number and person.version == 1
    assert AuditEntry.objects.filter(action="registry.person.register_refused").count() == 1


def test_an_import_row_says_the_same_as_the_form_and_stays_on_its_cell(world: World) -> None:
    _in_county_b(world, 4)
    job = dry_run(world, workbook_bytes([person_row(4), person_row(5), person_row(5)]))
    problems = sorted((p["row"], p["column"], p["message"]) for p in job.problems)
    # The number out of sight: row and column kept, the reason neutral …
    assert problems[0][:2] == (2, "C") and NEUTRAL in problems[0][2]
    assert "registered" not in problems[0][2].replace("cannot be registered here", "")
    # … while the sheet's own duplicate is named as plainly as ever.
    assert problems[1][:2] == (4, "C") and "row 3" in problems[1][2]
    entry = AuditEntry.objects.get(action="registry.import.rows_refused")
    assert entry.changes == {"rows": 1, "tokens": [audit_token(id_number(4))]}
    assert RegistryLookup.objects.filter(user=world.county_a_officer, kind="refused").count() == 1


def test_an_import_within_sight_names_the_registration_outside_the_organisation(
    world: World,
) -> None:
    _in_county_b(world, 6)
    job = dry_run(world, workbook_bytes([person_row(6)]), by=world.city_admin)
    (problem,) = job.problems
    assert "already registered by an organisation outside" in problem["message"]
    assert not AuditEntry.objects.filter(action="registry.import.rows_refused").exists()


def test_a_sheet_of_guesses_is_not_an_unlimited_search(world: World, settings: Settings) -> None:
    settings.REGISTRY_SEARCHES_PER_HOUR = 2
    for n in range(10, 15):
        _in_county_b(world, n)
    job = dry_run(world, workbook_bytes([person_row(n) for n in range(10, 15)]))
    named = [p for p in job.problems if p["row"] is not None]
    assert len(named) == 2  # the allowance, no more rows told apart
    assert any(p["row"] is None and "counted, not listed" in p["message"] for p in job.problems)
    assert job.valid_rows == 0
    assert RegistryLookup.objects.filter(kind="refused").count() == 5


def test_refused_registrations_use_up_the_hourly_searches(world: World, settings: Settings) -> None:
    settings.REGISTRY_SEARCHES_PER_HOUR = 1
    number = _in_county_b(world, 20)
    with pytest.raises(DomainError, match=NEUTRAL):
        register_person(
            by=world.county_a_officer,
            organisation=world.county_a,
            data=PersonData(name="王五", id_number=number, category="4", grade=2),
        )
    with pytest.raises(LookupLimitError):
        find_person(by=world.county_a_officer, raw=number)
