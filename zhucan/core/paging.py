"""A page of a list and the list's length in one query.

Django's paginator counts the rows first and reads the page after: two round trips to the
database for every list page. A window function carries the total on each row of the page, so
the count costs nothing more; only a page past the end (no rows, so no total) falls back to
counting.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet, Window

TOTAL = "_page_total"


def page_of(queryset: QuerySet[Any], number: Any, *, per_page: int) -> Page[Any]:
    """The page ``number`` (any value from the query string; as ``Paginator.get_page``)."""
    paginator: Paginator[Any] = Paginator(queryset, per_page)
    try:
        wanted = max(1, int(number))
    except (TypeError, ValueError):
        wanted = 1
    start = (wanted - 1) * per_page
    rows = list(queryset.annotate(**{TOTAL: Window(Count("*"))})[start : start + per_page])
    if not rows and wanted > 1:
        return paginator.get_page(number)
    # Paginator.count is a cached property: setting it spares the COUNT query (an empty first
    # page is an empty list).
    paginator.__dict__["count"] = getattr(rows[0], TOTAL) if rows else 0
    page = paginator.page(wanted)
    page.object_list = rows
    return page
