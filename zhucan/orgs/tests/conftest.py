"""People and helpers the orgs tests share, on top of the standard world (zhucan/conftest.py).

Only administrators hold MANAGE_ORGS and MANAGE_PEOPLE: city_admin (in the world) manages the
whole city; county_a_admin, added here, manages county A only.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import translation

from zhucan.accounts.models import User
from zhucan.conftest import World
from zhucan.orgs.models import Membership
from zhucan.testing.factories import make_user


@pytest.fixture(autouse=True)
def english_messages(settings: object) -> Iterator[None]:
    """The tests read the English msgids; the Chinese catalogue must not change what they see."""
    settings.LANGUAGE_CODE = "en"  # type: ignore[attr-defined]
    with translation.override("en"):
        yield


@pytest.fixture
def city_admin(world: World) -> User:
    return world.city_admin


@pytest.fixture
def county_a_admin(world: World) -> User:
    return make_user(
        username="county_a_admin", full_name="周敏", org=world.county_a, role=Membership.Role.ADMIN
    )
