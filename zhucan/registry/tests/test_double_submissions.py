"""A registry form sent twice, or five times at once, makes one row and never a 500."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from zhucan.campaigns.models import Campaign
from zhucan.conftest import World
from zhucan.core.models import AuditEntry
from zhucan.registry.models import Assistance, EducationCase, Person
from zhucan.testing.auth import login_verified
from zhucan.testing.concurrency import needs_postgres, post_at_once
from zhucan.testing.factories import id_number, make_person


def person_form(world: World, **changes: object) -> dict[str, object]:
    number = id_number()
    return {
        "organisation": world.county_a.pk,
        "name": "孙丽",
        "id_number": number,
        "certificate": number + "42",
        "category": "4",
        "grade": "2",
        "phone": "13912345678",
        "poverty": "none",
        "legal_basis": "statutory",
        "need_no_care": "on",
        "client_id": str(uuid.uuid4()),
    } | changes


def assistance_form(world: World, campaign: Campaign) -> dict[str, object]:
    return {
        "organisation": world.county_a.pk,
        "campaign": campaign.pk,
        "kind": "goods",
        "amount": "120.50",
        "given_on": "2020-05-17",
        "note": "米面油",
        "client_id": str(uuid.uuid4()),
    }


def test_the_person_form_sent_twice_answers_with_the_first_record(
    client: Client, world: World
) -> None:
    login_verified(client, world.county_a_officer)
    form = person_form(world)
    first = client.post(reverse("registry:new"), form)
    again = client.post(reverse("registry:new"), form)
    person = Person.objects.get()
    # Not "already registered": the second send is the same form, and goes where the first went.
    assert first.status_code == again.status_code == 302
    assert again["Location"] == reverse("registry:detail", args=[person.pk])
    assert AuditEntry.objects.filter(action="registry.person.registered").count() == 1
    # A new form (a new token) for the same number is still refused.
    other = client.post(reverse("registry:new"), form | {"client_id": str(uuid.uuid4())})
    assert "already registered" in other.content.decode()


def test_help_sent_twice_is_recorded_once(client: Client, world: World, city_campaign: Any) -> None:
    person = make_person(world)
    login_verified(client, world.county_a_officer)
    url = reverse("registry:assistance_new", args=[person.pk])
    form = assistance_form(world, city_campaign)
    assert client.post(url, form).status_code == 302
    assert client.post(url, form).status_code == 302
    assert Assistance.objects.filter(person=person).count() == 1
    # Another form is another piece of help.
    client.post(url, form | {"client_id": str(uuid.uuid4())})
    assert Assistance.objects.filter(person=person).count() == 2


def test_a_token_is_the_users_own(client: Client, world: World, city_campaign: Any) -> None:
    """Someone else's token makes their own record, never hands back another user's."""
    person = make_person(world)
    url = reverse("registry:assistance_new", args=[person.pk])
    form = assistance_form(world, city_campaign)
    login_verified(client, world.county_a_officer)
    client.post(url, form)
    login_verified(client, world.city_admin)
    client.post(url, form)
    assert Assistance.objects.filter(person=person).count() == 2


def test_the_forms_draw_a_fresh_token_and_keep_it_on_errors(client: Client, world: World) -> None:
    login_verified(client, world.county_a_officer)
    url = reverse("registry:new")
    drawn = [client.get(url).context["form"]["client_id"].value() for _ in range(2)]
    assert drawn[0] and drawn[0] != drawn[1]
    token = str(uuid.uuid4())
    page = client.post(url, person_form(world, name="", client_id=token)).content.decode()
    assert f'value="{token}"' in page


@pytest.mark.postgres
@needs_postgres
def test_five_person_forms_at_once_make_one_person_and_no_error(
    transactional_db: None, world: World
) -> None:
    form = person_form(world)
    responses = post_at_once(world.county_a_officer, reverse("registry:new"), form)
    person = Person.objects.get()
    assert [r.status_code for r in responses] == [302] * 5
    assert {r["Location"] for r in responses} == {reverse("registry:detail", args=[person.pk])}
    assert AuditEntry.objects.filter(action="registry.person.registered").count() == 1


@pytest.mark.postgres
@needs_postgres
def test_five_different_forms_for_one_number_make_one_person_and_no_error(
    transactional_db: None, world: World
) -> None:
    """Different tokens (two officers typing the same person): the losers get a message."""
    form = person_form(world)
    tokens = iter([str(uuid.uuid4()) for _ in range(5)])
    responses = post_at_once(
        world.county_a_officer,
        reverse("registry:new"),
        form,
        vary=lambda: {"client_id": next(tokens)},
    )
    assert Person.objects.count() == 1
    assert sorted(r.status_code for r in responses) == [200, 200, 200, 200, 302]


@pytest.mark.postgres
@needs_postgres
def test_five_help_forms_at_once_record_the_help_once(
    transactional_db: None, world: World, city_campaign: Any
) -> None:
    person = make_person(world)
    url = reverse("registry:assistance_new", args=[person.pk])
    responses = post_at_once(world.county_a_officer, url, assistance_form(world, city_campaign))
    assert [r.status_code for r in responses] == [302] * 5
    assert Assistance.objects.filter(person=person).count() == 1
    assert AuditEntry.objects.filter(action="registry.assistance.recorded").count() == 1


def test_a_second_click_on_open_a_case_goes_to_the_first_case(client: Client, world: World) -> None:
    child = make_person(world, name="小明", born=(2012, 3, 4))
    login_verified(client, world.county_a_officer)
    url = reverse("registry:case_open", args=[child.pk])
    first = client.post(url, {"school_year": 2020})
    again = client.post(url, {"school_year": 2020})
    case = EducationCase.objects.get()
    assert first["Location"] == again["Location"] == reverse("registry:case", args=[case.pk])


@pytest.mark.postgres
@needs_postgres
def test_five_clicks_at_once_on_open_a_case_open_one(transactional_db: None, world: World) -> None:
    child = make_person(world, name="小明", born=(2012, 3, 4))
    url = reverse("registry:case_open", args=[child.pk])
    responses = post_at_once(world.county_a_officer, url, {"school_year": 2020})
    case = EducationCase.objects.get()
    assert {r["Location"] for r in responses} == {reverse("registry:case", args=[case.pk])}
