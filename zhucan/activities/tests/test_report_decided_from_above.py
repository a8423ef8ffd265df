"""Four eyes on activity reports: the office above the reporting organisation accepts or
returns its report, never the organisation itself (``orgs.roles.DECIDED_FROM_ABOVE``)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from zhucan.accounts.models import User
from zhucan.activities.access import can_review, decides_for
from zhucan.activities.models import ActivityReport
from zhucan.activities.selectors import reports_to_review
from zhucan.activities.services import accept_report, return_report
from zhucan.campaigns.models import Campaign
from zhucan.conftest import World
from zhucan.core.errors import DomainError
from zhucan.orgs.roles import DECIDED_FROM_ABOVE
from zhucan.testing.factories import make_campaign, make_report, make_user


def test_the_rule_is_written_in_the_roles_table() -> None:
    assert DECIDED_FROM_ABOVE is True


def test_a_county_does_not_accept_its_own_report(
    world: World, campaign: Campaign, county_reporter: User
) -> None:
    report = make_report(
        campaign=campaign, organisation=world.county_a, by=county_reporter, submit=True
    )
    officer = world.county_a_officer
    assert not can_review(officer, report) and report not in reports_to_review(officer)
    decisions: tuple[Callable[[], object], ...] = (
        lambda: accept_report(by=officer, report=report, version=report.version),
        lambda: return_report(by=officer, report=report, version=report.version, reason="x"),
    )
    for decide in decisions:
        with pytest.raises(DomainError, match="by the office above it"):
            decide()
    # A reviewer of the county's own unit is no better placed than its coordinator.
    reviewer = make_user(org=world.county_a, role="reviewer")
    with pytest.raises(DomainError, match="by the office above it"):
        accept_report(by=reviewer, report=report, version=report.version)
    assert ActivityReport.objects.get(pk=report.pk).status == ActivityReport.Status.SUBMITTED
    # The city above decides.
    assert can_review(world.city_officer, report)
    assert report in reports_to_review(world.city_officer)
    accept_report(by=world.city_officer, report=report, version=report.version)


def test_the_county_decides_on_its_member_units_report(world: World, campaign: Campaign) -> None:
    unit_reporter = make_user(org=world.county_a_unit, role="reporter")
    child_campaign = make_campaign(issuing_org=world.county_a, by=world.county_a_officer)
    report = make_report(
        campaign=child_campaign,
        organisation=world.county_a_unit,
        by=unit_reporter,
        submit=True,
    )
    assert can_review(world.county_a_officer, report)
    assert report in reports_to_review(world.county_a_officer)
    accepted = accept_report(by=world.county_a_officer, report=report, version=report.version)
    assert accepted.status == ActivityReport.Status.ACCEPTED


def test_only_the_top_of_the_tree_decides_its_own(world: World) -> None:
    """The city has no office above it here: its own reviewers decide (not the author, as
    everywhere). Every other organisation's are decided from above."""
    assert world.city.parent_id is None and decides_for(world.city_admin, world.city)
    assert not decides_for(world.county_a_officer, world.county_a)
    assert decides_for(world.county_a_officer, world.county_a_unit)
    assert decides_for(world.city_officer, world.county_a)
    assert not decides_for(world.county_b_officer, world.county_a_unit)
