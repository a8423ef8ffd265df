"""Reflow (WCAG 1.4.10): at 320 CSS px wide nothing scrolls sideways but a table in its wrap.

320 px is what a 1280 px screen shows at 400 % zoom, and what a phone shows. Checked on the
home, sign-in and organisation list pages in the standard display and in large text, and on
every other page in large text; the axe rules that depend on the layout run there as well
(a table wrap that scrolls must be reachable by keyboard, targets must not crowd).
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page

from zhucan.conftest import World
from zhucan.testing.browser import (
    BrowserPages,
    Target,
    axe_report,
    find_target,
    open_page,
    page_targets,
    set_display,
)

pytestmark = pytest.mark.browser

WIDTH, HEIGHT = 320, 640
REQUIRED = ["core:home", "accounts:login", "orgs:list"]

# Elements that stick out of the viewport, other than inside a scrolling table wrap.
OVERFLOW = """width => {
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    if (el.closest('.table-wrap') && !el.classList.contains('table-wrap')) continue;
    const r = el.getBoundingClientRect();
    if (r.width && r.right > width + 0.5) {
      const parent = el.parentElement;
      if (parent && parent.getBoundingClientRect().right > width + 0.5
          && !parent.classList.contains('table-wrap')) continue;  // report the outermost only
      out.push(`${el.tagName.toLowerCase()} right=${Math.round(r.right)}px: `
        + el.outerHTML.slice(0, 160));
    }
  }
  return {scrollWidth: document.documentElement.scrollWidth, offenders: out.slice(0, 10)};
}"""

# Full axe runs at desktop width in test_browser_accessibility.py; here only the rules whose
# outcome depends on the layout (a table wrap that scrolls, targets squeezed together).
NARROW_RULES = [
    "scrollable-region-focusable",
    "target-size",
    "meta-viewport",
    "meta-viewport-large",
]

MODES = {"standard": None, "large-text": {"text_size": "large", "contrast": "normal"}}


def _reflow_problems(page: Page, target: Target, mode: str) -> list[str]:
    result = page.evaluate(OVERFLOW, WIDTH)
    problems = []
    if result["scrollWidth"] > WIDTH:
        problems.append(
            f"{target.name} as {target.who} ({mode}): scrolls sideways at {WIDTH}px "
            f"(scrollWidth {result['scrollWidth']}px); widest elements:\n    "
            + "\n    ".join(result["offenders"])
        )
    report = axe_report(
        page, f"{target.name} as {target.who} at {WIDTH}px ({mode})", rules=NARROW_RULES
    )
    if report:
        problems.append(report)
    return problems


def _check(browser_pages: BrowserPages, targets: list[Target], mode: str) -> list[str]:
    pages: dict[str, Any] = {}
    problems = []
    for target in targets:
        page = pages.get(target.who)
        if page is None:
            page = pages[target.who] = browser_pages.new(target.person, viewport=(WIDTH, HEIGHT))
        open_page(page, target.url)
        display = MODES[mode]
        if display:
            set_display(page, **display)
        problems += _reflow_problems(page, target, mode)
    return problems


@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize("name", REQUIRED)
def test_no_horizontal_scroll_at_320px(
    browser_world: World, browser_pages: BrowserPages, name: str, mode: str
) -> None:
    target = find_target(browser_world, name, [])
    assert isinstance(target, Target), target
    problems = _check(browser_pages, [target], mode)
    assert not problems, "\n".join(problems)


def test_every_other_page_reflows_at_320px_in_large_text(
    browser_world: World, browser_pages: BrowserPages
) -> None:
    """Large text only: what fits in large text fits in the standard size too."""
    targets = [t for t in page_targets(browser_world) if t.name not in REQUIRED]
    problems = _check(browser_pages, targets, "large-text")
    assert not problems, "\n\n".join(problems)
