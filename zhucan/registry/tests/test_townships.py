"""A township list per county: kept on its page, offered by the person form, matched on
import (other spellings read as the listed name, the unmatched ones named with their rows)."""

from __future__ import annotations

import importlib
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from zhucan.conftest import World
from zhucan.core.errors import DomainError
from zhucan.core.models import AuditEntry
from zhucan.registry.models import Person, Township
from zhucan.registry.services.townships import (
    add_township,
    import_townships,
    remove_township,
    rename_township,
)
from zhucan.registry.townships import TownshipMatcher, township_key
from zhucan.testing.auth import login_verified
from zhucan.testing.factories import make_person
from zhucan.testing.registry_sheets import (
    HEADERS,
    dry_run,
    import_checked,
    person_row,
    workbook_bytes,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _list(world: World, *names: str) -> None:
    for name in names:
        add_township(by=world.county_a_officer, organisation=world.county_a, name=name)


def test_spellings_of_one_place_match_and_ambiguous_ones_do_not() -> None:
    assert township_key("光明路 街道") == township_key("光明路办事处") == "光明路"
    matcher = TownshipMatcher(["光明路街道", "焦店镇", "东高皇乡", "东高皇镇"])
    assert matcher.match("光明路街道") == "光明路街道"
    assert matcher.match("光明路街道办事处") == "光明路街道"
    assert matcher.match("焦店") == "焦店镇"
    assert matcher.match("焦店乡") == "焦店镇"
    assert matcher.match("东高皇") is None  # two listed places share the key
    assert matcher.match("东高皇乡") == "东高皇乡"
    assert matcher.match("西市场街道") is None


def test_the_county_keeps_its_list_with_audit(world: World) -> None:
    _list(world, "光明路街道", "焦店镇")
    with pytest.raises(DomainError, match="already on the list"):
        _list(world, "光明路办事处")
    with pytest.raises(DomainError):
        add_township(by=world.county_b_officer, organisation=world.county_a, name="新街道")
    person = make_person(world, township="焦店镇")
    typo = Township.objects.create(organisation=world.county_a, name="焦店真")
    misspelt = make_person(world, township="焦店真")
    kept = rename_township(by=world.county_a_officer, township=typo, name="焦店镇")
    assert kept.name == "焦店镇" and not Township.objects.filter(pk=typo.pk).exists()
    misspelt.refresh_from_db()
    assert misspelt.township == "焦店镇"
    renamed = rename_township(by=world.county_a_officer, township=kept, name="焦店新镇")
    person.refresh_from_db()
    assert renamed.name == person.township == "焦店新镇"
    remove_township(by=world.county_a_officer, township=renamed)
    person.refresh_from_db()
    assert person.township == "焦店新镇"  # people keep the name as written
    actions = set(
        AuditEntry.objects.filter(action__startswith="registry.township").values_list(
            "action", flat=True
        )
    )
    assert actions == {
        "registry.township.added",
        "registry.township.merged",
        "registry.township.renamed",
        "registry.township.removed",
    }


def test_the_list_loads_from_excel(world: World) -> None:
    _list(world, "光明路街道")
    data = workbook_bytes(
        [["1", "光明路办事处"], ["2", "焦店镇"], ["3", " 西市场街道 "]], ["序号", "乡镇（街道）"]
    )
    result = import_townships(by=world.county_a_officer, organisation=world.county_a, data=data)
    assert result.added == ["焦店镇", "西市场街道"] and result.known == ["光明路办事处"]
    assert sorted(world.county_a.registry_townships.values_list("name", flat=True)) == [
        "光明路街道",
        "焦店镇",
        "西市场街道",
    ]
    with pytest.raises(DomainError):
        import_townships(by=world.county_a_officer, organisation=world.county_a, data=b"no")


def test_the_import_reads_listed_spellings_and_names_the_unmatched_with_rows(
    world: World, tmp_path: Path
) -> None:
    _list(world, "光明路街道", "焦店镇")
    headers = [*HEADERS, "乡镇（街道）"]
    rows = [
        [*person_row(1), "光明路办事处"],
        [*person_row(2), "焦店"],
        [*person_row(3), "西市场街道"],
        [*person_row(4), "西市场街道"],
        [*person_row(5), "焦店镇"],
    ]
    job = dry_run(world, workbook_bytes(rows, headers))
    assert job.valid_rows == 3
    assert [(p["row"], p["column"]) for p in job.problems] == [(4, "I"), (5, "I")]
    assert "西市场街道" in job.problems[0]["message"]
    assert "西市场街道 (rows 4, 5)" in job.message and "townships page" in job.message
    sheet = tmp_path / "花名册.xlsx"
    sheet.write_bytes(workbook_bytes(rows, headers))
    out = StringIO()
    with pytest.raises(SystemExit):
        call_command(
            "import_registry", str(sheet), "--org", "410402", stdout=out, stderr=StringIO()
        )
    assert "西市场街道 (rows 4, 5)" in out.getvalue()
    import_checked(job, by=world.county_a_officer, valid_only=True)
    assert sorted(Person.objects.values_list("township", flat=True)) == [
        "光明路街道",
        "焦店镇",
        "焦店镇",
    ]


def test_without_a_list_any_name_is_accepted(world: World) -> None:
    job = dry_run(world, workbook_bytes([[*person_row(1), "随便写"]], [*HEADERS, "乡镇"]))
    assert job.valid_rows == 1 and not job.problems


def test_the_person_form_holds_the_township_to_the_list(client: Client, world: World) -> None:
    _list(world, "光明路街道")
    login_verified(client, world.county_a_officer)
    page = client.get(reverse("registry:new")).content.decode()
    assert 'list="township-names"' in page and '<option value="光明路街道">' in page
    person = make_person(world, township="老地名")
    url = reverse("registry:edit", kwargs={"person_pk": person.pk})
    form = {
        "name": person.name,
        "category": person.category,
        "grade": person.grade,
        "poverty": person.poverty,
        "legal_basis": person.legal_basis,
        "version": person.version,
    }
    # An unlisted name already on the record may stay; a new unlisted one may not.
    assert client.post(url, {**form, "township": "老地名"}).status_code == 302
    response = client.post(url, {**form, "version": person.version, "township": "别处"})
    assert response.status_code == 200 and "not on the township list" in response.content.decode()
    person.refresh_from_db()
    response = client.post(url, {**form, "version": person.version, "township": "光明路办事处"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.township == "光明路街道"


def test_the_township_page(client: Client, world: World) -> None:
    _list(world, "光明路街道")
    make_person(world, township="光明路街道")
    make_person(world, township="老地名")
    login_verified(client, world.county_a_officer)
    url = reverse("registry:townships")
    page = client.get(url).content.decode()
    assert (
        "光明路街道" in page
        and "老地名" in page
        and "Names in the registry that are not listed" in page
    )
    assert client.post(url, {"org": world.county_a.pk, "add-name": "焦店镇"}).status_code == 302
    upload = SimpleUploadedFile("乡镇.xlsx", workbook_bytes([["西市场街道"]], ["乡镇名称"]), XLSX)
    assert client.post(url, {"org": world.county_a.pk, "load-file": upload}).status_code == 302
    assert set(world.county_a.registry_townships.values_list("name", flat=True)) == {
        "光明路街道",
        "焦店镇",
        "西市场街道",
    }
    township = Township.objects.get(name="焦店镇")
    edit = reverse("registry:township_edit", kwargs={"township_pk": township.pk})
    assert client.post(edit, {"name": "焦店新镇"}).status_code == 302
    remove = reverse("registry:township_remove", kwargs={"township_pk": township.pk})
    assert client.post(remove).status_code == 302
    assert not Township.objects.filter(pk=township.pk).exists()


def test_another_county_gets_404_and_a_reader_403(client: Client, world: World) -> None:
    _list(world, "光明路街道")
    township = Township.objects.get()
    edit = reverse("registry:township_edit", kwargs={"township_pk": township.pk})
    login_verified(client, world.county_b_officer)
    assert client.get(edit).status_code == 404
    assert client.post(reverse("registry:township_remove", args=[township.pk])).status_code == 404
    # county B's page is its own list: county A's names are not on it.
    assert "光明路街道" not in client.get(reverse("registry:townships")).content.decode()
    client.logout()
    # An auditor reads the list but changes nothing.
    login_verified(client, world.city_auditor)
    assert client.get(edit).status_code == 403
    url = reverse("registry:townships")
    page = client.get(url, {"org": world.county_a.pk}).content.decode()
    assert "光明路街道" in page and "add-name" not in page and "Rename or merge" not in page
    response = client.post(url, {"org": world.county_a.pk, "add-name": "新镇"})
    assert response.status_code == 403 and Township.objects.count() == 1
    client.logout()
    login_verified(client, world.member_unit_reporter)
    assert client.get(url).status_code == 403


def test_the_migration_lists_the_names_people_already_have(world: World) -> None:
    migration = importlib.import_module(
        "zhucan.registry.migrations.0010_township_list_per_registry"
    )
    make_person(world, township="光明路街道")
    make_person(world, township=" 光明路街道")
    make_person(world, township="焦店镇")
    make_person(world, township="")
    from django.apps import apps

    migration.list_existing_names(apps, None)
    assert sorted(Township.objects.values_list("organisation__pk", "name")) == [
        (world.county_a.pk, "光明路街道"),
        (world.county_a.pk, "焦店镇"),
    ]
    assert set(Person.objects.values_list("township", flat=True)) == {"光明路街道", "焦店镇", ""}
