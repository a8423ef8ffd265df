"""The issuer's overview of every recipient's plan, its Excel export, the duty matrix's
"planned" cells and the to-do list."""

from __future__ import annotations

import io
from datetime import datetime

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook
from pytest_django import DjangoAssertNumQueries

from zhucan.accounts.models import User
from zhucan.campaigns.models import Campaign
from zhucan.conftest import World
from zhucan.orgs.models import Organisation
from zhucan.plans import services
from zhucan.plans.models import Plan
from zhucan.plans.selectors import planned_activities_by_duty, plans_overview
from zhucan.testing.auth import login_verified
from zhucan.testing.factories import make_campaign, make_org, make_plan, make_user


@pytest.fixture
def ten_counties(world: World) -> Campaign:
    """Eight more county committees, so the city's notice reaches ten counties."""
    for n in range(8):
        make_org(name=f"第{n + 1}县人民政府残疾人工作委员会", parent=world.city)
    return make_campaign(issuing_org=world.city, by=world.city_officer)


def _plans_for_all_counties(world: World, campaign: Campaign) -> list[Organisation]:
    counties = [r.organisation for r in campaign.receipts.filter(organisation__kind="committee")]
    assert len(counties) == 10
    for n, county in enumerate(counties):
        officer = make_user(org=county, role="reporter")
        activities = [{"mode": "online"}] * (n % 3) + [
            {"mode": "in_person", "expected_attendance": 10 * (n + 1), "safety_measures": "口罩"}
        ]
        make_plan(
            campaign=campaign,
            organisation=county,
            by=officer,
            activities=activities,
            submit=n % 2 == 1,
        )
    return counties


def test_overview_query_count_does_not_grow_with_the_plans(
    client: Client,
    world: World,
    ten_counties: Campaign,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    campaign = ten_counties
    login_verified(client, world.city_officer)
    url = reverse("plans:overview", kwargs={"campaign_pk": campaign.pk})
    client.get(url)  # the session and the user are loaded once
    with django_assert_max_num_queries(16) as empty:
        assert client.get(url).status_code == 200
    _plans_for_all_counties(world, campaign)
    with django_assert_max_num_queries(16) as full:
        response = client.get(url)
    assert response.status_code == 200
    # One more query with plans than without (their activities, prefetched), then no growth.
    assert len(full.captured_queries) <= len(empty.captured_queries) + 1
    body = response.content.decode()
    assert body.count('<th scope="row">') >= 11 + 5  # every recipient, and the online table


def test_sort_by_a_column_and_export(client: Client, world: World, ten_counties: Campaign) -> None:
    campaign = ten_counties
    _plans_for_all_counties(world, campaign)
    rows = plans_overview(campaign, "-warnings")
    # Counties 6 to 10 plan 60 to 100 people in person: over the limit of 50.
    assert [r.warnings for r in rows] == [1] * 5 + [0] * 6
    by_online = plans_overview(campaign, "online")
    assert by_online[-1].plan is None  # the city unit has no plan: last whichever way
    assert plans_overview(campaign, "-online")[-1].plan is None
    shares = [r.online_share for r in by_online[:-1]]
    assert shares == sorted(s for s in shares if s is not None)  # every plan has a share
    assert [r.organisation for r in plans_overview(campaign, "nonsense")] == [
        r.organisation for r in plans_overview(campaign)
    ]
    login_verified(client, world.city_officer)
    client.cookies["django_language"] = "en"
    url = reverse("plans:overview", kwargs={"campaign_pk": campaign.pk})
    page = client.get(url, {"sort": "status"}).content.decode()
    assert 'aria-sort="ascending"' in page and 'href="?sort=-status"' in page
    export = client.get(url, {"sort": "-submitted", "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(export.content)).worksheets[0]
    values = list(sheet.iter_rows(min_row=1, values_only=True))
    assert values[0][:2] == ("Organisation", "Plan status")
    assert len(values) == 1 + 11
    submitted = [row[3] for row in values[1:]]
    dates = [d for d in submitted[:5] if isinstance(d, datetime)]
    assert submitted[:5] == sorted(dates, reverse=True) and submitted[5:] == [None] * 6
    assert "No plan" in [row[1] for row in values]


def test_only_the_issuers_coordinators_and_reviewers_see_the_overview(
    client: Client, world: World, campaign: Campaign, reviewer: User
) -> None:
    url = reverse("plans:overview", kwargs={"campaign_pk": campaign.pk})
    for person, status in (
        (world.city_officer, 200),
        (reviewer, 200),
        (world.county_a_officer, 403),  # a recipient: it sees its own plan, not the others'
        (world.county_b_officer, 403),
        (world.outsider, 404),
    ):
        client.logout()
        login_verified(client, person)
        assert client.get(url).status_code == status, person.username


def test_planned_activities_by_duty(world: World, campaign: Campaign) -> None:
    duty = campaign.duties.get()
    submitted = make_plan(
        campaign=campaign,
        organisation=world.county_a,
        by=world.county_a_officer,
        activities=[{"duty": duty, "title": "慰问贫困残疾人"}, {"title": "不对应职责"}],
        submit=True,
    )
    make_plan(  # a draft is not planned yet, as far as the city knows
        campaign=campaign,
        organisation=world.county_b,
        by=world.county_b_officer,
        activities=[{"duty": duty}],
    )
    cells = planned_activities_by_duty(campaign)
    assert list(cells) == [(duty.pk, world.county_a.pk)]
    assert [a.title for a in cells[(duty.pk, world.county_a.pk)]] == ["慰问贫困残疾人"]
    assert cells[(duty.pk, world.county_a.pk)][0].plan == submitted
    assert planned_activities_by_duty(campaign, user=world.county_b_officer) == {}
    assert list(planned_activities_by_duty(campaign, user=world.city_officer)) == list(cells)


def test_to_dos_plans_to_write_and_to_review(
    client: Client, world: World, campaign: Campaign, reviewer: User
) -> None:
    login_verified(client, world.county_b_officer)
    client.cookies["django_language"] = "en"
    home = client.get(reverse("core:home")).content.decode()
    assert "Write the activity plan for: " + campaign.notice.title in home
    plan = make_plan(
        campaign=campaign, organisation=world.county_b, by=world.county_b_officer, submit=True
    )
    home = client.get(reverse("core:home")).content.decode()
    assert "activity plan for: " not in home
    client.logout()
    login_verified(client, reviewer)
    client.cookies["django_language"] = "en"
    home = client.get(reverse("core:home")).content.decode()
    assert f"Review the activity plan of {world.county_b.name}" in home
    assert world.county_a.name not in home
    services.return_plan(
        by=reviewer,
        plan=plan,
        version=plan.version,
        comments=[services.CommentInput(text="请补充")],
    )
    assert "Review the activity plan" not in client.get(reverse("core:home")).content.decode()
    client.logout()
    login_verified(client, world.county_b_officer)
    home = client.get(reverse("core:home")).content.decode()
    assert "Revise the returned activity plan for: " + campaign.notice.title in home
    assert Plan.objects.count() == 1
