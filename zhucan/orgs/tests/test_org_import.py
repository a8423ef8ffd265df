"""Loading an organisation tree from Excel: the template, the check, the import, bad files."""

from __future__ import annotations

import hashlib
import io
import struct
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from zhucan.accounts.models import User
from zhucan.conftest import World
from zhucan.core.errors import DomainError
from zhucan.core.models import AuditEntry
from zhucan.orgs import importer
from zhucan.orgs.importer import ImportReport, check_file, run_import
from zhucan.orgs.models import Organisation
from zhucan.orgs.services import create_organisation
from zhucan.orgs.tests.factories import TEMPLATE_HEADERS, row, snapshot, upload, xlsx
from zhucan.testing.auth import login_verified

if TYPE_CHECKING:
    # What the test client returns (a response with the request and context attached).
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse


def _url(org: Organisation) -> str:
    return reverse("orgs:import", kwargs={"org_pk": org.pk})


def _check(client: Client, under: Organisation, data: bytes, skip: bool = False) -> TestResponse:
    payload: dict[str, SimpleUploadedFile | str] = {"file": upload(data)}
    if skip:
        payload["skip_existing"] = "on"
    return client.post(_url(under), payload)


def _confirm(
    client: Client,
    under: Organisation,
    data: bytes,
    digest: str,
    skip: bool = False,
    tick: bool = True,
) -> TestResponse:
    payload: dict[str, SimpleUploadedFile | str] = {
        "confirm-file": upload(data),
        "confirm-digest": digest,
        "confirm-skip_existing": "True" if skip else "False",
    }
    if tick:
        payload["confirm-confirm"] = "on"
    return client.post(_url(under), payload)


def _problems(report: ImportReport) -> list[tuple[int | None, str, str, str]]:
    return [(p.row, p.column, p.header, p.message) for p in report.sorted_problems()]


def _messages(report: ImportReport) -> str:
    return " | ".join(p.message for p in report.problems)


COUNTY_A_UNITS = [
    row("新华区教育局", department="教育"),
    row("新华区特殊教育学校", kind="服务机构", department="", parent="新华区教育局"),
    row("新华区卫生健康委员会", department="卫健委", region=410402),
]


# --- The template -------------------------------------------------------------------------


def test_the_template_has_chinese_headers_and_explains_the_values(
    client: Client, world: World, city_admin: User
) -> None:
    login_verified(client, city_admin)
    response = client.get(reverse("orgs:import_template"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "filename*=utf-8''%E5%8D%95%E4%BD%8D" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    data, notes = workbook["单位列表"], workbook["填写说明"]
    assert (
        [c.value for c in data[1]]
        == TEMPLATE_HEADERS
        == [
            "单位名称",
            "简称",
            "类型",
            "部门",
            "行政区划代码",
            "上级单位名称",
            "发文机关代字",
            "电话",
            "电子邮箱",
        ]
    )
    assert data.max_row == 1  # no example rows that would be imported by mistake
    notes_text = " ".join(str(c.value) for line in notes.iter_rows() for c in line if c.value)
    for label in ("残疾人工作委员会", "成员单位", "民政", "扶贫办（乡村振兴）", "驻军部队"):
        assert label in notes_text
    lists = {str(v.sqref): v.formula1 for v in data.data_validations.dataValidation}
    assert set(lists) == {"C2:C5001", "D2:D5001"}
    assert all(f.startswith("'填写说明'!$A$") for f in lists.values())


def test_the_template_round_trips_through_the_check(world: World) -> None:
    from zhucan.orgs.import_format import build_template

    report = check_file(data=build_template(), under=world.county_a)
    assert "header row but no organisations" in _messages(report)


def test_only_people_who_manage_organisations_get_the_template_and_the_page(
    client: Client, world: World
) -> None:
    login_verified(client, world.county_a_officer)
    assert client.get(reverse("orgs:import_template")).status_code == 403
    assert client.get(_url(world.county_a)).status_code == 403
    posted = client.post(_url(world.county_a), {"file": upload(xlsx(COUNTY_A_UNITS))})
    assert posted.status_code == 403


def test_other_jurisdictions_get_404(client: Client, world: World, county_a_admin: User) -> None:
    login_verified(client, county_a_admin)
    assert client.get(_url(world.county_b)).status_code == 404


# --- Check, confirm, import ---------------------------------------------------------------


def test_check_then_confirm_imports_everything_in_one_go(
    client: Client, world: World, county_a_admin: User
) -> None:
    login_verified(client, county_a_admin)
    data = xlsx(COUNTY_A_UNITS)
    before = snapshot()
    checked = _check(client, world.county_a, data)
    report = checked.context["report"]
    assert report.is_valid, _problems(report)
    body = checked.content.decode()
    assert "新华区特殊教育学校" in body and "confirm-digest" in body
    assert snapshot() == before  # the check saves nothing
    audit_before = AuditEntry.objects.count()

    done = _confirm(client, world.county_a, data, report.digest)
    assert done.status_code == 302 and done["Location"] == f"/orgs/{world.county_a.pk}/"
    school = Organisation.objects.get(name="新华区特殊教育学校")
    bureau = Organisation.objects.get(name="新华区教育局")
    assert school.parent == bureau and bureau.parent == world.county_a
    assert school.region_id == "410402" and school.kind == "institution"
    assert Organisation.objects.get(name="新华区卫生健康委员会").department == "health"
    created = AuditEntry.objects.filter(action="orgs.organisation.created", pk__gt=0).count()
    assert AuditEntry.objects.count() == audit_before + 3 + 1
    completed = AuditEntry.objects.get(action="orgs.import.completed")
    assert completed.changes["created"] == 3 and completed.object_id == str(world.county_a.pk)
    assert completed.changes["sha256"] == hashlib.sha256(data).hexdigest()
    assert created >= 3


def test_confirming_needs_the_tick(client: Client, world: World, county_a_admin: User) -> None:
    login_verified(client, county_a_admin)
    data = xlsx(COUNTY_A_UNITS)
    digest = hashlib.sha256(data).hexdigest()
    before = snapshot()
    response = _confirm(client, world.county_a, data, digest, tick=False)
    assert "Tick the box" in response.content.decode()
    assert response.context["report"].is_valid  # the report is shown again
    assert snapshot() == before


def test_confirming_with_another_file_than_the_one_checked_imports_nothing(
    client: Client, world: World, county_a_admin: User
) -> None:
    login_verified(client, county_a_admin)
    checked = xlsx(COUNTY_A_UNITS[:1])
    other = xlsx(COUNTY_A_UNITS)
    before = snapshot()
    response = _confirm(client, world.county_a, other, hashlib.sha256(checked).hexdigest())
    assert "This is not the file whose report you checked" in response.content.decode()
    assert snapshot() == before
    # The report of the new file is shown, with a confirmation for *its* digest.
    assert hashlib.sha256(other).hexdigest() in response.content.decode()


def test_parents_may_come_after_their_units_in_the_file(world: World) -> None:
    data = xlsx(
        [
            row("新华区康复站", kind="机构", department="", parent="新华区残疾人联合会"),
            row("新华区残疾人联合会", kind="残联", department="残联"),
        ]
    )
    report = run_import(by=None, under=world.county_a, data=data)
    assert report.imported, _problems(report)
    station = Organisation.objects.get(name="新华区康复站")
    assert station.parent is not None and station.parent.name == "新华区残疾人联合会"
    assert [p.name for p in report.to_create] == ["新华区残疾人联合会", "新华区康复站"]


def test_a_parent_can_be_an_existing_organisation_deep_in_the_jurisdiction(
    world: World, city_admin: User
) -> None:
    data = xlsx([row("新华区民政局福利院", kind="服务机构", department="", parent="新华区民政局")])
    report = run_import(by=city_admin, under=world.city, data=data)
    assert report.imported, _problems(report)
    home = Organisation.objects.get(name="新华区民政局福利院")
    assert home.parent == world.county_a_unit and home.region_id == "410402"


def test_headers_in_any_order_with_spaces_and_numbers_as_codes(world: World) -> None:
    headers = [" 类型 ", "单位名称", "上级单位名称", "行政区划代码*", "部门"]
    data = xlsx([["成员单位", "新华区医疗保障局", "", 410402, "医保"]], headers=headers)
    report = run_import(by=None, under=world.county_a, data=data)
    assert report.imported, _problems(report)
    assert Organisation.objects.get(name="新华区医疗保障局").department == "medical_insurance"


def test_existing_rows_are_reported_or_skipped_on_request(world: World) -> None:
    data = xlsx(
        [
            row("新华区民政局"),  # already there, under county A
            row("新华区民政局婚姻登记处", kind="其他", department="", parent="新华区民政局"),
        ]
    )
    before = snapshot()
    report = run_import(by=None, under=world.county_a, data=data)
    assert not report.imported and snapshot() == before
    assert (2, "A", "单位名称") == _problems(report)[0][:3]
    assert "already exists under" in _messages(report)

    report = run_import(by=None, under=world.county_a, data=data, skip_existing=True)
    assert report.imported, _problems(report)
    assert [p.name for p in report.skipped] == ["新华区民政局"]
    office = Organisation.objects.get(name="新华区民政局婚姻登记处")
    assert office.parent == world.county_a_unit
    assert Organisation.objects.filter(name="新华区民政局").count() == 1


def test_the_command_checks_imports_and_refuses_with_exit_2(world: World, tmp_path: Path) -> None:
    good = tmp_path / "good.xlsx"
    good.write_bytes(xlsx(COUNTY_A_UNITS))
    out = io.StringIO()
    before = snapshot()
    call_command("import_organisations", str(good), "--under", "410402", "--dry-run", stdout=out)
    assert "3 organisations would be created" in out.getvalue()
    assert snapshot() == before

    call_command("import_organisations", str(good), "--under", str(world.county_a.pk), stdout=out)
    assert Organisation.objects.filter(name="新华区特殊教育学校").exists()
    assert AuditEntry.objects.filter(action="orgs.import.completed", actor=None).count() == 1

    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(xlsx([row("新华区残联", kind="残联", department="残联", region="410499")]))
    err = io.StringIO()
    before = snapshot()
    with pytest.raises(CommandError) as refused:
        call_command("import_organisations", str(bad), "--under", "410402", stderr=err)
    assert refused.value.returncode == 2
    assert "row 2, column E (行政区划代码): Unknown region code 410499" in err.getvalue()
    assert snapshot() == before


def test_the_command_explains_an_unknown_place_to_import_under(
    world: World, tmp_path: Path
) -> None:
    path = tmp_path / "x.xlsx"
    path.write_bytes(xlsx(COUNTY_A_UNITS))
    with pytest.raises(CommandError, match="No active organisation in region 410403"):
        call_command("import_organisations", str(path), "--under", "410403")
    with pytest.raises(CommandError, match="No organisation with id"):
        call_command("import_organisations", str(path), "--under", "987654321")


def test_a_failure_during_the_import_rolls_everything_back(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    real = create_organisation

    def flaky(**kwargs: Any) -> Organisation:
        calls.append(kwargs["name"])
        if len(calls) == 2:
            raise DomainError("Someone added the same unit a moment ago.", field="name")
        return real(**kwargs)

    monkeypatch.setattr(importer, "create_organisation", flaky)
    before = snapshot()
    report = run_import(by=None, under=world.county_a, data=xlsx(COUNTY_A_UNITS))
    assert not report.imported and snapshot() == before
    assert "a moment ago" in _messages(report)


# --- Bad rows -----------------------------------------------------------------------------


def _refused(
    world: World, rows: list[list[Any]], under: Organisation | None = None, **kwargs: Any
) -> ImportReport:
    before = snapshot()
    report = run_import(by=None, under=under or world.county_a, data=xlsx(rows), **kwargs)
    assert not report.imported
    assert snapshot() == before
    return report


def test_every_problem_is_reported_by_row_and_column(
    client: Client, world: World, county_a_admin: User
) -> None:
    rows = [
        row("新华区教育局", kind="委员会", department="教育"),
        row("", department="教育"),
        row("新华区某局", department="气象"),
        row("新华区住建局", department="住建", region="410499"),
        row("新华区扶贫办", department="扶贫办", region="41040"),
        row(
            "新华区财政局",
            department="财政",
            **{"电话": "=cmd|' /C calc'!A0", "电子邮箱": "not-an-email"},
        ),
    ]
    report = _refused(world, rows)
    found = _problems(report)
    assert (2, "C", "类型") == found[0][:3] and "Unknown kind “委员会”" in found[0][3]
    assert (3, "A", "单位名称") == found[1][:3]
    assert (4, "D", "部门") == found[2][:3] and "Unknown department “气象”" in found[2][3]
    assert (5, "E", "行政区划代码") == found[3][:3] and "Unknown region code 410499" in found[3][3]
    assert (6, "E", "行政区划代码") == found[4][:3] and "six digits" in found[4][3]
    assert [(r, c) for r, c, _h, _m in found[5:]] == [(7, "H"), (7, "I")]
    # The page shows them as an accessible table with a caption.
    login_verified(client, county_a_admin)
    body = _check(client, world.county_a, xlsx(rows)).content.decode()
    assert "<caption" in body and "7 problems found" in body
    assert '<th scope="col">' in body and "C（类型）" in body
    assert "confirm-digest" not in body


def test_a_region_of_another_city_under_this_city_is_refused(
    world: World, city_admin: User
) -> None:
    report = _refused(
        world,
        [row("中原区残工委", kind="残工委", department="", region="410102")],
        under=world.city,
    )
    assert (2, "E", "行政区划代码") == _problems(report)[0][:3]
    assert "is not inside 410400" in _messages(report)


def test_a_region_must_be_inside_a_parent_row_of_the_file(world: World, city_admin: User) -> None:
    report = _refused(
        world,
        [
            row("卫东区残工委", kind="残工委", department="", region="410403"),
            row("卫东区民政局", region="410422", parent="卫东区残工委"),
        ],
        under=world.city,
    )
    assert [p[:3] for p in _problems(report)] == [(3, "E", "行政区划代码")]
    assert "not inside 410403" in _messages(report)


def test_a_cycle_inside_the_file_is_refused(world: World) -> None:
    report = _refused(
        world,
        [
            row("甲单位", kind="其他", department="", parent="乙单位"),
            row("乙单位", kind="其他", department="", parent="丙单位"),
            row("丙单位", kind="其他", department="", parent="甲单位"),
            row("丁单位", kind="其他", department="", parent="丁单位"),
        ],
    )
    found = _problems(report)
    assert [(r, c) for r, c, _h, _m in found] == [(2, "F"), (3, "F"), (4, "F"), (5, "F")]
    assert "go round in a circle" in found[0][3]
    assert "丁单位 → 丁单位" in found[3][3]


def test_duplicates_within_the_file_are_refused(world: World) -> None:
    report = _refused(
        world, [row("新华区教育局", department="教育"), row("新华区教育局", department="教育")]
    )
    assert [(p[0], p[1]) for p in _problems(report)] == [(3, "A")]
    assert "Row 2 already has this name" in _messages(report)


def test_an_unknown_or_outside_parent_is_not_found(world: World) -> None:
    report = _refused(world, [row("某单位", parent="叶县人民政府残疾人工作委员会")])
    # County B exists, but not under county A: the message must not tell them apart.
    assert "No organisation called 叶县人民政府残疾人工作委员会 was found" in _messages(report)
    assert _problems(report)[0][:3] == (2, "F", "上级单位名称")


def test_an_ambiguous_parent_name_in_the_file_is_refused(world: World, city_admin: User) -> None:
    report = _refused(
        world,
        [
            row("民政局", region="410402", parent="新华区人民政府残疾人工作委员会"),
            row("民政局", region="410422", parent="叶县人民政府残疾人工作委员会"),
            row("救助站", kind="其他", department="", parent="民政局"),
        ],
        under=world.city,
    )
    assert "Several rows in this file are called 民政局 (rows 2, 3)" in _messages(report)


def test_formula_looking_names_are_refused(world: World) -> None:
    report = _refused(
        world, [row('=HYPERLINK("http://evil.example","点我")'), row("@SUM(A1)", department="民政")]
    )
    found = _problems(report)
    assert [(r, c, h) for r, c, h, _m in found] == [(2, "A", "单位名称"), (3, "A", "单位名称")]
    assert "cannot start with =, +, - or @" in found[0][3]


def test_real_formulas_are_never_evaluated(world: World) -> None:
    # A formula cell without a cached value reads as empty: the name is then missing.
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(TEMPLATE_HEADERS)
    ws.append(row("x"))
    ws["A2"] = '=HYPERLINK("http://evil.example","x")'  # data_type "f"
    buffer = io.BytesIO()
    wb.save(buffer)
    report = check_file(data=buffer.getvalue(), under=world.county_a)
    assert "Please enter the organisation's name" in _messages(report)


# --- Bad files ----------------------------------------------------------------------------


def _file_problem(world: World, data: bytes) -> str:
    before = snapshot()
    report = run_import(by=None, under=world.county_a, data=data)
    assert not report.imported and snapshot() == before
    assert len(report.problems) == 1 and report.problems[0].row is None
    return report.problems[0].message


def test_a_file_that_is_not_a_zip_is_refused(world: World) -> None:
    assert "not an Excel workbook" in _file_problem(world, "单位名称,类型\n".encode())
    old_xls = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1000
    # The one reader names an old .xls for what it is, and says how to save it as .xlsx.
    assert "save it as .xlsx" in _file_problem(world, old_xls)


def test_a_zip_that_is_not_a_workbook_is_refused(world: World) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("content.xml", "<office:document/>")
    assert "not an Excel workbook" in _file_problem(world, buffer.getvalue())


def test_a_zip_bomb_is_refused_from_the_zip_directory(world: World) -> None:
    source = zipfile.ZipFile(io.BytesIO(xlsx(COUNTY_A_UNITS)))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            archive.writestr(info.filename, source.read(info.filename))
        archive.writestr("xl/media/image1.png", b"\0" * (40 * 1024 * 1024))
    data = buffer.getvalue()
    assert len(data) < 200 * 1024  # small on the wire
    assert "unpacks to far more data" in _file_problem(world, data)


def test_a_zip_that_lies_about_its_sizes_is_refused(world: World) -> None:
    data = bytearray(xlsx(COUNTY_A_UNITS))
    archive = zipfile.ZipFile(io.BytesIO(bytes(data)))
    info = archive.getinfo("xl/worksheets/sheet1.xml")
    # Claim 10 bytes in both the local header and the central directory.
    struct.pack_into("<I", data, info.header_offset + 22, 10)
    central = data.index(b"PK\x01\x02")
    while True:
        name_length = struct.unpack_from("<H", data, central + 28)[0]
        if data[central + 46 : central + 46 + name_length] == info.filename.encode():
            break
        central = data.index(b"PK\x01\x02", central + 4)
    struct.pack_into("<I", data, central + 24, 10)
    assert "not an Excel workbook" in _file_problem(world, bytes(data))


def test_a_file_over_5_mb_is_refused(client: Client, world: World, county_a_admin: User) -> None:
    login_verified(client, county_a_admin)
    before = snapshot()
    response = _check(client, world.county_a, b"PK" + b"\0" * (5 * 1024 * 1024))
    assert "larger than 5 MB" in response.content.decode()
    assert snapshot() == before


def test_more_than_5000_rows_are_refused(world: World) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(TEMPLATE_HEADERS)
    ws["A5002"] = "第5001个单位"
    buffer = io.BytesIO()
    wb.save(buffer)
    assert "more than 5000 rows" in _file_problem(world, buffer.getvalue())


def test_more_than_50_columns_are_refused(world: World) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(TEMPLATE_HEADERS)
    ws.cell(row=2, column=51, value="x")
    buffer = io.BytesIO()
    wb.save(buffer)
    assert "more than 50 columns" in _file_problem(world, buffer.getvalue())


def test_one_far_away_cell_does_not_build_a_huge_grid(world: World) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(TEMPLATE_HEADERS)
    ws["XFD1048576"] = "x"
    buffer = io.BytesIO()
    wb.save(buffer)
    assert "more than 5000 rows" in _file_problem(world, buffer.getvalue())


def test_an_empty_sheet_is_refused(world: World) -> None:
    wb = Workbook()
    buffer = io.BytesIO()
    wb.save(buffer)
    assert "The first sheet is empty" in _file_problem(world, buffer.getvalue())


def test_wrong_headers_are_refused(world: World) -> None:
    before = snapshot()
    report = run_import(
        by=None,
        under=world.county_a,
        data=xlsx([["新华区教育局", "成员单位"]], headers=["名称", "类型", "类型"]),
    )
    assert not report.imported and snapshot() == before
    found = _problems(report)
    assert all(r == 1 for r, _c, _h, _m in found)
    by_column = {(c, h): m for _r, c, h, m in found if c}
    assert "Unknown column “名称”" in by_column[("A", "名称")]
    assert "appears twice" in by_column[("C", "类型")]
    missing = {h for _r, c, h, _m in found if not c}
    assert missing == {"单位名称", "行政区划代码", "上级单位名称"}


def test_a_sheet_of_padding_over_the_organisation_limit_is_refused(world: World) -> None:
    """The organisation import keeps its own, smaller limit (30 MB unpacked) in the one
    reader: a sheet of 40 MiB whitespace, packed at an ordinary ratio, is refused."""
    from zhucan.testing import hostile_files as hostile

    data = hostile.xlsx(padding_mib=40)
    assert len(data) < 1024 * 1024
    assert "unpacks to far more data" in _file_problem(world, data)
