"""Demo organisations and people for Pingdingshan (平顶山市, 410400), as in the 2020 notice.

Loaded through the same services as real data; idempotent by name within parent.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.hashers import make_password

from zhucan.accounts.models import User
from zhucan.accounts.services import create_user
from zhucan.core.actors import Actor
from zhucan.orgs.models import Department, Membership, Organisation
from zhucan.orgs.services import add_membership, create_organisation

DEMO_PASSWORD = "Zhucan2020demo"  # noqa: S105 - the published demo password, shown on screen

CITY_CODE = "410400"
COUNTIES = [
    ("410402", "新华区"),
    ("410403", "卫东区"),
    ("410404", "石龙区"),
    ("410411", "湛河区"),
    ("410421", "宝丰县"),
    ("410422", "叶县"),
    ("410423", "鲁山县"),
    ("410425", "郏县"),
    ("410481", "舞钢市"),
    ("410482", "汝州市"),
]
# The member units the notice's duties name:
# 民政、人社、卫健、医保、教育、住建、扶贫办、工会、共青团、妇联、驻军部队.
CITY_MEMBER_UNITS = [
    ("平顶山市民政局", Department.CIVIL_AFFAIRS),
    ("平顶山市人力资源和社会保障局", Department.HUMAN_RESOURCES),
    ("平顶山市卫生健康委员会", Department.HEALTH),
    ("平顶山市医疗保障局", Department.MEDICAL_INSURANCE),
    ("平顶山市教育局", Department.EDUCATION),
    ("平顶山市住房和城乡建设局", Department.HOUSING),
    ("平顶山市扶贫开发办公室", Department.RURAL_REVITALISATION),
    ("平顶山市总工会", Department.UNION),
    ("共青团平顶山市委员会", Department.YOUTH_LEAGUE),
    ("平顶山市妇女联合会", Department.WOMENS_FEDERATION),
    ("驻平顶山部队", Department.MILITARY),
    ("中共平顶山市委宣传部", Department.PUBLICITY),
]
COUNTY_MEMBER_UNITS = [
    ("民政局", Department.CIVIL_AFFAIRS),
    ("人力资源和社会保障局", Department.HUMAN_RESOURCES),
    ("卫生健康委员会", Department.HEALTH),
    ("医疗保障局", Department.MEDICAL_INSURANCE),
    ("教育局", Department.EDUCATION),
    ("住房和城乡建设局", Department.HOUSING),
    ("扶贫开发办公室", Department.RURAL_REVITALISATION),
    ("总工会", Department.UNION),
    ("团委", Department.YOUTH_LEAGUE),
    ("妇女联合会", Department.WOMENS_FEDERATION),
]

DEMO_USERS = [
    # username, full name, organisation key, role
    ("city_officer", "高秋法", "city", Membership.Role.COORDINATOR),
    ("city_admin", "王建国", "city", Membership.Role.ADMIN),
    ("city_reviewer", "李梅", "city", Membership.Role.REVIEWER),
    ("city_auditor", "赵丽", "city", Membership.Role.AUDITOR),
    ("xinhua_officer", "张伟", "410402", Membership.Role.COORDINATOR),
    ("yexian_officer", "刘洋", "410422", Membership.Role.COORDINATOR),
    ("yexian_reporter", "陈静", "410422", Membership.Role.REPORTER),
    ("minzheng_reporter", "孙强", "city:civil_affairs", Membership.Role.REPORTER),
]
# The rest of the city, so that every recipient signs, plans and reports in its own name. Not
# listed on the login page (the accounts above tell the stories); ``load_demo`` prints them.
MORE_DEMO_USERS = [
    ("weidong_officer", "马红霞", "410403", Membership.Role.COORDINATOR),
    ("shilong_officer", "郭志勇", "410404", Membership.Role.COORDINATOR),
    ("zhanhe_officer", "胡晓燕", "410411", Membership.Role.COORDINATOR),
    ("baofeng_officer", "朱振华", "410421", Membership.Role.COORDINATOR),
    ("lushan_officer", "何军", "410423", Membership.Role.COORDINATOR),
    ("jiaxian_officer", "林淑芬", "410425", Membership.Role.COORDINATOR),
    ("wugang_officer", "罗永刚", "410481", Membership.Role.COORDINATOR),
    ("ruzhou_officer", "周丽萍", "410482", Membership.Role.COORDINATOR),
    # A reporter in each city member unit the demo shows signing and reporting.
    ("renshe_reporter", "杨帆", "city:human_resources", Membership.Role.REPORTER),
    ("weijian_reporter", "吴敏", "city:health", Membership.Role.REPORTER),
    ("jiaoyu_reporter", "徐磊", "city:education", Membership.Role.REPORTER),
    ("gonghui_reporter", "黄丽", "city:union", Membership.Role.REPORTER),
    ("fulian_reporter", "高静", "city:womens_federation", Membership.Role.REPORTER),
    ("canlian_reporter", "王磊", "city:federation", Membership.Role.REPORTER),
]
ALL_DEMO_USERS = DEMO_USERS + MORE_DEMO_USERS


def _org(
    by: Actor | None, *, name: str, parent: Organisation | None, **fields: Any
) -> Organisation:
    existing = Organisation.objects.filter(parent=parent, name=name).first()
    if existing:
        return existing
    return create_organisation(by=by, name=name, parent=parent, **fields)


def load(by: Actor | None = None) -> dict[str, Organisation]:
    """Create the Pingdingshan tree and the demo people. Returns the organisations by key."""
    orgs: dict[str, Organisation] = {}
    city = _org(
        by,
        name="平顶山市人民政府残疾人工作委员会",
        parent=None,
        kind="committee",
        region_code=CITY_CODE,
        short_name="市政府残工委",
        issuer_code="平残工委",
        phone="2690909",
        email="pdscanlian@163.com",
    )
    orgs["city"] = city
    orgs["city:federation"] = _org(
        by,
        name="平顶山市残疾人联合会",
        parent=city,
        kind="federation",
        region_code=CITY_CODE,
        department=Department.FEDERATION,
        short_name="市残联",
    )
    for name, department in CITY_MEMBER_UNITS:
        orgs[f"city:{department}"] = _org(
            by,
            name=name,
            parent=city,
            kind="member_unit",
            region_code=CITY_CODE,
            department=department,
        )
    for code, county in COUNTIES:
        committee = _org(
            by,
            name=f"{county}人民政府残疾人工作委员会",
            parent=city,
            kind="committee",
            region_code=code,
            short_name=f"{county}残工委",
            issuer_code=f"{county[0]}残工委",
        )
        orgs[code] = committee
        _org(
            by,
            name=f"{county}残疾人联合会",
            parent=committee,
            kind="federation",
            region_code=code,
            department=Department.FEDERATION,
            short_name=f"{county}残联",
        )
        for unit, department in COUNTY_MEMBER_UNITS:
            orgs[f"{code}:{department}"] = _org(
                by,
                name=f"{county}{unit}",
                parent=committee,
                kind="member_unit",
                region_code=code,
                department=department,
            )
    with _demo_password_hashed_once():
        _accounts(by, orgs)
    return orgs


@contextmanager
def _demo_password_hashed_once() -> Iterator[None]:
    """Argon2 spends most of a second on each hash, by design. The demo's accounts share one
    published password, so it is hashed once and every new account gets that hash (a login
    still checks it the ordinary way). Only the demo password is short-cut, only here."""
    hashed: list[str] = []  # made at the first new account: a second load makes none
    original = User.set_password

    def set_password(user: AbstractBaseUser, raw_password: str | None) -> None:
        if raw_password != DEMO_PASSWORD:
            original(user, raw_password)
            return
        if not hashed:
            hashed.append(make_password(DEMO_PASSWORD))
        user.password = hashed[0]
        # What Django keeps after set_password, for the password validators.
        user._password = raw_password  # type: ignore[attr-defined]

    User.set_password = set_password  # type: ignore[method-assign, assignment]
    try:
        yield
    finally:
        User.set_password = original  # type: ignore[method-assign]


def _accounts(by: Actor | None, orgs: dict[str, Organisation]) -> None:
    for username, full_name, key, role in ALL_DEMO_USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            create_user(
                by=by,
                username=username,
                full_name=full_name,
                password=DEMO_PASSWORD,
                organisation=orgs[key],
                role=role,
            )
        else:
            add_membership(by=by, user=user, organisation=orgs[key], role=role)
    if not User.objects.filter(username="outsider").exists():
        # Someone with an account but no organisation: sees nothing, is told why.
        outsider = User(username="outsider", full_name="无单位用户")
        outsider.set_password(DEMO_PASSWORD)
        outsider.save()


def acting_user(organisation: Organisation, fallback: User) -> User:
    """The demo account that works for ``organisation``: its own county officer or member-unit
    reporter, else ``fallback`` (someone above it, whose role reaches it)."""
    if organisation.kind == "committee" and organisation.region_id != CITY_CODE:
        key = organisation.region_id
    elif organisation.region_id == CITY_CODE:
        key = f"city:{organisation.department}"
    else:
        key = ""
    for username, _name, user_key, _role in ALL_DEMO_USERS:
        if user_key == key:
            return User.objects.get(username=username)
    return fallback
