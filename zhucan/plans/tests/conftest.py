"""A city campaign sent to the counties, a city reviewer, and a helper to post the plan form."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.utils import translation

from zhucan.accounts.models import User
from zhucan.campaigns.models import Campaign
from zhucan.conftest import World
from zhucan.core.models import AuditEntry
from zhucan.plans.models import Plan, PlannedActivity, PlanVersion
from zhucan.testing.factories import make_campaign, make_user

ACTIVITY = {
    "title": "走访慰问困难残疾人家庭",
    "start_date": "2020-05-12",
    "end_date": "2020-05-17",
    "category": "visit",
    "mode": "in_person",
    "expected_attendance": "30",
    "place": "新华区残疾人康复中心",
    "region": "",
    "duty": "",
    "safety_measures": "佩戴口罩，保持距离",
    "person_responsible": "张伟",
    "phone": "0375-2690909",
}
SECTIONS = {
    "aims": "营造扶残助残的良好氛围。",
    "leadership": "成立以区残工委主任为组长的领导小组。",
    "publicity": "在微信公众号开设专栏。",
    "safeguards": "落实疫情防控措施。",
}


def pytest_configure(config: pytest.Config) -> None:
    # The browser fixtures, as zhucan/core/tests/conftest.py loads them, until zhucan/conftest.py
    # registers the plugin for everyone (it is registered only once either way).
    if not config.pluginmanager.has_plugin("zhucan.testing.browser"):
        config.pluginmanager.import_plugin("zhucan.testing.browser")


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Messages from services are asserted in English (the msgids), whatever is translated.
    Pages follow the client's language cookie, which the tests set to "en" where they read text.
    """
    with translation.override("en"):
        yield


@pytest.fixture
def campaign(world: World) -> Campaign:
    """The city's 2020 campaign, published: county A, county B and the city unit received it."""
    return make_campaign(issuing_org=world.city, by=world.city_officer)


@pytest.fixture
def reviewer(world: World) -> User:
    return make_user(username="city_reviewer", full_name="李审核", org=world.city, role="reviewer")


def plan_form(plan: Plan, activities: list[dict[str, Any]], **overrides: Any) -> dict[str, Any]:
    """The edit form as the browser posts it. Activities with an "id" are existing rows."""
    data: dict[str, Any] = {"version": plan.version, **SECTIONS, "action": "save", **overrides}
    existing = [a for a in activities if a.get("id")]
    data |= {
        "activity-TOTAL_FORMS": len(activities),
        "activity-INITIAL_FORMS": len(existing),
        "activity-MIN_NUM_FORMS": 0,
        "activity-MAX_NUM_FORMS": 100,
    }
    for index, activity in enumerate(activities):
        for key, value in (ACTIVITY | activity).items():
            data[f"activity-{index}-{key}"] = value
    return data


def counts() -> tuple[int, int, int, int]:
    """What a refused request must leave as it was."""
    return (
        Plan.objects.count(),
        PlannedActivity.objects.count(),
        PlanVersion.objects.count(),
        AuditEntry.objects.count(),
    )


@pytest.fixture
def counts_before() -> Callable[[], tuple[int, int, int, int]]:
    return counts
