"""The deadlines-and-reminders page: coordinators set them; bad input gets a clear message."""

from __future__ import annotations

from datetime import date, timedelta

from django.test import Client
from django.urls import reverse

from zhucan.campaigns.models import Campaign
from zhucan.completeness.models import ReminderSchedule
from zhucan.conftest import World
from zhucan.core.models import AuditEntry
from zhucan.testing.auth import login_verified


def page_url(campaign: Campaign) -> str:
    return reverse("completeness:reminders", kwargs={"campaign_pk": campaign.pk})


def form(campaign: Campaign, today: date, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "version": 0,
        "campaign_version": campaign.version,
        "receipts_due": (today + timedelta(days=2)).isoformat(),
        "plans_due": (today + timedelta(days=6)).isoformat(),
        "reports_due": (today + timedelta(days=20)).isoformat(),
        "summary_due": "",
        "days_before": "2",
        "repeat_every_days": "0",
        "escalate_after_days": "4",
        "by_email": "on",
        "active": "on",
    }
    return data | overrides


def test_a_coordinator_sets_deadlines_and_the_schedule(
    client: Client, world: World, campaign: Campaign, today: date
) -> None:
    login_verified(client, world.city_officer)
    assert client.get(page_url(campaign)).status_code == 200
    response = client.post(page_url(campaign), form(campaign, today))
    assert response.status_code == 302
    schedule = ReminderSchedule.objects.get(campaign=campaign)
    assert (schedule.days_before, schedule.repeat_every_days, schedule.escalate_after_days) == (
        2,
        0,
        4,
    )
    assert schedule.receipts_due == today + timedelta(days=2) and not schedule.by_sms
    campaign.refresh_from_db()
    assert campaign.plans_due == today + timedelta(days=6) and campaign.summary_due is None
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"completeness.schedule.changed", "campaigns.deadlines.changed"} <= actions


def test_bad_input_is_refused_with_messages_and_nothing_saved(
    client: Client, world: World, campaign: Campaign, today: date
) -> None:
    login_verified(client, world.city_officer)
    response = client.post(
        page_url(campaign),
        form(
            campaign,
            today,
            days_before="-1",
            repeat_every_days="三",
            reports_due=(today + timedelta(days=1)).isoformat(),
        ),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "The number of days cannot be negative." in text
    assert "Enter a whole number of days, such as 3." in text
    assert "Reports cannot be due before the plans they carry out." in text
    assert "data-error-summary" in text
    assert not ReminderSchedule.objects.exists()
    campaign.refresh_from_db()
    assert campaign.reports_due == today + timedelta(days=20)


def test_an_edit_in_another_tab_is_detected(
    client: Client, world: World, campaign: Campaign, today: date
) -> None:
    login_verified(client, world.city_officer)
    stale = form(campaign, today)
    assert client.post(page_url(campaign), stale).status_code == 302
    again = client.post(page_url(campaign), stale | {"days_before": "5"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "Someone else changed these reminders" in again.content.decode()
    assert ReminderSchedule.objects.get(campaign=campaign).days_before == 2


def test_only_the_issuers_coordinators_change_it(
    client: Client, world: World, campaign: Campaign, today: date
) -> None:
    login_verified(client, world.county_a_officer)
    # County A received the campaign, but the city's schedule is not its business.
    assert client.get(page_url(campaign)).status_code == 403
    assert client.post(page_url(campaign), form(campaign, today)).status_code == 403
    assert not ReminderSchedule.objects.exists()
