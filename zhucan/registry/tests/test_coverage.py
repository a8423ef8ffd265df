"""Coverage: people in need, how many the campaign's cascade helped, who is still waiting."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from typing import Any

from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook
from pytest_django import DjangoAssertNumQueries

from zhucan.campaigns.models import Campaign
from zhucan.conftest import World
from zhucan.registry import selectors
from zhucan.registry.models import Assistance, Person
from zhucan.registry.services.assistance import AssistanceInput, record_assistance
from zhucan.testing.auth import login_verified
from zhucan.testing.factories import make_person


def helped(world: World, person: Person, campaign: Campaign) -> Assistance:
    return record_assistance(
        by=world.county_a_officer,
        person=person,
        organisation=world.county_a,
        campaign=campaign,
        data=AssistanceInput(kind=Assistance.Kind.CASH, given_on=date(2020, 5, 17)),
    )


def people_in_need(world: World) -> tuple[Person, Person, Person, Person]:
    a1 = make_person(world, name="甲一", township="光明路街道", need_income_fell=True)
    a2 = make_person(world, name="甲二", township="光明路街道", need_no_care=True)
    a3 = make_person(
        world, name="甲三", township="西市场街道", need_no_guardian=True, need_other=True
    )
    make_person(world, name="甲四", township="西市场街道")  # no need: not counted
    b1 = make_person(
        world,
        name="乙一",
        organisation=world.county_b,
        by=world.city_admin,
        township="昆阳街道",
        need_income_fell=True,
    )
    return a1, a2, a3, b1


def test_counts_by_county_and_township_with_the_cascade(
    world: World, city_campaign: Any, county_a_campaign: Any
) -> None:
    a1, a2, a3, b1 = people_in_need(world)
    helped(world, a1, county_a_campaign)  # help in the child campaign counts for the city's
    result = selectors.coverage(world.city_officer, city_campaign, world.city)
    rows = {(r.area.name, r.township): r for r in result.rows}
    light = rows[(world.county_a.name, "光明路街道")]
    assert (light.people, light.helped, light.not_helped) == (2, 1, 1)
    assert light.needs["need_income_fell"] == (1, 1)
    assert light.needs["need_no_care"] == (1, 0)
    west = rows[(world.county_a.name, "西市场街道")]
    assert (west.people, west.helped) == (1, 0)
    assert rows[(world.county_b.name, "昆阳街道")].people == 1
    assert (result.totals.people, result.totals.helped) == (4, 1)
    waiting = list(selectors.not_helped(world.city_officer, result))
    assert [p.name for p in waiting] == ["甲二", "甲三", "乙一"]
    # County A's officer sees county A only; drilling to it from the city gives the same.
    own = selectors.coverage(world.county_a_officer, city_campaign, world.county_a)
    assert own.totals.people == 3
    # Help in another campaign does not count.
    other = selectors.coverage(world.city_officer, county_a_campaign, world.city)
    assert other.totals.helped == 1 and other.campaign_ids == [county_a_campaign.pk]


def test_page_lists_not_helped_with_bounded_queries(
    client: Client,
    world: World,
    city_campaign: Any,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    people_in_need(world)
    login_verified(client, world.city_officer)
    url = reverse("registry:coverage", kwargs={"campaign_pk": city_campaign.pk})
    client.get(url)
    with django_assert_max_num_queries(14) as few:
        response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert "甲二" in body and "*********78" in body and "13912345678" not in body
    for n in range(30):  # more people, more pages: the same number of queries
        make_person(world, name=f"丙{n}", township="光明路街道", need_no_care=True)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url + "?page=2")
    assert response.context["page_obj"].paginator.count == 34
    drill: dict[str, int | str] = {
        "node": world.city.pk,
        "area": world.county_a.pk,
        "township": "西市场街道",
    }
    area = client.get(url, drill)
    assert [p.name for p in area.context["page_obj"].object_list] == ["甲三"]


def test_county_b_cannot_drill_into_county_a(
    client: Client, world: World, city_campaign: Any
) -> None:
    people_in_need(world)
    login_verified(client, world.county_b_officer)
    url = reverse("registry:coverage", kwargs={"campaign_pk": city_campaign.pk})
    assert client.get(url, {"node": world.county_a.pk}).status_code == 404
    body = client.get(url).content.decode()
    assert "乙一" in body and "甲二" not in body


def test_export_is_masked_and_formula_safe(
    client: Client, world: World, city_campaign: Any
) -> None:
    make_person(world, name="=HYPERLINK(1)", township="光明路街道", need_no_care=True)
    login_verified(client, world.city_officer)
    url = reverse("registry:coverage_export", kwargs={"campaign_pk": city_campaign.pk})
    response = client.get(url)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][3] == "=HYPERLINK(1)"
    assert sheet.cell(row=2, column=4).data_type == "s"
    assert rows[1][5] == "*********78"
    assert "13912345678" not in str(rows)


def test_erased_person_leaves_help_counted_without_breaking_the_list(
    world: World, city_campaign: Any
) -> None:
    from zhucan.registry.services.privacy import erase_person

    a1, a2, *_ = people_in_need(world)
    helped(world, a1, city_campaign)
    erase_person(by=world.county_a_officer, person=a1, reason="本人书面申请删除")
    assert Assistance.objects.get().amount == Decimal(0)
    result = selectors.coverage(world.city_officer, city_campaign, world.city)
    assert result.totals.people == 3
    assert len(list(selectors.not_helped(world.city_officer, result))) == 3
