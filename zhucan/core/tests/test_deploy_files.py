"""The files in deploy/ agree with the application and with each other.

The local cluster (deploy/cluster) runs these files; these tests do not start it, they read
the files the way it (deploy/cluster/deployfiles.py), systemd and nginx do.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from django.conf import settings
from django.core.management import get_commands

REPO = Path(__file__).resolve().parents[3]
DEPLOY = REPO / "deploy"
UNITS = sorted((DEPLOY / "systemd").glob("*.service"))


def _cluster_module(name: str) -> ModuleType:
    """A module of deploy/cluster, which imports its neighbours by their plain names."""
    sys.path.insert(0, str(DEPLOY / "cluster"))
    try:
        return importlib.import_module(name)
    finally:
        sys.path.pop(0)


deployfiles = _cluster_module("deployfiles")


def _nginx_size(value: str) -> int:
    number, unit = re.fullmatch(r"(\d+)([kKmMgG]?)", value).groups()  # type: ignore[union-attr]
    return int(number) * {"": 1, "k": 2**10, "m": 2**20, "g": 2**30}[unit.lower()]


def _nginx_setting(name: str) -> str:
    text = (DEPLOY / "nginx" / "zhucan.conf").read_text(encoding="utf-8")
    (value,) = re.findall(rf"^\s*{name}\s+([^;]+);", text, flags=re.MULTILINE)
    return str(value).strip()


def _seconds(value: str) -> int:
    return int(value.rstrip("s"))


def test_there_are_units_for_the_application_servers_and_the_workers() -> None:
    assert {u.name for u in UNITS} >= {"zhucan-web@.service", "zhucan-worker@.service"}


@pytest.mark.parametrize("unit", UNITS, ids=lambda p: p.name)
def test_each_unit_restarts_its_service_and_starts_from_the_env_file(unit: Path) -> None:
    service = deployfiles.read_unit(unit)
    assert service["Restart"] == ["always"]
    assert service["EnvironmentFile"] == ["/etc/zhucan/zhucan.env"]
    assert len(service["ExecStart"]) == 1
    assert "[Install]" in unit.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ["app1", "worker1"])
def test_every_command_of_a_unit_is_a_real_program_and_command(name: str) -> None:
    """After the local paths are put in, each Exec line runs something that exists: the
    virtualenv's programs, manage.py commands Django knows, gunicorn's module and config."""
    _, cwd, pre, start, _ = deployfiles.unit_plan(name, read_env=False)
    for command in [*pre, start]:
        program = Path(command[0])
        assert program.is_file() and program.stat().st_mode & 0o111, command
        if command[1:2] == ["manage.py"]:
            assert (cwd / "manage.py").is_file()
            assert command[2] in get_commands(), command
        if program.name == "gunicorn":
            assert importlib.util.find_spec(command[1]) is not None
            config = Path(command[command.index("--config") + 1])
            assert config.is_file()


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze not installed")
def test_units_pass_systemd_analyze_verify(tmp_path: Path) -> None:
    """The units as systemd reads them (an unknown key is only a warning: none is allowed)."""
    instances = []
    for unit in UNITS:
        text = unit.read_text(encoding="utf-8").replace("/opt/zhucan", str(REPO))
        (tmp_path / unit.name).write_text(text, encoding="utf-8")
        instance = tmp_path / unit.name.replace("@.", "@1.")
        instance.write_text(text, encoding="utf-8")
        instances.append(str(instance))
    result = subprocess.run(
        ["systemd-analyze", "verify", *instances], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == "", result.stderr


def test_nginx_takes_the_largest_upload_the_application_allows() -> None:
    from zhucan.activities.images import MAX_BYTES as PHOTO
    from zhucan.orgs.xlsx_reader import MAX_FILE_BYTES as ORGS
    from zhucan.plans.services.plans import DOCUMENT_MAX_BYTES as PLAN
    from zhucan.registry.imports.reading import MAX_FILE_BYTES as REGISTER

    largest = max(
        PHOTO,
        ORGS,
        PLAN,
        REGISTER,
        settings.DATA_UPLOAD_MAX_MEMORY_SIZE,
        settings.FILE_UPLOAD_MAX_MEMORY_SIZE,
    )
    # A multipart body carries the file and the form's other fields.
    assert _nginx_size(_nginx_setting("client_max_body_size")) >= largest + 2**20


def test_nginx_waits_longer_than_gunicorn_lets_a_request_run() -> None:
    """Else a slow page ends as nginx's 504 while the worker goes on, not gunicorn's restart."""
    config: dict[str, object] = {}
    exec((DEPLOY / "gunicorn.conf.py").read_text(encoding="utf-8"), config)  # noqa: S102
    timeout = config["timeout"]
    assert isinstance(timeout, int)
    assert _seconds(_nginx_setting("proxy_read_timeout")) > timeout


def test_nginx_keeps_metrics_private_and_passes_the_request_id() -> None:
    text = (DEPLOY / "nginx" / "zhucan.conf").read_text(encoding="utf-8")
    assert re.search(r"location = /metrics\s*\{\s*return 404;", text)
    assert "proxy_set_header X-Request-ID $request_id;" in text
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in text


@pytest.mark.skipif(not shutil.which("nginx"), reason="nginx not installed")
def test_nginx_accepts_the_file(tmp_path: Path) -> None:
    (tmp_path / "zhucan.conf").write_text(
        deployfiles.nginx_conf(log_dir=tmp_path), encoding="utf-8"
    )
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{ include /etc/nginx/mime.types; client_body_temp_path {tmp_path}/body; "
        f"include {tmp_path}/zhucan.conf; }}\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        ["nginx", "-t", "-c", str(tmp_path / "nginx.conf"), "-e", str(tmp_path / "error.log")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr


def test_pgbouncer_pools_by_session_while_downloads_stream_from_server_side_cursors() -> None:
    """``.iterator()`` is a named cursor held across transactions, which transaction pooling
    would send to another server connection (deploy/pgbouncer/pgbouncer.ini says more)."""
    streams = any(
        ".iterator(" in path.read_text(encoding="utf-8")
        for path in (REPO / "zhucan").rglob("*.py")
        if "tests" not in path.parts and "migrations" not in path.parts
    )
    server_cursors = not settings.DATABASES["default"].get("DISABLE_SERVER_SIDE_CURSORS")
    text = (DEPLOY / "pgbouncer" / "pgbouncer.ini").read_text(encoding="utf-8")
    (mode,) = re.findall(r"^pool_mode\s*=\s*(\w+)", text, flags=re.MULTILINE)
    if streams and server_cursors:
        assert mode == "session"


def test_postgresql_archives_wal_apart_from_the_data() -> None:
    text = (DEPLOY / "postgresql" / "zhucan.conf").read_text(encoding="utf-8")
    assert re.search(r"^archive_mode = on", text, flags=re.MULTILINE)
    (command,) = re.findall(r"^archive_command = '(.+)'", text, flags=re.MULTILINE)
    # Never over a segment already archived (a second primary, a restored copy).
    assert command.startswith("test ! -f ")
    assert "/var/lib/postgresql" not in command


@pytest.mark.parametrize("service", ["nginx", "pgbouncer"])
def test_nginx_and_pgbouncer_are_restarted_when_they_die(service: str) -> None:
    """Debian's own units do not restart them; the drop-ins do (and the cluster reads them)."""
    drop_in = DEPLOY / "systemd" / f"{service}.service.d" / "zhucan.conf"
    assert deployfiles.read_unit(drop_in)["Restart"] == ["always"]


def test_nginx_does_not_take_a_server_out_for_the_databases_503() -> None:
    """The application answers 503 while the database is out of reach (core/error_pages.py):
    every server shares the database, so nginx must not count it against the server that
    answered. With ``http_503`` here a database restart emptied the pool for fail_timeout."""
    directives = [
        line.split()
        for line in (DEPLOY / "nginx" / "zhucan.conf").read_text(encoding="utf-8").splitlines()
        if line.strip().startswith("proxy_next_upstream ")
    ]
    assert directives, "nginx no longer passes a dead server's requests to the next one"
    for words in directives:
        assert "error" in words
        assert not any(w.rstrip(";") == "http_503" for w in words), words
