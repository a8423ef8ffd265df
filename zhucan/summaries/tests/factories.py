"""A city campaign with the work done under it, built through the real services."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from zhucan.activities.models import ActivityReport, Indicator, Institution, InstitutionKind
from zhucan.activities.services import (
    VisitInput,
    accept_report,
    add_media_report,
    add_photo,
    decide_typical,
    propose_typical,
    submit_report,
)
from zhucan.conftest import World
from zhucan.orgs.models import Organisation, Region
from zhucan.testing.factories import make_campaign, make_plan, make_report


def jpeg(colour: str = "navy", size: tuple[int, int] = (400, 300)) -> SimpleUploadedFile:
    data = io.BytesIO()
    Image.new("RGB", size, colour).save(data, "JPEG")
    return SimpleUploadedFile("活动.jpg", data.getvalue(), content_type="image/jpeg")


def accepted_report(
    world: World,
    campaign: Any,
    organisation: Organisation,
    author: Any,
    *,
    photo: bool = False,
    **fields: Any,
) -> ActivityReport:
    """A report of ``organisation``, submitted by ``author`` and accepted by the city."""
    report = make_report(campaign=campaign, organisation=organisation, by=author, **fields)
    if photo:
        add_photo(by=author, report=report, upload=jpeg(), caption="走访慰问现场", consent=True)
    report = submit_report(by=author, report=report, version=report.version)
    return accept_report(by=world.city_officer, report=report, version=report.version)


@dataclass
class Scene:
    campaign: Any
    visit: ActivityReport
    unit_report: ActivityReport


def city_campaign_with_work(world: World, *, extra_reports: int = 0) -> Scene:
    """The city's campaign: county A visits 26 households and a welfare home (accepted, typical,
    with a photo), the city's civil-affairs bureau runs an online event, one TV report."""
    campaign = make_campaign(issuing_org=world.city, by=world.city_officer)
    duty = campaign.duties.get(number=1)
    households = Indicator.objects.get(campaign=None, code="households_visited")
    leaflets = Indicator.objects.get(campaign=None, code="leaflets")
    home = Institution.objects.create(
        organisation=world.county_a,
        name="新华区社会福利院",
        kind=InstitutionKind.WELFARE_HOME,
        region=Region.objects.get(code="410402"),
    )
    make_plan(
        campaign=campaign,
        organisation=world.county_a,
        by=world.county_a_officer,
        activities=[{"title": "走访慰问困难残疾人家庭", "duty": duty, "category": "visit"}],
        submit=True,
    )
    visit = accepted_report(
        world,
        campaign,
        world.county_a,
        world.county_a_officer,
        photo=True,
        title="助残日走访慰问困难残疾人家庭",
        attendance=30,
        disabled_served=26,
        volunteers=8,
        cash=Decimal("13000.00"),
        goods_value=Decimal("2400.00"),
        duties=[duty],
        values={households.pk: Decimal(26)},
        visits=[
            VisitInput(kind="household", households=26, cash=Decimal("13000.00")),
            VisitInput(kind="institution", institution=home, goods_value=Decimal("2400.00")),
        ],
    )
    unit_report = accepted_report(
        world,
        campaign,
        world.city_unit,
        world.member_unit_reporter,
        category="publicity",
        title="线上助残政策宣传",
        mode="online",
        attendance=300,
        disabled_served=40,
        values={leaflets.pk: Decimal(500)},
    )
    for n in range(extra_reports):
        accepted_report(
            world,
            campaign,
            world.county_b,
            world.county_b_officer,
            photo=True,
            title=f"叶县助残活动{n + 1}",
            duties=[duty],
            values={households.pk: Decimal(3)},
        )
    typical = propose_typical(
        by=world.county_a_officer, report=visit, account="县领导带队入户走访，覆盖全区困难家庭。"
    )
    decide_typical(by=world.city_officer, typical=typical, accept=True)
    add_media_report(
        by=world.county_a_officer,
        campaign=campaign,
        organisation=world.county_a,
        outlet="平顶山电视台",
        kind="tv",
        date=date(2020, 5, 17),
        title="新华区开展助残日走访慰问活动",
        activities=[visit],
    )
    return Scene(campaign=campaign, visit=visit, unit_report=unit_report)
