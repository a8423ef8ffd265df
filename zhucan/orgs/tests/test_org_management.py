"""Adding, editing, moving, deactivating and reactivating organisations, and bad input."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from zhucan.accounts.models import User
from zhucan.conftest import World
from zhucan.core.errors import DomainError
from zhucan.core.models import AuditEntry
from zhucan.orgs.models import Organisation
from zhucan.orgs.services import create_organisation, update_organisation
from zhucan.orgs.tests.factories import snapshot
from zhucan.testing.auth import login_verified
from zhucan.testing.factories import make_org


def _create_url(org: Organisation) -> str:
    return reverse("orgs:create", kwargs={"org_pk": org.pk})


def _edit_url(org: Organisation) -> str:
    return reverse("orgs:edit", kwargs={"org_pk": org.pk})


def _unit(**overrides: str) -> dict[str, str]:
    data = {
        "name": "新华区教育局",
        "short_name": "",
        "kind": "member_unit",
        "department": "education",
        "region": "410402",
        "issuer_code": "",
        "phone": "",
        "email": "",
    }
    return data | overrides


def _edit_data(org: Organisation, **overrides: Any) -> dict[str, Any]:
    org.refresh_from_db()
    data: dict[str, Any] = {
        "name": org.name,
        "short_name": org.short_name,
        "kind": org.kind,
        "department": org.department,
        "region": org.region_id,
        "issuer_code": org.issuer_code,
        "phone": org.phone,
        "email": org.email,
        "version": org.version,
    }
    if org.parent_id:
        data["parent"] = org.parent_id
    return data | overrides


# --- Creating --------------------------------------------------------------------------------


def test_admin_adds_a_member_unit_under_a_county(
    client: Client, world: World, county_a_admin: User
) -> None:
    login_verified(client, county_a_admin)
    response = client.post(_create_url(world.county_a), _unit(phone="0375-1234567"))
    unit = Organisation.objects.get(name="新华区教育局")
    assert response.status_code == 302 and response["Location"] == f"/orgs/{unit.pk}/"
    assert unit.parent == world.county_a and unit.path == f"{world.county_a.path}{unit.pk}/"
    assert unit.department == "education" and unit.phone == "0375-1234567"
    entry = AuditEntry.objects.get(action="orgs.organisation.created", object_id=str(unit.pk))
    assert entry.actor == county_a_admin


def test_the_create_form_suggests_the_parents_region(
    client: Client, world: World, city_admin: User
) -> None:
    login_verified(client, city_admin)
    body = client.get(_create_url(world.county_a)).content.decode()
    assert 'value="410402"' in body


@pytest.mark.parametrize(
    ("region", "message"),
    [
        ("410499", "Unknown region code 410499"),
        ("41040", "six digits; 41040 has 5"),
        ("4104021", "six digits; 4104021 has 7"),
        ("41O402", "only digits"),
        ("", "required"),
    ],
)
def test_bad_region_codes_are_explained_and_nothing_is_saved(
    client: Client, world: World, city_admin: User, region: str, message: str
) -> None:
    login_verified(client, city_admin)
    before = snapshot()
    response = client.post(_create_url(world.county_a), _unit(region=region))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()
    assert snapshot() == before


def test_full_width_digits_are_read_as_the_same_code(world: World) -> None:
    org = create_organisation(
        by=None,
        name="新华区卫健委",
        kind="member_unit",
        department="health",
        region_code="４１０４０２",
        parent=world.county_a,
    )
    assert org.region_id == "410402"


def test_a_county_of_another_city_cannot_go_under_this_city(
    client: Client, world: World, city_admin: User
) -> None:
    login_verified(client, city_admin)
    before = snapshot()
    response = client.post(
        _create_url(world.city),
        _unit(name="中原区残工委", kind="committee", department="", region="410102"),
    )
    body = response.content.decode()
    assert "410102" in body and "is not inside 410400" in body
    assert snapshot() == before


def test_a_member_unit_of_a_county_must_be_in_that_county(
    client: Client, world: World, city_admin: User
) -> None:
    login_verified(client, city_admin)
    before = snapshot()
    # 叶县 (410422) is in the same city, but not inside 新华区 (410402).
    body = client.post(_create_url(world.county_a), _unit(region="410422")).content.decode()
    assert "is not inside 410402" in body
    assert snapshot() == before


def test_a_member_unit_needs_its_department(client: Client, world: World, city_admin: User) -> None:
    login_verified(client, city_admin)
    before = snapshot()
    body = client.post(_create_url(world.county_a), _unit(department="")).content.decode()
    assert "needs its department" in body
    assert snapshot() == before


@pytest.mark.parametrize("name", ['=HYPERLINK("http://evil","x")', "+1", "-x", "@SUM(A1)", "＝1"])
def test_names_that_look_like_formulas_are_refused(
    client: Client, world: World, city_admin: User, name: str
) -> None:
    login_verified(client, city_admin)
    before = snapshot()
    body = client.post(_create_url(world.county_a), _unit(name=name)).content.decode()
    assert "cannot start with =, +, - or @" in body
    assert snapshot() == before


def test_a_duplicate_name_under_the_same_parent_is_refused(
    client: Client, world: World, city_admin: User
) -> None:
    login_verified(client, city_admin)
    before = snapshot()
    body = client.post(
        _create_url(world.county_a), _unit(name="新华区民政局", department="civil_affairs")
    )
    assert "already exists there" in body.content.decode()
    assert snapshot() == before


def test_no_units_under_a_deactivated_organisation(
    client: Client, world: World, city_admin: User
) -> None:
    from zhucan.orgs.services import set_organisation_active

    set_organisation_active(by=city_admin, org=world.county_b, active=False)
    login_verified(client, city_admin)
    before = snapshot()
    body = client.post(_create_url(world.county_b), _unit(region="410422")).content.decode()
    assert "is deactivated" in body
    assert snapshot() == before


def test_people_without_manage_orgs_get_403_and_nothing_changes(
    client: Client, world: World
) -> None:
    login_verified(client, world.county_a_officer)
    before = snapshot()
    assert client.get(_create_url(world.county_a)).status_code == 403
    assert client.post(_create_url(world.county_a), _unit()).status_code == 403
    assert (
        client.post(
            _edit_url(world.county_a_unit), _edit_data(world.county_a_unit, name="改名")
        ).status_code
        == 403
    )
    assert snapshot() == before


def test_a_county_admin_cannot_add_units_outside_their_county(
    client: Client, world: World, county_a_admin: User
) -> None:
    login_verified(client, county_a_admin)
    assert client.post(_create_url(world.county_b), _unit(region="410422")).status_code == 404
    assert client.post(_create_url(world.city), _unit(region="410400")).status_code == 404


# --- Editing and moving ---------------------------------------------------------------------


def test_edit_changes_the_fields_and_bumps_the_version(
    client: Client, world: World, city_admin: User
) -> None:
    login_verified(client, city_admin)
    unit = world.county_a_unit
    response = client.post(
        _edit_url(unit), _edit_data(unit, short_name="新华民政", email="mz@xinhua.gov.cn")
    )
    assert response.status_code == 302
    unit.refresh_from_db()
    assert unit.short_name == "新华民政" and unit.email == "mz@xinhua.gov.cn" and unit.version == 2
    entry = AuditEntry.objects.get(action="orgs.organisation.changed", object_id=str(unit.pk))
    assert entry.changes["short_name"] == ["", "新华民政"]


def test_moving_takes_the_whole_subtree(client: Client, world: World, city_admin: User) -> None:
    village = make_org(
        name="新华区某社区康复站",
        parent=world.county_a_unit,
        kind="institution",
        region_code="410402",
    )
    new_home = make_org(
        name="新华区残疾人联合会",
        parent=world.county_a,
        kind="federation",
        region_code="410402",
        department="federation",
    )
    login_verified(client, city_admin)
    response = client.post(
        _edit_url(world.county_a_unit), _edit_data(world.county_a_unit, parent=new_home.pk)
    )
    assert response.status_code == 302
    world.county_a_unit.refresh_from_db()
    village.refresh_from_db()
    assert world.county_a_unit.parent == new_home
    assert village.path == f"{new_home.path}{world.county_a_unit.pk}/{village.pk}/"
    assert village.depth == 4


def test_the_parent_choice_offers_only_what_the_user_manages(
    client: Client, world: World, county_a_admin: User
) -> None:
    other = make_org(
        name="新华区残疾人联合会",
        parent=world.county_a,
        kind="federation",
        region_code="410402",
        department="federation",
    )
    login_verified(client, county_a_admin)
    body = client.get(_edit_url(world.county_a_unit)).content.decode()
    assert f'<option value="{other.pk}"' in body
    assert f'<option value="{world.county_b.pk}"' not in body
    assert f'<option value="{world.city.pk}"' not in body
    # A county admin may edit their root, but not move it away from the city.
    assert 'name="parent"' not in client.get(_edit_url(world.county_a)).content.decode()


def test_a_forged_parent_outside_the_jurisdiction_is_not_found(
    client: Client, world: World, county_a_admin: User
) -> None:
    other = make_org(
        name="新华区残疾人联合会",
        parent=world.county_a,
        kind="federation",
        region_code="410402",
        department="federation",
    )
    login_verified(client, county_a_admin)
    before = snapshot()
    response = client.post(_edit_url(other), _edit_data(other, parent=world.county_b.pk))
    assert response.status_code == 200
    assert "was not found, or you may not place units under it" in response.content.decode()
    assert snapshot() == before


def test_a_forged_parent_from_another_county_for_county_as_officer(
    client: Client, world: World
) -> None:
    # county_a_officer cannot edit at all: the forged id never gets near the service.
    login_verified(client, world.county_a_officer)
    before = snapshot()
    response = client.post(
        _edit_url(world.county_a_unit), _edit_data(world.county_a_unit, parent=world.county_b.pk)
    )
    assert response.status_code == 403
    assert snapshot() == before


def test_moving_a_county_under_its_own_member_unit_is_a_cycle(
    client: Client, world: World, city_admin: User
) -> None:
    login_verified(client, city_admin)
    before = snapshot()
    response = client.post(
        _edit_url(world.county_a), _edit_data(world.county_a, parent=world.county_a_unit.pk)
    )
    body = response.content.decode()
    assert response.status_code == 200 and "cycle" in body
    assert snapshot() == before
    # The drop-down never offered it in the first place.
    form = client.get(_edit_url(world.county_a)).content.decode()
    assert f'<option value="{world.county_a_unit.pk}"' not in form


def test_moving_under_itself_is_a_cycle(world: World, city_admin: User) -> None:
    before = snapshot()
    with pytest.raises(DomainError, match="cycle"):
        update_organisation(
            by=city_admin,
            org=world.county_a,
            version=1,
            parent=world.county_a,
            name=world.county_a.name,
            kind="committee",
            region_code="410402",
        )
    assert snapshot() == before


def test_a_stale_version_is_refused_with_a_clear_message(
    client: Client, world: World, city_admin: User
) -> None:
    login_verified(client, city_admin)
    stale = _edit_data(world.county_a_unit, short_name="我的修改")
    # Someone else saves first.
    assert (
        client.post(
            _edit_url(world.county_a_unit), _edit_data(world.county_a_unit, phone="2690909")
        ).status_code
        == 302
    )
    before = snapshot()
    response = client.post(_edit_url(world.county_a_unit), stale)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Someone else changed this organisation while you were editing it" in body
    assert snapshot() == before
    world.county_a_unit.refresh_from_db()
    assert world.county_a_unit.short_name == "" and world.county_a_unit.phone == "2690909"


def test_changing_a_region_must_keep_the_units_inside(
    client: Client, world: World, city_admin: User
) -> None:
    login_verified(client, city_admin)
    before = snapshot()
    body = client.post(
        _edit_url(world.county_a), _edit_data(world.county_a, region="410403")
    ).content.decode()
    assert "Units under this organisation are in regions outside 410403" in body
    assert snapshot() == before


def test_the_hidden_version_is_in_the_form(client: Client, world: World, city_admin: User) -> None:
    login_verified(client, city_admin)
    body = client.get(_edit_url(world.county_a_unit)).content.decode()
    assert 'type="hidden" name="version" value="1"' in body


# --- Deactivating and reactivating ----------------------------------------------------------


def test_deactivating_takes_the_subtree_and_is_audited(
    client: Client, world: World, city_admin: User
) -> None:
    login_verified(client, city_admin)
    url = reverse("orgs:deactivate", kwargs={"org_pk": world.county_a.pk})
    page = client.get(url).content.decode()
    assert "1 active unit under it" in page
    assert client.post(url).status_code == 302
    assert not Organisation.objects.filter(
        path__startswith=world.county_a.path, is_active=True
    ).exists()
    assert AuditEntry.objects.filter(action="orgs.organisation.deactivated").count() == 2


def test_reactivating_can_bring_the_units_back(
    client: Client, world: World, city_admin: User
) -> None:
    login_verified(client, city_admin)
    client.post(reverse("orgs:deactivate", kwargs={"org_pk": world.county_a.pk}))
    url = reverse("orgs:reactivate", kwargs={"org_pk": world.county_a.pk})
    assert client.post(url, {"include_units": "on"}).status_code == 302
    assert (
        Organisation.objects.filter(path__startswith=world.county_a.path, is_active=True).count()
        == 2
    )


def test_a_unit_cannot_be_reactivated_under_a_deactivated_parent(
    client: Client, world: World, city_admin: User
) -> None:
    login_verified(client, city_admin)
    client.post(reverse("orgs:deactivate", kwargs={"org_pk": world.county_a.pk}))
    before = snapshot()
    body = client.post(reverse("orgs:reactivate", kwargs={"org_pk": world.county_a_unit.pk}))
    assert "reactivate it first" in body.content.decode()
    assert snapshot() == before


def test_nobody_deactivates_the_root_of_their_own_jurisdiction(
    client: Client, world: World, county_a_admin: User
) -> None:
    login_verified(client, county_a_admin)
    before = snapshot()
    url = reverse("orgs:deactivate", kwargs={"org_pk": world.county_a.pk})
    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403
    assert snapshot() == before


def test_an_edit_form_opened_before_deactivation_is_stale(
    client: Client, world: World, city_admin: User
) -> None:
    login_verified(client, city_admin)
    stale = _edit_data(world.county_a_unit, short_name="x")
    client.post(reverse("orgs:deactivate", kwargs={"org_pk": world.county_a_unit.pk}))
    before = snapshot()
    assert (
        "Someone else changed"
        in client.post(_edit_url(world.county_a_unit), stale).content.decode()
    )
    assert snapshot() == before
