"""Epidemic-safety rules: enforced rules block submission, unenforced rules warn, the issuer's
coordinators set them, and the city sees the share of online activities per organisation."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from zhucan.accounts.models import User
from zhucan.campaigns.models import Campaign
from zhucan.conftest import World
from zhucan.core.errors import DomainError
from zhucan.core.models import AuditEntry
from zhucan.plans import services
from zhucan.plans.models import Plan, PlanVersion, SafetyRules
from zhucan.plans.safety import check_activities, rules_for
from zhucan.plans.selectors import online_share_by_org
from zhucan.testing.auth import login_verified
from zhucan.testing.factories import make_plan

CROWDED = {"mode": "in_person", "expected_attendance": 120, "safety_measures": "佩戴口罩"}


def _rules(world: World, campaign: Campaign, **changes: Any) -> SafetyRules:
    current = rules_for(campaign)
    values = {
        "max_in_person_attendance": current.max_in_person_attendance,
        "required_measures": list(current.required_measures),
        "min_online_percent": current.min_online_percent,
        "enforce": current.enforce,
    } | changes
    return services.update_safety_rules(
        by=world.city_officer, campaign=campaign, version=current.version, **values
    )


def test_defaults_without_a_row_and_the_row_on_first_change(
    world: World, campaign: Campaign
) -> None:
    rules = rules_for(campaign)
    assert rules.pk is None and rules.max_in_person_attendance == 50 and not rules.enforce
    _rules(world, campaign, enforce=True)
    assert SafetyRules.objects.get(campaign=campaign).enforce
    entry = AuditEntry.objects.get(action="plans.safety_rules.changed")
    assert entry.changes == {"enforce": [False, True]} and entry.org_path == world.city.path


def test_enforced_rules_block_submission_with_the_rules_listed(
    client: Client, world: World, campaign: Campaign
) -> None:
    _rules(world, campaign, enforce=True, required_measures=["佩戴口罩", "测温"])
    plan = make_plan(
        campaign=campaign,
        organisation=world.county_a,
        by=world.county_a_officer,
        activities=[CROWDED],
    )
    audits = AuditEntry.objects.count()
    with pytest.raises(DomainError) as refused:
        services.submit_plan(by=world.county_a_officer, plan=plan, version=plan.version)
    assert "more than the 50 people" in refused.value.message
    assert "do not mention 测温" in refused.value.message
    assert Plan.objects.get().status == Plan.Status.DRAFT
    assert not PlanVersion.objects.exists() and AuditEntry.objects.count() == audits
    # Through the page: the refusal is shown, the rules listed.
    login_verified(client, world.county_a_officer)
    client.cookies["django_language"] = "en"
    response = client.post(
        reverse("plans:submit", kwargs={"plan_pk": plan.pk}), {"version": plan.version}, follow=True
    )
    body = response.content.decode()
    assert "cannot be submitted" in body and "测温" in body
    assert "The campaign refuses plans that break its safety rules" in body


def test_unenforced_rules_warn_the_author_and_the_reviewer(
    client: Client, world: World, campaign: Campaign, reviewer: User
) -> None:
    _rules(world, campaign, min_online_percent=50)
    plan = make_plan(
        campaign=campaign,
        organisation=world.county_a,
        by=world.county_a_officer,
        activities=[CROWDED | {"safety_measures": ""}],
    )
    plan = services.submit_plan(by=world.county_a_officer, plan=plan, version=plan.version)
    assert plan.status == Plan.Status.SUBMITTED
    warnings = AuditEntry.objects.get(action="plans.plan.submitted").changes["warnings"]
    assert len(warnings) == 3  # attendance, no measures, online share 0% < 50%
    for person in (world.county_a_officer, reviewer):
        client.logout()
        login_verified(client, person)
        client.cookies["django_language"] = "en"
        url = "plans:detail" if person == world.county_a_officer else "plans:review"
        body = client.get(reverse(url, kwargs={"plan_pk": plan.pk})).content.decode()
        assert "3 safety rules broken" in body
        assert "must describe its safety measures" in body
        assert "0% of the activities are online; the campaign asks for at least 50%" in body


def test_required_measures_must_each_appear(world: World, campaign: Campaign) -> None:
    rules = _rules(world, campaign, required_measures=["佩戴口罩", "测温", "保持距离"])
    plan = make_plan(
        campaign=campaign,
        organisation=world.county_a,
        by=world.county_a_officer,
        activities=[
            {
                "mode": "both",
                "expected_attendance": 10,
                "safety_measures": "佩戴口罩、测温、保持距离",
            },
            {"mode": "in_person", "expected_attendance": 10, "safety_measures": "佩戴口罩"},
            {"mode": "online", "expected_attendance": 500},
        ],
    )
    broken = check_activities(rules, list(plan.activities.all()))
    assert [b.message for b in broken] == [
        "Activity 2 “线上助残宣传”: the safety measures do not mention 测温、保持距离."
    ]


def test_coordinators_edit_the_rules_page_others_only_read_it(
    client: Client, world: World, campaign: Campaign
) -> None:
    url = reverse("plans:rules", kwargs={"campaign_pk": campaign.pk})
    login_verified(client, world.county_a_officer)
    client.cookies["django_language"] = "en"
    page = client.get(url).content.decode()
    assert "Largest attendance at an in-person activity" in page and "Save the rules" not in page
    assert client.post(url, {"version": 1, "min_online_percent": 0}).status_code == 403
    client.logout()
    login_verified(client, world.city_officer)
    client.cookies["django_language"] = "en"
    form = {
        "version": 1,
        "max_in_person_attendance": "30",
        "required_measures": "佩戴口罩\n测温\n\n",
        "min_online_percent": "40",
        "enforce": "on",
    }
    assert client.post(url, form).status_code == 302
    rules = SafetyRules.objects.get()
    assert (rules.max_in_person_attendance, rules.required_measures) == (30, ["佩戴口罩", "测温"])
    assert rules.min_online_percent == 40 and rules.enforce
    # The same form again is an edit in another tab: refused, nothing changed.
    response = client.post(url, form | {"min_online_percent": "90"})
    assert "Someone else changed these rules" in response.content.decode()
    assert SafetyRules.objects.get().min_online_percent == 40
    response = client.post(url, form | {"version": rules.version, "min_online_percent": "150"})
    assert response.status_code == 200 and "data-error-summary" in response.content.decode()


def test_online_share_per_organisation(client: Client, world: World, campaign: Campaign) -> None:
    online = {"mode": "online"}
    a = make_plan(
        campaign=campaign,
        organisation=world.county_a,
        by=world.county_a_officer,
        activities=[online, online, online, CROWDED],
        submit=True,
    )
    make_plan(
        campaign=campaign,
        organisation=world.county_b,
        by=world.county_b_officer,
        activities=[CROWDED | {"expected_attendance": 10, "safety_measures": "佩戴口罩"}],
        submit=True,
    )
    make_plan(campaign=campaign, organisation=world.city_unit, by=world.member_unit_reporter)
    shares = {
        s.organisation.name: (s.activities, s.online, s.percent)
        for s in online_share_by_org(campaign)
    }
    assert shares == {world.county_a.name: (4, 3, 75), world.county_b.name: (1, 0, 0)}
    assert a.status == Plan.Status.SUBMITTED
    login_verified(client, world.city_officer)
    body = client.get(reverse("plans:overview", kwargs={"campaign_pk": campaign.pk})).content
    assert "75%" in body.decode()
