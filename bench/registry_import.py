"""The registry's Excel import of a 100,000-person county register (bars: < 30 s, < 500 MB, and
under 10 times calamine's bare read of the same file, on PostgreSQL and on SQLite).

The sheet is written directly as XML with shared strings, as Excel writes it (openpyxl would
take most of a minute for 1.6 million cells). The import runs end to end, as the page and the
worker run it: upload (zip and XML checks, header row, mapping guessed), the dry run (every row
checked; four fields encrypted and the blind index computed per person, staged), then the
import (the staged rows inserted with ``INSERT … SELECT`` in one transaction), into a scratch
database (see ``bench.completeness.scratch_database``).

Peak memory is the resident set (``resource.getrusage(...).ru_maxrss``) of a fresh child
process that does the import: Django, calamine's cells (Rust, invisible to tracemalloc) and
Python together. The baseline is calamine alone reading the same file into Python lists, in a
process of its own just before and just after each import (the machine's load changes).
"""

from __future__ import annotations

import io
import multiprocessing
import random
import resource
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from python_calamine import CalamineWorkbook

# Nothing from Django's models at module level: the child process imports this module before
# it sets Django up.

ROWS = 100_000
HEADERS = [
    "序号",
    "姓名",
    "身份证号",
    "残疾人证号",
    "残疾类别",
    "残疾等级",
    "联系电话",
    "家庭住址",
    "乡镇(街道)",
    "村(社区)",
    "监护人",
    "监护人电话",
    "是否建档立卡",
    "收入下降",
    "缺乏监护",
    "缺乏照料",
]
CATEGORIES = ["视力", "听力", "言语", "肢体", "智力", "精神", "多重"]
GRADES = ["一级", "二级", "三级", "四级"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "秀英桂兰建国志强海燕玉梅红霞春生德明丽娟文华金凤"
TOWNSHIPS = ["光明路街道", "西市场街道", "新新街街道", "青石山街道", "香山街道", "焦店镇"]


def register_rows(count: int = ROWS, *, seed: int = 2020) -> list[list[Any]]:
    """A county register: unique valid ID numbers, certificates that match, realistic cells."""
    from zhucan.registry.idnumbers import check_character

    rng = random.Random(seed)  # noqa: S311 - test data
    rows = []
    start = date(1940, 1, 1)
    for n in range(count):
        born = (start + timedelta(days=n // 1000 * 97)).strftime("%Y%m%d")
        first17 = f"410402{born}{n % 1000:03d}"
        number = first17 + check_character(first17)
        category = rng.randrange(7)
        grade = rng.randrange(4)
        needs = rng.random() < 0.2
        rows.append(
            [
                n + 1,
                rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                number,
                f"{number}{category + 1}{grade + 1}",
                CATEGORIES[category],
                GRADES[grade],
                f"1{rng.randrange(30, 90)}{rng.randrange(10**8):08d}",
                f"新华区{rng.choice(TOWNSHIPS)}{rng.randrange(1, 300)}号",
                rng.choice(TOWNSHIPS),
                f"第{rng.randrange(1, 30)}社区",
                (rng.choice(SURNAMES) + rng.choice(GIVEN)) if needs else "",
                f"13{rng.randrange(10**9):09d}" if needs else "",
                "是" if rng.random() < 0.1 else "否",
                "是" if needs and rng.random() < 0.5 else "",
                "是" if needs and rng.random() < 0.2 else "",
                "是" if needs and rng.random() < 0.2 else "",
            ]
        )
    return rows


def _calamine_read(data: bytes) -> int:
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
    return len(sheet.to_python())


def _calamine_child(path: str, out: Any) -> None:
    data = Path(path).read_bytes()
    reads = []
    for _ in range(3):
        start = time.perf_counter()
        _calamine_read(data)
        reads.append(time.perf_counter() - start)
    out.send(min(reads))


def _in_child(target: Any, *args: Any) -> Any:
    """``target(*args, pipe)`` in a fresh interpreter; what it sends back."""
    context = multiprocessing.get_context("spawn")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=target, args=(*args, send))
    child.start()
    while not receive.poll(1):
        if not child.is_alive():
            raise RuntimeError(f"the benchmark's child process ended with {child.exitcode}")
    result = receive.recv()
    child.join()
    assert child.exitcode == 0, child.exitcode
    return result


def _child(database_url: str, path: str, rows: int, out: Any) -> None:
    """In a fresh interpreter on ``database_url``: a scratch database, then the whole import,
    timed, with the process's peak memory."""
    import os

    import django

    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhucan.settings")
    os.environ.setdefault("ZHUCAN_DEMO_MODE", "1")
    django.setup()

    from bench.completeness import scratch_database
    from zhucan.orgs.models import Membership
    from zhucan.registry.imports import jobs
    from zhucan.registry.models import Person
    from zhucan.testing.factories import make_org, make_user

    with scratch_database():
        organisation = make_org(name="新华区人民政府残疾人工作委员会", region_code="410402")
        by = make_user(
            username="bench_county_officer",
            full_name="县残联",
            org=organisation,
            role=Membership.Role.COORDINATOR,
        )
        data = Path(path).read_bytes()
        start = time.perf_counter()
        job = jobs.upload_import(
            by=by, organisation=organisation, data=data, file_name="花名册.xlsx"
        )
        del data
        upload = time.perf_counter()
        jobs.request_check(by=by, job=job, mapping=job.mapping, background=False)
        jobs.run_check(job_id=job.pk)
        job.refresh_from_db()
        assert job.valid_rows == rows and not job.problems_total, job.problems[:5]
        checked = time.perf_counter()
        jobs.confirm_import(by=by, job=job, valid_only=False, duplicates="skip", background=False)
        status = jobs.run_import(job_id=job.pk)
        done = time.perf_counter()
        assert status == "done", status
        assert Person.objects.filter(organisation=organisation).count() == rows
    out.send(
        {
            "upload_s": upload - start,
            "check_s": checked - upload,
            "save_s": done - checked,
            "total_s": done - start,
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        }
    )


def _import_in_child(database_url: str, path: Path, rows: int) -> tuple[dict[str, float], float]:
    """The import's figures, and calamine's bare read timed just before and just after it,
    each in a process of its own (neither raises the other's peak memory): the ratio's
    baseline sees the same load on the machine as the import it is compared with."""
    before: float = _in_child(_calamine_child, str(path))
    result: dict[str, float] = _in_child(_child, database_url, str(path), rows)
    calamine_s = min(before, _in_child(_calamine_child, str(path)))
    print(
        f"  upload {result['upload_s']:.1f} s, dry run {result['check_s']:.1f} s, "
        f"import {result['save_s']:.1f} s, peak {result['peak_mb']:.0f} MB; "
        f"calamine {calamine_s:.2f} s",
        flush=True,
    )
    return result, calamine_s


def _figures(prefix: str, result: dict[str, float], calamine_s: float) -> dict[str, float]:
    suffix = "_sqlite" if prefix.endswith("_sqlite") else ""
    return {
        f"{prefix}_s": round(result["total_s"], 1),
        f"{prefix}_peak_mb": round(result["peak_mb"]),
        f"registry_import_ratio_vs_calamine{suffix}": round(result["total_s"] / calamine_s, 1),
        f"{prefix}_upload_s": round(result["upload_s"], 1),
        f"{prefix}_dry_run_s": round(result["check_s"], 1),
        f"{prefix}_save_s": round(result["save_s"], 1),
    }


def run(rows: int = ROWS) -> dict[str, float]:
    """The import on the configured PostgreSQL and on a SQLite file, one after the other, each
    against calamine's bare read of the same file timed around it."""
    import os

    from django.db import connection

    from zhucan.testing.registry_sheets import fast_xlsx

    print(f"  writing a {rows:,}-row register …", flush=True)
    start = time.perf_counter()
    data = fast_xlsx(register_rows(rows), headers=HEADERS)
    print(
        f"  {len(data) / 2**20:.1f} MB written in {time.perf_counter() - start:.1f} s", flush=True
    )
    figures: dict[str, float] = {"registry_import_rows": rows}
    baselines = []
    with tempfile.TemporaryDirectory(prefix="zhucan-bench-import-") as folder:
        path = Path(folder) / "register.xlsx"
        path.write_bytes(data)
        del data
        if connection.vendor == "postgresql":
            print("  importing on PostgreSQL in a child process …", flush=True)
            result, calamine_s = _import_in_child(os.environ["DATABASE_URL"], path, rows)
            figures.update(_figures("registry_import", result, calamine_s))
            baselines.append(calamine_s)
        print("  importing on SQLite in a child process …", flush=True)
        # The scratch database is a file in a folder of its own (``scratch_database``).
        url = f"sqlite:///{Path(folder) / 'unused.sqlite3'}"
        result, calamine_s = _import_in_child(url, path, rows)
        figures.update(_figures("registry_import_sqlite", result, calamine_s))
        baselines.append(calamine_s)
    figures["calamine_read_s"] = round(min(baselines), 2)
    return figures
