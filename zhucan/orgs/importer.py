"""Load a tree of organisations from an Excel workbook, all or nothing.

Two steps, both on the uploaded bytes:

1. ``check_file`` reads the workbook and checks *everything*: the file itself, the header
   row, every row, every parent reference (to an existing organisation under the import
   position, or to another row in any order), cycles, duplicates and regions. It writes
   nothing and returns a report of every problem, by Excel row and column.
2. ``run_import`` runs the same check again and, only when it finds no problem, creates every
   organisation in one transaction through ``create_organisation`` (parents first), then
   writes one ``orgs.import.completed`` audit entry.

Why the person uploads the file a second time to confirm, instead of the server keeping it
between the two steps: nothing is stored, so nothing can leak, go stale or need cleaning up,
and any web process can answer the second request (web processes hold no state). The check
always runs on exactly the bytes that are imported. The report carries the file's SHA-256
digest and the confirmation must present a file with the same digest, so the file imported is
the file whose report the person read. Files are at most 5 MB, so uploading twice is cheap.

The file is untrusted. Before python-calamine parses it, the zip is unpacked here with limits
on the number of parts and their sizes (the sizes are proven while unpacking, not just read
from the directory), the first sheet is scanned for its extent (rows and columns), and
calamine is then given a re-packed copy of exactly the bytes that were checked. Cell values
are data: nothing is ever evaluated, and names that look like formulas are refused.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from zhucan.core import audit
from zhucan.core.actors import Actor
from zhucan.core.errors import DomainError
from zhucan.orgs.import_format import (
    DEPARTMENT_BY_LABEL,
    DEPARTMENT_LABEL_LIST,
    DEPARTMENT_LABELS,
    HEADER_FOR_FIELD,
    HEADERS,
    KIND_BY_LABEL,
    KIND_LABEL_LIST,
    KIND_LABELS,
    REQUIRED_HEADERS,
    normalise_header,
    normalise_label,
)
from zhucan.orgs.models import Organisation, Region
from zhucan.orgs.services import (
    check_kind_and_department,
    check_region_code,
    check_region_inside,
    clean_contact,
    clean_name,
    clean_short_name,
    create_organisation,
)
from zhucan.orgs.xlsx_reader import UnreadableFileError, read_first_sheet


@dataclass
class Problem:
    row: int | None  # Excel row number (the header is row 1); None for the whole file
    message: str
    column: str = ""  # Excel column letter
    header: str = ""


@dataclass(eq=False)
class PlannedOrganisation:
    row: int
    name: str = ""
    short_name: str = ""
    kind: str = ""
    department: str = ""
    region_code: str = ""
    parent_name: str = ""
    issuer_code: str = ""
    phone: str = ""
    email: str = ""
    valid: bool = True
    parent_row: PlannedOrganisation | None = None
    parent_org: Organisation | None = None
    existing: Organisation | None = None  # set when the row is skipped as already there
    created: Organisation | None = None

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind][0] if self.kind in KIND_LABELS else ""

    @property
    def department_label(self) -> str:
        return DEPARTMENT_LABELS[self.department][0] if self.department in DEPARTMENT_LABELS else ""

    @property
    def parent_label(self) -> str:
        if self.parent_row is not None:
            return self.parent_row.name
        return self.parent_org.name if self.parent_org is not None else ""

    def parent_for_create(self) -> Organisation | None:
        if self.parent_row is not None:
            return self.parent_row.created or self.parent_row.existing
        return self.parent_org


@dataclass
class ImportReport:
    digest: str
    problems: list[Problem] = field(default_factory=list)
    to_create: list[PlannedOrganisation] = field(default_factory=list)  # parents first
    skipped: list[PlannedOrganisation] = field(default_factory=list)
    rows: int = 0
    imported: bool = False
    columns: _Columns | None = None

    @property
    def is_valid(self) -> bool:
        return not self.problems

    def sorted_problems(self) -> list[Problem]:
        return sorted(self.problems, key=lambda p: (p.row or 0, p.column.rjust(3)))


# --- Checking the rows -------------------------------------------------------------------


def _text(value: Any) -> str:
    """A cell as text. Numbers typed into code or phone cells come back as floats."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return str(value).strip()


@dataclass
class _Columns:
    by_field: dict[str, int]  # field → 0-based column index
    headers: dict[str, str]  # field → header as written in the file

    def problem(self, row: int, field_name: str, message: str) -> Problem:
        index = self.by_field.get(field_name)
        if index is None:
            return Problem(row=row, message=message, header=HEADER_FOR_FIELD.get(field_name, ""))
        return Problem(
            row=row,
            message=message,
            column=get_column_letter(index + 1),
            header=self.headers[field_name],
        )


def _read_header(cells: list[Any], rows: list[list[Any]], problems: list[Problem]) -> _Columns:
    by_field: dict[str, int] = {}
    headers: dict[str, str] = {}
    for index, value in enumerate(cells):
        letter = get_column_letter(index + 1)
        written = _text(value)
        if not written:
            if any(index < len(r) and _text(r[index]) for r in rows[1:]):
                problems.append(Problem(1, _("This column has data but no header."), column=letter))
            continue
        name = HEADERS.get(normalise_header(written))
        if name is None:
            problems.append(
                Problem(
                    1,
                    _("Unknown column “%(header)s”. The columns are: %(allowed)s.")
                    % {"header": written, "allowed": "、".join(HEADERS)},
                    column=letter,
                    header=written,
                )
            )
        elif name in by_field:
            problems.append(
                Problem(1, _("This column appears twice."), column=letter, header=written)
            )
        else:
            by_field[name] = index
            headers[name] = normalise_header(written)
    for header in REQUIRED_HEADERS:
        if HEADERS[header] not in by_field:
            problems.append(
                Problem(
                    1,
                    _("The column “%(header)s” is missing. Use the header row of the template.")
                    % {"header": header},
                    header=header,
                )
            )
    return _Columns(by_field, headers)


def _check_row(
    row_number: int, cells: dict[str, str], columns: _Columns
) -> tuple[PlannedOrganisation, list[Problem]]:
    problems: list[Problem] = []
    plan = PlannedOrganisation(row=row_number, parent_name=cells.get("parent", ""))

    def attempt(field_name: str, check: Any) -> Any:
        try:
            return check()
        except DomainError as exc:
            problems.append(columns.problem(row_number, exc.field or field_name, exc.message))
            return None

    plan.name = attempt("name", lambda: clean_name(cells.get("name", ""))) or ""
    plan.short_name = (
        attempt("short_name", lambda: clean_short_name(cells.get("short_name", ""))) or ""
    )
    kind_text, department_text = cells.get("kind", ""), cells.get("department", "")
    kind = KIND_BY_LABEL.get(normalise_label(kind_text))
    if kind is None:
        message = (
            _("Unknown kind “%(value)s”. Choose one of: %(labels)s.")
            if kind_text
            else _("Please fill in the kind, one of: %(labels)s.")
        )
        problems.append(
            columns.problem(
                row_number, "kind", message % {"value": kind_text, "labels": KIND_LABEL_LIST}
            )
        )
    department = DEPARTMENT_BY_LABEL.get(normalise_label(department_text), "")
    if department_text and not department:
        problems.append(
            columns.problem(
                row_number,
                "department",
                _("Unknown department “%(value)s”. Choose one of: %(labels)s.")
                % {"value": department_text, "labels": DEPARTMENT_LABEL_LIST},
            )
        )
    elif kind is not None:
        attempt("department", lambda: check_kind_and_department(kind, department))
    plan.kind, plan.department = kind or "", department
    if cells.get("region"):
        region = attempt("region", lambda: check_region_code(cells["region"]))
        plan.region_code = region.code if region else ""
    for name in ("issuer_code", "phone", "email"):
        contact = {"issuer_code": "", "phone": "", "email": ""} | {name: cells.get(name, "")}
        cleaned = attempt(name, lambda contact=contact: clean_contact(**contact))
        setattr(plan, name, cleaned[name] if cleaned else "")
    plan.valid = not problems
    return plan, problems


def _parse(
    rows: list[list[Any]], problems: list[Problem]
) -> tuple[list[PlannedOrganisation], _Columns | None]:
    if not rows or not any(_text(v) for row in rows for v in row):
        problems.append(Problem(None, _("The first sheet is empty. Fill in the template.")))
        return [], None
    columns = _read_header(rows[0], rows, problems)
    if problems:
        return [], None
    plans: list[PlannedOrganisation] = []
    for offset, cells in enumerate(rows[1:], start=2):
        values = {
            name: _text(cells[index]) if index < len(cells) else ""
            for name, index in columns.by_field.items()
        }
        if not any(values.values()):
            continue  # blank lines between blocks are normal in office sheets
        plan, row_problems = _check_row(offset, values, columns)
        plans.append(plan)
        problems.extend(row_problems)
    if not plans:
        problems.append(Problem(None, _("The sheet has a header row but no organisations.")))
    return plans, columns


def _resolve_parents(
    plans: list[PlannedOrganisation],
    under: Organisation,
    existing_by_name: dict[str, list[Organisation]],
    columns: _Columns,
    problems: list[Problem],
) -> None:
    """Find each row's parent: a row of the file first, else an organisation under ``under``."""
    rows_by_name: dict[str, list[PlannedOrganisation]] = {}
    for plan in plans:
        if plan.name:
            rows_by_name.setdefault(plan.name, []).append(plan)
    for plan in plans:
        name = " ".join(plan.parent_name.split())
        if not name:
            plan.parent_org = under
            continue
        in_file = rows_by_name.get(name, [])
        in_tree = existing_by_name.get(name, [])
        message = ""
        if len(in_file) == 1:
            plan.parent_row = in_file[0]
        elif len(in_file) > 1:
            message = _(
                "Several rows in this file are called %(name)s (rows %(rows)s), so the parent "
                "is unclear. Give them different names."
            ) % {"name": name, "rows": ", ".join(str(p.row) for p in in_file)}
        elif len(in_tree) == 1:
            plan.parent_org = in_tree[0]
            if not in_tree[0].is_active:
                message = _(
                    "%(name)s is deactivated: reactivate it first or choose another parent."
                ) % {"name": name}
        elif len(in_tree) > 1:
            message = _(
                "Several organisations under %(under)s are called %(name)s, so the parent is "
                "unclear. Import under a lower organisation instead."
            ) % {"name": name, "under": under.name}
        else:
            message = _(
                "No organisation called %(name)s was found under %(under)s or in this file."
            ) % {"name": name, "under": under.name}
        if message:
            problems.append(columns.problem(plan.row, "parent", message))
            plan.valid = False


def _order(
    plans: list[PlannedOrganisation], columns: _Columns, problems: list[Problem]
) -> list[PlannedOrganisation]:
    """Parents before children; every row on a loop of parent references is reported."""
    state: dict[int, str] = {}
    ordered: list[PlannedOrganisation] = []
    for plan in plans:
        chain: list[PlannedOrganisation] = []
        node: PlannedOrganisation | None = plan
        while node is not None and node.row not in state:
            state[node.row] = "open"
            chain.append(node)
            node = node.parent_row
        if node is not None and state[node.row] == "open":
            loop = chain[chain.index(node) :]
            path = " → ".join([*(p.name for p in reversed(loop)), node.name])
            for member in loop:
                member.valid = False
                problems.append(
                    columns.problem(
                        member.row,
                        "parent",
                        _(
                            "The parents go round in a circle (%(path)s). Every chain of "
                            "parents must end at an existing organisation."
                        )
                        % {"path": path},
                    )
                )
        for member in reversed(chain):
            state[member.row] = "done"
            ordered.append(member)
    return ordered


def _check_placement(
    ordered: list[PlannedOrganisation],
    existing_children: dict[tuple[int, str], Organisation],
    skip_existing: bool,
    columns: _Columns,
    report: ImportReport,
) -> None:
    """Regions inside the parent's region, and no two units of one name under one parent."""
    seen: dict[tuple[str, int, str], PlannedOrganisation] = {}
    for plan in ordered:
        parent_plan = plan.parent_row
        parent_org = plan.parent_org
        if parent_plan is not None and parent_plan.existing is not None:
            parent_org, parent_plan = parent_plan.existing, None
        parent_name, parent_region = "", ""
        if parent_plan is not None:
            parent_name, parent_region = parent_plan.name, parent_plan.region_code
        elif parent_org is not None:
            parent_name, parent_region = parent_org.name, parent_org.region_id
        if not plan.region_code and parent_region:
            plan.region_code = parent_region  # an empty code means "the parent's region"
        elif plan.region_code and parent_region:
            try:
                check_region_inside(
                    plan.region_code, outer_code=parent_region, outer_name=parent_name
                )
            except DomainError as exc:
                report.problems.append(columns.problem(plan.row, "region", exc.message))
                plan.valid = False
        if not plan.name:
            continue
        if parent_org is not None:
            found = existing_children.get((parent_org.pk, plan.name))
            if found is not None:
                if skip_existing:
                    plan.existing = found
                else:
                    report.problems.append(
                        columns.problem(
                            plan.row,
                            "name",
                            _(
                                "%(name)s already exists under %(parent)s. Remove the row, or "
                                "tick “skip existing” to leave it as it is."
                            )
                            % {"name": plan.name, "parent": parent_org.name},
                        )
                    )
                    plan.valid = False
        key = (
            ("org", parent_org.pk, plan.name)
            if parent_org
            else ("row", parent_plan.row if parent_plan else 0, plan.name)
        )
        if key in seen:
            report.problems.append(
                columns.problem(
                    plan.row,
                    "name",
                    _("Row %(row)d already has this name under the same parent.")
                    % {"row": seen[key].row},
                )
            )
            plan.valid = False
        else:
            seen[key] = plan
        if plan.existing is not None:
            report.skipped.append(plan)
        else:
            report.to_create.append(plan)


def check_file(*, data: bytes, under: Organisation, skip_existing: bool = False) -> ImportReport:
    """Check the whole file against the tree under ``under``. Writes nothing."""
    report = ImportReport(digest=hashlib.sha256(data).hexdigest())
    if not under.is_active:
        report.problems.append(
            Problem(None, _("%(name)s is deactivated: reactivate it first.") % {"name": under.name})
        )
        return report
    try:
        rows = read_first_sheet(data)
    except UnreadableFileError as exc:
        report.problems.append(Problem(None, exc.message))
        return report
    plans, columns = _parse(rows, report.problems)
    report.rows, report.columns = len(plans), columns
    if columns is None or not plans:
        return report
    names = {p.name for p in plans if p.name} | {
        " ".join(p.parent_name.split()) for p in plans if p.parent_name
    }
    existing_by_name: dict[str, list[Organisation]] = {}
    existing_children: dict[tuple[int, str], Organisation] = {}
    for org in Organisation.objects.subtree_of(under).filter(name__in=names):
        existing_by_name.setdefault(org.name, []).append(org)
        if org.parent_id is not None:
            existing_children[(org.parent_id, org.name)] = org
    codes = {p.region_code for p in plans if p.region_code}
    loaded = set(Region.objects.filter(code__in=codes).values_list("code", flat=True))
    for plan in plans:
        if plan.region_code and plan.region_code not in loaded:
            report.problems.append(
                columns.problem(
                    plan.row,
                    "region",
                    _("Region %(code)s has not been loaded yet.") % {"code": plan.region_code},
                )
            )
    _resolve_parents(plans, under, existing_by_name, columns, report.problems)
    ordered = _order(plans, columns, report.problems)
    _check_placement(ordered, existing_children, skip_existing, columns, report)
    return report


def run_import(
    *,
    by: Actor | None,
    under: Organisation,
    data: bytes,
    skip_existing: bool = False,
    file_name: str = "",
) -> ImportReport:
    """Check the file again and, if it is clean, create every organisation in one transaction."""
    report = check_file(data=data, under=under, skip_existing=skip_existing)
    if not report.is_valid:
        return report
    current: PlannedOrganisation | None = None
    try:
        with transaction.atomic():
            locked = Organisation.objects.select_for_update().get(pk=under.pk)
            if not locked.is_active:
                raise DomainError(_("%(name)s is deactivated.") % {"name": locked.name})
            for plan in report.to_create:
                current = plan
                plan.created = create_organisation(
                    by=by,
                    parent=plan.parent_for_create(),
                    name=plan.name,
                    short_name=plan.short_name,
                    kind=plan.kind,
                    department=plan.department,
                    region_code=plan.region_code,
                    issuer_code=plan.issuer_code,
                    phone=plan.phone,
                    email=plan.email,
                )
            audit.record(
                by=by,
                action="orgs.import.completed",
                target=locked,
                changes={
                    "created": len(report.to_create),
                    "skipped": len(report.skipped),
                    "file_name": file_name[:200],
                    "sha256": report.digest,
                },
            )
    except DomainError as exc:
        # Someone changed the tree between the check and the import: nothing was saved.
        for plan in report.to_create:
            plan.created = None
        if current is not None and report.columns is not None:
            field_name = exc.field if exc.field in HEADER_FOR_FIELD else "name"
            report.problems.append(report.columns.problem(current.row, field_name, exc.message))
        else:
            report.problems.append(Problem(None, exc.message))
        return report
    report.imported = True
    return report
