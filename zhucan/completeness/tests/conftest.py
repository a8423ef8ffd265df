"""A published city campaign with deadlines counted from today, and helpers to move time."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from django.utils import timezone, translation

from zhucan.campaigns.models import Campaign
from zhucan.campaigns.services import set_deadlines
from zhucan.conftest import World
from zhucan.testing.factories import make_campaign


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def today() -> date:
    return timezone.localdate()


@pytest.fixture
def campaign(world: World, today: date) -> Campaign:
    """Sent to county A, county B and the city unit; plans due in five days."""
    campaign = make_campaign(issuing_org=world.city, by=world.city_officer)
    return set_deadlines(
        by=world.city_officer,
        campaign=campaign,
        version=campaign.version,
        plans_due=today + timedelta(days=5),
        reports_due=today + timedelta(days=20),
        summary_due=today + timedelta(days=30),
    )


@pytest.fixture
def run_on_commit(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run on-commit work (email, SMS) at once: the test's transaction never commits."""
    monkeypatch.setattr(
        "django.db.transaction.on_commit", lambda fn, using=None, robust=False: fn()
    )
