"""The dashboard's tables come from the cache between two changes, and never older than the
cells: an accept, a return, a delivery, media coverage and a rebuild each show at once."""

from __future__ import annotations

import io
import re
from datetime import date

from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from zhucan.accounts.models import User
from zhucan.activities.models import ActivityReport
from zhucan.activities.services import add_media_report, return_report
from zhucan.campaigns.models import Receipt
from zhucan.campaigns.services import sign_receipt
from zhucan.conftest import World
from zhucan.stats.tests.conftest import Story, accept
from zhucan.testing.auth import login_verified
from zhucan.testing.factories import make_report

TOTAL = re.compile(r'<tfoot><tr><th scope="row">[^<]*</th><td class="num">([\d,]+)</td>')


def view(client: Client, url: str) -> tuple[int, bool, int]:
    """(reports in the total, whether the tables were computed rather than read from the
    cache, the number of queries)."""
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url)
    assert page.status_code == 200
    found = TOTAL.search(page.content.decode())
    assert found, "no total row"
    return int(found.group(1).replace(",", "")), "board" in page.context, len(queries)


def test_a_second_view_is_read_from_the_cache(client: Client, world: World, story: Story) -> None:
    login_verified(client, world.city_officer)
    url = reverse("stats:dashboard", args=[story.campaign.pk])
    first, computed, queries = view(client, url)
    again, computed_again, fewer = view(client, url)
    assert (first, computed) == (4, True)
    assert (again, computed_again) == (4, False) and fewer < queries


def test_an_accept_and_a_return_show_at_once(
    client: Client, world: World, story: Story, county_reporter: User
) -> None:
    login_verified(client, world.city_officer)
    url = reverse("stats:dashboard", args=[story.campaign.pk])
    assert view(client, url)[:2] == (4, True)
    assert view(client, url)[:2] == (4, False)
    report = make_report(
        campaign=story.campaign, organisation=world.county_a, by=county_reporter, submit=True
    )
    accepted = accept(report, world.city_officer)
    assert view(client, url)[:2] == (5, True)
    return_report(
        by=world.city_officer, report=accepted, version=accepted.version, reason="补充照片"
    )
    assert view(client, url)[:2] == (4, True)
    # A change below a child shows on the child's page too.
    county = reverse("stats:node", args=[story.campaign.pk, world.county_a.pk])
    assert view(client, county)[:2] == (2, True)
    assert view(client, county)[:2] == (2, False)
    again = make_report(
        campaign=story.child, organisation=world.county_a_unit, by=county_reporter, submit=True
    )
    accept(again, world.city_officer)
    assert view(client, county)[:2] == (3, True)


def test_a_rebuild_shows_at_once(client: Client, world: World, story: Story) -> None:
    login_verified(client, world.city_officer)
    url = reverse("stats:dashboard", args=[story.campaign.pk])
    assert view(client, url)[:2] == (4, True)
    # Changed behind the services' back: only a rebuild brings the cells up to date.
    ActivityReport.objects.filter(pk=story.other.pk).update(status=ActivityReport.Status.RETURNED)
    assert view(client, url)[:2] == (4, False)
    call_command("rebuild_stats", stdout=io.StringIO())
    assert view(client, url)[:2] == (3, True)


def test_a_delivery_and_media_show_at_once(client: Client, world: World, story: Story) -> None:
    login_verified(client, world.city_officer)
    url = reverse("stats:dashboard", args=[story.campaign.pk])
    view(client, url)
    assert view(client, url)[1] is False
    receipt = Receipt.objects.filter(campaign=story.campaign, signed_at__isnull=True).first()
    assert receipt is not None
    sign_receipt(by=world.city_officer, receipt=receipt)
    assert view(client, url)[1] is True
    assert view(client, url)[1] is False
    add_media_report(
        by=world.county_a_officer,
        campaign=story.campaign,
        organisation=world.county_a,
        outlet="平顶山日报",
        kind="newspaper",
        date=date(2020, 5, 17),
        title="新华区开展助残日活动",
    )
    assert view(client, url)[1] is True


def test_people_of_different_nodes_never_share_an_entry(
    client: Client, world: World, story: Story
) -> None:
    county = reverse("stats:node", args=[story.campaign.pk, world.county_a.pk])
    login_verified(client, world.city_officer)
    assert view(client, county)[:2] == (2, True)
    assert view(client, county)[:2] == (2, False)
    client.logout()
    # County A's officer sees the same node, but from a jurisdiction of their own.
    login_verified(client, world.county_a_officer)
    assert view(client, county)[:2] == (2, True)
    assert view(client, county)[:2] == (2, False)
