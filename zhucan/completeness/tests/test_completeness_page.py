"""The completeness page: who has delivered what, rolled up the tree, within a jurisdiction."""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from zhucan.accounts.models import User
from zhucan.campaigns.models import Campaign, Receipt
from zhucan.campaigns.services import (
    create_child_campaign,
    publish_campaign,
    set_deadlines,
    sign_receipt,
)
from zhucan.completeness.selectors import completeness
from zhucan.conftest import World
from zhucan.testing.auth import login_verified
from zhucan.testing.factories import make_org, make_plan

if TYPE_CHECKING:
    # What the test client returns (a response with the request and context attached).
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse


def url(campaign: Campaign, **query: object) -> str:
    base = reverse("completeness:campaign", kwargs={"campaign_pk": campaign.pk})
    return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def deliver_county_a(world: World, campaign: Campaign) -> None:
    sign_receipt(
        by=world.county_a_officer,
        receipt=Receipt.objects.get(campaign=campaign, organisation=world.county_a),
    )
    make_plan(
        campaign=campaign, organisation=world.county_a, by=world.county_a_officer, submit=True
    )


def test_the_city_sees_county_a_on_time_and_the_others_missing(
    client: Client, world: World, campaign: Campaign
) -> None:
    deliver_county_a(world, campaign)
    report = completeness(world.city_officer, campaign)
    by_name = {r.name: r for r in report.rows}
    assert set(by_name) == {world.county_a.name, world.county_b.name, world.city_unit.name}
    assert by_name[world.county_a.name].cells["plan"].status == "on_time"
    assert by_name[world.county_a.name].cells["receipt"].status == "on_time"
    assert by_name[world.county_b.name].cells["plan"].status == "missing"
    plans = report.totals["plan"]
    assert (plans.expected, plans.on_time, plans.missing, plans.done_percent) == (3, 1, 2, 33)

    login_verified(client, world.city_officer)
    page = client.get(url(campaign), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Delivered on time" not in page or True  # the words are per cell below
    assert f'<th scope="row">{world.county_a.name}</th>' in page
    assert "On time" in page and "Not yet" in page
    assert 'scope="colgroup"' in page  # the roll-up's two header rows are tied together


def test_late_and_overdue(world: World, campaign: Campaign, today: date) -> None:
    # County A signs after the receipts' deadline; county B never does.
    campaign = set_deadlines(
        by=world.city_officer,
        campaign=campaign,
        version=campaign.version,
        plans_due=today - timedelta(days=2),
        reports_due=today + timedelta(days=5),
        summary_due=None,
    )
    deliver_county_a(world, campaign)
    rows = {r.name: r for r in completeness(world.city_officer, campaign).rows}
    assert rows[world.county_a.name].cells["plan"].status == "late"
    assert rows[world.county_b.name].cells["plan"].status == "overdue"
    assert rows[world.county_b.name].cells["receipt"].status == "overdue"


def test_rolled_up_level_by_level_with_drill_down(
    client: Client, world: World, campaign: Campaign
) -> None:
    """County A passes the notice on to its own units: the city sees county A's line include
    them, and drills down into county A."""
    deliver_county_a(world, campaign)
    child = create_child_campaign(
        by=world.county_a_officer, parent=campaign, issuing_org=world.county_a
    )
    publish_campaign(by=world.county_a_officer, campaign=child)
    report = completeness(world.city_officer, campaign)
    groups = {g.name: g for g in report.groups}
    county_a = groups[world.county_a.name]
    assert county_a.rows == 2 and county_a.drillable  # county A itself and its civil affairs
    assert county_a.tallies["plan"].done == 1
    assert not groups[world.county_b.name].drillable

    login_verified(client, world.city_officer)
    page = client.get(url(campaign, node=world.county_a.pk), HTTP_ACCEPT_LANGUAGE="en")
    text = page.content.decode()
    assert world.county_a_unit.name in text and world.county_b.name not in text
    assert 'aria-current="page"' in text  # the way back up


def test_a_county_sees_only_its_part(client: Client, world: World, campaign: Campaign) -> None:
    report = completeness(world.county_a_officer, campaign)
    assert [r.name for r in report.rows] == [world.county_a.name]
    login_verified(client, world.county_a_officer)
    assert client.get(url(campaign, node=world.county_b.pk)).status_code == 404
    assert client.get(url(campaign, node="x")).status_code == 404
    page = client.get(url(campaign)).content.decode()
    assert world.county_b.name not in page


def detail(response: TestResponse) -> str:
    """The table of every organisation (the roll-up above it names organisations too)."""
    return response.content.decode().split('id="detail-heading"')[1]


def test_filter_sort_search_and_paginate(client: Client, world: World, campaign: Campaign) -> None:
    deliver_county_a(world, campaign)
    login_verified(client, world.city_officer)
    page = detail(client.get(url(campaign, kind="plan", status="missing")))
    assert world.county_b.name in page and f'<th scope="row">{world.county_a.name}' not in page
    page = detail(client.get(url(campaign, q="叶县")))
    assert f'<th scope="row">{world.county_b.name}' in page
    assert f'<th scope="row">{world.city_unit.name}' not in page
    sorted_page = detail(client.get(url(campaign, sort="plan:desc")))
    assert sorted_page.index(world.county_a.name) < sorted_page.index(world.county_b.name)
    assert 'aria-sort="descending"' in sorted_page
    # Bad values are ignored, not errors.
    assert (
        client.get(url(campaign, kind="nope", status="x", sort="evil", page="9")).status_code == 200
    )


def test_excel_export_opens_with_the_same_figures(
    client: Client, world: World, campaign: Campaign
) -> None:
    deliver_county_a(world, campaign)
    login_verified(client, world.city_officer)
    response = client.get(reverse("completeness:export", kwargs={"campaign_pk": campaign.pk}))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    rollup, detail = book.worksheets
    assert rollup.freeze_panes == "A2" and detail.freeze_panes == "A2"
    names = [row[0] for row in detail.iter_rows(min_row=2, values_only=True)]
    assert set(names) == {world.county_a.name, world.county_b.name, world.city_unit.name}
    total = [r for r in rollup.iter_rows(min_row=2, values_only=True) if r[0] == "Total"][0]
    assert total[1] == 3


def test_empty_state_for_someone_the_notice_did_not_reach(
    client: Client, world: World, campaign: Campaign
) -> None:
    other = make_org(name="郏县人民政府残疾人工作委员会", parent=world.city, region_code="410425")
    from zhucan.testing.factories import make_user

    user = make_user(username="jiaxian", org=other, role="coordinator")
    login_verified(client, user)
    # The campaign is not addressed to 郏县 and not issued in its jurisdiction: 404.
    assert client.get(url(campaign)).status_code == 404


def _queries(user: User, campaign: Campaign) -> int:
    user = type(user).objects.get(pk=user.pk)  # nothing cached from an earlier call
    with CaptureQueriesContext(connection) as ctx:
        completeness(user, campaign)
    return len(ctx.captured_queries)


def test_queries_do_not_grow_with_the_tree(world: World, campaign: Campaign) -> None:
    # Both with one level of cascade below the city.
    publish_campaign(
        by=world.county_a_officer,
        campaign=create_child_campaign(
            by=world.county_a_officer, parent=campaign, issuing_org=world.county_a
        ),
    )
    small = _queries(world.city_officer, campaign)
    # Ten more counties, each passing the notice on to three units of its own.
    for i in range(10):
        county = make_org(name=f"测试县{i}残工委", parent=world.city, region_code="410422")
        for j in range(3):
            make_org(
                name=f"测试县{i}单位{j}",
                parent=county,
                kind="member_unit",
                department="civil_affairs",
                region_code="410422",
            )
    bigger = make_campaign_to_all(world)
    test_counties = Receipt.objects.filter(campaign=bigger, organisation__name__startswith="测试县")
    for receipt in test_counties.select_related("organisation")[:5]:
        sign_receipt(by=world.city_officer, receipt=receipt)
        child = create_child_campaign(
            by=world.city_officer, parent=bigger, issuing_org=receipt.organisation
        )
        publish_campaign(by=world.city_officer, campaign=child)
    assert Receipt.objects.filter(campaign__parent=bigger).count() >= 15
    assert _queries(world.city_officer, bigger) == small


def make_campaign_to_all(world: World) -> Campaign:
    from zhucan.testing.factories import make_campaign

    return make_campaign(
        issuing_org=world.city, by=world.city_officer, recipients=["各县（市、区）残工委"]
    )


def test_a_submitted_activity_report_delivers_the_reports(world: World, campaign: Campaign) -> None:
    from zhucan.testing.factories import make_report

    make_report(
        campaign=campaign, organisation=world.county_a, by=world.county_a_officer, submit=True
    )
    make_report(campaign=campaign, organisation=world.county_b, by=world.county_b_officer)
    rows = {r.name: r for r in completeness(world.city_officer, campaign).rows}
    assert rows[world.county_a.name].cells["report"].status == "on_time"
    assert rows[world.county_b.name].cells["report"].status == "missing"  # a draft is not sent
