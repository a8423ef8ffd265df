"""Walk every URL pattern with every standard person: nothing leaks outside a jurisdiction.

New views join automatically. A URL whose keyword argument is unknown fails the test: add a
builder to OBJECT_IN_COUNTY_A (zhucan/testing/urlwalk.py) that returns an object owned by
county A.
"""

from __future__ import annotations

import pytest
from django.test import Client

from zhucan.conftest import World
from zhucan.testing.auth import login_verified
from zhucan.testing.urlwalk import PUBLIC, URLS, url_for


@pytest.mark.parametrize(("name", "kwargs"), URLS, ids=[n for n, _ in URLS])
def test_anonymous_is_sent_to_login_except_on_public_pages(
    client: Client, world: World, name, kwargs
) -> None:
    url = url_for(world, name, list(kwargs))
    response = client.get(url)
    if name in PUBLIC:
        assert response.status_code in (200, 302, 405)
    else:
        assert response.status_code in (302, 405), f"{name} answered {response.status_code}"
        if response.status_code == 302:
            assert "/accounts/login/" in response["Location"]


# The public pages name county A's site by its region code: open to everyone by design.
OBJECT_URLS = [u for u in URLS if u[1] and u[0] not in PUBLIC]


@pytest.mark.parametrize(("name", "kwargs"), OBJECT_URLS, ids=[n for n, _k in OBJECT_URLS])
def test_objects_of_county_a_are_404_for_other_jurisdictions(
    client: Client, world: World, name, kwargs
) -> None:
    url = url_for(world, name, list(kwargs))
    for person in (world.county_b_officer, world.outsider, world.member_unit_reporter):
        client.logout()
        login_verified(client, person)
        # A POST-only view may answer 405 to GET: that says nothing about the object.
        response = client.get(url)
        assert response.status_code in (404, 405), (
            f"{name} GET as {person.username}: {response.status_code}"
        )
        response = client.post(url)
        assert response.status_code == 404, (
            f"{name} POST as {person.username}: {response.status_code}"
        )


@pytest.mark.parametrize(
    ("name", "kwargs"), [u for u in URLS if u[1]], ids=[n for n, k in URLS if k]
)
def test_objects_of_county_a_are_reachable_from_above(
    client: Client, world: World, name, kwargs
) -> None:
    url = url_for(world, name, list(kwargs))
    for person in (world.county_a_officer, world.city_officer):
        client.logout()
        login_verified(client, person)
        response = client.get(url)
        assert response.status_code in (200, 302, 403, 405), f"{name} as {person.username}"


@pytest.mark.parametrize(
    ("name", "kwargs"), [u for u in URLS if not u[1]], ids=[n for n, k in URLS if not k]
)
def test_pages_never_show_county_a_to_others(client: Client, world: World, name, kwargs) -> None:
    url = url_for(world, name, list(kwargs))
    for person in (world.county_b_officer, world.outsider):
        client.logout()
        login_verified(client, person)
        response = client.get(url)
        assert response.status_code < 500
        if response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
            body = response.content.decode()
            assert world.county_a.name not in body, f"{name} shows county A to {person.username}"
            assert world.county_a_unit.name not in body
