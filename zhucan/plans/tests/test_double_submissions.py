"""Plan create forms sent twice, or five times at once, make one thing and never a 500."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client
from django.urls import reverse

from zhucan.campaigns.models import Campaign
from zhucan.conftest import World
from zhucan.plans.models import Plan, PlanComment
from zhucan.testing.auth import login_verified
from zhucan.testing.concurrency import needs_postgres, post_at_once
from zhucan.testing.factories import make_plan


def test_a_comment_sent_twice_is_written_once(
    client: Client, world: World, campaign: Campaign
) -> None:
    plan = make_plan(campaign=campaign, organisation=world.county_a, by=world.county_a_officer)
    login_verified(client, world.county_a_officer)
    url = reverse("plans:detail", kwargs={"plan_pk": plan.pk})
    form = {"target": "plan", "text": "已按要求补充。", "client_id": str(uuid.uuid4())}
    assert [client.post(url, form).status_code for _ in range(2)] == [302, 302]
    assert PlanComment.objects.filter(plan=plan).count() == 1


@pytest.mark.postgres
@needs_postgres
def test_five_clicks_at_once_on_start_the_plan_make_one_plan(
    transactional_db: None, world: World, campaign: Campaign
) -> None:
    url = reverse("plans:start", kwargs={"campaign_pk": campaign.pk})
    responses = post_at_once(world.county_a_officer, url, {"organisation": world.county_a.pk})
    plan = Plan.objects.get()
    assert {r["Location"] for r in responses} == {
        reverse("plans:edit", kwargs={"plan_pk": plan.pk})
    }
