"""A pytest plugin: on PostgreSQL, the flush after each transactional test empties the audit
table past its TRUNCATE trigger (core migration 0003).

Django flushes with one TRUNCATE of every table, which the trigger refuses, as it should in
production. The test database's superuser may run the flush with
``session_replication_role = replica``, under which ordinary triggers do not fire; the
application's own role cannot set it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pytest


def _patch_flush() -> None:
    try:
        from django.db.backends.postgresql.operations import DatabaseOperations
    except ImportError:  # no PostgreSQL driver: SQLite only
        return
    if getattr(DatabaseOperations.execute_sql_flush, "_past_audit_trigger", False):
        return
    original = DatabaseOperations.execute_sql_flush

    def execute_sql_flush(self: Any, sql_list: Iterable[str]) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")
        try:
            original(self, sql_list)
        finally:
            with self.connection.cursor() as cursor:
                cursor.execute("SET session_replication_role = DEFAULT")

    execute_sql_flush._past_audit_trigger = True  # type: ignore[attr-defined]
    DatabaseOperations.execute_sql_flush = execute_sql_flush  # type: ignore[method-assign]


def pytest_configure(config: pytest.Config) -> None:
    _patch_flush()
