"""The issue's story on the demo data: 新华区 finishes its draft plan, is warned, fixes, submits;
the city returns it, 新华区 resubmits, the city approves; the completeness page counts 新华区
on time and one fewer missing; the reminders the demo sent today went to the missing only, and
sweeping again sends nothing."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from zhucan.accounts.models import User
from zhucan.campaigns.models import Campaign, Receipt
from zhucan.completeness.models import ReminderSent
from zhucan.completeness.services import run_sweep, sweep_campaign
from zhucan.notifications.models import Notification
from zhucan.plans import services as plans
from zhucan.plans.models import Plan
from zhucan.plans.safety import check_activities, rules_for
from zhucan.testing.auth import login_verified

XINHUA = "新华区人民政府残疾人工作委员会"


def activity(attendance: int) -> plans.ActivityInput:
    return plans.ActivityInput(
        title="走访慰问困难残疾人家庭",
        start_date=date(2020, 5, 15),
        end_date=date(2020, 5, 17),
        category="visit",
        mode="in_person",
        expected_attendance=attendance,
        safety_measures="佩戴口罩，测温，保持距离",
        person_responsible="张伟",
        phone="0375-2690909",
    )


def edit(plan: Plan, by: User, attendance: int) -> Plan:
    return plans.update_plan(
        by=by,
        plan=plan,
        version=plan.version,
        aims="营造扶残助残的良好氛围。",
        leadership="成立领导小组。",
        publicity="微信公众号专栏。",
        safeguards="落实疫情防控措施。",
        activities=[activity(attendance)],
    )


def test_the_demo_story(client: Client, db: None, run_on_commit: None) -> None:
    call_command("load_demo", stdout=io.StringIO())
    campaign = Campaign.objects.get(notice__doc_number__contains="2号")
    officer = User.objects.get(username="xinhua_officer")
    reviewer = User.objects.get(username="city_reviewer")
    xinhua = Receipt.objects.get(campaign=campaign, organisation__name=XINHUA).organisation

    plan = Plan.objects.get(campaign=campaign, organisation=xinhua)
    assert plan.status == Plan.Status.DRAFT  # the demo leaves 新华区's plan a draft
    login_verified(client, User.objects.get(username="city_officer"))
    url = reverse("completeness:campaign", kwargs={"campaign_pk": campaign.pk})

    def count(status: str) -> int:
        page = client.get(url, {"kind": "plan", "status": status}, HTTP_ACCEPT_LANGUAGE="en")
        detail = page.content.decode().split('id="detail-heading"')[1]
        found = re.search(r"(\d+) organisations?", detail)
        return int(found.group(1)) if found else 0

    on_time_before, missing_before = count("on_time"), count("missing")
    assert missing_before > 0
    plan = edit(plan, officer, attendance=120)
    warnings = check_activities(rules_for(campaign), list(plan.activities.all()))
    assert warnings  # more people in person than the safety rules allow
    plan = edit(plan, officer, attendance=40)
    assert not check_activities(rules_for(campaign), list(plan.activities.all()))
    plan = plans.submit_plan(by=officer, plan=plan, version=plan.version)
    plan = plans.return_plan(
        by=reviewer,
        plan=plan,
        version=plan.version,
        comments=[plans.CommentInput(text="请补充志愿者安排。")],
    )
    plan = edit(plan, officer, attendance=30)
    plan = plans.submit_plan(by=officer, plan=plan, version=plan.version)
    plan = plans.approve_plan(by=reviewer, plan=plan, version=plan.version)
    assert plan.status == Plan.Status.APPROVED and not plan.late

    page = client.get(
        url, {"kind": "plan", "status": "on_time"}, HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert f'<th scope="row">{XINHUA}</th>' in page.split('id="detail-heading"')[1]
    assert count("on_time") == on_time_before + 1
    assert count("missing") == missing_before - 1

    # The demo's plans are due in two days: the load ran today's sweep, which reminded those
    # without a plan submitted (新华区's draft among them), and those that had not signed.
    assert campaign.plans_due is not None
    sweep_day = campaign.plans_due - timedelta(days=2)
    assert sweep_day == timezone.localdate()
    plan_reminders = ReminderSent.objects.filter(kind="plan")
    without_plan = Receipt.objects.filter(campaign=campaign, first_plan_at__isnull=True)
    assert plan_reminders.count() == without_plan.count() + 1  # 新华区 submitted since
    assert plan_reminders.filter(organisation=xinhua).exists()
    assert not ReminderSent.objects.filter(organisation=xinhua, kind="receipt").exists()
    assert set(
        ReminderSent.objects.filter(kind="receipt").values_list("organisation", flat=True)
    ) == set(
        Receipt.objects.filter(campaign=campaign, signed_at__isnull=True).values_list(
            "organisation", flat=True
        )
    )
    # Sweeping again today, or the periodic task now, finds everything already sent.
    assert sweep_campaign(campaign_id=campaign.pk, today=sweep_day) == 0
    assert run_sweep().sent == 0
    assert Notification.objects.filter(user=officer).exists()  # 新华区's officer was told
