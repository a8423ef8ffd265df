"""Done when: a county officer imports a sheet of a few thousand people with some bad rows, fixes
them, imports. (The bench imports 100,000.)"""

from __future__ import annotations

from zhucan.conftest import World
from zhucan.registry.models import Person
from zhucan.registry.models.imports import RegistryImport
from zhucan.testing.registry_sheets import (
    dry_run,
    id_number,
    import_checked,
    person_row,
    workbook_bytes,
)

ROWS = 3000
BAD = {17: {"grade": "五级"}, 1230: {"phone": "123"}, 2555: {"category": "未知"}}


def _register(fixed: bool) -> bytes:
    rows = []
    for n in range(ROWS):
        born = f"19{50 + n // 100:02d}0312"
        number = id_number(n, born=born)
        row = person_row(n + 1, id=number, certificate=number + "42")
        if n in BAD and not fixed:
            row = person_row(n + 1, id=number, certificate="", **BAD[n])
        rows.append(row)
    if not fixed:
        rows[2800][2:4] = rows[2801][2:4]  # a row copied over another: the same person twice
    return workbook_bytes(rows)


def test_a_county_officer_imports_fixes_the_bad_rows_and_imports(world: World) -> None:
    officer = world.county_a_officer
    job = dry_run(world, _register(fixed=False), by=officer)
    assert job.rows_total == ROWS and job.valid_rows == ROWS - 4
    assert sorted((p["row"], p["column"]) for p in job.problems) == [
        (19, "F"),
        (1232, "G"),
        (2557, "E"),
        (2803, "C"),
    ]
    assert not Person.objects.exists()

    fixed = dry_run(world, _register(fixed=True), by=officer)
    assert fixed.problems == [] and fixed.valid_rows == ROWS
    done = import_checked(fixed, by=officer)
    assert done.status == RegistryImport.Status.DONE and done.created == ROWS
    assert Person.objects.filter(organisation=world.county_a).count() == ROWS
