"""The register's screens: list, search, filters, the forms, and who sees what."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from zhucan.conftest import World
from zhucan.core.models import AuditEntry
from zhucan.orgs.models import Membership
from zhucan.registry import crypto
from zhucan.registry.models import Person
from zhucan.testing.auth import login_verified
from zhucan.testing.factories import id_number, make_person, make_user


def test_list_filters_paginates_and_counts_queries(
    client: Client, world: World, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    make_person(world, name="王一", need_income_fell=True, township="光明路街道")
    make_person(world, name="王二", category=Person.Category.VISUAL, grade=1, poverty="registered")
    make_person(world, name="李三", organisation=world.county_b, by=world.city_admin)
    login_verified(client, world.city_officer)
    url = reverse("registry:list")
    client.get(url)
    with django_assert_max_num_queries(12) as few:
        response = client.get(url)
    assert response.context["page_obj"].paginator.count == 3
    for n in range(30):
        make_person(world, name=f"赵{n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url, {"page": 2})
    assert len(page.context["page_obj"].object_list) == 8

    def names(**query: str) -> set[str]:
        return {p.name for p in client.get(url, query).context["page_obj"].object_list}

    assert names(q="王") == {"王一", "王二"}
    assert names(need="need_income_fell") == {"王一"}
    assert names(need="any") == {"王一"}
    assert names(category="1", grade="1", poverty="registered") == {"王二"}
    assert names(township="光明路街道") == {"王一"}
    empty = client.get(url, {"q": "无此人"}).content.decode()
    assert "Nobody on the register matches your search." in empty


def test_find_by_id_number_is_posted_and_exact(client: Client, world: World) -> None:
    person = make_person(world)
    other = make_person(world, organisation=world.county_b, by=world.city_admin)
    number = crypto.decrypt(person.id_number_ct, field="id_number")
    login_verified(client, world.county_a_officer)
    response = client.post(reverse("registry:find"), {"id_number": number.lower()})
    assert response["Location"] == reverse("registry:detail", args=[person.pk])
    # Registered elsewhere and not registered at all: the same answer.
    foreign = crypto.decrypt(other.id_number_ct, field="id_number")
    for typed in (foreign, id_number()):
        body = client.post(reverse("registry:find"), {"id_number": typed}).content.decode()
        assert "Nobody with this ID number is on a register you can see." in body
    # The name box refuses a number, which would end up in the address.
    response = client.get(reverse("registry:list"), {"q": number})
    assert "keeps them out of web addresses" in response.content.decode()
    assert not response.context["form"].is_valid()


def test_register_through_the_form_and_refuse_a_duplicate(client: Client, world: World) -> None:
    login_verified(client, world.county_a_officer)
    number = id_number()
    form = {
        "organisation": world.county_a.pk,
        "name": "孙丽",
        "id_number": number,
        "certificate": number + "42",
        "category": "4",
        "grade": "2",
        "phone": "13912345678",
        "poverty": "none",
        "legal_basis": "statutory",
        "need_no_care": "on",
    }
    response = client.post(reverse("registry:new"), form)
    person = Person.objects.get()
    assert response["Location"] == reverse("registry:detail", args=[person.pk])
    assert person.need_no_care and person.certificate_suffix == "42"
    again = client.post(reverse("registry:new"), form).content.decode()
    assert "already registered" in again and "error-summary" in again
    assert Person.objects.count() == 1
    # County B's officer cannot put people on county A's register.
    client.logout()
    login_verified(client, world.county_b_officer)
    response = client.post(reverse("registry:new"), {**form, "id_number": id_number()})
    assert "Select a valid choice" in response.content.decode()


def test_edit_keeps_encrypted_values_left_empty_and_refuses_a_stale_form(
    client: Client, world: World
) -> None:
    person = make_person(world, guardian_phone="13800001111")
    login_verified(client, world.county_a_officer)
    url = reverse("registry:edit", args=[person.pk])
    page = client.get(url).content.decode()
    assert person.id_masked in page and "13912345678" not in page
    form = {
        "version": 1,
        "name": "李秀兰",
        "category": "4",
        "grade": "3",
        "poverty": "none",
        "legal_basis": "statutory",
        "phone": "13700002222",
    }
    assert client.post(url, form).status_code == 302
    person.refresh_from_db()
    assert person.name == "李秀兰" and person.grade == 3 and person.version == 2
    assert crypto.decrypt(person.phone_ct, field="phone") == "13700002222"
    assert crypto.decrypt(person.guardian_phone_ct, field="guardian_phone") == "13800001111"
    entry = AuditEntry.objects.get(action="registry.person.updated")
    assert set(entry.changes["fields"]) == {"name", "grade", "phone"}
    stale = client.post(url, {**form, "name": "李秀芳"}).content.decode()
    assert "Someone else changed this record" in stale
    person.refresh_from_db()
    assert person.name == "李秀兰"


def test_who_sees_the_register(client: Client, world: World) -> None:
    person = make_person(world)
    reporter = make_user(username="county_reporter", org=world.county_a, role="reporter")
    viewer = make_user(username="county_viewer", org=world.county_a, role=Membership.Role.VIEWER)
    for user in (reporter, viewer):
        client.logout()
        login_verified(client, user)
        assert client.get(reverse("registry:list")).status_code == 403
        assert client.get(reverse("registry:detail", args=[person.pk])).status_code == 404
    client.logout()
    login_verified(client, world.county_b_officer)
    assert client.get(reverse("registry:detail", args=[person.pk])).status_code == 404
    assert client.get(reverse("registry:edit", args=[person.pk])).status_code == 404
    # An auditor sees the register (masked) but may not change it.
    client.logout()
    login_verified(client, world.city_auditor)
    assert client.get(reverse("registry:detail", args=[person.pk])).status_code == 200
    assert client.get(reverse("registry:edit", args=[person.pk])).status_code == 403
