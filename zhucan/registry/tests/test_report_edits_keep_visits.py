"""Correcting an activity report keeps its visits (their ids) and so the people recorded as
visited by them; a visit with people recorded is never removed silently."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from zhucan.activities.models import ActivityReport, Visit
from zhucan.activities.services import return_report
from zhucan.conftest import World
from zhucan.registry.models import Assistance
from zhucan.registry.services.assistance import AssistanceInput, record_visit_people
from zhucan.testing.auth import login_verified
from zhucan.testing.factories import make_person, make_visit


@pytest.fixture
def visited(world: World) -> Visit:
    """A household visit with one person recorded, its report returned for correction."""
    visit: Visit = make_visit(world)
    person = make_person(world)
    record_visit_people(
        by=world.county_a_officer,
        visit=visit,
        people=[person],
        data=AssistanceInput(kind="cash", given_on=date(2020, 5, 16)),
    )
    report = visit.report
    return_report(by=world.city_officer, report=report, version=report.version, reason="补充")
    return visit


def page_data(page: Any) -> dict[str, Any]:
    """What the browser posts back from the edit page as it was drawn."""
    form, formset = page.context["form"], page.context["formset"]
    data: dict[str, Any] = {}
    for bound in [*form, *(field for row in formset.forms for field in row)]:
        value = bound.value()
        if value is None or value is False:
            continue
        data[bound.html_name] = "on" if value is True else value
    management = formset.management_form
    data |= {f.html_name: f.value() for f in management}
    return data


def edit(client: Client, world: World, visit: Visit) -> tuple[str, dict[str, Any]]:
    login_verified(client, world.county_a_officer)
    url = reverse("activities:edit", kwargs={"report_pk": visit.report_id})
    page = client.get(url)
    assert page.status_code == 200
    return url, page_data(page)


def test_editing_the_report_keeps_the_visit_and_its_people(
    client: Client, world: World, visited: Visit
) -> None:
    url, data = edit(client, world, visited)
    data |= {"title": "入户慰问（更正）", "visit-0-households": "5"}
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    visit = Visit.objects.get(report=visited.report)
    assert visit.pk == visited.pk and visit.households == 5
    assert Assistance.objects.get().visit_id == visited.pk
    assert ActivityReport.objects.get(pk=visited.report_id).title == "入户慰问（更正）"


def test_adding_a_visit_keeps_the_first(client: Client, world: World, visited: Visit) -> None:
    url, data = edit(client, world, visited)
    data |= {"visit-1-kind": "household", "visit-1-households": "2"}
    assert client.post(url, data).status_code == 302
    assert Visit.objects.filter(report=visited.report).count() == 2
    assert Assistance.objects.get().visit_id == visited.pk


def test_a_visit_with_people_cannot_be_removed_silently(
    client: Client, world: World, visited: Visit
) -> None:
    url, data = edit(client, world, visited)
    response = client.post(url, data | {"visit-0-DELETE": "on"})
    assert response.status_code == 200
    assert "recorded as visited" in response.content.decode()
    assert Visit.objects.filter(pk=visited.pk).exists()
    assert Assistance.objects.get().visit_id == visited.pk


def test_a_visit_with_people_stays_a_visit_to_families(
    client: Client, world: World, visited: Visit
) -> None:
    from zhucan.activities.services import add_institution
    from zhucan.orgs.models import Region

    home = add_institution(
        by=world.county_a_officer,
        organisation=world.county_a,
        name="新华区福利院",
        kind="welfare_home",
        region=Region.objects.get(code="410402"),
    )
    url, data = edit(client, world, visited)
    data |= {"visit-0-kind": "institution", "visit-0-institution": str(home.pk)}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "stays a visit to families" in response.content.decode()
    assert Visit.objects.get(pk=visited.pk).kind == "household"


def test_a_visit_of_another_report_is_refused(client: Client, world: World, visited: Visit) -> None:
    other = make_visit(world)
    url, data = edit(client, world, visited)
    response = client.post(url, data | {"visit-0-id": str(other.pk)})
    assert response.status_code == 200
    assert "not a visit of this report" in response.content.decode()
    assert Visit.objects.get(pk=other.pk).report_id == other.report_id


def test_removing_an_unlinked_visit_deletes_only_that_one(
    client: Client, world: World, visited: Visit
) -> None:
    url, data = edit(client, world, visited)
    client.post(url, data | {"visit-1-kind": "household", "visit-1-households": "2"})
    url, data = edit(client, world, visited)
    assert client.post(url, data | {"visit-1-DELETE": "on"}).status_code == 302
    assert list(Visit.objects.filter(report=visited.report).values_list("pk", flat=True)) == [
        visited.pk
    ]


def test_the_migration_relinks_rows_a_correction_unlinked(world: World, visited: Visit) -> None:
    """Rows unlinked by the old save (visit set to NULL) get their visit back when their
    report has one household visit; with two, nothing is guessed."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "zhucan.registry.migrations.0009_relink_assistance_unlinked_by_report_edits"
    )
    two = make_visit(world)
    Visit.objects.create(report=two.report, kind="household", households=1)
    record_visit_people(
        by=world.county_a_officer,
        visit=two,
        people=[make_person(world, name="王二")],
        data=AssistanceInput(kind="cash", given_on=date(2020, 5, 16)),
    )
    Assistance.objects.update(visit=None)  # what the old report save left behind
    migration.relink(apps, None)
    assert Assistance.objects.get(report=visited.report).visit_id == visited.pk
    assert Assistance.objects.get(report=two.report).visit_id is None
