"""Activity reports in Excel: the template, the dry run, the import, the export."""

from __future__ import annotations

import io
import re
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from zhucan.accounts.models import User
from zhucan.activities.excel import COLUMNS, IMPORT_ACTION, check_file
from zhucan.activities.models import ActivityReport, Indicator
from zhucan.activities.tests.conftest import run_worker
from zhucan.campaigns.models import Campaign
from zhucan.conftest import World
from zhucan.core.excel import XLSX_CONTENT_TYPE
from zhucan.core.models import AuditEntry
from zhucan.testing.auth import login_verified
from zhucan.testing.factories import make_campaign, make_report

if TYPE_CHECKING:
    # What the test client returns (a response with the request and context attached).
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

HEADERS = [header for _f, header, _r, _k in COLUMNS]


def _row(org: str, title: str = "走访慰问困难残疾人家庭", **cells: Any) -> list[Any]:
    values = {
        "单位名称": org,
        "活动名称": title,
        "类别": "慰问",
        "开始日期": date(2020, 5, 15),
        "结束日期": date(2020, 5, 17),
        "形式": "线下",
        "地点": "新华区",
        "参与人数": 20,
        "服务残疾人数": 12,
        "志愿者人数": 3,
        "慰问金（元）": 7000.5,
        "物资折款（元）": 1200,
        "活动简介": "走访困难家庭。",
        "防控措施": "佩戴口罩",
    } | cells
    return [values.get(h) for h in [*HEADERS, *[k for k in values if k not in HEADERS]]]


def _xlsx(rows: list[list[Any]], headers: list[str] | None = None) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(headers or HEADERS)
    for row in rows:
        ws.append(row)
    for line in ws.iter_rows(min_row=2):
        for cell in line:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # typed as text, not a formula
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _upload(data: bytes, name: str = "活动.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=XLSX_CONTENT_TYPE)


def _url(campaign: Campaign, name: str = "import") -> str:
    return reverse(f"activities:{name}", kwargs={"campaign_pk": campaign.pk})


def _check(client: Client, campaign: Campaign, data: bytes) -> TestResponse:
    return client.post(_url(campaign), {"file": _upload(data)})


def _token(response: TestResponse) -> str:
    token: str = response.context["confirm_form"].initial["token"]
    return token


def _confirm(
    client: Client,
    campaign: Campaign,
    data: bytes,
    token: str,
    scope: str = "all",
    work: bool = True,
) -> TestResponse:
    """Confirm the import; when it was queued (a redirect to its progress page), let the
    background worker run it unless ``work`` is False."""
    response = client.post(
        _url(campaign),
        {"confirm-file": _upload(data), "confirm-token": token, "confirm-scope": scope},
    )
    if work and response.status_code == 302:
        run_worker()
    return response


@pytest.fixture
def reporter_client(client: Client, county_reporter: User) -> Client:
    login_verified(client, county_reporter)
    return client


def _good_file(world: World, n: int = 3) -> bytes:
    return _xlsx([_row(world.county_a.name, title=f"活动{i}") for i in range(1, n + 1)])


# --- The template ------------------------------------------------------------------------


def test_the_template_has_the_headers_lists_and_notes(
    reporter_client: Client, world: World, campaign: Campaign
) -> None:
    extra = Indicator.objects.create(campaign=campaign, code="meals", name="送餐份数", position=99)
    response = reporter_client.get(_url(campaign, "template"))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    workbook = load_workbook(io.BytesIO(response.content))
    data, notes = workbook["活动情况"], workbook["填写说明"]
    assert workbook.sheetnames[0] == "活动情况"  # the import reads the first sheet
    headers = [c.value for c in data[1]]
    assert headers[:14] == [
        "单位名称",
        "活动名称",
        "类别",
        "开始日期",
        "结束日期",
        "形式",
        "地点",
        "参与人数",
        "服务残疾人数",
        "志愿者人数",
        "慰问金（元）",
        "物资折款（元）",
        "活动简介",
        "防控措施",
    ]
    assert headers[14] == "走访慰问困难家庭户数" and headers[-1] == extra.name
    assert data.freeze_panes == "A2"
    assert data.max_row == 1  # no example rows that would be imported by mistake
    notes_text = " ".join(str(c.value) for line in notes.iter_rows() for c in line if c.value)
    for label in ("慰问", "宣传", "文体", "线上", "线下", "线上线下结合", world.county_a.name):
        assert label in notes_text
    assert world.county_b.name not in notes_text  # only where this person may report
    lists = {str(v.sqref): v.formula1 for v in data.data_validations.dataValidation}
    assert set(lists) == {"A2:A1001", "C2:C1001", "F2:F1001"}
    assert all(f.startswith("'填写说明'!$A$") for f in lists.values())
    category_cells = notes[lists["C2:C1001"].split("!")[1].replace("$", "")]
    assert [row[0].value for row in category_cells][:2] == ["慰问", "宣传"]


def test_the_empty_template_checks_as_empty(world: World, campaign: Campaign) -> None:
    from zhucan.activities.excel import build_template

    data = build_template(campaign=campaign, recipients=[world.county_a])
    check = check_file(data=data, campaign=campaign, recipients=[world.county_a])
    assert [p.message for p in check.problems] == ["The sheet has a header row but no reports."]


def test_other_jurisdictions_and_forged_campaigns_get_404(
    client: Client, world: World, campaign: Campaign
) -> None:
    county_b_campaign = make_campaign(
        issuing_org=world.county_b, by=world.county_b_officer, publish=False
    )
    login_verified(client, world.county_a_officer)
    for name in ("template", "import"):
        assert client.get(_url(county_b_campaign, name)).status_code == 404
        assert client.post(_url(county_b_campaign, name)).status_code == 404
        missing = reverse(f"activities:{name}", kwargs={"campaign_pk": 999999})
        assert client.get(missing).status_code == 404
    client.logout()
    login_verified(client, world.outsider)
    assert client.get(_url(campaign)).status_code == 404


def test_people_who_report_for_no_recipient_get_403(
    client: Client, world: World, campaign: Campaign
) -> None:
    from zhucan.testing.factories import make_user

    viewer = make_user(org=world.county_a, role="viewer")
    login_verified(client, viewer)
    assert client.get(_url(campaign)).status_code == 403
    assert client.get(_url(campaign, "template")).status_code == 403


# --- Dry run and import ------------------------------------------------------------------


def test_a_valid_file_imports_every_row_as_drafts_in_one_go(
    reporter_client: Client, world: World, campaign: Campaign
) -> None:
    households = Indicator.objects.get(campaign=None, code="households_visited")
    data = _xlsx(
        [_row(world.county_a.name, title=f"活动{i}", 走访慰问困难家庭户数=i) for i in (1, 2, 3)],
        headers=[*HEADERS, "走访慰问困难家庭户数"],
    )
    response = _check(reporter_client, campaign, data)
    assert response.status_code == 200
    check = response.context["check"]
    assert check.problems == [] and len(check.valid_rows) == 3
    page = response.content.decode()
    assert "Import all" in page and "Import only" not in page
    assert ActivityReport.objects.count() == 0  # nothing before the confirmation

    response = _confirm(reporter_client, campaign, data, _token(response))
    assert response.status_code == 302
    reports = list(ActivityReport.objects.order_by("title"))
    assert [r.title for r in reports] == ["活动1", "活动2", "活动3"]
    assert {r.status for r in reports} == {ActivityReport.Status.DRAFT}
    assert len({r.client_id for r in reports}) == 3
    first = reports[0]
    assert (first.organisation, first.category, first.mode) == (
        world.county_a,
        "visit",
        "in_person",
    )
    assert (first.start_date, first.end_date) == (date(2020, 5, 15), date(2020, 5, 17))
    assert (first.cash, first.goods_value, first.volunteers) == (
        Decimal("7000.50"),
        Decimal("1200.00"),
        3,
    )
    assert first.values.get(indicator=households).value == 1
    entry = AuditEntry.objects.get(action=IMPORT_ACTION)
    assert entry.changes["reports"] == 3 and len(entry.changes["sha256"]) == 64
    assert entry.changes["organisation"] == world.county_a.pk
    assert entry.org_path == world.county_a.path


def test_three_bad_rows_are_listed_and_nothing_is_saved(
    reporter_client: Client, world: World, campaign: Campaign
) -> None:
    name = world.county_a.name
    data = _xlsx(
        [
            _row(name, title="好的一行"),
            _row(world.county_b.name),  # row 3: not this person's organisation
            _row(name, 类别="联欢", 参与人数=-3),  # row 4: two problems
            _row(name, title='=HYPERLINK("x")', 类别="visit", 形式="in_person"),  # fine
            _row(name, 开始日期="2020-05-18", **{"慰问金（元）": "12.345"}),  # row 6: two problems
        ]
    )
    response = _check(reporter_client, campaign, data)
    check = response.context["check"]
    problems = [(p.row, p.column, p.header, p.message) for p in check.sorted_problems()]
    assert problems == [
        (
            3,
            "A",
            "单位名称",
            f"{world.county_b.name} is not one of the organisations you can report for in this "
            "campaign. Use a name from the template's list.",
        ),
        (
            4,
            "C",
            "类别",
            "Unknown value “联欢”. Choose one of: "
            "慰问、宣传、就业服务、康复、教育、帮扶、文体、其他.",
        ),
        (4, "H", "参与人数", "Numbers of people cannot be negative."),
        (6, "E", "结束日期", "The end date is before the start date."),
        (6, "K", "慰问金（元）", "Amounts in yuan have at most two decimals."),
    ]
    assert [r.row for r in check.valid_rows] == [2, 5]
    page = response.content.decode()
    assert "Import only the 2 valid rows" in page and "Import all" not in page
    assert "Nothing was saved" in page
    assert ActivityReport.objects.count() == 0
    assert not AuditEntry.objects.filter(action__startswith="activities.").exists()

    # "Import all" cannot be forced while there are problems.
    response = _confirm(reporter_client, campaign, data, _token(response), scope="all")
    assert response.status_code == 200
    assert ActivityReport.objects.count() == 0


def test_only_the_valid_rows_when_asked(
    reporter_client: Client, world: World, campaign: Campaign
) -> None:
    name = world.county_a.name
    data = _xlsx(
        [
            _row(name, title="第一"),
            _row(name, 开始日期="不是日期"),
            _row(name, title="=1+1", 参与人数=2.5),
            _row(name, title="=SUM(A1:A2)"),
        ]
    )
    response = _check(reporter_client, campaign, data)
    problems = [(p.row, p.column) for p in response.context["check"].sorted_problems()]
    assert problems == [(3, "D"), (4, "H")]
    response = _confirm(reporter_client, campaign, data, _token(response), scope="valid")
    assert response.status_code == 302
    titles = sorted(ActivityReport.objects.values_list("title", flat=True))
    assert titles == ["=SUM(A1:A2)", "第一"]  # a formula-looking text is just text
    assert AuditEntry.objects.get(action=IMPORT_ACTION).changes["reports"] == 2


def test_the_same_file_twice_is_refused(
    reporter_client: Client, world: World, campaign: Campaign
) -> None:
    data = _good_file(world, 2)
    response = _check(reporter_client, campaign, data)
    assert _confirm(reporter_client, campaign, data, _token(response)).status_code == 302
    assert ActivityReport.objects.count() == 2

    response = _check(reporter_client, campaign, data)
    check = response.context["check"]
    assert len(check.problems) == 1 and check.problems[0].row is None
    assert "already imported for 新华区人民政府残疾人工作委员会" in check.problems[0].message
    assert check.valid_rows == [] and response.context["confirm_form"] is None
    assert ActivityReport.objects.count() == 2


def test_a_confirmation_with_another_file_imports_nothing(
    reporter_client: Client, world: World, campaign: Campaign
) -> None:
    response = _check(reporter_client, campaign, _good_file(world, 2))
    other = _good_file(world, 3)
    response = _confirm(reporter_client, campaign, other, _token(response))
    assert response.status_code == 200
    assert "not the file whose report you read" in response.content.decode()
    assert ActivityReport.objects.count() == 0
    # …and the report shown is for the new file, with a fresh token.
    assert len(response.context["check"].valid_rows) == 3
    response = _confirm(reporter_client, campaign, other, _token(response))
    assert response.status_code == 302 and ActivityReport.objects.count() == 3


def test_a_forged_token_imports_nothing(
    reporter_client: Client, world: World, campaign: Campaign
) -> None:
    data = _good_file(world, 1)
    response = _confirm(reporter_client, campaign, data, "forged:token")
    assert response.status_code == 200
    assert ActivityReport.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("活动.xlsx", "单位名称,活动名称\n新华区,慰问\n".encode(), "does not match its name"),
        ("活动.csv", b"a,b\n", "cannot be attached"),
    ],
)
def test_a_file_that_is_not_a_workbook_is_refused(
    reporter_client: Client, campaign: Campaign, name: str, content: bytes, message: str
) -> None:
    response = reporter_client.post(_url(campaign), {"file": _upload(content, name)})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert response.context["check"] is None


def test_labels_codes_and_date_spellings_are_accepted(
    world: World, campaign: Campaign, county_reporter: User
) -> None:
    name = world.county_a.name
    data = _xlsx(
        [
            _row(
                name,
                类别="宣传",
                形式="线上线下结合",
                开始日期="2020/5/15",
                结束日期="2020年5月17日",
            ),
            _row(name, 类别="culture_sports", 形式="Online (线上)", 开始日期=20200515),
            _row(name, title="走访慰问", **{"慰问金（元）": "1,200.50"}, 参与人数="30"),
        ]
    )
    check = check_file(data=data, campaign=campaign, recipients=[world.county_a])
    assert check.problems == []
    first, second, third = (r.data for r in check.rows)
    assert first is not None and second is not None and third is not None, "all rows read"
    assert (first.category, first.mode, first.end_date) == ("publicity", "both", date(2020, 5, 17))
    assert (second.category, second.mode, second.start_date) == (
        "culture_sports",
        "online",
        date(2020, 5, 15),
    )
    assert (third.cash, third.attendance) == (Decimal("1200.50"), 30)


def test_a_missing_column_and_an_unknown_one_are_file_problems(
    world: World, campaign: Campaign
) -> None:
    headers = [h for h in HEADERS if h != "形式"] + ["备注"]
    data = _xlsx([[world.county_a.name, "活动"]], headers=headers)
    check = check_file(data=data, campaign=campaign, recipients=[world.county_a])
    messages = sorted(p.message for p in check.problems)
    assert messages == [
        "The column “形式” is missing. Use the header row of the template.",
        "Unknown column “备注”. Use the header row of this campaign's template.",
    ]
    assert check.valid_rows == []


def test_indicator_values_follow_their_unit(world: World, campaign: Campaign) -> None:
    Indicator.objects.create(
        campaign=campaign, code="fund", name="专项资金", unit=Indicator.Unit.YUAN, position=99
    )
    headers = [*HEADERS, "走访慰问困难家庭户数", "专项资金"]
    data = _xlsx(
        [
            _row(world.county_a.name, 走访慰问困难家庭户数=3.5, 专项资金="10.001"),
            _row(world.county_a.name, 走访慰问困难家庭户数="x", 专项资金=10.5),
        ],
        headers=headers,
    )
    check = check_file(data=data, campaign=campaign, recipients=[world.county_a])
    problems = [(p.row, p.header, p.message) for p in check.sorted_problems()]
    assert problems == [
        (2, "走访慰问困难家庭户数", "Write a whole number."),
        (2, "专项资金", "Amounts in yuan have at most two decimals."),
        (3, "走访慰问困难家庭户数", "“x” is not a number."),
    ]


# --- The export --------------------------------------------------------------------------


def _export(client: Client, **query: str) -> Worksheet:
    response = client.get(reverse("activities:export"), query)
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    return load_workbook(io.BytesIO(response.content))["活动情况"]


def test_the_export_lists_visible_reports_with_labels_and_safe_text(
    client: Client, world: World, campaign: Campaign, county_reporter: User
) -> None:
    households = Indicator.objects.get(campaign=None, code="households_visited")
    make_report(
        campaign=campaign,
        organisation=world.county_a,
        by=county_reporter,
        title='=HYPERLINK("http://evil","点我")',
        cash=Decimal("1234.5"),
        values={households.pk: Decimal(35)},
        submit=True,
    )
    make_report(
        campaign=campaign,
        organisation=world.county_b,
        by=world.county_b_officer,
        title="+叶县活动",
    )
    login_verified(client, world.county_a_officer)
    ws = _export(client)
    headers = [c.value for c in ws[1]]
    assert headers[:4] == ["单位名称", "所属工作", "活动名称", "类别"]
    assert "走访慰问困难家庭户数" in headers
    rows = list(ws.iter_rows(min_row=2))
    assert len(rows) == 1  # county B's report is not county A's to see
    cells = dict(zip(headers, rows[0], strict=True))
    title = cells["活动名称"]
    assert title.data_type == "s" and title.value == '=HYPERLINK("http://evil","点我")'
    assert cells["单位名称"].value == world.county_a.name
    assert (cells["类别"].value, cells["形式"].value) == ("慰问", "线下")
    assert cells["慰问金（元）"].value == 1234.5
    assert cells["慰问金（元）"].number_format == "#,##0.00"
    started = cells["开始日期"].value
    assert isinstance(started, datetime) and started.date() == date(2020, 5, 15)
    assert cells["状态"].value == "已提交"
    assert cells["走访慰问困难家庭户数"].value == 35

    client.logout()
    login_verified(client, world.city_officer)
    ws = _export(client)
    titles = sorted((r[2].value for r in ws.iter_rows(min_row=2)), key=str)
    assert titles == ["+叶县活动", '=HYPERLINK("http://evil","点我")']
    assert all(r[2].data_type == "s" for r in ws.iter_rows(min_row=2))
    ws = _export(client, status="draft")
    assert [r[2].value for r in ws.iter_rows(min_row=2)] == ["+叶县活动"]
    other = make_campaign(issuing_org=world.city, by=world.city_officer)
    assert _export(client, campaign=str(other.pk)).max_row == 1


def test_the_export_query_count_does_not_grow_with_the_reports(
    client: Client, world: World, campaign: Campaign
) -> None:
    households = Indicator.objects.get(campaign=None, code="households_visited")

    def add(n: int) -> None:
        for i in range(n):
            make_report(
                campaign=campaign,
                organisation=world.county_a,
                by=world.county_a_officer,
                title=f"活动{i}",
                values={households.pk: Decimal(i)},
            )

    login_verified(client, world.city_officer)
    # The first page of a session stamps it and fills the per-person caches: warm up first.
    _export(client, campaign=str(campaign.pk))
    add(2)
    with CaptureQueriesContext(connection) as few:
        _export(client, campaign=str(campaign.pk))
    add(8)
    with CaptureQueriesContext(connection) as many:
        ws = _export(client, campaign=str(campaign.pk))
    assert ws.max_row == 11
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


def test_the_export_is_a_download_for_someone_without_reports(client: Client, world: World) -> None:
    login_verified(client, world.outsider)
    ws = _export(client)
    assert ws.max_row == 1
    assert re.match("单位名称", ws["A1"].value)
