"""The demo's activities: an institution directory for Pingdingshan, 叶县's hand-written visit
report, then the few hundred generated ones (``demo_reports``), all accepted through the
review services so that the statistics, the duty matrix and the summary have work to show."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from zhucan.accounts.demo import acting_user
from zhucan.accounts.models import User
from zhucan.activities import demo_public, demo_reports
from zhucan.activities.models import ActivityReport, Indicator, Institution, InstitutionKind
from zhucan.activities.services import (
    ReportInput,
    VisitInput,
    accept_report,
    save_report,
    submit_report,
)
from zhucan.activities.services.institutions import add_institution
from zhucan.campaigns.models import Campaign
from zhucan.orgs.models import Organisation, Region

INSTITUTIONS = [
    ("410402", "新华区社会福利院", InstitutionKind.WELFARE_HOME),
    ("410402", "新华区残疾人康复中心", InstitutionKind.REHABILITATION),
    ("410422", "叶县特殊教育学校", InstitutionKind.SPECIAL_EDUCATION),
    ("410422", "叶县残疾人托养中心", InstitutionKind.CARE_HOME),
    ("410422", "叶县残疾人扶贫基地", InstitutionKind.POVERTY_BASE),
    ("410402", "平顶山市某福利企业", InstitutionKind.WELFARE_ENTERPRISE),
    ("410403", "卫东区社会福利院", InstitutionKind.WELFARE_HOME),
    ("410404", "石龙区残疾人托养中心", InstitutionKind.CARE_HOME),
    ("410411", "湛河区残疾人康复中心", InstitutionKind.REHABILITATION),
    ("410421", "宝丰县特殊教育学校", InstitutionKind.SPECIAL_EDUCATION),
    ("410421", "宝丰县社会福利院", InstitutionKind.WELFARE_HOME),
    ("410423", "鲁山县特殊教育学校", InstitutionKind.SPECIAL_EDUCATION),
    ("410423", "鲁山县残疾人扶贫基地", InstitutionKind.POVERTY_BASE),
    ("410425", "郏县残疾人康复中心", InstitutionKind.REHABILITATION),
    ("410481", "舞钢市社会福利院", InstitutionKind.WELFARE_HOME),
    ("410482", "汝州市特殊教育学校", InstitutionKind.SPECIAL_EDUCATION),
    ("410482", "汝州市残疾人托养中心", InstitutionKind.CARE_HOME),
]


def load() -> None:
    campaign = Campaign.objects.filter(notice__doc_number__contains="2号", year=2020).first()
    if campaign is None:
        return
    if not ActivityReport.objects.filter(campaign=campaign).exists():
        add_institutions()
        yexian_report(campaign)
    demo_reports.load(campaign)
    demo_public.load()


def add_institutions() -> None:
    """The institutions visits name, through the directory's service, by each county."""
    codes = sorted({code for code, _name, _kind in INSTITUTIONS})
    committees = {
        o.region_id: o for o in Organisation.objects.filter(kind="committee", region_id__in=codes)
    }
    for code, name, kind in INSTITUTIONS:
        if Institution.objects.filter(region_id=code, name=name).exists():
            continue
        county = committees[code]
        add_institution(
            by=acting_user(county, User.objects.get(username="city_officer")),
            organisation=county,
            name=name,
            kind=kind,
            region=Region.objects.get(code=code),
        )


def yexian_report(campaign: Campaign) -> None:
    """叶县's visit report, the one the statistics and registry stories start from."""
    committees = {
        o.region_id: o for o in Organisation.objects.filter(kind="committee", region_id="410422")
    }
    reporter = User.objects.get(username="yexian_reporter")
    # 叶县's own report is decided by the office above it (orgs.roles.DECIDED_FROM_ABOVE).
    reviewer = User.objects.get(username="city_reviewer")
    yexian = committees["410422"]
    households = Indicator.objects.get(campaign=None, code="households_visited")
    report = save_report(
        by=reporter,
        campaign=campaign,
        organisation=yexian,
        client_id=uuid.uuid5(demo_reports.NAMESPACE, "report-yexian"),
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
