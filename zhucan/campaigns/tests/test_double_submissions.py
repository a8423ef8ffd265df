"""Campaign create forms sent twice, or five times at once, make one thing and never a 500."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from zhucan.campaigns.models import Campaign, NoticeAttachment
from zhucan.campaigns.tests.test_campaign_workflow import SEED
from zhucan.conftest import World
from zhucan.core.models import AuditEntry
from zhucan.testing.auth import login_verified
from zhucan.testing.concurrency import needs_postgres, post_at_once
from zhucan.testing.factories import make_campaign


def import_form(world: World) -> dict[str, Any]:
    return {"issuing_org": world.city.pk, "text": SEED.read_text(), "client_id": str(uuid.uuid4())}


def test_the_notice_imported_twice_is_one_draft(client: Client, world: World) -> None:
    login_verified(client, world.city_officer)
    form = import_form(world)
    first = client.post(reverse("campaigns:import"), form)
    again = client.post(reverse("campaigns:import"), form)
    campaign = Campaign.objects.get()
    # The second send goes to the first draft, not to "a notice numbered … already exists".
    assert first.status_code == again.status_code == 302
    assert again["Location"] == reverse("campaigns:detail", kwargs={"campaign_pk": campaign.pk})


def test_a_file_attached_twice_is_attached_once(client: Client, world: World) -> None:
    campaign = make_campaign(issuing_org=world.city, by=world.city_officer, publish=False)
    login_verified(client, world.city_officer)
    url = reverse("campaigns:attachments", kwargs={"campaign_pk": campaign.pk})
    token = str(uuid.uuid4())
    for _ in range(2):
        upload = SimpleUploadedFile("名单.txt", "新华区 张三".encode())
        assert client.post(url, {"file": upload, "client_id": token}).status_code == 302
    assert NoticeAttachment.objects.filter(notice__campaign=campaign).count() == 1


def test_a_second_click_on_start_own_campaign_goes_to_the_first(
    client: Client, world: World
) -> None:
    parent = make_campaign(issuing_org=world.city, by=world.city_officer)
    login_verified(client, world.county_a_officer)
    url = reverse("campaigns:cascade", kwargs={"campaign_pk": parent.pk})
    first = client.post(url, {"organisation": world.county_a.pk})
    again = client.post(url, {"organisation": world.county_a.pk})
    assert first["Location"] == again["Location"]
    assert Campaign.objects.filter(parent=parent).count() == 1


@pytest.mark.postgres
@needs_postgres
def test_five_imports_at_once_make_one_draft(transactional_db: None, world: World) -> None:
    responses = post_at_once(world.city_officer, reverse("campaigns:import"), import_form(world))
    assert [r.status_code for r in responses] == [302] * 5
    assert Campaign.objects.count() == 1
    assert AuditEntry.objects.filter(action="campaigns.notice.imported").count() == 1


@pytest.mark.postgres
@needs_postgres
def test_five_clicks_at_once_on_start_own_campaign_make_one(
    transactional_db: None, world: World
) -> None:
    parent = make_campaign(issuing_org=world.city, by=world.city_officer)
    url = reverse("campaigns:cascade", kwargs={"campaign_pk": parent.pk})
    responses = post_at_once(world.county_a_officer, url, {"organisation": world.county_a.pk})
    child = Campaign.objects.get(parent=parent)
    assert {r["Location"] for r in responses} == {
        reverse("campaigns:detail", kwargs={"campaign_pk": child.pk})
    }
