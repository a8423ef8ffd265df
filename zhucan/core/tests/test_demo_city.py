"""The demo is a living Pingdingshan: every county has accepted work on the dashboards, the
totals add up, some recipients are missing and were reminded, the register holds thousands of
synthetic people, and two loads make the same city."""

from __future__ import annotations

import hashlib
import io
from collections import Counter
from decimal import Decimal

from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, Sum
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from zhucan.accounts.demo import COUNTIES
from zhucan.accounts.models import User
from zhucan.activities.models import (
    ActivityReport,
    IndicatorValue,
    MediaReport,
    Photo,
    TypicalActivity,
    Visit,
)
from zhucan.campaigns.models import Campaign, Receipt
from zhucan.completeness.deliverables import Status
from zhucan.completeness.models import ReminderSent
from zhucan.completeness.selectors import expected_rows
from zhucan.plans.models import Plan
from zhucan.registry import crypto
from zhucan.registry.idnumbers import parse_id_number
from zhucan.registry.models import Assistance, EducationCase, Person
from zhucan.stats.statistical_report import report_rows
from zhucan.testing.auth import login_verified

COUNTY_CODES = {code for code, _name in COUNTIES}


def _campaign() -> Campaign:
    return Campaign.objects.get(notice__doc_number__contains="2号", year=2020, parent=None)


def test_the_dashboards_show_a_whole_city_at_work(client: Client, db: None) -> None:
    call_command("load_demo", stdout=io.StringIO())
    campaign = _campaign()
    accepted = ActivityReport.objects.filter(
        campaign=campaign, status=ActivityReport.Status.ACCEPTED
    )
    assert accepted.count() >= 250
    per_county = Counter(
        accepted.filter(organisation__kind="committee").values_list(
            "organisation__region_id", flat=True
        )
    )
    assert set(per_county) >= COUNTY_CODES
    assert min(per_county[code] for code in COUNTY_CODES) >= 15

    # The dashboard's totals are the sums of the accepted reports.
    sums = accepted.aggregate(served=Sum("disabled_served"), cash=Sum("cash"))
    login_verified(client, User.objects.get(username="city_officer"))
    board = client.get(reverse("stats:home"), follow=True).context["board"]
    assert board.total.reports == accepted.count()
    assert board.total.get("disabled_served") == sums["served"]
    assert Decimal(board.total.get("cash")) == sums["cash"]

    # The statistical report: every county's row is filled, and the total is their sum.
    rows, total = report_rows(campaign, campaign.issuing_org)
    by_name = {row.label: row.figures for row in rows}
    for _code, county in COUNTIES:
        figures = by_name[f"{county}人民政府残疾人工作委员会"]
        assert figures.get("reports", 0) > 0 and figures.get("disabled_served", 0) > 0
    assert total.figures["reports"] == sum(row.figures.get("reports", 0) for row in rows)

    # Realistic titles, dates over the campaign's weeks, figures given, visits, coverage.
    titles = list(accepted.values_list("title", flat=True))
    assert len(set(titles)) > 100
    assert any("助残日" in t for t in titles) and any("走访慰问" in t for t in titles)
    days = set(accepted.values_list("start_date", flat=True))
    assert min(days).month == 5 and len(days) >= 15
    assert IndicatorValue.objects.filter(report__in=accepted).count() > accepted.count()
    assert Visit.objects.filter(report__in=accepted, kind=Visit.Kind.HOUSEHOLD).count() > 50
    assert Visit.objects.filter(report__in=accepted, kind=Visit.Kind.INSTITUTION).exists()
    assert MediaReport.objects.filter(campaign=campaign).count() >= 50
    typical = TypicalActivity.objects.filter(status=TypicalActivity.Status.ACCEPTED)
    assert typical.count() >= 5
    assert all(t.report.photos.exists() for t in typical)
    photo = Photo.objects.filter(report__in=accepted).first()
    assert photo is not None and Photo.objects.count() >= 50
    with photo.image.open("rb") as stored:
        assert Image.open(stored).size[0] > 0


def test_some_are_missing_and_were_reminded(db: None) -> None:
    call_command("load_demo", stdout=io.StringIO())
    campaign = _campaign()
    assert set(Plan.objects.values_list("status", flat=True)) == set(Plan.Status.values)
    rows = expected_rows([campaign])
    statuses = Counter((kind, cell.status) for row in rows for kind, cell in row.cells.items())
    assert statuses["receipt", Status.ON_TIME] >= 15
    assert statuses["receipt", Status.MISSING] + statuses["receipt", Status.OVERDUE] > 0
    # A campaign under way: signing was due before today, the plans are not yet due.
    assert statuses["receipt", Status.LATE] > 0 and statuses["receipt", Status.OVERDUE] > 0
    assert statuses["receipt", Status.MISSING] == 0
    assert statuses["plan", Status.MISSING] > 0 and statuses["plan", Status.ON_TIME] > 0
    # Everyone still owing a receipt or a plan got today's reminder, and nobody else did.
    owing = {
        (row.organisation_id, kind)
        for row in rows
        for kind, cell in row.cells.items()
        if kind in ("receipt", "plan") and not cell.done
    }
    reminded = set(ReminderSent.objects.values_list("organisation_id", "kind"))
    assert reminded == owing
    assert Receipt.objects.filter(campaign=campaign, signed_at__isnull=True).exists()
    # The overdue were told they are overdue, and the city was told who is long overdue.
    overdue = {row.organisation_id for row in rows if row.cells["receipt"].status == Status.OVERDUE}
    receipts = ReminderSent.objects.filter(kind="receipt")
    after = set(
        receipts.filter(stage=ReminderSent.Stage.AFTER).values_list("organisation_id", flat=True)
    )
    assert after == overdue
    escalated = receipts.filter(stage=ReminderSent.Stage.ESCALATION)
    assert set(escalated.values_list("organisation_id", flat=True)) == overdue
    assert set(escalated.values_list("notified_org_id", flat=True)) == {campaign.issuing_org_id}
    assert not receipts.filter(stage=ReminderSent.Stage.BEFORE).exists()


def test_the_completeness_page_shows_on_time_late_overdue_and_not_yet_due(
    client: Client, db: None
) -> None:
    call_command("load_demo", stdout=io.StringIO())
    campaign = _campaign()
    login_verified(client, User.objects.get(username="city_officer"))
    url = reverse("completeness:campaign", kwargs={"campaign_pk": campaign.pk})
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for label in ("Delivered on time", "Delivered late", "Overdue", "Not yet delivered"):
        assert label in page
    late = client.get(
        url, {"kind": "receipt", "status": "late"}, HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert (
        '<th scope="row">叶县人民政府残疾人工作委员会</th>' in late.split('id="detail-heading"')[1]
    )
    # Signing late is recorded as the day it happened, by whom, through the service.
    receipt = Receipt.objects.get(campaign=campaign, organisation__name="平顶山市总工会")
    receipts_due = campaign.reminder_schedule.receipts_due
    assert receipts_due is not None
    assert timezone.localdate(receipt.signed_at) > receipts_due


def test_the_register_holds_thousands_of_synthetic_people(client: Client, db: None) -> None:
    call_command("load_demo", stdout=io.StringIO())
    people = Person.objects.all()
    assert people.count() >= 2000
    counties = dict(
        people.values_list("organisation__region_id").annotate(n=Count("pk")).order_by()
    )
    assert set(counties) == COUNTY_CODES and min(counties.values()) >= 50
    assert people.values("township").distinct().count() >= 40
    for person in people.order_by("pk")[:: people.count() // 25]:
        number = crypto.decrypt(person.id_number_ct, field="id_number")
        parsed = parse_id_number(number)  # raises on a wrong check character
        assert number[:6] == person.organisation.region_id
        assert number[14] == "9"  # every sequence is 9xx: obviously not a real number
        assert parsed.birth_date.year == person.birth_year
    assert Assistance.objects.filter(visit__isnull=False).count() > 100
    assert Assistance.objects.filter(visit__isnull=True).count() > 50
    assert EducationCase.objects.count() > 20
    login_verified(client, User.objects.get(username="city_officer"))
    page = client.get(reverse("registry:coverage", kwargs={"campaign_pk": _campaign().pk}))
    result = page.context["result"]
    assert result.totals.helped > 200 and result.totals.not_helped > 100
    assert len({row.area.pk for row in result.rows}) == len(COUNTY_CODES)  # rows per township


def _digest() -> str:
    """What a person sees of the demo, without ids, keys or moments of loading."""
    reports = ActivityReport.objects.order_by("client_id").values_list(
        "client_id",
        "organisation__name",
        "title",
        "place",
        "start_date",
        "category",
        "disabled_served",
        "cash",
        "goods_value",
        "status",
    )
    numbers = sorted(
        crypto.decrypt(ct, field="id_number")
        for ct in Person.objects.values_list("id_number_ct", flat=True)
    )
    people = sorted(Person.objects.values_list("name", "township", "birth_year", "category"))
    parts = [
        list(reports),
        numbers,
        people,
        sorted(IndicatorValue.objects.values_list("report__client_id", "indicator__code", "value")),
        sorted(Assistance.objects.values_list("kind", "amount", "given_on")),
        sorted(Plan.objects.values_list("organisation__name", "status")),
        sorted(MediaReport.objects.values_list("outlet", "title", "date")),
        sorted(ReminderSent.objects.values_list("organisation__name", "kind", "stage")),
        sorted(Receipt.objects.values_list("organisation__name", "signed_by__username")),
        Photo.objects.count(),
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def test_every_load_makes_the_same_city(db: None) -> None:
    with transaction.atomic():
        call_command("load_demo", stdout=io.StringIO())
        first = _digest()
        transaction.set_rollback(True)  # back to an empty database, within the test
    assert not ActivityReport.objects.exists()
    call_command("load_demo", stdout=io.StringIO())
    assert _digest() == first
