"""Shared set-up for the account tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import translation
from pytest_django import Settings

BROWSER_PLUGIN = "zhucan.testing.browser"
ACTIVE_ACCOUNT = "zhucan.accounts.middleware.ActiveAccountMiddleware"
SECOND_FACTOR = "zhucan.accounts.middleware.SecondFactorMiddleware"


def pytest_configure(config: pytest.Config) -> None:
    # As zhucan/core/tests/conftest.py does, until zhucan/conftest.py registers the plugin.
    if not config.pluginmanager.has_plugin(BROWSER_PLUGIN):
        config.pluginmanager.import_plugin(BROWSER_PLUGIN)


@pytest.fixture(autouse=True)
def second_factor_middleware(settings: Settings) -> None:
    """SecondFactorMiddleware where it belongs, right after ActiveAccountMiddleware.

    A no-op once settings.py lists it; until then (settings.py has another owner) the tests
    still exercise the real order. test_two_factor checks settings.py itself.
    """
    if SECOND_FACTOR not in settings.MIDDLEWARE:
        middleware = list(settings.MIDDLEWARE)
        middleware.insert(middleware.index(ACTIVE_ACCOUNT) + 1, SECOND_FACTOR)
        settings.MIDDLEWARE = middleware


@pytest.fixture
def no_otp_throttling(settings: Settings) -> None:
    """django-otp waits 1, 2, 4 … seconds after each wrong code; tests of our own lockout
    post several wrong codes in a row and must not be stopped by that first."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


@pytest.fixture(autouse=True)
def in_english(settings: Settings) -> Iterator[None]:
    """Pages and messages in English (the msgids), so tests hold once zh-Hans is translated.

    The test client sends no Accept-Language, so LocaleMiddleware falls back to LANGUAGE_CODE.
    """
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
