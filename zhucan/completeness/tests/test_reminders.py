"""Targeted reminders: only the missing, each once, on schedule, by hand, and after a stopped
worker comes back."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoCaptureOnCommitCallbacks, Settings

from zhucan.accounts.models import User
from zhucan.campaigns.models import Campaign, Receipt
from zhucan.campaigns.services import close_campaign, sign_receipt
from zhucan.completeness import services
from zhucan.completeness.models import ReminderSchedule, ReminderSent, SweepRun
from zhucan.conftest import World
from zhucan.core.errors import DomainError
from zhucan.core.models import AuditEntry
from zhucan.notifications import sms
from zhucan.notifications.models import Notification
from zhucan.orgs.models import Organisation
from zhucan.testing.auth import login_verified
from zhucan.testing.factories import make_campaign, make_plan


def deliver(world: World, campaign: Campaign, org: Organisation, user: User) -> None:
    sign_receipt(by=user, receipt=Receipt.objects.get(campaign=campaign, organisation=org))
    make_plan(campaign=campaign, organisation=org, by=user, submit=True)


def reminded(**filters: object) -> set[tuple[str, str]]:
    return set(ReminderSent.objects.filter(**filters).values_list("organisation__name", "kind"))


def plans_due(campaign: Campaign) -> date:
    assert campaign.plans_due is not None, "the campaign fixture sets the plans deadline"
    return campaign.plans_due


@pytest.fixture
def emails(world: World) -> None:
    world.county_b_officer.email = "yexian@example.cn"
    world.county_b_officer.phone = "13812345678"
    world.county_b_officer.save(update_fields=["email", "phone"])


def test_before_the_deadline_only_the_missing_are_reminded_once(
    world: World, campaign: Campaign, today: date, emails: None, run_on_commit: None
) -> None:
    deliver(world, campaign, world.county_a, world.county_a_officer)
    sweep_day = plans_due(campaign) - timedelta(days=3)
    sent = services.sweep_campaign(campaign_id=campaign.pk, today=sweep_day)
    assert reminded() == {
        (world.county_b.name, "receipt"),
        (world.county_b.name, "plan"),
        (world.city_unit.name, "receipt"),
        (world.city_unit.name, "plan"),
    }
    assert sent == 4
    assert services.sweep_campaign(campaign_id=campaign.pk, today=sweep_day) == 0
    assert services.sweep_campaign(campaign_id=campaign.pk, today=campaign.plans_due) == 0
    assert ReminderSent.objects.count() == 4
    # In-app for the people who can act, email to those with an address; SMS is off by default.
    assert Notification.objects.filter(user=world.county_b_officer).count() == 2
    assert Notification.objects.filter(user=world.member_unit_reporter).count() == 2
    assert not Notification.objects.filter(user=world.county_a_officer).exists()
    assert {tuple(m.to) for m in mail.outbox} == {("yexian@example.cn",)}
    assert len(mail.outbox) == 2
    assert "Reminder: Activity plan" in mail.outbox[-1].subject or any(
        "Activity plan" in m.subject for m in mail.outbox
    )
    entry = AuditEntry.objects.get(action="completeness.reminders.sent")
    assert entry.changes["sent"] == 4 and entry.actor is None


def test_too_early_nothing(world: World, campaign: Campaign) -> None:
    early = plans_due(campaign) - timedelta(days=4)
    assert services.sweep_campaign(campaign_id=campaign.pk, today=early) == 0


def test_after_the_deadline_again_then_the_organisation_above(
    world: World, campaign: Campaign, run_on_commit: None
) -> None:
    deliver(world, campaign, world.county_a, world.county_a_officer)
    sign_receipt(
        by=world.member_unit_reporter,
        receipt=Receipt.objects.get(campaign=campaign, organisation=world.city_unit),
    )
    due = plans_due(campaign)
    # County B has neither signed nor planned; the city unit signed but has no plan.
    assert services.sweep_campaign(campaign_id=campaign.pk, today=due + timedelta(days=1)) == 3
    assert services.sweep_campaign(campaign_id=campaign.pk, today=due + timedelta(days=2)) == 0
    assert services.sweep_campaign(campaign_id=campaign.pk, today=due + timedelta(days=4)) == 3
    assert not ReminderSent.objects.filter(stage="escalation").exists()
    # Five days overdue: the city hears, once, in one message per deliverable.
    services.sweep_campaign(campaign_id=campaign.pk, today=due + timedelta(days=5))
    escalations = ReminderSent.objects.filter(stage="escalation")
    assert {(e.organisation.name, e.kind) for e in escalations} == {
        (world.county_b.name, "receipt"),
        (world.county_b.name, "plan"),
        (world.city_unit.name, "plan"),
    }
    assert {e.notified_org_id for e in escalations} == {world.city.pk}
    city = Notification.objects.filter(user=world.city_officer, kind="escalation")
    assert city.count() == 2  # receipts and plans
    plan_note = city.get(title__contains="Activity plan")
    assert world.county_b.name in plan_note.body and world.city_unit.name in plan_note.body
    services.sweep_campaign(campaign_id=campaign.pk, today=due + timedelta(days=6))
    assert ReminderSent.objects.filter(stage="escalation").count() == 3


def test_delivered_organisations_drop_out_of_the_reminders(
    world: World, campaign: Campaign, run_on_commit: None
) -> None:
    due = plans_due(campaign)
    services.sweep_campaign(campaign_id=campaign.pk, today=due - timedelta(days=1))
    deliver(world, campaign, world.county_b, world.county_b_officer)
    services.sweep_campaign(campaign_id=campaign.pk, today=due + timedelta(days=1))
    after = reminded(stage="after")
    assert world.county_b.name not in {name for name, _kind in after}


def test_sms_when_the_campaign_asks_for_it(
    world: World, campaign: Campaign, emails: None, run_on_commit: None, settings: Settings
) -> None:
    settings.SMS_BACKEND = "zhucan.notifications.sms.LocmemBackend"
    sms.outbox.clear()
    ReminderSchedule.objects.create(campaign=campaign, by_sms=True)
    services.sweep_campaign(campaign_id=campaign.pk, today=campaign.plans_due)
    assert {m.to for m in sms.outbox} == {"13812345678"}
    sent = ReminderSent.objects.filter(organisation=world.county_b).first()
    assert sent is not None
    assert "sms" in sent.channels


def test_inactive_schedule_or_closed_campaign_sends_nothing(
    world: World, campaign: Campaign
) -> None:
    ReminderSchedule.objects.create(campaign=campaign, active=False)
    assert services.sweep_campaign(campaign_id=campaign.pk, today=campaign.plans_due) == 0
    ReminderSchedule.objects.filter(campaign=campaign).update(active=True)
    close_campaign(by=world.city_officer, campaign=campaign)
    assert services.sweep_campaign(campaign_id=campaign.pk, today=campaign.plans_due) == 0


def test_worker_stopped_while_reminders_are_due(
    world: World, today: date, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    """Publishing queues a sweep. The worker is down when it falls due; when it comes back the
    sweep runs, sends each reminder once, and queues the next sweep."""
    from django_tasks_db.models import DBTaskResult

    from zhucan.campaigns.services import set_deadlines
    from zhucan.completeness.tasks import SWEEP_TASK_PATH, ensure_sweep_scheduled

    with django_capture_on_commit_callbacks(execute=True):
        campaign = make_campaign(issuing_org=world.city, by=world.city_officer)
    campaign = set_deadlines(
        by=world.city_officer,
        campaign=campaign,
        version=campaign.version,
        plans_due=today + timedelta(days=1),
        reports_due=None,
        summary_due=None,
    )
    queued = DBTaskResult.objects.get(task_path=SWEEP_TASK_PATH)
    assert not ensure_sweep_scheduled()  # one waiting sweep is enough
    # Hours pass with the worker stopped; then it picks up what is due.
    DBTaskResult.objects.filter(pk=queued.pk).update(run_after=timezone.now() - timedelta(hours=6))
    due = list(DBTaskResult.objects.ready())
    assert [d.pk for d in due] == [queued.pk]
    with django_capture_on_commit_callbacks(execute=True):
        for result in due:
            # What the worker does with a due task (its own loop closes connections, which
            # the test's transaction cannot survive on PostgreSQL).
            result.task.call(*result.args_kwargs["args"], **result.args_kwargs["kwargs"])
    assert ReminderSent.objects.count() == 6  # three recipients × receipt and plan
    assert SweepRun.objects.filter(finished_at__isnull=False, sent=6).count() == 1
    # A second worker, or the same task retried: nothing more.
    for result in due:
        result.task.call(*result.args_kwargs["args"], **result.args_kwargs["kwargs"])
    assert ReminderSent.objects.count() == 6


def test_remind_all_missing_by_hand_once_a_minute(
    client: Client, world: World, campaign: Campaign, run_on_commit: None
) -> None:
    deliver(world, campaign, world.county_a, world.county_a_officer)
    login_verified(client, world.city_officer)
    url = reverse("completeness:remind", kwargs={"campaign_pk": campaign.pk})
    client.post(url, {"kind": "plan"})
    client.post(url, {"kind": "plan"})  # a double click
    assert reminded(stage="manual") == {
        (world.county_b.name, "plan"),
        (world.city_unit.name, "plan"),
    }
    assert ReminderSent.objects.filter(stage="manual").count() == 2
    assert AuditEntry.objects.filter(action="completeness.reminders.sent_by_hand").count() == 2


def test_a_county_coordinator_reminds_only_its_own_part(
    world: World, campaign: Campaign, run_on_commit: None
) -> None:
    from zhucan.campaigns.services import create_child_campaign, publish_campaign

    child = create_child_campaign(
        by=world.county_a_officer, parent=campaign, issuing_org=world.county_a
    )
    publish_campaign(by=world.county_a_officer, campaign=child)
    sent = services.remind_missing(by=world.county_a_officer, campaign=campaign)
    assert sent > 0
    assert {name for name, _kind in reminded()} <= {world.county_a.name, world.county_a_unit.name}


def test_only_coordinators_remind(client: Client, world: World, campaign: Campaign) -> None:
    login_verified(client, world.member_unit_reporter)
    url = reverse("completeness:remind", kwargs={"campaign_pk": campaign.pk})
    # The page may be seen, the action is not the reporter's: refused outright.
    assert client.post(url, {"kind": "receipt"}).status_code == 403
    with pytest.raises(DomainError, match="Only coordinators can send reminders."):
        services.remind_missing(by=world.member_unit_reporter, campaign=campaign, kind="receipt")
    assert not ReminderSent.objects.exists()


def test_the_receipts_page_button_reminds_the_unsigned_and_comes_back(
    client: Client, world: World, campaign: Campaign, run_on_commit: None
) -> None:
    login_verified(client, world.city_officer)
    back = reverse("campaigns:receipts", kwargs={"campaign_pk": campaign.pk})
    response = client.post(
        reverse("completeness:remind", kwargs={"campaign_pk": campaign.pk}),
        {"kind": "receipt", "next": back},
    )
    assert response.status_code == 302 and response["Location"] == back
    assert {kind for _name, kind in reminded()} == {"receipt"}
    evil = client.post(
        reverse("completeness:remind", kwargs={"campaign_pk": campaign.pk}),
        {"kind": "receipt", "next": "https://evil.example/"},
    )
    assert evil["Location"] == reverse("completeness:campaign", kwargs={"campaign_pk": campaign.pk})
