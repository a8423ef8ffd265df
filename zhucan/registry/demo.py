"""The demo's register: a few thousand synthetic people in all ten counties, some in need, many
of those helped (on a household visit of an accepted report, or by hand), and school-age
children with a one-child-one-plan case.

Made through the services (encrypted, audited) like real data. Deterministic: one seeded
``random.Random`` per kind of data. Names are common ones put together at random; ID numbers
are valid in form (the birthplace is the county's code, the check character is right) but are
obviously synthetic: every sequence number is in the 9xx range. Idempotent: nothing happens
once anyone is registered.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from zhucan.accounts.demo import COUNTIES as COUNTY_NAMES
from zhucan.accounts.demo import acting_user
from zhucan.accounts.models import User
from zhucan.activities.demo_reports import TOWNSHIPS
from zhucan.activities.models import ActivityReport, Visit
from zhucan.campaigns.models import Campaign
from zhucan.orgs.models import Organisation
from zhucan.registry.idnumbers import check_character
from zhucan.registry.models import Assistance, Person
from zhucan.registry.services.assistance import (
    AssistanceInput,
    record_assistance,
    record_visit_people,
)
from zhucan.registry.services.education import open_case
from zhucan.registry.services.people import PersonData, register_person

SEED = 2020
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁宋谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = [
    "秀英", "桂英", "建国", "志强", "丽娟", "文华", "国庆", "红梅", "小军", "海燕", "春生",
    "玉兰", "德明", "淑珍", "宏伟", "金凤", "永胜", "晓东", "凤琴", "振华", "明亮", "素梅",
    "子涵", "浩然", "欣怡", "一鸣", "雨轩", "佳豪",
]  # fmt: skip
# People per county: the rural counties keep the larger registers.
PEOPLE = {
    "410402": 260, "410403": 240, "410404": 90, "410411": 200, "410421": 330,
    "410422": 380, "410423": 400, "410425": 310, "410481": 220, "410482": 470,
}  # fmt: skip
VILLAGES = ["东村", "西村", "南街社区", "北街社区", "前营村", "后营村", "王庄村", "李庄村"]
NEEDS = ("need_income_fell", "need_no_guardian", "need_no_care", "need_other")
NEED_NOTES = {
    "need_income_fell": "疫情期间务工收入中断",
    "need_no_guardian": "监护人住院治疗，暂无人照料",
    "need_no_care": "独居重度残疾人，需要上门照护",
    "need_other": "家庭成员确诊隔离，生活物资短缺",
}
# How many people a visit names; how many of the others in need are helped by hand.
NAMED_PER_VISIT = 4
HELPED_BY_HAND = 0.35


@dataclass(frozen=True)
class Generated:
    county: str
    data: PersonData


def _rng(kind: str) -> random.Random:
    return random.Random(f"{SEED}:registry:{kind}")  # noqa: S311 - made-up data, not secrets


def _birthday(rng: random.Random) -> date:
    # Older people make up most of the register; about one in twelve is a child of school age.
    if rng.random() < 0.08:
        year = rng.randint(2005, 2013)
    else:
        year = int(rng.triangular(1935, 2000, 1958))
    return date(year, 1, 1) + timedelta(days=rng.randint(0, 364))


def id_number(county: str, born: date, serial: int) -> str:
    """A synthetic number: the county's code, the birthday, a 9xx sequence, the check."""
    first17 = f"{county}{born:%Y%m%d}{serial:03d}"
    return first17 + check_character(first17)


def generate_people() -> list[Generated]:
    """Every demo person, before anything is written (the same list on every machine)."""
    rng = _rng("people")
    taken: set[str] = set()
    people: list[Generated] = []
    for county, count in PEOPLE.items():
        for _n in range(count):
            born = _birthday(rng)
            number = id_number(county, born, rng.randint(900, 999))
            while number[:17] in taken:
                number = id_number(county, born, rng.randint(900, 999))
            taken.add(number[:17])
            township = rng.choice(TOWNSHIPS[county])
            need = rng.choice(NEEDS) if rng.random() < 0.3 else ""
            people.append(
                Generated(
                    county=county,
                    data=PersonData(
                        name=rng.choice(SURNAMES) + rng.choice(GIVEN),
                        id_number=number,
                        category=rng.choices("1234567", weights=(12, 20, 2, 40, 9, 10, 7))[0],
                        grade=rng.choices((1, 2, 3, 4), weights=(15, 25, 30, 30))[0],
                        phone=f"1{rng.choice('3578')}{rng.randint(0, 999999999):09d}",
                        address=f"{township}{rng.choice(VILLAGES)}{rng.randint(1, 120)}号",
                        township=township,
                        village=rng.choice(VILLAGES),
                        guardian_name="监护人" if need == "need_no_guardian" else "",
                        poverty=rng.choices(list(Person.Poverty.values), weights=(70, 12, 12, 6))[
                            0
                        ],
                        need_income_fell=need == "need_income_fell",
                        need_no_guardian=need == "need_no_guardian",
                        need_no_care=need == "need_no_care",
                        need_other=need == "need_other",
                        need_note=NEED_NOTES.get(need, ""),
                    ),
                )
            )
    return people


def register_people(generated: list[Generated]) -> dict[str, list[Person]]:
    """Each county's officer registers its people."""
    city_officer = User.objects.get(username="city_officer")
    counties = {
        o.region_id: o for o in Organisation.objects.filter(kind="committee").exclude(parent=None)
    }
    registered: dict[str, list[Person]] = {code: [] for code, _name in COUNTY_NAMES}
    officers = {code: acting_user(org, city_officer) for code, org in counties.items()}
    for item in generated:
        registered[item.county].append(
            register_person(
                by=officers[item.county], organisation=counties[item.county], data=item.data
            )
        )
    return registered


def name_on_visits(campaign: Campaign, registered: dict[str, list[Person]]) -> set[int]:
    """The county's accepted household visits name people in need of that county."""
    city_officer = User.objects.get(username="city_officer")
    helped: set[int] = set()
    for county, people in registered.items():
        waiting = [p for p in people if p.needs]
        visits = (
            Visit.objects.filter(
                kind=Visit.Kind.HOUSEHOLD,
                report__campaign=campaign,
                report__status=ActivityReport.Status.ACCEPTED,
                report__organisation__region_id=county,
                report__organisation__kind="committee",
            )
            .select_related("report__organisation")
            .order_by("report__start_date", "pk")
        )
        for visit in visits:
            if not waiting:
                break
            named, waiting = waiting[:NAMED_PER_VISIT], waiting[NAMED_PER_VISIT:]
            record_visit_people(
                by=acting_user(visit.report.organisation, city_officer),
                visit=visit,
                people=named,
                data=AssistanceInput(
                    kind=Assistance.Kind.CASH, given_on=visit.report.start_date, amount=Decimal(500)
                ),
            )
            helped.update(p.pk for p in named)
    return helped


def help_by_hand(campaign: Campaign, registered: dict[str, list[Person]], helped: set[int]) -> None:
    """Help given outside a visit (goods, rehabilitation, a job), recorded by the county."""
    rng = _rng("assistance")
    city_officer = User.objects.get(username="city_officer")
    kinds = [k for k in Assistance.Kind.values if k != Assistance.Kind.CASH]
    for people in registered.values():
        for person in people:
            if not person.needs or person.pk in helped or rng.random() > HELPED_BY_HAND:
                continue
            record_assistance(
                by=acting_user(person.organisation, city_officer),
                person=person,
                organisation=person.organisation,
                campaign=campaign,
                data=AssistanceInput(
                    kind=rng.choice(kinds),
                    given_on=date(2020, 5, rng.randint(10, 25)),
                    amount=Decimal(rng.randint(2, 20) * 50),
                ),
            )


def open_school_cases(registered: dict[str, list[Person]]) -> None:
    """Half the school-age children have a one-child-one-plan case for the 2020 school year."""
    city_officer = User.objects.get(username="city_officer")
    for people in registered.values():
        children = [p for p in people if 2005 <= p.birth_year <= 2014]
        for child in children[::2]:
            open_case(
                by=acting_user(child.organisation, city_officer), child=child, school_year=2020
            )


def load(campaign: Campaign | None = None) -> None:
    """Register the demo people, then the help they got."""
    if Person.objects.exists():
        return
    registered = register_people(generate_people())
    campaign = (
        campaign
        or Campaign.objects.filter(
            notice__doc_number__contains="2号", year=2020, parent=None
        ).first()
    )
    open_school_cases(registered)
    if campaign is None:
        return
    helped = name_on_visits(campaign, registered)
    help_by_hand(campaign, registered, helped)
