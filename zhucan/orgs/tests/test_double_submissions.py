"""Organisation and account forms sent twice, or five times at once, make one and no 500."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client
from django.urls import reverse

from zhucan.accounts.models import User
from zhucan.conftest import World
from zhucan.orgs.models import Organisation
from zhucan.testing.auth import login_verified
from zhucan.testing.concurrency import needs_postgres, post_at_once


def unit_form(**changes: str) -> dict[str, str]:
    return {
        "name": "新华区教育局",
        "short_name": "",
        "kind": "member_unit",
        "department": "education",
        "region": "410402",
        "issuer_code": "",
        "phone": "",
        "email": "",
        "client_id": str(uuid.uuid4()),
    } | changes


def person_form(**changes: str) -> dict[str, str]:
    return {
        "username": "xinhua_reporter",
        "full_name": "李娜",
        "phone": "13800000000",
        "email": "",
        "role": "reporter",
        "password": "",
        "client_id": str(uuid.uuid4()),
    } | changes


def test_a_unit_added_twice_is_added_once(
    client: Client, world: World, county_a_admin: User
) -> None:
    login_verified(client, county_a_admin)
    url = reverse("orgs:create", kwargs={"org_pk": world.county_a.pk})
    form = unit_form()
    first, again = client.post(url, form), client.post(url, form)
    unit = Organisation.objects.get(name="新华区教育局")
    assert first["Location"] == again["Location"] == reverse("orgs:detail", args=[unit.pk])


def test_an_account_sent_twice_is_made_once_and_its_password_shown_once(
    client: Client, world: World, county_a_admin: User
) -> None:
    login_verified(client, county_a_admin)
    url = reverse("orgs:person_add", kwargs={"org_pk": world.county_a.pk})
    form = person_form()
    first = client.post(url, form)
    template = first.templates[0].name
    assert first.status_code == 200 and template is not None and "person_created" in template
    again = client.post(url, form)
    # The second send made nothing and shows no password (its generated one is nobody's).
    assert again.status_code == 302
    assert User.objects.filter(username="xinhua_reporter").count() == 1


@pytest.mark.postgres
@needs_postgres
def test_five_unit_forms_at_once_add_one_unit_and_no_error(
    transactional_db: None, world: World
) -> None:
    url = reverse("orgs:create", kwargs={"org_pk": world.county_a.pk})
    responses = post_at_once(world.city_admin, url, unit_form())
    unit = Organisation.objects.get(name="新华区教育局")
    assert {r["Location"] for r in responses} == {reverse("orgs:detail", args=[unit.pk])}


@pytest.mark.postgres
@needs_postgres
def test_five_different_unit_forms_for_one_name_add_one_and_no_error(
    transactional_db: None, world: World
) -> None:
    url = reverse("orgs:create", kwargs={"org_pk": world.county_a.pk})
    tokens = iter([str(uuid.uuid4()) for _ in range(5)])
    responses = post_at_once(
        world.city_admin, url, unit_form(), vary=lambda: {"client_id": next(tokens)}
    )
    assert Organisation.objects.filter(name="新华区教育局").count() == 1
    assert sorted(r.status_code for r in responses) == [200, 200, 200, 200, 302]


@pytest.mark.postgres
@needs_postgres
def test_five_account_forms_at_once_make_one_account(transactional_db: None, world: World) -> None:
    url = reverse("orgs:person_add", kwargs={"org_pk": world.county_a.pk})
    responses = post_at_once(world.city_admin, url, person_form(password="Xinhua-2020-pass!"))
    assert User.objects.filter(username="xinhua_reporter").count() == 1
    assert [r.status_code for r in responses] == [302] * 5


@pytest.mark.postgres
@needs_postgres
def test_five_different_account_forms_for_one_user_name_make_one_and_no_error(
    transactional_db: None, world: World
) -> None:
    url = reverse("orgs:person_add", kwargs={"org_pk": world.county_a.pk})
    tokens = iter([str(uuid.uuid4()) for _ in range(5)])
    responses = post_at_once(
        world.city_admin,
        url,
        person_form(password="Xinhua-2020-pass!"),
        vary=lambda: {"client_id": next(tokens)},
    )
    assert User.objects.filter(username="xinhua_reporter").count() == 1
    assert sorted(r.status_code for r in responses) == [200, 200, 200, 200, 302]
