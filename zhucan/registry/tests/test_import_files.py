"""Files that are not what a register should be: each refused with a clear message, nothing
kept, nothing saved."""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook
from pytest_django import Settings
from python_calamine import CalamineWorkbook

from zhucan.conftest import World
from zhucan.core.errors import DomainError
from zhucan.registry.imports import jobs
from zhucan.registry.imports.reading import (
    MAX_CELL_CHARS,
    UnreadableFileError,
    column_letter,
    open_sheet,
    safe_workbook_bytes,
)
from zhucan.registry.models import Person
from zhucan.registry.models.imports import RegistryImport
from zhucan.testing.registry_sheets import (
    HEADERS,
    dry_run,
    fast_xlsx,
    person_row,
    workbook_bytes,
)

BOMB_DTD = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
)


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _zip(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _refused(world: World, data: bytes, match: str) -> None:
    with pytest.raises(DomainError, match=match):
        jobs.upload_import(by=world.county_a_officer, organisation=world.county_a, data=data)
    assert not RegistryImport.objects.exists()
    assert not Person.objects.exists()


def _good() -> bytes:
    return workbook_bytes([person_row(1), person_row(2)])


def test_column_letters() -> None:
    assert [column_letter(i) for i in (0, 25, 26, 199, 9999)] == ["A", "Z", "AA", "GR", "NTP"]


def test_a_csv_file_is_not_a_workbook(world: World) -> None:
    csv = (",".join(HEADERS) + "\n1,张三,410402198503120018,,,,,\n").encode()
    _refused(world, csv, "not an Excel workbook")


def test_a_renamed_word_document_is_named_as_such(world: World) -> None:
    from docx import Document

    buffer = io.BytesIO()
    Document().save(buffer)
    _refused(world, buffer.getvalue(), "Word document")


def test_an_old_xls_workbook_is_refused_with_what_to_do(world: World) -> None:
    _refused(world, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "save it as .xlsx")


def test_an_empty_file_and_an_empty_sheet(world: World) -> None:
    _refused(world, b"", "The file is empty")
    buffer = io.BytesIO()
    Workbook().save(buffer)
    _refused(world, buffer.getvalue(), "first sheet of the workbook is empty")


def test_a_header_without_people_is_a_problem_of_the_dry_run(world: World) -> None:
    job = dry_run(world, workbook_bytes([]))
    assert job.status == RegistryImport.Status.CHECKED
    assert job.problems == [
        {
            "row": None,
            "column": "",
            "header": "",
            "message": "The sheet has a header row but no people under it.",
        }
    ]
    with pytest.raises(DomainError):
        jobs.confirm_import(by=world.county_a_officer, job=job, valid_only=True, duplicates="skip")
    assert not Person.objects.exists()


def test_a_zip_bomb_is_refused_by_its_ratio_before_unpacking(world: World) -> None:
    parts = _parts(_good())
    parts["xl/worksheets/sheet1.xml"] = b" " * (20 * 1024 * 1024)  # packs to ~20 KB
    bomb = _zip(parts)
    assert len(bomb) < 200_000
    _refused(world, bomb, "unpacks to far more data")


def test_a_zip_that_declares_a_huge_part_is_refused_before_reading(world: World) -> None:
    data = bytearray(_good())
    # Make the central directory claim that one part unpacks to 3 GB.
    header = data.index(b"PK\x01\x02")
    data[header + 24 : header + 28] = struct.pack("<I", 3 * 1024**3)
    _refused(world, bytes(data), "unpacks to far more data")


def test_an_entity_bomb_is_refused_before_any_parser_sees_it(world: World) -> None:
    parts = _parts(_good())
    sheet = parts["xl/worksheets/sheet1.xml"]
    parts["xl/worksheets/sheet1.xml"] = BOMB_DTD + sheet.replace(b"<v>", b"<v>&lol3;", 1)
    _refused(world, _zip(parts), "DOCTYPE or ENTITY")
    # Also in the workbook part, which we parse ourselves with ElementTree.
    parts = _parts(_good())
    parts["xl/workbook.xml"] = BOMB_DTD + parts["xl/workbook.xml"].split(b"?>", 1)[-1]
    _refused(world, _zip(parts), "DOCTYPE or ENTITY")


def test_what_calamine_itself_does_with_an_entity_bomb() -> None:
    """Why the refusal above is defence in depth: calamine (quick-xml) skips the DOCTYPE and
    does not expand entities it does not know; it stops with an error instead."""
    parts = _parts(workbook_bytes([["张三"]], headers=["姓名"]))
    sheet = parts["xl/worksheets/sheet1.xml"]
    assert b"<t>" in sheet or b"<v>" in sheet
    parts["xl/worksheets/sheet1.xml"] = BOMB_DTD + sheet.replace(
        b'<c r="A2" t="inlineStr"><is><t>', b'<c r="A2" t="inlineStr"><is><t>&lol3;', 1
    )
    sheet_bytes = parts["xl/worksheets/sheet1.xml"]
    if b"&lol3;" not in sheet_bytes:  # openpyxl wrote a shared string
        parts["xl/sharedStrings.xml"] = BOMB_DTD + parts["xl/sharedStrings.xml"].split(b"?>", 1)[
            -1
        ].replace(b"<t>", b"<t>&lol3;", 1)
    book = CalamineWorkbook.from_filelike(io.BytesIO(_zip(parts)))
    with pytest.raises(Exception, match="entity"):
        book.get_sheet_by_index(0).to_python()
    with pytest.raises(UnreadableFileError, match="DOCTYPE"):
        safe_workbook_bytes(_zip(parts))


def test_ten_thousand_columns_are_refused(world: World) -> None:
    _refused(world, workbook_bytes([], headers=["姓名"] * 10_000), "more than 200 columns")


def test_one_far_away_cell_does_not_make_a_huge_grid(world: World) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(HEADERS)
    ws["XFD1048576"] = "x"
    buffer = io.BytesIO()
    wb.save(buffer)
    _refused(world, buffer.getvalue(), "more than 200 columns")
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(HEADERS)
    ws["A1048576"] = "x"
    buffer = io.BytesIO()
    wb.save(buffer)
    _refused(world, buffer.getvalue(), "more than 200000 rows")


def test_one_megabyte_in_one_shared_cell_is_refused(world: World) -> None:
    """Excel keeps text in shared strings, which calamine copies into every cell using them."""
    data = fast_xlsx([person_row(1, address="很长的地址" * 200_000)])
    _refused(world, data, "more than 1000 characters")


def test_one_megabyte_in_one_inline_cell_is_a_problem_of_its_row(world: World) -> None:
    job = dry_run(world, workbook_bytes([person_row(1, address="很长的地址" * 200_000)]))
    assert [(p["row"], p["column"], p["message"]) for p in job.problems] == [
        (2, "H", "This cell has more than 1000 characters.")
    ]
    assert job.valid_rows == 0


def test_a_long_inline_cell_is_a_problem_of_its_row(world: World) -> None:
    """Inline strings are not copied cell to cell, so a long one is only its row's problem."""
    parts = _parts(workbook_bytes([person_row(1)]))
    sheet = parts["xl/worksheets/sheet1.xml"]
    long_text = ("长" * (MAX_CELL_CHARS + 1)).encode()
    cell = b'<c r="H2" t="inlineStr"><is><t>' + long_text + b"</t></is></c>"
    head, _sep, tail = sheet.partition(b'<c r="H2"')
    parts["xl/worksheets/sheet1.xml"] = head + cell + tail[tail.index(b"</c>") + 4 :]
    job = dry_run(world, _zip(parts))
    assert job.problems == [
        {
            "row": 2,
            "column": "H",
            "header": "家庭住址",
            "message": "This cell has more than 1000 characters.",
        }
    ]


def test_a_password_protected_or_damaged_part_is_refused(world: World) -> None:
    data = bytearray(_good())
    # Flip bytes inside the compressed sheet: the CRC check fails while unpacking.
    start = data.index(b"xl/worksheets/sheet1.xml") + 40
    data[start : start + 8] = b"\x00" * 8
    with pytest.raises(DomainError):
        jobs.upload_import(by=world.county_a_officer, organisation=world.county_a, data=bytes(data))
    assert not RegistryImport.objects.exists()


def test_the_header_may_sit_under_a_title_row() -> None:
    sheet = open_sheet(workbook_bytes([person_row(1)], above=2))
    try:
        assert sheet.header_row == 3
        assert sheet.headers == HEADERS
        assert [number for number, _cells in sheet.rows()] == [4]
    finally:
        sheet.close()


# --- Hostile files: small on disk, huge once unpacked ------------------------------------------


def test_a_sheet_of_380_mib_padding_is_refused_though_its_ratio_is_ordinary(world: World) -> None:
    """4 MB on disk, a ratio of about 90:1 (real sheets reach that), and an XML part of
    380 MiB: within the old limits, it took the import to 1.45 GB. It is refused from the
    sizes the zip admits to, before anything is inflated."""
    from django.utils import translation

    from zhucan.testing import hostile_files as hostile

    data = hostile.xlsx(padding_mib=380)
    assert len(data) < 8 * hostile.MiB
    with translation.override("zh-hans"):
        _refused(world, data, "解压后的数据量远超")


def test_a_padded_sheet_that_claims_to_be_small_is_refused_in_bounded_memory(
    tmp_path: Path,
) -> None:
    """The same padding, with the zip directory claiming the sheet is 1,000 bytes: only
    counting the bytes while inflating finds it, and the probe shows memory stays bounded."""
    from django.utils import translation

    from zhucan.testing import hostile_files as hostile
    from zhucan.testing.upload_probe import BAR_MB, measure

    data = hostile.xlsx(padding_mib=380, claims=1000)
    with translation.override("zh-hans"), pytest.raises(UnreadableFileError, match="远超"):
        open_sheet(data)
    path = tmp_path / "花名册.xlsx"
    path.write_bytes(data)
    peak_mb, error = measure("registry", path)
    assert error is not None and "解压后的数据量远超" in error
    assert peak_mb < BAR_MB


def test_a_padded_sheet_just_inside_the_limits_stays_under_300_mb(
    tmp_path: Path, settings: Settings
) -> None:
    """The worst a file can do within the limits: a sheet as big as a part may be, all of it
    read by calamine (which holds a whole sheet in memory)."""
    from zhucan.testing import hostile_files as hostile
    from zhucan.testing.upload_probe import BAR_MB, measure

    padding_mib = settings.UPLOAD_MAX_PART_BYTES // hostile.MiB - 1
    path = tmp_path / "花名册.xlsx"
    path.write_bytes(hostile.xlsx(padding_mib=padding_mib))
    peak_mb, error = measure("registry", path)
    assert error is None
    assert peak_mb < BAR_MB
