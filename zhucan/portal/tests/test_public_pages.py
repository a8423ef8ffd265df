"""The public site shows what is published inside its organisation, and nothing else."""

from __future__ import annotations

import pytest
from django.test import Client

from zhucan.activities.models import TypicalActivity
from zhucan.portal.tests.factories import Portal

COUNTY_A = "/p/410402/"
COUNTY_B = "/p/410422/"
CITY = "/p/410400/"
PAGES = ["", "whats-on/", "stories/", "services/", "contacts/", "policies/", "print/"]


def _text(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("variant", ["", "text/"])
def test_every_page_answers_without_signing_in(
    client: Client, portal: Portal, page: str, variant: str
) -> None:
    body = _text(client, f"{COUNTY_A}{variant}{page}")
    assert body.count("<h1") == 1
    assert '<main id="main"' in body


def test_one_activity_and_one_story_have_their_own_pages(client: Client, portal: Portal) -> None:
    activity = _text(client, f"{COUNTY_A}whats-on/{portal.shown.pk}/")
    assert "康复知识讲座" in activity
    assert "新华区残联一楼" in activity
    assert "Step-free, with an accessible toilet" in activity
    assert "By appointment: phone before you come." in activity
    story = _text(client, f"{COUNTY_A}stories/{portal.story.pk}/")
    assert "盲人按摩培训的经验。" in story
    assert _text(client, f"{COUNTY_A}text/stories/{portal.story.pk}/")


def test_an_unknown_region_code_is_not_found(client: Client, portal: Portal) -> None:
    assert client.get("/p/999999/").status_code == 404
    assert client.get("/p/999999/whats-on/").status_code == 404
    assert client.get("/p/410402/whats-on/999999/").status_code == 404


def test_the_home_page_shows_the_campaign_and_what_is_coming(
    client: Client, portal: Portal
) -> None:
    body = _text(client, COUNTY_A)
    assert "助残脱贫 决胜小康" in body
    assert "决战脱贫攻坚 决胜全面小康" in body
    assert "康复知识讲座" in body
    # The help form belongs to its own pages; every page links to it.
    assert 'href="/p/410402/help/"' in body


def test_what_is_on_groups_by_day_and_splits_coming_from_held(
    client: Client, portal: Portal
) -> None:
    body = _text(client, f"{COUNTY_A}whats-on/")
    coming, held = body.split("Already held")
    assert "康复知识讲座" in coming
    assert "线上就业招聘会" in held
    assert portal.shown.start_date.strftime("%Y-%m-%d") in coming


def test_content_not_marked_public_or_not_approved_is_absent(
    client: Client, portal: Portal
) -> None:
    pages = "".join(_text(client, f"{CITY}{page}") for page in PAGES)
    assert "内部工作会议" not in pages  # approved, not marked public
    assert "未批准的活动" not in pages  # public, but its plan only submitted
    assert "助残志愿服务" not in pages  # typical, not marked public
    assert "新华区未公开福利院" not in pages  # not listed
    for activity in (portal.private, portal.unapproved):
        assert client.get(f"{CITY}whats-on/{activity.pk}/").status_code == 404
    assert client.get(f"{CITY}stories/{portal.hidden_story.pk}/").status_code == 404


def test_a_story_returned_for_correction_disappears(client: Client, portal: Portal) -> None:
    TypicalActivity.objects.filter(pk=portal.story.pk).update(status="declined")
    assert client.get(f"{COUNTY_A}stories/{portal.story.pk}/").status_code == 404


def test_only_photos_consented_for_publication_are_shown(client: Client, portal: Portal) -> None:
    body = _text(client, f"{COUNTY_A}stories/{portal.story.pk}/")
    assert f"/photos/{portal.consented.pk}/" in body
    assert f"/photos/{portal.unconsented.pk}/" not in body
    assert client.get(f"{COUNTY_A}photos/{portal.consented.pk}/").status_code == 200
    assert client.get(f"{COUNTY_A}photos/{portal.consented.pk}/large/").status_code == 200
    assert client.get(f"{COUNTY_A}photos/{portal.unconsented.pk}/").status_code == 404


def test_another_county_shows_none_of_county_a(client: Client, portal: Portal) -> None:
    pages = "".join(_text(client, f"{COUNTY_B}{page}") for page in PAGES)
    assert "叶县助残义诊" in pages
    assert "康复知识讲座" not in pages
    assert "盲人按摩培训" not in pages
    assert "新华区康复中心" not in pages
    assert client.get(f"{COUNTY_B}whats-on/{portal.shown.pk}/").status_code == 404
    assert client.get(f"{COUNTY_B}stories/{portal.story.pk}/").status_code == 404
    assert client.get(f"{COUNTY_B}photos/{portal.consented.pk}/").status_code == 404
    # The city's site shows its counties' content.
    city = _text(client, f"{CITY}whats-on/")
    assert "叶县助残义诊" in city
    assert "康复知识讲座" in city


def test_no_personal_data_reaches_a_public_page(client: Client, portal: Portal) -> None:
    pages = [f"{COUNTY_A}{page}" for page in PAGES] + [
        f"{COUNTY_A}whats-on/{portal.shown.pk}/",
        f"{COUNTY_A}stories/{portal.story.pk}/",
    ]
    body = "".join(_text(client, url) for url in pages)
    assert "李秘密" not in body  # the person responsible
    assert "13900001111" not in body  # and their phone
    assert "高秋法" not in body  # the notice's contact is named, but not on the public site
    assert "2690909" in body  # the office's number is


def test_the_directory_filters_by_kind_and_shows_the_public_entry(
    client: Client, portal: Portal
) -> None:
    body = _text(client, f"{COUNTY_A}services/")
    assert "新华区康复中心" in body
    assert "0375-1234567" in body
    assert "周一至周五 8:30-17:30" in body
    assert "无障碍坡道" in body
    assert "新华区康复中心" in _text(client, f"{COUNTY_A}services/?kind=rehabilitation")
    assert "新华区康复中心" not in _text(client, f"{COUNTY_A}services/?kind=welfare_home")
    assert "Other service" in body  # the seventh kind


def test_the_policies_are_those_the_notice_names(client: Client, portal: Portal) -> None:
    notice = portal.campaign.notice
    notice.body = [
        {"level": 1, "text": "活动措施", "number": "一、"},
        {"level": 0, "text": "贯彻落实《河南省〈残疾人保障法〉实施办法》和《残疾人就业条例》。"},
        {"level": 0, "text": "再次提到《残疾人就业条例》。"},
    ]
    notice.save(update_fields=["body"])
    body = _text(client, f"{COUNTY_A}policies/")
    assert "《河南省〈残疾人保障法〉实施办法》" in body
    assert body.count("《残疾人就业条例》") == 1
    assert "活动措施" in body
