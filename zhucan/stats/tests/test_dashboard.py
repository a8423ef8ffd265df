"""The dashboards: level by level, drill-down to a report, jurisdiction, filters, query counts."""

from __future__ import annotations

import json

from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from zhucan.accounts.models import User
from zhucan.conftest import World
from zhucan.stats import selectors
from zhucan.stats.selectors import Dashboard, Filters, Line
from zhucan.stats.tests.conftest import Story, accept
from zhucan.testing.auth import login_verified
from zhucan.testing.factories import make_org, make_report


def lines(board: Dashboard) -> dict[str, Line]:
    return {line.name: line for line in board.lines}


def test_city_sees_each_county_with_everything_under_it(world: World, story: Story) -> None:
    board = selectors.dashboard(world.city_officer, story.campaign, node=world.city)
    found = lines(board)
    assert found[world.county_a.name].reports == 2 and found[world.county_a.name].drillable
    assert found[world.county_b.name].get("disabled_served") == 7
    assert found[world.city_unit.name].get("cash") == 300
    assert board.total.reports == 4
    assert board.as_of is not None
    # The recipients: the two counties and the city's unit; county A's unit via county A's
    # own campaign; all signed for nothing yet, all submitted their reports.
    county_a = found[world.county_a.name]
    assert county_a.completeness["expected"] == 2 and county_a.completeness["report"] == 2
    assert county_a.rate("report") == 100 and county_a.rate("receipt") == 0


def test_a_county_node_shows_its_own_reports_as_this_level(world: World, story: Story) -> None:
    board = selectors.dashboard(world.city_officer, story.campaign, node=world.county_a)
    own = [line for line in board.lines if line.is_node][0]
    assert own.reports == 1 and own.get("disabled_served") == 12
    assert lines(board)[world.county_a_unit.name].reports == 1


def test_live_figures_equal_the_cells_at_every_node(world: World, story: Story) -> None:
    for node in (world.city, world.county_a, world.county_a_unit, world.county_b):
        cells, _as_of = selectors.cell_figures(
            story.campaign, node, list(node.children.values_list("pk", flat=True))
        )
        assert selectors.live_figures(story.campaign, node) == cells, node.name


def test_filters_count_from_the_reports(world: World, story: Story) -> None:
    board = selectors.dashboard(
        world.city_officer, story.campaign, node=world.city, filters=Filters(category="visit")
    )
    assert board.live and board.as_of is None
    assert board.total.reports == 2
    assert board.total.get("disabled_served") == 19
    online = selectors.dashboard(
        world.city_officer, story.campaign, node=world.city, filters=Filters(mode="online")
    )
    assert online.total.reports == 1 and lines(online)[world.county_a.name].reports == 1
    duty = story.campaign.duties.get(number=1)
    with_duty = selectors.dashboard(
        world.city_officer, story.campaign, node=world.city, filters=Filters(duty=duty)
    )
    assert with_duty.total.reports == 0


def test_the_page_drills_down_to_a_report(client: Client, world: World, story: Story) -> None:
    login_verified(client, world.city_officer)
    home = client.get(reverse("stats:home"))
    assert home.status_code == 302
    page = client.get(home["Location"])
    body = page.content.decode()
    assert page.status_code == 200
    assert world.county_a.name in body and "stats-chart-data" in body
    data = json.loads(page.context["chart_data"] and json.dumps(page.context["chart_data"]))
    assert data["lines"]["series"][0]["values"] == [
        line.reports for line in page.context["board"].lines
    ]
    county = reverse("stats:node", args=[story.campaign.pk, world.county_a.pk])
    assert county in body
    body = client.get(county).content.decode()
    unit_reports = reverse("stats:reports", args=[story.campaign.pk, world.county_a_unit.pk])
    assert unit_reports in body
    body = client.get(unit_reports).content.decode()
    assert reverse("activities:detail", args=[story.unit.pk]) in body


def test_outside_the_jurisdiction_is_404(client: Client, world: World, story: Story) -> None:
    login_verified(client, world.county_b_officer)
    for name in ("stats:node", "stats:reports", "stats:export"):
        url = reverse(name, args=[story.campaign.pk, world.county_a.pk])
        assert client.get(url).status_code == 404, name
    # County B's own view of the city's campaign starts at county B and shows nothing of A.
    body = client.get(reverse("stats:dashboard", args=[story.campaign.pk])).content.decode()
    assert world.county_a.name not in body and world.county_b.name in body
    # County A's own campaign is not county B's at all.
    assert client.get(reverse("stats:dashboard", args=[story.child.pk])).status_code == 404


def test_a_node_outside_the_campaign_tree_is_404(
    client: Client, world: World, story: Story
) -> None:
    login_verified(client, world.city_officer)
    url = reverse("stats:node", args=[story.child.pk, world.county_b.pk])
    assert client.get(url).status_code == 404


def test_the_city_sees_a_county_campaign_from_its_issuer(
    client: Client, world: World, story: Story
) -> None:
    login_verified(client, world.city_officer)
    page = client.get(reverse("stats:dashboard", args=[story.child.pk]))
    assert page.context["board"].node == world.county_a
    assert page.context["board"].total.reports == 1


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_query_count_does_not_grow_with_reports(
    client: Client, world: World, story: Story, county_reporter: User
) -> None:
    login_verified(client, world.city_officer)
    url = reverse("stats:dashboard", args=[story.campaign.pk])
    filtered = f"{url}?category=visit&date_from=2020-05-01"
    # The first page of a session stamps it and fills the per-person caches: warm up first.
    assert client.get(url).status_code == 200
    cache.clear()  # as before the second count below
    before, before_filtered = _queries(client, url), _queries(client, filtered)
    extra = make_org(
        name="新华区教育局",
        parent=world.county_a,
        kind="member_unit",
        department="education",
        region_code="410402",
    )
    for n in range(6):
        report = make_report(
            campaign=story.campaign,
            organisation=world.county_a,
            by=county_reporter,
            submit=True,
            title=f"活动{n}",
        )
        accept(report, world.city_officer)
    assert extra.pk
    cache.clear()  # the help requests' figures are kept a few minutes: count them again too
    assert _queries(client, url) == before
    assert _queries(client, filtered) == before_filtered
    # 19: the menu asks whether the person may open the registry, "as of" is one aggregate, and
    # the help requests' section is one grouped count (with none received, nothing more).
    assert before <= 19
