"""One child, one plan: children of school age not enrolled, a case each, the plan, enrolment."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from zhucan.conftest import World
from zhucan.core.errors import DomainError
from zhucan.core.models import AuditEntry
from zhucan.orgs.models import Organisation
from zhucan.registry.models import EducationCase
from zhucan.registry.services.education import (
    CaseInput,
    is_school_age,
    open_case,
    update_case,
)
from zhucan.testing.auth import login_verified
from zhucan.testing.factories import make_org, make_person


def test_school_age_is_every_birth_year_that_may_be_6_to_15_on_1_september() -> None:
    # Only the birth year is kept: both end years are included whole, none beyond them.
    assert is_school_age(2014, 2020)  # six on 1 September if born by then
    assert not is_school_age(2015, 2020)  # five at most
    assert is_school_age(2004, 2020)  # fifteen if born after 1 September
    assert not is_school_age(2003, 2020)  # sixteen at least


def test_children_page_lists_unenrolled_children_and_opens_a_case(
    client: Client, world: World
) -> None:
    child = make_person(world, name="小明", born=(2012, 3, 4))
    make_person(world, name="成年人", born=(1985, 3, 12))
    make_person(
        world, name="外县孩子", born=(2012, 3, 4), organisation=world.county_b, by=world.city_admin
    )
    login_verified(client, world.county_a_officer)
    page = client.get(reverse("registry:children"), {"year": 2020})
    assert [c.name for c in page.context["page_obj"].object_list] == ["小明"]
    response = client.post(reverse("registry:case_open", args=[child.pk]), {"school_year": 2020})
    case = EducationCase.objects.get()
    assert response["Location"] == reverse("registry:case", args=[case.pk])
    assert case.status == EducationCase.Status.IDENTIFIED
    again = client.get(reverse("registry:children"), {"year": 2020}).context["page_obj"]
    assert again.object_list[0].open_case_id == case.pk


def offices(world: World) -> tuple[Organisation, Organisation]:
    education = make_org(
        name="新华区教育局",
        parent=world.county_a,
        kind="member_unit",
        department="education",
        region_code="410402",
    )
    return education, world.county_a


def test_plan_then_enrol_with_version_checks(client: Client, world: World) -> None:
    child = make_person(world, name="小红", born=(2013, 1, 5))
    case = open_case(by=world.county_a_officer, child=child, school_year=2020)
    education, federation = offices(world)
    with pytest.raises(DomainError, match="plan"):
        update_case(
            by=world.county_a_officer, case=case, version=1, data=CaseInput(status="planned")
        )
    login_verified(client, world.county_a_officer)
    url = reverse("registry:case", args=[case.pk])
    planned = {
        "version": 1,
        "status": "planned",
        "placement": "home",
        "education_office": education.pk,
        "federation_office": federation.pk,
        "note": "每周两次送教上门",
    }
    assert client.post(url, planned).status_code == 302
    stale = client.post(url, planned | {"status": "enrolled"}).content.decode()
    assert "Someone else changed this case" in stale
    enrolled = planned | {"version": 2, "status": "enrolled", "enrolled_on": "2020-09-01"}
    assert client.post(url, enrolled).status_code == 302
    case.refresh_from_db()
    assert case.status == "enrolled" and case.enrolled_on == date(2020, 9, 1)
    entries = AuditEntry.objects.filter(action="registry.education.updated")
    assert [e.changes["status"] for e in entries.order_by("id")] == ["planned", "enrolled"]
    assert all("小红" not in f"{e.object_repr}{e.changes}" for e in entries)
    # Enrolled: off the children page, and the case is final.
    children = client.get(reverse("registry:children"), {"year": 2020}).context["page_obj"]
    assert not children.object_list
    assert client.post(url, enrolled | {"version": 3}).status_code == 403


def test_case_list_filters(client: Client, world: World) -> None:
    first = open_case(
        by=world.county_a_officer, child=make_person(world, born=(2012, 1, 1)), school_year=2020
    )
    open_case(
        by=world.county_a_officer, child=make_person(world, born=(2011, 1, 1)), school_year=2019
    )
    login_verified(client, world.city_officer)
    page = client.get(reverse("registry:cases"), {"school_year": 2020}).context["page_obj"]
    assert [c.pk for c in page.object_list] == [first.pk]
    assert (
        client.get(reverse("registry:cases"), {"status": "enrolled"})
        .context["page_obj"]
        .paginator.count
        == 0
    )
    client.logout()
    login_verified(client, world.county_b_officer)
    assert client.get(reverse("registry:case", args=[first.pk])).status_code == 404
