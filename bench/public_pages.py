"""A public campaign page's throughput under a crowd, against a hello-world view served the same
way in the same run.

The production shape: gunicorn (2 sync workers) on a free loopback port, DEBUG off, demo mode
off, HTTPS as a TLS proxy in front would declare it, static names from a collected manifest.
``wrk`` (Debian package ``wrk``) drives both URLs in turn for a fixed time, several rounds,
and the median requests per second of each are compared: the machine's speed and load cancel
out of the ratio, which is the figure with a bar. A scratch database holds a small tree (a city
and a county, each with its public site), as the other benchmarks' do.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.db import connection

from bench.public_urls import HELLO_PATH
from zhucan.testing.factories import make_org

ROOT = Path(__file__).resolve().parent.parent
WORKERS = 2
ROUNDS = 3
SECONDS = 5
CONNECTIONS = 8
# The county whose site is measured (叶县, under 平顶山市).
CITY_CODE, COUNTY_CODE = "410400", "410422"
# What a TLS proxy in front adds; without it the production settings redirect to https.
PROXY_HEADER = "X-Forwarded-Proto: https"
INSTALL_HINT = (
    "The public pages benchmark needs the HTTP load tool wrk: "
    "apt-get install wrk (Debian and Ubuntu), then run make bench again."
)


def run() -> dict[str, float]:
    wrk = shutil.which("wrk")
    if wrk is None:
        raise SystemExit(INSTALL_HINT)
    from bench.completeness import scratch_database

    with scratch_database(), tempfile.TemporaryDirectory(prefix="zhucan-bench-") as static:
        city = make_org(name="平顶山市残疾人工作委员会", region_code=CITY_CODE)
        make_org(name="叶县残疾人工作委员会", parent=city, region_code=COUNTY_CODE)
        env = _server_env(static)
        print("  collecting static files for the manifest …", flush=True)
        subprocess.run(  # noqa: S603 - our own interpreter and manage.py
            [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        with _gunicorn(env) as base:
            page, hello = f"{base}/p/{COUNTY_CODE}/", f"{base}/{HELLO_PATH}"
            for url in (page, hello):
                _check(url)
                _wrk(wrk, url, seconds=1)  # every worker's caches warm
            page_rates, hello_rates = [], []
            for n in range(ROUNDS):
                # In turn, so a burst of load from elsewhere falls on both alike.
                hello_rates.append(_wrk(wrk, hello, seconds=SECONDS))
                page_rates.append(_wrk(wrk, page, seconds=SECONDS))
                print(
                    f"  round {n + 1}: hello {hello_rates[-1]:.0f}/s, "
                    f"public page {page_rates[-1]:.0f}/s",
                    flush=True,
                )
    page_rps, hello_rps = statistics.median(page_rates), statistics.median(hello_rates)
    return {
        "public_page_rps": round(page_rps),
        "hello_rps": round(hello_rps),
        "public_page_ratio_vs_hello": round(page_rps / hello_rps, 2),
    }


def _database_url() -> str:
    """The scratch database (the connection's name is the scratch one inside the block)."""
    name = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite":
        return f"sqlite:///{name}"
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path=f"/{name}"))


def _server_env(static_root: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.public_settings",
        "DATABASE_URL": _database_url(),
        "DEBUG": "0",
        "ZHUCAN_DEMO_MODE": "0",
        "BEHIND_TLS_PROXY": "1",
        # The keys this process runs with (the demo's, made under var/): production refuses
        # to start without them.
        "SECRET_KEY": settings.SECRET_KEY,
        "ZHUCAN_REGISTRY_KEYS": settings.REGISTRY_KEYS,
        "STATIC_ROOT": static_root,
        "ALLOWED_HOSTS": "127.0.0.1",
        "LOG_LEVEL": "WARNING",
    }


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def _gunicorn(env: dict[str, str]) -> Iterator[str]:
    """gunicorn serving ``zhucan.wsgi`` until the block ends; yields its base URL."""
    port = _free_port()
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "zhucan.wsgi:application",
        "--workers",
        str(WORKERS),
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=env)  # noqa: S603 - fixed arguments
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(f"{base}/{HELLO_PATH}", server)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _wait_until_up(url: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn stopped at start (exit {server.returncode}).")
        try:
            _check(url)
            return
        except (OSError, urllib.error.URLError):
            time.sleep(0.2)
    raise SystemExit("gunicorn did not answer within 60 s.")


def _check(url: str) -> None:
    """The URL answers 200 as the load tool will ask for it, not a redirect or an error."""
    request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https"})  # noqa: S310
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback
        if response.status != 200:
            raise SystemExit(f"{url} answered {response.status}.")


def _wrk(wrk: str, url: str, *, seconds: int, headers: tuple[str, ...] = (PROXY_HEADER,)) -> float:
    """Requests per second that answered 2xx, from wrk's summary."""
    options = [part for header in headers for part in ("-H", header)]
    result = subprocess.run(  # noqa: S603 - the wrk found on PATH, fixed arguments
        [wrk, "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s", *options, url],
        capture_output=True,
        text=True,
        check=True,
    )
    out = result.stdout
    if "Non-2xx or 3xx responses" in out:
        raise SystemExit(f"wrk saw failed requests on {url}:\n{out}")
    # A busy machine may let a request pass wrk's timeout: counted out of the rate, shown.
    for line in out.splitlines():
        if "Socket errors" in line:
            print(f"  {url}: {line.strip()}", flush=True)
    found = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if found is None:
        raise SystemExit(f"Could not read wrk's output:\n{out}")
    return float(found.group(1))
