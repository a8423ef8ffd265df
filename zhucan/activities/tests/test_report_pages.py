"""The report pages: list, form (new and edit), detail, submit and review, through the client.

The county reporter writes and submits; county A's officer accepts or returns. County B's
officer never sees county A's work; an outsider sees nothing.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from zhucan.accounts.models import User
from zhucan.activities.models import ActivityReport, Indicator, Institution, Visit
from zhucan.activities.services import VisitInput
from zhucan.campaigns.models import Campaign
from zhucan.conftest import World
from zhucan.core.models import AuditEntry
from zhucan.orgs.models import Region
from zhucan.testing.auth import login_verified
from zhucan.testing.factories import make_report

if TYPE_CHECKING:
    # What the test client returns (a response with the request and context attached).
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

REPORT = {
    "category": "visit",
    "title": "走访慰问困难残疾人家庭",
    "start_date": "2020-05-15",
    "end_date": "2020-05-17",
    "mode": "in_person",
    "attendance": "20",
    "disabled_served": "12",
    "volunteers": "5",
    "cash": "7000.00",
    "goods_value": "",
    "place": "新华区",
    "region": "",
    "description": "走访了三十五户困难残疾人家庭。",
    "safety_measures": "佩戴口罩",
    "planned_activity": "",
}


def visit_rows(rows: list[dict[str, str]], *, initial: int = 0) -> dict[str, str]:
    data = {
        "visit-TOTAL_FORMS": str(len(rows)),
        "visit-INITIAL_FORMS": str(initial),
        "visit-MIN_NUM_FORMS": "0",
        "visit-MAX_NUM_FORMS": "1000",
    }
    for n, row in enumerate(rows):
        blank = {
            "id": "",
            "kind": "",
            "institution": "",
            "households": "",
            "leaders": "",
            "cash": "",
        }
        data |= {f"visit-{n}-{k}": v for k, v in (blank | {"goods_value": ""} | row).items()}
    return data


def form_data(
    form_page: Any, visits: list[dict[str, str]] | None = None, **fields: str
) -> dict[str, Any]:
    """What the browser posts: the hidden fields of the page shown, and these values."""
    context = form_page.context
    form = context["form"]
    hidden = {f.html_name: f.value() for f in form.hidden_fields() if f.value() is not None}
    if "organisation" in form_page.content.decode() and context["report"] is None:
        hidden["organisation"] = str(context["organisation"].pk)
    visits = visits if visits is not None else []
    return hidden | REPORT | visit_rows(visits) | fields


def counts() -> tuple[int, int, int, int]:
    from zhucan.activities.models import IndicatorValue

    return (
        ActivityReport.objects.count(),
        IndicatorValue.objects.count(),
        Visit.objects.count(),
        AuditEntry.objects.filter(action__startswith="activities.").count(),
    )


@pytest.fixture
def reporter_client(client: Client, county_reporter: User) -> Client:
    login_verified(client, county_reporter)
    return client


@pytest.fixture
def new_url(campaign: Campaign) -> str:
    return reverse("activities:new", kwargs={"campaign_pk": campaign.pk})


def _report(world: World, campaign: Campaign, by: User, **fields: Any) -> ActivityReport:
    return make_report(campaign=campaign, organisation=world.county_a, by=by, **fields)


def indicator(code: str) -> Indicator:
    return Indicator.objects.get(campaign=None, code=code)


# --- The list ------------------------------------------------------------------------------


def test_the_list_shows_reports_only_inside_the_jurisdiction(
    client: Client, world: World, campaign: Campaign, county_reporter: User
) -> None:
    _report(world, campaign, county_reporter, title="新华区走访慰问")
    make_report(
        campaign=campaign,
        organisation=world.county_b,
        by=world.county_b_officer,
        title="叶县助残宣传",
    )
    url = reverse("activities:list")
    login_verified(client, world.county_b_officer)
    body = client.get(url).content.decode()
    assert "叶县助残宣传" in body and "新华区走访慰问" not in body
    assert world.county_a.name not in body
    login_verified(client, world.city_officer)
    body = client.get(url).content.decode()
    assert "叶县助残宣传" in body and "新华区走访慰问" in body


def test_the_list_searches_filters_and_pages(
    client: Client, world: World, campaign: Campaign, county_reporter: User
) -> None:
    first = _report(world, campaign, county_reporter, title="就业援助专场招聘会")
    for n in range(26):
        _report(world, campaign, county_reporter, title=f"走访慰问第{n}次")
    make_report(
        campaign=campaign, organisation=world.county_b, by=world.county_b_officer, title="叶县活动"
    )
    accepted = _report(world, campaign, county_reporter, title="已采纳的活动", submit=True)
    login_verified(client, world.city_officer)
    url = reverse("activities:list")

    body = client.get(url, {"q": "招聘会"}).content.decode()
    assert "就业援助专场招聘会" in body and "走访慰问第" not in body

    body = client.get(url, {"organisation": world.county_b.pk}).content.decode()
    assert "叶县活动" in body and "走访慰问第" not in body

    body = client.get(url, {"status": "submitted"}).content.decode()
    assert accepted.title in body and "走访慰问第" not in body

    response = client.get(url, {"campaign": campaign.pk})
    assert response.context["page_obj"].paginator.count == 29
    # Newest first, 25 a page; the oldest is on the second page.
    page_one = response.context["page_obj"].object_list
    assert len(page_one) == 25 and page_one[0].title == accepted.title
    response = client.get(url, {"campaign": campaign.pk, "page": 2})
    assert first in response.context["page_obj"].object_list
    assert 'rel="prev"' in response.content.decode()


def test_the_list_has_an_empty_state_and_a_new_report_choice(
    reporter_client: Client, campaign: Campaign, new_url: str
) -> None:
    body = reporter_client.get(reverse("activities:list")).content.decode()
    assert "There are no activity reports yet." in body
    assert new_url in body
    body = reporter_client.get(reverse("activities:list"), {"q": "无此活动"}).content.decode()
    assert "No activity report matches your search." in body


def test_the_list_shows_reports_to_review(
    client: Client, world: World, campaign: Campaign, county_reporter: User
) -> None:
    report = _report(world, campaign, county_reporter, title="待审核的活动", submit=True)
    login_verified(client, world.city_officer)
    response = client.get(reverse("activities:list"))
    assert response.context["to_review"] == [report]
    # County A's own report is the city's to decide, not county A's.
    login_verified(client, world.county_a_officer)
    assert client.get(reverse("activities:list")).context["to_review"] == []
    login_verified(client, county_reporter)
    assert (
        reverse("activities:list")
        and client.get(reverse("activities:list")).context["to_review"] == []
    )


def test_the_list_reads_a_bounded_number_of_queries(
    client: Client,
    world: World,
    campaign: Campaign,
    county_reporter: User,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    for n in range(30):
        _report(world, campaign, county_reporter, title=f"活动{n}", submit=n % 2 == 0)
    login_verified(client, world.city_officer)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("activities:list"))
    assert len(response.context["page_obj"].object_list) == 25
    assert len(response.context["to_review"]) == 15


# --- The form ------------------------------------------------------------------------------


def test_a_new_report_with_figures_and_visits_is_saved(
    world: World, reporter_client: Client, new_url: str
) -> None:
    home = Institution.objects.create(
        organisation=world.county_a,
        name="新华区社会福利院",
        kind="welfare_home",
        region=Region.objects.get(code="410402"),
    )
    page = reporter_client.get(new_url)
    assert page.status_code == 200
    households = indicator("households_visited")
    data = form_data(
        page,
        visits=[
            {"kind": "household", "households": "35", "cash": "7000"},
            {"kind": "institution", "institution": str(home.pk), "leaders": "区长"},
        ],
        **{f"indicator_{households.pk}": "35"},
    )
    response = reporter_client.post(new_url, data)
    report = ActivityReport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "activities:detail", kwargs={"report_pk": report.pk}
    )
    assert report.organisation == world.county_a and report.status == "draft"
    assert report.cash == Decimal("7000.00")
    assert [(v.indicator_id, v.value) for v in report.values.all()] == [
        (households.pk, Decimal(35))
    ]
    assert [v.kind for v in report.visits.all()] == ["household", "institution"]
    # The same post again (a double click) is the same report, not a second one.
    reporter_client.post(new_url, data)
    assert ActivityReport.objects.count() == 1

    body = reporter_client.get(response["Location"]).content.decode()
    assert "新华区社会福利院" in body and "区长" in body and "7000.00" in body
    assert households.name in body and "走访了三十五户困难残疾人家庭。" in body


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (
            {"start_date": "2020-05-17", "end_date": "2020-05-10"},
            "end_date",
            "The end date must be on or after the start date.",
        ),
        ({"attendance": "-3"}, "attendance", "Enter 0 or more."),
        ({"volunteers": "很多"}, "volunteers", "Enter a whole number, such as 12."),
        ({"cash": "12.345"}, "cash", "Enter at most two decimals, such as 1200.50."),
        ({"goods_value": "一百"}, "goods_value", "Enter an amount in yuan"),
        ({"title": ""}, "title", "Give the activity a title."),
        ({"mode": "by_pigeon"}, "mode", "Online or in person"),
    ],
    ids=["end-before-start", "negative", "text", "three-decimals", "yuan-text", "title", "mode"],
)
def test_bad_input_shows_errors_and_saves_nothing(
    reporter_client: Client, new_url: str, fields: dict[str, str], field: str, message: str
) -> None:
    page = reporter_client.get(new_url)
    before = counts()
    response = reporter_client.post(new_url, form_data(page, visits=[], **fields))
    body = response.content.decode()
    assert response.status_code == 200 and "data-error-summary" in body
    assert message in body and f'href="#id_{field}"' in body
    assert 'aria-invalid="true"' in body
    assert counts() == before


def test_bad_indicator_and_visit_input_is_refused(reporter_client: Client, new_url: str) -> None:
    page = reporter_client.get(new_url)
    households = indicator("households_visited")
    before = counts()
    response = reporter_client.post(
        new_url,
        form_data(
            page,
            visits=[{"kind": "institution"}, {"kind": "household", "cash": "-1"}],
            **{f"indicator_{households.pk}": "3.5"},
        ),
    )
    body = response.content.decode()
    assert "Enter a whole number, such as 12." in body
    assert "Visit 1, Institution" in body and "Choose the institution that was visited." in body
    assert "Visit 2, Cash (yuan)" in body
    assert counts() == before


def test_indicators_for_other_categories_are_folded_away(
    reporter_client: Client, new_url: str
) -> None:
    body = reporter_client.get(new_url).content.decode()
    job_fairs = indicator("job_fairs")
    details = body[body.index("<details") : body.index("</details>")]
    assert f'name="indicator_{job_fairs.pk}"' in details
    page = reporter_client.get(new_url)
    response = reporter_client.post(
        new_url,
        form_data(page, visits=[], category="employment", **{f"indicator_{job_fairs.pk}": "x"}),
    )
    body = response.content.decode()
    # Chosen category: job fairs are among the figures shown, outside the folded part.
    assert f'name="indicator_{job_fairs.pk}"' in body[: body.index("<details")]


def test_a_forged_organisation_is_not_found(
    reporter_client: Client, world: World, new_url: str
) -> None:
    page = reporter_client.get(new_url)
    before = counts()
    for org in (world.county_b, world.city_unit):
        data = form_data(page) | {"organisation": str(org.pk)}
        assert reporter_client.post(new_url, data).status_code == 404
        assert reporter_client.get(new_url, {"organisation": org.pk}).status_code == 404
    assert reporter_client.post(new_url, form_data(page) | {"organisation": "x"}).status_code == 404
    assert counts() == before


def test_people_who_do_not_report_cannot_open_the_form(
    client: Client, world: World, campaign: Campaign, new_url: str
) -> None:
    login_verified(client, world.county_b_officer)
    # County B received the campaign; county A's report is not theirs to see.
    assert client.get(new_url).status_code == 200
    login_verified(client, world.outsider)
    assert client.get(new_url).status_code == 404
    login_verified(client, world.city_auditor)
    assert client.get(new_url).status_code == 403


def test_edit_in_two_tabs_the_second_save_is_refused(
    world: World, campaign: Campaign, county_reporter: User, reporter_client: Client
) -> None:
    report = _report(world, campaign, county_reporter)
    url = reverse("activities:edit", kwargs={"report_pk": report.pk})
    tab_one, tab_two = reporter_client.get(url), reporter_client.get(url)
    assert reporter_client.post(url, form_data(tab_one, title="第一个标签页")).status_code == 302
    before = counts()
    response = reporter_client.post(url, form_data(tab_two, title="第二个标签页"))
    body = response.content.decode()
    assert response.status_code == 200 and "Someone else changed this report" in body
    assert "data-error-summary" in body
    report.refresh_from_db()
    assert report.title == "第一个标签页" and counts() == before


def test_editing_keeps_values_and_visits_and_removes_a_ticked_visit(
    world: World, campaign: Campaign, county_reporter: User, reporter_client: Client
) -> None:
    households = indicator("households_visited")
    report = _report(
        world,
        campaign,
        county_reporter,
        values={households.pk: Decimal(35)},
        visits=[VisitInput(kind="household", households=35), VisitInput(kind="household")],
    )
    url = reverse("activities:edit", kwargs={"report_pk": report.pk})
    page = reporter_client.get(url)
    body = page.content.decode()
    assert f'name="indicator_{households.pk}"' in body and 'value="35' in body
    kept, removed = report.visits.all()
    rows = [
        {"id": str(kept.pk), "kind": "household", "households": "36"},
        {"id": str(removed.pk), "kind": "household", "households": "0", "DELETE": "on"},
        {},
    ]
    # The figure and the visits agree (the visits' sum would win over a different figure).
    data = form_data(page) | visit_rows(rows, initial=2) | {f"indicator_{households.pk}": "36"}
    response = reporter_client.post(url, data | {"action": "add"})
    assert response.status_code == 302 and response["Location"].endswith("/edit/#new-visit")
    report.refresh_from_db()
    assert list(report.visits.all()) == [kept] and report.values.get().value == 36
    assert report.version == 2


def test_saving_twenty_figures_and_three_visits_is_bounded(
    world: World,
    campaign: Campaign,
    reporter_client: Client,
    new_url: str,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    Indicator.objects.bulk_create(
        Indicator(campaign=campaign, code=f"extra_{n}", name=f"指标{n}", position=100 + n)
        for n in range(1)
    )
    indicators = list(Indicator.objects.filter(campaign__isnull=True)) + list(
        Indicator.objects.filter(campaign=campaign)
    )
    assert len(indicators) == 20
    page = reporter_client.get(new_url)
    assert len(page.content) < 100_000
    values = {f"indicator_{i.pk}": str(n + 1) for n, i in enumerate(indicators)}
    visits = [{"kind": "household", "households": str(n + 1)} for n in range(3)]
    # The households figure is the visits' sum (the service takes it from them).
    values[f"indicator_{indicator('households_visited').pk}"] = "6"
    with django_assert_max_num_queries(40):  # 30 today
        response = reporter_client.post(new_url, form_data(page, visits=visits, **values))
    assert response.status_code == 302
    report = ActivityReport.objects.get()
    assert report.values.count() == 20 and report.visits.count() == 3
    edit = reporter_client.get(reverse("activities:edit", kwargs={"report_pk": report.pk}))
    assert len(edit.content) < 100_000


# --- Submit, return, resubmit, accept ------------------------------------------------------


def _post(client: Client, name: str, report: ActivityReport, **data: Any) -> TestResponse:
    url = reverse(f"activities:{name}", kwargs={"report_pk": report.pk})
    return client.post(url, {"version": report.version} | data, follow=True)


def test_submit_return_resubmit_accept_through_the_pages(
    client: Client, world: World, campaign: Campaign, county_reporter: User
) -> None:
    report = _report(world, campaign, county_reporter)
    login_verified(client, county_reporter)
    detail = reverse("activities:detail", kwargs={"report_pk": report.pk})
    body = client.get(detail).content.decode()
    assert reverse("activities:submit", kwargs={"report_pk": report.pk}) in body
    assert reverse("activities:review", kwargs={"report_pk": report.pk}) not in body

    response = _post(client, "submit", report)
    assert "The report was submitted." in response.content.decode()
    report.refresh_from_db()
    assert report.status == "submitted"
    # The author may not decide on it.
    assert _post(client, "review", report, decision="accept").status_code == 403

    # Nor may county A itself: its own report is decided by the city above it.
    login_verified(client, world.county_a_officer)
    body = client.get(detail).content.decode()
    assert reverse("activities:review", kwargs={"report_pk": report.pk}) not in body
    assert _post(client, "review", report, decision="accept").status_code == 403

    login_verified(client, world.city_officer)
    body = client.get(detail).content.decode()
    assert reverse("activities:review", kwargs={"report_pk": report.pk}) in body
    response = _post(client, "review", report, decision="return", reason="")
    assert "Say what must change" in response.content.decode()
    response = _post(client, "review", report, decision="return", reason="请补充慰问户数")
    report.refresh_from_db()
    assert report.status == "returned" and report.return_reason == "请补充慰问户数"

    login_verified(client, county_reporter)
    body = client.get(detail).content.decode()
    assert "请补充慰问户数" in body and "Submit the report again" in body
    _post(client, "submit", report)
    report.refresh_from_db()
    assert report.status == "submitted"

    login_verified(client, world.city_officer)
    response = _post(client, "review", report, decision="accept")
    report.refresh_from_db()
    assert report.status == "accepted" and "The report was accepted." in response.content.decode()
    # A second click, from a stale page, is told what happened.
    response = client.post(
        reverse("activities:review", kwargs={"report_pk": report.pk}),
        {"version": report.version - 1, "decision": "accept"},
        follow=True,
    )
    assert "already Accepted" in response.content.decode()


def test_a_stale_submit_is_refused_with_a_message(
    client: Client, world: World, campaign: Campaign, county_reporter: User
) -> None:
    report = _report(world, campaign, county_reporter)
    login_verified(client, county_reporter)
    response = client.post(
        reverse("activities:submit", kwargs={"report_pk": report.pk}),
        {"version": report.version + 5},
        follow=True,
    )
    assert "Someone else changed this report" in response.content.decode()
    report.refresh_from_db()
    assert report.status == "draft"


# --- 403 and 404 -------------------------------------------------------------------------


def test_roles_that_may_not_act_get_403(
    client: Client, world: World, campaign: Campaign, county_reporter: User
) -> None:
    report = _report(world, campaign, county_reporter)
    submitted = _report(world, campaign, county_reporter, title="已提交", submit=True)
    login_verified(client, world.city_auditor)
    assert (
        client.get(reverse("activities:detail", kwargs={"report_pk": report.pk})).status_code == 200
    )
    assert (
        client.get(reverse("activities:edit", kwargs={"report_pk": report.pk})).status_code == 403
    )
    assert _post(client, "submit", report).status_code == 403
    assert _post(client, "review", submitted, decision="accept").status_code == 403
    # The reporter cannot review; the submitted report can no longer be changed.
    login_verified(client, county_reporter)
    assert _post(client, "review", submitted, decision="accept").status_code == 403
    response = client.get(reverse("activities:edit", kwargs={"report_pk": submitted.pk}))
    assert response.status_code == 302


def test_reports_of_another_county_are_404(
    client: Client, world: World, campaign: Campaign, county_reporter: User
) -> None:
    report = _report(world, campaign, county_reporter)
    for person in (world.county_b_officer, world.outsider, world.member_unit_reporter):
        login_verified(client, person)
        for name in ("detail", "edit"):
            url = reverse(f"activities:{name}", kwargs={"report_pk": report.pk})
            assert client.get(url).status_code == 404
        for name in ("submit", "review", "edit"):
            url = reverse(f"activities:{name}", kwargs={"report_pk": report.pk})
            assert client.post(url, {"version": report.version}).status_code == 404
    assert client.get(reverse("activities:detail", kwargs={"report_pk": 999999})).status_code == 404


def test_detail_shows_each_state(
    client: Client, world: World, campaign: Campaign, county_reporter: User
) -> None:
    report = _report(
        world,
        campaign,
        county_reporter,
        start_date=date(2020, 5, 17),
        end_date=date(2020, 5, 17),
        # No households counted: a count would give the households figure.
        visits=[VisitInput(kind="household", leaders="区长")],
    )
    login_verified(client, world.county_a_officer)
    body = client.get(reverse("activities:detail", kwargs={"report_pk": report.pk})).content
    assert "Draft" in body.decode() and "区长" in body.decode()
    assert "No figures were given." in body.decode()


def test_duties_region_and_planned_activity_are_saved(
    world: World, campaign: Campaign, reporter_client: Client, new_url: str
) -> None:
    from zhucan.testing.factories import make_plan

    plan = make_plan(campaign=campaign, organisation=world.county_a, by=world.county_a_officer)
    planned = plan.activities.get()
    duty = campaign.duties.get()
    page = reporter_client.get(new_url)
    body = page.content.decode()
    assert 'id="id_duties_0"' in body and planned.title in body
    data = form_data(page, duties=str(duty.pk), region="410402", planned_activity=str(planned.pk))
    assert reporter_client.post(new_url, data).status_code == 302
    report = ActivityReport.objects.get()
    assert list(report.duties.all()) == [duty]
    assert report.region_id == "410402" and report.planned_activity == planned
    # A duty of another campaign is not among the choices.
    edit = reverse("activities:edit", kwargs={"report_pk": report.pk})
    response = reporter_client.post(edit, form_data(reporter_client.get(edit), duties="999999"))
    assert "Choose duties of this notice." in response.content.decode()
    assert 'href="#id_duties_0"' in response.content.decode()
