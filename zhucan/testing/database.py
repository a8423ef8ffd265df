"""A pytest plugin: on PostgreSQL, the flush after each transactional test empties the audit
table past its TRUNCATE trigger (core migration 0003), and does so quickly.

Django flushes with one TRUNCATE of every table, which the trigger refuses, as it should in
production. The test database's superuser may run the flush with
``session_replication_role = replica``, under which ordinary triggers do not fire; the
application's own role cannot set it.

The TRUNCATE is also slow: PostgreSQL gives each of the sixty-odd tables new files, about a
second and a half per transactional test (there are a few hundred, the browser tests above all),
even though a test leaves a few dozen rows. The same flush is therefore run as one DELETE per
table. Under the replica role neither the foreign-key triggers nor the audit table's
append-only trigger fire, so the order of the tables does not matter; sequences are left as
TRUNCATE without RESTART IDENTITY leaves them. Any other form of flush (RESTART IDENTITY,
CASCADE) runs as Django wrote it.

A plugin that keeps the rows of the data migrations (zhucan/testing/browser.py) registers with
``refill_after_flush`` how to put them back; the flush then does so before Django's post_migrate
handlers run, which then find every content type and permission in place.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

import pytest

# The flush Django writes for reset_sequences=False, allow_cascade=False, in no_style().
_PLAIN_TRUNCATE = re.compile(r'TRUNCATE ("[^"]+"(?:, "[^"]+")*);')


_refills: list[Callable[[], None]] = []


def refill_after_flush(refill: Callable[[], None]) -> None:
    """Run ``refill`` at the end of every flush (once registered, for the rest of the run)."""
    _refills[:] = [refill]


def deletes_for(sql_list: Iterable[str]) -> list[str] | None:
    """The plain TRUNCATE of ``sql_list`` as one DELETE per table, or None for anything else."""
    statements = list(sql_list)
    match = _PLAIN_TRUNCATE.fullmatch(statements[0]) if len(statements) == 1 else None
    if match is None:
        return None
    return [f"DELETE FROM {table}" for table in match.group(1).split(", ")]  # noqa: S608


def _patch_flush() -> None:
    try:
        from django.db.backends.postgresql.operations import DatabaseOperations
    except ImportError:  # no PostgreSQL driver: SQLite only
        return
    if getattr(DatabaseOperations.execute_sql_flush, "_past_audit_trigger", False):
        return
    original = DatabaseOperations.execute_sql_flush

    def execute_sql_flush(self: Any, sql_list: Iterable[str]) -> None:
        sql_list = list(sql_list)
        with self.connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")
        try:
            original(self, deletes_for(sql_list) or sql_list)
        finally:
            with self.connection.cursor() as cursor:
                cursor.execute("SET session_replication_role = DEFAULT")
        for refill in _refills:
            refill()

    execute_sql_flush._past_audit_trigger = True  # type: ignore[attr-defined]
    DatabaseOperations.execute_sql_flush = execute_sql_flush  # type: ignore[method-assign]


def pytest_configure(config: pytest.Config) -> None:
    _patch_flush()
