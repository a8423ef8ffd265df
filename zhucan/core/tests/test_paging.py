"""A list's page and its length read in one query."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zhucan.conftest import World
from zhucan.core.paging import page_of
from zhucan.orgs.models import Organisation


def _orgs() -> list[int]:
    return list(Organisation.objects.order_by("pk").values_list("pk", flat=True))


def test_a_page_and_the_total_come_in_one_query(world: World) -> None:
    with CaptureQueriesContext(connection) as queries:
        page = page_of(Organisation.objects.order_by("pk"), "2", per_page=2)
        shown = [org.pk for org in page.object_list]
        total, pages = page.paginator.count, page.paginator.num_pages

    assert len(queries.captured_queries) == 1
    assert shown == _orgs()[2:4]
    assert (total, pages, page.number) == (5, 3, 2)
    assert page.has_previous() and page.has_next()


@pytest.mark.parametrize(("asked", "shown"), [("9", 3), ("x", 1), (None, 1), ("0", 1)])
def test_a_page_out_of_range_or_not_a_number_is_answered_as_the_paginator_does(
    world: World, asked: str | None, shown: int
) -> None:
    page = page_of(Organisation.objects.order_by("pk"), asked, per_page=2)

    assert page.number == shown
    assert [org.pk for org in page.object_list] == _orgs()[(shown - 1) * 2 : shown * 2]
    assert page.paginator.count == 5


def test_an_empty_list_is_one_query_too(db: None) -> None:
    with CaptureQueriesContext(connection) as queries:
        page = page_of(Organisation.objects.order_by("pk"), "1", per_page=2)
        empty = (list(page.object_list), page.paginator.count, page.paginator.num_pages)

    assert len(queries.captured_queries) == 1
    assert empty == ([], 0, 1)
