"""The page's fast path (totals and levels from the kept counts, the list sorted and cut into
pages by the database) shows what reading every recipient shows, for every sort and filter."""

from __future__ import annotations

from collections.abc import Iterable

import pytest
from django.db.models import F

from bench.completeness import ProvinceTree, TreeSize, build_province_tree
from zhucan.completeness.page import Listing, overview, recipients
from zhucan.completeness.selectors import Row, completeness, filter_rows, sort_rows
from zhucan.orgs.models import Organisation

SMALL = TreeSize(
    cities=2, counties_per_city=3, units_per_county=3, units_per_city=2, units_at_province=2
)
SORTS = ["name", "name:desc", "receipt", "receipt:desc", "plan", "report:desc", "reminders"]
FILTERS = [
    {},
    {"kind": "plan", "status": "overdue"},
    {"kind": "receipt", "status": "on_time"},
    {"status": "late"},
    {"status": "missing"},
    {"q": "民政"},
]


def shown(rows: Iterable[Row]) -> list[tuple[object, ...]]:
    return [
        (
            r.campaign_id,
            r.organisation_id,
            r.name,
            r.requested_by,
            r.order,
            r.reminders,
            [(c.status, c.due, c.delivered_on) for c in r.cells.values()],
        )
        for r in rows
    ]


@pytest.fixture
def tree(db: None) -> ProvinceTree:
    built = build_province_tree(SMALL)
    # The bench loads no display order; the pages' order needs one (unique, as real ones are).
    Organisation.objects.update(sort_path=F("path"))
    return built


def test_the_counts_give_the_totals_and_levels_of_every_recipient(tree: ProvinceTree) -> None:
    user, campaign = tree.coordinator, tree.campaign
    for node in (None, tree.cities[0], tree.counties[0]):
        live = completeness(user, campaign, node=node)
        fast = overview(user, campaign, node=node)
        assert fast.rows == [] and fast.recipients == len(live.rows) > 0
        assert fast.totals == live.totals
        assert fast.groups == live.groups
        assert fast.kinds == live.kinds and fast.breadcrumbs == live.breadcrumbs
    # Statuses of several kinds, or the comparison proves little.
    kinds = ("on_time", "late", "missing", "overdue")
    assert len({s for t in live.totals.values() for s in kinds if getattr(t, s)}) >= 3


def test_the_database_sorts_and_filters_as_the_rows_do(tree: ProvinceTree) -> None:
    user, campaign = tree.coordinator, tree.campaign
    for node in (tree.province, tree.cities[0]):
        live = completeness(user, campaign, node=node)
        for sort in SORTS:
            for filters in FILTERS:
                expected = sort_rows(filter_rows(live.rows, **filters), sort)
                found = Listing(recipients(user, campaign, node, sort=sort, **filters))
                assert found.count() == len(expected)
                assert shown(found[0 : len(expected)]) == shown(expected), (sort, filters)
                assert shown(found[3:7]) == shown(expected[3:7]), (sort, filters)
