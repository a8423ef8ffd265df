"""Small pieces of SQL shared by the apps' selectors."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django.db import connection
from django.db.models.expressions import RawSQL

# Below this many ids a plain list of placeholders is as quick.
_ARRAY_FROM = 100


def ids_in(ids: Collection[int]) -> Any:
    """A value for ``field__in`` with many ids: on PostgreSQL one array parameter
    (``IN (SELECT unnest(%s))``) instead of a placeholder per id. A national campaign's cascade
    has thousands of campaigns; the driver parsed their placeholders in every query that named
    them, which cost more than the queries themselves."""
    if connection.vendor != "postgresql" or len(ids) < _ARRAY_FROM:
        return list(ids)
    return RawSQL("SELECT unnest(%s::bigint[])", [list(ids)])  # noqa: S611 - a fixed text
