"""Every row of a sheet judged, each problem named by row, column letter and header.

Cells are parsed here (a category written 肢体 or 4, a grade 二级 or 2, 是/否 …); the person is
then judged by ``services.people.check_person``, the same function the registration form uses,
and its per-field messages are put back on the columns they came from. What only a whole file
can show is added: the same ID number on two rows, and people already in the registry (found
through the blind index, a batch of rows at a time, never by decrypting anything).

A number registered outside the organisation is refused: plainly where the importing person can
see that registration, neutrally and counted where they cannot (``refusals``).

Rows are read and checked one batch at a time, so a sheet of 100,000 people never sits in
memory whole: the dry run counts and lists problems, the import saves each batch as it comes.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhucan.core.actors import Actor
from zhucan.orgs.models import Organisation, Region
from zhucan.registry import crypto
from zhucan.registry.idnumbers import CATEGORY_DIGITS, normalise
from zhucan.registry.imports.mapping import CHECK_ONLY
from zhucan.registry.imports.reading import MAX_CELL_CHARS, Sheet, cell_text
from zhucan.registry.imports.refusals import not_listed, record_refusals
from zhucan.registry.models import Person
from zhucan.registry.models.people import registry_roots
from zhucan.registry.services.people import (
    Checked,
    PersonData,
    cannot_register_here,
    check_person,
)
from zhucan.registry.townships import matcher_for

MAX_LISTED = 1000  # problems kept for the page; the count goes on
BATCH_SIZE = 2000
MAX_UNLISTED = 30  # township names not on the list, named in the job's message
UNLISTED_ROWS = 5  # rows named for each

_CATEGORY_NAMES = {
    "视力": "1",
    "听力": "2",
    "言语": "3",
    "肢体": "4",
    "智力": "5",
    "精神": "6",
    "多重": "7",
}
_GRADE_NAMES = {"一": 1, "二": 2, "三": 3, "四": 4, "Ⅰ": 1, "Ⅱ": 2, "Ⅲ": 3, "Ⅳ": 4}
_YES = {"是", "有", "y", "yes", "true", "1", "√", "✓", "✔"}
_NO = {"否", "无", "没有", "n", "no", "false", "0", "×", "-", "—", "／", "/"}
_POVERTY = {
    "是": Person.Poverty.REGISTERED,
    "建档立卡": Person.Poverty.REGISTERED,
    "建档立卡户": Person.Poverty.REGISTERED,
    "贫困户": Person.Poverty.REGISTERED,
    "已脱贫": Person.Poverty.LIFTED,
    "脱贫": Person.Poverty.LIFTED,
    "脱贫户": Person.Poverty.LIFTED,
    "监测": Person.Poverty.MONITORED,
    "监测对象": Person.Poverty.MONITORED,
    "监测户": Person.Poverty.MONITORED,
    "否": Person.Poverty.NONE,
    "无": Person.Poverty.NONE,
    "非贫困户": Person.Poverty.NONE,
}
_MAX_LENGTHS = {"township": 60, "village": 60, "household_number": 30, "guardian_relation": 20}
_NEEDS = ("need_income_fell", "need_no_guardian", "need_no_care", "need_other")
_REQUIRED_EMPTY: dict[str, Any] = {"name": "", "id_number": "", "category": "", "grade": None}
# Fields whose text cells ``_parse`` strips and measures itself (see ``RowChecker._step``).
_INLINE_TEXT = frozenset(
    {
        "name",
        "phone",
        "address",
        "township",
        "village",
        "household_number",
        "guardian_name",
        "guardian_relation",
        "guardian_phone",
        "need_note",
    }
)
# Fields with a handful of values in a whole register, parsed once per value.
_FEW_VALUES = frozenset({"category", "grade", "poverty", "township", "region", "sex", *_NEEDS})
_SEX = {
    "男": "male",
    "男性": "male",
    "m": "male",
    "male": "male",
    "女": "female",
    "女性": "female",
    "f": "female",
    "female": "female",
}
_CACHE_SIZE = 1000  # values per field: a column mapped by mistake stays small
_UNSEEN = object()
# Excel keeps 15 significant digits: a longer number typed into a number cell has lost its end.
_EXACT_DIGITS_BELOW = 10**15


@dataclass
class Problem:
    row: int | None  # Excel's row number; None for the whole file
    message: str
    column: str = ""  # Excel's column letter
    header: str = ""


@dataclass
class Report:
    """What the dry run tells the person, and what the job keeps."""

    rows: int = 0  # rows with anything in them
    valid: int = 0
    invalid: int = 0
    registered: int = 0  # valid rows whose person is already in the registry
    unnamed: int = 0  # rows refused past the hourly allowance, counted but not listed
    converted: int = 0  # old 15-digit ID numbers converted to 18 characters
    problems: list[Problem] = field(default_factory=list)
    problems_total: int = 0
    # Township names not on the organisation's list → the first rows that have them.
    unlisted: dict[str, list[int]] = field(default_factory=dict)

    def add(self, problem: Problem) -> None:
        self.problems_total += 1
        if len(self.problems) < MAX_LISTED:
            self.problems.append(problem)

    def problem_dicts(self) -> list[dict[str, Any]]:
        return [asdict(p) for p in self.problems]


@dataclass
class Row:
    """A valid row: the checked person, which cells were filled (a merge changes only those),
    its blind index and the person already registered with that number, if any."""

    number: int
    checked: Checked
    filled: frozenset[str]
    index: str
    existing: int | None = None


class _CellError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class _UnlistedTownshipError(_CellError):
    def __init__(self, message: str, name: str) -> None:
        super().__init__(message)
        self.name = name


def _long(text: str) -> str:
    if len(text) > MAX_CELL_CHARS:
        raise _CellError(_("This cell has more than %(max)d characters.") % {"max": MAX_CELL_CHARS})
    return text


def _number_text(value: Any, what: str) -> str:
    """An ID or certificate number (``what``: "id" or "certificate"): text as typed; a number
    only while Excel kept every digit."""
    if type(value) is str:
        text = value.strip()
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        if not float(value).is_integer() or abs(value) >= _EXACT_DIGITS_BELOW:
            raise _CellError(
                _(
                    "The %(what)s is stored as a number, so Excel has changed its last digits. "
                    "Format the column as text and type the numbers again."
                )
                % {"what": _what(what)}
            )
        return str(int(value))
    else:
        text = cell_text(value)
    _long(text)
    if text.startswith(("=", "＝")):
        raise _CellError(
            _(
                "This cell holds a formula (it starts with “=”) instead of the %(what)s. Type the "
                "number itself; formulas are never calculated here."
            )
            % {"what": _what(what)}
        )
    return text


def _what(what: str) -> str:
    return _("ID number") if what == "id" else _("certificate number")


def _text(value: Any) -> str:
    return _long(value.strip() if type(value) is str else cell_text(value))


def _category(value: Any) -> str:
    text = cell_text(value).replace("残疾", "").replace("类", "").strip()
    if text in CATEGORY_DIGITS:
        return text
    return _CATEGORY_NAMES.get(text, text or "")


def _grade(value: Any) -> int | None:
    text = cell_text(value).replace("级", "").replace("等", "").strip()
    if text.isdigit():
        return int(text)
    return _GRADE_NAMES.get(text)


def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = cell_text(value).lower()
    if text in _YES:
        return True
    if text in _NO or not text:
        return False
    raise _CellError(_("Write 是 or 否 (or leave it empty for 否)."))


def _poverty(value: Any) -> str:
    if isinstance(value, bool):
        return Person.Poverty.REGISTERED if value else Person.Poverty.NONE
    text = cell_text(value)
    if not text:
        return Person.Poverty.NONE
    if text.lower() in _YES:
        return Person.Poverty.REGISTERED
    if text in _POVERTY:
        return _POVERTY[text]
    raise _CellError(_("Write 是 or 否, or 已脱贫 or 监测对象."))


def _sex(value: Any) -> str:
    sex = _SEX.get(cell_text(value).lower())
    if sex is None:
        raise _CellError(_("Write 男 or 女."))
    return sex


# 1985-03-12, 1985/3/12, 1985.3.12, 1985年3月12日, 19850312; or only the year and month.
_DATE = re.compile(r"^(\d{4})[-/.年]?(\d{1,2})(?:[-/.月]?(\d{1,2})日?)?月?$")


def _birth_date(value: Any) -> tuple[int, int, int | None]:
    """(year, month, day or None) as the cell says it; only compared, never kept."""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.year, value.month, value.day
    text = cell_text(value).replace(" ", "")
    match = _DATE.match(text)
    if match and (len(text) != 6 or text.isdigit()):
        year, month = int(match[1]), int(match[2])
        day = int(match[3]) if match[3] else None
        if 1 <= month <= 12 and (day is None or 1 <= day <= 31):
            return year, month, day
    raise _CellError(_("Write the birth date as 1985-03-12, or leave the cell empty."))


def _region_prefix(code: str) -> str:
    """410402 → 410402, 410400 → 4104, 410000 → 41: what the codes inside it start with."""
    while len(code) > 2 and code.endswith("00"):
        code = code[:-2]
    return code


class RowChecker:
    """Reads a sheet and judges its rows; ``batches()`` yields the valid ones, batch by batch,
    while ``report`` collects the counts and problems."""

    def __init__(
        self,
        *,
        sheet: Sheet,
        mapping: dict[str, str],
        organisation: Organisation,
        today: date | None = None,
        progress: Any = None,
        by: Actor | None = None,
    ) -> None:
        self.sheet = sheet
        # Who imports: whose sight decides how a number registered elsewhere is refused, and
        # whose allowance the refusals count against. None (the operator's command, or a
        # caller that does not say) refuses every such number neutrally and counts nothing.
        self.by = by
        self._roots = (
            None
            if by is None
            else ([""] if getattr(by, "is_superuser", False) else registry_roots(by))
        )
        self.columns = {name: int(index) for index, name in mapping.items()}
        self.organisation = organisation
        # Once, not per row (``parse_id_number`` would ask the clock 100,000 times).
        self.today = today or timezone.localdate()
        self.progress = progress
        self.report = Report()
        self.ring = crypto.keyring()
        self._seen: dict[str, int] = {}  # blind index → first row
        self._regions: dict[str, Region | None] = {}
        self._prefix = _region_prefix(organisation.region_id or "")
        self._listed = matcher_for(organisation)
        # The county's own list first; the region codes' townships where it keeps none.
        self._townships = set() if self._listed else self._known_townships()
        self._said: dict[str, Any] = {}  # the row's check-only cells (see ``_agrees``)
        self._plan = [self._step(name, index) for name, index in self.columns.items()]

    def _step(self, name: str, index: int) -> tuple[str, int, Any, int, dict[str, Any] | None]:
        """How ``_parse`` reads this field's cells: (field, column, parser, limit, cache).

        A text cell of a plain text field is stripped and measured in line (``limit``: its
        most characters; the parser then only says what is wrong). A text cell of a field with
        few values (category, grade, 是/否, township) is parsed once and then found in
        ``cache``. Anything else goes through the parser. The outcome is the parser's."""
        parse = self._parser(name)
        if name in _INLINE_TEXT and not (name == "township" and (self._townships or self._listed)):
            return name, index, parse, _MAX_LENGTHS.get(name, MAX_CELL_CHARS), None
        return name, index, parse, 0, {} if name in _FEW_VALUES else None

    def _parser(self, name: str) -> Any:
        """The function that turns a cell of this field into its value (or a _CellError)."""
        if name == "id_number":
            return lambda raw: _number_text(raw, "id")
        if name == "certificate":
            return lambda raw: _number_text(raw, "certificate")
        special = {
            "category": _category,
            "grade": _grade,
            "poverty": _poverty,
            "sex": _sex,
            "birth_date": _birth_date,
        }
        if name in special:
            return special[name]
        if name in _NEEDS:
            return _flag
        if name == "region":
            return self._region
        limit = _MAX_LENGTHS.get(name)
        if name == "township" and self._listed:
            return self._listed_township
        if name == "township" and self._townships:
            return self._township
        if limit is None:
            return _text

        def limited(raw: Any) -> str:
            text = _text(raw)
            if len(text) > limit:
                raise _CellError(
                    _("This field has at most %(limit)d characters.") % {"limit": limit}
                )
            return text

        return limited

    def _township(self, raw: Any) -> str:
        text = _text(raw)
        if text not in self._townships:
            raise _CellError(
                _("“%(name)s” is not a township or street of %(org)s.")
                % {"name": text[:30], "org": self.organisation.name}
            )
        return text

    def _listed_township(self, raw: Any) -> str:
        """The listed name the cell means (another spelling is read as it), or an error."""
        text = _text(raw)
        listed = self._listed.match(text)
        if listed is None:
            raise _UnlistedTownshipError(
                _(
                    "“%(name)s” is not on the township list of %(org)s: correct it, or add it "
                    "to the list on the townships page."
                )
                % {"name": text[:30], "org": self.organisation.name},
                text[:30],
            )
        return listed

    def _known_townships(self) -> set[str]:
        if not self._prefix:
            return set()
        return set(
            Region.objects.filter(
                level=Region.Level.TOWNSHIP, code__startswith=self._prefix
            ).values_list("name", flat=True)
        )

    def problem(self, row: int, name: str | None, message: str) -> Problem:
        index = self.columns.get(name or "")
        if index is None:
            return Problem(row, message)
        headers = self.sheet.headers
        return Problem(
            row, message, self.sheet.letter(index), headers[index] if index < len(headers) else ""
        )

    # --- one row --------------------------------------------------------------------------

    def _region(self, value: Any) -> Region | None:
        code = cell_text(value)
        if not code:
            return None
        if code not in self._regions:
            self._regions[code] = (
                Region.objects.filter(code=code).first() if code.isdigit() else None
            )
        region = self._regions[code]
        if region is None:
            raise _CellError(
                _("“%(code)s” is not a region code (6, 9 or 12 digits of GB/T 2260).")
                % {"code": code[:20]}
            )
        if self._prefix and not region.code.startswith(self._prefix):
            raise _CellError(
                _("%(region)s is outside the area of %(org)s.")
                % {"region": region.name, "org": self.organisation.name}
            )
        return region

    def _parse(self, number: int, cells: list[Any]) -> tuple[PersonData, frozenset[str]] | None:
        """The row's cells as PersonData, or None after reporting the cells that do not parse."""
        values: dict[str, Any] = {}
        errors: list[Problem] = []
        width = len(cells)
        for name, index, parse, limit, cache in self._plan:
            raw = cells[index] if index < width else None
            if raw is None or raw == "":
                continue
            try:
                if type(raw) is not str:
                    value = parse(raw)
                elif limit:
                    value = raw.strip()
                    if len(value) > limit:
                        value = parse(raw)  # raises, with the message that fits
                elif cache is not None:
                    value = cache.get(raw, _UNSEEN)
                    if value is _UNSEEN:
                        value = parse(raw)
                        if len(cache) < _CACHE_SIZE:
                            cache[raw] = value
                else:
                    value = parse(raw)
            except _CellError as error:
                errors.append(self.problem(number, name, error.message))
                if isinstance(error, _UnlistedTownshipError):
                    self._note_unlisted(error.name, number)
                continue
            if value != "" and value is not None:
                values[name] = value
        if errors:
            for problem in errors:
                self.report.add(problem)
            return None
        self._said = {name: values.pop(name) for name in CHECK_ONLY if name in values}
        filled = frozenset(values)
        if "category" not in values:
            certificate = normalise(values.get("certificate", ""))
            if len(certificate) >= 20:
                # The certificate number says the category and grade: a sheet may omit them.
                values["category"] = certificate[18]
                values.setdefault(
                    "grade", int(certificate[19]) if certificate[19].isdigit() else None
                )
                filled |= {"category", "grade"}
        # Every field of the mapping is a field of PersonData; those a row leaves empty take
        # the dataclass's defaults ("", False, not poor), the required ones these.
        return PersonData(**{**_REQUIRED_EMPTY, **values}), filled

    def _check(self, number: int, cells: list[Any]) -> Row | None:
        parsed = self._parse(number, cells)
        if parsed is None:
            return None
        data, filled = parsed
        checked = check_person(data, today=self.today)
        if not checked.ok:
            for key, message in checked.errors.items():
                column = key if key in self.columns else None
                if column is None and key in ("category", "grade"):
                    column = "certificate"  # derived from the certificate number
                self.report.add(self.problem(number, column, message))
            return None
        assert checked.id is not None
        if self._said and not self._agrees(number, checked):
            return None
        index = crypto.blind_index(checked.id.number, ring=self.ring)
        first = self._seen.get(index)
        if first is not None:
            self.report.add(
                self.problem(
                    number,
                    "id_number",
                    _("The same ID number is on row %(row)d: keep one of the two rows.")
                    % {"row": first},
                )
            )
            return None
        self._seen[index] = number
        if checked.id.converted_from_15:
            self.report.converted += 1
        return Row(number, checked, filled, index)

    def _note_unlisted(self, name: str, number: int) -> None:
        rows = self.report.unlisted.get(name)
        if rows is None:
            if len(self.report.unlisted) >= MAX_UNLISTED:
                return
            rows = self.report.unlisted[name] = []
        if len(rows) < UNLISTED_ROWS:
            rows.append(number)

    def _agrees(self, number: int, checked: Checked) -> bool:
        """Whether the sheet's sex and birth date columns say what the ID number says. A
        mismatch is a typo in one of them, so the row is refused; the message quotes neither
        value (the problems are kept with the job, and a birth date is never kept)."""
        assert checked.id is not None
        agrees = True
        sex = self._said.get("sex")
        if sex is not None and sex != checked.id.sex:
            agrees = False
            self.report.add(self.problem(number, "sex", _("The sex does not match the ID number.")))
        said = self._said.get("birth_date")
        if said is not None:
            born = checked.id.birth_date
            year, month, day = said
            if (year, month) != (born.year, born.month) or day not in (None, born.day):
                agrees = False
                self.report.add(
                    self.problem(
                        number, "birth_date", _("The birth date does not match the ID number.")
                    )
                )
        return agrees

    # --- the whole sheet ------------------------------------------------------------------

    def batches(self, size: int = BATCH_SIZE) -> Iterator[list[Row]]:
        """The valid rows, ``size`` rows of the sheet at a time, each with the registered
        person it matches (looked up in one query per batch)."""
        batch: list[Row] = []
        read = 0
        for number, cells in self.sheet.rows():
            read += 1
            for value in cells:
                if value is not None and value != "":
                    break
            else:
                continue  # an empty row
            self.report.rows += 1
            row = self._check(number, cells)
            if row is not None:
                batch.append(row)
            if read % size == 0:
                yield self._against_registry(batch)
                batch = []
                if self.progress is not None:
                    self.progress(read)
        if batch:
            yield self._against_registry(batch)
        if self.progress is not None:
            self.progress(read)
        if not self.report.rows:
            self.report.add(Problem(None, _("The sheet has a header row but no people under it.")))

    def _in_sight(self, path: str) -> bool:
        return self._roots is not None and any(path.startswith(r) for r in self._roots)

    def _against_registry(self, rows: list[Row]) -> list[Row]:
        indexes = [row.index for row in rows]
        # While a blind rotation runs, a registered person's row may still hold the index under
        # the old blind key: look under each, so that nobody is added a second time.
        current: dict[str, str] = {}
        if self.ring.old_blinds:
            for row in rows:
                assert row.checked.id is not None
                for old in crypto.blind_indexes(row.checked.id.number, ring=self.ring)[1:]:
                    current[old] = row.index
        found = {
            current.get(index, index): (pk, path)
            for index, pk, path in _registered(indexes + list(current))
        }
        valid = []
        refused: list[Row] = []
        for row in rows:
            match = found.get(row.index)
            if match is not None:
                pk, path = match
                if not path.startswith(self.organisation.path):
                    if self._in_sight(path):
                        message = _(
                            "This person is already registered by an organisation outside "
                            "%(org)s, so the row cannot be imported here."
                        ) % {"org": self.organisation.name}
                        self.report.add(self.problem(row.number, "id_number", message))
                    else:
                        refused.append(row)
                    continue
                row.existing = pk
                self.report.registered += 1
            valid.append(row)
        if refused:
            self._refuse(refused)
        self.report.valid += len(valid)
        return valid

    def _refuse(self, rows: list[Row]) -> None:
        """Rows whose number is registered out of sight (see ``refusals``)."""
        numbers = [row.checked.id.number for row in rows if row.checked.id is not None]
        named = record_refusals(by=self.by, organisation=self.organisation, numbers=numbers)
        for row in rows[:named]:
            self.report.add(self.problem(row.number, "id_number", cannot_register_here()))
        if named < len(rows):
            if not self.report.unnamed:
                self.report.add(Problem(None, not_listed()))
            self.report.unnamed += len(rows) - named

    def finish(self) -> Report:
        self.report.invalid = self.report.rows - self.report.valid
        return self.report


def _registered(indexes: list[str]) -> list[tuple[str, int, str]]:
    """(blind index, pk, org_path) of the registered people with these blind indexes."""
    if not indexes:
        return []
    if connection.vendor != "postgresql":
        return list(
            Person.objects.filter(id_index__in=indexes).values_list("id_index", "pk", "org_path")
        )
    # One array parameter instead of 2,000 placeholders: building and parsing those cost more
    # than the indexed lookup itself. And the unique index, always: PostgreSQL's estimate
    # (2,000 random index reads) picks a scan of the whole table until it is several hundred
    # thousand people big, or while the import's own rows have no statistics yet; each such
    # scan costs tens of milliseconds, for every batch. Set back right after (and never beyond
    # the transaction: SET LOCAL).
    quote = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            f"SELECT id_index, {quote('id')}, org_path FROM {quote(Person._meta.db_table)} "  # noqa: S608 - our table
            "WHERE id_index = ANY(%s::varchar[])",
            # The array as one text literal: blind indexes are hex digits, nothing to escape,
            # and psycopg's dumping of a list of 2,000 strings cost more than the query.
            ["{" + ",".join(indexes) + "}"],
        )
        found: list[tuple[str, int, str]] = cursor.fetchall()
        cursor.execute("SET LOCAL enable_seqscan = on")
    return found


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector off while a sheet's rows are checked (and saved).

    Each batch's rows live long enough to be moved to the collector's oldest generation, so
    it would walk every object of the process again and again: a fifth of the time of a
    100,000-row check. The rows make no reference cycles; plain reference counting frees them
    as before, and the collector is back on (as it was) when the sheet is done."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def check_sheet(
    *,
    sheet: Sheet,
    mapping: dict[str, str],
    organisation: Organisation,
    progress: Any = None,
    stage: Any = None,
    by: Actor | None = None,
) -> Report:
    """The dry run: every row judged; nothing written but, given a ``staging.Stage``, the
    valid rows kept there for the import (and the audit of numbers refused, see ``refusals``)."""
    checker = RowChecker(
        sheet=sheet, mapping=mapping, organisation=organisation, progress=progress, by=by
    )
    with collector_paused():
        for batch in checker.batches():
            if stage is not None:
                stage.add(batch)
    if stage is not None:
        stage.finish()
    return checker.finish()
