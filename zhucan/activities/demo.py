"""The demo's activities: an institution directory for Pingdingshan, and one report from 叶县
already accepted, so that the statistics and the duty matrix show something carried out."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from zhucan.accounts.models import User
from zhucan.activities.models import ActivityReport, Indicator, Institution, InstitutionKind
from zhucan.activities.services import (
    ReportInput,
    VisitInput,
    accept_report,
    save_report,
    submit_report,
)
from zhucan.campaigns.models import Campaign
from zhucan.orgs.models import Organisation, Region

INSTITUTIONS = [
    ("410402", "新华区社会福利院", InstitutionKind.WELFARE_HOME),
    ("410402", "新华区残疾人康复中心", InstitutionKind.REHABILITATION),
    ("410422", "叶县特殊教育学校", InstitutionKind.SPECIAL_EDUCATION),
    ("410422", "叶县残疾人托养中心", InstitutionKind.CARE_HOME),
    ("410422", "叶县残疾人扶贫基地", InstitutionKind.POVERTY_BASE),
    ("410402", "平顶山市某福利企业", InstitutionKind.WELFARE_ENTERPRISE),
]


def load() -> None:
    campaign = Campaign.objects.filter(notice__doc_number__contains="2号", year=2020).first()
    if campaign is None or ActivityReport.objects.filter(campaign=campaign).exists():
        return
    committees = {
        o.region_id: o
        for o in Organisation.objects.filter(kind="committee", region_id__in=["410402", "410422"])
    }
    for code, name, kind in INSTITUTIONS:
        Institution.objects.get_or_create(
            region=Region.objects.get(code=code),
            name=name,
            defaults={"organisation": committees[code], "kind": kind},
        )
    reporter = User.objects.get(username="yexian_reporter")
    # 叶县's own report is decided by the office above it (orgs.roles.DECIDED_FROM_ABOVE).
    reviewer = User.objects.get(username="city_reviewer")
    yexian = committees["410422"]
    households = Indicator.objects.get(campaign=None, code="households_visited")
    report = save_report(
        by=reporter,
        campaign=campaign,
        organisation=yexian,
        data=ReportInput(
            category="visit",
            title="助残日走访慰问困难残疾人家庭和特教学校",
            start_date=date(2020, 5, 15),
            end_date=date(2020, 5, 17),
            mode="in_person",
            attendance=30,
            disabled_served=26,
            volunteers=8,
            cash=Decimal("13000.00"),
            goods_value=Decimal("2400.00"),
            place="叶县各乡镇",
            description="县残工委组织成员单位分组走访慰问困难残疾人家庭，并看望特教学校师生。",
            safety_measures="分组入户，每组不超过5人，佩戴口罩。",
            duties=list(campaign.duties.filter(number=1)),
            values={households.pk: Decimal(26)},
            visits=[
                VisitInput(
                    kind="household",
                    households=26,
                    leaders="县政府副县长",
                    cash=Decimal("13000.00"),
                ),
                VisitInput(
                    kind="institution",
                    institution=Institution.objects.get(name="叶县特殊教育学校"),
                    leaders="县残联理事长",
                    goods_value=Decimal("2400.00"),
                ),
            ],
        ),
    )
    report = submit_report(by=reporter, report=report, version=report.version)
    accept_report(by=reviewer, report=report, version=report.version)
