"""Writing the summary's words: who may, and what happens when two people save at once."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from zhucan.accounts.models import User
from zhucan.campaigns.models import Campaign
from zhucan.conftest import World
from zhucan.core.errors import DomainError
from zhucan.core.models import AuditEntry
from zhucan.orgs.models import Organisation
from zhucan.summaries.models import SummaryReport
from zhucan.summaries.services import StaleSummaryError, save_summary
from zhucan.summaries.tests.factories import city_campaign_with_work
from zhucan.testing.auth import login_verified
from zhucan.testing.factories import make_campaign

pytestmark = pytest.mark.django_db


def _texts(**overrides: str) -> dict[str, str]:
    return {
        "overview": "市残工委召开专题会议部署。",
        "problems": "",
        "next_steps": "",
        "closing": "特此总结。",
    } | overrides


def _save(
    by: User, campaign: Campaign, org: Organisation, version: int, **overrides: str
) -> SummaryReport:
    texts = _texts(**overrides)
    return save_summary(
        by=by,
        campaign=campaign,
        organisation=org,
        version=version,
        overview=texts["overview"],
        problems=texts["problems"],
        next_steps=texts["next_steps"],
        closing=texts["closing"],
    )


def test_first_save_creates_the_summary_with_an_audit_entry(world: World) -> None:
    campaign = make_campaign(issuing_org=world.city, by=world.city_officer)

    summary = _save(world.city_officer, campaign, world.city, 0)

    assert summary.version == 1
    assert summary.overview == "市残工委召开专题会议部署。"
    entry = AuditEntry.objects.filter(action="summaries.summary.created").get()
    assert entry.object_id == str(summary.pk)
    assert entry.org_path == world.city.path
    assert entry.changes["overview"] == ["", "市残工委召开专题会议部署。"]


def test_a_stale_save_is_refused_and_overwrites_nothing(world: World) -> None:
    campaign = make_campaign(issuing_org=world.city, by=world.city_officer)
    first = _save(world.city_officer, campaign, world.city, 0, overview="第一位同志写的。")
    _save(world.city_admin, campaign, world.city, first.version, overview="第二位同志改的。")

    with pytest.raises(StaleSummaryError) as caught:
        _save(world.city_officer, campaign, world.city, first.version, overview="过时的版本。")

    assert "Someone else saved this summary" in caught.value.message
    assert caught.value.current.version == 2
    saved = SummaryReport.objects.get()
    assert saved.overview == "第二位同志改的。"
    assert saved.version == 2
    assert AuditEntry.objects.filter(action__startswith="summaries.summary.").count() == 2


def test_two_first_saves_the_second_is_stale(world: World) -> None:
    campaign = make_campaign(issuing_org=world.city, by=world.city_officer)
    _save(world.city_officer, campaign, world.city, 0)

    with pytest.raises(StaleSummaryError):
        _save(world.city_admin, campaign, world.city, 0, overview="我也是第一次保存。")

    assert SummaryReport.objects.get().overview == "市残工委召开专题会议部署。"


def test_a_reporter_may_not_write_the_summary(world: World) -> None:
    campaign = make_campaign(issuing_org=world.city, by=world.city_officer)

    with pytest.raises(DomainError):
        _save(world.member_unit_reporter, campaign, world.city_unit, 0)

    assert not SummaryReport.objects.exists()


def test_the_page_saves_the_words(client: Client, world: World) -> None:
    scene = city_campaign_with_work(world)
    duty = scene.campaign.duties.get()
    login_verified(client, world.city_officer)
    url = reverse("summaries:summary", args=[scene.campaign.pk])

    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "全市共开展各类助残活动2场" in body  # the preview
    assert 'name="overview"' in body and f'name="duty_{duty.number}"' in body
    assert 'name="version" value="0"' in body

    response = client.post(
        url, {"version": "0", **_texts(), f"duty_{duty.number}": "民政部门兜底保障。"}
    )

    assert response.status_code == 302
    saved = SummaryReport.objects.get(campaign=scene.campaign, organisation=world.city)
    assert saved.duty_remarks == {str(duty.number): "民政部门兜底保障。"}
    assert saved.updated_by == world.city_officer
    assert "民政部门兜底保障。" in client.get(url).content.decode()


def test_a_stale_form_keeps_the_typed_text_and_shows_the_saved_one(
    client: Client, world: World
) -> None:
    campaign = make_campaign(issuing_org=world.city, by=world.city_officer)
    _save(world.city_admin, campaign, world.city, 0, overview="别人刚保存的概述。")
    login_verified(client, world.city_officer)
    url = reverse("summaries:summary", args=[campaign.pk])

    response = client.post(url, {"version": "0", **_texts(overview="我正在写的概述。")})

    assert response.status_code == 200
    body = response.content.decode()
    assert "Someone else saved this summary" in body
    assert "data-error-summary" in body
    assert "我正在写的概述。" in body  # nothing the person typed is lost
    assert "别人刚保存的概述。" in body  # and they see what is saved now
    assert 'name="version" value="1"' in body  # saving again is now a knowing choice
    assert SummaryReport.objects.get().overview == "别人刚保存的概述。"


def test_a_reporter_reads_the_page_but_cannot_post(client: Client, world: World) -> None:
    campaign = make_campaign(issuing_org=world.city, by=world.city_officer)
    login_verified(client, world.member_unit_reporter)
    url = reverse("summaries:summary", args=[campaign.pk])

    page = client.get(url)
    assert page.status_code == 200
    assert 'name="overview"' not in page.content.decode()
    assert client.get(reverse("summaries:docx", args=[campaign.pk])).status_code == 200

    response = client.post(url, {"version": "0", **_texts()})

    assert response.status_code == 403
    assert not SummaryReport.objects.exists()


@pytest.mark.parametrize("name", ["summaries:summary", "summaries:docx", "summaries:pdf"])
def test_outside_the_jurisdiction_is_404(client: Client, world: World, name: str) -> None:
    campaign = make_campaign(issuing_org=world.county_a, by=world.county_a_officer)
    url = reverse(name, args=[campaign.pk])
    for person in (world.outsider, world.county_b_officer):
        client.logout()
        login_verified(client, person)
        assert client.get(url).status_code == 404
        assert client.post(url, {"version": "0", **_texts()}).status_code == 404
    assert not SummaryReport.objects.exists()


def test_another_organisation_may_be_chosen_only_within_the_jurisdiction(
    client: Client, world: World
) -> None:
    campaign = make_campaign(issuing_org=world.city, by=world.city_officer)
    url = reverse("summaries:summary", args=[campaign.pk])

    login_verified(client, world.city_officer)
    page = client.get(url, {"org": world.county_a.pk})
    assert page.status_code == 200
    assert world.county_a.name in page.content.decode()
    assert client.get(url, {"org": "not-a-number"}).status_code == 404

    client.logout()
    login_verified(client, world.county_a_officer)
    assert client.get(url, {"org": world.county_b.pk}).status_code == 404
    assert client.get(url, {"org": world.city.pk}).status_code == 404
    docx = reverse("summaries:docx", args=[campaign.pk])
    assert client.get(docx, {"org": world.county_b.pk}).status_code == 404


def test_a_campaign_the_organisation_has_nothing_to_do_with_is_404(
    client: Client, world: World
) -> None:
    from zhucan.testing.factories import make_org

    other_city = make_org(name="其他市残工委", region_code="410300")
    campaign = make_campaign(issuing_org=world.county_a, by=world.county_a_officer)
    login_verified(client, world.city_officer)
    url = reverse("summaries:summary", args=[campaign.pk])

    assert client.get(url).status_code == 200  # county A's campaign, from above
    assert client.get(url, {"org": world.county_b.pk}).status_code == 404
    assert client.get(url, {"org": other_city.pk}).status_code == 404
