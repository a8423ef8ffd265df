"""The public help pages: the form and its errors, robots, the number, the status look-up
that leaks nothing, reopening, and five sends of one form at once."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.test import Client
from django.urls import reverse

from zhucan.conftest import World
from zhucan.helprequests.models import HelpRequest
from zhucan.helprequests.services import answer_request
from zhucan.portal.display import ELDER_COOKIE
from zhucan.portal.tests.factories import form_data, stamp
from zhucan.testing.concurrency import needs_postgres
from zhucan.testing.factories import id_number

URL = reverse("portal:help", kwargs={"code": "410400"})
STATUS = reverse("portal:help_status", kwargs={"code": "410400"})
REOPEN = reverse("portal:help_reopen", kwargs={"code": "410400"})


@pytest.mark.django_db
def test_the_form_files_a_request_and_shows_its_number(client: Client, world: World) -> None:
    response = client.post(URL, form_data())
    made = HelpRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "portal:help_done", kwargs={"code": "410400", "number": made.number}
    )
    assert made.organisation == world.county_a and made.status == "received"
    page = client.get(response["Location"])
    assert made.number in page.content.decode()


@pytest.mark.django_db
def test_the_form_page_is_never_cached_and_carries_its_tokens(client: Client, world: World) -> None:
    response = client.get(URL)
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    body = response.content.decode()
    assert 'name="csrfmiddlewaretoken"' in body and 'name="client_id"' in body
    assert 'inputmode="tel"' in body and 'autocomplete="tel"' in body
    assert 'aria-hidden="true"' in body and 'tabindex="-1"' in body


@pytest.mark.django_db
def test_choosing_a_county_offers_its_places(client: Client, world: World) -> None:
    body = client.get(URL + "?area=410402").content.decode()
    assert 'value="410402"' in body and "新华区" in body


@pytest.mark.django_db
def test_every_error_is_listed_in_a_summary(client: Client, world: World) -> None:
    data = form_data(kind="", phone="123", description="", name="李秀英", id_number="4104")
    response = client.post(URL, data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "data-error-summary" in body
    form = response.context["form"]
    assert {"kind", "phone", "description", "id_number", "consent"} <= set(form.errors)
    assert HelpRequest.objects.count() == 0


@pytest.mark.django_db
def test_a_filled_honeypot_goes_to_spam_quietly(client: Client, world: World) -> None:
    response = client.post(URL, form_data(website="http://spam.example"))
    assert response.status_code == 302
    assert HelpRequest.objects.get().status == "spam"


@pytest.mark.django_db
def test_a_form_sent_too_fast_goes_to_spam(client: Client, world: World) -> None:
    client.post(URL, form_data(started=stamp(seconds_ago=0.5)))
    assert HelpRequest.objects.get().spam_reason == "too_fast"


@pytest.mark.django_db
def test_the_done_page_shows_only_a_number(client: Client, world: World) -> None:
    url = reverse("portal:help_done", kwargs={"code": "410400", "number": "<script>"})
    assert client.get(url).status_code == 404


def _filed(client: Client, world: World, **overrides: Any) -> HelpRequest:
    client.post(URL, form_data(**overrides))
    return HelpRequest.objects.latest("pk")


@pytest.mark.django_db
def test_the_status_shows_the_answer_and_nothing_personal(client: Client, world: World) -> None:
    number = id_number()
    made = _filed(client, world, name="李秀英", id_number=number, consent="on")
    answer_request(
        by=world.county_a_officer, request=made, outcome="已安排上门服务", version=made.version
    )
    body = client.post(STATUS, {"number": made.number, "phone": "13812345678"}).content.decode()
    assert "已安排上门服务" in body
    for personal in ("李秀英", number, "轮椅", "13812345678"):
        assert personal not in body.replace('value="13812345678"', "")


@pytest.mark.django_db
def test_a_wrong_number_and_a_wrong_phone_get_the_same_answer(client: Client, world: World) -> None:
    made = _filed(client, world)
    wrong_phone = client.post(STATUS, {"number": made.number, "phone": "13900000000"})
    wrong_number = client.post(STATUS, {"number": "QZAAAAAAAAAA", "phone": "13812345678"})
    assert wrong_phone.context["form"].non_field_errors() == (
        wrong_number.context["form"].non_field_errors()
    )
    assert wrong_phone.context["found"] is None and wrong_number.context["found"] is None


@pytest.mark.django_db
def test_look_ups_are_limited_per_address(client: Client, world: World) -> None:
    for _ in range(20):
        client.post(STATUS, {"number": "QZAAAAAAAAAA", "phone": "13812345678"})
    made = _filed(client, world)
    response = client.post(STATUS, {"number": made.number, "phone": "13812345678"})
    assert response.context["found"] is None
    assert "Too many look-ups" in response.content.decode()


@pytest.mark.django_db
def test_the_look_up_limit_holds_across_app_servers(client: Client, world: World) -> None:
    # Each look-up answered by another server, whose own cache has never seen this address.
    for _ in range(20):
        cache.clear()
        client.post(STATUS, {"number": "QZAAAAAAAAAA", "phone": "13812345678"})
    cache.clear()
    response = client.post(STATUS, {"number": "QZAAAAAAAAAA", "phone": "13812345678"})
    assert "Too many look-ups" in response.content.decode()


@pytest.mark.django_db
def test_the_requester_reopens_an_answered_request(client: Client, world: World) -> None:
    made = _filed(client, world)
    answer_request(by=world.county_a_officer, request=made, outcome="已解决", version=made.version)
    response = client.post(REOPEN, {"number": made.number, "phone": "13812345678"})
    assert response.status_code == 200
    assert HelpRequest.objects.get(pk=made.pk).status == "reopened"


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_five_sends_of_one_form_at_once_make_one_request() -> None:
    from zhucan.conftest import build_world

    build_world()
    data = form_data()
    barrier = threading.Barrier(5)
    answers: list[int] = []

    def send() -> None:
        try:
            client = Client()
            barrier.wait(timeout=30)
            answers.append(client.post(URL, data).status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert answers == [302] * 5
    assert HelpRequest.objects.count() == 1


@pytest.mark.django_db
def test_a_fourth_request_from_one_phone_is_refused_in_plain_words(
    client: Client, world: World
) -> None:
    for _ in range(3):
        client.post(URL, form_data())
    response = client.post(URL, form_data())
    assert response.status_code == 200
    assert "several requests from this phone" in response.content.decode()
    assert HelpRequest.objects.count() == 3


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("switch", "cookie", "value"),
    [("elder", ELDER_COOKIE, "1"), ("zh-hans", settings.LANGUAGE_COOKIE_NAME, "zh-hans")],
)
def test_a_display_switch_keeps_what_was_typed_without_errors_or_a_request(
    client: Client, world: World, switch: str, cookie: str, value: str
) -> None:
    typed = form_data(description="我父亲需要轮椅", phone="1381234", kind="")
    response = client.post(URL + "?area=410402", typed | {"display": switch})
    assert response.status_code == 200
    body = response.content.decode()
    assert "我父亲需要轮椅" in body and 'value="1381234"' in body
    assert 'value="410402" selected' in body
    assert "data-error-summary" not in body and "field__error" not in body
    assert HelpRequest.objects.count() == 0
    assert response.cookies[cookie].value == value
    if switch == "elder":
        assert '<html lang="en" class="elder">' in body
        assert 'name="display" formnovalidate value="normal"' in body
    else:
        assert '<html lang="zh-Hans">' in body and 'value="en"' in body


@pytest.mark.django_db
def test_the_switch_to_the_text_only_version_keeps_what_was_typed(
    client: Client, world: World
) -> None:
    text_url = reverse("portal:text_help", kwargs={"code": "410400"})
    assert f'formaction="{text_url}"' in client.get(URL).content.decode()
    response = client.post(
        text_url, form_data(description="我父亲需要轮椅") | {"display": "version"}
    )
    body = response.content.decode()
    assert response.status_code == 200 and "portal-text.css" in body
    assert "我父亲需要轮椅" in body and "data-error-summary" not in body
    assert HelpRequest.objects.count() == 0


@pytest.mark.django_db
def test_the_form_sent_without_a_switch_is_still_checked(client: Client, world: World) -> None:
    body = client.post(URL, form_data(kind="") | {"display": "nonsense"}).content.decode()
    assert "data-error-summary" in body


@pytest.mark.django_db
def test_other_pages_keep_the_plain_links(client: Client, world: World) -> None:
    body = client.get(STATUS).content.decode()
    assert "display/?elder=1" in body and 'name="display"' not in body
