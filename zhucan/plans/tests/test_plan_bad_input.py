"""Bad input and races: each is refused with a message a person can act on, and nothing is
half-written (plans, activities, versions and audit entries are counted before and after)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

import pytest
from django.test import Client
from django.urls import reverse

from zhucan.accounts.models import User
from zhucan.campaigns.models import Campaign
from zhucan.conftest import World
from zhucan.core.errors import DomainError
from zhucan.plans import services
from zhucan.plans.models import Plan
from zhucan.plans.services import ActivityInput
from zhucan.plans.tests.conftest import plan_form
from zhucan.testing.auth import login_verified
from zhucan.testing.factories import make_campaign, make_plan, make_user

if TYPE_CHECKING:
    # What the test client returns (a response with the request and context attached).
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse


@pytest.fixture
def plan(world: World, campaign: Campaign) -> Plan:
    return make_plan(campaign=campaign, organisation=world.county_a, by=world.county_a_officer)


@pytest.fixture
def county_client(client: Client, world: World) -> Client:
    login_verified(client, world.county_a_officer)
    client.cookies["django_language"] = "en"
    return client


def _edit(
    client: Client, plan: Plan, activities: list[dict[str, Any]], **overrides: Any
) -> TestResponse:
    url = reverse("plans:edit", kwargs={"plan_pk": plan.pk})
    return client.post(url, plan_form(plan, activities, **overrides))


@pytest.mark.parametrize(
    ("activity", "message"),
    [
        (
            {"start_date": "2020-05-17", "end_date": "2020-05-10"},
            "The end date must be on or after the start date.",
        ),
        (
            {"expected_attendance": "abc"},
            "Enter the expected attendance as a whole number, like 30.",
        ),
        ({"expected_attendance": "-5"}, "Expected attendance"),
        ({"mode": "by_pigeon"}, "Online or in person"),
    ],
    ids=["end-before-start", "attendance-abc", "attendance-negative", "unknown-mode"],
)
def test_bad_activity_rows_are_refused_with_a_message(
    county_client: Client,
    plan: Plan,
    activity: dict[str, str],
    message: str,
    counts_before: Callable[[], tuple[int, int, int, int]],
) -> None:
    before = counts_before()
    response = _edit(county_client, plan, [activity])
    body = response.content.decode()
    assert response.status_code == 200 and "data-error-summary" in body
    assert "Activity 1, " in body and message in body
    assert counts_before() == before
    assert Plan.objects.get().version == plan.version


def test_a_duty_of_another_campaign_is_refused(
    county_client: Client,
    world: World,
    plan: Plan,
    counts_before: Callable[[], tuple[int, int, int, int]],
) -> None:
    other = make_campaign(issuing_org=world.city, by=world.city_officer)
    foreign_duty = other.duties.get()
    before = counts_before()
    response = _edit(county_client, plan, [{"duty": str(foreign_duty.pk)}])
    assert "Choose one of the duties of this notice." in response.content.decode()
    assert counts_before() == before
    # The service refuses it too, whoever calls it.
    row = ActivityInput(
        title="慰问",
        start_date=date(2020, 5, 17),
        end_date=date(2020, 5, 17),
        category="visit",
        mode="online",
        expected_attendance=1,
        person_responsible="张伟",
        duty=foreign_duty,
    )
    with pytest.raises(DomainError, match="belongs to another campaign"):
        services.update_plan(
            by=world.county_a_officer,
            plan=plan,
            version=plan.version,
            aims="改",
            leadership="",
            publicity="",
            safeguards="",
            activities=[row],
        )
    assert counts_before() == before
    assert Plan.objects.get().aims == plan.aims


def test_a_forged_organisation_id_is_not_found_and_creates_nothing(
    county_client: Client,
    world: World,
    campaign: Campaign,
    counts_before: Callable[[], tuple[int, int, int, int]],
) -> None:
    before = counts_before()
    url = reverse("plans:start", kwargs={"campaign_pk": campaign.pk})
    assert county_client.post(url, {"organisation": world.county_b.pk}).status_code == 404
    assert county_client.post(url, {"organisation": "abc"}).status_code == 404
    assert counts_before() == before


def test_an_activity_id_of_another_plan_is_refused(
    county_client: Client, world: World, campaign: Campaign, plan: Plan
) -> None:
    theirs = make_plan(campaign=campaign, organisation=world.county_b, by=world.county_b_officer)
    their_activity = theirs.activities.get()
    response = _edit(county_client, plan, [{"id": their_activity.pk, "title": "改掉别人的"}])
    assert "was not found in this plan" in response.content.decode()
    their_activity.refresh_from_db()
    assert their_activity.title == "线上助残宣传"


def test_a_plan_edited_in_two_tabs(
    county_client: Client, plan: Plan, counts_before: Callable[[], tuple[int, int, int, int]]
) -> None:
    activity = plan.activities.get()
    first = plan_form(plan, [{"id": activity.pk, "title": "第一个标签页"}])
    second = plan_form(plan, [{"id": activity.pk, "title": "第二个标签页"}])
    assert (
        county_client.post(reverse("plans:edit", kwargs={"plan_pk": plan.pk}), first).status_code
        == 302
    )
    before = counts_before()
    response = county_client.post(reverse("plans:edit", kwargs={"plan_pk": plan.pk}), second)
    assert response.status_code == 200
    assert "Someone else changed this plan while you had it open" in response.content.decode()
    assert counts_before() == before
    activity.refresh_from_db()
    assert activity.title == "第一个标签页"


def test_two_reviewers_at_once(
    world: World, campaign: Campaign, counts_before: Callable[[], tuple[int, int, int, int]]
) -> None:
    first = make_user(username="reviewer_one", full_name="李审核", org=world.city, role="reviewer")
    second = make_user(username="reviewer_two", full_name="王审核", org=world.city, role="reviewer")
    plan = make_plan(
        campaign=campaign, organisation=world.county_a, by=world.county_a_officer, submit=True
    )
    seen = plan.version  # both opened the review page at this version
    services.approve_plan(by=first, plan=plan, version=seen)
    before = counts_before()
    with pytest.raises(DomainError, match="This plan was already approved by 李审核 at "):
        services.return_plan(
            by=second, plan=plan, version=seen, comments=[services.CommentInput(text="不同意")]
        )
    with pytest.raises(DomainError, match="already approved by 李审核"):
        services.approve_plan(by=second, plan=plan, version=seen)
    assert counts_before() == before
    plan.refresh_from_db()
    assert plan.status == Plan.Status.APPROVED and plan.decided_by == first


def test_the_second_reviewer_sees_the_message_on_the_page(
    client: Client, world: World, campaign: Campaign, reviewer: User
) -> None:
    plan = make_plan(
        campaign=campaign, organisation=world.county_a, by=world.county_a_officer, submit=True
    )
    services.return_plan(
        by=world.city_admin,
        plan=plan,
        version=plan.version,
        comments=[services.CommentInput(text="请补充")],
    )
    login_verified(client, reviewer)
    client.cookies["django_language"] = "en"
    response = client.post(
        reverse("plans:review", kwargs={"plan_pk": plan.pk}),
        {"version": plan.version, "target": "plan", "decision": "approve"},
    )
    body = response.content.decode()
    assert response.status_code == 200 and "data-error-summary" in body
    assert "This plan was already returned by 王建国 at" in body


def test_returning_needs_a_comment(
    world: World,
    campaign: Campaign,
    reviewer: User,
    counts_before: Callable[[], tuple[int, int, int, int]],
) -> None:
    plan = make_plan(
        campaign=campaign, organisation=world.county_a, by=world.county_a_officer, submit=True
    )
    before = counts_before()
    with pytest.raises(DomainError, match="at least one comment"):
        services.return_plan(
            by=reviewer,
            plan=plan,
            version=plan.version,
            comments=[services.CommentInput(text="  ")],
        )
    assert counts_before() == before


def test_a_submitted_plan_cannot_be_edited_until_returned(
    county_client: Client, world: World, campaign: Campaign
) -> None:
    plan = make_plan(
        campaign=campaign, organisation=world.county_a, by=world.county_a_officer, submit=True
    )
    url = reverse("plans:edit", kwargs={"plan_pk": plan.pk})
    assert county_client.get(url).status_code == 302
    with pytest.raises(DomainError, match="has been submitted"):
        services.update_plan(
            by=world.county_a_officer,
            plan=plan,
            version=plan.version,
            aims="",
            leadership="",
            publicity="",
            safeguards="",
            activities=[],
        )


def test_a_bad_upload_is_refused_and_nothing_changes(
    county_client: Client, plan: Plan, counts_before: Callable[[], tuple[int, int, int, int]]
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    before = counts_before()
    activity = plan.activities.get()
    data = plan_form(plan, [{"id": activity.pk}], aims="新的目标")
    data["document"] = SimpleUploadedFile("方案.docx", b"PK\x03\x04not really a docx")
    response = county_client.post(reverse("plans:edit", kwargs={"plan_pk": plan.pk}), data)
    assert "damaged or is not a real .docx file" in response.content.decode()
    assert counts_before() == before
    plan.refresh_from_db()
    assert plan.aims != "新的目标" and not plan.document
