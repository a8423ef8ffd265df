"""What the offices mark for the public site: a typical activity, an institution's entry."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from zhucan.accounts.models import User
from zhucan.activities.models import ActivityReport, Institution, Photo, TypicalActivity
from zhucan.activities.services import accept_report, decide_typical, propose_typical
from zhucan.activities.services.institutions import add_institution, update_public_entry
from zhucan.activities.services.typical import set_typical_public
from zhucan.campaigns.models import Campaign
from zhucan.conftest import World
from zhucan.core.errors import DomainError
from zhucan.core.models import AuditEntry
from zhucan.orgs.models import Region
from zhucan.testing.auth import login_verified
from zhucan.testing.factories import make_report


@pytest.fixture
def typical(world: World, campaign: Campaign, county_reporter: User) -> TypicalActivity:
    report = make_report(
        campaign=campaign, organisation=world.county_a, by=county_reporter, submit=True
    )
    report = accept_report(by=world.city_officer, report=report, version=report.version)
    return propose_typical(by=county_reporter, report=report, account="线上直播慰问")


@pytest.fixture
def institution(world: World) -> Institution:
    return add_institution(
        by=world.county_a_officer,
        organisation=world.county_a,
        name="新华区康复中心",
        kind="rehabilitation",
        region=Region.objects.get(code="410402"),
        address="建设路1号",
    )


def test_the_adopting_office_shows_an_accepted_typical_activity(
    world: World, typical: TypicalActivity
) -> None:
    with pytest.raises(DomainError, match="accepted as typical"):
        set_typical_public(by=world.city_officer, typical=typical, public=True)
    typical = decide_typical(by=world.city_officer, typical=typical, accept=True)
    typical = set_typical_public(by=world.city_officer, typical=typical, public=True)
    assert TypicalActivity.objects.get(pk=typical.pk).is_public
    set_typical_public(by=world.city_officer, typical=typical, public=False)
    assert not TypicalActivity.objects.get(pk=typical.pk).is_public
    actions = AuditEntry.objects.filter(action__startswith="activities.typical.").values_list(
        "action", flat=True
    )
    assert {"activities.typical.published", "activities.typical.unpublished"} <= set(actions)


def test_the_reporting_county_cannot_publish_its_own_activity(
    world: World, typical: TypicalActivity, county_reporter: User
) -> None:
    typical = decide_typical(by=world.city_officer, typical=typical, accept=True)
    for person in (world.county_a_officer, county_reporter, world.county_b_officer):
        with pytest.raises(DomainError):
            set_typical_public(by=person, typical=typical, public=True)
    assert not TypicalActivity.objects.get(pk=typical.pk).is_public


def test_the_list_offers_the_public_mark_to_the_adopting_office(
    client: Client, world: World, typical: TypicalActivity
) -> None:
    decide_typical(by=world.city_officer, typical=typical, accept=True)
    login_verified(client, world.city_officer)
    assert "on the public site" in client.get(reverse("activities:typical")).content.decode()
    response = client.post(
        reverse("activities:publish_typical", args=[typical.pk]), {"public": "1"}
    )
    assert response.status_code == 302
    assert TypicalActivity.objects.get(pk=typical.pk).is_public


def test_coordinators_keep_the_public_entry_of_an_institution(
    world: World, institution: Institution, county_reporter: User
) -> None:
    entry = {"phone": "0375-1234567", "opening_hours": "周一至周五", "accessibility": "有坡道"}
    with pytest.raises(DomainError, match="not allowed"):
        update_public_entry(by=county_reporter, institution=institution, is_public=True, **entry)
    with pytest.raises(DomainError, match="not allowed"):
        update_public_entry(
            by=world.county_b_officer, institution=institution, is_public=True, **entry
        )
    update_public_entry(by=world.county_a_officer, institution=institution, is_public=True, **entry)
    saved = Institution.objects.get(pk=institution.pk)
    assert (saved.phone, saved.is_public) == ("0375-1234567", True)
    entries = AuditEntry.objects.filter(action="activities.institution.public_entry")
    assert entries.count() == 1


def test_an_entry_without_address_or_phone_is_not_listed(world: World) -> None:
    bare = add_institution(
        by=world.county_a_officer,
        organisation=world.county_a,
        name="无地址机构",
        kind="other_service",
        region=Region.objects.get(code="410402"),
    )
    with pytest.raises(DomainError, match="address or a phone"):
        update_public_entry(
            by=world.county_a_officer,
            institution=bare,
            phone="",
            opening_hours="",
            accessibility="",
            is_public=True,
        )


def test_the_public_entry_page(
    client: Client, world: World, institution: Institution, county_reporter: User
) -> None:
    url = reverse("activities:institution_public", args=[institution.pk])
    login_verified(client, county_reporter)
    assert client.get(url).status_code == 403
    client.logout()
    login_verified(client, world.county_a_officer)
    listing = client.get(reverse("activities:institutions")).content.decode()
    assert url in listing
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"phone": "0375-1", "opening_hours": "", "accessibility": "", "is_public": "on"}
    )
    assert response.status_code == 302
    assert Institution.objects.get(pk=institution.pk).is_public
    client.logout()
    login_verified(client, world.county_b_officer)
    assert client.get(url).status_code == 404


def test_a_photo_is_published_only_with_its_own_consent(
    client: Client, world: World, campaign: Campaign, county_reporter: User
) -> None:
    report: ActivityReport = make_report(
        campaign=campaign, organisation=world.county_a, by=county_reporter
    )
    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), (10, 20, 30)).save(buffer, "JPEG")
    login_verified(client, county_reporter)
    for public in ("", "on"):
        upload = SimpleUploadedFile("p.jpg", buffer.getvalue(), content_type="image/jpeg")
        data = {"photo": upload, "caption": "现场", "consent": "on", "public_consent": public}
        client.post(reverse("activities:photos", args=[report.pk]), data)
    assert list(Photo.objects.filter(report=report).values_list("public_consent", flat=True)) == [
        False,
        True,
    ]
