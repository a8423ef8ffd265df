"""Each public page, with the stylesheet it loads, stays under 100 KB before images: a slow
phone on a weak signal gets the whole page in a few seconds."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from zhucan.portal.display import ELDER_COOKIE
from zhucan.portal.tests.factories import Portal

BUDGET = 100 * 1024
STATIC = Path(settings.BASE_DIR) / "static"
PAGES = ["", "whats-on/", "stories/", "services/", "contacts/", "policies/", "print/"]
# The help pages are drawn for each visitor (never cached), but weigh on a phone the same.
HELP = ["help/", "help/?area=410402", "help/status/", "help/done/QZABCDEFGH23/"]


def _weight(html: bytes) -> int:
    """The HTML and every stylesheet and script it loads (images are left out)."""
    text = html.decode()
    assert "<script" not in text  # the public pages need no JavaScript at all
    assert "@font-face" not in text
    sheets = re.findall(r'<link rel="stylesheet" href="/static/([^"]+)"', text)
    assert sheets
    weight = len(html)
    for sheet in sheets:
        css = (STATIC / sheet).read_bytes()
        assert b"@font-face" not in css and b"@import" not in css
        weight += len(css)
    return weight


@pytest.mark.parametrize("elder", [False, True])
@pytest.mark.parametrize("page", [*PAGES, *HELP, *(f"text/{p}" for p in [*PAGES, *HELP])])
def test_each_public_page_is_under_100_kb(
    client: Client, portal: Portal, page: str, elder: bool
) -> None:
    if elder:
        client.cookies[ELDER_COOKIE] = "1"
    response = client.get(f"/p/410400/{page}")
    assert response.status_code == 200
    assert _weight(response.content) < BUDGET


@pytest.mark.parametrize("elder", [False, True])
@pytest.mark.parametrize("page", ["help/", "text/help/", "help/status/", "text/help/status/"])
def test_a_help_form_with_every_error_is_under_100_kb(
    client: Client, portal: Portal, page: str, elder: bool
) -> None:
    if elder:
        client.cookies[ELDER_COOKIE] = "1"
    # Only the phone sent, and wrong: every field that can be wrong is.
    response = client.post(f"/p/410400/{page}", {"phone": "12", "name": "李秀英", "id_number": "4"})
    assert response.status_code == 200
    assert b"data-error-summary" in response.content
    assert _weight(response.content) < BUDGET


def test_the_budget_counts_the_stylesheet(client: Client, portal: Portal) -> None:
    html = client.get("/p/410402/").content
    assert _weight(html) > len(html) + 1000
