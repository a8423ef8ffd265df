"""The quick report in Chromium on a 320 px phone with large text: axe-core on each state, no
sideways scrolling, completion by keyboard alone, and a send that waits for the connection."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from playwright.sync_api import Page

from zhucan.accounts.models import User
from zhucan.activities.models import ActivityReport, Photo
from zhucan.conftest import World
from zhucan.testing.browser import (
    BrowserPages,
    axe_report,
    error_summary_has_focus,
    open_page,
    set_display,
)
from zhucan.testing.factories import make_campaign, make_user

pytestmark = pytest.mark.browser

WIDTH, HEIGHT = 320, 640
QUICK = reverse("activities:quick")
STATUS = "[data-quick-status]"


@pytest.fixture
def reporter(browser_world: World) -> User:
    world = browser_world
    make_campaign(issuing_org=world.city, by=world.city_officer)
    return make_user(
        username="xinhua_reporter", full_name="陈静", org=world.county_a, role="reporter"
    )


@pytest.fixture
def phone(browser_pages: BrowserPages, reporter: User) -> Page:
    page = browser_pages.new(reporter, viewport=(WIDTH, HEIGHT))
    open_page(page, QUICK)
    set_display(page, text_size="large", contrast="normal")
    return page


def _problems(page: Page, label: str) -> list[str]:
    problems = [axe_report(page, label)]
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > WIDTH:
        problems.append(f"{label}: scrolls sideways ({width}px wide at {WIDTH}px)")
    return [p for p in problems if p]


def _fill(page: Page) -> None:
    page.select_option("#id_category", "visit")
    page.fill("#id_title", "走访慰问困难残疾人家庭")
    page.fill("#id_date", "2020-05-17")
    page.select_option("#id_mode", "in_person")
    page.fill("#id_attendance", "20")
    page.fill("#id_households", "35")


def _photo(folder: Path) -> str:
    path = folder / "IMG_0001.jpg"
    Image.new("RGB", (640, 480), (200, 30, 30)).save(path, "JPEG")
    return str(path)


def test_empty_error_and_done_states_pass_axe_and_fit_a_phone(
    browser_pages: BrowserPages, phone: Page
) -> None:
    problems = _problems(phone, "quick report, empty")
    # The error state: the script's send is refused, and the form is posted the ordinary way.
    with phone.expect_navigation(wait_until="load"):
        phone.locator("main button[type='submit']").click()
    assert phone.locator("[data-error-summary]").is_visible()
    assert error_summary_has_focus(phone)
    assert phone.locator("a[href='#id_title']").count() == 1
    problems += _problems(phone, "quick report with errors")
    _fill(phone)
    phone.locator("main button[type='submit']").click()
    phone.wait_for_url("**/quick/done/**", wait_until="load")
    assert phone.locator("main").get_by_text("走访慰问困难残疾人家庭").is_visible()
    problems += _problems(phone, "quick report sent")
    # The refused send answers 400 by design (the script then posts the form); Chromium logs
    # every 4xx answer to fetch as a console error.
    refused = f"status of 400 (Bad Request) ({phone.url.split('/activities/')[0]}{QUICK})"
    problems += [e for e in browser_pages.errors(phone) if not e.endswith(refused)]
    assert not problems, "\n\n".join(problems)
    assert ActivityReport.objects.get().status == ActivityReport.Status.SUBMITTED


def test_the_form_can_be_completed_with_the_keyboard_alone(phone: Page) -> None:
    def tab_to(name: str) -> None:
        for _ in range(60):
            phone.keyboard.press("Tab")
            if phone.evaluate("document.activeElement.name") == name:
                return
        raise AssertionError(f"Tab never reached {name}")

    tab_to("category")
    phone.keyboard.press("ArrowDown")
    tab_to("title")
    phone.keyboard.type("助残日文艺汇演")
    tab_to("mode")
    phone.keyboard.press("ArrowDown")
    tab_to("attendance")
    phone.keyboard.type("80")
    tab_to("households")
    phone.keyboard.type("12")
    with phone.expect_navigation(wait_until="load"):
        phone.keyboard.press("Enter")
    # Today lies outside the test campaign's year (2020): the form asks, nothing is saved yet.
    assert not ActivityReport.objects.exists()
    problem = axe_report(phone, "quick report asking to confirm the date")
    assert not problem, problem
    tab_to("confirm_dates")
    phone.keyboard.press("Space")
    with phone.expect_navigation(url="**/quick/done/**", wait_until="load"):
        phone.keyboard.press("Enter")
    report = ActivityReport.objects.get()
    # The date was left as the form offers it: today.
    assert (report.title, report.start_date, report.attendance) == (
        "助残日文艺汇演",
        timezone.localdate(),
        80,
    )


def test_a_draft_comes_back_after_a_reload(phone: Page) -> None:
    phone.fill("#id_title", "残疾人就业招聘会")
    client_id = phone.input_value("#id_client_id")
    phone.reload(wait_until="load")
    assert phone.input_value("#id_title") == "残疾人就业招聘会"
    # The draft keeps its id: a report the server got before the connection dropped stays one.
    assert phone.input_value("#id_client_id") == client_id
    restored = phone.get_attribute("form[data-quick-report]", "data-restored")
    assert phone.locator(STATUS).text_content() == restored


def test_a_photo_in_a_restored_draft_is_asked_for_again(phone: Page, tmp_path: Path) -> None:
    phone.fill("#id_title", "残疾人就业招聘会")
    phone.set_input_files("#id_photo", _photo(tmp_path))
    phone.check("#id_nobody_recognisable")
    phone.reload(wait_until="load")
    assert phone.input_value("#id_title") == "残疾人就业招聘会"
    assert phone.is_checked("#id_nobody_recognisable")
    assert phone.eval_on_selector("#id_photo", "el => el.files.length") == 0
    form = "form[data-quick-report]"
    texts = [phone.get_attribute(form, a) for a in ("data-restored", "data-photo-again")]
    expected = f"{texts[0]} {texts[1]}"
    assert phone.locator(STATUS).text_content() == expected
    assert phone.get_attribute(STATUS, "aria-live") == "polite"
    # Reloaded once more before choosing it: still asked for.
    phone.reload(wait_until="load")
    assert phone.locator(STATUS).text_content() == expected
    assert not ActivityReport.objects.exists()


def test_a_refused_photo_is_shown_accessibly(
    browser_pages: BrowserPages, phone: Page, tmp_path: Path
) -> None:
    _fill(phone)
    phone.set_input_files("#id_photo", _photo(tmp_path))  # nobody-recognisable left unticked
    with phone.expect_navigation(wait_until="load"):
        phone.locator("main button[type='submit']").click()
    assert phone.locator("a[href='#id_consent']").count() == 1
    assert phone.locator("a[href='#id_photo']").count() == 1  # choose it again
    problems = _problems(phone, "quick report with a refused photo")
    refused = f"status of 400 (Bad Request) ({phone.url.split('/activities/')[0]}{QUICK})"
    problems += [e for e in browser_pages.errors(phone) if not e.endswith(refused)]
    assert not problems, "\n\n".join(problems)
    assert not ActivityReport.objects.exists()


def test_offline_the_report_waits_on_the_phone_and_is_sent_once_when_back_online(
    browser_pages: BrowserPages, phone: Page, tmp_path: Path
) -> None:
    _fill(phone)
    phone.set_input_files("#id_photo", _photo(tmp_path))
    phone.fill("#id_caption", "入户走访")
    phone.check("#id_nobody_recognisable")
    phone.context.set_offline(True)
    phone.locator("main button[type='submit']").click()
    offline = phone.get_attribute("form[data-quick-report]", "data-offline")
    phone.wait_for_function(
        "text => document.querySelector('[data-quick-status]').textContent === text", arg=offline
    )
    assert phone.url.endswith(QUICK)
    assert not ActivityReport.objects.exists()

    with phone.expect_navigation(url="**/quick/done/**", wait_until="load"):
        phone.context.set_offline(False)
        # Chromium says so by itself; saying it again must not send a second report.
        phone.evaluate("window.dispatchEvent(new Event('online'))")
    assert ActivityReport.objects.count() == 1
    report = ActivityReport.objects.get()
    assert report.status == ActivityReport.Status.SUBMITTED
    # The photo went with the resend, once.
    assert Photo.objects.get().report == report
    assert phone.locator("main img[alt='入户走访']").is_visible()

    open_page(phone, QUICK)
    assert phone.input_value("#id_title") == ""
    assert Photo.objects.count() == 1
    assert phone.locator(STATUS).text_content() == ""
    assert not browser_pages.errors(phone)
