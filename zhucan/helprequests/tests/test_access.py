"""Who sees which request: the county and those above it, and an office it was assigned to."""

from __future__ import annotations

import pytest
from django.http import Http404

from zhucan.conftest import World
from zhucan.helprequests import access
from zhucan.helprequests.services import assign_request
from zhucan.helprequests.tests.factories import make_request, make_township

pytestmark = pytest.mark.django_db


def test_the_county_and_the_city_see_it_another_county_does_not(world: World) -> None:
    made = make_request(world)
    assert access.get_request_for_user(world.county_a_officer, made.pk) == made
    assert access.get_request_for_user(world.city_officer, made.pk) == made
    with pytest.raises(Http404):
        access.get_request_for_user(world.county_b_officer, made.pk)
    with pytest.raises(Http404):
        access.get_request_for_user(world.outsider, made.pk)


def test_a_township_sees_only_what_it_was_assigned(world: World) -> None:
    given = make_request(world)
    other = make_request(world, phone="13900000001")
    office, worker = make_township(world)
    assign_request(by=world.county_a_officer, request=given, to=office, version=given.version)
    assert list(access.visible_to(worker)) == [given]
    with pytest.raises(Http404):
        access.get_request_for_user(worker, other.pk)
