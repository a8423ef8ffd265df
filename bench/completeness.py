"""The completeness page over a province-sized tree (bar: page < 200 ms, bounded queries).

The tree is bulk-loaded into a throw-away database (a temporary SQLite file, or a scratch
PostgreSQL database next to the one DATABASE_URL names), so a developer's demo data is never
touched. Requests go through the whole stack: middleware, session, view, template.
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from django.db import connection
from django.db.models import CharField, Count, OuterRef, Q, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Concat
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bench.notices import SEED
from bench.timing import Timing, measure
from zhucan.campaigns.models import Campaign, CampaignKind, Notice, Receipt
from zhucan.campaigns.notice_parser import parse_notice_text
from zhucan.completeness.counts import rebuild_delivery_counts
from zhucan.completeness.models import DeliverableKind, ReminderSent
from zhucan.orgs.models import Department, Membership, Organisation, Region
from zhucan.orgs.ordering import sort_path_for
from zhucan.plans.models import Plan
from zhucan.testing.auth import login_verified
from zhucan.testing.factories import make_user

# The member units a committee has, as notices name them (one of each at most per committee).
UNITS = (
    ("残疾人联合会", Department.FEDERATION),
    ("民政局", Department.CIVIL_AFFAIRS),
    ("人力资源和社会保障局", Department.HUMAN_RESOURCES),
    ("卫生健康委员会", Department.HEALTH),
    ("医疗保障局", Department.MEDICAL_INSURANCE),
    ("教育局", Department.EDUCATION),
    ("住房和城乡建设局", Department.HOUSING),
    ("乡村振兴局", Department.RURAL_REVITALISATION),
    ("总工会", Department.UNION),
    ("团委", Department.YOUTH_LEAGUE),
    ("妇女联合会", Department.WOMENS_FEDERATION),
    ("人民武装部", Department.MILITARY),
    ("宣传部", Department.PUBLICITY),
    ("财政局", Department.FINANCE),
)
COMMITTEE = "人民政府残疾人工作委员会"


@dataclass(frozen=True)
class TreeSize:
    cities: int = 20
    counties_per_city: int = 10
    units_per_county: int = 13
    units_per_city: int = 10
    units_at_province: int = 10


@dataclass
class ProvinceTree:
    province: Organisation
    cities: list[Organisation]
    counties: list[Organisation]
    organisations: int
    campaign: Campaign  # the province's; the cascade hangs below it
    campaign_ids: list[int]
    receipts: int
    plans: int
    coordinator: Any


def _regions(province_code: str, size: TreeSize) -> list[tuple[Region, list[Region]]]:
    """Real cities and counties of the province; reused in turn when there are too few."""
    current = Region.objects.filter(is_current=True)
    cities = list(current.filter(parent_id=province_code, level=Region.Level.CITY))
    counties: dict[str, list[Region]] = {}
    for county in current.filter(parent_id__in=[c.code for c in cities]):
        counties.setdefault(county.parent_id or "", []).append(county)
    picked = []
    for i in range(size.cities):
        city = cities[i % len(cities)]
        own = counties.get(city.code) or [city]
        picked.append((city, [own[j % len(own)] for j in range(size.counties_per_city)]))
    return picked


def _insert_level(orgs: list[Organisation]) -> list[Organisation]:
    """Insert one level of the tree, then give it its materialised path "/1/7/42/" and its
    ``sort_path`` (as ``orgs.services`` does), which need the new pks: one UPDATE for the
    paths, not one per organisation. The parents are the previous level's returned objects."""
    created = Organisation.objects.bulk_create(orgs, batch_size=500)
    ids = [org.pk for org in created]
    parent = Organisation.objects.filter(pk=OuterRef("parent_id"))
    Organisation.objects.filter(pk__in=ids).update(
        path=Concat(
            Coalesce(Subquery(parent.values("path")), Value("/")),
            Cast("pk", CharField()),
            Value("/"),
        ),
        depth=Coalesce(Subquery(parent.values("depth")) + 1, 0),
    )
    placed = {
        pk: (path, depth)
        for pk, path, depth in Organisation.objects.filter(pk__in=ids).values_list(
            "pk", "path", "depth"
        )
    }
    for org in created:
        org.path, org.depth = placed[org.pk]
        # Without it every organisation would tie, and every ordered read would time a
        # tree in no order, unlike a real one.
        org.sort_path = sort_path_for(org, org.parent)
    Organisation.objects.bulk_update(created, ["sort_path"], batch_size=1000)
    return created


def _units(committee: Organisation, region: Region, count: int) -> list[Organisation]:
    return [
        Organisation(
            name=f"{region.name}{label}",
            kind=Organisation.Kind.MEMBER_UNIT,
            department=department,
            region=region,
            parent=committee,
        )
        for label, department in UNITS[:count]
    ]


def _committee(region: Region, parent: Organisation | None, n: int) -> Organisation:
    # A reused region code gets a number, since names are unique under one parent.
    name = f"{region.name}{COMMITTEE}" + (f"（{n + 1}）" if n else "")
    return Organisation(name=name, kind=Organisation.Kind.COMMITTEE, region=region, parent=parent)


def _campaigns(
    parents: list[tuple[Campaign | None, Organisation]], template: Campaign, body: list[Any]
) -> list[Campaign]:
    """Published campaigns like ``template``; each notice carries the whole body, as a county's
    own notice copies its parent's (``create_child_campaign``)."""
    created = Campaign.objects.bulk_create(
        Campaign(
            kind=template.kind,
            year=template.year,
            edition=template.edition,
            date=template.date,
            theme=template.theme,
            publicity=template.publicity,
            issuing_org=org,
            parent=parent,
            status=Campaign.Status.PUBLISHED,
            published_at=template.published_at,
            plans_due=template.plans_due,
            reports_due=template.reports_due,
            summary_due=template.summary_due,
        )
        for parent, org in parents
    )
    Notice.objects.bulk_create(
        Notice(
            campaign=c,
            header=f"{c.issuing_org.name}文件",
            issuer=c.issuing_org.name,
            title=f"{c.issuing_org.name}关于开展第{c.edition}次全国助残日活动的通知",
            recipients=["各成员单位"],
            body=body,
            signature=c.issuing_org.name,
        )
        for c in created
    )
    return created


def build_province_tree(
    size: TreeSize = TreeSize(),  # noqa: B008 - frozen, so one shared default is safe
    *,
    province_code: str = "410000",
    seed: int = 2020,
) -> ProvinceTree:
    """A province committee, its cities and counties and their member units, one campaign
    cascaded down every level, and a realistic spread of signed receipts, plans and reminders.
    """
    rng = random.Random(seed)  # noqa: S311 - test data, not secrets
    province_region = Region.objects.get(code=province_code)
    (province,) = _insert_level([_committee(province_region, None, 0)])
    regions = _regions(province_code, size)
    seen: dict[str, int] = {}
    city_regions = []
    for city_region, _counties in regions:
        city_regions.append((city_region, seen.get(city_region.code, 0)))
        seen[city_region.code] = seen.get(city_region.code, 0) + 1
    cities = _insert_level([_committee(r, province, n) for r, n in city_regions])
    county_rows = []
    for city, (_r, county_regions) in zip(cities, regions, strict=True):
        seen = {}
        for r in county_regions:
            county_rows.append(_committee(r, city, seen.get(r.code, 0)))
            seen[r.code] = seen.get(r.code, 0) + 1
    counties = _insert_level(county_rows)
    units = _units(province, province_region, size.units_at_province)
    for city in cities:
        units += _units(city, city.region, size.units_per_city)
    for county in counties:
        units += _units(county, county.region, size.units_per_county)
    units = _insert_level(units)
    units_of: dict[int, list[Organisation]] = {}
    for unit in units:
        units_of.setdefault(unit.parent_id or 0, []).append(unit)
    counties_of: dict[int, list[Organisation]] = {}
    for county in counties:
        counties_of.setdefault(county.parent_id or 0, []).append(county)

    parsed = parse_notice_text(SEED.read_text(encoding="utf-8"))
    body = [b.__dict__ for b in parsed.body]
    today = timezone.localdate()
    now = timezone.now()
    top = Campaign(
        kind=CampaignKind.objects.get(name="全国助残日"),
        year=today.year,
        edition=today.year - 1990,
        date=today,
        theme=parsed.theme or "",
        publicity=parsed.publicity or "",
        published_at=now - timedelta(days=15),
        # Plans were due three days ago: some are late, the missing ones overdue.
        plans_due=today - timedelta(days=3),
        reports_due=today + timedelta(days=10),
        summary_due=today + timedelta(days=30),
    )
    (campaign,) = _campaigns([(None, province)], top, body)
    city_campaigns = _campaigns([(campaign, c) for c in cities], top, body)
    county_campaigns = _campaigns(
        [(cc, county) for cc in city_campaigns for county in counties_of[cc.issuing_org_id]],
        top,
        body,
    )
    recipients = [(campaign, o) for o in cities + units_of.get(province.pk, [])]
    for cc in city_campaigns:
        org = cc.issuing_org_id
        recipients += [(cc, o) for o in counties_of[org] + units_of.get(org, [])]
    for cc in county_campaigns:
        recipients += [(cc, o) for o in units_of.get(cc.issuing_org_id, [])]
    receipts, plans, reminders = _deliveries(recipients, rng, now=now, due=top.plans_due)
    Receipt.objects.bulk_create(receipts, batch_size=1000)
    Plan.objects.bulk_create(plans, batch_size=1000)
    ReminderSent.objects.bulk_create(reminders, batch_size=1000)
    # Loaded past the services: count the deliveries as they would have.
    rebuild_delivery_counts(by=None)

    coordinator = make_user(
        username=f"bench_coordinator_{province.pk}",
        full_name="省残工委协调员",
        org=province,
        role=Membership.Role.COORDINATOR,
    )
    return ProvinceTree(
        province=province,
        cities=cities,
        counties=counties,
        organisations=1 + len(cities) + len(counties) + len(units),
        campaign=campaign,
        campaign_ids=[c.pk for c in [campaign, *city_campaigns, *county_campaigns]],
        receipts=len(receipts),
        plans=len(plans),
        coordinator=coordinator,
    )


def _deliveries(
    recipients: list[tuple[Campaign, Organisation]],
    rng: random.Random,
    *,
    now: datetime,
    due: date | None,
) -> tuple[list[Receipt], list[Plan], list[ReminderSent]]:
    """About 60% signed, 40% with a plan in (some after the deadline), reminders for the
    first few hundred that have not signed."""
    sent_at = now - timedelta(days=15)
    receipts: list[Receipt] = []
    plans: list[Plan] = []
    reminders: list[ReminderSent] = []
    for campaign, org in recipients:
        signed = rng.random() < 0.6
        signed_at = sent_at + timedelta(hours=rng.uniform(1, 14 * 24)) if signed else None
        receipt = Receipt(campaign=campaign, organisation=org, sent_at=sent_at, signed_at=signed_at)
        receipts.append(receipt)
        if signed_at is not None and rng.random() < 2 / 3:
            at = min(signed_at + timedelta(hours=rng.uniform(1, 72)), now)
            receipt.first_plan_at = at  # as the plans service copies it
            plans.append(
                Plan(
                    campaign=campaign,
                    organisation=org,
                    status=Plan.Status.SUBMITTED,
                    aims="营造全社会扶残助残的良好氛围。",
                    submitted_at=at,
                    first_submitted_at=at,
                    late=due is not None and timezone.localdate(at) > due,
                )
            )
        elif not signed and len(reminders) < 300:
            reminders.append(
                ReminderSent(
                    campaign=campaign,
                    organisation=org,
                    kind=DeliverableKind.RECEIPT,
                    stage=ReminderSent.Stage.AFTER,
                    key=f"after:{due}",
                    due=due,
                    notified_org=org,
                    notified_people=1,
                    channels=["site"],
                )
            )
    return receipts, plans, reminders


@contextmanager
def scratch_database() -> Iterator[None]:
    """A fresh, migrated database for the length of the block, dropped after it: a temporary
    SQLite file (a file, not memory, to time what the embedded shape really does), or on
    PostgreSQL a database named after the configured one."""
    test = connection.settings_dict.setdefault("TEST", {})
    before = test.get("NAME")
    with tempfile.TemporaryDirectory(prefix="zhucan-bench-") as folder:
        if connection.vendor == "sqlite":
            test["NAME"] = str(Path(folder) / "bench.sqlite3")
        else:
            test["NAME"] = f"bench_{connection.settings_dict['NAME']}"[:63]
        # autoclobber: a scratch database left by an interrupted run is ours to replace.
        old_name = connection.creation.create_test_db(
            verbosity=0, autoclobber=True, serialize=False
        )
        try:
            yield
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)
            test["NAME"] = before


def page_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return len(queries.captured_queries)


def run() -> dict[str, float]:
    print("  migrating a scratch database …", flush=True)
    start = time.perf_counter()
    with scratch_database():
        print(f"  migrated in {time.perf_counter() - start:.1f} s; building the tree …", flush=True)
        start = time.perf_counter()
        tree = build_province_tree()
        print(
            f"  built {tree.organisations} organisations, {len(tree.campaign_ids)} campaigns, "
            f"{tree.receipts} receipts, {tree.plans} plans "
            f"in {time.perf_counter() - start:.1f} s",
            flush=True,
        )
        return _time(tree)


def _time(tree: ProvinceTree) -> dict[str, float]:
    client = login_verified(Client(HTTP_HOST="localhost"), tree.coordinator)
    args = {"campaign_pk": tree.campaign.pk}
    page_url = reverse("completeness:campaign", kwargs=args)
    drill_url = f"{page_url}?node={tree.cities[0].pk}"
    export_url = reverse("completeness:export", kwargs=args)

    def get(url: str) -> None:
        assert client.get(url).status_code == 200

    get(page_url)  # the first request of a session does a little more than the others
    queries = page_queries(client, page_url)

    # The least the page must do: count the cascade's receipts by state in one query.
    receipts = Receipt.objects.filter(campaign_id__in=tree.campaign_ids)

    def count() -> None:
        receipts.aggregate(
            signed=Count("pk", filter=Q(signed_at__isnull=False)),
            unsigned=Count("pk", filter=Q(signed_at__isnull=True)),
        )

    print("  timing the page, a drill-down, the baseline and the export …", flush=True)
    timings = _interleaved(
        {"page": lambda: get(page_url), "drill": lambda: get(drill_url), "baseline": count},
        rounds=20,
    )
    page, drill, baseline = timings["page"], timings["drill"], timings["baseline"]
    export = measure(lambda: get(export_url), repeat=5, warmup=1)
    return {
        "completeness_page_ms": round(page.median_ms, 1),
        "completeness_page_p95_ms": round(page.p95_ms, 1),
        "completeness_queries": queries,
        "completeness_drill_ms": round(drill.median_ms, 1),
        "completeness_export_ms": round(export.median_ms, 1),
        "completeness_baseline_ms": round(baseline.median_ms, 1),
        "completeness_ratio_vs_count": round(page.median_ms / baseline.median_ms, 1),
    }


def _interleaved(cases: Mapping[str, Callable[[], object]], *, rounds: int) -> dict[str, Timing]:
    """Time the cases in turn, round after round, rather than one after the other: when other
    work slows the machine for a while, it slows the page and its baseline alike, and the
    ratio between them holds."""
    for fn in cases.values():
        fn()  # warm-up
    samples: dict[str, list[float]] = {key: [] for key in cases}
    for _round in range(rounds):
        for key, fn in cases.items():
            samples[key].append(measure(fn, repeat=1, warmup=0).median_ms)
    return {
        key: Timing(statistics.median(s), sorted(s)[round(0.95 * (len(s) - 1))])
        for key, s in samples.items()
    }
