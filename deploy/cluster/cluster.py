"""The production shape on one machine (docs/deployment.md, "The local cluster").

nginx in front of two gunicorn application servers, two db_worker processes, PgBouncer in
front of a PostgreSQL 15 primary with a streaming replica, WAL archiving and base backups.
Everything lives under var/cluster/. The application servers and workers are started from the
systemd units in deploy/systemd (their ExecStartPre, ExecStart, Environment and
EnvironmentFile lines), nginx from deploy/nginx/zhucan.conf, PgBouncer from
deploy/pgbouncer/pgbouncer.ini and PostgreSQL with deploy/postgresql/zhucan.conf: what runs
here is what is shipped, with local ports and paths in place of the production ones.

There is no systemd here, so this script is the supervisor: ``up`` starts whatever is not
running (and is safe to run again), ``ctl`` starts, stops, kills and reports one part.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import secrets
import shlex
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
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


class ClusterError(Exception):
    pass


BEGAN = time.monotonic()


def say(message: str) -> None:
    print(f"[cluster {time.monotonic() - BEGAN:5.1f} s] {message}", flush=True)


# --- deploy files -------------------------------------------------------------------------


def local_paths(text: str) -> str:
    for production, local in PATHS.items():
        text = text.replace(production, local)
    return text


def read_unit(path: Path) -> dict[str, list[str]]:
    """The [Service] settings of a systemd unit, each key with its values in order (systemd
    allows ExecStartPre= and Environment= many times); continuation lines joined."""
    settings: dict[str, list[str]] = {}
    section = ""
    pending = ""
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = pending + raw.strip()
        pending = ""
        if line.endswith("\\"):
            pending = line[:-1] + " "
            continue
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1]
            continue
        key, sep, value = line.partition("=")
        if not sep:
            raise ClusterError(f"{path.name}: not a setting: {line!r}")
        if section == "Service":
            settings.setdefault(key.strip(), []).append(value.strip())
    return settings


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


def expand(command: str, *, instance: str, env: dict[str, str]) -> list[str]:
    """An Exec line as systemd runs it: %i, then ${VAR} and $VAR from the environment."""
    command = command.lstrip("-@+!:")
    command = local_paths(command.replace("%i", instance).replace("%%", "%"))
    words = shlex.split(command)
    return [re.sub(r"\$\{(\w+)\}|\$(\w+)", lambda m: env.get(m[1] or m[2], ""), w) for w in words]


def unit_plan(
    name: str, *, read_env: bool = True
) -> tuple[dict[str, str], Path, list[list[str]], list[str], int]:
    """What the unit of ``name`` runs: environment, directory, the ExecStartPre commands,
    the ExecStart command and how long a stop may take (the tests look without the
    environment file, which only a running cluster has)."""
    unit_name, instance = UNITS[name]
    unit = read_unit(DEPLOY / "systemd" / unit_name)
    env = {k: os.environ[k] for k in ("PATH", "LANG", "HOME") if k in os.environ}
    for assignment in unit.get("Environment", []):
        for word in shlex.split(assignment):
            key, _, value = word.partition("=")
            env[key] = local_paths(value)
    for file in unit.get("EnvironmentFile", []):
        optional = file.startswith("-")
        path = Path(local_paths(file.lstrip("-")))
        if read_env and (path.exists() or not optional):
            env.update(read_env_file(path))
    directory = Path(local_paths(unit.get("WorkingDirectory", [str(REPO)])[-1]))
    pre = [expand(c, instance=instance, env=env) for c in unit.get("ExecStartPre", [])]
    (start,) = unit["ExecStart"]
    stop_seconds = int(unit.get("TimeoutStopSec", ["90"])[-1].rstrip("s"))
    return env, directory, pre, expand(start, instance=instance, env=env), stop_seconds


def nginx_conf(*, log_dir: Path) -> str:
    """deploy/nginx/zhucan.conf with the cluster's ports and paths."""
    text = (DEPLOY / "nginx" / "zhucan.conf").read_text(encoding="utf-8")
    text = text.replace("127.0.0.1:8001", f"127.0.0.1:{PORTS['app1']}")
    text = text.replace("127.0.0.1:8002", f"127.0.0.1:{PORTS['app2']}")
    text = text.replace("listen 80;", f"listen 127.0.0.1:{PORTS['nginx']};")
    text = text.replace("/var/log/nginx/", f"{log_dir}/")
    return local_paths(text)


def render_nginx() -> Path:
    text = nginx_conf(log_dir=LOG)
    conf = VAR / "nginx"
    (conf / "spool").mkdir(parents=True, exist_ok=True)
    shutil.chown(conf / "spool", "www-data", "www-data")
    (conf / "zhucan.conf").write_text(text, encoding="utf-8")
    main = f"""# The local cluster's nginx.conf: Debian's shape, including deploy/nginx/zhucan.conf.
user www-data;
worker_processes 2;
pid {RUN}/nginx.pid;
error_log {LOG}/nginx.log;
events {{ worker_connections 512; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    tcp_nopush on;
    client_body_temp_path {conf}/spool/body;
    proxy_temp_path {conf}/spool/proxy;
    fastcgi_temp_path {conf}/spool/fastcgi;
    uwsgi_temp_path {conf}/spool/uwsgi;
    scgi_temp_path {conf}/spool/scgi;
    include {conf}/zhucan.conf;
}}
"""
    (conf / "nginx.conf").write_text(main, encoding="utf-8")
    return conf / "nginx.conf"


def render_pgbouncer(env: dict[str, str]) -> Path:
    conf = VAR / "pgbouncer"
    conf.mkdir(parents=True, exist_ok=True)
    values = {
        "listen_port": str(PORTS["pgbouncer"]),
        "auth_file": str(conf / "userlist.txt"),
        "logfile": str(LOG / "pgbouncer.log"),
        "pidfile": "",
    }
    lines = []
    for line in (DEPLOY / "pgbouncer" / "pgbouncer.ini").read_text(encoding="utf-8").splitlines():
        key = line.partition("=")[0].strip()
        if key in values:
            line = f"{key} = {values[key]}"
        elif key == "zhucan":
            line = line.replace("port=5432", f"port={PORTS['primary']}")
        lines.append(line)
    (conf / "pgbouncer.ini").write_text("\n".join(lines) + "\n", encoding="utf-8")
    users = [("zhucan_app", env["ZHUCAN_APP_PASSWORD"]), ("zhucan_owner", env["OWNER_PASSWORD"])]
    (conf / "userlist.txt").write_text(
        "".join(f'"{user}" "{password}"\n' for user, password in users), encoding="utf-8"
    )
    for path in (conf, conf / "pgbouncer.ini", conf / "userlist.txt"):
        shutil.chown(path, "postgres", "postgres")
    (conf / "userlist.txt").chmod(0o600)
    return conf / "pgbouncer.ini"


# --- the environment ----------------------------------------------------------------------


def cluster_env() -> dict[str, str]:
    """var/cluster/cluster.env, made once per cluster: the drill's addresses and the
    application's environment (its keys too, which never leave var/cluster)."""
    if ENV_FILE.exists():
        return read_env_file(ENV_FILE)
    sys.path.insert(0, str(REPO))
    from zhucan.keyfiles import new_registry_keys, new_secret_key

    app_pw, owner_pw = secrets.token_hex(16), secrets.token_hex(16)
    host = "127.0.0.1"
    env = {
        "NGINX_URL": f"http://{host}:{PORTS['nginx']}",
        "APP1_URL": f"http://{host}:{PORTS['app1']}",
        "APP2_URL": f"http://{host}:{PORTS['app2']}",
        "PG_PRIMARY_PORT": str(PORTS["primary"]),
        "PG_REPLICA_PORT": str(PORTS["replica"]),
        "PGBOUNCER_PORT": str(PORTS["pgbouncer"]),
        "DATABASE_URL": f"postgres://zhucan_app:{app_pw}@{host}:{PORTS['pgbouncer']}/zhucan",
        "DIRECT_DATABASE_URL": f"postgres://zhucan_app:{app_pw}@{host}:{PORTS['primary']}/zhucan",
        "DATABASE_REPLICA_URL": (
            f"postgres://zhucan_app:{app_pw}@{host}:{PORTS['replica']}/zhucan"
        ),
        # Migrations only (docs/database-roles.sql); the superuser for the drill's own looks.
        "OWNER_DATABASE_URL": (
            f"postgres://zhucan_owner:{owner_pw}@{host}:{PORTS['primary']}/zhucan"
        ),
        "ADMIN_DATABASE_URL": f"postgres://postgres@{host}:{PORTS['primary']}/postgres",
        "ZHUCAN_APP_PASSWORD": app_pw,
        "OWNER_PASSWORD": owner_pw,
        "SECRET_KEY": new_secret_key(),
        "ZHUCAN_REGISTRY_KEYS": new_registry_keys(),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "CSRF_TRUSTED_ORIGINS": f"http://{host}:{PORTS['nginx']},http://localhost:{PORTS['nginx']}",
        # nginx on the same host; no TLS on this local cluster, so no secure-only cookies.
        "BEHIND_TLS_PROXY": "1",
        "SECURE_SSL": "0",
        # The demo accounts sign in without an authenticator app (the drill signs in as them).
        "ZHUCAN_REQUIRE_2FA": "0",
        "DEBUG": "0",
        "ZHUCAN_DEMO_MODE": "0",
        "STATIC_ROOT": str(DATA / "static"),
        "MEDIA_ROOT": str(DATA / "media"),
        "ZHUCAN_LOG_FORMAT": "json",
        "GUNICORN_WORKERS": "2",
        "TIME_ZONE": "Asia/Shanghai",
    }
    VAR.mkdir(parents=True, exist_ok=True)
    ENV_FILE.touch(mode=0o600)
    ENV_FILE.write_text(
        "# Made once by deploy/cluster/up; never committed (var/ is ignored).\n"
        + "".join(f"{key}='{value}'\n" for key, value in env.items()),
        encoding="utf-8",
    )
    return env


# --- processes ----------------------------------------------------------------------------


def pid_of(name: str) -> int | None:
    path = RUN / f"{name}.pid"
    if not path.exists():
        return None
    try:
        pid = int(path.read_text().split()[0])
    except (ValueError, IndexError):
        return None
    return pid if alive(pid) else None


def pg_data(name: str) -> Path:
    return PG / name


def as_postgres(*command: str | Path) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *map(str, command)]


def run(command: list[str], *, env: dict[str, str] | None = None, cwd: Path = REPO) -> None:
    result = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True)  # noqa: S603
    if result.returncode != 0:
        raise ClusterError(
            f"{' '.join(command[:6])} failed ({result.returncode}):\n"
            f"{result.stdout[-2000:]}{result.stderr[-2000:]}"
        )


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
    command = [sys.executable, str(Path(__file__).resolve()), "supervise"]
    spawn("supervisor", command, env=dict(os.environ), cwd=REPO)


def status() -> dict[str, int | None]:
    return {name: pid_of(name) for name in NAMES}


# --- building the cluster -----------------------------------------------------------------


def need_packages() -> None:
    missing = [
        p for p, cmd in (("nginx", "nginx"), ("pgbouncer", "pgbouncer")) if not shutil.which(cmd)
    ]
    if not (PG_BIN / "postgres").exists():
        missing.append("postgresql-15")
    if missing:
        say(f"installing {' '.join(missing)} with apt-get (the cluster needs them)")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-q"], check=True, env=env)  # noqa: S607
        subprocess.run(  # noqa: S603
            ["apt-get", "install", "-y", "-q", "--no-install-recommends", *missing],  # noqa: S607
            check=True,
            env=env,
        )


def make_dirs() -> None:
    for path in (
        RUN,
        LOG,
        PG,
        DATA / "media",
        DATA / "static",
        VAR / "metrics",
        BACKUP / "db" / "wal",
        BACKUP / "db" / "base",
        BACKUP / "files",
        BACKUP / "keys",
        BACKUP / "marks",
    ):
        path.mkdir(parents=True, exist_ok=True)
    # PostgreSQL writes its log and the WAL archive as postgres.
    for path in (PG, BACKUP / "db", BACKUP / "db" / "wal", BACKUP / "db" / "base"):
        shutil.chown(path, "postgres", "postgres")
    for name in ("primary", "replica", "pgbouncer"):
        (LOG / f"{name}.log").touch()
        shutil.chown(LOG / f"{name}.log", "postgres", "postgres")
    BACKUP.joinpath("keys").chmod(0o700)


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


def render_postgresql(data: Path) -> None:
    """deploy/postgresql/zhucan.conf with the local backup directory, written at each start of
    the primary (a replica made by pg_basebackup has its copy, unused until it is promoted)."""
    conf = local_paths((DEPLOY / "postgresql" / "zhucan.conf").read_text(encoding="utf-8"))
    (data / "zhucan.conf").write_text(conf, encoding="utf-8")
    shutil.chown(data / "zhucan.conf", "postgres", "postgres")


def init_primary(env: dict[str, str]) -> None:
    data = pg_data("primary")
    if (data / "PG_VERSION").exists():
        return
    say("initdb of the primary")
    run(
        as_postgres(
            PG_BIN / "initdb",
            "-D",
            data,
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--auth-local=peer",
            "--auth-host=scram-sha-256",
        )
    )
    render_postgresql(data)
    with (data / "postgresql.conf").open("a", encoding="utf-8") as f:
        f.write(
            f"\ninclude 'zhucan.conf'\nport = {PORTS['primary']}\n"
            "unix_socket_directories = '/var/run/postgresql'\n"
        )
    # The superuser only from this machine, without a password (a local cluster); the
    # application's roles with theirs, as in production.
    (data / "pg_hba.conf").write_text(
        "local all postgres peer\n"
        "host all postgres 127.0.0.1/32 trust\n"
        "host replication postgres 127.0.0.1/32 trust\n"
        "host all all 127.0.0.1/32 scram-sha-256\n",
        encoding="utf-8",
    )
    shutil.chown(data / "pg_hba.conf", "postgres", "postgres")
    start("primary")
    # docs/database-roles.sql, step 1.
    psql(
        f"CREATE ROLE zhucan_owner LOGIN PASSWORD '{env['OWNER_PASSWORD']}'", port=PORTS["primary"]
    )
    psql(
        f"CREATE ROLE zhucan_app LOGIN PASSWORD '{env['ZHUCAN_APP_PASSWORD']}'",
        port=PORTS["primary"],
    )
    psql("CREATE DATABASE zhucan OWNER zhucan_owner", port=PORTS["primary"])
    psql("REVOKE ALL ON DATABASE zhucan FROM PUBLIC", port=PORTS["primary"])
    psql("GRANT CONNECT, TEMPORARY ON DATABASE zhucan TO zhucan_app", port=PORTS["primary"])


def init_replica() -> None:
    data = pg_data("replica")
    if (data / "PG_VERSION").exists():
        return
    say("pg_basebackup of the replica")
    run(
        as_postgres(
            PG_BIN / "pg_basebackup",
            "-h",
            "127.0.0.1",
            "-p",
            str(PORTS["primary"]),
            "-U",
            "postgres",
            "-D",
            data,
            "-R",
            "-X",
            "stream",
            "-c",
            "fast",
        )
    )
    with (data / "postgresql.conf").open("a", encoding="utf-8") as f:
        f.write(f"port = {PORTS['replica']}\n")


def static_fingerprint() -> str:
    import hashlib

    digest = hashlib.sha256()
    for top in (REPO / "static", REPO / "node_modules" / "echarts" / "dist", REPO / "zhucan"):
        for path in sorted(top.rglob("*")):
            if path.is_file() and (top.name != "zhucan" or "static" in path.parts):
                stat = path.stat()
                digest.update(f"{path}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def load_application(env: dict[str, str]) -> None:
    stamp = VAR / "demo-loaded"
    say("migrate (as zhucan_owner), grants")
    manage("migrate", "--noinput", database_url=env["OWNER_DATABASE_URL"])
    grants = (REPO / "docs" / "database-roles.sql").read_text(encoding="utf-8")
    run(["psql", env["OWNER_DATABASE_URL"], "-XAtq", "-v", "ON_ERROR_STOP=1", "-c", grants])
    # collectstatic compresses every file (brotli and gzip), minutes for ECharts' whole dist/:
    # only when the files changed.
    fingerprint = static_fingerprint()
    done = VAR / "static-collected"
    if not done.exists() or done.read_text() != fingerprint:
        say("collectstatic (compresses every file: a few minutes)")
        manage("collectstatic", "--noinput", "--verbosity", "0")
        done.write_text(fingerprint)
    if not stamp.exists():
        say("load_demo (as zhucan_app)")
        manage("load_demo", database_url=env["DIRECT_DATABASE_URL"])
        stamp.touch()


def up() -> None:
    began = time.monotonic()
    if os.geteuid() != 0:
        raise ClusterError("run as root: PostgreSQL runs as postgres, nginx's master as root")
    need_packages()
    make_dirs()
    env = cluster_env()
    init_primary(env)
    start("primary")
    load_application(env)
    init_replica()
    for name in NAMES:
        if not pid_of(name):
            say(f"starting {name}")
            start(name)
    start_supervisor()
    ready = f"{env['NGINX_URL']}/readyz"
    deadline = time.monotonic() + 90
    while True:
        code, body = 0, b""
        with suppress(OSError):
            code, body = get(ready)
        checks = json.loads(body or b"{}").get("checks", {})
        replica = checks.get("replica", {})
        if code == 200 and replica.get("ok") and replica.get("detail") != "no replica":
            break
        if time.monotonic() > deadline:
            raise ClusterError(f"{ready} answers {code}: {body[:400]!r}")
        time.sleep(0.5)
    say(f"ready in {time.monotonic() - began:.1f} s")
    for key in ("NGINX_URL", "APP1_URL", "APP2_URL"):
        print(f"  {key}={env[key]}")
    print(
        f"  primary :{PORTS['primary']}  replica :{PORTS['replica']}  "
        f"pgbouncer :{PORTS['pgbouncer']}"
    )
    print(f"  environment: {ENV_FILE}  logs: {LOG}/")


def down() -> None:
    supervisor = pid_of("supervisor")
    (RUN / "supervisor.pid").unlink(missing_ok=True)
    if supervisor:
        with suppress(ProcessLookupError):
            os.killpg(supervisor, signal.SIGTERM)
    for name in reversed(NAMES):
        with suppress(ClusterError):
            stop(name)
    # A restored copy left running by `restore --keep`.
    restored = VAR / "restore" / "current"
    if (restored / "postmaster.pid").exists():
        with suppress(ClusterError):
            run(
                as_postgres(PG_BIN / "pg_ctl", "-D", restored.resolve(), "-m", "fast", "-w", "stop")
            )
    shutil.rmtree(VAR, ignore_errors=True)
    say("stopped; var/cluster removed")


def ctl(action: str, name: str) -> None:
    if name not in NAMES:
        raise ClusterError(f"no such part: {name} (one of {', '.join(NAMES)})")
    if action == "start":
        start(name)
    elif action == "stop":
        stop(name)
    elif action == "kill":
        stop(name, hard=True)
    elif action == "restart":
        stop(name)
        start(name)
    elif action == "status":
        pid = pid_of(name)
        print(f"{name} {'running ' + str(pid) if pid else 'stopped'}")
        if not pid:
            raise SystemExit(3)
    else:
        raise ClusterError(f"no such action: {action}")


def main(argv: list[str]) -> None:
    try:
        if argv[:1] == ["up"]:
            up()
        elif argv[:1] == ["down"]:
            down()
        elif argv[:1] == ["ctl"] and len(argv) == 3:
            ctl(argv[1], argv[2])
        elif argv[:1] == ["supervise"]:
            supervise()
        elif argv[:1] == ["status"]:
            for name, pid in status().items():
                print(f"{name:10} {pid or 'stopped'}")
        elif argv[:1] in (["backup"], ["restore"], ["mark"]):
            # backups.py imports this module by name: the same module, the same ClusterError.
            sys.modules.setdefault("cluster", sys.modules[__name__])
            from backups import main as backups_main

            backups_main(argv)
        else:
            raise ClusterError(
                "usage: cluster.py up | down | status | ctl <start|stop|kill|restart|status> "
                "<name> | backup | mark | restore TARGET_TIME"
            )
    except ClusterError as error:
        print(f"[cluster] {error}", file=sys.stderr)
        raise SystemExit(1) from error


if __name__ == "__main__":
    main(sys.argv[1:])
