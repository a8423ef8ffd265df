"""manage.py import_registry: 0 when imported (or a clean dry run), 2 with the problems on
standard error when refused, and the same command twice imports once."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from zhucan.conftest import World
from zhucan.core.models import AuditEntry
from zhucan.registry.models import Person
from zhucan.testing.registry_sheets import person_row, workbook_bytes


def _run(*args: str) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("import_registry", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def sheets(tmp_path: Path) -> tuple[Path, Path]:
    good = tmp_path / "good.xlsx"
    good.write_bytes(workbook_bytes([person_row(n) for n in range(1, 4)]))
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(workbook_bytes([person_row(1), person_row(2, grade="九级")]))
    return good, bad


def test_dry_run_then_import_then_the_same_again(world: World, sheets: tuple[Path, Path]) -> None:
    good, _bad = sheets
    code, out, err = _run(str(good), "--org", "410402", "--dry-run")
    assert (code, err) == (0, "") and "3 rows read: 3 valid" in out
    assert not Person.objects.exists()
    code, out, err = _run(str(good), "--org", str(world.county_a.pk), "--user", "county_a_officer")
    assert code == 0 and "3 added, 0 updated, 0 skipped" in out
    assert Person.objects.filter(created_by=world.county_a_officer).count() == 3
    code, out, _err = _run(str(good), "--org", str(world.county_a.pk), "--user", "county_a_officer")
    assert code == 0 and "Already imported" in out
    assert Person.objects.count() == 3
    code, out, _err = _run(str(good), "--org", "410402", "--duplicates", "merge")
    assert code == 0 and "0 added, 3 updated" in out
    assert AuditEntry.objects.filter(action="registry.import.completed").count() == 2


def test_refused_with_the_rows_on_standard_error(world: World, sheets: tuple[Path, Path]) -> None:
    _good, bad = sheets
    code, _out, err = _run(str(bad), "--org", "410402")
    assert code == 2
    assert "row 3, column F (残疾等级): Choose a grade from 一级 to 四级." in err
    assert not Person.objects.exists()
    code, _out, err = _run(str(bad), "--org", "410402", "--dry-run")
    assert code == 2 and "row 3" in err
    code, out, err = _run(str(bad), "--org", "410402", "--valid-only")
    assert code == 0 and "1 added" in out and "skipped: row 3" in err
    assert Person.objects.count() == 1


def test_a_user_without_the_right_is_refused(world: World, sheets: tuple[Path, Path]) -> None:
    good, _bad = sheets
    code, _out, err = _run(str(good), "--org", "410402", "--user", "county_b_officer")
    assert code == 2 and "not allowed" in err
    assert not Person.objects.exists()
