"""The statistical report (统计表): the fixed layout the office above asks for, with the
dashboard's figures, numbers (never formulas) in the totals, and A4 landscape print setup."""

from __future__ import annotations

import io
from decimal import Decimal

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from zhucan.campaigns.models import Campaign
from zhucan.conftest import World
from zhucan.orgs.models import Organisation
from zhucan.stats import selectors
from zhucan.stats.tests.conftest import Story, households
from zhucan.testing.auth import login_verified


def _url(campaign: Campaign, node: Organisation | None = None) -> str:
    url = reverse("stats:statistical_report", args=[campaign.pk])
    return f"{url}?node={node.pk}" if node is not None else url


def _sheet(client: Client, campaign: Campaign, node: Organisation | None = None) -> Worksheet:
    response = client.get(_url(campaign, node))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert isinstance(sheet, Worksheet)
    return sheet


def _headings(ws: Worksheet) -> list[str]:
    """Each column's heading as 'group/heading' (or the single heading)."""
    found = []
    for column in range(1, ws.max_column + 1):
        group, heading = ws.cell(3, column).value, ws.cell(4, column).value
        if group is None:  # inside a merged group: the group is to the left
            left = column - 1
            while ws.cell(3, left).value is None:
                left -= 1
            group = ws.cell(3, left).value
        assert isinstance(group, str), column  # every column has a heading in row 3
        found.append(f"{group}/{heading}" if heading else group)
    return found


def _rows(ws: Worksheet) -> dict[str, dict[str, object]]:
    headings = _headings(ws)
    rows: dict[str, dict[str, object]] = {}
    for row in ws.iter_rows(min_row=5, values_only=True):
        if row[0] in (None, "") or str(row[0]).startswith(("说明", "填表人")):
            continue
        assert isinstance(row[0], str), row  # a row is named by its organisation, or 合计
        rows[row[0]] = dict(zip(headings, row, strict=False))
    return rows


def test_title_header_and_layout(client: Client, world: World, story: Story) -> None:
    login_verified(client, world.city_officer)
    ws = _sheet(client, story.campaign, world.city)
    last = get_column_letter(ws.max_column)
    assert ws["A1"].value == f"{story.campaign.year}年全国助残日活动统计表"
    assert ws["A2"].value == f"填报单位：{world.city.name}"
    filled = next(c.value for c in ws[2] if c.value and str(c.value).startswith("填报日期："))
    assert isinstance(filled, str) and filled.endswith("日")
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {f"A1:{last}1", "A3:A4", "B3:D3", "H3:I3", "J3:K3", "E3:E4"} <= merged
    headings = _headings(ws)
    assert headings[:12] == [
        "单位",
        "活动/场次",
        "活动/线上",
        "活动/线下",
        "参与人数",
        "服务残疾人",
        "志愿者",
        "慰问/困难家庭户数",
        "慰问/机构数",
        "资金物资/慰问金/元",
        "资金物资/物资折款/元",
        headings[11],
    ]
    assert households().name in headings  # the campaign's indicators follow
    assert ws["B4"].border.left.style == "thin" and ws["A3"].font.bold
    assert ws.freeze_panes == "B5"
    footer = [c.value for row in ws.iter_rows(min_row=ws.max_row) for c in row if c.value]
    assert footer == ["填表人：", "审核人：", "联系电话："]


def test_a_childs_figures_equal_the_dashboards(client: Client, world: World, story: Story) -> None:
    login_verified(client, world.city_officer)
    rows = _rows(_sheet(client, story.campaign, world.city))
    board = selectors.dashboard(world.city_officer, story.campaign, node=world.city)
    line = next(li for li in board.lines if li.organisation_id == world.county_a.pk)
    county_a = rows[world.county_a.name]
    assert county_a["活动/场次"] == line.reports == 2
    assert county_a["参与人数"] == line.get("attendance") == 70
    assert county_a["服务残疾人"] == line.get("disabled_served") == 17
    assert county_a["志愿者"] == line.get("volunteers") == 3
    assert county_a["慰问/困难家庭户数"] == line.get("households") == 10
    assert county_a["慰问/机构数"] == 1  # the welfare home
    assert Decimal(str(county_a["资金物资/慰问金/元"])) == line.get("cash")
    assert county_a["活动/线上"] == 1 and county_a["活动/线下"] == 1
    assert county_a[households().name] == 15
    # Every child is listed, even without a figure, the counties by code before the city's
    # departments; the city filed nothing itself.
    assert list(rows) == [
        world.county_a.name,
        world.county_b.name,
        world.city_unit.name,
        "本级",
        "合计",
    ]
    assert rows["本级"]["活动/场次"] == 0


def test_the_total_row_is_numbers_equal_to_the_dashboards_total(
    client: Client, world: World, story: Story
) -> None:
    login_verified(client, world.city_officer)
    ws = _sheet(client, story.campaign, world.city)
    rows = _rows(ws)
    board = selectors.dashboard(world.city_officer, story.campaign, node=world.city)
    total = rows["合计"]
    assert total["活动/场次"] == board.total.reports == 4
    assert total["服务残疾人"] == board.total.get("disabled_served") == 24
    assert Decimal(str(total["资金物资/慰问金/元"])) == Decimal("1300.50")
    assert not [c for row in ws.iter_rows() for c in row if c.data_type == "f"]
    total_row = next(r for r in ws.iter_rows(min_row=5) if r[0].value == "合计")
    assert total_row[0].font.bold
    cash = _headings(ws).index("资金物资/慰问金/元")
    assert total_row[cash].number_format == "#,##0.00"
    assert total_row[1].number_format == "#,##0"


def test_print_setup_is_a4_landscape_fit_to_width_with_the_header_repeated(
    client: Client, world: World, story: Story
) -> None:
    login_verified(client, world.city_officer)
    ws = _sheet(client, story.campaign, world.city)
    setup, fit = ws.page_setup, ws.sheet_properties.pageSetUpPr
    assert setup.paperSize is not None and fit is not None
    assert setup.fitToWidth is not None and setup.fitToHeight is not None
    assert setup.orientation == "landscape"
    assert int(setup.paperSize) == 9  # A4
    assert fit.fitToPage
    assert int(setup.fitToWidth) == 1 and int(setup.fitToHeight) == 0
    assert ws.print_title_rows == "$3:$4"


def test_a_county_node_has_its_unit_and_its_own_reports(
    client: Client, world: World, story: Story
) -> None:
    login_verified(client, world.county_a_officer)
    rows = _rows(_sheet(client, story.campaign, world.county_a))
    assert list(rows) == [world.county_a_unit.name, "本级", "合计"]
    assert rows["本级"]["服务残疾人"] == 12 and rows["合计"]["服务残疾人"] == 17


def test_without_node_it_is_the_top_of_the_persons_view(
    client: Client, world: World, story: Story
) -> None:
    login_verified(client, world.county_b_officer)
    ws = _sheet(client, story.campaign)
    assert ws["A2"].value == f"填报单位：{world.county_b.name}"


def test_names_that_look_like_formulas_stay_text(
    client: Client, world: World, story: Story
) -> None:
    type(world.city_unit).objects.filter(pk=world.city_unit.pk).update(name="=1+1")
    login_verified(client, world.city_officer)
    ws = _sheet(client, story.campaign, world.city)
    cell = next(r[0] for r in ws.iter_rows(min_row=5) if r[0].value == "=1+1")
    assert cell.data_type == "s" and cell.quotePrefix


def test_outside_the_jurisdiction_or_the_campaigns_tree_is_404(
    client: Client, world: World, story: Story
) -> None:
    login_verified(client, world.county_b_officer)
    assert client.get(_url(story.campaign, world.county_a)).status_code == 404
    login_verified(client, world.county_a_officer)
    # County A's own campaign has no figures above county A.
    assert client.get(_url(story.child, world.city)).status_code == 404
    assert client.get(f"{_url(story.campaign)}?node=abc").status_code == 404


def test_queries_do_not_grow_with_the_reports(client: Client, world: World, story: Story) -> None:
    login_verified(client, world.city_officer)
    client.get(_url(story.campaign, world.city))  # sessions, caches
    with CaptureQueriesContext(connection) as captured:
        client.get(_url(story.campaign, world.city))
    # 17: the page's 13, and the download's audit entry (savepoint, insert, release) and count.
    assert len(captured) <= 17, [q["sql"] for q in captured]
