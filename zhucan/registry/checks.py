"""System checks of the registry keys: ``manage.py check`` (and every command that runs the
checks: runserver, migrate, db_worker) fails on keys that are malformed, and, with a database
(``check --database default``, ``migrate``), on keys that are not the ones the data was written
with (``registry.keycheck``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register

from zhucan.registry import crypto

HINT = "See docs/configuration.md (ZHUCAN_REGISTRY_KEYS)."


@register(Tags.security)
def check_key_format(app_configs: Sequence[AppConfig] | None, **kwargs: Any) -> list[CheckMessage]:
    return [
        Error(problem, hint=HINT, id="registry.E001")
        for problem in crypto.key_problems(settings.REGISTRY_KEYS)
    ]


@register(Tags.security, Tags.database)
def check_keys_against_database(
    app_configs: Sequence[AppConfig] | None, databases: Sequence[str] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    if not databases or "default" not in databases:
        return []
    if crypto.key_problems(settings.REGISTRY_KEYS):
        return []  # registry.E001 says what is wrong
    from zhucan.registry import keycheck

    if not keycheck._table_exists():
        return []  # before the first migrate: nothing recorded, nothing to compare
    return [
        Error(problem, hint=HINT, id="registry.E002")
        for problem in keycheck.key_check_problems(crypto.parse_keys(settings.REGISTRY_KEYS))
    ]
