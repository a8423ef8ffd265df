"""The people and objects of the permission matrix, built once for the whole module.

Every role of ``orgs/roles.py`` has one person at county A, the jurisdiction that owns every
object; an administrator of county B stands for every other jurisdiction. Each URL argument has
its own object, in the state its URL acts on (a draft to edit, a submitted report to review, an
accepted one to put forward as typical), written by someone who is not one of the people asking,
so that no answer depends on being the author.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from PIL import Image

from zhucan.conftest import World, build_world
from zhucan.orgs.models import Membership
from zhucan.orgs.roles import ROLE_CAPABILITIES
from zhucan.testing.factories import make_campaign, make_org, make_plan, make_report, make_user

ANONYMOUS = "anonymous"
# An administrator of county B: every capability, none of it over county A.
STRANGER = "stranger"
ROLES: list[str] = [str(role) for role in ROLE_CAPABILITIES]
SUBJECTS: list[str] = [ANONYMOUS, *ROLES, STRANGER]


@dataclass
class MatrixObjects:
    world: World
    people: dict[str, Any]
    objects: dict[str, Any] = field(default_factory=dict)
    # Objects that belong to one person (a notification): one per person who asks.
    own: dict[str, dict[str, Any]] = field(default_factory=dict)


def _image(fmt: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "navy").save(out, fmt)
    return out.getvalue()


def build() -> MatrixObjects:
    from zhucan.activities.services import (
        accept_report,
        add_media_report,
        add_photo,
        propose_typical,
    )
    from zhucan.activities.services.institutions import add_institution
    from zhucan.campaigns.services import add_attachment
    from zhucan.helprequests.services import RequestInput, submit_request
    from zhucan.notifications.models import Notification
    from zhucan.notifications.services import notify
    from zhucan.orgs.models import Region
    from zhucan.orgs.services import set_organisation_active
    from zhucan.registry.services.education import open_case
    from zhucan.registry.services.townships import add_township
    from zhucan.stats.selectors import NO_FILTERS
    from zhucan.stats.services.export_jobs import start_export
    from zhucan.testing.factories import SCHOOL_YEAR, make_person, make_visit
    from zhucan.testing.registry_sheets import checked_import

    w = build_world()
    people: dict[str, Any] = {
        role: make_user(username=f"county_a_{role}", org=w.county_a, role=role) for role in ROLES
    }
    people[STRANGER] = make_user(
        username="county_b_admin", org=w.county_b, role=Membership.Role.ADMIN
    )
    for user in people.values():
        TOTPDevice.objects.create(user=user, name="matrix", confirmed=True)
    # Writes county A's unit's plans and reports; the people asking never wrote them.
    author = make_user(username="unit_reporter", org=w.county_a_unit, role="reporter")
    # The person whose account and role the people pages act on.
    target = make_user(username="unit_viewer", org=w.county_a_unit, role="viewer")
    m = MatrixObjects(world=w, people=people)
    o = m.objects
    officer = w.county_a_officer

    def campaign(publish: bool = True) -> Any:
        return make_campaign(issuing_org=w.county_a, by=officer, publish=publish)

    def report(on: Any, *, submit: bool, title: str = "走访慰问困难残疾人家庭") -> Any:
        return make_report(
            campaign=on, organisation=w.county_a_unit, by=author, submit=submit, title=title
        )

    def accepted(on: Any, title: str) -> Any:
        found = report(on, submit=True, title=title)
        return accept_report(by=officer, report=found, version=found.version)

    o["campaign"] = campaign()
    # County B runs a campaign of its own, so that its administrator has pages of their own.
    make_org(
        name="叶县民政局",
        parent=w.county_b,
        kind="member_unit",
        region_code="410422",
        department="civil_affairs",
    )
    make_campaign(issuing_org=w.county_b, by=people[STRANGER])
    o["draft_campaign"] = campaign(publish=False)
    o["closing_campaign"] = campaign()
    o["fresh_campaign"] = campaign()
    o["plan_campaign"] = campaign()
    o["org"] = w.county_a_unit
    o["inactive_org"] = make_org(
        name="新华区教育局",
        parent=w.county_a,
        kind="member_unit",
        region_code="410402",
        department="education",
    )
    set_organisation_active(by=w.city_admin, org=o["inactive_org"], active=False)
    o["node"] = w.county_a
    o["user"] = target
    o["membership"] = target.memberships.get()
    o["receipt"] = o["campaign"].receipts.get(organisation=w.county_a_unit)
    o["attachment"] = add_attachment(
        by=officer,
        campaign=o["campaign"],
        upload=SimpleUploadedFile("附件1.txt", "活动统计表".encode(), content_type="text/plain"),
    )
    o["submitted_plan"] = make_plan(
        campaign=o["campaign"], organisation=w.county_a_unit, by=author, submit=True
    )
    o["draft_plan"] = make_plan(
        campaign=o["plan_campaign"], organisation=w.county_a_unit, by=author
    )
    o["draft_report"] = report(o["campaign"], submit=False, title="助残日文艺演出")
    o["submitted_report"] = report(o["campaign"], submit=True)
    o["quick_report"] = report(o["campaign"], submit=False, title="手机快报")
    o["accepted_report"] = accepted(o["campaign"], "残疾人就业招聘会")
    o["typical"] = propose_typical(
        by=author,
        report=accepted(o["campaign"], "线上直播慰问"),
        account="线上直播慰问，覆盖全区",
    )
    o["photo"] = add_photo(
        by=author,
        report=report(o["campaign"], submit=False, title="助残日活动照片"),
        upload=SimpleUploadedFile("活动.jpg", _image("JPEG"), content_type="image/jpeg"),
        consent=True,
    )
    o["planned_activity"] = o["submitted_plan"].activities.get()
    o["institution"] = add_institution(
        by=officer,
        organisation=w.county_a,
        name="新华区康复中心",
        kind="rehabilitation",
        region=Region.objects.get(code="410402"),
    )
    o["media"] = add_media_report(
        by=author,
        campaign=o["campaign"],
        organisation=w.county_a_unit,
        outlet="新华区融媒体中心",
        kind="wechat",
        date=date(2020, 5, 17),
        title="新华区民政局助残日报道",
        screenshot=SimpleUploadedFile("截图.png", _image("PNG"), content_type="image/png"),
    )
    o["person"] = make_person(w, name="李秀英", need_income_fell=True)
    o["case"] = open_case(
        by=officer, child=make_person(w, name="王小明", born=(2012, 3, 4)), school_year=SCHOOL_YEAR
    )
    o["visit"] = make_visit(w)
    o["import"] = checked_import(w)
    o["township"] = add_township(by=officer, organisation=w.county_a, name="光明路街道")
    o["help_request"] = submit_request(
        by=None,
        site=w.county_a,
        data=RequestInput(kind="medical", phone="13812345678", description="需要康复器具"),
        token=None,
        address=None,
    )
    with transaction.atomic():
        # Started by county A's officer: the job is theirs alone, so everyone here is refused.
        o["export"] = start_export(
            by=officer, campaign=o["campaign"], node=w.county_a, filters=NO_FILTERS
        )
        notify(
            users=[*people.values(), officer],
            kind="reminder",
            title="请签收通知",
            url=reverse("core:home"),
            email=False,
        )
    notes = {n.user_id: n for n in Notification.objects.all()}
    # The stranger is shown county A's officer's notification: someone else's, elsewhere.
    m.own["notification"] = {who: notes[user.pk] for who, user in people.items()}
    m.own["notification"][STRANGER] = notes[officer.pk]
    return m
