"""Keyboard use in Chromium: skip link, tab order, visible focus, signing in without a mouse.

WCAG 2.1.1 Keyboard, 2.4.1 Bypass Blocks, 2.4.3 Focus Order, 2.4.7 Focus Visible,
2.4.11 Focus Not Obscured (Minimum), 3.3.1 Error Identification. The idle warning's keyboard
behaviour is tested with the warning, in zhucan/accounts/tests/test_idle_timeout.py.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

import pytest
from django.urls import reverse
from playwright.sync_api import Page

from zhucan.conftest import World
from zhucan.testing.browser import BrowserPages, Target, find_target, open_page, page_targets

pytestmark = pytest.mark.browser

# The password zhucan.testing.factories.make_user gives everyone.
PASSWORD = "Test-password-123"

ACTIVE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  return {tag: el.tagName.toLowerCase(), id: el.id, name: el.getAttribute('name'),
          href: el.getAttribute('href'), cls: el.className, text: (el.textContent || '').trim(),
          summary: el.hasAttribute('data-error-summary'), probe: el.dataset.kbProbe ?? null};
}"""

# Every element a keyboard user should reach, numbered in document order. tabindex > 0 would
# break document order and is reported separately.
FOCUSABLES = """() => {
  const selector = 'a[href], area[href], button, input, select, textarea, iframe, summary, '
    + '[tabindex], [contenteditable]:not([contenteditable="false"])';
  const shown = el => {
    const style = getComputedStyle(el);
    return el.getClientRects().length > 0 && style.visibility !== 'hidden';
  };
  const found = [...document.querySelectorAll(selector)].filter(el =>
    !el.disabled && el.type !== 'hidden' && el.tabIndex >= 0 && shown(el)
    && !el.closest('[inert], [hidden], dialog:not([open])'));
  found.forEach((el, i) => { el.dataset.kbProbe = String(i); });
  return {
    elements: found.map(el => `${el.tagName.toLowerCase()} "${(el.textContent || el.name || el.id
      || '').trim().slice(0, 40)}"`),
    positive: [...document.querySelectorAll('[tabindex]')].filter(el => el.tabIndex > 0)
      .map(el => el.outerHTML.slice(0, 120)),
  };
}"""

STYLE_OF = """el => {
  const s = getComputedStyle(el);
  return {outlineStyle: s.outlineStyle, outlineWidth: parseFloat(s.outlineWidth) || 0,
          outlineColor: s.outlineColor, boxShadow: s.boxShadow};
}"""

FOCUSED_STATE = """() => {
  const el = document.activeElement;
  const s = getComputedStyle(el);
  const r = el.getBoundingClientRect();
  const x = Math.min(Math.max(r.left + r.width / 2, 0), innerWidth - 1);
  const y = Math.min(Math.max(r.top + r.height / 2, 0), innerHeight - 1);
  const hit = document.elementFromPoint(x, y);
  return {
    probe: el.dataset.kbProbe ?? null,
    html: el.outerHTML.slice(0, 160),
    style: {outlineStyle: s.outlineStyle, outlineWidth: parseFloat(s.outlineWidth) || 0,
            outlineColor: s.outlineColor, boxShadow: s.boxShadow},
    rect: {top: r.top + scrollY, bottom: r.bottom + scrollY, left: r.left + scrollX,
           right: r.right + scrollX},
    inViewport: r.bottom > 0 && r.right > 0 && r.top < innerHeight && r.left < innerWidth,
    obscuredBy: hit && (hit === el || el.contains(hit) || hit.contains(el)) ? null
      : (hit ? hit.outerHTML.slice(0, 120) : 'nothing'),
  };
}"""


def test_first_tab_reaches_a_visible_skip_link_that_moves_focus_to_main(
    browser_world: World, browser_pages: BrowserPages
) -> None:
    """On every page, as whoever opens it in the axe walk."""
    problems = []
    pages: dict[str, Any] = {}
    targets = page_targets(browser_world)
    assert targets
    for target in targets:
        page = pages.get(target.who) or pages.setdefault(
            target.who, browser_pages.new(target.person)
        )
        open_page(page, target.url)
        page.keyboard.press("Tab")
        active = page.evaluate(ACTIVE)
        if not active or active["href"] != "#main" or "skip-link" not in active["cls"]:
            problems.append(f"{target.name}: first Tab focuses {active}, not the skip link")
            continue
        box = page.locator(".skip-link").bounding_box()
        viewport = page.viewport_size
        visible = (
            box is not None
            and viewport is not None
            and box["width"] > 1
            and box["height"] > 1
            and box["x"] >= 0
            and box["y"] >= 0
            and box["x"] + box["width"] <= viewport["width"]
            and box["y"] + box["height"] <= viewport["height"]
        )
        if not visible:
            problems.append(f"{target.name}: the focused skip link is not in view: {box}")
        page.keyboard.press("Enter")
        active = page.evaluate(ACTIVE)
        if not active or active["id"] != "main" or active["tag"] != "main":
            problems.append(f"{target.name}: Enter on the skip link focuses {active}, not <main>")
    assert not problems, "\n".join(problems)


def _reading_order_problem(prev: dict[str, Any], nxt: dict[str, Any]) -> str | None:
    """Focus must not jump back up-left or leftwards on the same line (CSS reordering)."""
    a, b = prev["rect"], nxt["rect"]
    same_line = b["top"] < a["bottom"] and b["bottom"] > a["top"]
    if same_line and b["left"] < a["left"] - 2:
        return "moves left on the same line"
    if b["bottom"] <= a["top"] and b["right"] <= a["left"]:
        return "jumps back up and to the left"
    return None


@pytest.mark.parametrize("name", ["core:home", "orgs:list"])
def test_tab_reaches_everything_in_order_with_a_visible_focus_indicator(
    browser_world: World, browser_pages: BrowserPages, name: str
) -> None:
    target = find_target(browser_world, name, [])
    assert isinstance(target, Target), target
    page = browser_pages.new(target.person)
    open_page(page, target.url)
    found = page.evaluate(FOCUSABLES)
    expected = found["elements"]
    assert not found["positive"], f"positive tabindex breaks the focus order: {found['positive']}"
    assert len(expected) >= 5, f"suspiciously few focusable elements on {name}: {expected}"

    probes = page.locator("[data-kb-probe]")
    unfocused = [probes.nth(i).evaluate(STYLE_OF) for i in range(probes.count())]

    problems = []
    reached: list[int] = []
    previous = None
    for _ in expected:
        page.keyboard.press("Tab")
        state = page.evaluate(FOCUSED_STATE)
        if state["probe"] is None:
            problems.append(f"Tab reached an element not counted as focusable: {state['html']}")
            continue
        index = int(state["probe"])
        reached.append(index)
        label = f"#{index} {expected[index]}"
        before, after = unfocused[index], state["style"]
        outline = after["outlineStyle"] != "none" and after["outlineWidth"] >= 2
        outline_changed = outline and (
            before["outlineStyle"] == "none"
            or before["outlineWidth"] < 2
            or before["outlineColor"] != after["outlineColor"]
        )
        shadow_changed = after["boxShadow"] not in ("none", before["boxShadow"])
        if not (outline_changed or shadow_changed):
            problems.append(f"{label}: no visible focus indicator (focused style {after})")
        if not state["inViewport"]:
            problems.append(f"{label}: focused but scrolled out of view")
        elif state["obscuredBy"]:
            problems.append(f"{label}: focused but covered by {state['obscuredBy']}")
        if previous is not None and index != 0:
            order = _reading_order_problem(previous, state)
            if order:
                problems.append(f"{label}: focus {order} from {previous['html']}")
        previous = state

    if reached != list(range(len(expected))):
        missing = [expected[i] for i in range(len(expected)) if i not in reached]
        problems.append(
            f"Tab order {reached} is not document order 0..{len(expected) - 1}; "
            f"never reached: {missing}"
        )
    assert not problems, f"{name} as {target.who}:\n" + "\n".join(problems)


def _tab_to(page: Page, predicate_js: str, limit: int = 40) -> dict[str, Any]:
    for _ in range(limit):
        page.keyboard.press("Tab")
        active: dict[str, Any] = page.evaluate(ACTIVE)
        if active and page.evaluate(predicate_js):
            return active
    raise AssertionError(f"{limit} presses of Tab never reached {predicate_js}")


def test_sign_in_with_the_keyboard_alone(browser_world: World, browser_pages: BrowserPages) -> None:
    login_url = reverse("accounts:login")
    page = browser_pages.new()
    open_page(page, login_url)
    _tab_to(page, "() => document.activeElement.name === 'username'")
    page.keyboard.type(browser_world.member_unit_reporter.username)
    page.keyboard.press("Tab")
    assert page.evaluate(ACTIVE)["name"] == "password", "Tab from user name does not reach password"
    page.keyboard.type(PASSWORD)
    with page.expect_navigation(wait_until="load") as navigation:
        page.keyboard.press("Enter")
    response = navigation.value
    assert response is not None and response.status == 200
    assert urlparse(page.url).path != login_url, "still on the sign-in page after Enter"
    assert not page.locator("[data-error-summary]").count(), "the sign-in failed"


def test_error_summary_links_move_focus_to_the_field(
    browser_world: World, browser_pages: BrowserPages
) -> None:
    page = browser_pages.new()
    open_page(page, reverse("accounts:login"))
    _tab_to(page, "() => document.activeElement.name === 'username'")
    with page.expect_navigation(wait_until="load"):
        page.keyboard.press("Enter")  # submits the empty form
    assert page.evaluate(ACTIVE)["summary"], "the error summary does not take focus"
    page.keyboard.press("Tab")
    link = page.evaluate(ACTIVE)
    assert link and link["tag"] == "a" and link["href"].startswith("#"), (
        f"Tab from the error summary reaches {link}, not its first link"
    )
    page.keyboard.press("Enter")
    active = page.evaluate(ACTIVE)
    assert active and f"#{active['id']}" == link["href"], (
        f"Enter on {link['href']} focuses {active}, not the field"
    )


def test_large_text_and_high_contrast_buttons_work_from_the_keyboard(
    browser_world: World, browser_pages: BrowserPages
) -> None:
    login_url = reverse("accounts:login")
    page = browser_pages.new()  # a visitor: the choice lives in the session
    open_page(page, login_url)
    for field, attr, value in (
        ("text_size", "data-text-size", "large"),
        ("contrast", "data-contrast", "high"),
    ):
        _tab_to(page, f"() => document.activeElement.name === '{field}'")
        with page.expect_navigation(wait_until="load"):
            page.keyboard.press("Enter")
        assert urlparse(page.url).path == login_url, "the display form does not come back"
        assert page.get_attribute("html", attr) == value, f"{field} did not switch to {value}"
        button = page.locator(f".display-settings button[name='{field}']")
        assert button.get_attribute("aria-pressed") == "true"
