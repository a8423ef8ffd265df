"""The help pages are pages of the public site: its header and menu (every link answers), its
elder mode by the plain link that comes back to the same page (on the form, a button of the
form that keeps what was typed), a text-only version of their
own, no script, and an error summary that takes the focus by itself."""

from __future__ import annotations

import html
import re

import pytest
from django.test import Client

from zhucan.conftest import World
from zhucan.helprequests.models import HelpRequest
from zhucan.portal.display import ELDER_COOKIE
from zhucan.portal.tests.factories import form_data

SITE = "/p/410400/"
HELP_PAGES = ["help/", "help/?area=410402", "help/status/", "help/done/QZABCDEFGH23/"]


def _links(body: str) -> list[str]:
    """Every link of the page to this site (stylesheets are not links)."""
    hrefs = [html.unescape(h) for h in re.findall(r'<a [^>]*href="(/[^"]*)"', body)]
    assert hrefs
    return hrefs


@pytest.mark.django_db
@pytest.mark.parametrize("variant", ["", "text/"])
@pytest.mark.parametrize("page", HELP_PAGES)
def test_every_link_on_a_help_page_answers(
    client: Client, world: World, page: str, variant: str
) -> None:
    url = f"{SITE}{variant}{page}"
    response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert "<script" not in body and "display-settings" not in body
    menu = {"", "whats-on/", "stories/", "services/", "policies/", "contacts/", "help/", "print/"}
    assert {f"{SITE}{variant}{m}" for m in menu} <= set(_links(body))
    for link in _links(body):
        answer = client.get(link, follow=True)
        assert answer.status_code == 200, f"{link} on {url}"
        if "/display/" in link:
            # The elder mode and the language come back to the very page they were chosen on.
            assert answer.redirect_chain[-1][0] == url, link


@pytest.mark.django_db
def test_the_elder_link_comes_back_to_the_status_page(client: Client, world: World) -> None:
    page = f"{SITE}help/status/"
    elder = next(link for link in _links(client.get(page).content.decode()) if "elder=1" in link)
    response = client.get(elder, follow=True)
    assert response.redirect_chain == [(page, 303)]
    assert client.cookies[ELDER_COOKIE].value == "1"
    assert "display/?elder=0&amp;next=" in response.content.decode()


@pytest.mark.django_db
def test_the_elder_switch_of_the_form_keeps_the_chosen_county(client: Client, world: World) -> None:
    page = f"{SITE}help/?area=410402"
    body = client.get(page).content.decode()
    assert (
        'form="help-form" class="link-button" name="display" formnovalidate value="elder"' in body
    )
    response = client.post(page, {"display": "elder"})
    assert client.cookies[ELDER_COOKIE].value == "1"
    again = response.content.decode()
    assert 'class="elder">' in again
    assert '<option value="410402" selected>' in again
    assert 'value="normal">' in again


@pytest.mark.django_db
def test_the_text_only_version_of_the_form_files_a_request_and_stays_text_only(
    client: Client, world: World
) -> None:
    body = client.get(f"{SITE}help/?area=410402").content.decode()
    assert f'formaction="{SITE}text/help/?area=410402"' in body
    text = client.get(f"{SITE}text/help/?area=410402").content.decode()
    assert "portal-text.css" in text and "portal.css" not in text.replace("portal-text.css", "")
    assert f'action="{SITE}text/help/?area=410402"' in text
    assert f'formaction="{SITE}help/?area=410402"' in text  # back to the full version
    response = client.post(f"{SITE}text/help/", form_data())
    made = HelpRequest.objects.get()
    assert response["Location"] == f"{SITE}text/help/done/{made.number}/"
    done = client.get(response["Location"]).content.decode()
    assert made.number in done and f'href="{SITE}text/help/status/"' in done


@pytest.mark.django_db
def test_help_pages_show_the_elder_mode_they_are_asked_in(client: Client, world: World) -> None:
    assert 'class="elder"' not in client.get(f"{SITE}help/status/").content.decode()
    client.cookies[ELDER_COOKIE] = "1"
    for page in HELP_PAGES:
        assert 'class="elder"' in client.get(f"{SITE}{page}").content.decode(), page


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["help/", "help/status/"])
def test_the_error_summary_takes_the_focus_without_a_script(
    client: Client, world: World, page: str
) -> None:
    assert "autofocus" not in client.get(f"{SITE}{page}").content.decode()
    body = client.post(f"{SITE}{page}", {"phone": ""}).content.decode()
    summary = re.search(r"<div class=\"error-summary\"[^>]*>", body)
    assert summary is not None
    assert "autofocus" in summary.group() and 'tabindex="-1"' in summary.group()
    assert body.count("autofocus") == 1
    assert re.search(r"<title>Error: ", body) or re.search(r"<title>错误", body)
    assert "<script" not in body


@pytest.mark.django_db
def test_the_menu_marks_the_help_page_as_current(client: Client, world: World) -> None:
    body = client.get(f"{SITE}help/").content.decode()
    assert f'href="{SITE}help/" aria-current="page"' in body
    assert 'aria-current="page"' not in client.get(f"{SITE}help/status/").content.decode()
