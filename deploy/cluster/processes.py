"""Starting, stopping and watching the parts of the local cluster, as systemd would."""

from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from deployfiles import (
    cluster_env,
    read_unit,
    render_nginx,
    render_pgbouncer,
    render_postgresql,
    unit_plan,
)
from layout import (
    DEPLOY,
    LOG,
    NAMES,
    PG_BIN,
    PORTS,
    PYTHON,
    REPO,
    RUN,
    UNITS,
    VAR,
    ClusterError,
    as_postgres,
    pg_data,
    run,
    say,
)


def pid_of(name: str) -> int | None:
    path = RUN / f"{name}.pid"
    if not path.exists():
        return None
    try:
        pid = int(path.read_text().split()[0])
    except (ValueError, IndexError):
        return None
    return pid if alive(pid) else None


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A child of ours that ended is a zombie until reaped; so is an orphan where nothing
    # reaps them (a container's first process): neither is alive.
    with suppress(ChildProcessError):
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            return False
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[0] not in ("Z", "X")


@contextmanager
def locked(name: str) -> Iterator[None]:
    """One start or stop of a part at a time (ctl and the supervisor may both try)."""
    RUN.mkdir(parents=True, exist_ok=True)
    with (RUN / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def start(name: str) -> None:
    with locked(name):
        if not pid_of(name):
            _start(name)


def stop(name: str, *, hard: bool = False) -> None:
    with locked(name):
        _stop(name, hard=hard)


def _start(name: str) -> None:
    env = cluster_env()
    if name in ("primary", "replica"):
        data = pg_data(name)
        if name == "primary" and (data / "PG_VERSION").exists():
            render_postgresql(data)
        run(
            as_postgres(
                PG_BIN / "pg_ctl", "-D", data, "-l", LOG / f"{name}.log", "-w", "-t", "120", "start"
            )
        )
        pid = (data / "postmaster.pid").read_text().split()[0]
        (RUN / f"{name}.pid").write_text(f"{pid}\n")
    elif name == "pgbouncer":
        ini = render_pgbouncer(env)
        # setpriv runs pgbouncer itself as postgres (it refuses root), so the pid is its own.
        command = [
            "setpriv",
            "--reuid=postgres",
            "--regid=postgres",
            "--init-groups",
            "pgbouncer",
            str(ini),
        ]
        spawn(name, command, env={"PATH": os.environ["PATH"]}, cwd=VAR)
        wait_port(PORTS["pgbouncer"], name)
    elif name == "nginx":
        conf = render_nginx()
        run(["nginx", "-t", "-q", "-c", str(conf), "-e", str(LOG / "nginx.log")])
        spawn(
            name,
            ["nginx", "-c", str(conf), "-e", str(LOG / "nginx.log"), "-g", "daemon off;"],
            env={"PATH": os.environ["PATH"]},
            cwd=VAR,
        )
        wait_port(PORTS["nginx"], name)
    else:
        unit_env, cwd, pre, command, _ = unit_plan(name)
        for step in pre:
            with (LOG / f"{name}.log").open("ab") as log:
                done = subprocess.run(step, env=unit_env, cwd=cwd, stdout=log, stderr=log)  # noqa: S603
            if done.returncode != 0:
                raise ClusterError(f"{name}: {' '.join(step)} failed, see {LOG}/{name}.log")
        spawn(name, command, env=unit_env, cwd=cwd)
        if name.startswith("app"):
            wait_http(f"http://127.0.0.1:{PORTS[name]}/healthz", name)


def _stop(name: str, *, hard: bool) -> None:
    """A stop takes the pid file away; a kill (a crash) leaves it, and the supervisor then
    starts a unit whose Restart= says so, as systemd does."""
    pid = pid_of(name)
    if name in ("primary", "replica"):
        if pid and hard:
            run(as_postgres(PG_BIN / "pg_ctl", "kill", "KILL", str(pid)))
        elif pid:
            run(as_postgres(PG_BIN / "pg_ctl", "-D", pg_data(name), "-m", "fast", "-w", "stop"))
        if not hard:
            (RUN / f"{name}.pid").unlink(missing_ok=True)
        return
    if not pid:
        (RUN / f"{name}.pid").unlink(missing_ok=True)
        return
    stop_seconds = unit_plan(name)[4] if name in UNITS else 30
    # The whole process group, as systemd stops a unit's control group: gunicorn's workers
    # and nginx's go with their master.
    with suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL if hard else signal.SIGTERM)
    if not hard:
        deadline = time.monotonic() + stop_seconds
        while time.monotonic() < deadline and alive(pid):
            time.sleep(0.2)
        with suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGKILL)
        (RUN / f"{name}.pid").unlink(missing_ok=True)


def spawn(name: str, command: list[str], *, env: dict[str, str], cwd: Path) -> int:
    log = (LOG / f"{name}.log").open("ab")
    process = subprocess.Popen(  # noqa: S603
        command,
        env=env,
        cwd=cwd,
        stdout=log,
        stderr=log,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    (RUN / f"{name}.pid").write_text(f"{process.pid}\n")
    return process.pid


def app_env() -> dict[str, str]:
    env = {k: os.environ[k] for k in ("PATH", "LANG", "HOME") if k in os.environ}
    env.update(cluster_env())
    env["PROMETHEUS_MULTIPROC_DIR"] = str(VAR / "metrics")
    return env


def manage(*args: str, database_url: str | None = None) -> None:
    env = app_env()
    if database_url:
        env["DATABASE_URL"] = database_url
    run([str(PYTHON), "manage.py", *args], env=env)


def wait_port(port: int, name: str, seconds: float = 30) -> None:
    import socket

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise ClusterError(f"{name} does not answer on port {port}; see {LOG}/{name}.log")


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - our own URL
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def wait_http(url: str, name: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with suppress(OSError):
            if get(url)[0] == 200:
                return
        time.sleep(0.3)
    raise ClusterError(f"{name} does not answer {url}; see {LOG}/{name}.log")


def supervise() -> None:
    """systemd's Restart= for the units, while the cluster runs: a unit whose process died
    (killed, crashed) and was not stopped is started again RestartSec later."""
    restart = {}
    units = {name: DEPLOY / "systemd" / unit for name, (unit, _) in UNITS.items()}
    for name in ("nginx", "pgbouncer"):
        units[name] = DEPLOY / "systemd" / f"{name}.service.d" / "zhucan.conf"
    for name, path in units.items():
        unit = read_unit(path)
        if unit.get("Restart", ["no"])[-1] in ("always", "on-failure", "on-abnormal"):
            restart[name] = float(unit.get("RestartSec", ["0.1"])[-1].rstrip("s"))
    died: dict[str, float] = {}
    while (RUN / "supervisor.pid").exists():
        for name, delay in restart.items():
            if not (RUN / f"{name}.pid").exists() or pid_of(name):
                died.pop(name, None)
                continue
            died.setdefault(name, time.monotonic())
            if time.monotonic() - died[name] >= delay:
                say(f"{name} died; starting it again (Restart= of its unit)")
                try:
                    start(name)
                except ClusterError as error:
                    say(f"{name} did not start: {error}")
                died.pop(name, None)
        time.sleep(0.5)


def start_supervisor() -> None:
    if pid_of("supervisor"):
        return
    command = [sys.executable, str(Path(__file__).with_name("cluster.py")), "supervise"]
    spawn("supervisor", command, env=dict(os.environ), cwd=REPO)


def status() -> dict[str, int | None]:
    return {name: pid_of(name) for name in NAMES}
