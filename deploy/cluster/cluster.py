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

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from contextlib import suppress

from deployfiles import cluster_env, render_postgresql
from layout import (
    BACKUP,
    DATA,
    ENV_FILE,
    LOG,
    NAMES,
    PG,
    PG_BIN,
    PORTS,
    REPO,
    RUN,
    VAR,
    ClusterError,
    as_postgres,
    pg_data,
    psql,
    run,
    say,
)
from processes import get, manage, pid_of, start, start_supervisor, status, stop, supervise


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
