"""Fixtures of the registry tests: a city campaign, cascaded to county A; which way an import
saved its rows."""

from __future__ import annotations

from typing import Any

import pytest

from zhucan.registry.imports import jobs, staging
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


@pytest.fixture
def import_paths(monkeypatch: Any) -> list[str]:
    """Which way each import saved: "staged" or "checked again"."""
    taken: list[str] = []
    real = jobs._save_checked_again

    def checked_again(*args: Any, **kwargs: Any) -> Any:
        taken.append("checked again")
        return real(*args, **kwargs)

    monkeypatch.setattr(jobs, "_save_checked_again", checked_again)
    real_staged = staging.insert_staged

    def staged(**kwargs: Any) -> Any:
        created = real_staged(**kwargs)
        if created is not None:
            taken.append("staged")
        return created

    monkeypatch.setattr(jobs, "insert_staged", staged)
    return taken
