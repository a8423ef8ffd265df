"""``ids_in``: the same rows as a list of ids, as one array parameter on PostgreSQL."""

from __future__ import annotations

from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zhucan.core.sql import ids_in


def test_many_ids_find_the_same_rows_as_a_list(db: None) -> None:
    ids = list(Permission.objects.values_list("pk", flat=True))[:150]
    assert len(ids) == 150
    wanted = ids[:120] + [10**12]  # and an id that is nowhere
    with CaptureQueriesContext(connection) as queries:
        found = set(Permission.objects.filter(pk__in=ids_in(wanted)).values_list("pk", flat=True))
    assert found == set(ids[:120])
    sql = queries.captured_queries[0]["sql"]
    if connection.vendor == "postgresql":
        assert "IN (SELECT unnest(" in sql  # one array, not a placeholder per id
    assert set(
        Permission.objects.filter(pk__in=ids_in(ids[:5])).values_list("pk", flat=True)
    ) == set(ids[:5])
