"""Real-browser tests: Playwright driving Debian's Chromium against pytest-django's live server.

This module is a pytest plugin (fixtures and hooks). Register it once in zhucan/conftest.py:

    pytest_plugins = ["zhucan.testing.browser"]

(until then zhucan/core/tests/conftest.py and zhucan/accounts/tests/conftest.py load it).

For the tests marked ``@pytest.mark.browser`` (a test using ``chromium`` gets the mark itself):

* ``chromium``: one Chromium for each run of consecutive browser tests, normally one per session
  or xdist worker. It stops as soon as the next test is not a browser test: Playwright's sync
  API keeps an asyncio loop running in the main thread, and Django refuses ORM calls then
  (SynchronousOnlyOperation). DJANGO_ALLOW_ASYNC_UNSAFE is set only while Chromium runs.
* ``browser_world``: the standard ``World`` of zhucan/conftest.py, committed through
  ``transactional_db`` so that the live server's thread sees it. The rows data migrations load
  (regions, campaign kinds...), which every transactional test's flush deletes, are put back.
* ``browser_pages``: ``.new(person, language=, viewport=)`` opens a page in a new context signed
  in as ``person`` after a passed second factor (a ``login_verified`` session cookie; None for
  a visitor); ``.context(...)`` the same without the page; ``.errors(page)`` what the page wrote
  to its console (CSP violations, script errors).
* ``find_target`` / ``page_targets``: the pages behind the named URLs of zhucan/testing/urlwalk.py
  and who opens them; ``open_page``; ``set_display`` (large text / high contrast).
* ``axe_violations`` / ``axe_report``: axe-core from node_modules, run inside the page. The page
  keeps its Content-Security-Policy: axe is evaluated through the DevTools protocol, which CSP
  does not govern, so no ``bypass_csp`` is needed and CSP breakage still shows.

Skip loudly, fail in CI: without Chromium or axe-core the browser tests are skipped with the
reason, a warning and a banner in the terminal summary; with ZHUCAN_REQUIRE_BROWSER=1 (.ci/run)
they fail instead.
"""

from __future__ import annotations

import importlib
import os
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from playwright._impl._api_structures import SetCookieParam
    from playwright.sync_api import Browser, BrowserContext, Page

    from zhucan.conftest import World

BASE_DIR = Path(__file__).resolve().parent.parent.parent
CHROMIUM = Path(os.environ.get("ZHUCAN_CHROMIUM", "/usr/bin/chromium"))
AXE_JS = BASE_DIR / "node_modules" / "axe-core" / "axe.min.js"
REQUIRE_ENV = "ZHUCAN_REQUIRE_BROWSER"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
# Every skip or failure for a missing browser carries this text; the summary banner counts them.
UNAVAILABLE = "BROWSER TESTS SKIPPED"
INSTALL_HINT = (
    "install chromium (apt-get install chromium, or point ZHUCAN_CHROMIUM at one) and "
    "axe-core (npm ci); `make install` does the npm part, .ci/run does both"
)
DEFAULT_VIEWPORT = (1280, 800)
# The people behind the default Accept-Language: the service is Chinese first.
DEFAULT_LOCALE = "zh-CN"


class BrowserTestsSkipped(UserWarning):
    """Shown in the warnings summary too, which also reaches the xdist controller."""


class BrowserUnavailableError(Exception):
    pass


def require_browser() -> bool:
    return os.environ.get(REQUIRE_ENV, "") not in ("", "0", "false", "no")


def missing_requirements() -> str | None:
    """Why browser tests cannot run here, or None."""
    problems = []
    try:
        importlib.import_module("playwright.sync_api")
    except ImportError:
        problems.append("the Python package playwright is not installed (requirements/dev.txt)")
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        problems.append(f"{CHROMIUM} not found")
    if not AXE_JS.is_file():
        problems.append(f"{AXE_JS.relative_to(BASE_DIR)} not found")
    return "; ".join(problems) or None


# --- One Chromium for each run of consecutive browser tests -------------------------------


ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"


class _Chromium:
    def __init__(self) -> None:
        self.playwright: Any = None
        self.browser: Browser | None = None
        self.problem: str | None = None
        self._env_changed = False
        self._saved_env: str | None = None

    def get(self) -> Browser:
        if self.browser is not None and self.browser.is_connected():
            return self.browser
        self.stop()
        self.problem = self.problem or missing_requirements()
        if self.problem:
            raise BrowserUnavailableError(self.problem)
        self._saved_env, self._env_changed = os.environ.get(ASYNC_UNSAFE), True
        os.environ[ASYNC_UNSAFE] = "true"
        try:
            from playwright.sync_api import sync_playwright

            self.playwright = sync_playwright().start()
            self.browser = self.playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=LAUNCH_ARGS
            )
        except Exception as exc:
            first_line = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            self.problem = f"{CHROMIUM} did not start: {first_line}"
            self.stop()
            raise BrowserUnavailableError(self.problem) from exc
        return self.browser

    def stop(self) -> None:
        try:
            if self.browser is not None:
                self.browser.close()
        except Exception:  # noqa: S110 - a browser that already died needs no closing
            pass
        finally:
            self.browser = None
            if self.playwright is not None:
                self.playwright.stop()
                self.playwright = None
            if self._env_changed:
                if self._saved_env is None:
                    os.environ.pop(ASYNC_UNSAFE, None)
                else:
                    os.environ[ASYNC_UNSAFE] = self._saved_env
                self._env_changed = False


_CHROMIUM_KEY = pytest.StashKey[_Chromium]()
_DB_BLOCKER_KEY = pytest.StashKey[Any]()


def _unavailable(reason: str) -> None:
    """Skip (loudly) or, when CI demands the browser, fail."""
    message = f"{UNAVAILABLE}: {reason}. To run them, {INSTALL_HINT}."
    if require_browser():
        pytest.fail(f"{REQUIRE_ENV}=1 but {message}", pytrace=False)
    warnings.warn(BrowserTestsSkipped(message), stacklevel=2)
    pytest.skip(message)


def _is_browser_test(item: pytest.Item | None) -> bool:
    return item is not None and item.get_closest_marker("browser") is not None


# --- Hooks ---------------------------------------------------------------------------------


def pytest_configure(config: pytest.Config) -> None:
    config.stash[_CHROMIUM_KEY] = _Chromium()


def pytest_unconfigure(config: pytest.Config) -> None:
    holder = config.stash.get(_CHROMIUM_KEY, None)
    if holder is not None:
        holder.stop()


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # A test that drives the browser is a browser test, even if someone forgot the marker.
    for item in items:
        if "chromium" in getattr(item, "fixturenames", ()) and not _is_browser_test(item):
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    if not _is_browser_test(item):
        return
    holder = item.config.stash[_CHROMIUM_KEY]
    reason = holder.problem or missing_requirements()
    if reason:
        holder.problem = reason
        _unavailable(reason)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    result = yield
    # transactional_db has just flushed every table, also the data migrations' rows: put them
    # back for whoever comes next (a browser test or not).
    # After the last test the test database is gone already: nothing to do then.
    snapshot = item.config.stash.get(_SNAPSHOT_KEY, None)
    if snapshot is not None and flushes(item) and nextitem is not None:
        from django.db import connections

        with item.config.stash[_DB_BLOCKER_KEY].unblock():
            restore_migration_data(snapshot)
            # While Chromium runs, its event loop gives this code a connection of its own that
            # nothing else closes: left open, it kept the test database from being dropped at
            # the end of the run (now and then, as the tests fell to the workers).
            connections.close_all()
    if not _is_browser_test(nextitem):
        item.config.stash[_CHROMIUM_KEY].stop()
    return result


def pytest_terminal_summary(terminalreporter: Any) -> None:
    reports = [
        report
        for kind in ("skipped", "error", "failed")
        for report in terminalreporter.stats.get(kind, [])
        if UNAVAILABLE in str(getattr(report, "longrepr", "") or "")
    ]
    if not reports:
        return
    tw = terminalreporter
    failed = require_browser() or any(r.outcome != "skipped" for r in reports)
    title = "BROWSER TESTS FAILED: NO BROWSER" if failed else UNAVAILABLE
    tw.write_sep("!", title, red=True, bold=True)
    reason = str(reports[0].longrepr)
    if isinstance(reports[0].longrepr, tuple):
        reason = reports[0].longrepr[2]
    reason = reason.split(f"{UNAVAILABLE}: ", 1)[-1]
    tw.write_line(f"{len(reports)} browser test(s) did not run: {reason}", red=True, bold=True)
    tw.write_line(
        "Accessibility (axe-core, keyboard, reflow) was NOT checked in this run.",
        red=True,
        bold=True,
    )
    if not failed:
        tw.write_line(f"CI sets {REQUIRE_ENV}=1, which turns this skip into a failure.", red=True)
    tw.write_sep("!", title, red=True, bold=True)


# --- Database ------------------------------------------------------------------------------
#
# transactional_db ends every test by flushing every table, also the rows that data migrations
# load (GB/T 2260 regions, standard campaign kinds, ...). Django's serialized_rollback would
# reload them object by object (seconds per test). Instead the rows are copied once, right after
# the test database is created, and put back with one executemany per table whenever a table
# that had them is empty: before each browser test and, whenever browser tests are part of the
# run, after every transactional test (so the order of tests does not matter).


@dataclass(frozen=True)
class _Table:
    model: Any
    name: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]


@dataclass(frozen=True)
class _Snapshot:
    database: str  # the test database's NAME: restore never writes anywhere else
    tables: list[_Table]


def snapshot_migration_data() -> _Snapshot:
    from django.apps import apps
    from django.db import connection

    existing = set(connection.introspection.table_names())
    quote = connection.ops.quote_name
    tables = []
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            meta = model._meta
            if not meta.managed or meta.proxy or meta.db_table not in existing:
                continue
            cursor.execute(f"SELECT * FROM {quote(meta.db_table)}")  # noqa: S608
            rows = cursor.fetchall()
            if rows:
                columns = tuple(column[0] for column in cursor.description)
                tables.append(_Table(model, meta.db_table, columns, tuple(map(tuple, rows))))
    return _Snapshot(str(connection.settings_dict["NAME"]), tables)


def restore_migration_data(snapshot: _Snapshot) -> None:
    """Refill the tables of ``snapshot`` that a flush emptied; tables with rows are left alone
    (content types and permissions come back by themselves after a flush)."""
    from django.core.management.color import no_style
    from django.db import connection, transaction

    if str(connection.settings_dict["NAME"]) != snapshot.database:
        return
    quote = connection.ops.quote_name
    restored = []
    with transaction.atomic(), connection.cursor() as cursor:  # foreign keys checked at commit
        for table in snapshot.tables:
            cursor.execute(f"SELECT 1 FROM {quote(table.name)} LIMIT 1")  # noqa: S608
            if cursor.fetchone() is not None:
                continue
            columns = ", ".join(quote(c) for c in table.columns)
            if connection.vendor == "postgresql":
                # COPY: the seven thousand regions in a tenth of the time of an executemany.
                copy_sql = f"COPY {quote(table.name)} ({columns}) FROM STDIN"
                with cursor.cursor.copy(copy_sql) as copy:
                    for row in table.rows:
                        copy.write_row(row)
            else:
                values = ", ".join(["%s"] * len(table.columns))
                cursor.executemany(
                    f"INSERT INTO {quote(table.name)} ({columns}) VALUES ({values})",  # noqa: S608
                    table.rows,
                )
            restored.append(table.model)
        for sql in connection.ops.sequence_reset_sql(no_style(), restored):
            cursor.execute(sql)


_SNAPSHOT_KEY = pytest.StashKey[_Snapshot]()


def flushes(item: pytest.Item) -> bool:
    """Whether the test ends by flushing every table: it asks for ``transactional_db`` (also
    through ``live_server`` or a fixture of ours) or is marked ``django_db(transaction=True)``."""
    if "transactional_db" in getattr(item, "fixturenames", ()):
        return True
    marker = item.get_closest_marker("django_db")
    return bool(marker and marker.kwargs.get("transaction"))


@pytest.fixture(autouse=True)
def _allowed_databases_usable(request: pytest.FixtureRequest) -> None:
    """Undo what a browser test case leaves on the connections of the databases this test may use.

    Django's test case forbids the databases it did not ask for by wrapping their connections'
    methods, and unwraps them when it ends. With Playwright's event loop in this thread the
    connections Django finds at the end can be other objects than those it wrapped at the
    start (they are context-local), so the wrappers stayed: a later test that asked for the
    ``replica`` alias was refused it.
    """
    marker = request.node.get_closest_marker("django_db")
    wanted = marker.kwargs.get("databases") if marker else None
    if not wanted:
        return
    request.getfixturevalue("_django_db_helper")
    from django.db import connections
    from django.test.testcases import _DatabaseFailure

    aliases = list(connections) if wanted == "__all__" else list(wanted)
    for alias in aliases:
        connection = connections[alias]
        for name in ("connect", "temporary_connection", "cursor", "chunked_cursor"):
            while isinstance(connection.__dict__.get(name), _DatabaseFailure):
                setattr(connection, name, connection.__dict__[name].wrapped)


@pytest.fixture(scope="session", autouse=True)
def _migration_data_snapshot(request: pytest.FixtureRequest) -> None:
    """Copy the migration data before any test can flush it: browser tests and other
    transactional tests flush every table when they end."""
    items = request.session.items
    flushing = any(flushes(item) for item in items)
    browsing = any(_is_browser_test(item) for item in items) and not (
        missing_requirements() and not require_browser()
    )
    if not (flushing or browsing):
        return
    from zhucan.testing.database import refill_after_flush

    request.getfixturevalue("django_db_setup")
    blocker = request.getfixturevalue("django_db_blocker")
    request.config.stash[_DB_BLOCKER_KEY] = blocker
    with blocker.unblock():
        snapshot = snapshot_migration_data()
    request.config.stash[_SNAPSHOT_KEY] = snapshot
    # Refilled within the flush itself, before Django's post_migrate handlers look for content
    # types and permissions: finding them, they have nothing to create (a third of a second
    # per transactional test otherwise).
    refill_after_flush(lambda: restore_migration_data(snapshot))


# --- Fixtures ------------------------------------------------------------------------------


@pytest.fixture
def chromium(request: pytest.FixtureRequest) -> Browser:
    """The shared Chromium; only browser tests may use it (they get the marker automatically)."""
    holder = request.config.stash[_CHROMIUM_KEY]
    try:
        return holder.get()
    except BrowserUnavailableError as exc:
        _unavailable(str(exc))
        raise  # unreachable: _unavailable skips or fails


@pytest.fixture
def browser_world(
    request: pytest.FixtureRequest,
    chromium: Browser,
    live_server: Any,
    transactional_db: None,
) -> World:
    """The standard people and tree, committed so that the live server thread sees them."""
    from zhucan.conftest import build_world

    snapshot = request.config.stash.get(_SNAPSHOT_KEY, None)
    assert snapshot is not None, "the migration data were not copied before the first test"
    restore_migration_data(snapshot)  # in case a transactional test before this one flushed
    return build_world()


@dataclass
class PageErrors:
    """What went wrong in the page's own console: CSP violations, script errors."""

    messages: list[str]


class BrowserPages:
    """Opens pages in fresh contexts, one per person (or anonymous visitor)."""

    def __init__(self, browser: Browser, base_url: str) -> None:
        self.browser = browser
        self.base_url = base_url
        self.contexts: list[BrowserContext] = []
        self._errors: dict[int, PageErrors] = {}

    def context(
        self,
        person: Any = None,
        *,
        language: str | None = None,
        viewport: tuple[int, int] = DEFAULT_VIEWPORT,
    ) -> BrowserContext:
        width, height = viewport
        ctx = self.browser.new_context(
            base_url=self.base_url,
            viewport={"width": width, "height": height},
            locale=DEFAULT_LOCALE,
            timezone_id="Asia/Shanghai",
        )
        ctx.set_default_timeout(15_000)
        self.contexts.append(ctx)
        cookies: list[SetCookieParam] = []
        if person is not None:
            cookies.append(self._session_cookie(person))
        if language is not None:
            from django.conf import settings

            cookies.append(
                {
                    "name": settings.LANGUAGE_COOKIE_NAME,
                    "value": language,
                    "url": self.base_url,
                }
            )
        if cookies:
            ctx.add_cookies(cookies)
        return ctx

    def new(self, person: Any = None, **options: Any) -> Page:
        """A page in a new context: ``person`` signed in (None: an anonymous visitor)."""
        page = self.context(person, **options).new_page()
        errors = self._errors.setdefault(id(page), PageErrors([]))

        def on_console(msg: Any) -> None:
            url = (msg.location or {}).get("url", "")
            # Chromium asks for /favicon.ico by itself; the application links none.
            if msg.type == "error" and not url.endswith("/favicon.ico"):
                errors.messages.append(f"console {msg.type}: {msg.text} ({url})")

        page.on("console", on_console)
        page.on("pageerror", lambda exc: errors.messages.append(f"script error: {exc}"))
        return page

    def errors(self, page: Page) -> list[str]:
        return list(self._errors.get(id(page), PageErrors([])).messages)

    def _session_cookie(self, person: Any) -> SetCookieParam:
        from django.conf import settings
        from django.test import Client

        from zhucan.testing.auth import login_verified

        client = Client()
        login_verified(client, person)
        return {
            "name": settings.SESSION_COOKIE_NAME,
            "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
            "url": self.base_url,
            "httpOnly": True,
            "sameSite": "Lax",
        }

    def close(self) -> None:
        for ctx in self.contexts:
            ctx.close()
        self.contexts.clear()


@pytest.fixture
def browser_pages(
    chromium: Browser, live_server: Any, browser_world: World
) -> Iterator[BrowserPages]:
    pages = BrowserPages(chromium, live_server.url)
    yield pages
    pages.close()


# --- Pages of the application --------------------------------------------------------------

# Who opens a page in the browser walks. PUBLIC pages (test_permissions.py): an anonymous
# visitor. Names listed here: that World attribute. Any other page: the first of CANDIDATES
# who gets it as 200 text/html from Django, so new views join without a change here.
OPENED_BY = {"core:audit": "city_auditor"}
CANDIDATES = (
    "city_officer",
    "city_admin",
    "city_auditor",
    "county_a_officer",
    "member_unit_reporter",
)


@dataclass(frozen=True)
class Target:
    name: str
    url: str
    person: Any  # None: anonymous

    @property
    def who(self) -> str:
        return self.person.username if self.person is not None else "anonymous"


def find_target(world: World, name: str, kwargs: tuple[str, ...] | list[str]) -> Target | str:
    """The page behind a URL name and who opens it, or why it is not a page to open.

    Django's test client is asked first: only pages answering 200 text/html are opened in the
    browser. POST-only views (405), redirects, downloads and JSON are not pages; a 5xx fails.
    """
    from zhucan.testing.urlwalk import PUBLIC, url_for

    url = url_for(world, name, list(kwargs))
    if name in PUBLIC:
        people = [None]
    elif name in OPENED_BY:
        people = [getattr(world, OPENED_BY[name])]
    else:
        people = [getattr(world, attr) for attr in CANDIDATES]
    answers = []
    for person in people:
        target = Target(name=name, url=url, person=person)
        status, content_type, location = _probe(target)
        if status == 200 and content_type.startswith("text/html"):
            return target
        assert status < 500, f"{name} ({url}) answered {status} to {target.who}"
        answers.append(f"{status} {content_type}{location} to {target.who}")
        if status == 405 or status == 200:
            break  # POST only, or a download: the same for everyone
    return f"{name} ({url}) is not a page to open: it answers GET with " + ", ".join(answers)


def _probe(target: Target) -> tuple[int, str, str]:
    from django.test import Client

    from zhucan.testing.auth import login_verified

    client = Client()
    if target.person is not None:
        login_verified(client, target.person)
    response = client.get(target.url)
    location = f" (to {response['Location']})" if response.has_header("Location") else ""
    return response.status_code, response.get("Content-Type", ""), location


def page_targets(world: World) -> list[Target]:
    """Every page of the application, for walks that visit them all in one test."""
    from zhucan.testing.urlwalk import URLS

    found = [find_target(world, name, kwargs) for name, kwargs in URLS]
    return [target for target in found if isinstance(target, Target)]


def open_page(page: Page, url: str) -> None:
    response = page.goto(url, wait_until="load")
    assert response is not None and response.status == 200, (
        f"{url} answered {response.status if response else 'nothing'} in the browser"
    )


def error_summary_has_focus(page: Page, *, timeout_ms: int = 5000) -> bool:
    """Whether the error summary takes the focus once the page has loaded.

    Public pages focus it with ``autofocus`` and no script; browsers apply ``autofocus`` at
    their next rendering step, which may come after the load event on a busy machine, so this
    waits for it (up to ``timeout_ms``) instead of reading the focus at once.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    try:
        page.wait_for_function(
            "() => document.activeElement?.hasAttribute('data-error-summary') ?? false",
            timeout=timeout_ms,
        )
    except PlaywrightTimeoutError:
        return False
    return True


def set_display(page: Page, *, text_size: str, contrast: str) -> None:
    """Large text / high contrast as the page's display form would set them, in one request.

    The form on the page is posted through the context (same cookies, its CSRF token) and the
    page reloaded: one round trip instead of a click and navigation per button. That the
    buttons themselves work is test_browser_keyboard.py's business.
    """
    wanted = {"data-text-size": text_size, "data-contrast": contrast}
    if all(page.get_attribute("html", a) == v for a, v in wanted.items()):
        return
    form = page.locator("form.display-settings")
    if not form.count():
        # The public site (zhucan/portal) has one elder mode (larger text, stronger contrast),
        # switched by a plain link that sets a cookie (kept by the context): no session, no form.
        # On the help form the switch is a button of the form, which keeps what was typed.
        if page.get_attribute("html", "class") == "elder":
            return
        switch = page.locator("a[href*='display/?elder=1'], button[name=display][value=elder]")
        with page.expect_navigation(wait_until="load"):
            switch.click()
        assert page.get_attribute("html", "class") == "elder", "the elder mode did not switch on"
        return
    response = page.request.post(
        form.get_attribute("action") or "",
        form={
            "csrfmiddlewaretoken": form.locator("[name='csrfmiddlewaretoken']").get_attribute(
                "value"
            )
            or "",
            "text_size": text_size,
            "contrast": contrast,
            "next": "/",
        },
        max_redirects=0,
    )
    assert response.status in (302, 303), f"the display form answered {response.status}"
    page.reload(wait_until="load")
    for attr, value in wanted.items():
        assert page.get_attribute("html", attr) == value, f"{attr} did not switch to {value}"


# --- axe-core ------------------------------------------------------------------------------


@cache
def _axe_source() -> str:
    return AXE_JS.read_text(encoding="utf-8")


def axe_violations(page: Page, *, rules: list[str] | None = None) -> list[dict[str, Any]]:
    """axe-core's violations for the WCAG 2.2 A/AA + best-practice tags (or only ``rules``)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_axe_source())
    run_only = {"type": "rule", "values": rules} if rules else {"type": "tag", "values": AXE_TAGS}
    violations: list[dict[str, Any]] = page.evaluate(
        """runOnly => axe.run(document, {runOnly, resultTypes: ['violations']})
            .then(result => result.violations)""",
        run_only,
    )
    return violations


def format_violations(violations: list[dict[str, Any]], *, label: str) -> str:
    lines = [f"{label}: {len(violations)} axe-core violation(s)"]
    for violation in violations:
        lines.append(
            f"  [{violation.get('impact')}] {violation['id']}: {violation['help']}"
            f"  ({violation.get('helpUrl', '')})"
        )
        for node in violation.get("nodes", []):
            target = " ".join(str(t) for t in node.get("target", []))
            html = " ".join(node.get("html", "").split())
            if len(html) > 240:
                html = html[:237] + "..."
            lines.append(f"    - target: {target}")
            lines.append(f"      html:   {html}")
            summary = " ".join(node.get("failureSummary", "").split())
            if summary:
                lines.append(f"      fix:    {summary}")
    return "\n".join(lines)


def axe_report(page: Page, label: str, *, rules: list[str] | None = None) -> str | None:
    """None when the page passes, else the formatted violations."""
    violations = axe_violations(page, rules=rules)
    return format_violations(violations, label=label) if violations else None


_ID_PROBLEMS = """() => {
  const seen = {}, problems = [];
  for (const el of document.querySelectorAll('[id]')) seen[el.id] = (seen[el.id] || 0) + 1;
  for (const [id, n] of Object.entries(seen)) {
    if (n > 1) problems.push(`id "${id}" is used ${n} times`);
  }
  for (const el of document.querySelectorAll('[aria-describedby], [aria-labelledby]')) {
    for (const attr of ['aria-describedby', 'aria-labelledby']) {
      for (const id of (el.getAttribute(attr) || '').split(/\\s+/).filter(Boolean)) {
        if (!document.getElementById(id)) {
          problems.push(`${attr}="${id}" names no element: ${el.outerHTML.slice(0, 120)}`);
        }
      }
    }
  }
  return problems;
}"""


def id_problems(page: Page) -> list[str]:
    """Ids used twice, and aria-describedby/-labelledby naming no element (axe misses some)."""
    problems: list[str] = page.evaluate(_ID_PROBLEMS)
    return problems
