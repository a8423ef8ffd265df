"""A visitor asks for help in Chromium at 320 px with large text, by keyboard alone, and gets a
number; the county assigns the request, a township office answers it, and the visitor reads the
answer. axe-core finds nothing on the public form (with its errors too), the done page or the
status pages, in the normal and the elder mode, full and text-only, at desktop width and 320 px."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from playwright.sync_api import Page

from zhucan.conftest import World
from zhucan.helprequests.models import HelpRequest, HelpSettings
from zhucan.helprequests.services import answer_request
from zhucan.helprequests.tests.factories import make_township
from zhucan.notifications import sms
from zhucan.portal.display import ELDER_COOKIE
from zhucan.portal.help_forms import MIN_SECONDS
from zhucan.portal.tests.factories import form_data
from zhucan.testing.browser import BrowserPages, axe_report, error_summary_has_focus, open_page

pytestmark = pytest.mark.browser

WIDTH, HEIGHT = 320, 640
SITE = "/p/410400/"
PHONE = "13812345678"
ANSWER = "我们已联系您，下周二上门送去轮椅。"
WORDS = "我父亲需要轮椅，家里买不起"


def _tab_to(page: Page, selector: str, *, limit: int = 80) -> None:
    """Press Tab until ``selector`` has the focus, as a keyboard user moves through a page."""
    for _ in range(limit):
        if page.evaluate("s => document.activeElement?.matches(s) ?? false", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


def _problems(browser_pages: BrowserPages, page: Page, label: str) -> list[str]:
    problems = [axe_report(page, label), *browser_pages.errors(page)]
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = (page.viewport_size or {"width": WIDTH})["width"]
    if width > viewport:
        problems.append(f"{label}: scrolls sideways ({width}px wide at {viewport}px)")
    return [p for p in problems if p]


def _submit(page: Page, selector: str) -> None:
    _tab_to(page, selector)
    with page.expect_navigation(wait_until="load"):
        page.keyboard.press("Enter")


def _visitor_asks(browser_pages: BrowserPages, page: Page) -> tuple[str, list[str]]:
    problems: list[str] = []
    open_page(page, reverse("portal:help", args=["410400"]))
    problems += _problems(browser_pages, page, "help form")
    # The county first (a GET step that reloads the page with its places), by keyboard.
    _tab_to(page, "#id_area")
    page.keyboard.press("ArrowDown")  # 新华区, the first county by its code
    _submit(page, "form[method=get] button[type=submit]")
    # Something typed, then large text by the header's switch, a button of the form: the page
    # comes back in large text with the county chosen, the words kept and no error shown.
    _tab_to(page, "#id_description")
    page.keyboard.type(WORDS)
    _submit(page, "button[name=display][value=elder]")
    assert page.get_attribute("html", "class") == "elder"
    assert page.url.endswith("/p/410400/help/?area=410402")
    assert page.locator("#id_area").input_value() == "410402"
    assert page.locator("#id_description").input_value() == WORDS
    assert not page.locator("[data-error-summary]").count()
    problems += _problems(browser_pages, page, "help form, large text")
    # The same with the language: the form in the other language, the words still there.
    language = page.get_attribute("html", "lang")
    _submit(page, "button[name=display][lang]")
    assert page.get_attribute("html", "lang") not in (language, None)
    assert page.locator("#id_description").input_value() == WORDS
    assert not page.locator("[data-error-summary]").count()
    problems += _problems(browser_pages, page, "help form, large text, other language")
    # Sent half done: the error summary takes the focus (no script does it) and names each field.
    _submit(page, "#send-request")
    assert error_summary_has_focus(page)
    assert not page.locator("script").count()
    problems += _problems(browser_pages, page, "help form with errors")
    # Its first link leads to the first field wrong, with the focus.
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "id_kind_0"
    _tab_to(page, "#id_kind_0")
    page.keyboard.press("Space")
    assert page.locator("#id_description").input_value() == WORDS  # kept with the errors
    _tab_to(page, "#id_region")
    page.keyboard.press("ArrowDown")
    _tab_to(page, "#id_phone")
    page.keyboard.type(PHONE)
    page.wait_for_timeout(MIN_SECONDS * 1000)  # a person takes longer than a robot
    # Enter in a field sends the request (the form's first button is an unseen "send", not a
    # display switch).
    with page.expect_navigation(wait_until="load"):
        page.keyboard.press("Enter")
    number = page.locator("#request-number").inner_text().strip()
    problems += _problems(browser_pages, page, "done page")
    return number, problems


def test_a_visitor_asks_and_reads_the_answer(
    browser_world: World, browser_pages: BrowserPages
) -> None:
    world = browser_world
    office, worker = make_township(world)
    visitor = browser_pages.new(None, viewport=(WIDTH, HEIGHT))
    number, problems = _visitor_asks(browser_pages, visitor)
    made = HelpRequest.objects.get(number=number)
    assert made.status == "received" and made.organisation == world.county_a

    detail = reverse("helprequests:detail", args=[made.pk])
    officer = browser_pages.new(world.county_a_officer)
    open_page(officer, detail)
    officer.select_option("#id_to", str(office.pk))
    with officer.expect_navigation(wait_until="load"):
        officer.locator("#id_to").evaluate("el => el.form.requestSubmit()")
    township = browser_pages.new(worker)
    open_page(township, detail)
    township.fill("#id_outcome", ANSWER)
    with township.expect_navigation(wait_until="load"):
        township.locator("#id_outcome").evaluate("el => el.form.requestSubmit()")
    made.refresh_from_db()
    assert made.status == "answered"

    open_page(visitor, reverse("portal:help_status", args=["410400"]))
    problems += _problems(browser_pages, visitor, "status look-up")
    _tab_to(visitor, "#id_number")
    visitor.keyboard.type(number)
    _tab_to(visitor, "#id_phone")
    visitor.keyboard.type(PHONE)
    _submit(visitor, "#look-up")
    assert ANSWER in visitor.locator("#outcome").inner_text()
    problems += _problems(browser_pages, visitor, "status with the answer")

    # Another county's coordinator sees nothing of it.
    stranger = browser_pages.new(world.county_b_officer)
    response = stranger.goto(detail)
    assert response is not None and response.status == 404
    assert not problems, "\n\n".join(problems)


def _sent_with_errors(page: Page, url: str, button: str) -> None:
    open_page(page, url)
    with page.expect_navigation(wait_until="load"):
        page.click(button)
    assert error_summary_has_focus(page), url


@pytest.mark.parametrize("elder", [False, True], ids=["normal", "elder"])
def test_the_help_pages_with_errors_and_answers_pass_axe_in_both_modes(
    browser_world: World, browser_pages: BrowserPages, live_server: Any, elder: bool
) -> None:
    made = HelpRequest.objects.get(number=_filed())
    answer_request(
        by=browser_world.county_a_officer, request=made, outcome=ANSWER, version=made.version
    )
    problems: list[str] = []
    for viewport, width in (((1280, 800), "desktop"), ((WIDTH, HEIGHT), "320px")):
        page = browser_pages.new(None, viewport=viewport)
        if elder:
            page.context.add_cookies([{"name": ELDER_COOKIE, "value": "1", "url": live_server.url}])
        for variant in ("", "text/"):
            label = f"{width}, {'elder' if elder else 'normal'}, {variant or 'full'} "
            _sent_with_errors(page, f"{SITE}{variant}help/", "#send-request")
            problems += _problems(browser_pages, page, label + "form with errors")
            _sent_with_errors(page, f"{SITE}{variant}help/status/", "#look-up")
            problems += _problems(browser_pages, page, label + "look-up with errors")
            page.fill("#id_number", made.number)
            page.fill("#id_phone", PHONE)
            with page.expect_navigation(wait_until="load"):
                page.click("#look-up")
            assert ANSWER in page.locator("#outcome").inner_text()
            problems += _problems(browser_pages, page, label + "the answer, to reopen")
            open_page(page, f"{SITE}{variant}help/done/{made.number}/")
            problems += _problems(browser_pages, page, label + "done page")
            assert page.evaluate("document.documentElement.className") == ("elder" if elder else "")
    assert not problems, "\n\n".join(problems)


def _filed() -> str:
    response = Client().post(f"{SITE}help/", form_data(phone=PHONE))
    assert response.status_code == 302, response.status_code
    return str(response["Location"]).rstrip("/").rsplit("/", 1)[-1]


@pytest.mark.parametrize("elder", [False, True], ids=["normal", "elder"])
def test_the_phone_check_by_keyboard_passes_axe(
    browser_world: World, browser_pages: BrowserPages, live_server: Any, elder: bool
) -> None:
    HelpSettings.objects.create(organisation=browser_world.county_a, verify_by_sms=True)
    sms.outbox.clear()
    page = browser_pages.new(None, viewport=(WIDTH, HEIGHT))
    if elder:
        page.context.add_cookies([{"name": ELDER_COOKIE, "value": "1", "url": live_server.url}])
    open_page(page, f"{SITE}help/?area=410402")
    page.check("#id_kind_0")
    page.fill("#id_description", WORDS)
    page.fill("#id_phone", PHONE)
    page.wait_for_timeout(MIN_SECONDS * 1000)
    with page.expect_navigation(wait_until="load"):
        page.click("#send-request")
    assert page.locator("#id_code").count() == 1
    problems = _problems(browser_pages, page, "phone check")
    # A wrong code: the summary takes the focus; then the right one, sent with Enter.
    _tab_to(page, "#id_code")
    page.keyboard.type("000000" if "000000" not in sms.outbox[-1].text else "111111")
    with page.expect_navigation(wait_until="load"):
        page.keyboard.press("Enter")
    assert error_summary_has_focus(page)
    problems += _problems(browser_pages, page, "phone check, wrong code")
    found = re.search(r"\d{6}", sms.outbox[-1].text)
    assert found is not None
    code = found.group()
    _tab_to(page, "#id_code")
    page.keyboard.type(code)
    with page.expect_navigation(wait_until="load"):
        page.keyboard.press("Enter")
    assert page.locator("#request-number").count() == 1
    assert HelpRequest.objects.get().status == "received"
    assert not problems, "\n\n".join(problems)
