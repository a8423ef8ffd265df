"""Activity dates are checked against today and the campaign: impossible dates are refused,
dates outside the campaign's year are saved only once the person confirms them."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from zhucan.accounts.models import User
from zhucan.activities.dates import CONFIRM_FIELD
from zhucan.activities.excel import check_file
from zhucan.activities.models import ActivityReport
from zhucan.activities.services import ReportInput, save_report
from zhucan.activities.tests.test_excel import _confirm, _row, _token, _upload, _url, _xlsx
from zhucan.activities.tests.test_report_pages import form_data
from zhucan.campaigns.models import Campaign
from zhucan.conftest import World
from zhucan.core.errors import DomainError
from zhucan.core.models import AuditEntry
from zhucan.testing.auth import login_verified


def data(**overrides: Any) -> ReportInput:
    values: dict[str, Any] = {
        "category": "visit",
        "title": "走访慰问困难残疾人家庭",
        "start_date": date(2020, 5, 15),
        "end_date": date(2020, 5, 17),
        "mode": "in_person",
    }
    return ReportInput(**(values | overrides))


def save(world: World, campaign: Campaign, by: User, **overrides: Any) -> ActivityReport:
    return save_report(
        by=by, campaign=campaign, organisation=world.county_a, data=data(**overrides)
    )


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"start_date": date(1999, 12, 31)}, "start_date", "before 2000"),
        ({"start_date": date(202, 5, 17)}, "start_date", "before 2000"),
        ({"end_date": date(2020, 5, 1)}, "end_date", "The end date is before the start date."),
        ("future-start", "start_date", "after today"),
        ("future-end", "end_date", "after today"),
    ],
    ids=["1999", "year-202", "end-before-start", "future-start", "future-end"],
)
def test_impossible_dates_are_refused_even_when_confirmed(
    world: World,
    campaign: Campaign,
    county_reporter: User,
    overrides: dict[str, date] | str,
    field: str,
    message: str,
) -> None:
    tomorrow = timezone.localdate() + timedelta(days=1)
    if overrides == "future-start":
        overrides = {"start_date": tomorrow, "end_date": tomorrow}
    elif overrides == "future-end":
        overrides = {"start_date": timezone.localdate(), "end_date": tomorrow}
    assert isinstance(overrides, dict), f"no dates for the case {overrides!r}"
    with pytest.raises(DomainError) as caught:
        save(world, campaign, county_reporter, dates_confirmed=True, **overrides)
    assert caught.value.field == field and message in caught.value.message
    assert not ActivityReport.objects.exists()


def test_dates_outside_the_campaign_need_a_confirmation(
    world: World, campaign: Campaign, county_reporter: User
) -> None:
    assert campaign.year == 2020
    old = {"start_date": date(2013, 5, 17), "end_date": date(2013, 5, 17)}
    with pytest.raises(DomainError) as caught:
        save(world, campaign, county_reporter, **old)
    assert caught.value.field == CONFIRM_FIELD
    assert "2013-05-17" in caught.value.message and "2020-01-01" in caught.value.message
    assert not ActivityReport.objects.exists()

    report = save(world, campaign, county_reporter, dates_confirmed=True, **old)
    assert report.start_date == date(2013, 5, 17)
    entry = AuditEntry.objects.get(action="activities.report.created")
    assert entry.changes["dates_outside_campaign_confirmed"] is True
    # A later correction that keeps the confirmed dates is not asked again.
    again = save_report(
        by=county_reporter,
        campaign=campaign,
        organisation=world.county_a,
        data=data(title="走访慰问（更正）", **old),
        client_id=report.client_id,
    )
    assert again.title == "走访慰问（更正）"


def test_the_form_asks_to_confirm_then_saves(
    client: Client, world: World, campaign: Campaign, county_reporter: User
) -> None:
    login_verified(client, county_reporter)
    url = reverse("activities:new", kwargs={"campaign_pk": campaign.pk})
    page = client.get(url)
    assert CONFIRM_FIELD not in page.content.decode()  # no box until it is needed
    posted = form_data(page, start_date="2013-05-17", end_date="2013-05-17")
    first = client.post(url, posted)
    body = first.content.decode()
    assert first.status_code == 200 and "outside this campaign" in body
    assert f'href="#id_{CONFIRM_FIELD}"' in body and f'name="{CONFIRM_FIELD}"' in body
    assert not ActivityReport.objects.exists()
    second = client.post(url, posted | {CONFIRM_FIELD: "on"})
    assert second.status_code == 302
    assert ActivityReport.objects.get().start_date == date(2013, 5, 17)


def test_the_quick_report_asks_to_confirm_too(
    client: Client, world: World, campaign: Campaign, county_reporter: User
) -> None:
    login_verified(client, county_reporter)
    posted = {
        "pair": f"{campaign.pk}:{world.county_a.pk}",
        "category": "visit",
        "title": "走访慰问",
        "date": "2013-05-17",
        "mode": "in_person",
        "client_id": str(uuid.uuid4()),
    }
    quick = reverse("activities:quick")
    refused = client.post(quick, posted, HTTP_X_REQUESTED_WITH="fetch")
    assert refused.status_code == 400
    assert "outside this campaign" in refused.json()["errors"][CONFIRM_FIELD][0]
    assert not ActivityReport.objects.exists()
    done = client.post(quick, posted | {CONFIRM_FIELD: "on"}, HTTP_X_REQUESTED_WITH="fetch")
    assert done.status_code == 200 and done.json()["ok"]
    assert ActivityReport.objects.get().start_date == date(2013, 5, 17)


def test_the_excel_import_names_row_column_and_reason(world: World, campaign: Campaign) -> None:
    rows = [
        _row(world.county_a.name),
        _row(world.county_a.name, 开始日期=date(2013, 5, 17), 结束日期=date(2013, 5, 17)),
        _row(world.county_a.name, 开始日期=date(1998, 5, 17)),
    ]
    check = check_file(data=_xlsx(rows), campaign=campaign, recipients=[world.county_a])
    problems = [(p.row, p.header, p.message) for p in check.sorted_problems()]
    assert [(row, header) for row, header, _m in problems] == [(3, "开始日期"), (4, "开始日期")]
    assert "outside this campaign's period" in problems[0][2] and "2013-05-17" in problems[0][2]
    assert "before 2000" in problems[1][2]
    assert [r.valid for r in check.rows] == [True, False, False]


def test_the_excel_import_takes_dates_outside_the_campaign_once_confirmed(
    client: Client, world: World, campaign: Campaign, county_reporter: User
) -> None:
    login_verified(client, county_reporter)
    data = _xlsx(
        [
            _row(world.county_a.name, title="当年活动"),
            _row(world.county_a.name, title="往年活动", 开始日期=date(2019, 12, 30)),
        ]
    )
    refused = client.post(_url(campaign), {"file": _upload(data)})
    assert [p.row for p in refused.context["check"].problems] == [3]
    page = client.get(_url(campaign)).content.decode()
    assert 'name="dates_confirmed"' in page  # the box next to the file
    checked = client.post(_url(campaign), {"file": _upload(data), "dates_confirmed": "on"})
    assert checked.context["check"].problems == []
    # The confirmation form does not ask again: the dry run's answer is in its signed token.
    assert "dates_confirmed" not in checked.context["confirm_form"].fields
    response = _confirm(client, campaign, data, _token(checked))
    assert response.status_code == 302
    titles = sorted(ActivityReport.objects.values_list("title", flat=True))
    assert titles == sorted(["往年活动", "当年活动"])
    queued = AuditEntry.objects.get(action="activities.import.queued")
    assert queued.changes["dates_outside_campaign_confirmed"] is True
