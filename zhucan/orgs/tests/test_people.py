"""People of an organisation: adding accounts, giving and removing roles, disabling."""

from __future__ import annotations

import re

from django.test import Client
from django.urls import reverse

from zhucan.accounts.models import User
from zhucan.conftest import World
from zhucan.core.models import AuditEntry
from zhucan.orgs.models import Membership, Organisation
from zhucan.orgs.tests.factories import snapshot
from zhucan.testing.auth import login_verified
from zhucan.testing.factories import make_user


def _people_url(org: Organisation) -> str:
    return reverse("orgs:people", kwargs={"org_pk": org.pk})


def _add_url(org: Organisation) -> str:
    return reverse("orgs:person_add", kwargs={"org_pk": org.pk})


def _grant_url(org: Organisation) -> str:
    return reverse("orgs:role_grant", kwargs={"org_pk": org.pk})


def _person(**overrides: str) -> dict[str, str]:
    return {
        "username": "xinhua_reporter",
        "full_name": "李娜",
        "phone": "13800000000",
        "email": "",
        "role": "reporter",
        "password": "",
    } | overrides


def test_people_page_lists_roles_and_offers_actions_to_a_manager(
    client: Client, world: World, county_a_admin: User
) -> None:
    login_verified(client, county_a_admin)
    body = client.get(_people_url(world.county_a)).content.decode()
    assert "张伟" in body and "county_a_officer" in body
    assert _add_url(world.county_a) in body and _grant_url(world.county_a) in body
    assert reverse("orgs:person_disable", kwargs={"user_pk": world.county_a_officer.pk}) in body
    assert "<caption" in body


def test_people_page_is_read_only_for_others(client: Client, world: World) -> None:
    login_verified(client, world.county_a_officer)
    body = client.get(_people_url(world.county_a)).content.decode()
    assert "张伟" in body
    assert _add_url(world.county_a) not in body
    assert "/disable/" not in body and "/remove/" not in body
    assert client.get(_add_url(world.county_a)).status_code == 403
    assert client.post(_add_url(world.county_a), _person()).status_code == 403


def test_adding_a_person_with_a_chosen_password(
    client: Client, world: World, county_a_admin: User
) -> None:
    login_verified(client, county_a_admin)
    response = client.post(_add_url(world.county_a), _person(password="Xinhua-2020-ok"))
    assert response.status_code == 302
    person = User.objects.get(username="xinhua_reporter")
    assert person.check_password("Xinhua-2020-ok") and person.phone == "13800000000"
    assert Membership.objects.get(user=person).organisation == world.county_a
    assert AuditEntry.objects.filter(
        action="accounts.user.created", object_id=str(person.pk)
    ).exists()


def test_a_generated_password_is_shown_once_and_never_cached(
    client: Client, world: World, county_a_admin: User
) -> None:
    login_verified(client, county_a_admin)
    response = client.post(_add_url(world.county_a), _person())
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    password = re.search(r"<dd><code>([A-Za-z0-9-]{14})</code></dd>", response.content.decode())
    assert password is not None
    person = User.objects.get(username="xinhua_reporter")
    assert person.check_password(password.group(1))
    # Nothing else shows it again.
    assert password.group(1) not in client.get(_people_url(world.county_a)).content.decode()


def test_a_weak_password_and_a_taken_user_name_are_explained(
    client: Client, world: World, county_a_admin: User
) -> None:
    login_verified(client, county_a_admin)
    before = snapshot()
    weak = client.post(_add_url(world.county_a), _person(password="12345678")).content.decode()
    assert 'aria-invalid="true"' in weak
    taken = client.post(
        _add_url(world.county_a), _person(username="COUNTY_A_OFFICER", password="Xinhua-2020-ok")
    )
    assert "is taken" in taken.content.decode()
    assert snapshot() == before


def test_giving_an_existing_person_of_the_jurisdiction_another_role(
    client: Client, world: World, city_admin: User
) -> None:
    login_verified(client, city_admin)
    response = client.post(
        _grant_url(world.county_a_unit), {"username": "county_a_officer", "role": "reviewer"}
    )
    assert response.status_code == 302
    assert Membership.objects.filter(
        user=world.county_a_officer, organisation=world.county_a_unit, role="reviewer"
    ).exists()


def test_people_outside_the_jurisdiction_are_not_found(
    client: Client, world: World, county_a_admin: User
) -> None:
    login_verified(client, county_a_admin)
    before = snapshot()
    outside = client.post(
        _grant_url(world.county_a), {"username": "county_b_officer", "role": "viewer"}
    ).content.decode()
    missing = client.post(
        _grant_url(world.county_a), {"username": "nobody_at_all", "role": "viewer"}
    ).content.decode()
    assert "was found in your jurisdiction" in outside
    assert "was found in your jurisdiction" in missing
    assert snapshot() == before


def test_the_same_role_twice_is_refused(client: Client, world: World, county_a_admin: User) -> None:
    login_verified(client, county_a_admin)
    before = snapshot()
    body = client.post(
        _grant_url(world.county_a), {"username": "county_a_officer", "role": "coordinator"}
    ).content.decode()
    assert "already has this role here" in body
    assert snapshot() == before


def test_removing_one_of_several_roles(client: Client, world: World, county_a_admin: User) -> None:
    extra = Membership.objects.create(
        user=world.county_a_officer, organisation=world.county_a_unit, role="viewer"
    )
    login_verified(client, county_a_admin)
    url = reverse("orgs:membership_remove", kwargs={"membership_pk": extra.pk})
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 302
    assert not Membership.objects.filter(pk=extra.pk).exists()
    assert AuditEntry.objects.filter(action="orgs.membership.removed").count() == 1


def test_the_last_role_cannot_be_removed(
    client: Client, world: World, county_a_admin: User
) -> None:
    only = world.county_a_officer.memberships.get()
    login_verified(client, county_a_admin)
    url = reverse("orgs:membership_remove", kwargs={"membership_pk": only.pk})
    page = client.get(url).content.decode()
    assert "only role" in page and 'type="submit" class="button button--danger"' not in page
    before = snapshot()
    body = client.post(url).content.decode()
    assert "only role" in body and "disable the account" in body
    assert snapshot() == before


def test_nobody_removes_their_own_role(client: Client, world: World, county_a_admin: User) -> None:
    Membership.objects.create(user=county_a_admin, organisation=world.county_a_unit, role="viewer")
    own = county_a_admin.memberships.get(organisation=world.county_a)
    login_verified(client, county_a_admin)
    before = snapshot()
    body = client.post(reverse("orgs:membership_remove", kwargs={"membership_pk": own.pk}))
    assert "cannot remove your own role" in body.content.decode()
    assert snapshot() == before


def test_disabling_and_enabling_an_account(
    client: Client, world: World, county_a_admin: User
) -> None:
    login_verified(client, county_a_admin)
    url = reverse("orgs:person_disable", kwargs={"user_pk": world.county_a_officer.pk})
    response = client.post(url, {"from": world.county_a.pk})
    assert response.status_code == 302 and response["Location"] == _people_url(world.county_a)
    world.county_a_officer.refresh_from_db()
    assert not world.county_a_officer.is_active
    client.post(reverse("orgs:person_enable", kwargs={"user_pk": world.county_a_officer.pk}))
    world.county_a_officer.refresh_from_db()
    assert world.county_a_officer.is_active
    assert (
        AuditEntry.objects.filter(
            action__in=["accounts.user.disabled", "accounts.user.enabled"]
        ).count()
        == 2
    )


def test_an_account_with_a_role_outside_the_jurisdiction_is_left_to_those_above(
    client: Client, world: World, county_a_admin: User
) -> None:
    person = make_user(username="two_counties", org=world.county_a, role="viewer")
    Membership.objects.create(user=person, organisation=world.county_b, role="viewer")
    login_verified(client, county_a_admin)
    url = reverse("orgs:person_disable", kwargs={"user_pk": person.pk})
    before = snapshot()
    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403
    person.refresh_from_db()
    assert person.is_active and snapshot() == before
    body = client.get(_people_url(world.county_a)).content.decode()
    assert url not in body


def test_nobody_disables_their_own_account(
    client: Client, world: World, county_a_admin: User
) -> None:
    login_verified(client, county_a_admin)
    body = client.post(reverse("orgs:person_disable", kwargs={"user_pk": county_a_admin.pk}))
    assert "cannot disable your own account" in body.content.decode()
    county_a_admin.refresh_from_db()
    assert county_a_admin.is_active


def test_people_of_other_jurisdictions_are_404(
    client: Client, world: World, county_a_admin: User
) -> None:
    login_verified(client, county_a_admin)
    assert (
        client.get(
            reverse("orgs:person_disable", kwargs={"user_pk": world.county_b_officer.pk})
        ).status_code
        == 404
    )
    membership = world.county_b_officer.memberships.get()
    assert (
        client.post(
            reverse("orgs:membership_remove", kwargs={"membership_pk": membership.pk})
        ).status_code
        == 404
    )
    assert client.get(_people_url(world.county_b)).status_code == 404
