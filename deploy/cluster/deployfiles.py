"""The files in deploy/ as the local cluster runs them: systemd units read as systemd reads
them, nginx, PgBouncer and PostgreSQL configuration with local ports and paths in place of the
production ones, and the cluster's environment file."""

from __future__ import annotations

import os
import re
import secrets
import shlex
import shutil
import sys
from pathlib import Path

from layout import (
    DATA,
    DEPLOY,
    ENV_FILE,
    LOG,
    PORTS,
    REPO,
    RUN,
    UNITS,
    VAR,
    ClusterError,
    local_paths,
    read_env_file,
)


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


def render_postgresql(data: Path) -> None:
    """deploy/postgresql/zhucan.conf with the local backup directory, written at each start of
    the primary (a replica made by pg_basebackup has its copy, unused until it is promoted)."""
    conf = local_paths((DEPLOY / "postgresql" / "zhucan.conf").read_text(encoding="utf-8"))
    (data / "zhucan.conf").write_text(conf, encoding="utf-8")
    shutil.chown(data / "zhucan.conf", "postgres", "postgres")


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
