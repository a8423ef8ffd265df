"""The organisation list (tree, search, filters, pages) and the detail page."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.test import Client
from django.urls import reverse

from zhucan.accounts.models import User
from zhucan.conftest import World
from zhucan.orgs.services import set_organisation_active
from zhucan.testing.auth import login_verified
from zhucan.testing.factories import make_org

if TYPE_CHECKING:
    # What the test client returns (a response with the request and context attached).
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse


def _names(response: TestResponse) -> list[str]:
    return re.findall(r'<a href="/orgs/\d+/">([^<]+)</a>', response.content.decode())


def test_list_shows_the_tree_in_order_with_indentation(client: Client, world: World) -> None:
    login_verified(client, world.city_officer)
    response = client.get(reverse("orgs:list"))
    body = response.content.decode()
    names = _names(response)
    # Each unit comes right after its parent's subtree starts (materialised-path order).
    assert names.index(world.county_a.name) < names.index(world.county_a_unit.name)
    assert f'class="depth-2"><a href="/orgs/{world.county_a_unit.pk}/"' in body
    assert f'class="depth-0"><a href="/orgs/{world.city.pk}/"' in body


def test_indentation_starts_at_the_top_of_ones_own_jurisdiction(
    client: Client, world: World
) -> None:
    login_verified(client, world.county_a_officer)
    body = client.get(reverse("orgs:list")).content.decode()
    assert f'class="depth-0"><a href="/orgs/{world.county_a.pk}/"' in body
    assert f'class="depth-1"><a href="/orgs/{world.county_a_unit.pk}/"' in body


def test_search_by_name_short_name_and_region_code(client: Client, world: World) -> None:
    make_org(
        name="叶县残疾人联合会",
        short_name="叶县残联",
        parent=world.county_b,
        kind="federation",
        region_code="410422",
        department="federation",
    )
    login_verified(client, world.city_officer)
    found = set(_names(client.get(reverse("orgs:list"), {"q": "民政局"})))
    assert found == {world.city_unit.name, world.county_a_unit.name}
    assert _names(client.get(reverse("orgs:list"), {"q": "叶县残联"})) == ["叶县残疾人联合会"]
    by_code = set(_names(client.get(reverse("orgs:list"), {"q": "410422"})))
    assert by_code == {world.county_b.name, "叶县残疾人联合会"}
    # A city code prefix finds the whole city.
    assert len(_names(client.get(reverse("orgs:list"), {"q": "4104"}))) == 6


def test_filter_by_kind(client: Client, world: World) -> None:
    login_verified(client, world.city_officer)
    names = set(_names(client.get(reverse("orgs:list"), {"kind": "member_unit"})))
    assert names == {world.city_unit.name, world.county_a_unit.name}


def test_deactivated_organisations_are_hidden_unless_asked_for(
    client: Client, world: World, city_admin: User
) -> None:
    set_organisation_active(by=city_admin, org=world.county_b, active=False)
    login_verified(client, world.city_officer)
    assert world.county_b.name not in _names(client.get(reverse("orgs:list")))
    inactive = client.get(reverse("orgs:list"), {"status": "inactive"})
    assert _names(inactive) == [world.county_b.name]
    assert "Deactivated" in inactive.content.decode()
    assert world.county_b.name in _names(client.get(reverse("orgs:list"), {"status": "all"}))


def test_search_that_finds_nothing_says_so(client: Client, world: World) -> None:
    login_verified(client, world.city_officer)
    body = client.get(reverse("orgs:list"), {"q": "不存在的单位"}).content.decode()
    assert "empty-state" in body and "<table" not in body


def test_pagination_keeps_the_search(client: Client, world: World) -> None:
    for n in range(55):
        make_org(
            name=f"叶县机构{n:02d}", parent=world.county_b, kind="institution", region_code="410422"
        )
    login_verified(client, world.city_officer)
    first = client.get(reverse("orgs:list"), {"q": "叶县机构"})
    assert len(_names(first)) == 50
    assert "q=%E5%8F%B6%E5%8E%BF%E6%9C%BA%E6%9E%84&amp;page=2" in first.content.decode()
    page_two: dict[str, str | int] = {"q": "叶县机构", "page": 2}
    second = client.get(reverse("orgs:list"), page_two)
    assert len(_names(second)) == 5
    assert set(_names(first)) | set(_names(second)) == {f"叶县机构{n:02d}" for n in range(55)}


def test_detail_shows_children_people_and_actions_to_a_manager(
    client: Client, world: World, city_admin: User
) -> None:
    login_verified(client, city_admin)
    body = client.get(reverse("orgs:detail", kwargs={"org_pk": world.county_a.pk})).content.decode()
    assert world.county_a_unit.name in body
    assert "张伟" in body  # county A's officer
    for name in ("orgs:create", "orgs:edit", "orgs:import", "orgs:deactivate"):
        assert reverse(name, kwargs={"org_pk": world.county_a.pk}) in body
    assert reverse("orgs:people", kwargs={"org_pk": world.county_a.pk}) in body


def test_detail_is_read_only_without_the_capability(client: Client, world: World) -> None:
    login_verified(client, world.county_a_officer)  # a coordinator: sees, does not change
    response = client.get(reverse("orgs:detail", kwargs={"org_pk": world.county_a.pk}))
    body = response.content.decode()
    assert response.status_code == 200
    assert world.county_a_unit.name in body
    for name in ("orgs:create", "orgs:edit", "orgs:import", "orgs:deactivate"):
        assert reverse(name, kwargs={"org_pk": world.county_a.pk}) not in body
    main = body.split("<main", 1)[1].split("</main>", 1)[0]
    assert 'class="button' not in main


def test_a_county_admin_may_edit_but_not_deactivate_their_own_root(
    client: Client, world: World, county_a_admin: User
) -> None:
    login_verified(client, county_a_admin)
    body = client.get(reverse("orgs:detail", kwargs={"org_pk": world.county_a.pk})).content.decode()
    assert reverse("orgs:edit", kwargs={"org_pk": world.county_a.pk}) in body
    assert reverse("orgs:deactivate", kwargs={"org_pk": world.county_a.pk}) not in body
    unit = client.get(reverse("orgs:detail", kwargs={"org_pk": world.county_a_unit.pk}))
    assert (
        reverse("orgs:deactivate", kwargs={"org_pk": world.county_a_unit.pk})
        in unit.content.decode()
    )


def test_other_jurisdictions_get_404_on_the_detail(client: Client, world: World) -> None:
    login_verified(client, world.county_b_officer)
    assert (
        client.get(reverse("orgs:detail", kwargs={"org_pk": world.county_a.pk})).status_code == 404
    )
    assert client.get("/orgs/999999/").status_code == 404
