"""A few hundred activity reports for the demo, as Pingdingshan's counties and city units would
have filed them over the weeks around 17 May 2020, all through the report services.

Deterministic: one ``random.Random`` per kind of data, seeded from 2020, and report ids derived
from their number, so every machine gets the same titles, places, dates and figures. Each kind
of data (titles, figures, visits, photos, coverage, typical activities) is one function, so a
field added later is added in one place.
"""

from __future__ import annotations

import io
import random
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from zhucan.accounts.demo import COUNTIES, acting_user
from zhucan.accounts.models import User
from zhucan.activities.models import (
    ActivityReport,
    Indicator,
    Institution,
    MediaReport,
    Photo,
)
from zhucan.activities.services import (
    ReportInput,
    VisitInput,
    accept_report,
    save_report,
    submit_report,
)
from zhucan.activities.services.media import add_media_report
from zhucan.activities.services.photos import add_photo
from zhucan.activities.services.reports import indicators_for
from zhucan.activities.services.typical import decide_typical, propose_typical
from zhucan.campaigns.models import Campaign, Receipt
from zhucan.orgs.models import Organisation

SEED = 2020
# Report ids are made from their number in this namespace: the same on every machine.
NAMESPACE = uuid.UUID("5f0c3a52-2020-4517-9d0a-000000000517")
COUNTY_NAMES = dict(COUNTIES)
DAY = date(2020, 5, 17)  # 第三十次全国助残日
FIRST_DAY, LAST_DAY = date(2020, 5, 6), date(2020, 5, 31)

# Real townships and streets (乡镇、街道) of each county, where its activities take place.
TOWNSHIPS = {
    "410402": ["光明路街道", "西市场街道", "中兴路街道", "矿工路街道", "焦店镇", "滍阳镇"],
    "410403": ["东安路街道", "优越路街道", "五一路街道", "建设路街道", "光华路街道", "蒲城街道"],
    "410404": ["高庄街道", "龙河街道", "龙兴街道", "人民路街道"],
    "410411": ["马庄街道", "南环路街道", "姚孟街道", "九里山街道", "河滨街道", "曹镇乡"],
    "410421": ["城关镇", "周庄镇", "闹店镇", "石桥镇", "杨庄镇", "大营镇", "李庄乡"],
    "410422": ["昆阳街道", "盐都街道", "任店镇", "廉村镇", "叶邑镇", "龚店镇", "保安镇"],
    "410423": ["鲁阳街道", "琴台街道", "下汤镇", "梁洼镇", "张良镇", "尧山镇", "瓦屋镇"],
    "410425": ["龙山街道", "东城街道", "冢头镇", "安良镇", "堂街镇", "薛店镇", "茨芭镇"],
    "410481": ["垭口街道", "寺坡街道", "院岭街道", "尚店镇", "八台镇", "尹集镇", "枣林镇"],
    "410482": ["煤山街道", "风穴路街道", "钟楼街道", "临汝镇", "寄料镇", "温泉镇", "小屯镇"],
}

# Category -> (share of reports, title templates). {org}: who did it, {place}: where.
CATEGORIES: dict[str, tuple[int, list[str]]] = {
    "visit": (
        30,
        [
            "{org}开展“全国助残日”走访慰问活动",
            "{org}走访慰问{place}困难残疾人家庭",
            "{org}领导深入{place}看望慰问贫困重度残疾人",
        ],
    ),
    "publicity": (
        18,
        [
            "{org}在{place}开展助残日主题宣传活动",
            "{org}开展“全面建成小康社会，残疾人一个也不能少”线上宣传",
            "{org}在{place}设立助残政策咨询台",
        ],
    ),
    "employment": (
        12,
        [
            "{org}举办残疾人专场网络招聘会",
            "{org}在{place}开展残疾人就业援助“春风行动”",
            "{org}举办残疾人电商创业培训班",
        ],
    ),
    "rehabilitation": (
        12,
        [
            "{org}组织医务人员在{place}为残疾人义诊",
            "{org}为{place}残疾人免费适配辅助器具",
            "{org}开展残疾儿童康复救助上门服务",
        ],
    ),
    "education": (
        8,
        [
            "{org}开展残疾学生送教上门活动",
            "{org}资助{place}家庭困难残疾学生",
        ],
    ),
    "assistance": (
        12,
        [
            "{org}向{place}困难残疾人发放防疫和生活物资",
            "{org}为困难残疾人家庭开展“一对一”帮扶",
        ],
    ),
    "culture_sports": (
        5,
        [
            "{org}举办残疾人线上文艺展演",
            "{org}在{place}举办残疾人健身体育活动",
        ],
    ),
    "other": (3, ["{org}组织志愿者在{place}开展助残志愿服务"]),
}

# What a city member unit does, by its department; a county committee does everything.
DEPARTMENT_CATEGORIES = {
    "civil_affairs": ("visit", "assistance"),
    "human_resources": ("employment",),
    "health": ("rehabilitation", "publicity"),
    "education": ("education",),
    "union": ("visit", "employment", "culture_sports"),
    "womens_federation": ("visit", "assistance"),
    "medical_insurance": ("publicity", "assistance"),
    "rural_revitalisation": ("assistance", "employment"),
}

# Indicator code -> (low, high) per report. Codes not listed get no figure; a default
# indicator added later needs one line here.
FIGURES = {
    "households_visited": (8, 60),
    "job_fairs": (1, 3),
    "enterprises": (5, 40),
    "positions": (20, 260),
    "job_seekers": (15, 180),
    "placed": (2, 30),
    "trained": (10, 80),
    "rehabilitation_served": (10, 120),
    "assistive_devices": (5, 60),
    "students_helped": (3, 30),
    "children_enrolled": (1, 8),
    "leaflets": (200, 3000),
    "consultations": (20, 400),
    "media_reports": (1, 4),
}
LEADERS = ["县（市、区）政府副县长", "残工委主任", "残联理事长", "民政局局长", "人大副主任"]
OUTLETS = [
    ("平顶山日报", MediaReport.Kind.NEWSPAPER),
    ("平顶山广播电视台", MediaReport.Kind.TV),
    ("鹰城手机台", MediaReport.Kind.SHORT_VIDEO),
    ("平顶山残联微信公众号", MediaReport.Kind.WECHAT),
    ("平顶山新闻网", MediaReport.Kind.WEBSITE),
    ("学习强国平顶山学习平台", MediaReport.Kind.WEBSITE),
]
# How many reports each recipient files (the counties file most; some city units a few).
COUNTY_REPORTS = (22, 36)
CITY_UNIT_REPORTS = (2, 6)
PHOTO_EVERY = 6  # one report in six carries photos
TYPICAL_EVERY = 4
MEDIA_EVERY = 4


@dataclass(frozen=True)
class Planned:
    """One generated report before it is filed."""

    number: int
    organisation: Organisation
    data: ReportInput
    photos: int


def _rng(kind: str) -> random.Random:
    # One stream per kind of data: adding a field to one kind does not shift the others.
    return random.Random(f"{SEED}:{kind}")  # noqa: S311 - made-up demo data, not secrets


def _who(org: Organisation) -> str:
    if org.kind == "committee":
        return (org.short_name or org.name).replace("残工委", "残联")
    return org.name


def _where(rng: random.Random, org: Organisation) -> tuple[str, str]:
    """(the township for the title, the place as the report gives it). A county works in its
    own townships; a city unit goes out to any county's."""
    county = org.region_id if org.region_id in TOWNSHIPS else rng.choice(sorted(TOWNSHIPS))
    township = rng.choice(TOWNSHIPS[county])
    place = f"{COUNTY_NAMES[county]}{township}"
    return (township if org.region_id == county else place), place


def _dates(rng: random.Random) -> tuple[date, date]:
    # Most activities cluster around the day itself; some run through the weeks around it.
    if rng.random() < 0.45:
        start = DAY - timedelta(days=rng.randint(0, 3))
    else:
        start = FIRST_DAY + timedelta(days=rng.randint(0, (LAST_DAY - FIRST_DAY).days))
    end = min(start + timedelta(days=rng.choice((0, 0, 0, 1, 2))), LAST_DAY)
    return start, end


def _category(rng: random.Random, org: Organisation) -> str:
    if org.department in DEPARTMENT_CATEGORIES:
        return rng.choice(DEPARTMENT_CATEGORIES[org.department])
    names = list(CATEGORIES)
    return rng.choices(names, weights=[CATEGORIES[n][0] for n in names])[0]


def _figures(rng: random.Random, category: str, indicators: list[Indicator]) -> dict[int, Decimal]:
    return {
        i.pk: Decimal(rng.randint(*FIGURES[i.code]))
        for i in indicators
        if i.code in FIGURES and i.applies_to(category)
    }


def _visits(
    rng: random.Random, category: str, served: int, institutions: list[Institution]
) -> list[VisitInput]:
    if category != "visit":
        return []
    households = max(served - rng.randint(0, 5), 3)
    visits = [
        VisitInput(
            kind="household",
            households=households,
            leaders=rng.choice(LEADERS),
            cash=Decimal(households * rng.choice((200, 300, 500))),
        )
    ]
    if institutions and rng.random() < 0.5:
        visits.append(
            VisitInput(
                kind="institution",
                institution=rng.choice(institutions),
                leaders=rng.choice(LEADERS),
                goods_value=Decimal(rng.randint(10, 80) * 100),
            )
        )
    return visits


def plan_reports(campaign: Campaign, receipts: list[Receipt]) -> list[Planned]:
    """Every report the demo files, generated before anything is written."""
    rng = _rng("reports")
    indicators = indicators_for(campaign)
    duties = list(campaign.duties.order_by("number"))
    institutions: dict[str, list[Institution]] = {}
    for institution in Institution.objects.order_by("pk"):
        institutions.setdefault(institution.region_id[:6], []).append(institution)
    planned: list[Planned] = []
    for receipt in receipts:
        org = receipt.organisation
        county = org.region_id if org.region_id in TOWNSHIPS else ""
        low, high = COUNTY_REPORTS if org.kind == "committee" else CITY_UNIT_REPORTS
        for _n in range(rng.randint(low, high)):
            category = _category(rng, org)
            place, full_place = _where(rng, org)
            title = rng.choice(CATEGORIES[category][1]).format(org=_who(org), place=place)
            start, end = _dates(rng)
            mode = rng.choice(("in_person", "in_person", "online", "both"))
            served = rng.randint(8, 90)
            attendance = served + rng.randint(5, 60)
            visits = _visits(rng, category, served, institutions.get(county, []))
            cash = sum((v.cash for v in visits), Decimal(0))
            goods = sum((v.goods_value for v in visits), Decimal(0))
            if category == "assistance":
                goods += Decimal(rng.randint(20, 200) * 100)
            planned.append(
                Planned(
                    number=len(planned) + 1,
                    organisation=org,
                    photos=1 + rng.randint(0, 2) if len(planned) % PHOTO_EVERY == 0 else 0,
                    data=ReportInput(
                        category=category,
                        title=title[:200],
                        start_date=start,
                        end_date=end,
                        mode=mode,
                        attendance=attendance,
                        disabled_served=served,
                        volunteers=rng.randint(0, 30),
                        cash=cash,
                        goods_value=goods,
                        place=full_place,
                        description=f"{title}。活动严格落实疫情防控要求，线上线下相结合。",
                        safety_measures="控制规模，佩戴口罩，测温登记。"
                        if mode != "online"
                        else "",
                        duties=[rng.choice(duties)] if duties else [],
                        values=_figures(rng, category, indicators),
                        visits=visits,
                    ),
                )
            )
    return planned


def _photo(rng: random.Random, number: int) -> SimpleUploadedFile:
    """A small picture drawn here (no files from elsewhere): a sky, a ground and a banner."""
    sky = (rng.randint(120, 200), rng.randint(160, 220), 235)
    image = Image.new("RGB", (480, 320), sky)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 220, 480, 320), fill=(rng.randint(60, 120), 140, 70))
    draw.rectangle((60, 60, 420, 120), fill=(200, 30, 40))
    for n in range(rng.randint(4, 9)):
        x = 50 + n * 45
        draw.ellipse((x, 170, x + 24, 194), fill=(240, 200, 160))
        draw.rectangle((x, 194, x + 24, 240), fill=(rng.randint(0, 255), 80, 120))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=70)
    return SimpleUploadedFile(f"现场{number}.jpg", buffer.getvalue(), content_type="image/jpeg")


def file_reports(
    campaign: Campaign, planned: list[Planned], reviewer: User
) -> list[ActivityReport]:
    """Save, photograph, submit and accept each generated report."""
    rng = _rng("photos")
    officer = User.objects.get(username="city_officer")
    accepted = []
    for item in planned:
        author = acting_user(item.organisation, officer)
        report = save_report(
            by=author,
            campaign=campaign,
            organisation=item.organisation,
            data=item.data,
            client_id=uuid.uuid5(NAMESPACE, f"report-{item.number}"),
        )
        for n in range(item.photos):
            add_photo(
                by=author,
                report=report,
                upload=_photo(rng, item.number * 10 + n),
                caption=f"{item.data.place}活动现场",
                people_recognisable=False,
                # The first photo of each report may go on the public site.
                public_consent=n == 0,
            )
        report = submit_report(by=author, report=report, version=report.version)
        accepted.append(accept_report(by=reviewer, report=report, version=report.version))
    return accepted


def add_coverage(campaign: Campaign, reports: list[ActivityReport]) -> None:
    """Press and online coverage of one report in ``MEDIA_EVERY``."""
    rng = _rng("media")
    officer = User.objects.get(username="city_officer")
    for report in reports[::MEDIA_EVERY]:
        outlet, kind = rng.choice(OUTLETS)
        add_media_report(
            by=acting_user(report.organisation, officer),
            campaign=campaign,
            organisation=report.organisation,
            outlet=outlet,
            kind=kind,
            date=report.end_date + timedelta(days=rng.randint(0, 2)),
            title=report.title,
            url=f"https://www.pds.gov.cn/demo/{report.pk}.html" if kind != "tv" else "",
            activities=[report],
        )


def add_typical(reports: list[ActivityReport]) -> None:
    """Every ``TYPICAL_EVERY``-th county report with photos is put forward as typical (a
    typical activity is shown with its pictures); the city takes most of them."""
    officer = User.objects.get(username="city_officer")
    with_photos = set(Photo.objects.filter(report__in=reports).values_list("report_id", flat=True))
    chosen = [r for r in reports if r.organisation.kind == "committee" and r.pk in with_photos][
        ::TYPICAL_EVERY
    ]
    for n, report in enumerate(chosen):
        typical = propose_typical(
            by=acting_user(report.organisation, officer),
            report=report,
            account=f"{report.title}，覆盖面广、群众满意，做法可复制推广。",
        )
        decide_typical(by=officer, typical=typical, accept=n % 4 != 3)


def load(campaign: Campaign) -> None:
    """File the generated reports of every recipient that has signed, once."""
    if ActivityReport.objects.filter(campaign=campaign).count() > 1:
        return
    receipts = list(
        Receipt.objects.filter(campaign=campaign, signed_at__isnull=False)
        .select_related("organisation")
        .order_by("organisation__region_id", "organisation__name")
    )
    reviewer = User.objects.get(username="city_reviewer")
    reports = file_reports(campaign, plan_reports(campaign, receipts), reviewer)
    add_coverage(campaign, reports)
    add_typical(reports)
