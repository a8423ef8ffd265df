"""Re-importing a corrected Excel file: every row has a stable identity (its report's client_id,
a UUID5 of campaign, organisation, title, category, start date and place), so a report is never
made twice; rows already imported are listed and skipped, the rows that failed before are
imported."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from zhucan.accounts.models import User
from zhucan.activities.excel import check_file, row_client_id
from zhucan.activities.models import ActivityReport, ImportJob
from zhucan.activities.services import save_report
from zhucan.activities.services.reports import REPORT_FIELDS, ReportInput
from zhucan.activities.tests.test_excel import _check, _confirm, _row, _token, _xlsx
from zhucan.campaigns.models import Campaign
from zhucan.conftest import World
from zhucan.testing.auth import login_verified


@pytest.fixture
def reporter_client(client: Client, county_reporter: User) -> Client:
    login_verified(client, county_reporter)
    return client


def _titles() -> list[str]:
    return sorted(ActivityReport.objects.values_list("title", flat=True))


def test_the_same_file_twice_doubles_nothing(
    reporter_client: Client, world: World, campaign: Campaign
) -> None:
    name = world.county_a.name
    rows = [_row(name, title="慰问"), _row(name, title="宣传", 类别="宣传")]
    data = _xlsx(rows)
    assert (
        _confirm(
            reporter_client, campaign, data, _token(_check(reporter_client, campaign, data))
        ).status_code
        == 302
    )
    assert _titles() == ["宣传", "慰问"]

    # The same file again is refused outright…
    response = _check(reporter_client, campaign, data)
    assert response.context["confirm_form"] is None
    # …and the same rows saved again (another digest: a blank line, the rows swapped) are
    # all found already imported.
    again = _xlsx([rows[1], [None] * len(rows[0]), rows[0]])
    response = _check(reporter_client, campaign, again)
    check = response.context["check"]
    assert check.problems == [] and check.valid_rows == []
    assert [r.row for r in check.already_imported] == [2, 4]
    page = response.content.decode()
    assert "Already imported (row 2)." in page and "Already imported (row 4)." in page
    assert "there is nothing more to import" in page
    assert response.context["confirm_form"] is None
    assert _titles() == ["宣传", "慰问"]


def test_a_corrected_file_adds_only_the_rows_that_failed_before(
    reporter_client: Client, world: World, campaign: Campaign
) -> None:
    name = world.county_a.name
    first = _xlsx(
        [
            _row(name, title="第一"),
            _row(name, title="第二", 开始日期="五月十五日"),  # row 3: not a date
            _row(name, title="第三", 参与人数=-1),  # row 4: negative
            _row(name, title="第四"),
        ]
    )
    response = _check(reporter_client, campaign, first)
    assert [p.row for p in response.context["check"].problems] == [3, 4]
    assert (
        _confirm(reporter_client, campaign, first, _token(response), scope="valid").status_code
        == 302
    )
    assert _titles() == ["第一", "第四"]

    # The same rows, two of them corrected; a figure of an imported row changed too.
    corrected = _xlsx(
        [
            _row(name, title="第一", 参与人数=25),
            _row(name, title="第二", 开始日期=date(2020, 5, 15)),
            _row(name, title="第三", 参与人数=10),
            _row(name, title="第四"),
        ]
    )
    response = _check(reporter_client, campaign, corrected)
    check = response.context["check"]
    assert check.problems == []
    assert [r.row for r in check.valid_rows] == [3, 4]
    assert [r.row for r in check.already_imported] == [2, 5]
    assert "Import all" in response.content.decode()
    assert _confirm(reporter_client, campaign, corrected, _token(response)).status_code == 302

    assert _titles() == ["第一", "第三", "第二", "第四"]
    # The row imported before keeps its figures: it is changed in the app, not by re-importing.
    assert ActivityReport.objects.get(title="第一").attendance == 20
    job = ImportJob.objects.latest("id")
    assert job.imported == 2
    assert [s["row"] for s in job.skipped] == [2, 5]
    assert job.skipped[0]["message"] == "Already imported (row 2)."


def test_identity_ignores_spacing_and_width_but_not_category(
    world: World, campaign: Campaign
) -> None:
    name = world.county_a.name
    data = _xlsx(
        [
            _row(name, title="助残日 活动", 地点="新华区"),
            _row(name, title="助残日活动", 地点="新华区"),  # a different title
            _row(name, title=" 助残日  活动 ", 地点="新华区 "),  # row 4: row 2 again
            _row(name, title="助残日 活动", 地点="新华区", 类别="宣传"),  # another category
        ]
    )
    check = check_file(data=data, campaign=campaign, recipients=[world.county_a])
    assert [(p.row, p.column) for p in check.problems] == [(4, "B")]
    assert "The same activity as row 2" in check.problems[0].message
    assert [r.row for r in check.valid_rows] == [2, 3, 5]
    ids = [r.client_id for r in check.rows]
    assert ids[0] == ids[2] and len({ids[0], ids[1], ids[3]}) == 3


def test_changing_an_imported_report_in_the_app_does_not_make_it_new(
    reporter_client: Client, world: World, campaign: Campaign, county_reporter: User
) -> None:
    """The identity is fixed when the report is made: a title corrected in the app later does
    not make the old file's row look new."""
    data = _xlsx([_row(world.county_a.name, title="慰问活动")])
    _confirm(reporter_client, campaign, data, _token(_check(reporter_client, campaign, data)))
    report = ActivityReport.objects.get()
    values = {name: getattr(report, name) for name in REPORT_FIELDS}
    save_report(
        by=county_reporter,
        campaign=campaign,
        organisation=world.county_a,
        data=ReportInput(**(values | {"title": "慰问困难家庭活动"})),
        client_id=report.client_id,
        version=report.version,
    )
    again = _xlsx([_row(world.county_a.name, title="慰问活动"), [None]])
    check = check_file(data=again, campaign=campaign, recipients=[world.county_a])
    assert [r.row for r in check.already_imported] == [2]
    assert ActivityReport.objects.count() == 1


def test_identity_is_per_organisation_and_campaign(world: World, campaign: Campaign) -> None:
    data = _xlsx([_row(world.county_a.name), _row(world.county_b.name)])
    check = check_file(data=data, campaign=campaign, recipients=[world.county_a, world.county_b])
    a, b = check.rows
    assert a.client_id != b.client_id
    assert a.data is not None
    assert a.client_id == row_client_id(campaign=campaign, organisation=world.county_a, data=a.data)
