"""Writing the checked rows: new people in bulk, people already registered merged or skipped.

Runs inside the caller's transaction (``jobs.run_import``): a failure at any row, in any batch,
leaves nothing behind. The rows come checked, a batch at a time, each with what the registry
stores for it (``stored_columns``: ciphertexts, masks, blind index; the function the form's
save goes through too) and the registered person it matches. New people are inserted on
PostgreSQL with one ``COPY`` of plain values per batch (Django's model instances and
``bulk_create`` cost more than everything else in an import of 100,000 people), elsewhere with
one ``bulk_create``. The people a batch matches in the registry are, by the person's choice,
updated with one ``bulk_update`` (only the fields whose cells are filled: an empty cell keeps
what is recorded) or left as they are. Nobody is ever added twice: the blind index is unique,
and every row's registered person was looked up just before.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from zhucan.core.actors import Actor
from zhucan.core.errors import DomainError
from zhucan.orgs.models import Organisation
from zhucan.registry import crypto
from zhucan.registry.imports.checking import Report, Row, RowChecker, collector_paused
from zhucan.registry.imports.mapping import FIELDS
from zhucan.registry.models import Person
from zhucan.registry.models.imports import RegistryImport
from zhucan.registry.services.people import CLEAR_FIELDS, stored_columns

SHEET_FIELDS = frozenset(f.key for f in FIELDS)

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
    # The fields stored as checked, those a sheet has a column for.
    **{name: (name,) for name in CLEAR_FIELDS if name in SHEET_FIELDS},
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


_ATTNAMES = {f.name: f.attname for f in Person._meta.concrete_fields}
# SQLite's page cache while an import writes (KiB, as a negative cache_size says it): the
# default 2 MB holds a small part of the person table's indexes, and the blind index takes
# each new person at a random place, so inserting 100,000 people read and wrote the same pages
# again and again (up to twice as slow). Used only as far as needed, given back after.
SQLITE_IMPORT_CACHE_KIB = 64 * 1024


@contextmanager
def roomy_page_cache() -> Iterator[None]:
    """A larger SQLite page cache for the length of the block (nothing on PostgreSQL)."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (before,) = cursor.fetchone()
        cursor.execute(f"PRAGMA cache_size = -{int(SQLITE_IMPORT_CACHE_KIB)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")


class _NewPeople:
    """Inserts a batch's new people: ``COPY`` on PostgreSQL, ``bulk_create`` elsewhere."""

    def __init__(
        self, *, organisation: Organisation, by: Actor | None, ring: crypto.Keyring, batch_size: int
    ) -> None:
        self.organisation, self.by, self.ring, self.batch_size = organisation, by, ring, batch_size
        self.sealer = crypto.FieldSealer(ring)
        self.copy = connection.vendor == "postgresql"
        now = timezone.now()
        # What every new person of this import shares, as ``bulk_create`` would set it.
        shared = {
            "organisation_id": organisation.pk,
            "org_path": organisation.path,
            "created_by_id": by.pk if by is not None else None,
            "created_at": now,  # auto_now_add
            "updated_at": now,  # auto_now
        }
        self.shared = frozenset(shared)
        fields = [f for f in Person._meta.concrete_fields if not f.primary_key]
        self.attnames = [f.attname for f in fields]
        self.columns = [f.column for f in fields]
        self.template = [
            shared[f.attname] if f.attname in shared else f.get_default() for f in fields
        ]
        self._defaults = dict(zip(self.attnames, self.template, strict=True))
        self._pick = itemgetter(*self.attnames)
        # What the dry run's stage keeps of a person: all but the shared values, which the
        # import sets again (``staging.insert_staged``).
        self.staged_columns = [
            column
            for attname, column in zip(self.attnames, self.columns, strict=True)
            if attname not in self.shared
        ]
        self._pick_staged = itemgetter(*(a for a in self.attnames if a not in self.shared))
        self._positions: list[tuple[int, str]] | None = None
        self._immediate = False
        # Values SQLite's driver would store otherwise than Django does (an aware datetime
        # with its offset, where Django writes UTC without one): converted as a save would.
        self._adapt = (
            []
            if self.copy
            else [
                (n, f)
                for n, f in enumerate(fields)
                if f.get_internal_type() in ("DateTimeField", "DateField", "DecimalField")
            ]
        )
        self._db_template: list[Any] | None = None
        self._db_adapt: list[tuple[int, Any]] = []

    def row(self, columns: dict[str, Any]) -> tuple[Any, ...]:
        """A person's ``stored_columns`` as a row of the table, in ``columns`` order: the
        template's values under the person's, picked in C (``itemgetter`` of a merged dict)
        rather than set one position at a time in Python."""
        row: tuple[Any, ...] = self._pick({**self._defaults, **columns})
        return row

    def staged_row(self, columns: dict[str, Any]) -> tuple[Any, ...]:
        """``row`` without the shared values, in ``staged_columns`` order."""
        row: tuple[Any, ...] = self._pick_staged({**self._defaults, **columns})
        return row

    def adapted(self, values: list[Any]) -> list[Any]:
        """A row of the table as a plain ``INSERT`` sends it to this database."""
        for position, field in self._adapt:
            values[position] = field.get_db_prep_save(values[position], connection)
        return values

    def db_row(self, columns: dict[str, Any]) -> list[Any]:
        """``row`` as ``adapted`` makes it: the template converted once, not for every row
        (converting the shared times took a sixth of a dry run on SQLite)."""
        if self._db_template is None:  # once per import: the stored columns are always the same
            self._positions = [(n, name) for n, name in enumerate(self.attnames) if name in columns]
            self._db_template = self.adapted(self.template.copy())
            filled = {name for _, name in self._positions}
            self._db_adapt = [(n, f) for n, f in self._adapt if f.attname in filled]
        row = self._db_template.copy()
        for position, name in self._positions or ():
            row[position] = columns[name]
        for position, field in self._db_adapt:
            if row[position] is not None:
                row[position] = field.get_db_prep_save(row[position], connection)
        return row

    def insert(self, rows: list[Row]) -> None:
        if not rows:
            return
        ring = self.ring
        if not self.copy:
            Person.objects.bulk_create(
                [
                    Person(
                        organisation=self.organisation,
                        org_path=self.organisation.path,
                        created_by=self.by,
                        **stored_columns(
                            row.checked, ring=ring, index=row.index, sealer=self.sealer
                        ),
                    )
                    for row in rows
                ],
                batch_size=self.batch_size,
            )
            return
        quote = connection.ops.quote_name
        sql = "COPY {} ({}) FROM STDIN".format(
            quote(Person._meta.db_table), ", ".join(quote(column) for column in self.columns)
        )
        # The wrapper turns a unique violation (someone registered one of these people since
        # the check) into Django's IntegrityError, which ``run_import`` explains.
        with connection.cursor() as cursor, connection.wrap_database_errors:
            if not self._immediate:
                # The foreign keys checked as each row arrives rather than all at the commit:
                # PostgreSQL does it on the other core while the next rows are encrypted.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                self._immediate = True
            with cursor.copy(sql) as copy:
                # Each row made as it is sent, so that PostgreSQL stores one while Python
                # encrypts the next.
                for row in rows:
                    columns = stored_columns(
                        row.checked, ring=ring, index=row.index, sealer=self.sealer
                    )
                    copy.write_row(self.row(columns))


def save_rows(
    *,
    checker: RowChecker,
    organisation: Organisation,
    by: Actor | None,
    duplicates: str,
    valid_only: bool,
    batch_size: int,
) -> Saved:
    """Check and save every row (see the module docstring). Raises ``ImportRefusedError`` when a
    problem is found and only a fully valid file may be saved."""
    ring = crypto.keyring()
    author = by if getattr(by, "is_authenticated", False) else None
    saved = Saved(report=checker.report)
    people = _NewPeople(organisation=organisation, by=author, ring=ring, batch_size=batch_size)
    with collector_paused():
        for batch in checker.batches(batch_size):
            if checker.report.problems_total and not valid_only:
                continue  # refused in the end: go on checking only, to list every problem
            new = [row for row in batch if row.existing is None]
            people.insert(new)
            saved.created += len(new)
            known = [row for row in batch if row.existing is not None]
            if duplicates == RegistryImport.Duplicates.MERGE:
                saved.updated += _merge(known, ring, batch_size)
            else:
                saved.skipped += len(known)
    report = checker.finish()
    if (report.problems_total and not valid_only) or not report.valid:
        raise ImportRefusedError(report)
    saved.skipped += report.invalid
    return saved


def _merge(rows: list[Row], ring: crypto.Keyring, batch_size: int) -> int:
    if not rows:
        return 0
    people = Person.objects.select_for_update().in_bulk([row.existing for row in rows])
    now = timezone.now()
    changed: set[str] = set()
    for row in rows:
        person = people[row.existing]
        fresh = stored_columns(row.checked, ring=ring, index=row.index)
        for name in row.filled:
            for attr in MERGE_ATTRS.get(name, ()):
                setattr(person, _ATTNAMES[attr], fresh[_ATTNAMES[attr]])
                changed.add(attr)
        person.version += 1
        person.updated_at = now
    Person.objects.bulk_update(
        list(people.values()), sorted(changed | {"version", "updated_at"}), batch_size=batch_size
    )
    return len(people)
