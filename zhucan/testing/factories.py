"""Factories for tests: build through the real services so tests see real paths and audits."""

from __future__ import annotations

import itertools
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from zhucan.accounts.models import User
from zhucan.core.actors import Actor
from zhucan.orgs.models import Membership, Organisation
from zhucan.orgs.services import add_membership, create_organisation
from zhucan.registry.idnumbers import check_character
from zhucan.registry.models import Person
from zhucan.registry.services.people import PersonData, register_person

if TYPE_CHECKING:
    # Imported inside the factories at run time, as the apps above orgs are.
    from zhucan.activities.models import ActivityReport
    from zhucan.campaigns.models import Campaign
    from zhucan.plans.models import Plan

_seq = itertools.count(1)


def make_org(
    *,
    name: str | None = None,
    parent: Organisation | None = None,
    kind: str = "committee",
    region_code: str = "410400",
    **fields: Any,
) -> Organisation:
    return create_organisation(
        by=None,
        name=name or f"单位{next(_seq)}",
        parent=parent,
        kind=kind,
        region_code=region_code,
        **fields,
    )


def make_user(
    *,
    username: str | None = None,
    full_name: str = "",
    org: Organisation | None = None,
    role: str = Membership.Role.COORDINATOR,
    **fields: Any,
) -> User:
    user = User(username=username or f"user{next(_seq)}", full_name=full_name, **fields)
    user.set_password("Test-password-123")
    user.save()
    if org is not None:
        add_membership(by=None, user=user, organisation=org, role=role)
    return user


def make_campaign(
    *,
    issuing_org: Organisation,
    by: Actor,
    publish: bool = True,
    recipients: list[str] | None = None,
    serial: int | None = None,
) -> Campaign:
    """A small 全国助残日 campaign issued by ``issuing_org``, through the real services."""
    from datetime import date

    from zhucan.campaigns.notice_types import Contact, Duty, ParsedNotice
    from zhucan.campaigns.services import import_notice, publish_campaign

    number = serial or next(_seq)
    parsed = ParsedNotice(
        issuer=issuing_org.name,
        header=f"{issuing_org.name}文件",
        doc_number=f"测残工委〔2020〕{number}号",
        issuer_code="测残工委",
        doc_year=2020,
        doc_serial=number,
        title=f"{issuing_org.name}关于开展第三十次全国助残日活动的通知",
        recipients=recipients or ["各县（市、区）残工委", "各成员单位"],
        campaign_name="全国助残日",
        campaign_edition=30,
        campaign_date=date(2020, 5, 17),
        theme="助残脱贫 决胜小康",
        duties=[Duty(number=1, text="各级民政部门要开展慰问。", departments=["民政"])],
        slogans=["决战脱贫攻坚 决胜全面小康"],
        contacts=[Contact(name="高秋法", phone="2690909", email="pdscanlian@163.com")],
    )
    campaign = import_notice(by=by, issuing_org=issuing_org, parsed=parsed)
    if publish:
        campaign = publish_campaign(by=by, campaign=campaign)
    return campaign


def make_plan(
    *,
    campaign: Campaign,
    organisation: Organisation,
    by: Actor,
    activities: list[dict[str, Any]] | None = None,
    submit: bool = False,
) -> Plan:
    """A plan of ``organisation`` for a campaign it received, through the real services.

    One online activity unless ``activities`` (dicts of ActivityInput fields over defaults).
    """
    from datetime import date

    from zhucan.plans.services import ActivityInput, create_plan, submit_plan, update_plan

    defaults: dict[str, Any] = {
        "title": "线上助残宣传",
        "start_date": date(2020, 5, 17),
        "end_date": date(2020, 5, 17),
        "category": "publicity",
        "mode": "online",
        "expected_attendance": 20,
        "person_responsible": "张伟",
        "phone": "2690909",
    }
    plan = create_plan(by=by, campaign=campaign, organisation=organisation)
    plan = update_plan(
        by=by,
        plan=plan,
        version=plan.version,
        aims="营造全社会扶残助残的良好氛围。",
        leadership="成立活动领导小组。",
        publicity="利用微信公众号开展宣传。",
        safeguards="做好疫情防控。",
        activities=[ActivityInput(**(defaults | row)) for row in (activities or [{}])],
    )
    if submit:
        plan = submit_plan(by=by, plan=plan, version=plan.version)
    return plan


def make_report(
    *,
    campaign: Campaign,
    organisation: Organisation,
    by: Actor,
    submit: bool = False,
    **fields: Any,
) -> ActivityReport:
    """An activity report of ``organisation`` for a campaign it received, through the services.

    A visit report of 20 people unless ``fields`` (ReportInput fields) say otherwise.
    """
    from datetime import date

    from zhucan.activities.services import ReportInput, save_report, submit_report

    defaults: dict[str, Any] = {
        "category": "visit",
        "title": "走访慰问困难残疾人家庭",
        "start_date": date(2020, 5, 15),
        "end_date": date(2020, 5, 17),
        "mode": "in_person",
        "attendance": 20,
        "disabled_served": 12,
    }
    report = save_report(
        by=by,
        campaign=campaign,
        organisation=organisation,
        data=ReportInput(**(defaults | fields)),
    )
    if submit:
        report = submit_report(by=by, report=report, version=report.version)
    return report


# --- the registry: registered people and household visits ---

SCHOOL_YEAR = 2020
_id_serial = itertools.count(101)


def id_number(born: tuple[int, int, int] = (1985, 3, 12), region: str = "410402") -> str:
    """A valid, unused ID number (the check character computed, the serial counted up)."""
    serial = next(_id_serial) % 1000
    first17 = f"{region}{born[0]:04d}{born[1]:02d}{born[2]:02d}{serial:03d}"
    return first17 + check_character(first17)


def make_person(
    world: Any,
    *,
    name: str = "李秀英",
    organisation: Any = None,
    by: Actor | None = None,
    born: tuple[int, int, int] = (1985, 3, 12),
    number: str | None = None,
    **fields: Any,
) -> Person:
    organisation = organisation or world.county_a
    by = by or (world.county_a_officer if organisation == world.county_a else world.city_admin)
    values: dict[str, Any] = {
        "name": name,
        "id_number": number or id_number(born),
        "category": Person.Category.PHYSICAL,
        "grade": 2,
        "phone": "13912345678",
        "address": "新华区光明路街道12号",
    }
    return register_person(by=by, organisation=organisation, data=PersonData(**(values | fields)))


def make_visit(world: Any, *, households: int = 3) -> Any:
    """A household visit on a submitted report of county A's unit, for county A's campaign."""
    from zhucan.activities.services import VisitInput

    report = make_report(
        campaign=county_a_campaign(world),
        organisation=world.county_a_unit,
        by=world.county_a_officer,
        title="入户慰问困难残疾人",
        cash=Decimal("900.00"),
        visits=[VisitInput(kind="household", households=households, cash=Decimal("900.00"))],
        submit=True,
    )
    return report.visits.get()


def county_a_campaign(world: Any) -> Any:
    """A campaign issued by county A and sent to its member unit (built once per world)."""
    if not hasattr(world, "_campaign"):
        world._campaign = make_campaign(issuing_org=world.county_a, by=world.county_a_officer)
    return world._campaign
