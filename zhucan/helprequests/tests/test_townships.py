"""A requester who knows their township office sends the request straight to it; the county
still owns the request, sees it and can give it to another office."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from zhucan.conftest import World
from zhucan.core.errors import DomainError
from zhucan.core.models import AuditEntry
from zhucan.helprequests import access
from zhucan.helprequests.models import HelpRequest
from zhucan.helprequests.services import assign_request
from zhucan.helprequests.services.intake import township_offices
from zhucan.helprequests.tests.factories import make_request, make_township
from zhucan.portal.tests.factories import form_data
from zhucan.testing.factories import make_org

pytestmark = pytest.mark.django_db


def test_the_county_offers_its_township_offices_only(world: World) -> None:
    office, _worker = make_township(world)
    assert world.county_a_unit.kind == "member_unit"  # a department: not a township
    closed, _other = make_township(world, name="焦店镇人民政府")
    closed.is_active = False
    closed.save()
    assert township_offices(world.county_a) == [office]
    assert township_offices(world.county_b) == []


def test_a_chosen_office_gets_the_request_and_the_county_keeps_it(world: World) -> None:
    office, worker = make_township(world)
    made = make_request(world, township_office=office)
    assert made.organisation == world.county_a and made.assigned_to == office
    assert made.status == "received" and made.assigned_at is not None
    assert access.visible_to(worker).filter(pk=made.pk).exists()
    assert access.visible_to(world.county_a_officer).filter(pk=made.pk).exists()
    entry = AuditEntry.objects.get(action="helprequests.request.submitted")
    assert entry.changes["assigned_to"] == office.pk
    # The township office answers; the county may give it to another office instead.
    assert access.can_answer(worker, made)
    other, _other_worker = make_township(world, name="焦店镇人民政府")
    moved = assign_request(by=world.county_a_officer, request=made, to=other, version=made.version)
    assert moved.assigned_to == other


def test_an_office_of_another_county_is_refused(world: World) -> None:
    elsewhere = make_org(
        name="任店镇人民政府", parent=world.county_b, kind="government", region_code="410422"
    )
    with pytest.raises(DomainError) as refused:
        make_request(world, township_office=elsewhere)
    assert refused.value.field == "township_office"


def test_spam_goes_to_no_office(world: World) -> None:
    office, _worker = make_township(world)
    made = make_request(world, township_office=office, spam_reason="honeypot")
    assert made.assigned_to is None and made.status == "spam"


def test_the_form_offers_the_townships_once_the_county_is_chosen(
    client: Client, world: World
) -> None:
    office, _worker = make_township(world)
    url = reverse("portal:help", kwargs={"code": "410400"})
    assert "光明路街道办事处" not in client.get(url).content.decode()
    body = client.get(url + "?area=410402").content.decode()
    assert f'<option value="{office.pk}">光明路街道办事处</option>' in body
    assert 'name="township_office"' in body and ">Not sure</option>" in body
    assert 'name="place"' in body  # the place can still be typed


def test_the_form_sends_the_request_to_the_chosen_office(client: Client, world: World) -> None:
    office, _worker = make_township(world)
    url = reverse("portal:help", kwargs={"code": "410400"}) + "?area=410402"
    assert client.post(url, form_data(township_office=str(office.pk))).status_code == 302
    assert client.post(url, form_data(township_office="", phone="13900000009")).status_code == 302
    chosen, unsure = HelpRequest.objects.order_by("pk")
    assert chosen.assigned_to == office and unsure.assigned_to is None
    wrong = client.post(url, form_data(township_office="999999", phone="13900000008"))
    assert "Choose a township or street from the list." in wrong.content.decode()
