"""Activity reports in and out of Excel: the template, the check and import, the export.

The import follows the organisation import (``zhucan.orgs.importer``): the person uploads the
file to have it checked, reads the report, then uploads the same file again to import it. The
server keeps nothing between the two steps; the confirmation carries a signed token with the
file's SHA-256 digest, so the file imported is the file whose report the person read.

How rows are checked. Every cell is parsed here first, so that *every* problem of *every* row
is listed with its column (the services stop at the first problem and know no columns). A row
whose cells all parse is then given to the service's own checks (``_check`` and
``_check_values`` of ``services.reports``, the functions ``save_report`` runs before it
writes), so a rule added there shows up in the dry run too, mapped to its column. We did not
dry-run ``save_report`` itself in a rolled-back savepoint: it would write and unwrite a report,
its values and an audit entry for every row (a dozen queries each, for up to 5,000 rows) and
still name only the first problem of a row. The confirmed import calls ``save_report`` for
every row inside one transaction, so whatever the dry run missed still stops the whole import.

Re-importing. Each import writes one ``activities.reports.imported`` audit entry per
organisation with the file's digest; a file whose digest was already imported for the same
campaign and one of the same organisations is refused, with who imported it and when. A
*corrected* file has another digest, so each row also has a stable identity: the report's
``client_id`` is a UUID5 of (campaign, organisation, activity title, category, start date,
place), the activity as the people filling the sheet name it (see ``row_client_id`` for why
those six, and why the client id rather than a separate fingerprint). A row whose report
already exists is listed as "already imported (row N)" and skipped; the rows that failed
before are imported.

The confirmed import runs in the background (``services.imports``, ``tasks``); it checks the
file again and saves every row in one transaction.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from zhucan.activities.dates import DatesOutsideCampaignError, campaign_period
from zhucan.activities.figures import FIGURES, Figure
from zhucan.activities.models import ActivityReport, Category, Indicator, Mode
from zhucan.activities.services.reports import (
    ReportInput,
    _check,
    _check_values,
    indicators_for,
)
from zhucan.campaigns.models import Campaign
from zhucan.core.errors import DomainError
from zhucan.core.models import AuditEntry
from zhucan.orgs.models import Organisation
from zhucan.orgs.xlsx_reader import MAX_ROWS, UnreadableFileError, read_first_sheet

IMPORT_ACTION = "activities.reports.imported"
TEMPLATE_ROWS = 1000  # rows the drop-down lists cover
MAX_COUNT = 10**9
MAX_YUAN = Decimal(10**12)  # max_digits=14 with two decimals
# Fixed for ever: every imported report's client_id is derived from it (see row_client_id).
ROW_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:zhucan:activities:excel-import-row")

# field, header, required, kind (text / date / count / yuan / choice / organisation)
COLUMNS: list[tuple[str, str, bool, str]] = [
    ("organisation", "单位名称", True, "organisation"),
    ("title", "活动名称", True, "text"),
    ("category", "类别", True, "choice"),
    ("start_date", "开始日期", True, "date"),
    ("end_date", "结束日期", True, "date"),
    ("mode", "形式", True, "choice"),
    ("place", "地点", False, "text"),
    # The report's fixed figures (activities.figures).
    *((f.name, f.header, False, "yuan" if f.is_yuan else "count") for f in FIGURES),
    ("description", "活动简介", False, "text"),
    ("safety_measures", "防控措施", False, "text"),
]
HEADER_FOR_FIELD = {name: header for name, header, _r, _k in COLUMNS}
KIND_FOR_FIELD = {name: kind for name, _h, _r, kind in COLUMNS}
MAX_LENGTH = {"title": 200, "place": 200, "description": 5000, "safety_measures": 5000}
# Other spellings people write in the organisation column's header.
HEADER_ALIASES = {
    "组织名称": "organisation",
    "单位": "organisation",
    "组织名称/单位": "organisation",
}


def figure_note(figure: Figure) -> str:
    """How to fill in a fixed figure's column, from its unit."""
    if figure.is_yuan:
        return "金额（元），最多两位小数，不得为负数。"
    if figure.may_be_unknown:
        return "整数，不得为负数；不清楚的留空，不要填 0。"
    return "整数，不得为负数。"


_NOTES = {
    "organisation": "填写下方“可填报的单位”中的单位全称（可从下拉列表选择）。",
    "title": "活动的名称，最多 200 字。",
    "category": "从下拉列表选择，可选值见下方“类别可选值”；也可填写代码。",
    "start_date": "日期，例如 2020-05-17，应在本次活动年度内。",
    "end_date": "日期，不得早于开始日期，不得晚于今天。",
    "mode": "从下拉列表选择，可选值见下方“形式可选值”；也可填写代码。",
    "place": "活动地点，最多 200 字。",
    **{f.name: figure_note(f) for f in FIGURES},
    "description": "活动的简要情况。",
    "safety_measures": "疫情防控等安全措施。",
}


# --- Labels ------------------------------------------------------------------------------


def chinese_label(label: Any) -> str:
    """A choice's label in Chinese: the zh-hans translation, else the Chinese the English
    msgid carries in brackets ("Visits (慰问)" → 慰问)."""
    with translation.override("zh-hans"):
        text = str(label)
    if re.search(r"[\u4e00-\u9fff]", text) and "(" not in text:
        return text
    found = re.search(r"\(([^)]*[\u4e00-\u9fff][^)]*)\)", str(label))
    return found.group(1) if found else text


def choice_labels(choices: Any) -> dict[str, str]:
    """code → Chinese label."""
    return {value: chinese_label(label) for value, label in choices.choices}


def _normalise(text: str) -> str:
    return "".join(text.split()).replace("(", "（").replace(")", "）").lower()


def _choice_lookup(choices: Any) -> dict[str, str]:
    """Every accepted spelling → code: the Chinese label, the English label, the code."""
    lookup: dict[str, str] = {}
    for value, label in choices.choices:
        with translation.override("en"):
            english = str(label)
        for spelling in (value, english, chinese_label(label)):
            lookup[_normalise(spelling)] = value
    return lookup


def normalise_header(text: str) -> str:
    return "".join(text.split()).replace("(", "（").replace(")", "）").rstrip("*＊")


# --- The template ------------------------------------------------------------------------

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDDDDD")


def _header_row(ws: Any, headers: Sequence[str]) -> int:
    ws.append(list(headers))
    row: int = ws.max_row
    for cell in ws[row]:
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    return row


def _list_block(ws: Any, title: Sequence[str], rows: Iterable[Sequence[str]]) -> tuple[int, int]:
    ws.append([])
    start = _header_row(ws, title) + 1
    for row in rows:
        ws.append(list(row))
    return start, ws.max_row


def build_template(*, campaign: Campaign, recipients: Sequence[Organisation]) -> bytes:
    """The workbook people download: an empty 活动情况 sheet (the fixed columns, then one per
    indicator of the campaign) and a 填写说明 sheet explaining every column and value."""
    indicators = indicators_for(campaign)
    wb = Workbook()
    data = wb.active
    assert data is not None
    data.title = "活动情况"
    headers = [header for _f, header, _r, _k in COLUMNS] + [i.name for i in indicators]
    _header_row(data, headers)
    data.freeze_panes = "A2"
    for index, header in enumerate(headers, start=1):
        data.column_dimensions[get_column_letter(index)].width = max(12, len(header) * 2 + 4)
    data.column_dimensions["A"].width = 32
    data.column_dimensions["B"].width = 30

    notes = wb.create_sheet("填写说明")
    _header_row(notes, ["列名", "是否必填", "说明"])
    for name, header, required, _kind in COLUMNS:
        notes.append([header, "必填" if required else "选填", _NOTES[name]])
    for indicator in indicators:
        unit = "金额（元），最多两位小数" if indicator.unit == Indicator.Unit.YUAN else "整数"
        notes.append([indicator.name, "选填", f"统计指标：{unit}，不得为负数；不适用可留空。"])
    notes.append([])
    notes.append(
        [
            f"本表最多 {MAX_ROWS} 行、文件最大 5 MB。先上传检查，检查无误后再次上传同一文件并"
            "确认导入。导入的活动为草稿，核对后再提交。同一文件不能重复导入；更正后的文件可"
            "再次导入，已导入的活动（单位、活动名称、类别、开始日期、地点相同）会跳过。"
        ]
    )
    category_rows = _list_block(
        notes, ["类别可选值", "代码"], ((v, k) for k, v in choice_labels(Category).items())
    )
    mode_rows = _list_block(
        notes, ["形式可选值", "代码"], ((v, k) for k, v in choice_labels(Mode).items())
    )
    org_rows = _list_block(notes, ["可填报的单位"], ([org.name] for org in recipients))
    for letter, width in zip("ABC", [30, 20, 80], strict=True):
        notes.column_dimensions[letter].width = width
    for line in notes.iter_rows(min_row=2, max_col=3):
        for cell in line:
            cell.alignment = Alignment(vertical="top", wrap_text=True)

    # Drop-down lists that suggest the values; other spellings (the codes) stay allowed, no
    # error box, since the import accepts them and explains anything it does not know.
    letters = {name: get_column_letter(i) for i, (name, *_rest) in enumerate(COLUMNS, start=1)}
    for name, (start, end) in (
        ("category", category_rows),
        ("mode", mode_rows),
        ("organisation", org_rows),
    ):
        if end < start:
            continue  # no organisation to list
        validation = DataValidation(
            type="list",
            formula1=f"'填写说明'!$A${start}:$A${end}",
            allow_blank=True,
            showErrorMessage=False,
        )
        validation.add(f"{letters[name]}2:{letters[name]}{TEMPLATE_ROWS + 1}")
        data.add_data_validation(validation)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# --- Reading and checking ----------------------------------------------------------------


@dataclass
class Problem:
    row: int | None  # as Excel shows it (the header is row 1); None for the whole file
    message: str
    column: str = ""  # Excel column letter
    header: str = ""


@dataclass
class ImportRow:
    row: int
    organisation: Organisation | None = None
    data: ReportInput | None = None
    valid: bool = True
    client_id: uuid.UUID | None = None  # the report this row makes (set when the row is valid)
    already_imported: bool = False


@dataclass
class ImportCheck:
    digest: str
    problems: list[Problem] = field(default_factory=list)
    rows: list[ImportRow] = field(default_factory=list)
    imported: int = 0

    @property
    def is_valid(self) -> bool:
        return not self.problems

    @property
    def file_problems(self) -> bool:
        return any(p.row is None for p in self.problems)

    @property
    def valid_rows(self) -> list[ImportRow]:
        """The rows to import: valid, and not imported before."""
        if self.file_problems:
            return []
        return [r for r in self.rows if r.valid and not r.already_imported]

    @property
    def already_imported(self) -> list[ImportRow]:
        return [r for r in self.rows if r.already_imported]

    def sorted_problems(self) -> list[Problem]:
        return sorted(self.problems, key=lambda p: (p.row or 0, p.column.rjust(3)))


class _CellError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _text(value: Any) -> str:
    """A cell as text (numbers come back from calamine as floats)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return str(value).strip()


_DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
EXCEL_EPOCH = date(1899, 12, 30)


def _date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = float(value)
        if number.is_integer() and 19000101 <= number <= 29991231:  # 20200517 typed as a number
            text = str(int(number))
            value = f"{text[:4]}-{text[4:6]}-{text[6:]}"
        elif 1 <= number < 2958466:  # a date serial in a cell not formatted as a date
            return EXCEL_EPOCH + timedelta(days=int(number))
    text = _text(value)
    found = _DATE_TEXT.match(text)
    if found:
        try:
            return date(*(int(part) for part in found.groups()))
        except ValueError:
            pass
    raise _CellError(_("“%(value)s” is not a date. Write it as 2020-05-17.") % {"value": text[:40]})


def _decimal(value: Any) -> Decimal:
    if isinstance(value, bool) or isinstance(value, (date, datetime, timedelta)):
        raise _CellError(_("“%(value)s” is not a number.") % {"value": _text(value)[:40]})
    if isinstance(value, float):
        text = repr(value)  # the shortest text that is this float: 12.3, not 12.2999…
    else:
        text = re.sub(r"[,，\s]", "", _text(value))
    try:
        number = Decimal(text)
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite():
        raise _CellError(_("“%(value)s” is not a number.") % {"value": _text(value)[:40]})
    return number


def _count(value: Any) -> int:
    number = _decimal(value)
    if number < 0:
        raise _CellError(_("Numbers of people cannot be negative."))
    if number != number.to_integral_value():
        raise _CellError(_("Write a whole number."))
    if number > MAX_COUNT:
        raise _CellError(_("This number is too large."))
    return int(number)


def _yuan(value: Any) -> Decimal:
    number = _decimal(value)
    if number < 0:
        raise _CellError(_("Amounts cannot be negative."))
    if number != number.quantize(Decimal("0.01")):
        raise _CellError(_("Amounts in yuan have at most two decimals."))
    if number >= MAX_YUAN:
        raise _CellError(_("This amount is too large."))
    return number.quantize(Decimal("0.01"))


@dataclass
class _Columns:
    by_field: dict[str, int]  # field (or "indicator:<pk>") → 0-based column index
    headers: dict[str, str]

    def problem(self, row: int, name: str, message: str) -> Problem:
        index = self.by_field.get(name)
        if index is None:
            return Problem(row, message, header=self.headers.get(name, ""))
        return Problem(row, message, get_column_letter(index + 1), self.headers[name])


def _read_header(
    cells: list[Any], indicators: list[Indicator], problems: list[Problem]
) -> _Columns:
    known = {header: name for name, header, _r, _k in COLUMNS} | HEADER_ALIASES
    known |= {normalise_header(i.name): f"indicator:{i.pk}" for i in indicators}
    columns = _Columns({}, {})
    for index, value in enumerate(cells):
        written = normalise_header(_text(value))
        letter = get_column_letter(index + 1)
        if not written:
            continue
        name = known.get(written)
        if name is None:
            problems.append(
                Problem(
                    1,
                    _(
                        "Unknown column “%(header)s”. Use the header row of this campaign's "
                        "template."
                    )
                    % {"header": written},
                    letter,
                    written,
                )
            )
        elif name in columns.by_field:
            problems.append(Problem(1, _("This column appears twice."), letter, written))
        else:
            columns.by_field[name], columns.headers[name] = index, written
    for name, header, required, _kind in COLUMNS:
        if required and name not in columns.by_field:
            problems.append(
                Problem(
                    1,
                    _("The column “%(header)s” is missing. Use the header row of the template.")
                    % {"header": header},
                    header=header,
                )
            )
    return columns


@dataclass
class _Context:
    campaign: Campaign
    indicators: list[Indicator]
    recipients: dict[str, list[Organisation]]
    dates_confirmed: bool = False
    categories: dict[str, str] = field(default_factory=lambda: _choice_lookup(Category))
    modes: dict[str, str] = field(default_factory=lambda: _choice_lookup(Mode))


def _check_row(
    number: int, cells: dict[str, Any], columns: _Columns, ctx: _Context
) -> tuple[ImportRow, list[Problem]]:
    problems: list[Problem] = []
    parsed: dict[str, Any] = {}

    def fail(name: str, message: str) -> None:
        problems.append(columns.problem(number, name, message))

    for name, _header, required, kind in COLUMNS:
        raw = cells.get(name)
        text = _text(raw)
        if not text:
            if required:
                fail(name, _("Fill in this column."))
            continue
        try:
            if kind == "organisation":
                found = ctx.recipients.get(" ".join(text.split()), [])
                if len(found) != 1:
                    raise _CellError(
                        _(
                            "%(name)s is not one of the organisations you can report for in "
                            "this campaign. Use a name from the template's list."
                        )
                        % {"name": text[:100]}
                        if not found
                        else _("Several organisations are called %(name)s.") % {"name": text}
                    )
                parsed[name] = found[0]
            elif kind == "choice":
                lookup = ctx.categories if name == "category" else ctx.modes
                choices = Category if name == "category" else Mode
                if _normalise(text) not in lookup:
                    raise _CellError(
                        _("Unknown value “%(value)s”. Choose one of: %(labels)s.")
                        % {
                            "value": text[:40],
                            "labels": "、".join(choice_labels(choices).values()),
                        }
                    )
                parsed[name] = lookup[_normalise(text)]
            elif kind == "date":
                parsed[name] = _date(raw)
            elif kind == "count":
                parsed[name] = _count(raw)
            elif kind == "yuan":
                parsed[name] = _yuan(raw)
            else:
                limit = MAX_LENGTH[name]
                if len(text) > limit:
                    raise _CellError(
                        _("At most %(max)d characters (this has %(n)d).")
                        % {"max": limit, "n": len(text)}
                    )
                parsed[name] = text  # a text that looks like a formula is just text
        except _CellError as exc:
            fail(name, exc.message)
    start, end = parsed.get("start_date"), parsed.get("end_date")
    if start and end and end < start:
        fail("end_date", _("The end date is before the start date."))
    values: dict[int, Decimal] = {}
    for indicator in ctx.indicators:
        key = f"indicator:{indicator.pk}"
        raw = cells.get(key)
        if not _text(raw):
            continue
        try:
            if indicator.unit == Indicator.Unit.YUAN:
                values[indicator.pk] = _yuan(raw)
            else:
                values[indicator.pk] = Decimal(_count(raw))
        except _CellError as exc:
            fail(key, exc.message)
    row = ImportRow(row=number, organisation=parsed.pop("organisation", None))
    if not problems:
        row.data = ReportInput(**parsed, values=values, dates_confirmed=ctx.dates_confirmed)
        assert row.organisation is not None
        try:
            # The service's own rules, as save_report runs them before it writes.
            _check(ctx.campaign, row.organisation, row.data)
            _check_values(ctx.campaign, row.data.category, row.data.values, ctx.indicators)
        except DatesOutsideCampaignError:
            # A file has no box to tick: the row names the dates and where to confirm them.
            first, last = campaign_period(ctx.campaign)
            fail(
                "start_date",
                _(
                    "The activity (%(start)s to %(end)s) is outside this campaign's period, "
                    "%(first)s to %(last)s. Correct the dates, or tick the box that they are "
                    "right and check the file again."
                )
                % {
                    "start": row.data.start_date.isoformat(),
                    "end": row.data.end_date.isoformat(),
                    "first": first.isoformat(),
                    "last": last.isoformat(),
                },
            )
        except DomainError as exc:
            target = (exc.field or "").replace("indicator_", "indicator:")
            fail(target, exc.message)
    row.valid = not problems
    return row, problems


def _key_text(text: str) -> str:
    # Full-width and half-width forms, spacing and letter case are not what makes an activity.
    return " ".join(unicodedata.normalize("NFKC", text).split()).casefold()


def row_client_id(
    *, campaign: Campaign, organisation: Organisation, data: ReportInput
) -> uuid.UUID:
    """The stable identity of the report an imported row makes.

    Why these six (campaign, organisation, title, category, start date, place): they are how
    the people who fill the sheet name an activity (who, for which campaign, what, when,
    where); the category tells apart the generic titles units use ("全国助残日活动") for two
    activities on one day. The figures, texts, mode and end date are left out because
    they are what a corrected file corrects; the row number because rows move when lines are
    inserted or sorted. So a row corrected *after* it was imported is still the same activity
    and is skipped (its report is changed in the app), and two rows naming the same activity
    in one file are one report.

    Why a UUID5 in ``client_id`` rather than a fingerprint column: the unique index on
    ``client_id`` already exists, so the database itself refuses a second report even when two
    imports race; and the identity is fixed when the report is made, so changing the report's
    title in the app later does not make a re-import of the old file create it again.
    """
    key = "\x1f".join(
        [
            str(campaign.pk),
            str(organisation.pk),
            _key_text(data.title),
            data.category,
            data.start_date.isoformat(),
            _key_text(data.place),
        ]
    )
    return uuid.uuid5(ROW_NAMESPACE, key)


def _mark_rows_already_imported(check: ImportCheck, campaign: Campaign) -> None:
    """Give each valid row its report's client_id; a row naming the same activity as an earlier
    row is a problem, a row whose report exists is marked already imported."""
    first_row: dict[uuid.UUID, int] = {}
    for row in check.rows:
        if not row.valid or row.organisation is None or row.data is None:
            continue
        row.client_id = row_client_id(
            campaign=campaign, organisation=row.organisation, data=row.data
        )
        if row.client_id in first_row:
            row.valid = False
            check.problems.append(
                Problem(
                    row.row,
                    _(
                        "The same activity as row %(row)d (same organisation, activity, "
                        "category, start date and place). Give each activity one row."
                    )
                    % {"row": first_row[row.client_id]},
                    get_column_letter(2),
                    HEADER_FOR_FIELD["title"],
                )
            )
        else:
            first_row[row.client_id] = row.row
    ids = list(first_row)
    existing: set[uuid.UUID] = set()
    for start in range(0, len(ids), 500):  # a bounded number of parameters per query
        existing.update(
            ActivityReport.objects.filter(client_id__in=ids[start : start + 500]).values_list(
                "client_id", flat=True
            )
        )
    for row in check.rows:
        if row.valid and row.client_id in existing:
            row.already_imported = True


def _already_imported(
    campaign: Campaign, digest: str, organisations: set[Organisation]
) -> Problem | None:
    entries = AuditEntry.objects.filter(
        action=IMPORT_ACTION,
        object_type=Campaign._meta.label_lower,
        object_id=str(campaign.pk),
        changes__sha256=digest,
    ).order_by("at")
    by_pk = {org.pk: org for org in organisations}
    for entry in entries:
        org = by_pk.get(entry.changes.get("organisation"))
        if org is not None:
            return Problem(
                None,
                _(
                    "This file was already imported for %(org)s on %(date)s by %(who)s. "
                    "Importing it again would make the same reports twice."
                )
                % {
                    "org": org.name,
                    "date": timezone.localtime(entry.at).strftime("%Y-%m-%d %H:%M"),
                    "who": entry.actor_name,
                },
            )
    return None


def check_file(
    *,
    data: bytes,
    campaign: Campaign,
    recipients: Sequence[Organisation],
    dates_confirmed: bool = False,
) -> ImportCheck:
    """Check every row of the file for ``campaign``, for the organisations the person may
    report for (``recipients``). ``dates_confirmed``: the person said the dates outside the
    campaign's year in this file are right. Writes nothing."""
    check = ImportCheck(digest=hashlib.sha256(data).hexdigest())
    if campaign.status != Campaign.Status.PUBLISHED:
        check.problems.append(
            Problem(None, _("Reports can only be filed for a published, open campaign."))
        )
        return check
    try:
        rows = read_first_sheet(data)
    except UnreadableFileError as exc:
        check.problems.append(Problem(None, exc.message))
        return check
    if not rows or not any(_text(v) for row in rows for v in row):
        check.problems.append(Problem(None, _("The first sheet is empty. Fill in the template.")))
        return check
    indicators = indicators_for(campaign)
    columns = _read_header(rows[0], indicators, check.problems)
    if check.problems:
        return check
    by_name: dict[str, list[Organisation]] = {}
    for org in recipients:
        by_name.setdefault(" ".join(org.name.split()), []).append(org)
    ctx = _Context(
        campaign=campaign,
        indicators=indicators,
        recipients=by_name,
        dates_confirmed=dates_confirmed,
    )
    for number, cells in enumerate(rows[1:], start=2):
        values = {
            name: cells[index] if index < len(cells) else None
            for name, index in columns.by_field.items()
        }
        if not any(_text(v) for v in values.values()):
            continue  # blank lines between blocks are normal in office sheets
        row, problems = _check_row(number, values, columns, ctx)
        check.rows.append(row)
        check.problems.extend(problems)
    if not check.rows:
        check.problems.append(Problem(None, _("The sheet has a header row but no reports.")))
        return check
    organisations = {r.organisation for r in check.rows if r.organisation is not None}
    repeated = _already_imported(campaign, check.digest, organisations)
    if repeated is not None:
        check.problems.append(repeated)
        return check
    _mark_rows_already_imported(check, campaign)
    return check
