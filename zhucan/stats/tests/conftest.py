"""A city campaign, county A's own campaign cascaded from it, and reports all over the tree."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.utils import translation

from zhucan.accounts.models import User
from zhucan.activities.models import ActivityReport, Indicator, Institution, InstitutionKind
from zhucan.activities.services import VisitInput, accept_report
from zhucan.campaigns.models import Campaign
from zhucan.campaigns.services import create_child_campaign, publish_campaign
from zhucan.conftest import World
from zhucan.orgs.models import Organisation, Region
from zhucan.testing.factories import make_campaign, make_report, make_user


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def campaign(world: World) -> Campaign:
    return make_campaign(issuing_org=world.city, by=world.city_officer)


@pytest.fixture
def child(world: World, campaign: Campaign) -> Campaign:
    child = create_child_campaign(
        by=world.county_a_officer, parent=campaign, issuing_org=world.county_a
    )
    return publish_campaign(by=world.county_a_officer, campaign=child)


@pytest.fixture
def county_reporter(world: World) -> User:
    return make_user(
        username="xinhua_reporter", full_name="陈静", org=world.county_a, role="reporter"
    )


def households() -> Indicator:
    return Indicator.objects.get(campaign=None, code="households_visited")


def institution(
    world: World, kind: str, name: str, organisation: Organisation | None = None
) -> Institution:
    """An institution in the organisation's county (county A's unless said otherwise)."""
    organisation = organisation or world.county_a
    return Institution.objects.create(
        organisation=organisation,
        name=name,
        kind=kind,
        region=Region.objects.get(code=organisation.region_id),
    )


@dataclass
class Story:
    """Four accepted reports (one in the child campaign), one only submitted."""

    campaign: Any
    child: Any
    own: Any  # county A's own report, city campaign
    unit: Any  # county A's unit, county A's campaign
    other: Any  # county B
    city_unit: Any  # the city's member unit
    pending: Any  # submitted, never accepted


def accept(report: ActivityReport, by: User) -> ActivityReport:
    return accept_report(by=by, report=report, version=report.version)


@pytest.fixture
def story(world: World, campaign: Campaign, child: Campaign, county_reporter: User) -> Story:
    return build_story(world, campaign, child, county_reporter)


def build_story(
    world: World,
    campaign: Campaign | None = None,
    child: Campaign | None = None,
    county_reporter: User | None = None,
) -> Story:
    """The reports of ``Story``; the campaigns and the reporter are made when not given (the
    browser tests, on their committed world, call this directly)."""
    if campaign is None:
        campaign = make_campaign(issuing_org=world.city, by=world.city_officer)
    if child is None:
        child = create_child_campaign(
            by=world.county_a_officer, parent=campaign, issuing_org=world.county_a
        )
        child = publish_campaign(by=world.county_a_officer, campaign=child)
    if county_reporter is None:
        county_reporter = make_user(
            username="xinhua_reporter", full_name="陈静", org=world.county_a, role="reporter"
        )
    home = institution(world, InstitutionKind.WELFARE_HOME, "新华区社会福利院")
    care = institution(world, InstitutionKind.CARE_HOME, "叶县托养中心", world.county_b)
    own = make_report(
        campaign=campaign,
        organisation=world.county_a,
        by=county_reporter,
        submit=True,
        attendance=20,
        disabled_served=12,
        volunteers=3,
        cash=Decimal("1000.50"),
        goods_value=Decimal("200"),
        values={households().pk: Decimal(10)},
        visits=[
            VisitInput(kind="household", households=10, cash=Decimal("1000.50")),
            VisitInput(kind="institution", institution=home),
        ],
    )
    unit = make_report(
        campaign=child,
        organisation=world.county_a_unit,
        by=world.county_a_officer,
        submit=True,
        category="publicity",
        mode="online",
        attendance=50,
        disabled_served=5,
        values={households().pk: Decimal(5)},
    )
    other = make_report(
        campaign=campaign,
        organisation=world.county_b,
        by=world.county_b_officer,
        submit=True,
        disabled_served=7,
        attendance=9,
        values={households().pk: Decimal(7)},
        visits=[VisitInput(kind="institution", institution=care)],
    )
    city_unit = make_report(
        campaign=campaign,
        organisation=world.city_unit,
        by=world.member_unit_reporter,
        submit=True,
        category="employment",
        mode="both",
        attendance=0,
        disabled_served=0,
        cash=Decimal("300"),
    )
    pending = make_report(
        campaign=campaign,
        organisation=world.county_b,
        by=world.county_b_officer,
        submit=True,
        disabled_served=1000,
    )
    return Story(
        campaign=campaign,
        child=child,
        own=accept(own, world.city_officer),
        unit=accept(unit, world.city_officer),
        other=accept(other, world.city_officer),
        city_unit=accept(city_unit, world.city_officer),
        pending=pending,
    )
