"""The drill's hold on the cluster: its environment file, ``deploy/cluster/ctl`` and the
``make backup`` / ``make restore`` targets. Each fails loudly, naming what is missing, when
the cluster's part is not there."""

from __future__ import annotations

import os
import re
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# The checkout whose cluster is drilled: this one, or (DRILL_CLUSTER_DIR) another checkout
# running the cluster on this machine. DRILL_CTL and DRILL_RUN_PIDS: another control script
# with the same interface and its pid files (a stand-in without the cluster).
CLUSTER_DIR = Path(os.environ.get("DRILL_CLUSTER_DIR", str(ROOT)))
CLUSTER_ENV = CLUSTER_DIR / "var" / "cluster" / "cluster.env"
CTL = Path(os.environ.get("DRILL_CTL", str(CLUSTER_DIR / "deploy" / "cluster" / "ctl")))
RUN = Path(os.environ.get("DRILL_RUN_PIDS", str(CLUSTER_DIR / "var" / "cluster" / "run")))
NEEDED = ("NGINX_URL", "DIRECT_DATABASE_URL")


class MissingPartError(RuntimeError):
    """A part of the cluster the drill calls is absent: which one, and where it comes from."""


def read_env(path: Path) -> dict[str, str]:
    """The variables a shell gets from sourcing ``path`` (it is shell-sourceable by contract)."""
    if not path.exists():
        raise MissingPartError(f"{path} is missing: start the cluster first (make cluster).")
    out = subprocess.run(  # noqa: S603 - bash from PATH sourcing our own file
        ["bash", "-c", 'set -a; . "$1" >/dev/null; env -0', "drill", str(path)],  # noqa: S607
        capture_output=True,
        check=True,
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin")},
    )
    env = dict(item.split("=", 1) for item in out.stdout.decode().split("\0") if "=" in item)
    for name in ("PWD", "SHLVL", "_", "OLDPWD"):
        env.pop(name, None)
    missing = [name for name in NEEDED if not env.get(name)]
    if missing:
        raise MissingPartError(f"{path} does not set {', '.join(missing)}.")
    return env


def ctl(action: str, name: str) -> float:
    """``deploy/cluster/ctl ACTION NAME``; returns the seconds it took."""
    if not CTL.exists():
        raise MissingPartError(
            "deploy/cluster/ctl is missing: the fault injection needs the cluster branch."
        )
    began = time.monotonic()
    subprocess.run([str(CTL), action, name], cwd=CLUSTER_DIR, check=True)  # noqa: S603
    return time.monotonic() - began


def pid_of(name: str) -> int | None:
    path = RUN / f"{name}.pid"
    try:
        return int(path.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def _has_target(target: str) -> bool:
    makefile = CLUSTER_DIR / "Makefile"
    return bool(re.search(rf"^{re.escape(target)}\s*:", makefile.read_text(), re.MULTILINE))


def make(target: str, *args: str, timeout: float = 900) -> tuple[float, str]:
    """``make TARGET ARGS…``, its output shown as it comes and returned; seconds taken."""
    if not _has_target(target):
        raise MissingPartError(
            f"make {target} is missing: the drill's backup and restore need the cluster "
            f"branch's `{target}` target in the Makefile."
        )
    began = time.monotonic()
    process = subprocess.Popen(  # noqa: S603
        ["make", "--no-print-directory", target, *args],  # noqa: S607
        cwd=CLUSTER_DIR,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines = []
    assert process.stdout is not None
    for line in process.stdout:
        print(f"  | {line}", end="", flush=True)
        lines.append(line)
    if process.wait(timeout=timeout) != 0:
        raise RuntimeError(f"make {target} failed (exit {process.returncode}).")
    return time.monotonic() - began, "".join(lines)
