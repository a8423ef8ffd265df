"""Where the local cluster keeps everything, its ports, and the small helpers every part
of deploy/cluster uses."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
VAR = REPO / "var" / "cluster"
RUN = VAR / "run"
LOG = VAR / "log"
PG = VAR / "pg"
BACKUP = VAR / "backup"
ENV_FILE = VAR / "cluster.env"
PYTHON = REPO / ".venv" / "bin" / "python"
PG_BIN = Path("/usr/lib/postgresql/15/bin")
PORTS = {
    "nginx": 18080,
    "app1": 18101,
    "app2": 18102,
    "primary": 15441,
    "replica": 15442,
    "pgbouncer": 16432,
    "restored": 15443,
}
# In the order they start; they stop in the reverse order.
NAMES = ["primary", "replica", "pgbouncer", "app1", "app2", "worker1", "worker2", "nginx"]
UNITS = {
    "app1": ("zhucan-web@.service", str(PORTS["app1"])),
    "app2": ("zhucan-web@.service", str(PORTS["app2"])),
    "worker1": ("zhucan-worker@.service", "1"),
    "worker2": ("zhucan-worker@.service", "2"),
}
# The production paths in the deploy files and where they are in the local cluster.
PATHS = {
    "/etc/zhucan/zhucan.env": str(ENV_FILE),
    "/opt/zhucan": str(REPO),
    "/run/zhucan-metrics": str(VAR / "metrics"),
    "/var/lib/zhucan": str(VAR / "data"),
    "/var/backups/zhucan": str(VAR / "backup"),
}
DATA = VAR / "data"
BEGAN = time.monotonic()


class ClusterError(Exception):
    pass


def say(message: str) -> None:
    print(f"[cluster {time.monotonic() - BEGAN:5.1f} s] {message}", flush=True)


def run(command: list[str], *, env: dict[str, str] | None = None, cwd: Path = REPO) -> None:
    result = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True)  # noqa: S603
    if result.returncode != 0:
        raise ClusterError(
            f"{' '.join(command[:6])} failed ({result.returncode}):\n"
            f"{result.stdout[-2000:]}{result.stderr[-2000:]}"
        )


def as_postgres(*command: str | Path) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *map(str, command)]


def psql(sql: str, *, port: int, database: str = "postgres") -> str:
    result = subprocess.run(  # noqa: S603
        as_postgres(
            "psql",
            "-h",
            "127.0.0.1",
            "-p",
            str(port),
            "-d",
            database,
            "-XAtq",
            "-v",
            "ON_ERROR_STOP=1",
            "-c",
            sql,
        ),
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise ClusterError(f"psql: {result.stderr.strip()}")
    return result.stdout.strip()


def pg_data(name: str) -> Path:
    return PG / name


def read_env_file(path: Path) -> dict[str, str]:
    """KEY=value lines as systemd's EnvironmentFile= reads them (quotes taken off)."""
    env: dict[str, str] = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        key, _, value = line.partition("=")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        env[key.strip()] = value
    return env


def local_paths(text: str) -> str:
    for production, local in PATHS.items():
        text = text.replace(production, local)
    return text
