"""The export of every accepted report holds, cell for cell and in the same order, what a plain
reading of the models gives: whichever way the export reads (in chunks, the database placing
the values on PostgreSQL), the workbook does not change."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone
from openpyxl import load_workbook

from zhucan.accounts.models import User
from zhucan.activities.excel import choice_labels
from zhucan.activities.figures import names as figure_names
from zhucan.activities.models import ActivityReport, Category, Indicator, IndicatorValue, Mode
from zhucan.activities.services import accept_report
from zhucan.campaigns.models import Campaign, Receipt
from zhucan.conftest import World
from zhucan.core.xlsx_stream import StreamingXlsx
from zhucan.orgs.models import Department, Organisation, Region
from zhucan.stats import exports
from zhucan.stats.selectors import NO_FILTERS, Filters, scoped_reports
from zhucan.stats.tests.conftest import Story, households
from zhucan.testing.factories import make_campaign, make_org, make_report, make_user

Row = tuple[Any, ...]


@dataclass
class Tree:
    campaign: Campaign
    indicators: list[Indicator]


def _accepted(world: World, campaign: Campaign, organisation: Organisation, **fields: Any) -> int:
    """A report written in the organisation's county or at the city, accepted by the city."""
    in_county_a = organisation.path.startswith(world.county_a.path)
    report = make_report(
        campaign=campaign,
        organisation=organisation,
        by=world.county_a_officer if in_county_a else city_reporter(world),
        submit=True,
        **fields,
    )
    return accept_report(by=world.city_officer, report=report, version=report.version).pk


def city_reporter(world: World) -> User:
    found = User.objects.filter(username="city_reporter").first()
    return found or make_user(username="city_reporter", org=world.city, role="reporter")


@pytest.fixture
def tree(world: World, story: Story) -> Tree:
    """The story's reports and more: several a day in one organisation (the id decides), units
    in a township and a village (their county is a parent or grandparent), a township straight
    under a city (no county), texts a spreadsheet would misread, unknown
    figures, an amount in yuan, a gap, a fraction of a whole number, and values of another
    campaign's indicator, of a report not accepted and of a report outside the cascade."""
    campaign, city = story.campaign, world.city
    top = max(Indicator.objects.values_list("position", flat=True))
    amount = Indicator.objects.create(
        code="x_subsidy", name="补贴（元）", unit=Indicator.Unit.YUAN, position=top + 1
    )
    people = Indicator.objects.create(code="x_people", name="受益人次", position=top + 2)
    elsewhere = Indicator.objects.create(
        campaign=make_campaign(issuing_org=city, by=world.city_officer),
        code="x_other",
        name="其他",
        position=0,
    )
    township = Region.objects.create(
        code="410402001", name="新华区某街道", level=Region.Level.TOWNSHIP, parent_id="410402"
    )
    village = Region.objects.create(
        code="410402001001", name="某社区", level=Region.Level.VILLAGE, parent=township
    )
    city_township = Region.objects.create(
        code="410400001", name="平顶山市某街道", level=Region.Level.TOWNSHIP, parent_id="410400"
    )
    placed = {}
    for name, parent, region, department in (
        ("新华区某街道残联", world.county_a, township, Department.FEDERATION),
        ("某社区居委会", world.county_a, village, Department.HEALTH),
        ("平顶山市某街道办事处", city, city_township, Department.EDUCATION),
    ):
        unit = make_org(
            name=name,
            parent=parent,
            kind="member_unit",
            region_code=parent.region_id,
            department=department,
        )
        Organisation.objects.filter(pk=unit.pk).update(region=region)  # below a county: no form
        placed[name] = Organisation.objects.get(pk=unit.pk)
        # Made after the notices went out: sent to them as if they had been there.
        for sent in (campaign, story.child):
            Receipt.objects.create(campaign=sent, organisation=unit, sent_at=timezone.now())
    households_pk = households().pk
    day = date(2020, 5, 20)
    ids = [
        _accepted(world, campaign, world.county_a, start_date=day, end_date=day, attendance=None),
        _accepted(
            world,
            campaign,
            world.county_a,
            start_date=day,
            end_date=day,
            category="employment",
            mode="online",
            cash=Decimal("12.30"),
            values={households_pk: Decimal("3"), people.pk: Decimal("7")},
        ),
        _accepted(
            world,
            campaign,
            world.county_a,
            start_date=date(2020, 5, 2),
            end_date=day,
            values={amount.pk: Decimal("1234.50")},
        ),
        _accepted(
            world,
            story.child,
            placed["新华区某街道残联"],
            category="rehabilitation",
            values={amount.pk: Decimal("0.05"), people.pk: Decimal("2")},
        ),
        _accepted(world, campaign, placed["某社区居委会"], mode="both", volunteers=4),
        _accepted(world, campaign, placed["平顶山市某街道办事处"], disabled_served=None),
        _accepted(
            world,
            campaign,
            world.city_unit,
            category="assistance",
            goods_value=Decimal("88.80"),
            start_date=date(2020, 5, 1),
            end_date=date(2020, 5, 1),
        ),
    ]
    ActivityReport.objects.filter(pk=ids[0]).update(title="=SUM(A1:A9)")
    ActivityReport.objects.filter(pk=ids[4]).update(title="<助残> & \x07 日")
    # A count kept from before whole numbers were checked, and a value of another campaign's
    # indicator (not a column here).
    IndicatorValue.objects.filter(report_id=ids[1], indicator=people).update(value=Decimal("7.90"))
    IndicatorValue.objects.create(report_id=ids[1], indicator=elsewhere, value=Decimal("9"))
    IndicatorValue.objects.create(report=story.pending, indicator=people, value=Decimal("5"))
    return Tree(campaign=campaign, indicators=exports.report_indicators(campaign))


def _county(region: Region) -> str:
    parent = region.parent
    if region.level == Region.Level.COUNTY:
        return region.name
    if region.level == Region.Level.TOWNSHIP and parent and parent.level == Region.Level.COUNTY:
        return parent.name
    if region.level == Region.Level.VILLAGE and parent and parent.parent:
        return parent.parent.name
    return ""


def _plain_rows(tree: Tree, node: Organisation, filters: Filters = NO_FILTERS) -> list[Row]:
    """The sheet's rows, read report by report from the models: the organisations in their
    order, each one's reports by start date then id."""
    categories, modes = choice_labels(Category), choice_labels(Mode)
    columns = {i.pk: (n, i.unit == Indicator.Unit.YUAN) for n, i in enumerate(tree.indicators)}
    reports = sorted(
        scoped_reports(tree.campaign, node, filters).select_related(
            "organisation__region__parent__parent"
        ),
        key=lambda r: (r.organisation.sort_path, r.start_date, r.pk),
    )
    rows = []
    for report in reports:
        cells: list[Decimal | int | None] = []
        for value in report.values.all():
            if value.indicator_id not in columns:
                continue
            n, is_yuan = columns[value.indicator_id]
            cells.extend([None] * (n + 1 - len(cells)))
            cells[n] = value.value if is_yuan else int(value.value)
        rows.append(
            (
                report.organisation.name,
                _county(report.organisation.region),
                report.title,
                categories[report.category],
                modes[report.mode],
                report.start_date,
                report.end_date,
                *(getattr(report, name) for name in figure_names()),
                *cells,
            )
        )
    return rows


def _reference(tree: Tree, rows: list[Row]) -> bytes:
    out = io.BytesIO()
    with StreamingXlsx(
        out,
        title="活动情况",
        headers=exports.REPORT_HEADERS + [i.name for i in tree.indicators],
        widths=exports.REPORT_WIDTHS,
    ) as sheet:
        sheet.write_rows(rows)
    return out.getvalue()


def _sheet_xml(workbook: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(workbook)) as opened:
        return opened.read("xl/worksheets/sheet1.xml")


def _cells(workbook: bytes) -> list[list[tuple[Any, str]]]:
    sheet: Any = load_workbook(io.BytesIO(workbook)).active
    return [[(c.value, c.number_format) for c in row] for row in sheet.iter_rows()]


def _export(tree: Tree, node: Organisation, chunk_size: int, filters: Filters) -> bytes:
    out = io.BytesIO()
    exports.write_reports_xlsx(
        out, campaign=tree.campaign, node=node, filters=filters, chunk_size=chunk_size
    )
    return out.getvalue()


@pytest.mark.parametrize("chunk_size", [2, exports.CHUNK_SIZE])
def test_the_workbook_is_the_plain_reading_cell_for_cell(
    world: World, tree: Tree, chunk_size: int
) -> None:
    rows = _plain_rows(tree, world.city)
    assert len(rows) == 11  # the story's four and the seven above; nothing else
    exported = _export(tree, world.city, chunk_size, NO_FILTERS)
    expected = _reference(tree, rows)
    assert _sheet_xml(exported) == _sheet_xml(expected)
    assert _cells(exported) == _cells(expected)


@pytest.mark.parametrize(
    ("node", "filters"),
    [("county_a", NO_FILTERS), ("city", Filters(category="visit", mode="in_person"))],
)
def test_a_subtree_and_filters_keep_the_same_cells(
    world: World, tree: Tree, node: str, filters: Filters
) -> None:
    rows = _plain_rows(tree, getattr(world, node), filters)
    assert 0 < len(rows) < 11
    exported = _export(tree, getattr(world, node), 3, filters)
    assert _sheet_xml(exported) == _sheet_xml(_reference(tree, rows))


def test_what_the_plain_reading_expects_is_what_people_see(world: World, tree: Tree) -> None:
    """The reference itself, opened as a spreadsheet: the order, the county worked out from a
    township or a village, the texts kept as text, the units of the indicator columns."""
    header, *body = _cells(_reference(tree, _plain_rows(tree, world.city)))
    names = [name for name, _format in header]
    by_org: dict[str, list[list[tuple[Any, str]]]] = {}
    for row in body:
        by_org.setdefault(row[0][0], []).append(row)
    # The tree's order: a committee, then its members in the notices' order of departments
    # (残联, 民政, 卫健 …), the counties before the city's members.
    assert list(by_org) == [
        world.county_a.name,
        "新华区某街道残联",
        world.county_a_unit.name,
        "某社区居委会",
        world.county_b.name,
        world.city_unit.name,
        "平顶山市某街道办事处",
    ]
    assert [r[5][0] for r in by_org[world.county_a.name]] == [
        datetime(2020, 5, 2),  # noqa: DTZ001 - a spreadsheet's date has no zone
        datetime(2020, 5, 15),  # noqa: DTZ001
        datetime(2020, 5, 20),  # noqa: DTZ001
        datetime(2020, 5, 20),  # noqa: DTZ001
    ]
    assert {org: rows[0][1][0] for org, rows in by_org.items()} == {
        world.county_a.name: "新华区",
        world.county_a_unit.name: "新华区",
        "新华区某街道残联": "新华区",
        "某社区居委会": "新华区",
        world.county_b.name: "叶县",
        world.city_unit.name: None,
        "平顶山市某街道办事处": None,
    }
    assert by_org[world.county_a.name][2][2][0] == "=SUM(A1:A9)"
    assert by_org["某社区居委会"][0][2][0] == "<助残> &  日"
    subsidy, people = names.index("补贴（元）"), names.index("受益人次")
    township = by_org["新华区某街道残联"][0]
    assert township[subsidy] == (0.05, "#,##0.00") and township[people] == (2, "#,##0")
    assert by_org[world.county_a.name][3][people] == (7, "#,##0")  # 7.90 as a whole number
    assert "其他" not in names


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's own reading")
def test_postgresql_places_the_values_as_the_generic_reading_does(
    world: World, tree: Tree, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL gathers each report's values in the reports' own query and places them from
    arrays; any other database reads them a chunk at a time and places them one by one."""
    reports = scoped_reports(
        tree.campaign, world.city, NO_FILTERS, cascade=exports._cascade(tree.campaign)
    )

    def rows() -> list[Row]:
        return [
            row
            for _count, chunk in exports._report_rows(reports, tree.indicators, 3, None)
            for row in chunk
        ]

    postgresql = rows()
    monkeypatch.setattr(connection, "vendor", "generic")
    generic = rows()
    assert postgresql == generic
    assert len(generic) == 11
    figures = len(figure_names()) + 7
    assert {type(v) for row in generic for v in row[figures:]} == {int, Decimal, type(None)}
