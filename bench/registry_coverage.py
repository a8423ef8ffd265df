"""The registry's coverage page over a city of 300,000 people (bar: < 300 ms on PostgreSQL), and
exact ID search among 1,000,000 (bar: < 5 ms).

The people are loaded raw, without the services (COPY on PostgreSQL, bulk_create elsewhere):
the ciphertexts are fake, but the blind index is the real keyed HMAC of a valid ID number, so
the search is the one the application runs. Everything goes into a scratch database
(``bench.completeness.scratch_database``); the page is requested through the whole stack.
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import connection
from django.test import Client
from django.urls import reverse

from bench.completeness import _campaigns, _insert_level, page_queries, scratch_database
from bench.timing import Timing, measure
from zhucan.campaigns.models import Campaign
from zhucan.orgs.models import Membership, Organisation, Region
from zhucan.registry import crypto
from zhucan.registry.idnumbers import check_character, mask_id
from zhucan.registry.models import Assistance, Person
from zhucan.registry.services.people import find_by_id_number
from zhucan.testing.auth import login_verified
from zhucan.testing.factories import make_campaign, make_user

CITY_PEOPLE = 300_000
ALL_PEOPLE = 1_000_000
TOWNSHIPS_PER_COUNTY = 20
IN_NEED = 0.25  # share of people with at least one need flag
HELPED = 0.4  # share of those in need the campaign cascade has helped
COLUMNS = (
    "organisation_id",
    "org_path",
    "township",
    "village",
    "name",
    "id_number_ct",
    "id_index",
    "id_masked",
    "birth_year",
    "sex",
    "category",
    "grade",
    "certificate_suffix",
    "phone_ct",
    "phone_masked",
    "address_ct",
    "address_masked",
    "household_number",
    "guardian_name",
    "guardian_relation",
    "guardian_phone_ct",
    "guardian_phone_masked",
    "poverty",
    "need_income_fell",
    "need_no_guardian",
    "need_no_care",
    "need_other",
    "need_note",
    "legal_basis",
    "consent_note",
    "version",
    "created_at",
    "updated_at",
)


@dataclass
class Loaded:
    city: Organisation
    campaign: Campaign
    campaign_ids: list[int]
    coordinator: Any
    samples: list[str]  # ID numbers to search for
    in_need: int
    helped: int


def _committees(parent: Organisation | None, regions: list[Region]) -> list[Organisation]:
    return _insert_level(
        [
            Organisation(
                name=f"{r.name}人民政府残疾人工作委员会（{n}）",
                kind=Organisation.Kind.COMMITTEE,
                region=r,
                parent=parent,
            )
            for n, r in enumerate(regions)
        ]
    )


def _tree() -> tuple[Organisation, list[Organisation], Organisation, list[Organisation]]:
    """The measured city (平顶山) with ten counties, and a second city holding the rest."""
    (city,) = _committees(None, [Region.objects.get(code="410400")])
    counties = _committees(
        city, list(Region.objects.filter(parent_id="410400", is_current=True)[:10])
    )
    (other,) = _committees(None, [Region.objects.get(code="410300")])
    other_counties = _committees(
        other, list(Region.objects.filter(parent_id="410300", is_current=True)[:10])
    )
    return city, counties, other, other_counties


def _rows(
    counties: list[Organisation], count: int, start: int, rng: random.Random
) -> Iterator[tuple[Any, ...]]:
    now = time.strftime("%Y-%m-%d %H:%M:%S+00")
    base = date(1940, 1, 1)
    for i in range(start, start + count):
        county = counties[i % len(counties)]
        born = base + timedelta(days=(i // 997) % 25_000)
        first17 = f"{county.region_id}{born:%Y%m%d}{i % 997:03d}"
        number = first17 + check_character(first17)
        need = rng.random() < IN_NEED
        flag = rng.randrange(4) if need else -1
        yield (
            county.pk,
            county.path,
            f"第{(i // len(counties)) % TOWNSHIPS_PER_COUNTY + 1}街道",
            "",
            f"测试{i}",
            "k0$fake",
            crypto.blind_index(number),
            mask_id(number),
            born.year,
            "male" if int(number[16]) % 2 else "female",
            str(1 + i % 7),
            1 + i % 4,
            "",
            "k0$fake",
            "*********00",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "none",
            flag == 0,
            flag == 1,
            flag == 2,
            flag == 3,
            "",
            "statutory",
            "",
            1,
            now,
            now,
        )


def _load_people(counties: list[Organisation], count: int, start: int, seed: int) -> None:
    rng = random.Random(seed)  # noqa: S311 - test data
    rows = _rows(counties, count, start, rng)
    if connection.vendor == "postgresql":
        columns = ", ".join(COLUMNS)
        with connection.cursor() as cursor:
            raw = cursor.cursor
            with raw.copy(f"COPY registry_person ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        return
    batch: list[Person] = []
    for row in rows:
        values = dict(zip(COLUMNS, row, strict=True))
        del values["created_at"], values["updated_at"]
        batch.append(Person(**values))
        if len(batch) == 5000:
            Person.objects.bulk_create(batch)
            batch = []
    Person.objects.bulk_create(batch)


def _load_assistance(city: Organisation, campaign_ids: list[int], seed: int) -> tuple[int, int]:
    """Help for a share of the city's people in need, spread over the cascade's campaigns."""
    rng = random.Random(seed)  # noqa: S311 - test data
    people = list(
        Person.objects.filter(org_path__startswith=city.path)
        .in_need()
        .values_list("pk", "organisation_id")
    )
    chosen = [p for p in people if rng.random() < HELPED]
    Assistance.objects.bulk_create(
        (
            Assistance(
                person_id=pk,
                organisation_id=org,
                campaign_id=rng.choice(campaign_ids),
                kind="cash",
                amount=Decimal(500),
                given_on=date(2020, 5, 17),
            )
            for pk, org in chosen
        ),
        batch_size=5000,
    )
    return len(people), len(chosen)


def load() -> Loaded:
    city, counties, _other, other_counties = _tree()
    start = time.perf_counter()
    _load_people(counties, CITY_PEOPLE, 0, seed=1)
    _load_people(other_counties, ALL_PEOPLE - CITY_PEOPLE, CITY_PEOPLE, seed=2)
    print(f"  {ALL_PEOPLE} people loaded in {time.perf_counter() - start:.1f} s", flush=True)
    coordinator = make_user(
        username="bench_registry_coordinator",
        full_name="市残工委协调员",
        org=city,
        role=Membership.Role.COORDINATOR,
    )
    campaign = make_campaign(issuing_org=city, by=coordinator)
    notice = campaign.notice
    children = _campaigns([(campaign, c) for c in counties], campaign, notice.body)
    campaign_ids = [campaign.pk, *(c.pk for c in children)]
    in_need, helped = _load_assistance(city, campaign_ids, seed=3)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE registry_person")
            cursor.execute("VACUUM ANALYZE registry_assistance")
    rng = random.Random(4)  # noqa: S311 - test data
    picks = [rng.randrange(ALL_PEOPLE) for _ in range(200)]
    samples = []
    for i in picks:
        group = counties if i < CITY_PEOPLE else other_counties
        county = group[i % len(group)]
        born = date(1940, 1, 1) + timedelta(days=(i // 997) % 25_000)
        first17 = f"{county.region_id}{born:%Y%m%d}{i % 997:03d}"
        samples.append(first17 + check_character(first17))
    return Loaded(city, campaign, campaign_ids, coordinator, samples, in_need, helped)


def run() -> dict[str, float]:
    print("  migrating a scratch database …", flush=True)
    with scratch_database():
        loaded = load()
        print(
            f"  {loaded.in_need} in need under the city, {loaded.helped} helped, "
            f"{len(loaded.campaign_ids)} campaigns in the cascade",
            flush=True,
        )
        return _time(loaded)


def _time(loaded: Loaded) -> dict[str, float]:
    client = login_verified(Client(HTTP_HOST="localhost"), loaded.coordinator)
    url = reverse("registry:coverage", kwargs={"campaign_pk": loaded.campaign.pk})
    page_url = f"{url}?node={loaded.city.pk}"

    def get() -> None:
        assert client.get(page_url).status_code == 200

    get()
    queries = page_queries(client, page_url)
    samples = []
    for _round in range(20):
        samples.append(measure(get, repeat=1, warmup=0).median_ms)
    page = Timing(statistics.median(samples), sorted(samples)[round(0.95 * (len(samples) - 1))])

    # As the find view does: the coordinator's register, one indexed lookup of the blind index
    # among a million rows (numbers from the other city are looked up too, and not found).
    visible = Person.objects.visible_to(loaded.coordinator)
    numbers = iter(loaded.samples * 2)

    def search() -> None:
        find_by_id_number(visible, next(numbers))

    assert find_by_id_number(Person.objects.all(), loaded.samples[0]) is not None
    search_time = measure(search, repeat=len(loaded.samples), warmup=5)
    return {
        "registry_coverage_page_ms": round(page.median_ms, 1),
        "registry_coverage_p95_ms": round(page.p95_ms, 1),
        "registry_coverage_queries": queries,
        "registry_id_search_ms": round(search_time.median_ms, 2),
    }
