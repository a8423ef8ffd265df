"""What a person sees when a request fails: 503 with Retry-After while the database cannot be
reached, 500 otherwise, both pages readable without the site's base template."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.test import Client
from django.urls import path
from pytest_django import Settings

from zhucan import urls as site_urls
from zhucan.core.error_pages import RETRY_AFTER_SECONDS
from zhucan.testing.browser import axe_report

if TYPE_CHECKING:
    from playwright.sync_api import Browser


def _lost_database(request: HttpRequest) -> HttpResponse:
    raise OperationalError("server closed the connection unexpectedly")


def _closed_connection(request: HttpRequest) -> HttpResponse:
    raise InterfaceError("connection already closed")


def _bug(request: HttpRequest) -> HttpResponse:
    raise ZeroDivisionError


urlpatterns = [
    path("lost/", _lost_database),
    path("closed/", _closed_connection),
    path("bug/", _bug),
    # The site's own addresses too: the middleware links to its pages (sign-in, for one).
    *site_urls.urlpatterns,
]
handler500 = "zhucan.core.error_pages.server_error"


@pytest.fixture
def client_seeing_errors(settings: Settings) -> Client:
    settings.ROOT_URLCONF = __name__
    settings.DEBUG = False
    return Client(raise_request_exception=False)


@pytest.mark.parametrize("url", ["/lost/", "/closed/"])
def test_a_database_out_of_reach_answers_503_with_retry_after(
    client_seeing_errors: Client, url: str
) -> None:
    response = client_seeing_errors.get(url)
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert response["Cache-Control"] == "no-store"
    page = response.content.decode()
    assert "系统暂时无法使用" in page and f"{RETRY_AFTER_SECONDS} 秒" in page
    assert '<html lang="zh-Hans">' in page and "<main>" in page and "<h1>" in page


def test_any_other_failure_answers_a_readable_500(client_seeing_errors: Client) -> None:
    response = client_seeing_errors.get("/bug/")
    assert response.status_code == 500
    assert "Retry-After" not in response
    page = response.content.decode()
    assert "出错了" in page and "ZeroDivisionError" not in page


def test_the_site_uses_these_pages() -> None:
    assert site_urls.handler500 == "zhucan.core.error_pages.server_error"


@pytest.mark.browser
@pytest.mark.parametrize("template", ["core/unavailable.html", "core/server_error.html"])
def test_the_error_pages_pass_axe(chromium: Browser, template: str) -> None:
    page = chromium.new_page()
    try:
        page.set_content(render_to_string(template, {"retry_after": RETRY_AFTER_SECONDS}))
        report = axe_report(page, template)
        assert report is None, report
    finally:
        page.close()
