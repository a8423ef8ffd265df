"""Live figures: only accepted reports count, summed up the tree, within the jurisdiction."""

from __future__ import annotations

from decimal import Decimal

from django.test import Client
from django.urls import reverse

from zhucan.accounts.models import User
from zhucan.activities.models import ActivityReport, Indicator
from zhucan.activities.services import accept_report, return_report
from zhucan.activities.totals import indicator_totals
from zhucan.campaigns.models import Campaign
from zhucan.campaigns.services import create_child_campaign, publish_campaign
from zhucan.conftest import World
from zhucan.orgs.models import Organisation
from zhucan.testing.auth import login_verified
from zhucan.testing.factories import make_report


def households() -> Indicator:
    return Indicator.objects.get(campaign=None, code="households_visited")


def report(
    world: World, campaign: Campaign, org: Organisation, by: User, n: int, cash: str = "0"
) -> ActivityReport:
    return make_report(
        campaign=campaign,
        organisation=org,
        by=by,
        submit=True,
        cash=Decimal(cash),
        values={households().pk: Decimal(n)},
    )


def test_totals_count_accepted_reports_only_and_roll_up(
    world: World, campaign: Campaign, county_reporter: User
) -> None:
    child = create_child_campaign(
        by=world.county_a_officer, parent=campaign, issuing_org=world.county_a
    )
    child = publish_campaign(by=world.county_a_officer, campaign=child)
    own = report(world, campaign, world.county_a, county_reporter, 10, cash="1000.50")
    unit = report(world, child, world.county_a_unit, world.county_a_officer, 5)
    other = report(world, campaign, world.county_b, world.county_b_officer, 7)
    totals = indicator_totals(world.city_officer, campaign, node=world.city)
    assert totals.total.reports == 0 and totals.indicators == []  # nothing accepted yet

    accept_report(by=world.city_officer, report=own, version=own.version)
    accept_report(by=world.city_officer, report=unit, version=unit.version)
    accept_report(by=world.city_officer, report=other, version=other.version)
    totals = indicator_totals(world.city_officer, campaign, node=world.city)
    lines = {line.name: line for line in totals.lines}
    county_a = lines[world.county_a.name]
    assert county_a.reports == 2 and county_a.drillable
    assert county_a.values[households().pk] == 15
    assert county_a.cash == Decimal("1000.50")
    assert lines[world.county_b.name].values[households().pk] == 7
    assert totals.total.values[households().pk] == 22

    # County A's officer sees only county A, and can drill into it.
    mine = indicator_totals(world.county_a_officer, campaign, node=world.county_a)
    assert mine.total.values[households().pk] == 15
    assert {line.name for line in mine.lines} == {world.county_a.name, world.county_a_unit.name}


def test_the_page_changes_when_a_report_is_accepted(
    client: Client, world: World, campaign: Campaign, county_reporter: User
) -> None:
    login_verified(client, world.city_officer)
    url = reverse("activities:totals", kwargs={"campaign_pk": campaign.pk})
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "No accepted report yet" in page
    first = report(world, campaign, world.county_a, county_reporter, 12)
    accept_report(by=world.city_officer, report=first, version=first.version)
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "走访慰问困难家庭户数" in page and ">12<" in page
    second = report(world, campaign, world.county_a, county_reporter, 3)
    return_report(by=world.city_officer, report=second, version=second.version, reason="x")
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert ">12<" in page and ">15<" not in page  # a returned report does not count
    # Outside the jurisdiction: 404 for a node, nothing of county A for county B.
    login_verified(client, world.county_b_officer)
    assert client.get(url, {"node": world.county_a.pk}).status_code == 404
    assert world.county_a.name not in client.get(url).content.decode()


def test_disabled_people_served_left_unknown_is_not_a_zero(
    client: Client, world: World, campaign: Campaign
) -> None:
    """Three reports, two of which say how many disabled people they served: the total says
    so, and an organisation whose reports said nothing shows no figure rather than 0."""
    for org, by, served in (
        (world.county_a, world.county_a_officer, 12),
        (world.county_a, world.county_a_officer, None),
        (world.county_b, world.county_b_officer, None),
    ):
        done = make_report(
            campaign=campaign, organisation=org, by=by, submit=True, disabled_served=served
        )
        accept_report(by=world.city_officer, report=done, version=done.version)
    totals = indicator_totals(world.city_officer, campaign, node=world.city)
    assert (totals.total.reports, totals.total.served_given) == (3, 1)
    by_org = {line.organisation_id: line for line in totals.lines}
    assert by_org[world.county_b.pk].served_given == 0
    login_verified(client, world.city_officer)
    url = reverse("activities:totals", kwargs={"campaign_pk": campaign.pk})
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "1 of 2 reports gave it" in page and "1 of 3 reports gave it" in page
    assert page.count('<span class="visually-hidden">Not given</span>') == 1
