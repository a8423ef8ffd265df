"""Public pages come from the cache: no queries, no session, and never stale past a change."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

from django.test import Client

from zhucan.activities.services.institutions import update_public_entry
from zhucan.conftest import World
from zhucan.portal.display import ELDER_COOKIE
from zhucan.portal.tests.factories import Portal

HOME = "/p/410402/"
CaptureCallbacks = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]


def test_the_second_request_is_served_from_the_cache_without_queries(
    client: Client, portal: Portal, django_assert_num_queries: Any
) -> None:
    first = client.get(HOME)
    assert first["X-Portal-Cache"] == "miss"
    with django_assert_num_queries(0):
        second = client.get(HOME)
    assert second["X-Portal-Cache"] == "hit"
    assert second.content == first.content
    for header in ("Content-Security-Policy", "X-Frame-Options", "Content-Language"):
        assert second[header] == first[header]


def test_a_public_page_sets_no_cookie_and_carries_no_form_token(
    client: Client, portal: Portal
) -> None:
    for _ in range(2):
        response = client.get(HOME)
        assert not response.cookies
        assert "csrfmiddlewaretoken" not in response.content.decode()
        assert "public" in response["Cache-Control"]


def test_language_and_elder_mode_are_stored_apart(client: Client, portal: Portal) -> None:
    english = client.get(HOME, HTTP_ACCEPT_LANGUAGE="en")
    chinese = client.get(HOME, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert 'lang="en"' in english.content.decode()
    assert 'lang="zh-Hans"' in chinese.content.decode()
    client.cookies[ELDER_COOKIE] = "1"
    elder = client.get(HOME, HTTP_ACCEPT_LANGUAGE="en")
    assert elder["X-Portal-Cache"] == "miss"
    assert 'class="elder"' in elder.content.decode()
    assert 'class="elder"' not in english.content.decode()


def test_the_elder_mode_link_sets_a_cookie_and_returns_to_the_page(
    client: Client, portal: Portal
) -> None:
    response = client.get(f"{HOME}display/", {"elder": "1", "next": f"{HOME}services/"})
    assert response.status_code == 303
    assert response["Location"] == f"{HOME}services/"
    assert response.cookies[ELDER_COOKIE].value == "1"
    assert response["Cache-Control"] == "no-store"
    assert 'class="elder"' in client.get(f"{HOME}services/").content.decode()
    off = client.get(f"{HOME}display/", {"elder": "0", "next": "https://elsewhere.example/"})
    assert off["Location"] == HOME  # never sent off the site
    assert 'class="elder"' not in client.get(HOME).content.decode()


def test_the_language_link_switches_the_page(client: Client, portal: Portal) -> None:
    client.get(f"{HOME}display/", {"lang": "zh-hans", "next": HOME})
    assert 'lang="zh-Hans"' in client.get(HOME).content.decode()


def test_a_published_change_replaces_the_stored_page(
    client: Client,
    world: World,
    portal: Portal,
    django_capture_on_commit_callbacks: CaptureCallbacks,
) -> None:
    assert "0375-1234567" in client.get(f"{HOME}services/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        update_public_entry(
            by=world.county_a_officer,
            institution=portal.listed,
            phone="0375-7654321",
            opening_hours="",
            accessibility="",
            is_public=True,
        )
    response = client.get(f"{HOME}services/")
    assert response["X-Portal-Cache"] == "miss"
    assert "0375-7654321" in response.content.decode()


def test_an_unchanged_page_answers_not_modified(client: Client, portal: Portal) -> None:
    etag = client.get(HOME)["ETag"]
    again = client.get(HOME, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""


def test_made_up_queries_are_not_stored(client: Client, portal: Portal) -> None:
    client.get(f"{HOME}services/?utm=1")
    assert client.get(f"{HOME}services/?utm=1").get("X-Portal-Cache") is None
    client.get(f"{HOME}services/?kind=rehabilitation")
    assert client.get(f"{HOME}services/?kind=rehabilitation")["X-Portal-Cache"] == "hit"


def test_an_unknown_site_is_not_stored(client: Client, portal: Portal) -> None:
    assert client.get("/p/999999/").status_code == 404
    assert client.get("/p/999999/").status_code == 404
