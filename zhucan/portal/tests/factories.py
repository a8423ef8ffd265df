"""A city with published content for the public pages, and content that must stay hidden."""

from __future__ import annotations

import io
import time
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from zhucan.accounts.models import User
from zhucan.activities.models import (
    Institution,
    InstitutionKind,
    Photo,
    TypicalActivity,
)
from zhucan.activities.services import accept_report, submit_report
from zhucan.activities.services.institutions import add_institution, update_public_entry
from zhucan.activities.services.photos import add_photo
from zhucan.activities.services.typical import (
    decide_typical,
    propose_typical,
    set_typical_public,
)
from zhucan.campaigns.models import Campaign
from zhucan.conftest import World
from zhucan.orgs.models import Membership, Organisation, Region
from zhucan.plans.models import Plan, PlannedActivity
from zhucan.plans.services import approve_plan
from zhucan.portal import help_forms
from zhucan.testing.factories import make_campaign, make_plan, make_report, make_user


def jpeg() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (30, 120, 200)).save(buffer, "JPEG")
    return SimpleUploadedFile("photo.jpg", buffer.getvalue(), content_type="image/jpeg")


@dataclass
class Portal:
    campaign: Campaign
    shown: PlannedActivity  # public, approved, county A, coming up
    held: PlannedActivity  # public, approved, county A, already held
    private: PlannedActivity  # approved, not marked public
    unapproved: PlannedActivity  # public, plan only submitted (county A's member unit)
    other_county: PlannedActivity  # public, approved, county B
    story: TypicalActivity  # accepted and public, county A
    hidden_story: TypicalActivity  # accepted, not public
    consented: Photo
    unconsented: Photo
    listed: Institution
    unlisted: Institution


def _approved_plan(
    world: World, reviewer: User, campaign: Campaign, org: Organisation, rows: list[dict[str, Any]]
) -> Plan:
    plan = make_plan(
        campaign=campaign, organisation=org, by=world.city_officer, activities=rows, submit=True
    )
    return approve_plan(by=reviewer, plan=plan, version=plan.version)


def _story(
    world: World, reviewer: User, campaign: Campaign, title: str
) -> tuple[TypicalActivity, Photo, Photo]:
    """An accepted report of county A with two photos (one consented for publication), put
    forward and accepted as typical by the city."""
    officer = world.county_a_officer
    report = make_report(campaign=campaign, organisation=world.county_a, by=officer, title=title)
    consented = add_photo(
        by=officer,
        report=report,
        upload=jpeg(),
        caption=f"{title}现场",
        consent=True,
        public_consent=True,
    )
    unconsented = add_photo(
        by=officer, report=report, upload=jpeg(), caption=f"{title}合影", consent=True
    )
    report = submit_report(by=officer, report=report, version=report.version)
    report = accept_report(by=reviewer, report=report, version=report.version)
    typical = propose_typical(by=officer, report=report, account=f"{title}的经验。")
    return decide_typical(by=reviewer, typical=typical, accept=True), consented, unconsented


def build_portal(world: World) -> Portal:
    reviewer = make_user(username="city_reviewer", org=world.city, role=Membership.Role.REVIEWER)
    today = timezone.localdate()
    soon = today + timedelta(days=10)
    campaign = make_campaign(
        issuing_org=world.city,
        by=world.city_officer,
        recipients=[world.county_a.name, world.county_b.name, world.county_a_unit.name],
    )
    public = {"is_public": True, "venue_access": "step_free"}
    plan_a = _approved_plan(
        world,
        reviewer,
        campaign,
        world.county_a,
        [
            public
            | {
                "title": "康复知识讲座",
                "start_date": soon,
                "end_date": soon,
                "mode": "in_person",
                "place": "新华区残联一楼",
                "by_appointment": True,
                "person_responsible": "李秘密",
                "phone": "13900001111",
            },
            public
            | {
                "title": "线上就业招聘会",
                "start_date": date(2020, 5, 17),
                "end_date": date(2020, 5, 17),
                "online_link": "https://example.cn/job",
            },
            {"title": "内部工作会议", "start_date": soon, "end_date": soon},
        ],
    )
    plan_b = _approved_plan(
        world,
        reviewer,
        campaign,
        world.county_b,
        [public | {"title": "叶县助残义诊", "start_date": soon, "end_date": soon}],
    )
    unapproved = make_plan(
        campaign=campaign,
        organisation=world.county_a_unit,
        by=world.city_officer,
        activities=[public | {"title": "未批准的活动", "start_date": soon, "end_date": soon}],
        submit=True,
    )
    shown, held, private = plan_a.activities.order_by("position")
    story, consented, unconsented = _story(world, reviewer, campaign, "盲人按摩培训")
    hidden_story = _story(world, reviewer, campaign, "助残志愿服务")[0]
    story = set_typical_public(by=world.city_officer, typical=story, public=True)
    region = Region.objects.get(code="410402")
    listed = add_institution(
        by=world.county_a_officer,
        organisation=world.county_a,
        name="新华区康复中心",
        kind=InstitutionKind.REHABILITATION,
        region=region,
        address="建设路1号",
    )
    listed = update_public_entry(
        by=world.county_a_officer,
        institution=listed,
        phone="0375-1234567",
        opening_hours="周一至周五 8:30-17:30",
        accessibility="无障碍坡道、无障碍卫生间",
        is_public=True,
    )
    unlisted = add_institution(
        by=world.county_a_officer,
        organisation=world.county_a,
        name="新华区未公开福利院",
        kind=InstitutionKind.WELFARE_HOME,
        region=region,
    )
    return Portal(
        campaign=campaign,
        shown=shown,
        held=held,
        private=private,
        unapproved=unapproved.activities.get(),
        other_county=plan_b.activities.get(),
        story=story,
        hidden_story=hidden_story,
        consented=consented,
        unconsented=unconsented,
        listed=listed,
        unlisted=unlisted,
    )


# What a visitor sends with the public help form.


def stamp(seconds_ago: float = 60) -> str:
    # Signed as the form does, as if drawn ``seconds_ago``.
    return signing.dumps(time.time() - seconds_ago, salt=help_forms._SALT)


def form_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "client_id": str(uuid.uuid4()),
        "started": stamp(),
        "kind": "medical",
        "region": "410402",
        "place": "",
        "phone": "138 1234 5678",
        "preferred_time": "工作日下午",
        "contact": "phone",
        "name": "",
        "id_number": "",
        "description": "我父亲需要轮椅，家里买不起",
        "website": "",
    }
    return data | overrides
