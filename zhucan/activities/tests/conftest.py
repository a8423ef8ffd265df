"""A city campaign sent to the counties and the city unit; a county reporter."""

from __future__ import annotations

import pytest
from django.utils import translation

from zhucan.testing.factories import make_campaign, make_user


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def campaign(world):
    return make_campaign(issuing_org=world.city, by=world.city_officer)


@pytest.fixture
def county_reporter(world):
    return make_user(
        username="xinhua_reporter", full_name="陈静", org=world.county_a, role="reporter"
    )
