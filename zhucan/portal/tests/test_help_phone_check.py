"""The optional phone check on the help form: off by default; where an office turns it on, a
code by text message is typed back before the request is made, hashed, ten minutes, five tries,
limited per phone; and whoever cannot receive text messages still gets their request in."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from zhucan.conftest import World
from zhucan.helprequests.models import HelpRequest, HelpSettings, PhoneCheck
from zhucan.helprequests.services import phone_check
from zhucan.notifications import sms
from zhucan.portal.tests.factories import form_data

pytestmark = pytest.mark.django_db

URL = reverse("portal:help", kwargs={"code": "410400"})


@pytest.fixture(autouse=True)
def _empty_outbox() -> None:
    sms.outbox.clear()


def _turn_on(world: World) -> None:
    HelpSettings.objects.create(organisation=world.county_a, verify_by_sms=True)


def _code() -> str:
    found = re.search(r"\b(\d{6})\b", sms.outbox[-1].text)
    assert found is not None
    return found.group(1)


def _step_two(client: Client, data: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """Send the form; the data the code page sends back, and its body."""
    page = client.post(URL, data)
    assert page.status_code == 200
    body = page.content.decode()
    check = re.search(r'name="check" value="([^"]*)"', body)
    assert check is not None
    return data | {"check": check.group(1)}, body


def test_off_by_default_the_request_is_made_at_once(client: Client, world: World) -> None:
    assert client.post(URL, form_data()).status_code == 302
    assert HelpRequest.objects.count() == 1 and sms.outbox == []


def test_the_typed_code_makes_the_request(client: Client, world: World) -> None:
    _turn_on(world)
    data, body = _step_two(client, form_data())
    assert HelpRequest.objects.count() == 0
    assert "to 13812345678" in body and 'autocomplete="one-time-code"' in body
    assert len(sms.outbox) == 1 and sms.outbox[0].to == "13812345678"
    assert "我父亲需要轮椅" in body  # what was typed travels along, unseen
    check = PhoneCheck.objects.get()
    assert _code() not in check.code_hash and len(check.code_hash) == 64
    wrong = "000000" if _code() != "000000" else "111111"
    again = client.post(URL, data | {"check_step": "confirm", "code": wrong})
    assert "That code is not right" in again.content.decode()
    assert HelpRequest.objects.count() == 0
    done = client.post(URL, data | {"check_step": "confirm", "code": _code()})
    assert done.status_code == 302
    made = HelpRequest.objects.get()
    assert made.status == "received" and made.spam_reason == ""
    # A code works once.
    repeat = client.post(
        URL, data | {"check_step": "confirm", "code": _code(), "client_id": str(uuid.uuid4())}
    )
    assert "no longer works" in repeat.content.decode()


def test_a_code_dies_after_ten_minutes(client: Client, world: World) -> None:
    _turn_on(world)
    data, _body = _step_two(client, form_data())
    PhoneCheck.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    answer = client.post(URL, data | {"check_step": "confirm", "code": _code()})
    assert "no longer works" in answer.content.decode()
    assert HelpRequest.objects.count() == 0


def test_five_wrong_tries_spend_the_code(client: Client, world: World) -> None:
    _turn_on(world)
    data, _body = _step_two(client, form_data())
    wrong = "000000" if _code() != "000000" else "111111"
    for _ in range(phone_check.MAX_TRIES):
        client.post(URL, data | {"check_step": "confirm", "code": wrong})
    answer = client.post(URL, data | {"check_step": "confirm", "code": _code()})
    assert "no longer works" in answer.content.decode()
    assert HelpRequest.objects.count() == 0


def test_a_code_is_for_the_phone_it_was_sent_to(client: Client, world: World) -> None:
    _turn_on(world)
    data, _body = _step_two(client, form_data())
    other = data | {"phone": "13900000001", "check_step": "confirm", "code": _code()}
    assert "no longer works" in client.post(URL, other).content.decode()


def test_without_text_messages_the_request_comes_in_unverified(
    client: Client, world: World
) -> None:
    _turn_on(world)
    data, body = _step_two(client, form_data())
    assert 'value="no_sms"' in body
    done = client.post(URL, data | {"check_step": "no_sms"})
    assert done.status_code == 302
    made = HelpRequest.objects.get()
    assert made.status == "spam" and made.spam_reason == phone_check.UNVERIFIED


def test_codes_are_limited_per_phone_across_servers_and_never_lock_out(
    client: Client, world: World
) -> None:
    _turn_on(world)
    for _ in range(phone_check.CODES_PER_PHONE_PER_HOUR):
        cache.clear()  # another app server each time
        _step_two(client, form_data())
    data, body = _step_two(client, form_data())
    assert len(sms.outbox) == phone_check.CODES_PER_PHONE_PER_HOUR
    assert "several codes" in body and 'value="no_sms"' in body
    assert client.post(URL, data | {"check_step": "no_sms"}).status_code == 302


def test_robots_get_no_text_message(client: Client, world: World) -> None:
    _turn_on(world)
    assert client.post(URL, form_data(website="http://spam.example")).status_code == 302
    assert sms.outbox == [] and HelpRequest.objects.get().status == "spam"


def test_the_coordinator_turns_the_check_on(client: Client, world: World) -> None:
    from zhucan.testing.auth import login_verified

    officer = login_verified(Client(), world.county_a_officer)
    url = reverse("helprequests:deadlines", args=[world.county_a.pk])
    assert 'name="verify_by_sms"' in officer.get(url).content.decode()
    officer.post(
        url, {"acknowledge_days": 2, "answer_days": 7, "verify_by_sms": "on", "version": 1}
    )
    assert HelpSettings.objects.get(organisation=world.county_a).verify_by_sms
