"""The larger SQLite page cache an import writes with is given back afterwards, also when the
import fails."""

from __future__ import annotations

import pytest
from django.db import connection

from zhucan.registry.imports.saving import SQLITE_IMPORT_CACHE_KIB, roomy_page_cache

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "sqlite", reason="a setting of SQLite's"),
]


def _cache_size() -> int:
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        return int(cursor.fetchone()[0])


def test_the_import_writes_with_a_larger_cache_and_gives_it_back() -> None:
    before = _cache_size()
    assert before != -SQLITE_IMPORT_CACHE_KIB
    with roomy_page_cache():
        assert _cache_size() == -SQLITE_IMPORT_CACHE_KIB
    assert _cache_size() == before


def test_the_cache_is_given_back_when_the_import_fails() -> None:
    before = _cache_size()
    with pytest.raises(RuntimeError), roomy_page_cache():
        raise RuntimeError("the import failed")
    assert _cache_size() == before
