"""The pages inside: list and search, a request's page and its actions as forms."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from zhucan.conftest import World
from zhucan.helprequests.models import HelpRequest
from zhucan.helprequests.tests.factories import make_request, make_township
from zhucan.testing.auth import login_verified
from zhucan.testing.factories import make_user

pytestmark = pytest.mark.django_db


def test_the_list_searches_by_number(world: World) -> None:
    made = make_request(world)
    other = make_request(world, phone="13900000002")
    client = login_verified(Client(), world.county_a_officer)
    page = client.get(reverse("helprequests:list"), {"number": made.number.lower()})
    assert list(page.context["page_obj"]) == [made]
    assert other.number not in page.content.decode()


def test_the_list_is_empty_for_another_county(world: World) -> None:
    make_request(world)
    client = login_verified(Client(), world.county_b_officer)
    page = client.get(reverse("helprequests:list"))
    assert list(page.context["page_obj"]) == []
    assert "No help requests yet" in page.content.decode()


def test_overdue_filter(world: World) -> None:
    late = make_request(world)
    make_request(world, phone="13900000003")
    HelpRequest.objects.filter(pk=late.pk).update(answer_due="2020-01-01")
    client = login_verified(Client(), world.county_a_officer)
    page = client.get(reverse("helprequests:list"), {"overdue": "on"})
    assert list(page.context["page_obj"]) == [late]


def test_the_county_assigns_and_the_township_answers(world: World) -> None:
    made = make_request(world)
    office, worker = make_township(world)
    officer = login_verified(Client(), world.county_a_officer)
    detail = reverse("helprequests:detail", args=[made.pk])
    page = officer.get(detail)
    assert "我母亲行动不便" in page.content.decode()  # the free text, inside the county
    officer.post(
        reverse("helprequests:assign", args=[made.pk]), {"to": office.pk, "version": made.version}
    )
    made.refresh_from_db()
    assert made.assigned_to == office
    township = login_verified(Client(), worker)
    assert township.get(detail).status_code == 200
    township.post(
        reverse("helprequests:answer", args=[made.pk]),
        {"outcome": "已安排上门服务", "version": made.version},
    )
    made.refresh_from_db()
    assert made.status == "answered"


def test_a_stale_form_is_refused_with_a_message(world: World) -> None:
    made = make_request(world)
    client = login_verified(Client(), world.county_a_officer)
    url = reverse("helprequests:acknowledge", args=[made.pk])
    client.post(url, {"version": made.version})
    response = client.post(
        reverse("helprequests:mark_spam", args=[made.pk]),
        {"spam-reason": "广告内容", "spam-version": made.version},
        follow=True,
    )
    assert "changed this request" in response.content.decode()
    made.refresh_from_db()
    assert made.status == "acknowledged"


def test_another_county_gets_404(world: World) -> None:
    made = make_request(world)
    client = login_verified(Client(), world.county_b_officer)
    assert client.get(reverse("helprequests:detail", args=[made.pk])).status_code == 404
    response = client.post(reverse("helprequests:acknowledge", args=[made.pk]), {"version": 1})
    assert response.status_code == 404


def test_the_deadlines_page_saves(world: World) -> None:
    client = login_verified(Client(), world.county_a_officer)
    url = reverse("helprequests:deadlines", args=[world.county_a.pk])
    client.post(url, {"acknowledge_days": 3, "answer_days": 10, "version": 1})
    settings = world.county_a.help_settings
    assert (settings.acknowledge_days, settings.answer_days) == (3, 10)


def test_the_coordinator_finds_the_spam_list_and_the_deadlines_from_the_list(
    world: World,
) -> None:
    client = login_verified(Client(), world.county_a_officer)
    body = client.get(reverse("helprequests:list")).content.decode()
    assert reverse("helprequests:spam") in body
    assert reverse("helprequests:deadlines", args=[world.county_a.pk]) in body
    assert reverse("helprequests:deadlines", args=[world.county_b.pk]) not in body


def test_the_spam_list_shows_what_was_set_aside(world: World) -> None:
    spam = make_request(world, spam_reason="honeypot")
    make_request(world, phone="13900000004")
    client = login_verified(Client(), world.county_a_officer)
    page = client.get(reverse("helprequests:spam"))
    assert list(page.context["page_obj"]) == [spam]
    other = login_verified(Client(), world.county_b_officer)
    assert list(other.get(reverse("helprequests:spam")).context["page_obj"]) == []


def test_the_free_text_is_read_by_handlers_not_by_every_viewer(world: World) -> None:
    made = make_request(world)
    detail = reverse("helprequests:detail", args=[made.pk])
    viewer = make_user(username="county_a_viewer_hr", org=world.county_a, role="viewer")
    page = login_verified(Client(), viewer).get(detail)
    assert page.status_code == 200
    assert "我母亲行动不便" not in page.content.decode()
    officer = login_verified(Client(), world.county_a_officer).get(detail)
    assert "我母亲行动不便" in officer.content.decode()


def test_the_reveal_page_asks_why_then_shows_the_details_once(world: World) -> None:
    made = make_request(world, name="李秀英", consent=True)
    client = login_verified(Client(), world.county_a_officer)
    url = reverse("helprequests:reveal", args=[made.pk])
    asked = client.post(url, {"details": ["phone"], "purpose": ""}).content.decode()
    assert "name, phone, ID number and place are personal information" in asked
    assert "Choose why" in asked and "error-summary" in asked and "13812345678" not in asked
    shown = client.post(url, {"details": ["phone"], "purpose": "home_visit"})
    body = shown.content.decode()
    assert "13812345678" in body and "Shown this once" in body
    assert "Show the details" not in body
