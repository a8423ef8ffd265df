"""Notices and their attachments that unpack to gigabytes or lie about their sizes: refused
with a Chinese message, and the worker's memory does not rise by more than 300 MB."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import FileResponse
from django.test import Client
from django.urls import reverse
from django.utils import translation

from zhucan.campaigns.models import Campaign, NoticeAttachment
from zhucan.campaigns.notice_parser import NoticeFileError, read_notice_file
from zhucan.campaigns.services.attachments import ATTACHMENT_MAX_BYTES, ATTACHMENT_TYPES
from zhucan.conftest import World
from zhucan.core.errors import DomainError
from zhucan.core.uploads import CheckedFile, check_upload
from zhucan.testing import hostile_files as hostile
from zhucan.testing.auth import login_verified
from zhucan.testing.factories import make_campaign
from zhucan.testing.upload_probe import BAR_MB, measure


@pytest.fixture(scope="module")
def lying_docx() -> bytes:
    """About 1 MB: a document part that claims 1,000 bytes and holds 1 GiB of zeros."""
    return hostile.lying_docx(zeros_mib=1024)


def test_a_docx_notice_that_lies_about_its_size_is_refused_in_bounded_memory(
    tmp_path: Path, lying_docx: bytes
) -> None:
    path = tmp_path / "通知.docx"
    path.write_bytes(lying_docx)
    assert len(lying_docx) < 2 * hostile.MiB
    with pytest.raises(NoticeFileError, match="疑似压缩炸弹"):
        read_notice_file(path)
    peak_mb, error = measure("notice", path)
    assert error is not None and "疑似压缩炸弹" in error
    assert peak_mb < BAR_MB


def test_a_sound_docx_notice_still_reads(tmp_path: Path) -> None:
    path = tmp_path / "通知.docx"
    path.write_bytes(hostile.docx())
    assert read_notice_file(path) == "关于开展第三十次全国助残日活动的通知"


def _attach(name: str, content: bytes) -> CheckedFile:
    return check_upload(
        SimpleUploadedFile(name, content), allowed=ATTACHMENT_TYPES, max_bytes=ATTACHMENT_MAX_BYTES
    )


def test_an_attachment_that_lies_about_its_size_is_refused_in_bounded_memory(
    tmp_path: Path, lying_docx: bytes
) -> None:
    with translation.override("zh-hans"), pytest.raises(DomainError, match="超过 100 MB"):
        _attach("附件1.docx", lying_docx)
    path = tmp_path / "附件1.docx"
    path.write_bytes(lying_docx)
    peak_mb, error = measure("attachment", path)
    assert error is not None and "100 MB" in error
    assert peak_mb < BAR_MB


def test_an_attachment_whose_part_lies_but_stays_small_is_damaged() -> None:
    padding = hostile.deflate_pieces([(hostile.padding_chunk(), 2)])
    data = hostile.docx(hostile.Member("word/document.xml", padding, declared_size=1000))
    with translation.override("zh-hans"), pytest.raises(DomainError, match="已损坏"):
        _attach("附件2.docx", data)


def test_a_picture_of_30000_squared_pixels_is_refused_from_its_header() -> None:
    data = hostile.png(30000, 30000)
    assert len(data) < 3 * hostile.MiB
    with translation.override("zh-hans"), pytest.raises(DomainError, match="百万像素"):
        _attach("附件3.png", data)


def test_a_sound_picture_and_workbook_are_attached() -> None:
    assert _attach("附件4.png", hostile.png(640, 480)).content_type == "image/png"
    assert _attach("附件5.xlsx", hostile.xlsx()).size > 0


@pytest.fixture
def campaign(world: World) -> Campaign:
    return make_campaign(issuing_org=world.city, by=world.city_officer, publish=False)


def test_an_attachment_is_served_as_a_download_whatever_was_stored(
    client: Client, world: World, campaign: Campaign
) -> None:
    """Rows attached before uploads were checked may carry any content type: the download's
    type follows the extension, and the browser is told not to sniff or show it."""
    login_verified(client, world.city_officer)
    url = reverse("campaigns:attachments", kwargs={"campaign_pk": campaign.pk})
    client.post(url, {"file": SimpleUploadedFile("说明.txt", "正文".encode())})
    attachment = NoticeAttachment.objects.get()
    NoticeAttachment.objects.filter(pk=attachment.pk).update(content_type="text/html")
    response = client.get(reverse("campaigns:attachment", kwargs={"attachment_pk": attachment.pk}))
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert isinstance(response, FileResponse), "an attachment is sent as a file"
    assert response.getvalue() == "正文".encode()
    NoticeAttachment.objects.filter(pk=attachment.pk).update(name="page.html")
    response = client.get(reverse("campaigns:attachment", kwargs={"attachment_pk": attachment.pk}))
    assert response["Content-Type"] == "application/octet-stream"
    assert isinstance(response, FileResponse), "an attachment is sent as a file"
    assert io.BytesIO(response.getvalue()).read() == "正文".encode()
