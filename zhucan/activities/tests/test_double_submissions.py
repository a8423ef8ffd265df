"""Activities' create forms sent twice, or five times at once, make one thing and never a 500."""

from __future__ import annotations

import io
import uuid
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from zhucan.accounts.models import User
from zhucan.activities.models import ActivityReport, Indicator, Institution, MediaReport, Photo
from zhucan.activities.tests.test_report_pages import REPORT, visit_rows
from zhucan.campaigns.models import Campaign
from zhucan.conftest import World
from zhucan.core.models import AuditEntry
from zhucan.testing.auth import login_verified
from zhucan.testing.concurrency import needs_postgres, post_at_once
from zhucan.testing.factories import make_report


def media_form(world: World, campaign: Campaign) -> dict[str, Any]:
    return {
        "campaign": campaign.pk,
        "organisation": world.county_a.pk,
        "outlet": "平顶山电视台",
        "kind": "tv",
        "date": "2020-05-18",
        "title": "助残日直播",
        "url": "https://tv.example.cn/1",
        "client_id": str(uuid.uuid4()),
    }


def report_form(world: World) -> dict[str, Any]:
    visit = visit_rows([{"kind": "household", "households": "3"}])
    return REPORT | visit | {"organisation": world.county_a.pk, "client_id": str(uuid.uuid4())}


def jpeg() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "orange").save(buffer, "JPEG")
    return SimpleUploadedFile("p.jpg", buffer.getvalue(), content_type="image/jpeg")


def test_media_sent_twice_is_recorded_once(
    client: Client, world: World, campaign: Campaign, county_reporter: User
) -> None:
    login_verified(client, county_reporter)
    form = media_form(world, campaign)
    assert client.post(reverse("activities:new_media"), form).status_code == 302
    assert client.post(reverse("activities:new_media"), form).status_code == 302
    assert MediaReport.objects.count() == 1
    assert AuditEntry.objects.filter(action="activities.media.added").count() == 1


def test_institution_and_indicator_sent_twice_answer_without_an_error(
    client: Client, world: World, campaign: Campaign, county_reporter: User
) -> None:
    login_verified(client, county_reporter)
    url = reverse("activities:institutions")
    form = {
        "organisation": world.county_a.pk,
        "name": "新华区福利院",
        "kind": "welfare_home",
        "region": "410402",
        "client_id": str(uuid.uuid4()),
    }
    assert [client.post(url, form).status_code for _ in range(2)] == [302, 302]
    assert Institution.objects.filter(name="新华区福利院").count() == 1

    login_verified(client, world.city_officer)
    url = reverse("activities:indicators", kwargs={"campaign_pk": campaign.pk})
    form = {"add": "1", "name": "发放辅具件数", "unit": "count", "client_id": str(uuid.uuid4())}
    assert [client.post(url, form).status_code for _ in range(2)] == [302, 302]
    assert Indicator.objects.filter(name="发放辅具件数").count() == 1


def test_a_photo_sent_twice_is_added_once(
    client: Client, world: World, campaign: Campaign, county_reporter: User
) -> None:
    report = make_report(campaign=campaign, organisation=world.county_a, by=county_reporter)
    login_verified(client, county_reporter)
    url = reverse("activities:photos", kwargs={"report_pk": report.pk})
    token = str(uuid.uuid4())
    for _ in range(2):
        form = {"photo": jpeg(), "caption": "慰问现场", "nobody_recognisable": "on"}
        assert client.post(url, form | {"client_id": token}).status_code == 302
    assert Photo.objects.filter(report=report).count() == 1


@pytest.mark.postgres
@needs_postgres
def test_five_media_forms_at_once_record_it_once(
    transactional_db: None, world: World, campaign: Campaign, county_reporter: User
) -> None:
    form = media_form(world, campaign)
    responses = post_at_once(county_reporter, reverse("activities:new_media"), form)
    assert [r.status_code for r in responses] == [302] * 5
    assert MediaReport.objects.count() == 1
    assert AuditEntry.objects.filter(action="activities.media.added").count() == 1


@pytest.mark.postgres
@needs_postgres
def test_five_report_forms_at_once_make_one_report(
    transactional_db: None, world: World, campaign: Campaign, county_reporter: User
) -> None:
    url = reverse("activities:new", kwargs={"campaign_pk": campaign.pk})
    responses = post_at_once(county_reporter, url, report_form(world))
    report = ActivityReport.objects.get()
    assert [r.status_code for r in responses] == [302] * 5
    assert report.visits.count() == 1
    assert AuditEntry.objects.filter(action="activities.report.created").count() == 1
