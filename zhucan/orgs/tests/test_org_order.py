"""One order for organisations: sub-areas by GB/T 2260 code, then the committee's members in
the order notices list them; the tree order stays (a parent before its units)."""

from __future__ import annotations

import importlib

from django.apps import apps as django_apps
from django.test import Client
from django.urls import reverse

from zhucan.accounts import demo
from zhucan.accounts.models import User
from zhucan.orgs.models import Membership, Organisation
from zhucan.orgs.services import update_organisation
from zhucan.testing.auth import login_verified
from zhucan.testing.factories import make_org, make_user

COUNTIES_BY_CODE = [
    *("新华区", "卫东区", "石龙区", "湛河区", "宝丰县"),
    *("叶县", "鲁山县", "郏县", "舞钢市", "汝州市"),
]
CITY_MEMBERS_IN_NOTICE_ORDER = [
    "平顶山市残疾人联合会",
    *(name for name, _department in demo.CITY_MEMBER_UNITS),
]


def _expected_city_children() -> list[str]:
    return [f"{c}人民政府残疾人工作委员会" for c in COUNTIES_BY_CODE] + CITY_MEMBERS_IN_NOTICE_ORDER


def test_the_pingdingshan_demo_lists_counties_by_code_then_departments(db: None) -> None:
    orgs = demo.load()
    names = list(orgs["city"].children.in_order().values_list("name", flat=True))
    # The demo creates the departments first: an order by creation would put them on top.
    assert names == _expected_city_children()
    # A county's own units follow the same rule: its federation, then its bureaus.
    county = orgs["410422"]
    assert list(county.children.in_order().values_list("name", flat=True)) == [
        "叶县残疾人联合会",
        *(f"叶县{unit}" for unit, _department in demo.COUNTY_MEMBER_UNITS),
    ]


def test_whole_tree_order_keeps_units_under_their_parent(db: None) -> None:
    orgs = demo.load()
    ordered = list(Organisation.objects.in_order())
    position = {org.pk: n for n, org in enumerate(ordered)}
    for org in ordered:
        if org.parent_id:
            assert position[org.parent_id] < position[org.pk]
    assert ordered[0] == orgs["city"]
    assert position[orgs["410402"].pk] < position[orgs["410482"].pk]
    # 汝州市's last unit still comes before the city's own departments.
    assert position[orgs["410482:womens_federation"].pk] < position[orgs["city:federation"].pk]


def test_counties_created_in_any_order_sort_by_code(db: None) -> None:
    city = make_org(name="平顶山市残工委", region_code="410400")
    for code, name in [("410482", "汝州市"), ("410402", "新华区"), ("410422", "叶县")]:
        make_org(name=name, parent=city, region_code=code)
    unit = make_org(name="民政局", parent=city, kind="member_unit", department="civil_affairs")
    names = list(city.children.in_order().values_list("name", flat=True))
    assert names == ["新华区", "叶县", "汝州市", unit.name]


def test_moving_or_changing_an_organisation_moves_its_place_and_its_units(db: None) -> None:
    city = make_org(name="市残工委", region_code="410400")
    a = make_org(name="新华区", parent=city, region_code="410402")
    b = make_org(name="新华区残联", parent=city, region_code="410402", kind="federation")
    unit = make_org(name="康复中心", parent=b, region_code="410402", kind="institution")
    admin = make_user(org=city, role=Membership.Role.ADMIN)
    b = update_organisation(
        by=admin,
        org=b,
        version=b.version,
        name=b.name,
        kind=b.kind,
        region_code=b.region_id,
        parent=a,
        department="federation",
    )
    unit.refresh_from_db()
    assert unit.sort_path.startswith(b.sort_path) and b.sort_path.startswith(a.sort_path)
    assert list(Organisation.objects.in_order()) == [city, a, b, unit]
    # A department's member becomes a sub-area of its own once it has a county code.
    dept = make_org(name="教育局", parent=city, kind="member_unit", department="education")
    assert list(city.children.in_order()) == [a, dept]
    dept = update_organisation(
        by=admin,
        org=dept,
        version=dept.version,
        name=dept.name,
        kind=dept.kind,
        region_code="410403",
        parent=city,
        department="education",
    )
    assert list(city.children.in_order()) == [a, dept]
    c = make_org(name="卫东区", parent=city, region_code="410403")
    assert [o.name for o in city.children.in_order()] == ["新华区", "教育局", "卫东区"]
    assert c.sort_path > dept.sort_path  # same code: the one added first stays first


def test_the_migration_computes_the_order_of_existing_organisations(db: None) -> None:
    orgs = demo.load()
    Organisation.objects.update(sort_path="")
    migration = importlib.import_module(
        "zhucan.orgs.migrations.0004_organisation_sort_path_in_expected_order"
    )
    migration.fill_sort_paths(django_apps, None)
    names = list(orgs["city"].children.in_order().values_list("name", flat=True))
    assert names == _expected_city_children()
    assert not Organisation.objects.filter(sort_path="").exists()


def test_organisation_list_and_parent_select_follow_the_order(client: Client, db: None) -> None:
    orgs = demo.load()
    officer = User.objects.get(username="city_admin")
    login_verified(client, officer)
    body = client.get(reverse("orgs:list") + "?kind=committee").content.decode()
    first, second, last = (body.index(f"{c}人民政府") for c in ("新华区", "卫东区", "汝州市"))
    assert first < second < last
    body = client.get(reverse("orgs:detail", args=[orgs["city"].pk])).content.decode()
    names = ("新华区人民政府", "汝州市人民政府", "平顶山市民政局")
    first, last, dept = (body.index(n) for n in names)
    assert first < last < dept
    edit = client.get(reverse("orgs:edit", args=[orgs["410422:union"].pk])).content.decode()
    select = edit[edit.index('name="parent"') :]
    assert select.index("新华区人民政府") < select.index("汝州市人民政府")


def test_an_imported_tree_takes_its_place_in_the_same_order(db: None) -> None:
    from zhucan.orgs.importer import run_import
    from zhucan.orgs.tests.factories import row, xlsx

    city = make_org(name="平顶山市残工委", region_code="410400")
    # A sheet as an office types it: departments first, counties in no particular order.
    data = xlsx(
        [
            row("平顶山市教育局", department="教育"),
            row("平顶山市民政局", department="民政"),
            row("汝州市残工委", kind="残工委", department="", region=410482),
            row("新华区残工委", kind="残工委", department="", region=410402),
        ]
    )
    report = run_import(by=None, under=city, data=data)
    assert report.is_valid, report.problems
    names = list(city.children.in_order().values_list("name", flat=True))
    assert names == ["新华区残工委", "汝州市残工委", "平顶山市民政局", "平顶山市教育局"]


def test_a_committee_can_list_its_members_in_its_own_order(client: Client, db: None) -> None:
    orgs = demo.load()
    city = orgs["city"]
    publicity = orgs["city:publicity"]
    # The committee lists 宣传部 first: its place comes before the usual order of the others.
    update_organisation(
        by=User.objects.get(username="city_admin"),
        org=publicity,
        version=publicity.version,
        name=publicity.name,
        kind=publicity.kind,
        region_code=publicity.region_id,
        parent=city,
        department=publicity.department,
        member_position=1,
    )
    names = list(city.children.in_order().values_list("name", flat=True))
    assert names[:10] == _expected_city_children()[:10]  # the counties stay first
    assert names[10] == "中共平顶山市委宣传部"
    assert names[11:] == [n for n in CITY_MEMBERS_IN_NOTICE_ORDER if n != "中共平顶山市委宣传部"]


def test_the_edit_form_sets_the_place_in_the_member_list(client: Client, db: None) -> None:
    orgs = demo.load()
    login_verified(client, User.objects.get(username="city_admin"))
    union = orgs["city:union"]
    url = reverse("orgs:edit", args=[union.pk])
    page = client.get(url).content.decode()
    assert 'name="member_position"' in page
    response = client.post(
        url,
        {
            "name": union.name,
            "kind": union.kind,
            "department": union.department,
            "region": union.region_id,
            "parent": union.parent_id,
            "version": union.version,
            "member_position": "2",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    union.refresh_from_db()
    assert union.member_position == 2
    names = list(orgs["city"].children.in_order().values_list("name", flat=True))
    assert names[10] == "平顶山市总工会"
