"""Loads the browser-test plugin for this folder until zhucan/conftest.py registers it.

Once zhucan/conftest.py has ``pytest_plugins = ["zhucan.testing.browser"]`` (needed for the
terminal-summary banner under xdist, whose controller does not load this file), this file may go;
keeping it does no harm: the plugin is registered only once.
"""

from __future__ import annotations

import pytest

PLUGIN = "zhucan.testing.browser"


def pytest_configure(config: pytest.Config) -> None:
    if not config.pluginmanager.has_plugin(PLUGIN):
        config.pluginmanager.import_plugin(PLUGIN)
