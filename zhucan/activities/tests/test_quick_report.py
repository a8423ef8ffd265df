"""The quick report on a phone: one short form, sent once however often the phone resends it."""

from __future__ import annotations

import io
import re
import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from pytest_django import DjangoAssertNumQueries

from zhucan.accounts.models import User
from zhucan.activities import images
from zhucan.activities.models import ActivityReport, IndicatorValue, Photo
from zhucan.campaigns.models import Campaign
from zhucan.conftest import World
from zhucan.core.models import AuditEntry
from zhucan.orgs.models import Organisation
from zhucan.testing.auth import login_verified
from zhucan.testing.factories import make_campaign, make_report

QUICK = reverse("activities:quick")
CLIENT_ID = re.compile(r'name="client_id" value="([0-9a-f-]{36})"')


@pytest.fixture
def reporter_client(client: Client, county_reporter: User) -> Client:
    login_verified(client, county_reporter)
    return client


def form_data(campaign: Campaign, organisation: Organisation, **overrides: str) -> dict[str, str]:
    values = {
        "pair": f"{campaign.pk}:{organisation.pk}",
        "category": "visit",
        "title": "走访慰问困难残疾人家庭",
        "date": "2020-05-17",
        "mode": "in_person",
        "attendance": "20",
        "disabled_served": "12",
        "cash": "3500.50",
        "households": "35",
        "description": "区残联和民政局一起走访。",
        "client_id": str(uuid.uuid4()),
    }
    return values | overrides


def jpeg(name: str = "IMG_0001.jpg") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(out, "JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def with_photo(
    campaign: Campaign, organisation: Organisation, **overrides: object
) -> dict[str, object]:
    photo: dict[str, object] = {
        "photo": jpeg(),
        "caption": "入户走访",
        "nobody_recognisable": "on",
    }
    return form_data(campaign, organisation) | photo | overrides


def _stored() -> set[str]:
    folders = ["activities"]
    found: set[str] = set()
    while folders:
        folder = folders.pop()
        try:
            subfolders, files = default_storage.listdir(folder)
        except FileNotFoundError:
            continue
        found.update(f"{folder}/{name}" for name in files)
        folders += [f"{folder}/{sub}" for sub in subfolders]
    return found


@pytest.fixture
def stored_files() -> Callable[[], set[str]]:
    """The files stored during the test (the in-memory storage outlives a test's database)."""
    before = _stored()
    return lambda: _stored() - before


def done_url(client_id: str) -> str:
    return reverse("activities:quick_done", kwargs={"client_id": client_id})


def test_each_opening_of_the_form_has_a_fresh_client_id(
    reporter_client: Client, world: World, campaign: Campaign
) -> None:
    first = reporter_client.get(QUICK)
    second = reporter_client.get(QUICK)
    assert first.status_code == second.status_code == 200
    found = [CLIENT_ID.search(r.content.decode()) for r in (first, second)]
    assert all(found), "every opening of the form carries a client id"
    ids = [m.group(1) for m in found if m is not None]
    assert ids[0] != ids[1]
    # The only pair this reporter may report for is chosen already.
    body = first.content.decode()
    assert f'value="{campaign.pk}:{world.county_a.pk}" selected' in body
    assert f"{campaign.pk}:{world.county_b.pk}" not in body
    # Most reports are written on the day of the activity.
    assert f'name="date" value="{timezone.localdate().isoformat()}"' in body


def test_posting_creates_and_submits_one_report(
    reporter_client: Client, world: World, campaign: Campaign
) -> None:
    data = form_data(campaign, world.county_a)
    response = reporter_client.post(QUICK, data)
    assert response.status_code == 302
    assert response["Location"] == done_url(data["client_id"])
    report = ActivityReport.objects.get()
    assert str(report.client_id) == data["client_id"]
    assert report.status == ActivityReport.Status.SUBMITTED
    assert (report.organisation, report.campaign) == (world.county_a, campaign)
    assert report.start_date == report.end_date
    assert (report.attendance, report.disabled_served) == (20, 12)
    assert report.cash == Decimal("3500.50")
    value = IndicatorValue.objects.get(report=report)
    assert (value.indicator.code, value.value) == ("households_visited", Decimal(35))
    page = reporter_client.get(response["Location"])
    assert page.status_code == 200
    assert "走访慰问困难残疾人家庭" in page.content.decode()
    assert "Submitted" in page.content.decode()


def test_a_resend_of_the_same_form_changes_nothing_and_still_answers_ok(
    reporter_client: Client, world: World, campaign: Campaign
) -> None:
    data = form_data(campaign, world.county_a)
    first = reporter_client.post(QUICK, data)
    entries = AuditEntry.objects.count()
    # The phone never saw the answer and sends the same form again, by both routes.
    again = reporter_client.post(QUICK, data)
    fetched = reporter_client.post(QUICK, data, headers={"X-Requested-With": "fetch"})
    assert again.status_code == 302 and again["Location"] == first["Location"]
    assert fetched.json() == {"ok": True, "url": first["Location"]}
    assert ActivityReport.objects.count() == 1
    assert AuditEntry.objects.count() == entries


def test_the_script_gets_json(reporter_client: Client, world: World, campaign: Campaign) -> None:
    data = form_data(campaign, world.county_a)
    response = reporter_client.post(QUICK, data, headers={"X-Requested-With": "fetch"})
    assert response.status_code == 200
    assert response.json() == {"ok": True, "url": done_url(data["client_id"])}
    assert ActivityReport.objects.get().status == ActivityReport.Status.SUBMITTED

    bad = form_data(campaign, world.county_a, title="", attendance="-3")
    response = reporter_client.post(QUICK, bad, headers={"X-Requested-With": "fetch"})
    assert response.status_code == 400
    answer = response.json()
    assert answer["ok"] is False
    assert set(answer["errors"]) == {"title", "attendance"}
    assert ActivityReport.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"attendance": "-5"}, "attendance", "Enter 0 or more."),
        ({"disabled_served": "twelve"}, "disabled_served", "Enter a whole number, such as 20."),
        ({"cash": "很多"}, "cash", "Enter an amount in yuan, such as 500 or 500.50."),
        ({"title": "  "}, "title", "Give the activity a title."),
        ({"date": "2020-13-40"}, "date", "Enter a real date, such as 2020-05-17."),
        ({"client_id": "not-a-uuid"}, "client_id", None),
    ],
)
def test_bad_input_is_shown_and_nothing_is_saved(
    reporter_client: Client,
    world: World,
    campaign: Campaign,
    overrides: dict[str, str],
    field: str,
    message: str | None,
) -> None:
    response = reporter_client.post(QUICK, form_data(campaign, world.county_a, **overrides))
    assert response.status_code == 200
    body = response.content.decode()
    assert "data-error-summary" in body
    assert field in response.context["form"].errors
    if message:
        assert message in body
        assert f'href="#id_{field}"' in body
    assert not ActivityReport.objects.exists()


def test_a_pair_of_another_jurisdiction_is_not_found(
    reporter_client: Client, world: World, campaign: Campaign
) -> None:
    # A city campaign sent only to the city's member units: county A does not see it.
    other = make_campaign(issuing_org=world.city, by=world.city_officer, recipients=["各成员单位"])
    for pair in (f"{other.pk}:{world.county_a.pk}", f"{campaign.pk}:{world.county_b.pk}"):
        response = reporter_client.post(QUICK, form_data(campaign, world.county_a, pair=pair))
        assert response.status_code == 404, pair
    assert not ActivityReport.objects.exists()


def test_a_visible_pair_the_person_may_not_report_for_is_a_form_error(
    client: Client, world: World, campaign: Campaign
) -> None:
    # The county officer sees its unit, but the city campaign was not sent to that unit.
    login_verified(client, world.county_a_officer)
    data = form_data(campaign, world.county_a_unit)
    response = client.post(QUICK, data)
    assert response.status_code == 200
    assert "You cannot report for this campaign and organisation." in response.content.decode()
    assert not ActivityReport.objects.exists()


def test_someone_outside_the_jurisdiction_does_not_see_the_thank_you_page(
    client: Client, world: World, campaign: Campaign, county_reporter: User
) -> None:
    report = make_report(
        campaign=campaign, organisation=world.county_a, by=county_reporter, submit=True
    )
    url = done_url(str(report.client_id))
    for person in (world.county_b_officer, world.outsider, world.member_unit_reporter):
        client.logout()
        login_verified(client, person)
        assert client.get(url).status_code == 404, person.username
        assert client.post(url).status_code == 404, person.username
    # Above the county, the city sees it; and an unknown id is not found either.
    client.logout()
    login_verified(client, world.city_officer)
    assert client.get(url).status_code == 200
    assert client.get(done_url(str(uuid.uuid4()))).status_code == 404


def test_a_person_with_nothing_to_report_for_is_told_so(client: Client, world: World) -> None:
    login_verified(client, world.outsider)
    response = client.get(QUICK)
    assert response.status_code == 200
    assert "You have no published campaign to report for." in response.content.decode()
    assert '<form method="post" action="/activities/quick/"' not in response.content.decode()


def test_posting_takes_a_bounded_number_of_queries(
    reporter_client: Client,
    world: World,
    campaign: Campaign,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    # 32 today: the session, the person and the second factor, the pairs, the campaign and
    # organisation, then the save and the submit with their audit rows. No query per field.
    # A first report also moves the completeness counts kept for the campaign's chain (read
    # the due day and upsert the counts up the chain): 39 with them.
    data = form_data(campaign, world.county_a)
    with django_assert_max_num_queries(42):
        response = reporter_client.post(QUICK, data)
    assert response.status_code == 302
    # A resend does less (22): it finds the report submitted and stops.
    with django_assert_max_num_queries(24):
        reporter_client.post(QUICK, data)


# --- one photo with the report ------------------------------------------------------------


def test_the_form_takes_a_photo_from_the_camera(
    reporter_client: Client, world: World, campaign: Campaign
) -> None:
    body = reporter_client.get(QUICK).content.decode()
    assert 'enctype="multipart/form-data"' in body
    assert 'type="file" name="photo" accept="image/*" capture="environment"' in body
    assert 'name="nobody_recognisable"' in body and 'name="consent"' in body


def test_a_report_with_a_photo_is_submitted_with_it_once(
    stored_files: Callable[[], set[str]], reporter_client: Client, world: World, campaign: Campaign
) -> None:
    data = with_photo(campaign, world.county_a)
    response = reporter_client.post(QUICK, data)
    assert response.status_code == 302
    report = ActivityReport.objects.get()
    assert report.status == ActivityReport.Status.SUBMITTED
    photo = Photo.objects.get()
    assert (photo.report, photo.caption, photo.uploaded_by) == (
        report,
        "入户走访",
        report.created_by,
    )
    assert len(stored_files()) == 2  # the photo and its thumbnail
    page = reporter_client.get(response["Location"]).content.decode()
    assert reverse("activities:thumbnail", args=[photo.pk]) in page
    assert 'alt="入户走访"' in page

    # The phone never saw the answer and sends the same form, photo and all, by both routes.
    data["photo"] = jpeg()
    again = reporter_client.post(QUICK, data)
    data["photo"] = jpeg()
    fetched = reporter_client.post(QUICK, data, headers={"X-Requested-With": "fetch"})
    assert again["Location"] == response["Location"]
    assert fetched.json() == {"ok": True, "url": response["Location"]}
    assert ActivityReport.objects.count() == 1
    assert Photo.objects.count() == 1
    assert len(stored_files()) == 2


def test_people_who_agreed_may_be_shown(
    reporter_client: Client, world: World, campaign: Campaign
) -> None:
    data = with_photo(campaign, world.county_a, nobody_recognisable="", consent="on")
    assert reporter_client.post(QUICK, data).status_code == 302
    assert Photo.objects.get().consent is True


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"photo": SimpleUploadedFile("IMG_0002.jpg", b"not a photo", "image/jpeg")},
            "photo",
            "This file is not a photo (JPEG, PNG or WebP).",
        ),
        (
            {"nobody_recognisable": ""},
            "consent",
            "Confirm that the people who can be recognised agreed to be shown.",
        ),
    ],
)
def test_a_refused_photo_saves_nothing_and_says_why(
    stored_files: Callable[[], set[str]],
    reporter_client: Client,
    world: World,
    campaign: Campaign,
    overrides: dict[str, object],
    field: str,
    message: str,
) -> None:
    data = with_photo(campaign, world.county_a, **overrides)
    response = reporter_client.post(QUICK, data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "data-error-summary" in body
    assert message in body
    assert f'href="#id_{field}"' in body
    assert f'id="id_{field}_error"' in body
    assert not ActivityReport.objects.exists()
    assert not Photo.objects.exists()
    assert not stored_files()

    # The script gets the same error as JSON, and nothing is saved either.
    data["photo"] = (
        SimpleUploadedFile("IMG_0002.jpg", b"not a photo", "image/jpeg")
        if field == "photo"
        else jpeg()
    )
    fetched = reporter_client.post(QUICK, data, headers={"X-Requested-With": "fetch"})
    assert fetched.status_code == 400
    assert fetched.json() == {"ok": False, "errors": {field: [message]}}
    assert not ActivityReport.objects.exists()
    assert not stored_files()


def test_a_photo_too_big_saves_nothing(
    stored_files: Callable[[], set[str]],
    reporter_client: Client,
    world: World,
    campaign: Campaign,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(images, "MAX_BYTES", 100)
    response = reporter_client.post(QUICK, with_photo(campaign, world.county_a))
    assert response.status_code == 200
    assert "data-error-summary" in response.content.decode()
    # 100 bytes are "0 MB" in the message; the real limit reads "15 MB".
    assert response.context["form"].errors["photo"] == ["The photo is larger than 0 MB."]
    assert not ActivityReport.objects.exists()
    assert not stored_files()


def test_a_failure_after_the_photo_leaves_no_file_behind(
    stored_files: Callable[[], set[str]],
    reporter_client: Client,
    world: World,
    campaign: Campaign,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def closed(**kwargs: Any) -> None:
        raise RuntimeError("the database went away")

    monkeypatch.setattr("zhucan.activities.services.quick.submit_report", closed)
    with pytest.raises(RuntimeError):
        reporter_client.post(QUICK, with_photo(campaign, world.county_a))
    assert not ActivityReport.objects.exists()
    assert not stored_files()


def test_a_form_sent_back_with_a_problem_asks_for_the_photo_again(
    stored_files: Callable[[], set[str]], reporter_client: Client, world: World, campaign: Campaign
) -> None:
    response = reporter_client.post(QUICK, with_photo(campaign, world.county_a, title=""))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Give the activity a title." in body
    # The browser does not fill the file input in again: the person must know.
    assert "Choose the photo again: it is not kept while the form has a problem." in body
    assert 'href="#id_photo"' in body
    assert not ActivityReport.objects.exists()
    assert not stored_files()
