"""`manage.py load_demo` on SQLite, as `make run` does it on a fresh clone (bar: < 60 s).

Runs in a temporary SQLite file in child processes (migrate, then the timed load), so neither
the developer's database nor the benchmark's PostgreSQL is touched.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _manage(*args: str, env: dict[str, str]) -> None:
    subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, str(ROOT / "manage.py"), *args],
        check=True,
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )


def run() -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{Path(folder) / 'demo.sqlite3'}",
            "ZHUCAN_DEMO_MODE": "1",
        }
        _manage("migrate", "--noinput", env=env)
        start = time.perf_counter()
        _manage("load_demo", env=env)
        loaded = time.perf_counter() - start
        start = time.perf_counter()
        _manage("load_demo", env=env)  # the second run finds everything there
        again = time.perf_counter() - start
    return {"demo_load_s": round(loaded, 1), "demo_reload_s": round(again, 1)}
