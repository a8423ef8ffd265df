"""Typical activities (propose, decide, the city's list), media coverage and the institution
directory: the flow, who may do what, bad input, and what each jurisdiction sees."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from zhucan.accounts.models import User
from zhucan.activities.models import ActivityReport, Institution, MediaReport, TypicalActivity
from zhucan.activities.services import (
    accept_report,
    add_institution,
    add_media_report,
    decide_typical,
    propose_typical,
)
from zhucan.campaigns.models import Campaign
from zhucan.conftest import World
from zhucan.core.errors import DomainError
from zhucan.core.models import AuditEntry
from zhucan.orgs.models import Organisation, Region
from zhucan.testing.auth import login_verified
from zhucan.testing.factories import make_report, make_user


@pytest.fixture
def accepted(world: World, campaign: Campaign, county_reporter: User) -> ActivityReport:
    """County A's reporter's report, accepted by the city above it."""
    report = make_report(
        campaign=campaign, organisation=world.county_a, by=county_reporter, submit=True
    )
    return accept_report(by=world.city_officer, report=report, version=report.version)


@pytest.fixture
def proposed(accepted: ActivityReport, county_reporter: User) -> TypicalActivity:
    return propose_typical(by=county_reporter, report=accepted, account="线上直播慰问，覆盖全区")


def region(code: str) -> Region:
    return Region.objects.get(code=code)


# --- Typical activities: services ---------------------------------------------------------------


def test_county_proposes_and_city_decides(
    world: World, accepted: ActivityReport, county_reporter: User
) -> None:
    typical = propose_typical(by=county_reporter, report=accepted, account="首次线上直播")
    # Proposing again while it waits changes the account, not a second proposal.
    typical = propose_typical(by=county_reporter, report=accepted, account="线上直播，千人观看")
    assert TypicalActivity.objects.filter(report=accepted).count() == 1
    assert typical.account == "线上直播，千人观看"
    typical = decide_typical(by=world.city_officer, typical=typical, accept=True)
    assert typical.status == TypicalActivity.Status.ACCEPTED
    assert typical.decided_by == world.city_officer
    assert typical.decided_at is not None
    actions = list(
        AuditEntry.objects.filter(action__startswith="activities.typical.").values_list(
            "action", flat=True
        )
    )
    assert sorted(actions) == [
        "activities.typical.accepted",
        "activities.typical.changed",
        "activities.typical.proposed",
    ]


def test_only_an_accepted_report_with_an_account_can_be_proposed(
    world: World, campaign: Campaign, county_reporter: User, accepted: ActivityReport
) -> None:
    draft = make_report(campaign=campaign, organisation=world.county_a, by=county_reporter)
    with pytest.raises(DomainError, match="accepted report"):
        propose_typical(by=county_reporter, report=draft, account="好")
    with pytest.raises(DomainError) as error:
        propose_typical(by=county_reporter, report=accepted, account="   ")
    assert error.value.field == "account"
    with pytest.raises(DomainError, match="2000"):
        propose_typical(by=county_reporter, report=accepted, account="字" * 2001)
    assert not TypicalActivity.objects.exists()


def test_others_cannot_propose(world: World, accepted: ActivityReport) -> None:
    for person in (world.county_b_officer, world.member_unit_reporter, world.outsider):
        with pytest.raises(DomainError):
            propose_typical(by=person, report=accepted, account="不是我的")


def test_the_proposing_county_and_other_counties_cannot_decide(
    world: World, proposed: TypicalActivity
) -> None:
    county_reviewer = make_user(org=world.county_a, role="reviewer")
    for person in (
        world.county_a_officer,  # its own organisation's proposal
        county_reviewer,
        world.county_b_officer,
        world.member_unit_reporter,
        world.outsider,
    ):
        with pytest.raises(DomainError, match="office above"):
            decide_typical(by=person, typical=proposed, accept=True)
    proposed.refresh_from_db()
    assert proposed.status == TypicalActivity.Status.PROPOSED


def test_a_city_reviewer_may_decide(world: World, proposed: TypicalActivity) -> None:
    reviewer = make_user(org=world.city, role="reviewer")
    typical = decide_typical(by=reviewer, typical=proposed, accept=False)
    assert typical.status == TypicalActivity.Status.DECLINED


def test_a_second_decision_on_a_stale_copy_says_already_decided(
    world: World, proposed: TypicalActivity
) -> None:
    reviewer = make_user(org=world.city, role="reviewer")
    stale = TypicalActivity.objects.get(pk=proposed.pk)
    decide_typical(by=world.city_officer, typical=proposed, accept=True)
    with pytest.raises(DomainError, match="already decided"):
        decide_typical(by=reviewer, typical=stale, accept=False)
    stale.refresh_from_db()
    assert stale.status == TypicalActivity.Status.ACCEPTED
    # A decided proposal's account no longer changes.
    with pytest.raises(DomainError, match="already decided"):
        propose_typical(by=world.county_a_officer, report=stale.report, account="改写")


# --- Typical activities: pages ------------------------------------------------------------------


def test_propose_page_then_city_list_and_decision(
    client: Client, world: World, accepted: ActivityReport, county_reporter: User
) -> None:
    url = reverse("activities:propose_typical", kwargs={"report_pk": accepted.pk})
    login_verified(client, county_reporter)
    assert client.get(url).status_code == 200
    response = client.post(url, {"account": ""})
    assert response.status_code == 200
    assert b"data-error-summary" in response.content
    response = client.post(url, {"account": "线上直播慰问"})
    assert response.status_code == 302
    typical = TypicalActivity.objects.get(report=accepted)

    client.logout()
    login_verified(client, world.city_officer)
    page = client.get(reverse("activities:typical")).content.decode()
    assert "Proposals waiting for my decision" in page
    assert accepted.title in page
    decide_url = reverse("activities:decide_typical", kwargs={"typical_pk": typical.pk})
    assert client.post(decide_url, {"decision": "maybe"}).status_code == 302
    typical.refresh_from_db()
    assert typical.status == TypicalActivity.Status.PROPOSED
    assert client.post(decide_url, {"decision": "accept"}).status_code == 302
    typical.refresh_from_db()
    assert typical.status == TypicalActivity.Status.ACCEPTED
    page = client.get(reverse("activities:typical")).content.decode()
    assert "Proposals waiting for my decision" not in page
    assert "<caption" in page and accepted.title in page
    search: dict[str, str | int] = {"q": "走访", "campaign": accepted.campaign_id}
    assert accepted.title in client.get(reverse("activities:typical"), search).content.decode()
    assert (
        accepted.title
        not in client.get(reverse("activities:typical"), {"status": "declined"}).content.decode()
    )

    client.logout()
    login_verified(client, world.county_b_officer)
    page = client.get(reverse("activities:typical")).content.decode()
    assert accepted.title not in page
    assert "No activity in your jurisdiction" in page
    assert client.post(decide_url, {"decision": "decline"}).status_code == 404


def test_typical_pages_are_404_outside_and_403_without_the_role(
    client: Client, world: World, proposed: TypicalActivity, accepted: ActivityReport
) -> None:
    propose_url = reverse("activities:propose_typical", kwargs={"report_pk": accepted.pk})
    decide_url = reverse("activities:decide_typical", kwargs={"typical_pk": proposed.pk})
    login_verified(client, world.county_b_officer)
    assert client.get(propose_url).status_code == 404
    assert client.post(decide_url, {"decision": "accept"}).status_code == 404
    client.logout()
    # The county officer sees both, but may not decide on the county's own proposal.
    login_verified(client, world.county_a_officer)
    assert client.post(decide_url, {"decision": "accept"}).status_code == 403
    client.logout()
    viewer = make_user(org=world.county_a, role="viewer")
    login_verified(client, viewer)
    assert client.get(propose_url).status_code == 403


# --- Media coverage -----------------------------------------------------------------------------


def media(
    by: User, campaign: Campaign, organisation: Organisation, **overrides: Any
) -> MediaReport:
    values: dict[str, Any] = {
        "outlet": "平顶山日报",
        "kind": "newspaper",
        "date": date(2020, 5, 18),
        "title": "新华区开展全国助残日活动",
        "url": "https://example.cn/news/1",
    }
    return add_media_report(
        by=by, campaign=campaign, organisation=organisation, **(values | overrides)
    )


def test_add_media_report_with_its_activities(
    world: World, campaign: Campaign, accepted: ActivityReport, county_reporter: User
) -> None:
    report = media(county_reporter, campaign, world.county_a, activities=[accepted])
    assert list(report.activities.all()) == [accepted]
    assert AuditEntry.objects.filter(action="activities.media.added").count() == 1


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "JavaScript:alert(1)", "data:text/html,x", "ftp://x.cn/a"]
)
def test_media_links_must_be_web_links(
    world: World, campaign: Campaign, county_reporter: User, url: str
) -> None:
    with pytest.raises(DomainError) as error:
        media(county_reporter, campaign, world.county_a, url=url)
    assert error.value.field == "url"
    assert not MediaReport.objects.exists()


def test_media_refuses_others_activities_and_others_organisations(
    world: World, campaign: Campaign, accepted: ActivityReport, county_reporter: User
) -> None:
    other = make_report(campaign=campaign, organisation=world.county_b, by=world.county_b_officer)
    with pytest.raises(DomainError) as error:
        media(county_reporter, campaign, world.county_a, activities=[accepted, other])
    assert error.value.field == "activities"
    with pytest.raises(DomainError):
        media(county_reporter, campaign, world.county_b)
    with pytest.raises(DomainError, match="did not receive"):
        media(world.county_a_officer, campaign, world.county_a_unit)
    with pytest.raises(DomainError) as error:
        media(county_reporter, campaign, world.county_a, title="  ")
    assert error.value.field == "title"
    assert not MediaReport.objects.exists()


def test_media_pages(
    client: Client,
    world: World,
    campaign: Campaign,
    accepted: ActivityReport,
    county_reporter: User,
) -> None:
    login_verified(client, county_reporter)
    new_url = reverse("activities:new_media")
    assert client.get(new_url).status_code == 200
    form = {
        "campaign": campaign.pk,
        "organisation": world.county_a.pk,
        "outlet": "平顶山电视台",
        "kind": "tv",
        "date": "2020-05-18",
        "title": "助残日直播",
        "url": "javascript:alert(1)",
        "activities": [accepted.pk],
    }
    response = client.post(new_url, form)
    assert response.status_code == 200
    assert b"data-error-summary" in response.content
    assert client.post(new_url, form | {"url": "https://tv.example.cn/1"}).status_code == 302
    page = client.get(reverse("activities:media")).content.decode()
    assert 'rel="noopener noreferrer"' in page and "助残日直播" in page
    assert (
        "助残日直播"
        not in client.get(reverse("activities:media"), {"kind": "weibo"}).content.decode()
    )

    client.logout()
    login_verified(client, world.city_officer)
    assert "助残日直播" in client.get(reverse("activities:media")).content.decode()
    client.logout()
    login_verified(client, world.county_b_officer)
    page = client.get(reverse("activities:media")).content.decode()
    assert "助残日直播" not in page and "No media report" in page
    client.logout()
    login_verified(client, world.outsider)
    assert client.get(new_url).status_code == 403


# --- Institutions -------------------------------------------------------------------------------


def test_add_institution_inside_the_region_once(world: World, county_reporter: User) -> None:
    home = add_institution(
        by=county_reporter,
        organisation=world.county_a,
        name=" 新华区 社会福利院 ",
        kind="welfare_home",
        region=region("410402"),
    )
    assert home.name == "新华区 社会福利院"
    assert AuditEntry.objects.filter(action="activities.institution.added").count() == 1
    with pytest.raises(DomainError, match="already has") as error:
        add_institution(
            by=world.county_a_officer,
            organisation=world.county_a,
            name="新华区 社会福利院",
            kind="care_home",
            region=region("410402"),
        )
    assert error.value.field == "name"
    with pytest.raises(DomainError) as error:
        add_institution(
            by=county_reporter,
            organisation=world.county_a,
            name="叶县特教学校",
            kind="special_education",
            region=region("410422"),
        )
    assert error.value.field == "region"
    with pytest.raises(DomainError):
        add_institution(
            by=world.county_b_officer,
            organisation=world.county_a,
            name="别人的福利院",
            kind="welfare_home",
            region=region("410402"),
        )
    # The city keeps institutions anywhere in the city.
    add_institution(
        by=world.city_officer,
        organisation=world.city,
        name="叶县特教学校",
        kind="special_education",
        region=region("410422"),
    )
    assert Institution.objects.count() == 2


def test_institutions_page(client: Client, world: World, county_reporter: User) -> None:
    url = reverse("activities:institutions")
    login_verified(client, county_reporter)
    assert client.get(url).status_code == 200
    form = {
        "organisation": world.county_a.pk,
        "name": "新华区康复中心",
        "kind": "rehabilitation",
        "region": "410402",
        "address": "建设路1号",
    }
    assert client.post(url, form).status_code == 302
    response = client.post(url, form)
    assert response.status_code == 200 and b"data-error-summary" in response.content
    assert "新华区康复中心" in client.get(url, {"kind": "rehabilitation"}).content.decode()
    assert "新华区康复中心" not in client.get(url, {"kind": "care_home"}).content.decode()
    client.logout()
    login_verified(client, world.county_b_officer)
    assert "新华区康复中心" not in client.get(url).content.decode()
    # County B's form offers only its own region: county A's is refused by the form.
    response = client.post(url, form | {"organisation": world.county_b.pk, "name": "另一家"})
    assert response.status_code == 200 and b"data-error-summary" in response.content
    client.logout()
    login_verified(client, world.outsider)
    assert client.post(url, form).status_code == 403


def test_media_counts_roll_up_to_each_county(
    client: Client, world: World, campaign: Campaign
) -> None:
    from zhucan.campaigns.services import create_child_campaign, publish_campaign

    child = publish_campaign(
        by=world.county_a_officer,
        campaign=create_child_campaign(
            by=world.county_a_officer, parent=campaign, issuing_org=world.county_a
        ),
    )
    media(world.county_a_officer, campaign, world.county_a)
    media(world.county_a_officer, child, world.county_a_unit, title="新华区民政局慰问报道")
    media(world.county_b_officer, campaign, world.county_b, title="叶县助残日")
    login_verified(client, world.city_officer)
    page = client.get(reverse("activities:media")).content.decode()
    counts = page.split('id="counts-caption"')[1].split("</table>")[0]
    # County A's line holds its own report and its civil-affairs bureau's.
    assert f'<th scope="row">{world.county_a.name}</th><td class="num">2</td>' in counts
    assert f'<th scope="row">{world.county_b.name}</th><td class="num">1</td>' in counts
    assert world.county_a_unit.name not in counts
    # County A sees its own level: itself and its unit apart.
    login_verified(client, world.county_a_officer)
    page = client.get(reverse("activities:media")).content.decode()
    counts = page.split('id="counts-caption"')[1].split("</table>")[0]
    assert f'<th scope="row">{world.county_a_unit.name}</th><td class="num">1</td>' in counts
    assert world.county_b.name not in counts


def test_the_list_shows_a_fresh_proposal_to_the_county_that_made_it(
    client: Client, world: World, proposed: TypicalActivity, county_reporter: User
) -> None:
    # The list used to open filtered to "accepted as typical": the proposal seemed to vanish.
    login_verified(client, county_reporter)
    page = client.get(reverse("activities:typical")).content.decode()
    assert proposed.report.title in page
    assert '<option value="all" selected>' in page
    # The campaign select names the notice's 文号: two campaigns of one year can differ by it.
    assert proposed.report.campaign.notice.doc_number in page


def test_the_deciding_office_sees_its_queue_first_and_the_list_unfiltered(
    client: Client, world: World, proposed: TypicalActivity
) -> None:
    login_verified(client, world.city_officer)
    page = client.get(reverse("activities:typical")).content.decode()
    queue, listing = page.split('id="list-heading"')
    assert proposed.report.title in queue
    assert proposed.report.title in listing


def test_an_empty_list_says_nothing_was_put_forward(client: Client, world: World) -> None:
    login_verified(client, world.county_b_officer)
    page = client.get(reverse("activities:typical")).content.decode()
    assert "No activity in your jurisdiction has been put forward as typical yet." in page
