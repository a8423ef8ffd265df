"""A national tree with one campaign cascade and 1.5 million accepted activity reports.

31 provinces, their cities and counties (the real GB/T 2260 codes), member units at every level
(about 44,000 organisations), the campaign issued at the top and cascaded to every committee,
receipts and plans for every recipient, then the reports and their indicator values generated
by the database itself (``INSERT … SELECT`` over ``generate_series``): moving 15 million rows
through Python would measure Python, not Zhucan. PostgreSQL only.
"""

from __future__ import annotations

import random
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from unittest import mock

from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bench.completeness import (
    UNITS,
    _campaigns,
    _committee,
    _deliveries,
    _insert_level,
    _interleaved,
    _units,
)
from bench.notices import SEED
from bench.timing import measure
from zhucan.campaigns.models import Campaign, CampaignKind, Receipt
from zhucan.campaigns.notice_parser import parse_notice_text
from zhucan.completeness.counts import rebuild_delivery_counts
from zhucan.completeness.selectors import completeness as completeness_of
from zhucan.orgs.models import Membership, Organisation, Region
from zhucan.plans.models import Plan
from zhucan.stats.services.rebuild import rebuild_cells
from zhucan.testing.auth import login_verified
from zhucan.testing.factories import make_user

CATEGORIES = ("visit", "publicity", "employment", "rehabilitation", "education", "assistance")
MODES = ("online", "in_person", "both")


@dataclass(frozen=True)
class NationalSize:
    units_at_top: int = 10
    units_per_province: int = 10
    units_per_city: int = 10
    units_per_county: int = 13
    reports_per_unit: int = 34  # about 1,500,000 in all
    values_per_report: int = 10  # about 15,000,000 in all
    provinces: int = 31


@dataclass
class NationalTree:
    top: Organisation
    province: Organisation
    city: Organisation
    county: Organisation
    organisations: int
    campaign: Campaign
    campaign_ids: list[int]
    reports: int
    values: int
    users: dict[str, Any]


def _region_tree(provinces: int) -> list[tuple[Region, list[tuple[Region, list[Region]]]]]:
    current = Region.objects.filter(is_current=True)
    by_parent: dict[str, list[Region]] = {}
    for region in current.exclude(level=Region.Level.PROVINCE).order_by("code"):
        by_parent.setdefault(region.parent_id or "", []).append(region)
    tree = []
    for province in current.filter(level=Region.Level.PROVINCE).order_by("code")[:provinces]:
        cities = by_parent.get(province.code) or [province]
        tree.append((province, [(c, by_parent.get(c.code) or [c]) for c in cities]))
    return tree


def build_national_tree(size: NationalSize = NationalSize(), *, seed: int = 2020) -> NationalTree:  # noqa: B008
    rng = random.Random(seed)  # noqa: S311 - test data
    regions = _region_tree(size.provinces)
    top_region = regions[0][0]
    (top,) = _insert_level(
        [
            Organisation(
                name="国务院残疾人工作委员会",
                kind=Organisation.Kind.COMMITTEE,
                region=top_region,
            )
        ]
    )
    provinces = _insert_level([_committee(p, top, 0) for p, _cities in regions])
    city_rows: list[Organisation] = []
    counties_of_city: list[list[Region]] = []
    for province, (province_region, city_regions) in zip(provinces, regions, strict=True):
        for n, (city_region, county_regions) in enumerate(city_regions):
            same = city_region.code == province_region.code
            city_rows.append(_committee(city_region, province, n if same else 0))
            counties_of_city.append(county_regions)
    cities = _insert_level(city_rows)
    county_rows: list[Organisation] = []
    for city, county_regions in zip(cities, counties_of_city, strict=True):
        seen: dict[str, int] = {}
        for county_region in county_regions:
            county_rows.append(_committee(county_region, city, seen.get(county_region.code, 0)))
            seen[county_region.code] = seen.get(county_region.code, 0) + 1
    counties = _insert_level(county_rows)
    units = _units(top, top.region, size.units_at_top)
    for org in provinces:
        units += _units(org, org.region, size.units_per_province)
    for org in cities:
        units += _units(org, org.region, size.units_per_city)
    for org in counties:
        units += _units(org, org.region, min(size.units_per_county, len(UNITS)))
    units = _insert_level(units)
    organisations = 1 + len(provinces) + len(cities) + len(counties) + len(units)

    parsed = parse_notice_text(SEED.read_text(encoding="utf-8"))
    body = [b.__dict__ for b in parsed.body]
    today = timezone.localdate()
    now = timezone.now()
    template = Campaign(
        kind=CampaignKind.objects.get(name="全国助残日"),
        year=today.year,
        edition=today.year - 1990,
        date=today - timedelta(days=20),
        theme=parsed.theme or "",
        publicity=parsed.publicity or "",
        published_at=now - timedelta(days=40),
        plans_due=today - timedelta(days=30),
        reports_due=today - timedelta(days=3),
        summary_due=today + timedelta(days=20),
    )
    (campaign,) = _campaigns([(None, top)], template, body)
    by_org: dict[int, Campaign] = {top.pk: campaign}
    for level in (provinces, cities, counties):
        made = _campaigns([(by_org[o.parent_id or 0], o) for o in level], template, body)
        by_org.update({c.issuing_org_id: c for c in made})
    recipients = [(by_org[o.parent_id or 0], o) for o in [*provinces, *cities, *counties, *units]]
    receipts, plans, _reminders = _deliveries(recipients, rng, now=now, due=template.plans_due)
    Receipt.objects.bulk_create(receipts, batch_size=2000)
    Plan.objects.bulk_create(plans, batch_size=2000)

    reports, values = _reports_and_values(size)
    # Receipts, plans and first reports were loaded past the services: count them as they would.
    start = time.perf_counter()
    counted = rebuild_delivery_counts(by=None)
    print(f"  {counted} delivery counts in {time.perf_counter() - start:.1f} s", flush=True)
    users = {
        name: make_user(
            username=f"bench_{name}_{org.pk}",
            full_name=f"{org.name}协调员",
            org=org,
            role=Membership.Role.COORDINATOR,
        )
        for name, org in (("national", top), ("province", provinces[0]), ("county", counties[0]))
    }
    county = counties[0]
    city = next(c for c in cities if c.pk == county.parent_id)
    province = next(p for p in provinces if p.pk == city.parent_id)
    return NationalTree(
        top=top,
        province=province,
        city=city,
        county=county,
        organisations=organisations,
        campaign=campaign,
        campaign_ids=[c.pk for c in by_org.values()],
        reports=reports,
        values=values,
        users=users,
    )


@contextmanager
def _bulk_load(cursor: Any, tables: tuple[str, ...]) -> Iterator[None]:
    """Load the way a DBA would: no foreign-key triggers (the keys were checked as the tree was
    built), and the secondary indexes and constraints dropped and rebuilt once afterwards rather
    than kept up row by row.
    """
    saved: list[str] = []
    for table in tables:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype IN ('u', 'c')",
            [table],
        )
        for name, definition in cursor.fetchall():
            saved.append(f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}")
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s "
            "AND indexname NOT LIKE '%%_pkey'",
            [table],
        )
        for name, definition in cursor.fetchall():
            saved.append(definition)
            cursor.execute(f"DROP INDEX {name}")
    cursor.execute("SET session_replication_role = replica")
    try:
        yield
    finally:
        cursor.execute("SET session_replication_role = DEFAULT")
    start = time.perf_counter()
    cursor.execute("SET maintenance_work_mem = '512MB'")
    for statement in saved:
        cursor.execute(statement)
    print(f"  indexes and constraints rebuilt in {time.perf_counter() - start:.1f} s", flush=True)


def _reports_and_values(size: NationalSize) -> tuple[int, int]:
    """Accepted reports for every member unit in its committee's campaign, then the default
    indicators' values for each, written by the database."""
    tables = ("activities_activityreport", "activities_indicatorvalue")
    with connection.cursor() as cursor, _bulk_load(cursor, tables):
        start = time.perf_counter()
        cursor.execute(
            """
            INSERT INTO activities_activityreport (
                campaign_id, organisation_id, client_id, category, title, start_date,
                end_date, region_id, place, mode, attendance, disabled_served, volunteers,
                cash, goods_value, description, safety_measures, status, version,
                created_at, updated_at, submitted_at, first_submitted_at, decided_at,
                return_reason)
            SELECT c.id, o.id, gen_random_uuid(),
                (%s::text[])[1 + (o.id + g) %% cardinality(%s::text[])],
                '全国助残日活动', c.date, c.date, o.region_id, '',
                (%s::text[])[1 + (o.id * 7 + g) %% cardinality(%s::text[])],
                20 + (o.id + g) %% 80, 5 + (o.id + 3 * g) %% 40, (o.id + g) %% 15,
                ((o.id + g) %% 50) * 100, ((o.id + 2 * g) %% 30) * 50, '', '',
                'accepted', 3, now(), now(), now(), now(), now(), ''
            FROM orgs_organisation o
            JOIN campaigns_campaign c ON c.issuing_org_id = o.parent_id
            CROSS JOIN generate_series(1, %s) AS g
            WHERE o.kind = 'member_unit'
            """,
            [*[list(CATEGORIES)] * 2, *[list(MODES)] * 2, size.reports_per_unit],
        )
        reports = cursor.rowcount
        print(f"  {reports} reports in {time.perf_counter() - start:.1f} s", flush=True)
        start = time.perf_counter()
        cursor.execute(
            """
            INSERT INTO activities_indicatorvalue (report_id, indicator_id, value)
            SELECT r.id, i.id, (r.id + i.id) %% 40
            FROM activities_activityreport r
            CROSS JOIN (
                SELECT id FROM activities_indicator WHERE campaign_id IS NULL
                ORDER BY position, id LIMIT %s
            ) AS i
            """,
            [size.values_per_report],
        )
        values = cursor.rowcount
        # As the activities service does on each recipient's first submitted report.
        cursor.execute(
            """
            UPDATE campaigns_receipt AS t SET first_report_at = f.first
            FROM (
                SELECT campaign_id, organisation_id, min(first_submitted_at) AS first
                FROM activities_activityreport GROUP BY campaign_id, organisation_id
            ) AS f
            WHERE t.campaign_id = f.campaign_id AND t.organisation_id = f.organisation_id
            """
        )
        print(f"  {values} indicator values in {time.perf_counter() - start:.1f} s", flush=True)
    with connection.cursor() as cursor:
        start = time.perf_counter()
        cursor.execute("ANALYZE")
        print(f"  analysed in {time.perf_counter() - start:.1f} s", flush=True)
    return reports, values


def full_scan(campaign_ids: list[int], node: Organisation) -> list[tuple[Any, ...]]:
    """The best hand-written SQL for a dashboard's figures straight from the raw tables: every
    accepted report of the cascade under the node, grouped by the node's child it falls under,
    with its indicator values (one pass over each table; PostgreSQL may use parallel workers).
    """
    depth = node.path.count("/")  # "/1/" has 2 slashes: the child's id is part 3
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH cascade AS (SELECT unnest(%s::bigint[]) AS id),
            r AS (
                SELECT r.id, split_part(o.path, '/', %s) AS child, r.category, r.mode,
                       r.attendance, r.disabled_served, r.volunteers, r.cash, r.goods_value
                FROM activities_activityreport r
                JOIN cascade ON cascade.id = r.campaign_id
                JOIN orgs_organisation o ON o.id = r.organisation_id
                WHERE r.status = 'accepted' AND o.path LIKE %s
            )
            SELECT child, 'report' AS kind, category || ':' || mode AS key, count(*),
                   sum(attendance), sum(disabled_served), sum(volunteers), sum(cash),
                   sum(goods_value)
            FROM r GROUP BY child, category, mode
            UNION ALL
            SELECT r.child, 'indicator', v.indicator_id::text, count(*), sum(v.value),
                   NULL, NULL, NULL, NULL
            FROM activities_indicatorvalue v JOIN r ON r.id = v.report_id
            GROUP BY r.child, v.indicator_id
            """,
            [campaign_ids, depth + 1, node.path + "%"],
        )
        rows: list[tuple[Any, ...]] = cursor.fetchall()
        return rows


def run() -> dict[str, float]:
    if connection.vendor != "postgresql":
        raise SystemExit("The national benchmark needs PostgreSQL: set DATABASE_URL.")
    from bench.completeness import scratch_database

    with scratch_database():
        start = time.perf_counter()
        tree = build_national_tree()
        built = time.perf_counter() - start
        print(
            f"  built {tree.organisations} organisations, {len(tree.campaign_ids)} campaigns, "
            f"{tree.reports} reports, {tree.values} indicator values in {built:.0f} s",
            flush=True,
        )
        start = time.perf_counter()
        cells = rebuild_cells(by=None)
        rebuilt = time.perf_counter() - start
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE stats_cell")
        print(f"  rebuilt {cells} statistics cells in {rebuilt:.0f} s", flush=True)
        figures = _time(tree)
        figures.update(
            {
                "national_orgs": tree.organisations,
                "national_reports": tree.reports,
                "national_values": tree.values,
                "national_load_s": round(built),
                "stats_rebuild_s": round(rebuilt),
            }
        )
        return figures


def _time(tree: NationalTree) -> dict[str, float]:
    clients = {
        name: login_verified(Client(HTTP_HOST="localhost"), user)
        for name, user in tree.users.items()
    }
    campaign = tree.campaign.pk

    def page(who: str, name: str, *, of: int = campaign, **kwargs: Any) -> Callable[[], None]:
        url = reverse(name, kwargs={"campaign_pk": of, **kwargs})

        def get() -> None:
            response = clients[who].get(url)
            assert response.status_code == 200, (url, response.status_code)

        return get

    cases = {
        "national": page("national", "stats:dashboard"),
        "province": page("province", "stats:node", org_pk=tree.province.pk),
        # A county sees the campaign its city sent it, not the national one above that.
        "county": page(
            "county",
            "stats:node",
            of=Campaign.objects.get(issuing_org=tree.city).pk,
            org_pk=tree.county.pk,
        ),
        "drill": page("national", "stats:node", org_pk=tree.city.pk),
        # The same page computed and rendered afresh every time: the cache's baseline.
        "national_uncached": _uncached(page("national", "stats:dashboard")),
    }
    print("  timing the dashboards …", flush=True)
    timings = _interleaved(cases, rounds=20)
    for key, timing in timings.items():
        print(
            f"    {key}: median {timing.median_ms:.1f} ms, p95 {timing.p95_ms:.1f} ms", flush=True
        )
    # Seconds per run: a few runs give a steady median.
    print("  timing the full-scan SQL …", flush=True)
    timings["fullscan"] = measure(
        lambda: full_scan(tree.campaign_ids, tree.top), repeat=3, warmup=1
    )
    print(f"    fullscan: median {timings['fullscan'].median_ms:.0f} ms", flush=True)
    # The page against its baseline, reading every recipient of the cascade as the page did
    # before the counts were kept (selectors.completeness), in turn.
    print("  timing the completeness page …", flush=True)
    national_user = tree.users["national"]
    done = _interleaved(
        {
            "page": page("national", "completeness:campaign"),
            "every_recipient": lambda: completeness_of(national_user, tree.campaign),
        },
        rounds=10,
    )
    completeness, every = done["page"], done["every_recipient"]
    print(
        f"    page: median {completeness.median_ms:.1f} ms, p95 {completeness.p95_ms:.1f} ms; "
        f"every recipient: median {every.median_ms:.1f} ms",
        flush=True,
    )
    national, scan = timings["national"], timings["fullscan"]
    export_rows, export_s, export_mb = _export(tree)
    return {
        "dashboard_national_ms": round(national.median_ms, 1),
        "dashboard_national_p95_ms": round(national.p95_ms, 1),
        "dashboard_national_uncached_ms": round(timings["national_uncached"].median_ms, 1),
        "dashboard_national_uncached_p95_ms": round(timings["national_uncached"].p95_ms, 1),
        "dashboard_cached_ratio": round(national.p95_ms / timings["national_uncached"].p95_ms, 3),
        "dashboard_province_ms": round(timings["province"].median_ms, 1),
        "dashboard_province_p95_ms": round(timings["province"].p95_ms, 1),
        "dashboard_county_ms": round(timings["county"].median_ms, 1),
        "dashboard_county_p95_ms": round(timings["county"].p95_ms, 1),
        "dashboard_drill_ms": round(timings["drill"].median_ms, 1),
        "dashboard_drill_p95_ms": round(timings["drill"].p95_ms, 1),
        "fullscan_sql_ms": round(scan.median_ms, 1),
        "dashboard_ratio_vs_fullscan": round(national.median_ms / scan.median_ms, 4),
        "completeness_national_ms": round(completeness.median_ms, 1),
        "completeness_national_p95_ms": round(completeness.p95_ms, 1),
        "completeness_every_recipient_ms": round(every.median_ms, 1),
        "completeness_ratio_vs_every_recipient": round(completeness.median_ms / every.median_ms, 3),
        "export_rows": export_rows,
        "export_rows_per_s": round(export_rows / export_s),
        "export_peak_mb": round(export_mb, 1),
    }


def _uncached(get: Callable[[], None]) -> Callable[[], None]:
    """``get`` with the dashboard's cache never answering (what it renders is still stored)."""

    def run() -> None:
        with mock.patch("zhucan.stats.views.dashboard.get_board", return_value=None):
            get()

    return run


def _export(tree: NationalTree, rows: int = 100_000) -> tuple[int, float, float]:
    """100,000 accepted reports streamed to a file: timed on its own, then written again under
    tracemalloc for the peak memory (tracing slows Python down too much to time it as well)."""
    from zhucan.stats.exports import write_reports_xlsx
    from zhucan.stats.selectors import NO_FILTERS

    def write() -> int:
        with tempfile.TemporaryFile() as out:
            return write_reports_xlsx(
                out, campaign=tree.campaign, node=tree.top, filters=NO_FILTERS, limit=rows
            )

    start = time.perf_counter()
    written = write()
    elapsed = time.perf_counter() - start
    tracemalloc.start()
    write()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return written, elapsed, peak / 2**20
