"""The standard people and the small tree every test can use.

city committee (平顶山市, 410400)
├── 市民政局 (member unit)          ← member_unit_reporter
├── 新华区残工委 (county A, 410402) ← county_a_officer
│   └── 新华区民政局
└── 叶县残工委 (county B, 410422)   ← county_b_officer
city_officer is a coordinator at the city committee; outsider has an account and no organisation.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.utils import translation

from zhucan.accounts.models import User
from zhucan.core.workdays import calendar_changed
from zhucan.orgs.models import Membership, Organisation
from zhucan.testing.factories import make_org, make_user

pytest_plugins = ["zhucan.testing.browser", "zhucan.testing.database"]


@dataclass
class World:
    city: Organisation
    city_unit: Organisation
    county_a: Organisation
    county_a_unit: Organisation
    county_b: Organisation
    city_officer: User
    city_admin: User
    city_auditor: User
    county_a_officer: User
    county_b_officer: User
    member_unit_reporter: User
    outsider: User


@pytest.fixture
def world(db: None) -> World:
    return build_world()


def build_world() -> World:
    """The standard tree and people; needs database access (the browser tests call it too)."""
    city = make_org(
        name="平顶山市人民政府残疾人工作委员会", region_code="410400", issuer_code="平残工委"
    )
    city_unit = make_org(
        name="平顶山市民政局", parent=city, kind="member_unit", department="civil_affairs"
    )
    county_a = make_org(name="新华区人民政府残疾人工作委员会", parent=city, region_code="410402")
    county_a_unit = make_org(
        name="新华区民政局",
        parent=county_a,
        kind="member_unit",
        region_code="410402",
        department="civil_affairs",
    )
    county_b = make_org(name="叶县人民政府残疾人工作委员会", parent=city, region_code="410422")
    role = Membership.Role
    return World(
        city=city,
        city_unit=city_unit,
        county_a=county_a,
        county_a_unit=county_a_unit,
        county_b=county_b,
        city_officer=make_user(
            username="city_officer", full_name="高秋法", org=city, role=role.COORDINATOR
        ),
        city_admin=make_user(username="city_admin", full_name="王建国", org=city, role=role.ADMIN),
        city_auditor=make_user(
            username="city_auditor", full_name="赵丽", org=city, role=role.AUDITOR
        ),
        county_a_officer=make_user(
            username="county_a_officer", full_name="张伟", org=county_a, role=role.COORDINATOR
        ),
        county_b_officer=make_user(
            username="county_b_officer", full_name="刘洋", org=county_b, role=role.COORDINATOR
        ),
        member_unit_reporter=make_user(
            username="member_unit_reporter", full_name="孙强", org=city_unit, role=role.REPORTER
        ),
        outsider=make_user(username="outsider", full_name="无单位用户"),
    )


@pytest.fixture
def city_officer(world: World) -> User:
    return world.city_officer


@pytest.fixture
def county_a_officer(world: World) -> User:
    return world.county_a_officer


@pytest.fixture
def county_b_officer(world: World) -> User:
    return world.county_b_officer


@pytest.fixture
def member_unit_reporter(world: World) -> User:
    return world.member_unit_reporter


@pytest.fixture
def outsider(world: World) -> User:
    return world.outsider


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Each test starts with an empty cache: rolled-back tests reuse ids, and a page cached by
    a version in one test must not be served in the next."""
    cache.clear()
    # The working days' calendar kept in this process, too: a test's holiday is rolled back.
    calendar_changed()


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Each test starts in the settings' language: a request with another language (a user's
    preference, a Chinese page) leaves it active on the thread, and a message a later test reads
    must not depend on which test ran before it."""
    translation.deactivate()
    yield
    translation.deactivate()
