"""gunicorn's settings for the application servers (deploy/systemd/zhucan-web@.service).

Sync workers: nginx buffers whole requests and responses, so a slow client holds nginx's
connection, not a worker. The port is given by the unit (``--bind``).
"""

import os

from prometheus_client import multiprocess

# About 300 MB at most per worker during an upload (docs/deployment.md, Memory): size by RAM.
workers = int(os.environ.get("GUNICORN_WORKERS", "4"))
# Longer than any page takes; exports and imports run in the background workers.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "90"))
graceful_timeout = 30
keepalive = 5
# A worker is replaced now and then, so that a slow leak cannot grow for weeks.
max_requests = 2000
max_requests_jitter = 200
# Heartbeat files in memory, not on a disk that may stall.
worker_tmp_dir = "/dev/shm"  # noqa: S108 - a tmpfs of the machine, not a shared /tmp
# Django reads X-Forwarded-* itself, from TRUSTED_PROXIES only (zhucan/core/net.py).
forwarded_allow_ips = "127.0.0.1"
accesslog = None  # nginx logs each request, with its X-Request-ID
errorlog = "-"


def child_exit(server: object, worker: object) -> None:
    # A gunicorn worker that ended leaves its live gauges in PROMETHEUS_MULTIPROC_DIR.
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.mark_process_dead(worker.pid)  # type: ignore[attr-defined]
