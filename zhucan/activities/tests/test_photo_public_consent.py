"""Consent to publication recorded (or withdrawn) for a photo already uploaded: by those who
may handle the report's photos, whatever the report's status, with how it was obtained."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from zhucan.accounts.models import User
from zhucan.activities.models import ActivityReport, Photo
from zhucan.activities.services import add_photo, record_photo_public_consent, submit_report
from zhucan.campaigns.models import Campaign
from zhucan.conftest import World
from zhucan.core.errors import DomainError
from zhucan.core.models import AuditEntry
from zhucan.testing.auth import login_verified
from zhucan.testing.browser import BrowserPages
from zhucan.testing.factories import make_report

NOTE = "家属书面同意 2026-05-20"
GIVEN = "activities.photo.public_consent_given"
WITHDRAWN = "activities.photo.public_consent_withdrawn"


def jpeg() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (90, 60), "navy").save(out, "JPEG")
    return SimpleUploadedFile("p.jpg", out.getvalue(), content_type="image/jpeg")


@pytest.fixture
def report(campaign: Campaign, world: World, county_reporter: User) -> ActivityReport:
    return make_report(campaign=campaign, organisation=world.county_a, by=county_reporter)


@pytest.fixture
def photo(report: ActivityReport, county_reporter: User) -> Photo:
    # Uploaded without consent to publication; the report then goes up, out of editing.
    added = add_photo(
        by=county_reporter, report=report, upload=jpeg(), caption="慰问现场", consent=True
    )
    submit_report(by=county_reporter, report=report, version=report.version)
    return added


def url(photo: Photo) -> str:
    return reverse("activities:photo_public_consent", kwargs={"photo_pk": photo.pk})


# --- the service ---------------------------------------------------------------------------


def test_consent_is_recorded_on_a_submitted_report_with_an_audit_entry(
    photo: Photo, county_reporter: User
) -> None:
    record_photo_public_consent(photo=photo, by=county_reporter, consent=True, note=f" {NOTE} ")

    photo.refresh_from_db()
    assert photo.public_consent
    entry = AuditEntry.objects.get(action=GIVEN)
    assert entry.actor == county_reporter
    assert entry.object_id == str(photo.pk)
    assert entry.org_path == photo.report.organisation.path
    assert entry.changes == {
        "report": photo.report_id,
        "public_consent": [False, True],
        "note": NOTE,
    }


def test_consent_is_withdrawn_with_its_own_entry(photo: Photo, county_reporter: User) -> None:
    record_photo_public_consent(photo=photo, by=county_reporter, consent=True, note=NOTE)
    record_photo_public_consent(photo=photo, by=county_reporter, consent=False, note="")

    photo.refresh_from_db()
    assert not photo.public_consent
    entry = AuditEntry.objects.get(action=WITHDRAWN)
    assert entry.changes["public_consent"] == [True, False]


def test_giving_consent_needs_a_note(photo: Photo, county_reporter: User) -> None:
    with pytest.raises(DomainError) as raised:
        record_photo_public_consent(photo=photo, by=county_reporter, consent=True, note="  ")

    assert raised.value.field == "note"
    photo.refresh_from_db()
    assert not photo.public_consent
    assert not AuditEntry.objects.filter(action=GIVEN).exists()


def test_recording_the_state_already_held_writes_nothing(
    photo: Photo, county_reporter: User
) -> None:
    record_photo_public_consent(photo=photo, by=county_reporter, consent=True, note=NOTE)
    record_photo_public_consent(photo=photo, by=county_reporter, consent=True, note=NOTE)
    record_photo_public_consent(photo=photo, by=county_reporter, consent=False, note="")
    record_photo_public_consent(photo=photo, by=county_reporter, consent=False, note="")

    assert AuditEntry.objects.filter(action=GIVEN).count() == 1
    assert AuditEntry.objects.filter(action=WITHDRAWN).count() == 1


def test_the_coordinators_above_may_record_and_others_may_not(world: World, photo: Photo) -> None:
    # The city adopts typical activities of its counties: its coordinators may record consent.
    record_photo_public_consent(photo=photo, by=world.city_officer, consent=True, note=NOTE)
    for person in (world.city_auditor, world.county_b_officer, world.outsider):
        with pytest.raises(DomainError):
            record_photo_public_consent(photo=photo, by=person, consent=False, note="")
    photo.refresh_from_db()
    assert photo.public_consent


# --- the page ------------------------------------------------------------------------------


def test_the_photo_list_offers_to_record_then_to_withdraw(
    client: Client, photo: Photo, county_reporter: User
) -> None:
    login_verified(client, county_reporter)
    photos_url = reverse("activities:photos", kwargs={"report_pk": photo.report_id})

    body = client.get(photos_url).content.decode()
    assert url(photo) in body
    assert "Record consent to publication of 慰问现场" in body

    record_photo_public_consent(photo=photo, by=county_reporter, consent=True, note=NOTE)
    body = client.get(photos_url).content.decode()
    assert "Withdraw consent to publication of 慰问现场" in body


def test_the_page_records_consent_and_returns_to_the_photos(
    client: Client, photo: Photo, county_reporter: User
) -> None:
    login_verified(client, county_reporter)

    page = client.get(url(photo))
    assert page.status_code == 200
    body = page.content.decode()
    assert 'name="consent" value="yes"' in body
    assert 'name="note"' in body

    response = client.post(url(photo), {"consent": "yes", "note": NOTE}, follow=True)
    assert response.redirect_chain == [
        (reverse("activities:photos", kwargs={"report_pk": photo.report_id}), 302)
    ]
    assert "Consent to publication was recorded." in response.content.decode()
    photo.refresh_from_db()
    assert photo.public_consent
    assert AuditEntry.objects.get(action=GIVEN).changes["note"] == NOTE


def test_the_page_withdraws_consent_without_a_note(
    client: Client, photo: Photo, county_reporter: User
) -> None:
    record_photo_public_consent(photo=photo, by=county_reporter, consent=True, note=NOTE)
    login_verified(client, county_reporter)

    assert 'name="consent" value="no"' in client.get(url(photo)).content.decode()
    response = client.post(url(photo), {"consent": "no", "note": ""})

    assert response.status_code == 302
    photo.refresh_from_db()
    assert not photo.public_consent


def test_the_page_shows_why_consent_was_not_recorded(
    client: Client, photo: Photo, county_reporter: User
) -> None:
    login_verified(client, county_reporter)

    response = client.post(url(photo), {"consent": "yes", "note": ""})

    assert response.status_code == 200
    body = response.content.decode()
    assert "data-error-summary" in body
    assert "Say how the people shown agreed to publication, and when." in body
    assert 'aria-invalid="true"' in body
    photo.refresh_from_db()
    assert not photo.public_consent


def test_the_page_is_403_without_the_right_and_404_outside_the_jurisdiction(
    client: Client, world: World, photo: Photo
) -> None:
    login_verified(client, world.city_auditor)
    assert client.get(url(photo)).status_code == 403
    assert client.post(url(photo), {"consent": "yes", "note": NOTE}).status_code == 403
    for person in (world.county_b_officer, world.outsider):
        client.logout()
        login_verified(client, person)
        assert client.get(url(photo)).status_code == 404
        assert client.post(url(photo), {"consent": "yes", "note": NOTE}).status_code == 404
    photo.refresh_from_db()
    assert not photo.public_consent


@pytest.mark.browser
def test_consent_is_recorded_with_the_keyboard_alone_and_the_pages_pass_axe(
    browser_world: World, browser_pages: BrowserPages
) -> None:
    from zhucan.testing.browser import axe_report, id_problems, open_page
    from zhucan.testing.factories import make_campaign

    world = browser_world
    campaign = make_campaign(issuing_org=world.city, by=world.city_officer)
    draft = make_report(campaign=campaign, organisation=world.county_a, by=world.county_a_officer)
    added = add_photo(
        by=world.county_a_officer, report=draft, upload=jpeg(), caption="慰问现场", consent=True
    )
    page = browser_pages.new(world.county_a_officer)
    open_page(page, reverse("activities:photos", kwargs={"report_pk": draft.pk}))
    problems = [axe_report(page, "photos page with the consent link")]

    page.locator(f"a[href='{url(added)}']").focus()
    with page.expect_navigation(wait_until="load"):
        page.keyboard.press("Enter")
    problems += [axe_report(page, "consent page"), *id_problems(page)]

    # Sent without a note: the error summary takes the focus.
    page.locator("#id_note").focus()
    with page.expect_navigation(wait_until="load"):
        page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    problems.append(axe_report(page, "consent page, error state"))

    page.locator("#id_note").focus()
    page.keyboard.type(NOTE)
    with page.expect_navigation(wait_until="load"):
        page.keyboard.press("Enter")
    assert page.url.endswith(reverse("activities:photos", kwargs={"report_pk": draft.pk}))
    added.refresh_from_db()
    assert added.public_consent
    assert not [p for p in problems if p], "\n\n".join(p for p in problems if p)
    assert not browser_pages.errors(page)
