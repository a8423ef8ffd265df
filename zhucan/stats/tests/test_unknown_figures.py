"""Unknown is not zero on the statistics pages: a people count that no report gave shows as
"—" (未填报 to a screen reader) on the dashboard, as an empty cell in its Excel and in the
统计表, and a reported 0 as 0. Campaigns of one name are told apart by their 文号."""

from __future__ import annotations

import io
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from zhucan.accounts.models import User
from zhucan.campaigns.models import Campaign
from zhucan.conftest import World
from zhucan.stats import selectors
from zhucan.stats.selectors import Dashboard, Filters, Line
from zhucan.stats.tests.conftest import accept
from zhucan.stats.tests.test_statistical_report import _rows, _sheet
from zhucan.testing.auth import login_verified
from zhucan.testing.factories import make_campaign, make_report

# The overview's columns after the organisation's name.
OVERVIEW = ("reports", "attendance", "disabled_served", "volunteers", "cash", "goods")


@pytest.fixture
def blanks(world: World, campaign: Campaign, county_reporter: User) -> Campaign:
    """County B's two reports leave attendance blank; county A's one reports 0 people; no
    report gives volunteers."""
    for title in ("助残日宣传", "走访慰问"):
        report = make_report(
            campaign=campaign,
            organisation=world.county_b,
            by=world.county_b_officer,
            submit=True,
            title=title,
            attendance=None,
            disabled_served=4,
        )
        accept(report, world.city_officer)
    report = make_report(
        campaign=campaign,
        organisation=world.county_a,
        by=county_reporter,
        submit=True,
        attendance=0,
        disabled_served=0,
    )
    accept(report, world.city_officer)
    return campaign


def _lines(board: Dashboard) -> dict[str, Line]:
    return {line.name: line for line in board.lines}


@pytest.mark.parametrize("filters", [Filters(), Filters(category="visit")])
def test_the_lines_tell_unknown_from_zero(world: World, blanks: Campaign, filters: Filters) -> None:
    # Unfiltered from the cells, filtered counted live: both say the same.
    board = selectors.dashboard(world.city_officer, blanks, node=world.city, filters=filters)
    found = _lines(board)
    county_b, county_a = found[world.county_b.name], found[world.county_a.name]
    assert county_b.known("attendance") is None and county_b.given("attendance") == 0
    assert county_b.known("disabled_served") == 8 and county_b.given("disabled_served") == 2
    assert county_a.known("attendance") == 0 and county_a.given("attendance") == 1
    assert board.total.known("attendance") == 0 and board.total.given("attendance") == 1
    assert board.total.known("volunteers") is None


def test_the_own_line_keeps_a_reported_zero(
    world: World, campaign: Campaign, child: Campaign, county_reporter: User
) -> None:
    """The node's own reports are its cell less its children's: a 0 it reported stays 0."""
    own = make_report(
        campaign=campaign,
        organisation=world.county_a,
        by=county_reporter,
        submit=True,
        attendance=0,
    )
    unit = make_report(
        campaign=child,
        organisation=world.county_a_unit,
        by=world.county_a_officer,
        submit=True,
        attendance=None,
    )
    for report in (own, unit):
        accept(report, world.city_officer)
    board = selectors.dashboard(world.city_officer, campaign, node=world.county_a)
    own_line = next(line for line in board.lines if line.is_node)
    assert own_line.known("attendance") == 0
    assert _lines(board)[world.county_a_unit.name].known("attendance") is None
    cells, _as_of = selectors.cell_figures(campaign, world.county_a, [world.county_a_unit.pk])
    assert cells == selectors.live_figures(campaign, world.county_a)


def _cells(html: str) -> dict[str, str]:
    found = re.findall(r'<td class="num">(.*?)</td>', html)
    return dict(zip(OVERVIEW, found[: len(OVERVIEW)], strict=True))


def _overview(body: str) -> dict[str, dict[str, str]]:
    """The overview table's cells (as HTML) by row name; the total as "Total"."""
    section = body.split('id="overview-heading"', 1)[1].split("</section>", 1)[0]
    rows = {}
    for name, cells in re.findall(r'<a href="[^"]*">([^<]*)</a></th>(.*?)</tr>', section):
        rows[name] = _cells(cells)
    rows["Total"] = _cells(section.split("<tfoot>", 1)[1])
    return rows


def _unknown(cell: str) -> bool:
    return (
        re.fullmatch(
            r'<span aria-hidden="true">—</span><span class="visually-hidden">[^<]+</span>', cell
        )
        is not None
    )


def test_the_page_shows_a_dash_for_unknown_and_zero_for_zero(
    client: Client, world: World, blanks: Campaign
) -> None:
    login_verified(client, world.city_officer)
    body = client.get(reverse("stats:dashboard", args=[blanks.pk])).content.decode()
    rows = _overview(body)
    assert _unknown(rows[world.county_b.name]["attendance"])
    assert rows[world.county_a.name]["attendance"] == "0"
    assert rows[world.county_b.name]["disabled_served"] == "8"
    # The total says how many reports gave the figure, rather than passing 0 off as whole.
    assert rows["Total"]["attendance"].startswith("0<br><small")
    assert re.search(r"1\D+3", rows["Total"]["attendance"])
    assert _unknown(rows["Total"]["volunteers"])
    assert "未填报" in body or "Not given" in body


def test_the_page_says_not_given_in_chinese(client: Client, world: World, blanks: Campaign) -> None:
    login_verified(client, world.city_officer)
    response = client.get(
        reverse("stats:dashboard", args=[blanks.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    cell = _overview(response.content.decode())[world.county_b.name]["attendance"]
    assert cell.endswith('<span class="visually-hidden">未填报</span>')


def test_the_excel_leaves_unknown_empty(client: Client, world: World, blanks: Campaign) -> None:
    login_verified(client, world.city_officer)
    response = client.get(reverse("stats:export", args=[blanks.pk, world.city.pk]))
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    listed = list(sheet.iter_rows(min_row=2, values_only=True))
    rows = {row[0]: row[1:] for row in listed}
    total = listed[-1][1:]  # the total comes last
    reports, attendance, served, volunteers = (0, 1, 2, 3)
    assert rows[world.county_b.name][reports] == 2
    assert rows[world.county_b.name][attendance] is None
    assert rows[world.county_b.name][served] == 8
    assert rows[world.county_a.name][attendance] == 0
    assert total[attendance] == 0 and total[volunteers] is None


def test_the_statistical_report_leaves_unknown_empty(
    client: Client, world: World, blanks: Campaign
) -> None:
    login_verified(client, world.city_officer)
    rows = _rows(_sheet(client, blanks, world.city))
    assert rows[world.county_b.name]["参与人数"] is None
    assert rows[world.county_b.name]["服务残疾人"] == 8
    assert rows[world.county_a.name]["参与人数"] == 0
    assert rows[world.city_unit.name]["参与人数"] is None  # no report at all
    assert rows["合计"]["参与人数"] == 0 and rows["合计"]["志愿者"] is None


def test_the_campaign_select_names_the_doc_number(client: Client, world: World) -> None:
    first = make_campaign(issuing_org=world.city, by=world.city_officer)
    second = make_campaign(issuing_org=world.city, by=world.city_officer)
    assert str(first.kind) == str(second.kind) and first.year == second.year
    choices = selectors.campaign_choices(world.city_officer)
    with CaptureQueriesContext(connection) as queries:
        labels = [str(c) for c in choices]
    assert not queries  # the notice came with the campaigns, not a query for each
    assert len(set(labels)) == len(labels) == 2
    login_verified(client, world.city_officer)
    body = client.get(reverse("stats:dashboard", args=[first.pk])).content.decode()
    for campaign in (first, second):
        assert campaign.notice.doc_number in body


def test_the_reports_list_shows_unknown_as_not_reported(
    client: Client, world: World, campaign: Campaign
) -> None:
    report = make_report(
        campaign=campaign,
        organisation=world.county_b,
        by=world.county_b_officer,
        submit=True,
        attendance=None,
        disabled_served=None,
    )
    accept(report, world.city_officer)
    login_verified(client, world.city_officer)
    url = reverse("stats:reports", args=[campaign.pk, world.county_b.pk])
    body = client.get(url).content.decode()
    row = body.split(reverse("activities:detail", args=[report.pk]), 1)[1].split("</tr>", 1)[0]
    assert ">None<" not in row
    assert row.count('<span aria-hidden="true">—</span>') == 2
