"""Saving, resending, submitting, returning and accepting activity reports."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from zhucan.accounts.models import User
from zhucan.activities.models import ActivityReport, Indicator, IndicatorValue, Institution, Visit
from zhucan.activities.services import (
    ReportInput,
    VisitInput,
    accept_report,
    return_report,
    save_report,
    submit_report,
)
from zhucan.campaigns.models import Campaign
from zhucan.conftest import World
from zhucan.core.errors import DomainError
from zhucan.core.models import AuditEntry
from zhucan.orgs.models import Region
from zhucan.testing.factories import make_campaign, make_report


def data(**overrides: Any) -> ReportInput:
    values: dict[str, Any] = {
        "category": "visit",
        "title": "走访慰问困难残疾人家庭",
        "start_date": date(2020, 5, 15),
        "end_date": date(2020, 5, 17),
        "mode": "in_person",
        "attendance": 20,
    }
    return ReportInput(**(values | overrides))


def indicator(code: str) -> Indicator:
    return Indicator.objects.get(campaign=None, code=code)


def test_the_default_indicators_cover_the_notices_duties(db: None) -> None:
    codes = set(Indicator.objects.filter(campaign=None).values_list("code", flat=True))
    assert {"households_visited", "job_fairs", "placed", "children_enrolled", "leaflets"} <= codes


def test_save_with_values_and_visits_then_resend_is_the_same_report(
    world: World, campaign: Campaign, county_reporter: User
) -> None:
    home = Institution.objects.create(
        organisation=world.county_a,
        name="新华区社会福利院",
        kind="welfare_home",
        region=Region.objects.get(code="410402"),
    )
    client_id = uuid.uuid4()
    report_data = data(
        values={indicator("households_visited").pk: Decimal(35)},
        visits=[
            VisitInput(kind="household", households=35, cash=Decimal("7000.00")),
            VisitInput(
                kind="institution", institution=home, leaders="区长", goods_value=Decimal(500)
            ),
        ],
        cash=Decimal("7000.00"),
    )
    first = save_report(
        by=county_reporter,
        campaign=campaign,
        organisation=world.county_a,
        data=report_data,
        client_id=client_id,
    )
    submit_report(by=county_reporter, report=first, version=first.version)
    # The phone never saw the answer and sends it all again: still one report, submitted.
    again = save_report(
        by=county_reporter,
        campaign=campaign,
        organisation=world.county_a,
        data=report_data,
        client_id=client_id,
    )
    assert again.pk == first.pk and ActivityReport.objects.count() == 1
    assert again.status == ActivityReport.Status.SUBMITTED
    assert IndicatorValue.objects.get().value == 35
    assert Visit.objects.count() == 2


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"end_date": date(2020, 5, 1)}, "The end date is before the start date."),
        ({"attendance": -1}, "Numbers of people cannot be negative."),
        ({"cash": Decimal("1.005")}, "at most two decimals"),
        ({"cash": Decimal("-1")}, "cannot be negative"),
        ({"category": "nope"}, "Choose a category."),
        ({"title": "  "}, "Give the activity a title."),
    ],
)
def test_bad_input_is_refused_and_nothing_saved(
    world: World, campaign: Campaign, county_reporter: User, overrides: dict[str, Any], message: str
) -> None:
    with pytest.raises(DomainError, match=message):
        save_report(
            by=county_reporter,
            campaign=campaign,
            organisation=world.county_a,
            data=data(**overrides),
        )
    assert not ActivityReport.objects.exists()


def test_indicator_values_are_checked(
    world: World, campaign: Campaign, county_reporter: User
) -> None:
    whole = indicator("households_visited").pk
    with pytest.raises(DomainError, match="is a whole number"):
        save_report(
            by=county_reporter,
            campaign=campaign,
            organisation=world.county_a,
            data=data(values={whole: Decimal("2.5")}),
        )
    other = make_campaign(issuing_org=world.city, by=world.city_officer)
    foreign = Indicator.objects.create(campaign=other, code="x", name="别的活动的指标")
    with pytest.raises(DomainError, match="another campaign"):
        save_report(
            by=county_reporter,
            campaign=campaign,
            organisation=world.county_a,
            data=data(values={foreign.pk: Decimal(1)}),
        )
    assert not ActivityReport.objects.exists()


def test_a_duty_of_another_campaign_is_refused(
    world: World, campaign: Campaign, county_reporter: User
) -> None:
    other = make_campaign(issuing_org=world.city, by=world.city_officer)
    with pytest.raises(DomainError, match="belongs to another campaign"):
        save_report(
            by=county_reporter,
            campaign=campaign,
            organisation=world.county_a,
            data=data(duties=[other.duties.first()]),
        )


def test_only_the_organisations_people_report(world: World, campaign: Campaign) -> None:
    with pytest.raises(DomainError):
        save_report(
            by=world.county_b_officer, campaign=campaign, organisation=world.county_a, data=data()
        )


def test_submit_return_resubmit_accept(
    world: World, campaign: Campaign, county_reporter: User
) -> None:
    report = make_report(
        campaign=campaign, organisation=world.county_a, by=county_reporter, submit=True
    )
    with pytest.raises(DomainError, match="reviewer or coordinator"):
        accept_report(by=county_reporter, report=report, version=report.version)
    report = return_report(
        by=world.city_officer, report=report, version=report.version, reason="请补充照片。"
    )
    assert report.status == ActivityReport.Status.RETURNED
    report = submit_report(by=county_reporter, report=report, version=report.version)
    report = accept_report(by=world.city_officer, report=report, version=report.version)
    assert report.status == ActivityReport.Status.ACCEPTED
    with pytest.raises(DomainError, match="already"):
        accept_report(by=world.city_admin, report=report, version=report.version)
    actions = list(
        AuditEntry.objects.filter(action__startswith="activities.").values_list("action", flat=True)
    )
    assert actions.count("activities.report.submitted") == 2


def test_no_one_accepts_their_own_report(world: World, campaign: Campaign) -> None:
    report = make_report(
        campaign=campaign, organisation=world.county_a, by=world.county_a_officer, submit=True
    )
    with pytest.raises(DomainError, match="Someone else"):
        accept_report(by=world.county_a_officer, report=report, version=report.version)
    accept_report(by=world.city_officer, report=report, version=report.version)


def test_two_reviewers_at_once_only_one_decides(
    world: World, campaign: Campaign, county_reporter: User
) -> None:
    report = make_report(
        campaign=campaign, organisation=world.county_a, by=county_reporter, submit=True
    )
    version = report.version
    accept_report(by=world.city_admin, report=report, version=version)
    with pytest.raises(DomainError, match="already"):
        return_report(by=world.city_officer, report=report, version=version, reason="不行")


def test_a_crash_in_the_middle_of_a_save_leaves_no_report(
    world: World, campaign: Campaign, county_reporter: User
) -> None:
    """The visits are written last: if that fails, the report and its values go too."""
    from unittest import mock

    with (
        mock.patch.object(Visit.objects, "bulk_create", side_effect=RuntimeError("disk full")),
        pytest.raises(RuntimeError),
    ):
        save_report(
            by=county_reporter,
            campaign=campaign,
            organisation=world.county_a,
            data=data(
                values={indicator("households_visited").pk: Decimal(3)},
                visits=[VisitInput(kind="household", households=3)],
            ),
        )
    assert not ActivityReport.objects.exists()
    assert not IndicatorValue.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="activities.").exists()


def test_the_to_do_list_asks_for_reviews_and_revisions(
    client: Client, world: World, campaign: Campaign, county_reporter: User
) -> None:
    from django.urls import reverse

    from zhucan.testing.auth import login_verified

    report = make_report(
        campaign=campaign, organisation=world.county_a, by=county_reporter, submit=True
    )
    login_verified(client, world.city_officer)
    home = client.get(reverse("core:home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"Review the activity report of {world.county_a.name}" in home
    return_report(by=world.city_officer, report=report, version=report.version, reason="补照片")
    login_verified(client, county_reporter)
    home = client.get(reverse("core:home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Revise the returned activity report" in home and "补照片" in home
