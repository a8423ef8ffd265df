"""A screenshot of media coverage: through the photos' pipeline (checked by content, EXIF and
GPS removed, re-encoded), stored under a random name, served only to those who may see the
coverage, shown with its title as alt text."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.http import FileResponse
from django.test import Client
from django.urls import reverse
from PIL import Image

from zhucan.accounts.models import User
from zhucan.activities.models import MediaReport
from zhucan.activities.services import add_media_report
from zhucan.activities.tests.test_photos import (
    encoded,
    jpeg_with_gps_and_orientation,
    png_declaring,
    upload,
)
from zhucan.campaigns.models import Campaign
from zhucan.conftest import World
from zhucan.core.errors import DomainError
from zhucan.orgs.models import Organisation
from zhucan.testing.auth import login_verified


def _add(by: User, campaign: Campaign, organisation: Organisation, **overrides: Any) -> MediaReport:
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


@pytest.fixture
def covered(world: World, campaign: Campaign, county_reporter: User) -> MediaReport:
    return _add(
        county_reporter,
        campaign,
        world.county_a,
        screenshot=upload(jpeg_with_gps_and_orientation(), "Screenshot_2020.jpg"),
    )


def _urls(media: MediaReport) -> list[str]:
    return [
        reverse("activities:media_screenshot", kwargs={"media_pk": media.pk}),
        reverse("activities:media_screenshot_thumb", kwargs={"media_pk": media.pk}),
        reverse("activities:media_detail", kwargs={"media_pk": media.pk}),
    ]


def test_the_screenshot_is_stored_clean_under_a_random_name(covered: MediaReport) -> None:
    covered.refresh_from_db()
    assert covered.screenshot.name.startswith("media_reports/")
    assert "Screenshot_2020" not in covered.screenshot.name
    assert (covered.screenshot_width, covered.screenshot_height) == (40, 60)  # turned upright
    for field in (covered.screenshot, covered.screenshot_thumbnail):
        with default_storage.open(field.name, "rb") as handle:
            data = handle.read()
        assert Image.open(io.BytesIO(data)).format == "JPEG"
        assert b"Exif" not in data and b"GPS" not in data and b"PhoneMaker" not in data


def test_coverage_without_a_screenshot_is_fine(
    world: World, campaign: Campaign, county_reporter: User
) -> None:
    media = _add(county_reporter, campaign, world.county_a)
    assert not media.screenshot and not media.screenshot_thumbnail


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param("截图".encode(), "not a photo", id="text-named-jpg"),
        pytest.param(encoded("RGB", (20, 20), "GIF"), "not a photo", id="gif"),
        pytest.param(png_declaring(20000, 20000), "more than 40 million pixels", id="bomb"),
    ],
)
def test_a_file_that_is_not_a_safe_image_is_refused_and_nothing_kept(
    world: World, campaign: Campaign, county_reporter: User, content: bytes, message: str
) -> None:
    before = set(default_storage.listdir("media_reports")[1]) if _has_folder() else set()
    with pytest.raises(DomainError, match=message) as error:
        _add(county_reporter, campaign, world.county_a, screenshot=upload(content, "截图.jpg"))
    assert error.value.field == "screenshot"
    assert not MediaReport.objects.exists()
    after = set(default_storage.listdir("media_reports")[1]) if _has_folder() else set()
    assert after == before


def _has_folder() -> bool:
    try:
        default_storage.listdir("media_reports")
    except FileNotFoundError:
        return False
    return True


def test_files_are_removed_when_the_row_is_refused(
    world: World, campaign: Campaign, county_reporter: User
) -> None:
    """The image is fine but the coverage is not (no title): no file stays behind."""
    before = set(default_storage.listdir("media_reports")[1]) if _has_folder() else set()
    with pytest.raises(DomainError):
        _add(
            county_reporter,
            campaign,
            world.county_a,
            title=" ",
            screenshot=upload(encoded("RGB", (30, 20), "PNG"), "a.png"),
        )
    after = set(default_storage.listdir("media_reports")[1]) if _has_folder() else set()
    assert after == before


def test_uploading_through_the_form_then_seeing_it_in_the_list_and_detail(
    client: Client, world: World, campaign: Campaign, county_reporter: User
) -> None:
    login_verified(client, county_reporter)
    form = {
        "campaign": campaign.pk,
        "organisation": world.county_a.pk,
        "outlet": "平顶山电视台",
        "kind": "tv",
        "date": "2020-05-18",
        "title": "助残日直播",
        "screenshot": upload(encoded("RGB", (800, 450), "PNG"), "直播.png"),
    }
    response = client.post(reverse("activities:new_media"), form)
    assert response.status_code == 302
    media = MediaReport.objects.get()
    assert media.screenshot and (media.screenshot_width, media.screenshot_height) == (800, 450)

    page = client.get(reverse("activities:media")).content.decode()
    thumb = reverse("activities:media_screenshot_thumb", kwargs={"media_pk": media.pk})
    assert f'src="{thumb}"' in page
    assert 'alt="Screenshot: 助残日直播"' in page
    assert 'width="96" height="54"' in page
    detail = client.get(reverse("activities:media_detail", kwargs={"media_pk": media.pk}))
    assert detail.status_code == 200
    assert 'alt="Screenshot: 助残日直播"' in detail.content.decode()


def test_the_form_says_why_a_screenshot_was_refused(
    client: Client, world: World, campaign: Campaign, county_reporter: User
) -> None:
    login_verified(client, county_reporter)
    url = reverse("activities:new_media")
    assert 'enctype="multipart/form-data"' in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "campaign": campaign.pk,
            "organisation": world.county_a.pk,
            "outlet": "平顶山电视台",
            "kind": "tv",
            "date": "2020-05-18",
            "title": "助残日直播",
            "screenshot": upload(b"<html></html>", "截图.png"),
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "data-error-summary" in body
    assert 'href="#id_screenshot"' in body
    assert "This file is not a photo (JPEG, PNG or WebP)." in body
    assert not MediaReport.objects.exists()


def test_served_to_the_county_and_the_city(
    client: Client, world: World, covered: MediaReport
) -> None:
    for person in (world.county_a_officer, world.city_officer):
        client.logout()
        login_verified(client, person)
        for url in _urls(covered)[:2]:
            response = client.get(url)
            assert response.status_code == 200, (url, person.username)
            assert response["Content-Type"] == "image/jpeg"
            assert response["X-Content-Type-Options"] == "nosniff"
            assert "private" in response["Cache-Control"]
            assert isinstance(response, FileResponse), "a screenshot is sent as a file"
            body = response.getvalue()
            assert Image.open(io.BytesIO(body)).format == "JPEG" and b"Exif" not in body


def test_another_county_and_an_outsider_get_404(
    client: Client, world: World, covered: MediaReport
) -> None:
    for person in (world.county_b_officer, world.outsider):
        client.logout()
        login_verified(client, person)
        for url in _urls(covered):
            assert client.get(url).status_code == 404, (url, person.username)


def test_coverage_without_a_screenshot_serves_404(
    client: Client, world: World, campaign: Campaign, county_reporter: User
) -> None:
    media = _add(county_reporter, campaign, world.county_a)
    login_verified(client, county_reporter)
    screenshot, thumb, detail = _urls(media)
    assert client.get(screenshot).status_code == 404
    assert client.get(thumb).status_code == 404
    response = client.get(detail)
    assert response.status_code == 200
    assert "No screenshot was added." in response.content.decode()
