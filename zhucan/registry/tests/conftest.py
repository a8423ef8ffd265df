"""Fixtures of the registry tests: a city campaign, cascaded to county A."""

from __future__ import annotations

from typing import Any

import pytest

from zhucan.testing.factories import make_campaign


@pytest.fixture
def city_campaign(world: Any) -> Any:
    return make_campaign(issuing_org=world.city, by=world.city_officer)


@pytest.fixture
def county_a_campaign(world: Any, city_campaign: Any) -> Any:
    """County A's own campaign under the city's (its help counts for the city's cascade)."""
    from zhucan.campaigns.services import create_child_campaign, publish_campaign

    child = create_child_campaign(
        by=world.county_a_officer, parent=city_campaign, issuing_org=world.county_a
    )
    return publish_campaign(by=world.county_a_officer, campaign=child)
