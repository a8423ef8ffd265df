"""Help requests in the statistics: exact figures by organisation and kind, on-time boundaries
on local days, the median on odd and even counts, spam and other counties left out, the
dashboard's section, its Excel sheets and its fixed query count."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from zhucan.campaigns.models import Campaign
from zhucan.conftest import World
from zhucan.helprequests.models import HelpRequest
from zhucan.stats.help_requests import HelpCounts, HelpFigures, help_figures
from zhucan.stats.tests.factories import at, make_help_request
from zhucan.testing.auth import login_verified
from zhucan.testing.factories import make_campaign

Kind, Status = HelpRequest.Kind, HelpRequest.Status
YEAR = (date(2020, 1, 1), date(2020, 12, 31))
TODAY = date(2020, 5, 5)


@dataclass
class Requests:
    campaign: Campaign
    by_name: dict[str, HelpRequest]


def _at(month: int, day: int, hour: int, minute: int = 0, year: int = 2020) -> datetime:
    return at(date(year, month, day), hour) + timedelta(minutes=minute)


@pytest.fixture
def requests(world: World) -> Requests:
    """Six that count for the city in 2020 (answered on 1, 2, 7.6 and 7.65 days), one spam and
    two received just outside the year."""
    a, b, city = world.county_a, world.county_b, world.city
    made = {
        # Answered late in the evening of the day due: on time.
        "on_time_evening": make_help_request(
            organisation=a,
            received=_at(3, 2, 9),
            acknowledged=_at(3, 3, 10),
            answered=_at(3, 9, 23, 30),
        ),
        # Half an hour after local midnight is the next day (still the 9th in UTC): late, and
        # acknowledged a day after its due date.
        "late_after_midnight": make_help_request(
            organisation=a,
            kind=Kind.INCOME_FELL,
            received=_at(3, 2, 9),
            acknowledged=_at(3, 5, 9),
            answered=_at(3, 10, 0, 30),
        ),
        "next_day": make_help_request(
            organisation=a, received=_at(4, 1, 9), acknowledged=_at(4, 1, 12), answered=_at(4, 2, 9)
        ),
        "open_overdue": make_help_request(organisation=a, received=_at(4, 10, 9)),
        "spam": make_help_request(organisation=a, received=_at(4, 10, 9), status=Status.SPAM),
        "open_in_time": make_help_request(
            organisation=b,
            kind=Kind.EMPLOYMENT,
            received=_at(5, 1, 9),
            acknowledged=_at(5, 2, 9),
            status=Status.ACKNOWLEDGED,
        ),
        "city_own": make_help_request(
            organisation=city,
            kind=Kind.OTHER,
            received=_at(4, 20, 9),
            acknowledged=_at(4, 20, 11),
            answered=_at(4, 22, 9),
        ),
        "last_year": make_help_request(organisation=a, received=_at(12, 31, 23, 30, year=2019)),
        # 22:00 on 31 December in UTC, but the new year here.
        "next_year": make_help_request(organisation=b, received=_at(1, 1, 6, year=2021)),
    }
    return Requests(make_campaign(issuing_org=city, by=world.city_officer), made)


def _counts(figures: HelpFigures, name: str) -> HelpCounts:
    return next(line.counts for line in figures.organisations if line.name == name)


def test_city_figures_by_organisation_and_kind(world: World, requests: Requests) -> None:
    figures = help_figures(world.city, date_from=YEAR[0], date_to=YEAR[1], today=TODAY)
    assert figures.total == HelpCounts(
        received=6, answered=4, answered_on_time=3, acknowledged_on_time=4, open=2, overdue=1
    )
    assert [(line.name, line.is_node) for line in figures.organisations] == [
        (world.city.name, True),
        (world.county_a.name, False),
        (world.county_b.name, False),
    ]
    assert _counts(figures, world.county_a.name) == HelpCounts(
        received=4, answered=3, answered_on_time=2, acknowledged_on_time=2, open=1, overdue=1
    )
    assert _counts(figures, world.county_b.name) == HelpCounts(
        received=1, acknowledged_on_time=1, open=1
    )
    assert [(line.kind, line.counts.received) for line in figures.kinds] == [
        (Kind.INCOME_FELL, 1),
        (Kind.MEDICAL, 3),
        (Kind.EMPLOYMENT, 1),
        (Kind.OTHER, 1),
    ]
    assert figures.total.on_time_rate == 75


def test_median_of_an_even_count_is_the_mean_of_the_middle_two(
    world: World, requests: Requests
) -> None:
    # 1 day, 2 days, 7 d 14.5 h, 7 d 15.5 h: the mean of 2 days and 7 d 14.5 h.
    figures = help_figures(world.city, date_from=YEAR[0], date_to=YEAR[1], today=TODAY)
    assert figures.median_to_answer == timedelta(days=4, hours=19, minutes=15)
    assert figures.median_days == 4.8


def test_median_of_an_odd_count_is_the_middle_one(world: World, requests: Requests) -> None:
    figures = help_figures(world.county_a, date_from=YEAR[0], date_to=YEAR[1], today=TODAY)
    assert figures.total.answered == 3
    assert figures.median_to_answer == timedelta(days=7, hours=14, minutes=30)


def test_nothing_answered_has_no_median(world: World, requests: Requests) -> None:
    figures = help_figures(world.county_b, date_from=YEAR[0], date_to=YEAR[1], today=TODAY)
    assert figures.total.received == 1
    assert figures.median_to_answer is None and figures.median_days is None
    assert figures.total.on_time_rate is None


def test_another_county_and_spam_never_count(world: World, requests: Requests) -> None:
    figures = help_figures(world.county_b, date_from=YEAR[0], date_to=YEAR[1], today=TODAY)
    assert [line.name for line in figures.organisations] == [world.county_b.name]
    HelpRequest.objects.exclude(status=Status.SPAM).delete()
    emptied = help_figures(world.county_a, date_from=YEAR[0], date_to=YEAR[1], today=TODAY)
    assert emptied.total == HelpCounts() and emptied.organisations == []


def test_overdue_counts_from_the_day_after_the_answer_was_due(
    world: World, requests: Requests
) -> None:
    due = requests.by_name["open_in_time"].answer_due
    for today, overdue in ((due, 1), (due + timedelta(days=1), 2)):
        figures = help_figures(world.city, date_from=YEAR[0], date_to=YEAR[1], today=today)
        assert figures.total.overdue == overdue


def test_the_period_is_local_days_at_both_ends(world: World, requests: Requests) -> None:
    april = help_figures(
        world.city, date_from=date(2020, 4, 1), date_to=date(2020, 4, 30), today=TODAY
    )
    assert april.total.received == 3
    new_year = help_figures(
        world.city, date_from=date(2021, 1, 1), date_to=date(2021, 1, 1), today=TODAY
    )
    assert new_year.total.received == 1


def test_dashboard_shows_the_section_for_the_campaign_year(
    client: Client, world: World, requests: Requests
) -> None:
    login_verified(client, world.city_officer)
    page = client.get(reverse("stats:dashboard", args=[requests.campaign.pk]))
    assert page.context["help"].total.received == 6
    body = page.content.decode()
    assert 'id="help-heading"' in body and "Help requests by kind" in body


def test_dashboard_date_filters_narrow_the_section(
    client: Client, world: World, requests: Requests
) -> None:
    login_verified(client, world.city_officer)
    url = reverse("stats:dashboard", args=[requests.campaign.pk])
    page = client.get(f"{url}?date_from=2020-04-01&date_to=2020-04-30")
    assert page.context["help"].total.received == 3


def test_a_county_officer_sees_only_its_county(
    client: Client, world: World, requests: Requests
) -> None:
    login_verified(client, world.county_b_officer)
    page = client.get(reverse("stats:dashboard", args=[requests.campaign.pk]))
    assert page.context["help"].node == world.county_b
    assert page.context["help"].total.received == 1


def test_dashboard_excel_has_the_help_sheets(
    client: Client, world: World, requests: Requests
) -> None:
    login_verified(client, world.city_officer)
    url = reverse("stats:export", args=[requests.campaign.pk, world.city.pk])
    book = load_workbook(io.BytesIO(client.get(url).content))
    assert book.sheetnames[-2:] == ["Help requests by organisation", "Help requests by kind"]
    rows = list(book["Help requests by kind"].iter_rows(values_only=True))
    assert rows[0][:3] == ("Kind of help asked for", "Received", "Answered")
    # Read today, years after the due dates: both open requests are overdue.
    assert rows[-1] == ("Total", 6, 4, 3, 75, 4, 2, 2)


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_section_costs_the_same_queries_however_many_requests(
    client: Client, world: World
) -> None:
    campaign = make_campaign(issuing_org=world.city, by=world.city_officer)
    make_help_request(organisation=world.county_a, received=_at(3, 2, 9), answered=_at(3, 4, 9))
    login_verified(client, world.city_officer)
    url = reverse("stats:dashboard", args=[campaign.pk])
    # The first page of a session stamps it and fills the per-person caches: warm up first.
    assert client.get(url).status_code == 200
    cache.clear()
    before = _queries(client, url)
    for n in range(8):
        make_help_request(
            organisation=world.county_b if n % 2 else world.city,
            received=_at(4, 1 + n, 9),
            answered=_at(4, 2 + n, 9) if n % 3 else None,
        )
    cache.clear()
    assert _queries(client, url) == before


def test_the_page_keeps_the_figures_a_few_minutes_and_says_when_counted(
    client: Client, world: World, requests: Requests
) -> None:
    login_verified(client, world.city_officer)
    url = reverse("stats:dashboard", args=[requests.campaign.pk])
    first = client.get(url).context["help"]
    make_help_request(organisation=world.county_a, received=_at(6, 1, 9))
    again = client.get(url)
    assert again.context["help"].total.received == first.total.received == 6
    counted = timezone.localtime(first.counted_at).strftime("%Y-%m-%d %H:%M")
    assert f"as counted at {counted}" in again.content.decode()
    # The Excel counts afresh.
    export = reverse("stats:export", args=[requests.campaign.pk, world.city.pk])
    book = load_workbook(io.BytesIO(client.get(export).content))
    assert list(book["Help requests by kind"].iter_rows(values_only=True))[-1][1] == 7
