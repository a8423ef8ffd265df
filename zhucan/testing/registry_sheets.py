"""Sheets and ID numbers for the import tests (not a test module: no test_ prefix)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Sequence
from typing import Any
from xml.sax.saxutils import escape

from openpyxl import Workbook

from zhucan.core.actors import Actor
from zhucan.registry.idnumbers import check_character

HEADERS = ["序号", "姓名", "身份证号", "残疾人证号", "残疾类别", "残疾等级", "联系电话", "家庭住址"]


def id_number(n: int, *, born: str = "19850312", region: str = "410402") -> str:
    first17 = f"{region}{born}{n % 1000:03d}"
    return first17 + check_character(first17)


def person_row(n: int, **overrides: Any) -> list[Any]:
    number = overrides.pop("id", None) or id_number(n)
    values = {
        "序号": n,
        "姓名": overrides.pop("name", f"测试{n}"),
        "身份证号": number,
        "残疾人证号": overrides.pop("certificate") if "certificate" in overrides else number + "42",
        "残疾类别": overrides.pop("category", "肢体"),
        "残疾等级": overrides.pop("grade", "二级"),
        "联系电话": overrides.pop("phone", "13912345678"),
        "家庭住址": overrides.pop("address", "新华区光明路12号"),
    }
    assert not overrides, overrides
    return [values[h] for h in HEADERS]


def workbook_bytes(
    rows: Sequence[Sequence[Any]], headers: Sequence[str] = HEADERS, *, above: int = 0
) -> bytes:
    """An .xlsx with the header row (after ``above`` title rows) and the rows. Text starting
    with ``=`` is written as text, as a person typing '= in Excel does."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for n in range(above):
        ws.append([f"新华区持证残疾人花名册（第{n + 1}页）"])
    if headers:
        ws.append(list(headers))
    for row in rows:
        ws.append(list(row))
    for line in ws.iter_rows():
        for cell in line:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def run_queued_tasks() -> int:
    """What the worker does with the tasks that are due (delayed ones, like the expiry of an
    upload, wait). Returns how many ran."""
    from django_tasks_db.models import DBTaskResult

    ran = 0
    while True:
        due = list(DBTaskResult.objects.ready())
        if not due:
            return ran
        for result in due:
            DBTaskResult.objects.filter(pk=result.pk).delete()
            result.task.call(*result.args_kwargs["args"], **result.args_kwargs["kwargs"])
            ran += 1


def checked_import(world: Any, rows: int = 5) -> Any:
    """County A's import of a small sheet with one bad row, dry run done (for the walks)."""
    from zhucan.registry.imports import jobs

    sheet = [person_row(n) for n in range(1, rows + 1)]
    sheet.append(person_row(rows + 1, category="未知"))
    job = jobs.upload_import(
        by=world.county_a_officer,
        organisation=world.county_a,
        data=workbook_bytes(sheet),
        file_name="新华区持证残疾人花名册.xlsx",
    )
    jobs.request_check(by=world.county_a_officer, job=job, mapping=job.mapping, background=False)
    jobs.run_check(job_id=job.pk)
    job.refresh_from_db()
    return job


def dry_run(world: Any, data: bytes, *, by: Actor | None = None, organisation: Any = None) -> Any:
    """Upload ``data`` for county A (or ``organisation``) and run its dry run."""
    from zhucan.registry.imports import jobs

    by = by or world.county_a_officer
    job = jobs.upload_import(
        by=by, organisation=organisation or world.county_a, data=data, file_name="花名册.xlsx"
    )
    jobs.request_check(by=by, job=job, mapping=job.mapping)
    run_queued_tasks()
    job.refresh_from_db()
    return job


def import_checked(
    job: Any, *, by: Actor, valid_only: bool = False, duplicates: str = "skip"
) -> Any:
    """Confirm a checked import and run it as the worker would."""
    from zhucan.registry.imports import jobs

    done_by = jobs.confirm_import(by=by, job=job, valid_only=valid_only, duplicates=duplicates)
    run_queued_tasks()
    done_by.refresh_from_db()
    return done_by


def fast_xlsx(rows: Iterable[Sequence[Any]], headers: Sequence[str] = HEADERS) -> bytes:
    """A minimal .xlsx written directly, with shared strings as Excel writes them: fast enough
    for 100,000 rows (the bench) where openpyxl takes most of a minute. Numbers stay numbers;
    everything else is text."""
    strings: dict[str, int] = {}

    def cell(ref: str, value: Any) -> str:
        if value is None or value == "":
            return ""
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return f'<c r="{ref}"><v>{value}</v></c>'
        index = strings.setdefault(str(value), len(strings))
        return f'<c r="{ref}" t="s"><v>{index}</v></c>'

    letters = [_letter(i) for i in range(len(headers))]
    lines = []
    for number, values in enumerate([headers, *rows], start=1):
        cells = "".join(cell(f"{letters[i]}{number}", v) for i, v in enumerate(values))
        lines.append(f'<row r="{number}">{cells}</row>')
    main = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    sheet = f'<?xml version="1.0" encoding="UTF-8"?><worksheet {main}><sheetData>'
    sheet += "".join(lines) + "</sheetData></worksheet>"
    shared = "".join(f"<si><t>{escape(text)}</t></si>" for text in strings)
    types = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org'
            '/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd'
            '.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
            f'"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="{types}'
            '.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType='
            f'"{types}.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType='
            f'"{types}.sharedStrings+xml"/></Types>'
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type='
            f'"{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook {main} xmlns:r="{rel}"><sheets>'
            '<sheet name="花名册" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type='
            f'"{rel}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" '
            f'Type="{rel}/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
        ),
        "xl/worksheets/sheet1.xml": sheet,
        "xl/sharedStrings.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><sst {main} count="{len(strings)}" '
            f'uniqueCount="{len(strings)}">{shared}</sst>'
        ),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, content in parts.items():
            archive.writestr(name, content.encode())
    return buffer.getvalue()


def _letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
