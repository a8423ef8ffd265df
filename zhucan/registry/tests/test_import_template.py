"""The import template and the list of accepted columns: a clerk can see what is read."""

from __future__ import annotations

import io

from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from openpyxl import load_workbook

from zhucan.conftest import World
from zhucan.core.models import AuditEntry
from zhucan.registry.imports.mapping import FIELDS, accepted_columns, guess_field
from zhucan.registry.imports.template import template_headers
from zhucan.testing.auth import login_verified
from zhucan.testing.registry_sheets import HEADERS, dry_run, person_row, workbook_bytes


def test_every_template_header_is_read_as_its_field() -> None:
    headers = template_headers()
    assert headers[:2] == ["姓名", "身份证号"] and "性别" in headers and "出生日期" in headers
    assert [guess_field(h) for h in headers] == [f.key for f in FIELDS]


def test_the_template_downloads_as_text_with_its_notes_and_is_audited(
    client: Client, world: World
) -> None:
    login_verified(client, world.county_a_officer)
    response = client.get(reverse("registry:import_template"))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["花名册", "说明"]
    assert [c.value for c in book["花名册"][1]] == template_headers()
    notes = list(book["说明"].iter_rows(values_only=True))
    assert notes[0] == ("列名", "必填", "说明", "也可用的列名")
    by_header = {row[0]: row for row in notes[1:] if row[0]}
    aliases, birth_note = by_header["身份证号"][3], by_header["出生日期"][2]
    assert isinstance(aliases, str) and isinstance(birth_note, str)  # the notes are text
    assert by_header["身份证号"][1] == "是" and "公民身份号码" in aliases
    assert "不保存" in birth_note
    # Formula-safe: every cell is text, none a formula.
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f"
    entry = AuditEntry.objects.get(action="registry.import_template.downloaded")
    assert entry.actor == world.county_a_officer and entry.changes["format"] == "xlsx"


def test_the_template_is_refused_to_those_who_do_not_keep_a_registry(
    client: Client, world: World
) -> None:
    login_verified(client, world.member_unit_reporter)
    assert client.get(reverse("registry:import_template")).status_code == 403
    assert not AuditEntry.objects.filter(action="registry.import_template.downloaded").exists()


def test_the_filled_template_imports(world: World) -> None:
    headers = template_headers()
    row = dict(zip(HEADERS, person_row(1), strict=True))
    data = workbook_bytes([[row.get(h, "") for h in headers]], headers)
    job = dry_run(world, data)
    assert job.valid_rows == 1 and not job.problems
    assert len(job.mapping) == len(headers)


def test_the_import_page_lists_the_accepted_columns(client: Client, world: World) -> None:
    login_verified(client, world.county_a_officer)
    page = client.get(reverse("registry:imports")).content.decode()
    assert reverse("registry:import_template") in page
    for label, _synonyms in accepted_columns():
        assert escape(label) in page
    assert "公民身份号码" in page
