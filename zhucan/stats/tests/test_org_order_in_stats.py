"""Dashboards, the statistical report (统计表) and the duty matrix list organisations as people
expect: the ten Pingdingshan counties by GB/T 2260 code, then the city's departments in the
notice's order; not the departments first because the demo happened to create them first."""

from __future__ import annotations

from typing import TYPE_CHECKING

from zhucan.accounts import demo
from zhucan.accounts.models import User
from zhucan.activities.duty_matrix import duty_matrix
from zhucan.orgs.models import Department
from zhucan.stats import selectors
from zhucan.stats.statistical_report import report_rows
from zhucan.testing.factories import make_campaign

if TYPE_CHECKING:
    from zhucan.campaigns.models import Campaign
    from zhucan.orgs.models import Organisation

COUNTIES = [f"{name}人民政府残疾人工作委员会" for _code, name in demo.COUNTIES]
DEPARTMENTS = ["平顶山市残疾人联合会", *(n for n, _d in demo.CITY_MEMBER_UNITS)]


def _expected(names: list[str]) -> list[str]:
    return [n for n in COUNTIES + DEPARTMENTS if n in names]


def _city_campaign() -> tuple[dict[str, Organisation], User, Campaign]:
    orgs = demo.load()
    officer = User.objects.get(username="city_officer")
    return orgs, officer, make_campaign(issuing_org=orgs["city"], by=officer)


def test_dashboard_lines_come_counties_by_code_then_departments(db: None) -> None:
    orgs, officer, campaign = _city_campaign()
    board = selectors.dashboard(officer, campaign, node=orgs["city"])
    names = [line.name for line in board.lines if not line.is_node]
    assert names[:10] == COUNTIES
    assert names == _expected(names)


def test_statistical_report_rows_in_the_same_order(db: None) -> None:
    orgs, _officer, campaign = _city_campaign()
    rows, _total = report_rows(campaign, orgs["city"])
    labels = [row.label for row in rows]
    assert labels[:-1] == COUNTIES + DEPARTMENTS
    assert labels[-1] == "本级"


def test_duty_matrix_rows_and_departments_in_the_notice_order(db: None) -> None:
    from zhucan.campaigns import demo as campaigns_demo
    from zhucan.campaigns.models import Campaign

    orgs = demo.load()
    campaigns_demo.load()  # the real 2020 notice: seven duties over a dozen departments
    officer = User.objects.get(username="city_officer")
    campaign = Campaign.objects.get(issuing_org=orgs["city"])
    matrix = duty_matrix(officer, campaign)
    rows = [row.organisation for row in matrix.rows]
    names = [org.name for org in rows]
    # The city's departments were created before the counties: the old order put them first.
    first_county = next(n for n, org in enumerate(rows) if org.region_id != "410400")
    first_city_unit = next(n for n, org in enumerate(rows) if org.region_id == "410400")
    assert first_county < first_city_unit, names
    assert [o.sort_path for o in rows] == sorted(o.sort_path for o in rows)
    labels = [str(label) for _value, label in Department.choices]
    departments = [k for k, *_counts in matrix.by_department if k in labels]
    assert len(departments) > 3
    assert departments == [k for k in labels if k in departments]


def test_statistical_report_names_are_neither_cut_nor_out_of_order(db: None) -> None:
    import io
    from datetime import date

    from openpyxl import load_workbook

    from zhucan.stats.statistical_report import statistical_report_workbook

    orgs, _officer, campaign = _city_campaign()
    content = statistical_report_workbook(campaign, orgs["city"], filled_on=date(2020, 5, 20))
    ws = load_workbook(io.BytesIO(content)).active
    assert ws is not None
    labels = [ws.cell(row, 1) for row in range(5, 5 + len(COUNTIES) + len(DEPARTMENTS))]
    assert [c.value for c in labels] == COUNTIES + DEPARTMENTS
    # 15 Chinese characters are 30 of Excel's width units: the old fixed 30 cut them in print.
    assert ws.column_dimensions["A"].width >= 2 * len(COUNTIES[0]) + 2
    assert all(c.alignment.wrap_text for c in labels)
