"""The dry run's valid rows kept for the import: the import is then one ``INSERT … SELECT``
instead of reading, checking and encrypting the whole sheet a second time.

While the dry run judges each batch, it also writes what the registry would store for every
valid row (``stored_columns``: ciphertexts, masks, blind index) into a table of the job's own
(``registry_import_stage_<job>``), with the row's Excel number and the registered person it
matched then: with ``COPY`` into an unlogged table on PostgreSQL, with one ``executemany`` per
batch on SQLite (where checking again and ``bulk_create`` made the import four times slower
than the dry run). That is most of the work of a 100,000-row import done once instead of twice.

The import uses the stage only when the registry still looks, for these rows, exactly as the
dry run saw it: every staged row still matches the same registered person (or still none), and
each match is inside the organisation's area. Otherwise, and for a merge of people already
registered (only the cells a row fills change them), or when the stage is missing (a PostgreSQL
server restarted: unlogged tables are emptied), the import reads and checks the file again
(``saving.save_rows``). Both ways store the same values (``test_import_staging.py``).

The stage holds what the registry holds (ciphertexts and masks, names in clear), so it lives no
longer than the file: it is dropped when the import ends, fails, is discarded or expires, and
when the dry run is run again.
"""

from __future__ import annotations

from typing import Any

from django.db import connection, transaction

from zhucan.core.actors import Actor
from zhucan.orgs.models import Organisation
from zhucan.registry import crypto
from zhucan.registry.imports.checking import Row
from zhucan.registry.imports.saving import _NewPeople
from zhucan.registry.models import Person
from zhucan.registry.services.people import stored_columns

CHUNK_ROWS = 20_000  # Excel rows per INSERT: the progress bar moves between them


def usable() -> bool:
    return connection.vendor in ("postgresql", "sqlite")


def _sqlite() -> bool:
    return connection.vendor == "sqlite"


def _name(job_id: int) -> str:
    return connection.ops.quote_name(f"registry_import_stage_{int(job_id)}")


def drop_stage(job_id: int) -> None:
    if usable():
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {_name(job_id)}")


def exists(job_id: int) -> bool:
    if not usable():
        return False
    name = f"registry_import_stage_{int(job_id)}"
    with connection.cursor() as cursor:
        if _sqlite():
            cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = %s", [name])
            return cursor.fetchone() is not None
        cursor.execute("SELECT to_regclass(%s)", [name])
        return cursor.fetchone()[0] is not None


class Stage:
    """Written by the dry run, a batch at a time (``add``)."""

    def __init__(self, *, job_id: int, organisation: Organisation) -> None:
        self.job_id = job_id
        self.ring = crypto.keyring()
        # Rows laid out by the import's own layout (``_NewPeople``); the organisation, author
        # and times are set when the import inserts them (see ``insert_staged``).
        self.people = _NewPeople(organisation=organisation, by=None, ring=self.ring, batch_size=0)
        quote = connection.ops.quote_name
        names = ", ".join(quote(c) for c in self.people.columns)
        table = _name(job_id)
        person = quote(Person._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
            # The person table's own column types, none of its constraints or indexes.
            if _sqlite():
                cursor.execute(
                    f"CREATE TABLE {table} AS SELECT {names}, "  # noqa: S608 - our tables
                    f"0 AS stage_row, 0 AS stage_registered FROM {person} WHERE 0"
                )
            else:
                cursor.execute(
                    f"CREATE UNLOGGED TABLE {table} AS SELECT {names} "  # noqa: S608 - ours
                    f"FROM {person} WITH NO DATA"
                )
                cursor.execute(
                    f"ALTER TABLE {table} ADD COLUMN stage_row integer, "
                    "ADD COLUMN stage_registered bigint"
                )
        # COPY leaves out what every person shares (NULL in the stage; the import sets it).
        staged = ", ".join(quote(c) for c in self.people.staged_columns)
        self.copy_sql = f"COPY {table} ({staged}, stage_row, stage_registered) FROM STDIN"
        marks = ", ".join(["%s"] * (len(self.people.columns) + 2))
        self.insert_sql = (
            f"INSERT INTO {table} ({names}, stage_row, stage_registered) "  # noqa: S608 - ours
            f"VALUES ({marks})"
        )

    def finish(self) -> None:
        """Index the rows by their number once all are in (cheaper than keeping an index up
        while they arrive): the import reads them a range at a time, in the sheet's order,
        and each range would otherwise scan the whole stage and sort it. On PostgreSQL the
        two columns' statistics tell the planner that the index reads them in order
        (statistics of every column took ten times longer); SQLite uses the index as it is."""
        table = _name(self.job_id)
        index = connection.ops.quote_name(f"registry_import_stage_{int(self.job_id)}_row")
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE INDEX {index} ON {table} (stage_row)")
            if not _sqlite():
                cursor.execute(f"ANALYZE {table} (stage_row, stage_registered)")

    def add(self, rows: list[Row]) -> None:
        if not rows:
            return
        ring, people, sealer = self.ring, self.people, self.people.sealer
        if _sqlite():
            # One transaction per batch: in autocommit, SQLite would commit every row.
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.executemany(
                    self.insert_sql,
                    [
                        [
                            *people.db_row(
                                stored_columns(
                                    row.checked, ring=ring, index=row.index, sealer=sealer
                                )
                            ),
                            row.number,
                            row.existing,
                        ]
                        for row in rows
                    ],
                )
            return
        with connection.cursor() as cursor, cursor.copy(self.copy_sql) as copy:
            for row in rows:
                columns = stored_columns(row.checked, ring=ring, index=row.index, sealer=sealer)
                copy.write_row((*people.staged_row(columns), row.number, row.existing))


def insert_staged(
    *,
    job_id: int,
    organisation: Organisation,
    by: Actor | None,
    staged: int,
    rows_total: int,
    progress: Any,
) -> int | None:
    """Insert the staged new people, in the caller's transaction; their number, or None when
    the stage cannot be used (see the module docstring) and the file must be checked again."""
    if not usable():
        return None
    if not exists(job_id):
        return None
    table = _name(job_id)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*), max(stage_row) FROM {table}")  # noqa: S608 - ours
        count, last = cursor.fetchone()
        if count != staged:
            return None
        person = connection.ops.quote_name(Person._meta.db_table)
        # The registry as the dry run saw it, for every staged row (the organisation is
        # locked by the caller: nobody of it registers anyone meanwhile).
        # SQLite spells IS DISTINCT FROM as IS NOT, and has no starts_with().
        distinct, inside = (
            ("IS NOT", "substr(p.org_path, 1, length(%s)) = %s")
            if _sqlite()
            else ("IS DISTINCT FROM", "starts_with(p.org_path, %s)")
        )
        cursor.execute(
            f"SELECT EXISTS (SELECT 1 FROM {table} s "  # noqa: S608 - our tables
            f"LEFT JOIN {person} p ON p.id_index = s.id_index "
            f"WHERE s.stage_registered {distinct} p.id "
            f"OR (p.id IS NOT NULL AND NOT {inside}))",
            [organisation.path] * inside.count("%s"),
        )
        if cursor.fetchone()[0]:
            return None
        quote = connection.ops.quote_name
        # What every new person of this import shares (organisation, author, times) is set
        # now, as the import's COPY sets it; everything else comes from the stage.
        layout = _NewPeople(organisation=organisation, by=by, ring=crypto.keyring(), batch_size=0)
        chosen: list[str] = []
        params: list[Any] = []
        for attname, column, value in zip(
            layout.attnames, layout.columns, layout.adapted(layout.template.copy()), strict=True
        ):
            if attname in layout.shared:
                chosen.append("%s")
                params.append(value)
            else:
                chosen.append(quote(column))
        columns = layout.columns
        sql = (
            f"INSERT INTO {person} ({', '.join(quote(c) for c in columns)}) "  # noqa: S608
            f"SELECT {', '.join(chosen)} FROM {table} "
            "WHERE stage_registered IS NULL AND stage_row > %s AND stage_row <= %s "
            "ORDER BY stage_row"  # the sheet's order, as when checked again
        )
        created = 0
        start = 0
        while start < (last or 0):
            cursor.execute(sql, [*params, start, start + CHUNK_ROWS])
            created += cursor.rowcount
            start += CHUNK_ROWS
            if progress is not None:
                progress(rows_total * min(start, last) // last)
        cursor.execute(f"DROP TABLE {table}")
    return created
