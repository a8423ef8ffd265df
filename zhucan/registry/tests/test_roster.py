"""The visit roster: masked columns only, filtered, formula-safe, audited with its filters
and row count; and the import history that auditors can read."""

from __future__ import annotations

import io

from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from zhucan.conftest import World
from zhucan.core.models import AuditEntry
from zhucan.orgs.models import Membership
from zhucan.registry.models import Person
from zhucan.registry.services.townships import add_township
from zhucan.testing.auth import login_verified
from zhucan.testing.factories import make_person, make_user
from zhucan.testing.registry_sheets import checked_import


def _people(world: World) -> Person:
    add_township(by=world.county_a_officer, organisation=world.county_a, name="光明路街道")
    visited = make_person(
        world,
        name="李秀英",
        township="光明路街道",
        need_no_care=True,
        guardian_name='=HYPERLINK("http://x","y")',
        guardian_phone="13800001111",
    )
    make_person(world, name="王强", township="光明路街道")  # no need
    make_person(world, name="张敏", township="焦店镇", need_no_care=True)
    make_person(world, name="外县人", organisation=world.county_b, need_no_care=True)
    return visited


def test_the_roster_downloads_masked_filtered_and_audited(client: Client, world: World) -> None:
    visited = _people(world)
    login_verified(client, world.county_a_officer)
    query = {"township": "光明路街道", "need": "need_no_care"}
    response = client.get(reverse("registry:roster_export"), query)
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2  # header + 李秀英 only
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Name"] == "李秀英" and row["ID number"] == visited.id_masked
    assert row["Phone"] == visited.phone_masked and row["Address"] == visited.address_masked
    assert row["Guardian's phone"] == visited.guardian_phone_masked
    # Nothing clear: the full numbers appear in no cell.
    text = repr(rows)
    assert "13912345678" not in text and "13800001111" not in text
    assert "光明路12号" not in text
    # Formula-safe: the guardian's name is text, not a formula.
    for line in sheet.iter_rows():
        for cell in line:
            assert cell.data_type != "f"
    entry = AuditEntry.objects.get(action="registry.roster.exported")
    assert entry.actor == world.county_a_officer
    assert entry.changes["rows"] == 1 and entry.changes["filters"] == query


def test_the_printable_roster_is_audited_and_sees_only_the_jurisdiction(
    client: Client, world: World
) -> None:
    _people(world)
    login_verified(client, world.county_a_officer)
    url = reverse("registry:roster")
    page = client.get(url).content.decode()
    assert "李秀英" not in page  # the form first; nothing listed nor audited
    assert not AuditEntry.objects.filter(action="registry.roster.printed").exists()
    page = client.get(url, {"need": "need_no_care", "show": "1"}).content.decode()
    assert "李秀英" in page and "张敏" in page and "王强" not in page and "外县人" not in page
    assert "13912345678" not in page
    assert AuditEntry.objects.get(action="registry.roster.printed").changes["rows"] == 2


def test_the_roster_needs_the_right_to_see_people(client: Client, world: World) -> None:
    login_verified(client, world.member_unit_reporter)
    assert client.get(reverse("registry:roster")).status_code == 403
    assert client.get(reverse("registry:roster_export")).status_code == 403
    assert not AuditEntry.objects.filter(action__startswith="registry.roster").exists()


def test_auditors_see_the_imports_of_their_subtree_without_the_file(
    client: Client, world: World
) -> None:
    job = checked_import(world)
    assert Person.objects.count() == 0
    login_verified(client, world.city_auditor)
    assert client.get(reverse("registry:imports")).status_code == 403
    page = client.get(reverse("registry:import_log")).content.decode()
    assert "新华区持证残疾人花名册.xlsx" in page and world.county_a_officer.full_name in page
    # Read-only: no link to the import's page, where the file could be worked on.
    assert reverse("registry:import", kwargs={"import_pk": job.pk}) not in page
    county_b_auditor = make_user(
        username="county_b_auditor",
        full_name="钱进",
        org=world.county_b,
        role=Membership.Role.AUDITOR,
    )
    client.logout()
    login_verified(client, county_b_auditor)
    page = client.get(reverse("registry:import_log")).content.decode()
    assert "新华区持证残疾人花名册.xlsx" not in page
    client.logout()
    login_verified(client, world.member_unit_reporter)
    assert client.get(reverse("registry:import_log")).status_code == 403
