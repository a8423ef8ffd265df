"""The demo's register: a few dozen people in 新华区 and 叶县, some in need, some helped.

Made through the services (encrypted, audited) like real data. Names and numbers are invented;
the ID numbers are valid in form only. Idempotent: nothing happens once anyone is registered.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from zhucan.accounts.models import User
from zhucan.activities.models import ActivityReport, Visit
from zhucan.campaigns.models import Campaign
from zhucan.orgs.models import Organisation
from zhucan.registry.idnumbers import check_character
from zhucan.registry.models import Person
from zhucan.registry.services.assistance import (
    AssistanceInput,
    record_assistance,
    record_visit_people,
)
from zhucan.registry.services.education import open_case
from zhucan.registry.services.people import PersonData, register_person

SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"
GIVEN = ["秀英", "桂英", "建国", "志强", "丽娟", "文华", "国庆", "红梅", "小军", "海燕", "春生"]
# county region code, officer, townships
COUNTIES = [
    ("410402", "xinhua_officer", ["光明路街道", "西市场街道", "焦店镇"], 20),
    ("410422", "yexian_officer", ["昆阳街道", "廉村镇", "任店镇", "叶邑镇"], 16),
]
NEEDS = ("need_income_fell", "need_no_guardian", "need_no_care", "need_other")


def _number(region: str, born: date, serial: int) -> str:
    first17 = f"{region}{born:%Y%m%d}{serial:03d}"
    return first17 + check_character(first17)


def _people(region: str, townships: list[str], count: int) -> list[PersonData]:
    rows = []
    for n in range(count):
        # Every sixth person a child of school age (for one child, one plan).
        born = (
            date(2011 + n % 3, 1 + n % 12, 1 + n % 27)
            if n % 6 == 5
            else date(1950 + (n * 7) % 50, 1 + n % 12, 1 + (n * 3) % 27)
        )
        need = NEEDS[n % 4] if n % 3 != 2 else ""
        rows.append(
            PersonData(
                name=SURNAMES[(n * 7 + int(region[-2:])) % len(SURNAMES)] + GIVEN[n % len(GIVEN)],
                id_number=_number(region, born, 100 + n * 2 + 1),
                category=str(1 + n % 7),
                grade=1 + n % 4,
                phone=f"139{int(region) % 10000:04d}{n:04d}",
                address=f"{townships[n % len(townships)]}{n + 1}号",
                township=townships[n % len(townships)],
                village=f"{'东西南北'[n % 4]}村",
                guardian_name="监护人" if need == "need_no_guardian" else "",
                poverty=Person.Poverty.REGISTERED if n % 5 == 0 else Person.Poverty.NONE,
                need_income_fell=need == "need_income_fell",
                need_no_guardian=need == "need_no_guardian",
                need_no_care=need == "need_no_care",
                need_other=need == "need_other",
                need_note="疫情期间务工收入中断" if need == "need_income_fell" else "",
            )
        )
    return rows


def load(campaign: Campaign | None = None) -> None:
    """Register the demo people; 叶县's accepted household visit names five of them, and
    新华区 records help for two more, so that coverage shows some helped and some waiting."""
    if Person.objects.exists():
        return
    registered: dict[str, list[Person]] = {}
    for region, username, townships, count in COUNTIES:
        officer = User.objects.get(username=username)
        county = Organisation.objects.get(kind="committee", region_id=region)
        registered[region] = [
            register_person(by=officer, organisation=county, data=data)
            for data in _people(region, townships, count)
        ]
    campaign = (
        campaign
        or Campaign.objects.filter(
            notice__doc_number__contains="2号", year=2020, parent=None
        ).first()
    )
    if campaign is None:
        return
    yexian = User.objects.get(username="yexian_officer")
    visit = Visit.objects.filter(
        kind=Visit.Kind.HOUSEHOLD,
        report__in=ActivityReport.objects.filter(
            campaign=campaign, organisation__region_id="410422"
        ),
    ).first()
    in_need = [p for p in registered["410422"] if p.needs]
    if visit is not None:
        record_visit_people(
            by=yexian,
            visit=visit,
            people=in_need[:5],
            data=AssistanceInput(
                kind="cash", given_on=visit.report.start_date, amount=Decimal(500)
            ),
        )
    xinhua = User.objects.get(username="xinhua_officer")
    county = Organisation.objects.get(kind="committee", region_id="410402")
    for person in [p for p in registered["410402"] if p.needs][:2]:
        record_assistance(
            by=xinhua,
            person=person,
            organisation=county,
            campaign=campaign,
            data=AssistanceInput(kind="goods", given_on=date(2020, 5, 17), amount=Decimal(200)),
        )
    child = next((p for p in registered["410402"] if p.birth_year >= 2011), None)
    if child is not None:
        open_case(by=xinhua, child=child, school_year=2020)
