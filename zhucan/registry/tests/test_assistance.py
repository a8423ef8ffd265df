"""Help given: on a person's page, and the people a household visit reached."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from zhucan.conftest import World
from zhucan.core.errors import DomainError
from zhucan.core.models import AuditEntry
from zhucan.registry import crypto
from zhucan.registry.models import Assistance
from zhucan.registry.services.assistance import AssistanceInput, record_visit_people
from zhucan.testing.auth import login_verified
from zhucan.testing.factories import make_person, make_visit


def test_visit_page_finds_people_and_records_them_once(client: Client, world: World) -> None:
    visit = make_visit(world)
    people = [make_person(world, name=f"王{n}") for n in range(3)]
    make_person(world, name="王外", organisation=world.county_b, by=world.city_admin)
    login_verified(client, world.county_a_officer)
    url = reverse("registry:visit_people", kwargs={"visit_pk": visit.pk})
    found = client.post(url, {"search": "1", "q": "王"})
    choices = dict(found.context["form"].fields["people"].choices)
    assert set(choices) == {p.pk for p in people}  # county B's 王外 is not offered
    number = crypto.decrypt(people[0].id_number_ct, field="id_number")
    by_id = client.post(url, {"search": "1", "q": number})
    assert list(dict(by_id.context["form"].fields["people"].choices)) == [people[0].pk]

    form = {"record": "1", "people": [p.pk for p in people], "kind": "cash", "amount": "300"}
    response = client.post(url, form | {"given_on": "2020-05-16"})
    assert response.status_code == 302
    rows = Assistance.objects.filter(visit=visit)
    assert rows.count() == 3
    row = rows.first()
    assert row is not None
    assert row.report == visit.report and row.campaign == visit.report.campaign
    assert row.organisation == visit.report.organisation and row.amount == Decimal(300)
    client.post(url, form | {"given_on": "2020-05-16"})  # sent twice: nobody twice
    assert rows.count() == 3
    assert AuditEntry.objects.filter(action="registry.assistance.recorded").count() == 3
    page = client.get(url).content.decode()
    assert "王0" in page and people[0].id_masked in page
    detail = client.get(reverse("registry:detail", args=[people[0].pk])).content.decode()
    assert visit.report.title in detail


def test_people_outside_the_users_register_cannot_be_named(world: World) -> None:
    visit = make_visit(world)
    foreign = make_person(world, name="外县", organisation=world.county_b, by=world.city_admin)
    with pytest.raises(DomainError):
        record_visit_people(
            by=world.county_a_officer,
            visit=visit,
            people=[foreign],
            data=AssistanceInput(kind="cash", given_on=date(2020, 5, 16)),
        )
    assert not Assistance.objects.exists()


def test_help_recorded_on_the_persons_page(
    client: Client, world: World, city_campaign: Any
) -> None:
    person = make_person(world)
    login_verified(client, world.county_a_officer)
    url = reverse("registry:assistance_new", args=[person.pk])
    bad = client.post(url, {"organisation": world.county_a.pk, "kind": "", "given_on": "x"})
    assert "error-summary" in bad.content.decode()
    response = client.post(
        url,
        {
            "organisation": world.county_a.pk,
            "campaign": city_campaign.pk,
            "kind": "goods",
            "amount": "120.50",
            "given_on": "2020-05-17",
            "note": "米面油",
        },
    )
    assert response.status_code == 302
    row = Assistance.objects.get()
    assert (row.kind, row.amount, row.campaign) == ("goods", Decimal("120.50"), city_campaign)
    entry = AuditEntry.objects.get(action="registry.assistance.recorded")
    assert entry.org_path == world.county_a.path and person.name not in str(entry.changes)
