from __future__ import annotations

import io
import zipfile
from typing import TYPE_CHECKING

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import FileResponse
from django.test import Client
from django.urls import reverse

from zhucan.campaigns.models import Campaign, NoticeAttachment
from zhucan.conftest import World
from zhucan.core.models import AuditEntry
from zhucan.testing.auth import login_verified
from zhucan.testing.factories import make_campaign

if TYPE_CHECKING:
    # What the test client returns (a response with the request and context attached).
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse


@pytest.fixture
def campaign(world: World) -> Campaign:
    return make_campaign(issuing_org=world.city, by=world.city_officer, publish=False)


def _post(client: Client, campaign: Campaign, name: str, content: bytes) -> TestResponse:
    url = reverse("campaigns:attachments", kwargs={"campaign_pk": campaign.pk})
    return client.post(url, {"file": SimpleUploadedFile(name, content)})


def _docx_bytes(members: dict[str, bytes | str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_attach_download_and_remove(client: Client, world: World, campaign: Campaign) -> None:
    login_verified(client, world.city_officer)
    pdf = b"%PDF-1.4\n%test\n"
    assert _post(client, campaign, "../../附件1 活动统计表.pdf", pdf).status_code == 302
    attachment = NoticeAttachment.objects.get()
    assert attachment.name == "附件1 活动统计表.pdf"  # the path part is never kept
    assert "/" not in attachment.file.name.removeprefix(f"notices/{campaign.notice.pk}/")
    response = client.get(reverse("campaigns:attachment", kwargs={"attachment_pk": attachment.pk}))
    assert isinstance(response, FileResponse), "an attachment is sent as a file"
    assert response.getvalue() == pdf
    assert "attachment;" in response["Content-Disposition"]
    client.post(reverse("campaigns:delete_attachment", kwargs={"attachment_pk": attachment.pk}))
    assert not NoticeAttachment.objects.exists()
    entries = AuditEntry.objects.filter(action__startswith="campaigns.attachment").order_by("id")
    assert [e.action for e in entries] == [
        "campaigns.attachment.added",
        "campaigns.attachment.downloaded",
        "campaigns.attachment.removed",
    ]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("setup.exe", b"MZ\x90\x00", "cannot be attached"),
        ("table.pdf", b"<html>not a pdf</html>", "does not match"),
        ("table.docx", b"PK\x03\x04garbage", "damaged"),
        ("empty.txt", b"", "empty"),
    ],
)
def test_bad_files_are_refused_with_a_message(
    client: Client, world: World, campaign: Campaign, name: str, content: bytes, message: str
) -> None:
    login_verified(client, world.city_officer)
    client.cookies["django_language"] = "en"
    response = _post(client, campaign, name, content)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not NoticeAttachment.objects.exists()


def test_a_zip_bomb_docx_is_refused(client: Client, world: World, campaign: Campaign) -> None:
    login_verified(client, world.city_officer)
    client.cookies["django_language"] = "en"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", "<w/>")
        with archive.open("word/padding.xml", "w") as member:
            chunk = b"\0" * (1 << 20)
            for _ in range(120):
                member.write(chunk)
    response = _post(client, campaign, "bomb.docx", buffer.getvalue())
    assert "100 MB" in response.content.decode()
    assert not NoticeAttachment.objects.exists()


def test_other_counties_cannot_download(client: Client, world: World, campaign: Campaign) -> None:
    login_verified(client, world.city_officer)
    _post(client, campaign, "a.txt", "名单".encode())
    attachment = NoticeAttachment.objects.get()
    client.logout()
    login_verified(client, world.outsider)
    url = reverse("campaigns:attachment", kwargs={"attachment_pk": attachment.pk})
    assert client.get(url).status_code == 404


def test_close_a_published_campaign(client: Client, world: World) -> None:
    campaign = make_campaign(issuing_org=world.city, by=world.city_officer)
    login_verified(client, world.city_officer)
    client.post(reverse("campaigns:close", kwargs={"campaign_pk": campaign.pk}))
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.CLOSED


def test_correct_the_duties_of_a_draft(client: Client, world: World, campaign: Campaign) -> None:
    login_verified(client, world.city_officer)
    url = reverse("campaigns:edit_duties", kwargs={"campaign_pk": campaign.pk})
    data = {
        "version": campaign.version,
        "duty-TOTAL_FORMS": "2",
        "duty-INITIAL_FORMS": "1",
        "duty-0-number": "1",
        "duty-0-text": "各级民政、教育部门要开展慰问。",
        "duty-0-departments": "民政、教育",
        "duty-1-number": "",
        "duty-1-text": "",
        "duty-1-departments": "",
    }
    assert client.post(url, data).status_code == 302
    duty = campaign.duties.get()
    assert duty.departments == ["民政", "教育"]
    # The same form again is stale now: refused with a message, nothing changed.
    response = client.post(url, dict(data, **{"duty-0-departments": "工会"}))
    assert response.status_code == 200 and b"data-error-summary" in response.content
    assert campaign.duties.get().departments == ["民政", "教育"]
