"""The summary reads a fixed number of queries, however much work was done under it."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from zhucan.activities.services import add_media_report, decide_typical, propose_typical
from zhucan.campaigns.models import Campaign
from zhucan.conftest import World
from zhucan.summaries.tests.factories import accepted_report, city_campaign_with_work
from zhucan.testing.auth import login_verified

pytestmark = pytest.mark.django_db

# Sign-in, session and memberships, the campaign and its cascade, the organisation, the saved
# words, the figures (about twenty grouped reads) and completeness.
MAX_QUERIES = 45


def _count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def _more_work(world: World, campaign: Campaign) -> None:
    """Three more accepted reports from county B, each typical with a photo and covered."""
    duty = campaign.duties.get()
    for n in range(3):
        report = accepted_report(
            world,
            campaign,
            world.county_b,
            world.county_b_officer,
            photo=True,
            title=f"叶县助残活动{n + 1}",
            duties=[duty],
        )
        typical = propose_typical(by=world.county_b_officer, report=report, account="做法新颖。")
        decide_typical(by=world.city_officer, typical=typical, accept=True)
        add_media_report(
            by=world.county_b_officer,
            campaign=campaign,
            organisation=world.county_b,
            outlet="叶县融媒体中心",
            kind="wechat",
            date=date(2020, 5, 18),
            title=f"叶县助残活动报道{n + 1}",
            activities=[report],
        )


@pytest.mark.parametrize("name", ["summaries:summary", "summaries:docx", "summaries:pdf"])
def test_queries_do_not_grow_with_the_work(client: Client, world: World, name: str) -> None:
    scene = city_campaign_with_work(world)
    login_verified(client, world.city_officer)
    url = reverse(name, args=[scene.campaign.pk])
    client.get(url)  # warm up the session and caches

    before = _count(client, url)
    _more_work(world, scene.campaign)
    after = _count(client, url)

    assert after == before, f"{name}: {before} queries, then {after} with more work"
    assert after <= MAX_QUERIES
