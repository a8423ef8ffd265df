"""The columns of a sheet a clerk can follow: 性别 and 出生日期 checked against the ID number
(and never kept), the columns not imported listed, and the way to import only the valid rows
named when rows are refused."""

from __future__ import annotations

import datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation

from zhucan.conftest import World
from zhucan.registry.imports.mapping import guess_field, ignored_columns
from zhucan.registry.management.commands import import_registry
from zhucan.registry.models import Person
from zhucan.registry.models.imports import RegistryImport
from zhucan.testing.auth import login_verified
from zhucan.testing.registry_sheets import (
    HEADERS,
    dry_run,
    import_checked,
    person_row,
    workbook_bytes,
)

WITH_CHECKS = [*HEADERS, "性别", "出生日期", "籍贯"]


def _row(n: int, sex: object, born: object) -> list[object]:
    # id_number(n) is born 1985-03-12; its 17th digit is n % 10, odd for a man.
    return [*person_row(n), sex, born, "河南平顶山"]


def _problems(job: RegistryImport) -> list[tuple[int, str, str, str]]:
    return [(p["row"], p["column"], p["header"], p["message"]) for p in job.problems]


def test_sex_and_birth_date_columns_are_guessed() -> None:
    assert guess_field("性别") == "sex"
    assert guess_field("出生日期") == "birth_date"
    assert guess_field("出生年月") == "birth_date"
    assert guess_field("籍贯") == ""


def test_sex_and_birth_date_are_checked_against_the_id_number(world: World) -> None:
    rows = [
        _row(1, "男", "1985-03-12"),
        _row(3, "男", datetime.date(1985, 3, 12)),  # an Excel date cell
        _row(5, "男", "1985年3月"),
        _row(7, "女", "1985-03-12"),  # the ID number says a man
        _row(2, "女", "1985-03-13"),  # a woman, born a day earlier than written
        _row(4, "女", "19850312"),
        _row(6, "男女", ""),
    ]
    job = dry_run(world, workbook_bytes(rows, WITH_CHECKS))
    assert job.valid_rows == 4
    assert _problems(job) == [
        (5, "I", "性别", "The sex does not match the ID number."),
        (6, "J", "出生日期", "The birth date does not match the ID number."),
        (8, "I", "性别", "Write 男 or 女."),
    ]
    # Neither value is quoted, and nothing of them reaches a person.
    assert "1985" not in str(job.problems)
    done = import_checked(job, by=world.county_a_officer, valid_only=True)
    assert done.created == 4
    fields = {f.name for f in Person._meta.get_fields()}
    assert not {"birth_date", "birth_day", "birthplace_code"} & fields


def test_the_columns_not_imported_are_listed(world: World, client: Client) -> None:
    assert ignored_columns(WITH_CHECKS, {"1": "name", "2": "id_number"}) == [
        "A（序号）",
        *[f"{chr(ord('D') + i)}（{h}）" for i, h in enumerate(WITH_CHECKS[3:])],
    ]
    job = dry_run(world, workbook_bytes([_row(1, "男", "1985-03-12")], WITH_CHECKS))
    login_verified(client, world.county_a_officer)
    page = client.get(reverse("registry:import", kwargs={"import_pk": job.pk})).content.decode()
    assert "Columns not imported" in page and "K（籍贯）" in page and "A（序号）" in page


def test_the_page_says_how_to_import_only_the_valid_rows(world: World, client: Client) -> None:
    rows = [person_row(1), person_row(2, grade="九级")]
    job = dry_run(world, workbook_bytes(rows))
    login_verified(client, world.county_a_officer)
    page = client.get(reverse("registry:import", kwargs={"import_pk": job.pk})).content.decode()
    assert "--valid-only" in page and "Import only the 1 valid row" in page


def _run(*args: str) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("import_registry", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    return code, out.getvalue(), err.getvalue()


def test_a_refused_command_says_how_to_import_only_the_valid_rows(
    world: World, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(workbook_bytes([person_row(1), person_row(2, grade="九级")]))
    code, _out, err = _run(str(bad), "--org", "410402")
    assert code == 2 and "--valid-only" in err and "only the 1 valid rows" in err


def test_the_command_speaks_chinese_only_in_chinese(world: World, tmp_path: Path) -> None:
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(workbook_bytes([person_row(1), person_row(2, grade="九级")], HEADERS))
    with translation.override("zh-hans"):
        code, out, err = _run(str(bad), "--org", "410402")
    assert code == 2
    assert "第 3 行，F 列（残疾等级）" in err and "--valid-only" in err
    assert "列：" in out and "B（姓名）→姓名" in out and "A（序号）" in out
    for english in ("row ", "column ", "Columns", "rows read", "valid"):
        assert english not in out + err.replace("--valid-only", "")


def test_a_large_sheet_shows_its_progress_on_standard_error(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(import_registry, "PROGRESS_EVERY", 2)
    good = tmp_path / "good.xlsx"
    good.write_bytes(workbook_bytes([person_row(n) for n in range(1, 6)]))
    code, out, err = _run(str(good), "--org", "410402")
    assert code == 0 and "5 rows read: 5 valid" in out
    assert "Checked 5 of 5 rows (100%)." in err and "Imported 5 of 5 rows (100%)." in err


def test_progress_lines_come_every_so_many_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(import_registry, "PROGRESS_EVERY", 10_000)
    err = StringIO()
    command = import_registry.Command(stderr=err)
    echo = command._progress(RegistryImport(rows_total=35_000), "Checked")
    for done in [*range(2_000, 36_000, 2_000), 35_000]:
        echo(done)
    lines = err.getvalue().splitlines()
    assert lines == [
        "Checked 10000 of 35000 rows (29%).",
        "Checked 20000 of 35000 rows (57%).",
        "Checked 30000 of 35000 rows (86%).",
        "Checked 35000 of 35000 rows (100%).",
    ]
    small = command._progress(RegistryImport(rows_total=300), "Checked")
    small(300)
    assert len(err.getvalue().splitlines()) == 4


@pytest.mark.parametrize("value", ["1985/3/12", "1985.03.12", "1985年3月12日", 19850312])
def test_birth_dates_written_the_common_ways_agree(world: World, value: str | int) -> None:
    job = dry_run(world, workbook_bytes([_row(1, "M", value)], WITH_CHECKS))
    assert job.valid_rows == 1 and not job.problems
