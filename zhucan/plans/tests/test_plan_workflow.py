"""The issue's story: a county drafts, is warned, fixes, submits; the city returns it with a
comment on the activity; the county resubmits; the city sees what changed and approves."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from zhucan.accounts.models import User
from zhucan.campaigns.models import Campaign
from zhucan.conftest import World
from zhucan.core.errors import DomainError
from zhucan.core.models import AuditEntry
from zhucan.plans import services
from zhucan.plans.models import Plan, PlanComment, PlanVersion
from zhucan.plans.tests.conftest import plan_form
from zhucan.testing.auth import login_verified
from zhucan.testing.factories import make_plan, make_user


def test_draft_warn_fix_submit_return_resubmit_see_the_change_approve(
    client: Client, world: World, campaign: Campaign, reviewer: User
) -> None:
    county = world.county_a_officer
    login_verified(client, county)
    client.cookies["django_language"] = "en"
    listing = client.get(reverse("plans:list")).content.decode()
    assert f"Write the plan of {world.county_a.name}" in listing
    response = client.post(
        reverse("plans:start", kwargs={"campaign_pk": campaign.pk}),
        {"organisation": world.county_a.pk},
    )
    plan = Plan.objects.get()
    assert response["Location"] == reverse("plans:edit", kwargs={"plan_pk": plan.pk})
    assert plan.organisation == world.county_a and plan.status == Plan.Status.DRAFT

    # One in-person activity for 80 people: over the default limit of 50.
    edit = reverse("plans:edit", kwargs={"plan_pk": plan.pk})
    assert client.post(edit, plan_form(plan, [{"expected_attendance": "80"}])).status_code == 302
    detail = reverse("plans:detail", kwargs={"plan_pk": plan.pk})
    page = client.get(detail).content.decode()
    assert "an attendance of 80 is more than the 50 people allowed" in page
    activity = plan.activities.get()

    plan.refresh_from_db()
    fixed = plan_form(plan, [{"id": activity.pk, "expected_attendance": "40"}])
    assert client.post(edit, fixed).status_code == 302
    assert "more than the 50 people" not in client.get(detail).content.decode()
    plan.refresh_from_db()
    client.post(reverse("plans:submit", kwargs={"plan_pk": plan.pk}), {"version": plan.version})
    plan.refresh_from_db()
    assert plan.status == Plan.Status.SUBMITTED and not plan.late
    assert plan.versions.get().snapshot["activities"][0]["expected_attendance"] == 40

    # The city reviewer returns it with a comment on that activity.
    client.logout()
    login_verified(client, reviewer)
    home = client.get(reverse("core:home")).content.decode()
    assert f"Review the activity plan of {world.county_a.name}" in home
    review = reverse("plans:review", kwargs={"plan_pk": plan.pk})
    assert "This is the first submission" in client.get(review).content.decode()
    response = client.post(
        review,
        {
            "version": plan.version,
            "target": f"activity:{activity.pk}",
            "text": "请补充测温措施。",
            "decision": "return",
        },
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == Plan.Status.RETURNED and plan.decided_by == reviewer
    comment = PlanComment.objects.get()
    assert comment.version is not None
    assert comment.activity == activity and comment.version.number == 1

    # The county sees the comment beside the activity, fixes it and submits again.
    client.logout()
    login_verified(client, county)
    page = client.get(detail).content.decode()
    assert "请补充测温措施。" in page and "The reviewers returned this plan" in page
    resubmitted = plan_form(
        plan,
        [{"id": activity.pk, "expected_attendance": "40", "safety_measures": "佩戴口罩，测温"}],
    )
    assert client.post(edit, resubmitted).status_code == 302
    plan.refresh_from_db()
    client.post(reverse("plans:submit", kwargs={"plan_pk": plan.pk}), {"version": plan.version})
    plan.refresh_from_db()
    assert plan.status == Plan.Status.SUBMITTED and plan.versions.count() == 2

    # The reviewer sees the changed field, old and new, and approves.
    client.logout()
    login_verified(client, reviewer)
    page = client.get(review).content.decode()
    assert "What changed from version 1 to version 2" in page
    assert "Activity changed: 走访慰问困难残疾人家庭" in page
    assert (
        '<th scope="row">Safety measures</th><td>佩戴口罩，保持距离</td><td>佩戴口罩，测温</td>'
        in page
    )
    response = client.post(
        review, {"version": plan.version, "target": "plan", "decision": "approve"}
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == Plan.Status.APPROVED
    actions = list(
        AuditEntry.objects.filter(object_id=str(plan.pk), action__startswith="plans.plan")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "plans.plan.created",
        "plans.plan.changed",
        "plans.plan.changed",
        "plans.plan.submitted",
        "plans.plan.returned",
        "plans.plan.changed",
        "plans.plan.submitted",
        "plans.plan.approved",
    ]
    # Approved is final: the author can no longer change it.
    with pytest.raises(DomainError):
        services.update_plan(
            by=county,
            plan=plan,
            version=plan.version,
            aims="",
            leadership="",
            publicity="",
            safeguards="",
            activities=[],
        )


def test_a_reporter_can_submit_but_never_approve(
    client: Client, world: World, campaign: Campaign
) -> None:
    reporter = make_user(username="county_a_reporter", org=world.county_a, role="reporter")
    plan = make_plan(campaign=campaign, organisation=world.county_a, by=reporter, submit=True)
    assert plan.status == Plan.Status.SUBMITTED
    with pytest.raises(DomainError):
        services.approve_plan(by=reporter, plan=plan, version=plan.version)
    login_verified(client, reporter)
    review = reverse("plans:review", kwargs={"plan_pk": plan.pk})
    assert client.get(review).status_code == 403
    response = client.post(
        review, {"version": plan.version, "target": "plan", "decision": "approve"}
    )
    assert response.status_code == 403
    plan.refresh_from_db()
    assert plan.status == Plan.Status.SUBMITTED


def test_a_late_submission_is_marked_late_not_refused(
    client: Client, world: World, campaign: Campaign, reviewer: User
) -> None:
    campaign.plans_due = timezone.localdate() - timedelta(days=1)
    campaign.save(update_fields=["plans_due"])
    plan = make_plan(campaign=campaign, organisation=world.county_a, by=world.county_a_officer)
    plan = services.submit_plan(by=world.county_a_officer, plan=plan, version=plan.version)
    assert plan.status == Plan.Status.SUBMITTED and plan.late
    assert PlanVersion.objects.get().late
    login_verified(client, world.city_officer)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("plans:overview", kwargs={"campaign_pk": campaign.pk}))
    assert "<strong>Late</strong>" in page.content.decode()


def test_a_double_click_submits_once(client: Client, world: World, campaign: Campaign) -> None:
    plan = make_plan(campaign=campaign, organisation=world.county_a, by=world.county_a_officer)
    login_verified(client, world.county_a_officer)
    url = reverse("plans:submit", kwargs={"plan_pk": plan.pk})
    client.post(url, {"version": plan.version})
    client.post(url, {"version": plan.version})
    assert PlanVersion.objects.count() == 1
    assert AuditEntry.objects.filter(action="plans.plan.submitted").count() == 1


def test_only_recipients_write_plans(world: World, campaign: Campaign) -> None:
    """The issuer's own committee did not receive its notice; a plan for it is refused."""
    with pytest.raises(DomainError, match="did not receive"):
        services.create_plan(by=world.city_officer, campaign=campaign, organisation=world.city)
    with pytest.raises(DomainError):
        services.create_plan(
            by=world.county_b_officer, campaign=campaign, organisation=world.county_a
        )
    assert not Plan.objects.exists()


def test_the_edit_form_keeps_saved_dates_in_chinese(
    client: Client, world: World, campaign: Campaign
) -> None:
    """<input type="date"> needs ISO dates: the zh-hans format would empty the field."""
    plan = make_plan(campaign=campaign, organisation=world.county_a, by=world.county_a_officer)
    login_verified(client, world.county_a_officer)
    client.cookies["django_language"] = "zh-hans"
    page = client.get(reverse("plans:edit", kwargs={"plan_pk": plan.pk})).content.decode()
    assert 'type="date" name="activity-0-start_date" value="2020-05-17"' in page


def test_removing_and_adding_activities_shows_in_the_diff(
    client: Client, world: World, campaign: Campaign, reviewer: User
) -> None:
    from zhucan.plans.tests.conftest import plan_form

    plan = make_plan(
        campaign=campaign,
        organisation=world.county_a,
        by=world.county_a_officer,
        activities=[{"title": "保留的活动"}, {"title": "取消的活动"}],
        submit=True,
    )
    plan = services.return_plan(
        by=reviewer,
        plan=plan,
        version=plan.version,
        comments=[services.CommentInput(text="请调整", section="aims")],
    )
    kept, dropped = plan.activities.all()
    login_verified(client, world.county_a_officer)
    client.cookies["django_language"] = "en"
    edit = reverse("plans:edit", kwargs={"plan_pk": plan.pk})
    assert "Remove this activity" in client.get(edit).content.decode()
    # The factory's values, as the form shows them: this row is posted back unchanged.
    as_made = {
        "start_date": "2020-05-17",
        "end_date": "2020-05-17",
        "category": "publicity",
        "mode": "online",
        "expected_attendance": "20",
        "place": "",
        "safety_measures": "",
        "phone": "2690909",
    }
    form = plan_form(
        plan,
        [
            as_made | {"id": kept.pk, "title": "保留的活动"},
            as_made | {"id": dropped.pk, "title": "取消的活动", "DELETE": "on"},
            {"title": "新增的活动", "mode": "online"},
        ],
        aims="调整后的目标",
    )
    assert client.post(edit, form).status_code == 302
    assert [a.title for a in plan.activities.all()] == ["保留的活动", "新增的活动"]
    plan.refresh_from_db()
    services.submit_plan(by=world.county_a_officer, plan=plan, version=plan.version)
    client.logout()
    login_verified(client, reviewer)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("plans:review", kwargs={"plan_pk": plan.pk})).content.decode()
    assert "Activities added" in page and "新增的活动" in page
    assert "Activities removed" in page and "取消的活动" in page
    assert "调整后的目标" in page and "营造全社会扶残助残的良好氛围。" in page  # old and new aims
    assert "Activity changed" not in page  # the kept activity is unchanged
