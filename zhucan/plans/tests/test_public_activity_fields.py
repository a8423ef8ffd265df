"""The plan says which activities the public site may show, and how to reach them."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from zhucan.campaigns.models import Campaign
from zhucan.conftest import World
from zhucan.core.errors import DomainError
from zhucan.plans.services import ActivityInput, update_plan
from zhucan.plans.versions import activity_snapshot, diff_snapshots
from zhucan.testing.factories import make_campaign, make_plan

ROW: dict[str, Any] = {
    "title": "康复知识讲座",
    "start_date": date(2020, 5, 17),
    "end_date": date(2020, 5, 17),
    "category": "rehabilitation",
    "mode": "both",
    "expected_attendance": 30,
    "person_responsible": "张伟",
}


@pytest.fixture
def campaign(world: World) -> Campaign:
    return make_campaign(issuing_org=world.city, by=world.city_officer)


def test_the_public_fields_are_saved_with_the_activity(world: World, campaign: Campaign) -> None:
    plan = make_plan(
        campaign=campaign,
        organisation=world.county_a,
        by=world.county_a_officer,
        activities=[
            ROW
            | {
                "is_public": True,
                "online_link": "https://example.cn/live",
                "venue_access": "step_free",
                "by_appointment": True,
            }
        ],
    )
    activity = plan.activities.get()
    assert activity.is_public and activity.by_appointment
    assert (activity.online_link, activity.venue_access) == ("https://example.cn/live", "step_free")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [("online_link", "javascript:alert(1)", "https://"), ("venue_access", "ramp", "accessible")],
)
def test_a_bad_public_field_is_refused(
    world: World, campaign: Campaign, field: str, value: str, message: str
) -> None:
    plan = make_plan(campaign=campaign, organisation=world.county_a, by=world.county_a_officer)
    with pytest.raises(DomainError, match=message):
        update_plan(
            by=world.county_a_officer,
            plan=plan,
            version=plan.version,
            aims="",
            leadership="",
            publicity="",
            safeguards="",
            activities=[ActivityInput(**(ROW | {field: value}))],
        )


def test_a_version_from_before_the_public_fields_shows_no_change_in_them(
    world: World, campaign: Campaign
) -> None:
    plan = make_plan(campaign=campaign, organisation=world.county_a, by=world.county_a_officer)
    new = activity_snapshot(plan.activities.get())
    old = {key: value for key, value in new.items() if key not in ("is_public", "by_appointment")}
    old.pop("online_link"), old.pop("venue_access")
    assert not diff_snapshots({"activities": [old]}, {"activities": [new]}).has_changes
    marked = new | {"is_public": True}
    changed = diff_snapshots({"activities": [old]}, {"activities": [marked]}).changed
    assert [(c.old, c.new) for c in changed[0].changes] == [("No", "Yes")]
