"""Publishing asks for the deadlines, suggested from the day, and the campaign page shows them."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from zhucan.campaigns.calendar import suggested_deadlines
from zhucan.campaigns.models import Campaign
from zhucan.conftest import World
from zhucan.core.models import AuditEntry
from zhucan.testing.auth import login_verified
from zhucan.testing.factories import make_campaign


@pytest.fixture
def today() -> date:
    return timezone.localdate()


@pytest.fixture
def draft(world: World, today: date) -> Campaign:
    """A draft notice without deadlines whose day is three weeks away."""
    campaign = make_campaign(issuing_org=world.city, by=world.city_officer, publish=False)
    Campaign.objects.filter(pk=campaign.pk).update(date=today + timedelta(days=21))
    campaign.refresh_from_db()
    return campaign


def _url(campaign: Campaign) -> str:
    return reverse("campaigns:publish", kwargs={"campaign_pk": campaign.pk})


def _dates(campaign: Campaign, **dates: date) -> dict[str, int | str]:
    return {"version": campaign.version, **{k: v.isoformat() for k, v in dates.items()}}


def test_suggestions_put_plans_before_the_day_and_reports_after_it() -> None:
    today = date(2026, 4, 1)
    assert suggested_deadlines(day=date(2026, 5, 17), today=today) == {
        "receipts_due": date(2026, 4, 3),
        "plans_due": date(2026, 4, 8),
        "reports_due": date(2026, 5, 24),
        "summary_due": date(2026, 5, 31),
    }
    # Two days before the day: plans cannot be three days before it, so tomorrow.
    close = suggested_deadlines(day=date(2026, 5, 17), today=date(2026, 5, 15))
    assert close["plans_due"] == date(2026, 5, 16) and close["reports_due"] == date(2026, 5, 24)
    assert close["receipts_due"] == date(2026, 5, 16)  # never after the plans
    # No day (or a past one): still a sequence after today.
    none = suggested_deadlines(day=None, today=today)
    assert today < none["receipts_due"] < none["plans_due"] < none["reports_due"]


def test_the_publish_page_offers_the_suggested_deadlines(
    client: Client, world: World, draft: Campaign, today: date
) -> None:
    login_verified(client, world.city_officer)
    page = client.get(_url(draft)).content.decode()
    expected = suggested_deadlines(day=draft.date, today=today)
    for field, value in expected.items():
        assert f'name="{field}" value="{value.isoformat()}"' in page
    draft.refresh_from_db()
    assert draft.status == Campaign.Status.DRAFT  # looking does not send


def test_publishing_sets_the_deadlines_in_the_same_step(
    client: Client, world: World, draft: Campaign, today: date
) -> None:
    login_verified(client, world.city_officer)
    plans, reports = today + timedelta(days=5), today + timedelta(days=30)
    response = client.post(_url(draft), _dates(draft, plans_due=plans, reports_due=reports))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Campaign.Status.PUBLISHED
    assert (draft.plans_due, draft.reports_due, draft.summary_due) == (plans, reports, None)
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"campaigns.deadlines.changed", "campaigns.campaign.published"} <= actions
    # A second click after publishing sends nothing again.
    client.post(_url(draft), _dates(draft, plans_due=plans, reports_due=reports))
    assert AuditEntry.objects.filter(action="campaigns.campaign.published").count() == 1


@pytest.mark.parametrize(
    ("plans", "reports", "field", "message"),
    [
        (-1, 30, "plans_due", "截止日期不能早于今天"),
        (30, 25, "reports_due", "活动情况的截止日期不能早于活动方案的截止日期"),
        (3, 10, "reports_due", "活动情况的截止日期不能早于活动日"),
    ],
)
def test_impossible_deadlines_are_refused_and_nothing_is_sent(
    client: Client,
    world: World,
    draft: Campaign,
    today: date,
    plans: int,
    reports: int,
    field: str,
    message: str,
) -> None:
    login_verified(client, world.city_officer)
    client.cookies["django_language"] = "zh-hans"
    dates = _dates(
        draft, plans_due=today + timedelta(days=plans), reports_due=today + timedelta(days=reports)
    )
    response = client.post(_url(draft), dates)
    assert response.status_code == 200
    body = response.content.decode()
    assert "data-error-summary" in body and f'id="id_{field}_error"' in body
    assert message in body
    draft.refresh_from_db()
    assert draft.status == Campaign.Status.DRAFT and draft.plans_due is None


def test_the_reports_deadline_is_required(
    client: Client, world: World, draft: Campaign, today: date
) -> None:
    login_verified(client, world.city_officer)
    response = client.post(_url(draft), _dates(draft, plans_due=today + timedelta(days=5)))
    assert response.status_code == 200
    draft.refresh_from_db()
    assert draft.status == Campaign.Status.DRAFT


def test_the_campaign_page_shows_the_deadlines(
    client: Client, world: World, draft: Campaign, today: date
) -> None:
    login_verified(client, world.city_officer)
    client.cookies["django_language"] = "zh-hans"
    detail = reverse("campaigns:detail", kwargs={"campaign_pk": draft.pk})
    page = client.get(detail).content.decode()
    assert "活动方案截止日期" in page and "未设置" in page
    assert _url(draft) in page
    plans, reports = today + timedelta(days=5), today + timedelta(days=30)
    client.post(_url(draft), _dates(draft, plans_due=plans, reports_due=reports))
    page = client.get(detail).content.decode()
    assert plans.isoformat() in page and reports.isoformat() in page


def test_only_the_issuing_office_may_publish(client: Client, world: World, draft: Campaign) -> None:
    login_verified(client, world.county_a_officer)
    assert client.get(_url(draft)).status_code == 404
    draft.refresh_from_db()
    assert draft.status == Campaign.Status.DRAFT


def test_the_signing_date_goes_to_the_reminders_with_the_publication(
    client: Client, world: World, draft: Campaign, today: date
) -> None:
    from zhucan.completeness.models import ReminderSchedule

    login_verified(client, world.city_officer)
    client.cookies["django_language"] = "zh-hans"
    plans, reports = today + timedelta(days=5), today + timedelta(days=30)
    late = _dates(
        draft, receipts_due=plans + timedelta(days=1), plans_due=plans, reports_due=reports
    )
    body = client.post(_url(draft), late).content.decode()
    assert "通知签收截止日期不能晚于活动方案截止日期" in body
    assert not ReminderSchedule.objects.filter(campaign=draft).exists()
    signing = today + timedelta(days=2)
    dates = _dates(draft, receipts_due=signing, plans_due=plans, reports_due=reports)
    assert client.post(_url(draft), dates).status_code == 302
    assert ReminderSchedule.objects.get(campaign=draft).receipts_due == signing
    assert AuditEntry.objects.filter(action="completeness.schedule.changed").exists()
    page = client.get(reverse("campaigns:detail", kwargs={"campaign_pk": draft.pk})).content
    assert "通知签收截止日期" in page.decode() and signing.isoformat() in page.decode()
