"""Writing the checked rows: new people in bulk, people already registered merged or skipped.

Runs inside the caller's transaction (``jobs.run_import``): a failure at any row, in any batch,
leaves nothing behind. Each batch of the sheet is checked, then its new people are built with
``build_person`` (ciphertexts, masks, blind index) and inserted with one ``bulk_create``; the
people it matches in the registry are, by the person's choice, updated with one
``bulk_update`` (only the fields whose cells are filled: an empty cell keeps what is recorded)
or left as they are. Nobody is ever added twice: the blind index is unique, and the check has
already found the registered person for every row.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from zhucan.core.errors import DomainError
from zhucan.orgs.models import Organisation
from zhucan.registry import crypto
from zhucan.registry.imports.checking import Report, Row, RowChecker
from zhucan.registry.models import Person
from zhucan.registry.models.imports import RegistryImport
from zhucan.registry.services.people import build_person

# The stored columns a sheet's field sets, for a merge.
MERGE_ATTRS: dict[str, tuple[str, ...]] = {
    "name": ("name",),
    "id_number": (),  # the same number: it is how the person was found
    "certificate": ("certificate_suffix",),
    "category": ("category",),
    "grade": ("grade",),
    "phone": ("phone_ct", "phone_masked"),
    "address": ("address_ct", "address_masked"),
    "guardian_phone": ("guardian_phone_ct", "guardian_phone_masked"),
    **{
        name: (name,)
        for name in (
            "region",
            "township",
            "village",
            "household_number",
            "guardian_name",
            "guardian_relation",
            "poverty",
            "need_income_fell",
            "need_no_guardian",
            "need_no_care",
            "need_other",
            "need_note",
        )
    },
}


class ImportRefusedError(DomainError):
    """The file has problems and the person did not choose to import only the valid rows."""

    def __init__(self, report: Report) -> None:
        super().__init__(
            _("The file has problems (listed below). Nothing was saved.")
            if report.problems_total
            else _("There is no row to import in this file.")
        )
        self.report = report


@dataclass
class Saved:
    report: Report
    created: int = 0
    updated: int = 0
    skipped: int = 0


def save_rows(
    *,
    checker: RowChecker,
    organisation: Organisation,
    by: Any,
    duplicates: str,
    valid_only: bool,
    batch_size: int,
) -> Saved:
    """Check and save every row (see the module docstring). Raises ``ImportRefusedError`` when a
    problem is found and only a fully valid file may be saved."""
    ring = crypto.keyring()
    author = by if getattr(by, "is_authenticated", False) else None
    saved = Saved(report=checker.report)
    for batch in checker.batches(batch_size):
        if checker.report.problems_total and not valid_only:
            continue  # refused in the end: go on checking only, to list every problem
        new = [row for row in batch if row.existing is None]
        Person.objects.bulk_create(
            [
                build_person(checked=row.checked, organisation=organisation, by=author, ring=ring)
                for row in new
            ],
            batch_size=batch_size,
        )
        saved.created += len(new)
        known = [row for row in batch if row.existing is not None]
        if duplicates == RegistryImport.Duplicates.MERGE:
            saved.updated += _merge(known, organisation, author, ring, batch_size)
        else:
            saved.skipped += len(known)
    report = checker.finish()
    if (report.problems_total and not valid_only) or not report.valid:
        raise ImportRefusedError(report)
    saved.skipped += report.invalid
    return saved


def _merge(
    rows: list[Row], organisation: Organisation, by: Any, ring: crypto.Keyring, batch_size: int
) -> int:
    if not rows:
        return 0
    people = Person.objects.select_for_update().in_bulk([row.existing for row in rows])
    now = timezone.now()
    changed: set[str] = set()
    for row in rows:
        person = people[row.existing]
        fresh = build_person(checked=row.checked, organisation=organisation, by=by, ring=ring)
        for name in row.filled:
            for attr in MERGE_ATTRS.get(name, ()):
                setattr(person, attr, getattr(fresh, attr))
                changed.add(attr)
        person.version += 1
        person.updated_at = now
    Person.objects.bulk_update(
        list(people.values()), sorted(changed | {"version", "updated_at"}), batch_size=batch_size
    )
    return len(people)
