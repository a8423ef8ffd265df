"""Photos of activities: cleaned of EXIF and GPS, checked by content, served only to those who
may see the report, and never half-stored."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path
from typing import IO, Any

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import FileResponse
from django.test import Client
from django.urls import reverse
from PIL import Image
from pytest_django import DjangoCaptureOnCommitCallbacks

from zhucan.accounts.models import User
from zhucan.activities.images import process_photo
from zhucan.activities.models import ActivityReport, Photo
from zhucan.activities.services import add_photo, remove_photo
from zhucan.campaigns.models import Campaign
from zhucan.conftest import World
from zhucan.core.errors import DomainError
from zhucan.core.models import AuditEntry
from zhucan.testing.auth import login_verified
from zhucan.testing.browser import BrowserPages
from zhucan.testing.factories import make_report

RED, BLUE = (220, 0, 0), (0, 0, 220)


def jpeg_with_gps_and_orientation() -> bytes:
    """60×40, red on the left and blue on the right, saying "rotate 90° clockwise to show"."""
    image = Image.new("RGB", (60, 40), BLUE)
    image.paste(RED, (0, 0, 30, 40))
    exif = Image.Exif()
    exif[0x0112] = 6
    exif[0x010F] = "PhoneMaker"
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (33.0, 44.0, 55.0), 3: "E", 4: (113.0, 11.0, 0.0)})
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, quality=95)
    return out.getvalue()


def encoded(mode: str, size: tuple[int, int], fmt: str, color: object = "navy") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, color).save(out, fmt)  # type: ignore[arg-type]
    return out.getvalue()


def png_declaring(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims ``width`` × ``height`` pixels (a decompression bomb)."""
    data = bytearray(encoded("1", (1, 1), "PNG", 0))
    ihdr = bytearray(data[12:29])  # chunk type + 13 bytes of header data
    ihdr[4:12] = struct.pack(">II", width, height)
    data[12:29] = ihdr
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(ihdr)))
    return bytes(data)


def upload(content: bytes, name: str = "IMG_0001.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="image/jpeg")


def stored_files() -> set[str]:
    found: set[str] = set()

    def walk(folder: str) -> None:
        try:
            folders, files = default_storage.listdir(folder)
        except FileNotFoundError:
            return
        found.update(f"{folder}/{name}" for name in files)
        for sub in folders:
            walk(f"{folder}/{sub}")

    walk("activities")
    return found


@pytest.fixture
def report(campaign: Campaign, world: World, county_reporter: User) -> ActivityReport:
    return make_report(campaign=campaign, organisation=world.county_a, by=county_reporter)


# --- the image itself ---------------------------------------------------------------------


def test_exif_and_gps_are_removed_and_the_photo_is_turned_upright() -> None:
    original = jpeg_with_gps_and_orientation()
    assert b"Exif" in original
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)

    processed = process_photo(upload(original))

    result = Image.open(io.BytesIO(processed.image))
    assert result.format == "JPEG"
    assert (processed.width, processed.height) == result.size == (40, 60)
    top, bottom = result.getpixel((20, 5)), result.getpixel((20, 55))
    assert isinstance(top, tuple) and isinstance(bottom, tuple), "an RGB photo has bands"
    assert top[0] > 150 and top[2] < 80, top  # red is now on top
    assert bottom[2] > 150 and bottom[0] < 80, bottom
    assert len(result.getexif()) == 0
    assert not {"exif", "xmp", "XML:com.adobe.xmp", "icc_profile"} & set(result.info)
    for data in (processed.image, processed.thumbnail):
        assert b"Exif" not in data
        assert b"GPS" not in data
        assert b"PhoneMaker" not in data


def test_png_becomes_jpeg_and_a_large_photo_is_scaled_down_with_a_thumbnail() -> None:
    processed = process_photo(upload(encoded("RGBA", (3000, 1500), "PNG"), "海报.png"))

    assert Image.open(io.BytesIO(processed.image)).format == "JPEG"
    assert (processed.width, processed.height) == (2560, 1280)
    thumb = Image.open(io.BytesIO(processed.thumbnail))
    assert thumb.format == "JPEG"
    assert thumb.size == (320, 160)


def test_webp_is_accepted() -> None:
    processed = process_photo(upload(encoded("RGB", (50, 50), "WEBP"), "x.webp"))
    assert Image.open(io.BytesIO(processed.image)).format == "JPEG"


@pytest.mark.parametrize(
    "content",
    [
        pytest.param("活动总结".encode(), id="text"),
        pytest.param(b"\xff\xd8\xff\xe0" + b"\0" * 100, id="jpeg-start-only"),
        pytest.param(encoded("RGB", (20, 20), "GIF"), id="gif"),
        pytest.param(b"", id="empty"),
    ],
)
def test_a_file_that_is_not_a_photo_is_refused_whatever_its_name(content: bytes) -> None:
    with pytest.raises(DomainError, match="not a photo"):
        process_photo(upload(content, "照片.jpg"))


def test_a_file_over_15_mb_is_refused() -> None:
    with pytest.raises(DomainError, match="larger than 15 MB"):
        process_photo(upload(b"\xff\xd8\xff" + b"\0" * (16 * 1024 * 1024)))


@pytest.mark.parametrize(
    "size",
    [
        pytest.param((20000, 20000), id="past-pillows-own-limit"),
        pytest.param((8000, 6000), id="past-ours"),
    ],
)
def test_a_decompression_bomb_is_refused(size: tuple[int, int]) -> None:
    bomb = png_declaring(*size)
    assert len(bomb) < 200
    with pytest.raises(DomainError, match="more than 40 million pixels"):
        process_photo(upload(bomb, "bomb.png"))


# --- the service ----------------------------------------------------------------------------


def test_a_photo_is_added_with_its_files_and_an_audit_entry(
    report: ActivityReport, county_reporter: User
) -> None:
    photo = add_photo(
        by=county_reporter,
        report=report,
        upload=upload(jpeg_with_gps_and_orientation()),
        caption="  为残疾人家庭送去慰问品 ",
        consent=True,
    )

    photo.refresh_from_db()
    assert photo.caption == "为残疾人家庭送去慰问品"
    assert (photo.width, photo.height) == (40, 60)
    assert photo.uploaded_by == county_reporter
    assert {photo.image.name, photo.thumbnail.name} <= stored_files()
    assert photo.image.name.endswith(".jpg") and "IMG_0001" not in photo.image.name
    entry = AuditEntry.objects.get(action="activities.photo.added")
    assert entry.object_id == str(photo.pk)
    assert entry.org_path == report.organisation.path


def test_consent_is_needed_when_people_can_be_recognised(
    report: ActivityReport, county_reporter: User
) -> None:
    with pytest.raises(DomainError, match="agreed to be shown") as error:
        add_photo(by=county_reporter, report=report, upload=upload(encoded("RGB", (9, 9), "JPEG")))
    assert error.value.field == "consent"

    photo = add_photo(
        by=county_reporter,
        report=report,
        upload=upload(encoded("RGB", (9, 9), "JPEG")),
        people_recognisable=False,
    )
    assert photo.consent is False


def test_the_eleventh_photo_is_refused(report: ActivityReport, county_reporter: User) -> None:
    jpeg = encoded("RGB", (9, 9), "JPEG")
    for _ in range(10):
        add_photo(by=county_reporter, report=report, upload=upload(jpeg), consent=True)
    with pytest.raises(DomainError, match="at most 10 photos"):
        add_photo(by=county_reporter, report=report, upload=upload(jpeg), consent=True)
    assert report.photos.count() == 10


def test_photos_are_added_only_to_an_editable_report(
    campaign: Campaign, world: World, county_reporter: User
) -> None:
    submitted = make_report(
        campaign=campaign, organisation=world.county_a, by=county_reporter, submit=True
    )
    with pytest.raises(DomainError, match="draft or has been returned"):
        add_photo(
            by=county_reporter,
            report=submitted,
            upload=upload(encoded("RGB", (9, 9), "JPEG")),
            consent=True,
        )


def test_someone_who_cannot_report_for_the_organisation_cannot_add(
    report: ActivityReport, world: World
) -> None:
    with pytest.raises(DomainError, match="not allowed"):
        add_photo(
            by=world.county_b_officer,
            report=report,
            upload=upload(encoded("RGB", (9, 9), "JPEG")),
            consent=True,
        )


def test_nothing_is_left_behind_when_storage_fails_half_way(
    report: ActivityReport, county_reporter: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = stored_files()
    real_save = default_storage.save
    calls: list[str | None] = []

    def save_then_fail(name: str | None, content: IO[Any], *args: Any, **kwargs: Any) -> str:
        calls.append(name)
        if len(calls) == 2:
            raise OSError("disk full")
        return real_save(name, content, *args, **kwargs)

    monkeypatch.setattr(default_storage, "save", save_then_fail)

    with pytest.raises(OSError, match="disk full"):
        add_photo(
            by=county_reporter,
            report=report,
            upload=upload(encoded("RGB", (9, 9), "JPEG")),
            consent=True,
        )

    assert len(calls) == 2
    assert not Photo.objects.exists()
    assert stored_files() == before
    assert not AuditEntry.objects.filter(action="activities.photo.added").exists()


def test_files_are_deleted_only_once_the_removal_commits(
    report: ActivityReport,
    county_reporter: User,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    photo = add_photo(
        by=county_reporter,
        report=report,
        upload=upload(encoded("RGB", (9, 9), "JPEG")),
        consent=True,
    )
    files = {photo.image.name, photo.thumbnail.name}
    assert files <= stored_files()

    with django_capture_on_commit_callbacks() as callbacks:
        remove_photo(by=county_reporter, photo=photo)
        assert not Photo.objects.exists()
        assert files <= stored_files()  # still there until the commit
    for callback in callbacks:
        callback()
    assert not files & stored_files()
    entry = AuditEntry.objects.get(action="activities.photo.removed")
    assert entry.actor == county_reporter


# --- the pages ------------------------------------------------------------------------------


@pytest.fixture
def photo(report: ActivityReport, county_reporter: User) -> Photo:
    return add_photo(
        by=county_reporter,
        report=report,
        upload=upload(jpeg_with_gps_and_orientation()),
        caption="慰问现场",
        consent=True,
    )


def test_photo_and_thumbnail_are_served_to_the_county_and_the_city(
    client: Client, world: World, photo: Photo
) -> None:
    for person in (world.county_a_officer, world.city_officer):
        client.logout()
        login_verified(client, person)
        for name in ("activities:photo", "activities:thumbnail"):
            response = client.get(reverse(name, kwargs={"photo_pk": photo.pk}))
            assert response.status_code == 200, (name, person.username)
            assert response["Content-Type"] == "image/jpeg"
            assert response["X-Content-Type-Options"] == "nosniff"
            assert "private" in response["Cache-Control"]
            assert isinstance(response, FileResponse), "a photo is sent as a file"
            body = response.getvalue()
            assert Image.open(io.BytesIO(body)).format == "JPEG"
            assert b"Exif" not in body


def test_photos_are_404_outside_the_jurisdiction(
    client: Client, world: World, photo: Photo
) -> None:
    urls = [
        reverse("activities:photo", kwargs={"photo_pk": photo.pk}),
        reverse("activities:thumbnail", kwargs={"photo_pk": photo.pk}),
        reverse("activities:photos", kwargs={"report_pk": photo.report_id}),
    ]
    for person in (world.county_b_officer, world.outsider):
        client.logout()
        login_verified(client, person)
        for url in urls:
            assert client.get(url).status_code == 404, (url, person.username)
        response = client.post(reverse("activities:delete_photo", kwargs={"photo_pk": photo.pk}))
        assert response.status_code == 404
    assert Photo.objects.filter(pk=photo.pk).exists()


def test_the_page_lists_photos_with_alt_text_and_offers_the_camera(
    client: Client, world: World, report: ActivityReport, county_reporter: User, photo: Photo
) -> None:
    add_photo(
        by=county_reporter,
        report=report,
        upload=upload(encoded("RGB", (9, 9), "JPEG")),
        people_recognisable=False,
    )
    login_verified(client, county_reporter)

    response = client.get(reverse("activities:photos", kwargs={"report_pk": report.pk}))

    assert response.status_code == 200
    body = response.content.decode()
    assert 'alt="慰问现场"' in body
    assert 'alt="Photo 2 of the activity"' in body
    assert 'accept="image/*"' in body
    assert 'capture="environment"' in body
    assert reverse("activities:thumbnail", kwargs={"photo_pk": photo.pk}) in body


def test_uploading_through_the_page(
    client: Client, report: ActivityReport, county_reporter: User
) -> None:
    login_verified(client, county_reporter)
    url = reverse("activities:photos", kwargs={"report_pk": report.pk})

    response = client.post(
        url,
        {"photo": upload(jpeg_with_gps_and_orientation()), "caption": "合影", "consent": "on"},
    )

    assert response.status_code == 302
    assert response["Location"] == url
    assert report.photos.get().caption == "合影"


def test_the_page_shows_why_an_upload_was_refused(
    client: Client, report: ActivityReport, county_reporter: User
) -> None:
    login_verified(client, county_reporter)
    url = reverse("activities:photos", kwargs={"report_pk": report.pk})

    response = client.post(url, {"photo": upload("不是照片".encode(), "a.jpg"), "consent": "on"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "error-summary" in body
    assert "This file is not a photo (JPEG, PNG or WebP)." in body

    response = client.post(url, {"photo": upload(encoded("RGB", (9, 9), "JPEG"))})
    assert "Confirm that the people who can be recognised agreed to be shown." in (
        response.content.decode()
    )
    assert not report.photos.exists()


def test_deleting_through_the_page_is_audited(
    client: Client,
    report: ActivityReport,
    county_reporter: User,
    photo: Photo,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    login_verified(client, county_reporter)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("activities:delete_photo", kwargs={"photo_pk": photo.pk}))

    assert response.status_code == 302
    assert response["Location"] == reverse("activities:photos", kwargs={"report_pk": report.pk})
    assert not Photo.objects.exists()
    entry = AuditEntry.objects.get(action="activities.photo.removed")
    assert entry.actor == county_reporter
    assert entry.org_path == report.organisation.path
    assert not {photo.image.name, photo.thumbnail.name} & stored_files()


def test_a_submitted_report_shows_its_photos_but_takes_no_more(
    client: Client, campaign: Campaign, world: World, county_reporter: User
) -> None:
    submitted = make_report(
        campaign=campaign, organisation=world.county_a, by=county_reporter, submit=True
    )
    login_verified(client, county_reporter)
    url = reverse("activities:photos", kwargs={"report_pk": submitted.pk})

    response = client.get(url)
    assert response.status_code == 200
    assert 'type="file"' not in response.content.decode()
    response = client.post(url, {"photo": upload(encoded("RGB", (9, 9), "JPEG")), "consent": "on"})
    assert response.status_code == 403


@pytest.mark.browser
def test_the_photo_page_with_its_form_passes_axe_and_reflows(
    browser_world: World, browser_pages: BrowserPages
) -> None:
    """The permission walk meets a submitted report (no form): here a draft with a photo, its
    upload form, the error state, and 320 px wide in large text."""
    from zhucan.core.tests.test_browser_reflow import OVERFLOW
    from zhucan.testing.browser import axe_report, id_problems, open_page, set_display
    from zhucan.testing.factories import make_campaign

    world = browser_world
    campaign = make_campaign(issuing_org=world.city, by=world.city_officer)
    draft = make_report(campaign=campaign, organisation=world.county_a, by=world.county_a_officer)
    add_photo(
        by=world.county_a_officer,
        report=draft,
        upload=upload(encoded("RGB", (900, 600), "JPEG")),
        people_recognisable=False,
    )
    url = reverse("activities:photos", kwargs={"report_pk": draft.pk})
    page = browser_pages.new(world.county_a_officer)
    open_page(page, url)
    assert page.locator("input[type=file][capture=environment]").count() == 1
    problems = [axe_report(page, "photos page with its form"), *id_problems(page)]

    with page.expect_navigation(wait_until="load"):
        page.locator("main form[enctype='multipart/form-data'] button[type='submit']").click()
    assert page.locator("[data-error-summary]").count() == 1
    problems.append(axe_report(page, "photos page, error state"))

    narrow = browser_pages.new(world.county_a_officer, viewport=(320, 640))
    open_page(narrow, url)
    set_display(narrow, text_size="large", contrast="normal")
    overflow = narrow.evaluate(OVERFLOW, 320)
    assert not overflow["offenders"], overflow
    assert not [p for p in problems if p], "\n\n".join(p for p in problems if p)
    assert not browser_pages.errors(page)


def test_a_report_with_20_values_and_5_photos_costs_a_bounded_number_of_queries(
    world: World, campaign: Campaign, county_reporter: User
) -> None:
    """The quality bar: a report with 20 indicator values, then 5 photos. Each photo costs the
    same few queries, whatever is already on the report."""
    from decimal import Decimal

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from zhucan.activities.models import Indicator

    indicators = list(Indicator.objects.filter(campaign=None))
    for n in range(len(indicators), 20):
        indicators.append(
            Indicator.objects.create(campaign=campaign, code=f"x{n}", name=f"指标{n}")
        )
    with CaptureQueriesContext(connection) as saving:
        full = make_report(
            campaign=campaign,
            organisation=world.county_a,
            by=county_reporter,
            values={i.pk: Decimal(n + 1) for n, i in enumerate(indicators[:20])},
        )
    assert full.values.count() == 20
    assert len(saving.captured_queries) <= 40
    per_photo = []
    for n in range(5):
        content = encoded("RGB", (640, 480), "JPEG", color=(10 * n, 80, 160))
        with CaptureQueriesContext(connection) as adding:
            add_photo(
                by=county_reporter,
                report=full,
                upload=upload(content, f"现场{n}.jpg"),
                people_recognisable=False,
            )
        per_photo.append(len(adding.captured_queries))
    assert Photo.objects.filter(report=full).count() == 5
    assert len(set(per_photo)) == 1 and per_photo[0] <= 15, per_photo


def test_a_photo_of_6300_squared_pixels_is_scaled_within_300_mb(tmp_path: Path) -> None:
    """A PNG of 130 KB that decodes to 6300 × 6300 pixels cost 525 MB per request: it is now
    decoded once and shrunk strip by strip before anything else copies it."""
    from zhucan.testing import hostile_files as hostile
    from zhucan.testing.upload_probe import BAR_MB, measure

    data = hostile.png(6300, 6300)
    assert len(data) < 200_000
    processed = process_photo(upload(data, "big.png"))
    assert (processed.width, processed.height) == (2560, 2560)
    pixel = Image.open(io.BytesIO(processed.image)).getpixel((100, 100))
    assert isinstance(pixel, tuple) and pixel[0] > 150  # still red
    path = tmp_path / "big.png"
    path.write_bytes(data)
    peak_mb, error = measure("photo", path)
    assert error is None
    assert peak_mb < BAR_MB


@pytest.mark.parametrize("mode", ["RGBA", "P", "LA", "I;16"])
def test_large_photos_of_every_mode_scale_to_2560(mode: str) -> None:
    color = {"RGBA": (200, 30, 30, 128), "P": 3, "LA": (90, 200), "I;16": 4000}[mode]
    processed = process_photo(upload(encoded(mode, (5400, 2700), "PNG", color), "big.png"))
    assert (processed.width, processed.height) == (2560, 1280)
    assert Image.open(io.BytesIO(processed.image)).mode == "RGB"


def test_a_photo_of_30000_squared_pixels_is_refused_in_chinese() -> None:
    from django.utils import translation

    from zhucan.testing import hostile_files as hostile

    with translation.override("zh-hans"), pytest.raises(DomainError, match="百万像素"):
        process_photo(upload(png_declaring(30000, 30000), "huge.png"))
    assert Image.MAX_IMAGE_PIXELS == 40_000_000  # Pillow's global guard, set deliberately
    assert len(hostile.png(64, 48)) < 1000
