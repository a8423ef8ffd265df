"""Jurisdiction: who sees which organisations, at any depth, and what the lists cost."""

from __future__ import annotations

from django.db import transaction
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from zhucan.accounts.models import User
from zhucan.conftest import World
from zhucan.orgs.access import has_capability
from zhucan.orgs.models import Membership, Organisation
from zhucan.orgs.roles import Capability
from zhucan.orgs.services import set_organisation_active
from zhucan.testing.auth import login_verified
from zhucan.testing.factories import make_org, make_user


def _chain(top: Organisation, depth: int) -> list[Organisation]:
    """Units nested ``depth`` levels below ``top`` (a village committee under a township...)."""
    chain, parent = [], top
    for level in range(depth):
        parent = make_org(
            name=f"第{level + 1}层单位", parent=parent, kind="other", region_code=top.region_id
        )
        chain.append(parent)
    return chain


def test_jurisdiction_is_the_whole_subtree_at_any_depth(world: World) -> None:
    deep = _chain(world.county_a_unit, 6)
    visible = set(Organisation.objects.visible_to(world.county_a_officer))
    assert {world.county_a, world.county_a_unit, *deep} == visible
    assert world.city not in visible and world.county_b not in visible
    assert deep[-1].depth == world.county_a_unit.depth + 6


def test_city_sees_every_level_below_it(world: World) -> None:
    deep = _chain(world.county_a_unit, 4)
    assert set(deep) <= set(Organisation.objects.visible_to(world.city_officer))
    assert (
        Organisation.objects.visible_to(world.city_officer).count() == Organisation.objects.count()
    )


def test_memberships_in_two_subtrees_show_both(world: World) -> None:
    person = make_user(username="two_hats", org=world.county_a, role=Membership.Role.VIEWER)
    with transaction.atomic():
        Membership.objects.create(user=person, organisation=world.county_b, role="reporter")
    visible = set(Organisation.objects.visible_to(person))
    assert visible == {world.county_a, world.county_a_unit, world.county_b}


def test_a_nested_membership_adds_nothing_and_does_not_duplicate_rows(world: World) -> None:
    with transaction.atomic():
        Membership.objects.create(
            user=world.county_a_officer, organisation=world.county_a_unit, role="reporter"
        )
    fresh = User.objects.get(pk=world.county_a_officer.pk)
    assert Organisation.objects.visible_to(fresh).count() == 2


def test_deactivated_organisations_drop_out_of_jurisdiction(world: World, city_admin: User) -> None:
    set_organisation_active(by=city_admin, org=world.county_a, active=False)
    officer = User.objects.get(pk=world.county_a_officer.pk)  # no cached jurisdiction
    assert not Organisation.objects.visible_to(officer).exists()
    assert not has_capability(officer, Capability.VIEW, world.county_a)
    # Those above still see it, to reactivate it.
    assert world.county_a in Organisation.objects.visible_to(User.objects.get(pk=city_admin.pk))


def test_superuser_sees_all_and_disabled_or_anonymous_see_nothing(world: World) -> None:
    from django.contrib.auth.models import AnonymousUser

    root = make_user(username="root", is_superuser=True, is_staff=True)
    assert Organisation.objects.visible_to(root).count() == Organisation.objects.count()
    assert not Organisation.objects.visible_to(AnonymousUser()).exists()
    world.county_a_officer.is_active = False
    assert not Organisation.objects.visible_to(world.county_a_officer).exists()


def test_outsider_sees_the_home_page_message_and_an_empty_list(
    client: Client, world: World
) -> None:
    login_verified(client, world.outsider)
    home = client.get(reverse("core:home")).content.decode()
    assert "has not been given an organisation" in home
    body = client.get(reverse("orgs:list")).content.decode()
    assert world.city.name not in body
    assert "empty-state" in body


def test_org_list_query_count_does_not_grow_with_the_page(
    client: Client, world: World, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    login_verified(client, world.city_officer)
    # 11: the menu also asks once whether the person may open the registry.
    with django_assert_max_num_queries(11):
        client.get(reverse("orgs:list"))
    for n in range(40):
        make_org(
            name=f"康复机构{n}", parent=world.county_b, kind="institution", region_code="410422"
        )
    # 11: the menu also asks once whether the person may open the registry.
    with django_assert_max_num_queries(11):
        response = client.get(reverse("orgs:list"))
    assert "康复机构39" in response.content.decode()


def test_people_page_query_count_does_not_grow_with_people(
    client: Client, world: World, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    login_verified(client, world.city_admin)
    url = reverse("orgs:people", kwargs={"org_pk": world.city.pk})
    for n in range(15):
        make_user(username=f"staff{n}", org=world.city, role="viewer")
    with django_assert_max_num_queries(12):
        response = client.get(url)
    assert "staff14" in response.content.decode()


def test_detail_page_query_count(
    client: Client, world: World, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    login_verified(client, world.city_admin)
    with django_assert_max_num_queries(12):
        client.get(reverse("orgs:detail", kwargs={"org_pk": world.city.pk}))
