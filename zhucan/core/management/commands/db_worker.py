"""``manage.py db_worker``: django_tasks_db's worker, made to outlive the database.

The original exits on the first error from a lost connection (a database restart, a failover,
a terminated backend), and the queued jobs then wait until someone starts it again. This one
closes the broken connections, waits (longer each time, up to ``MAX_PAUSE``) and carries on.
It also sweeps for jobs whose worker died (``core.jobs.recover_stale_jobs``) when it starts and
every ``JOB_SWEEP_SECONDS``, from a thread of its own, so that no cron is needed for that, and
makes sure the periodic sealing of the audit log is queued (``core.tasks``).

``zhucan.core`` comes before ``django_tasks_db`` in ``INSTALLED_APPS`` so that this command is
the one ``manage.py db_worker`` finds.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django_tasks_db.management.commands import db_worker as base

from zhucan.core.jobs import recover_stale_jobs
from zhucan.core.tasks import ensure_sealing_scheduled

logger = logging.getLogger("django_tasks_db")

FIRST_PAUSE = 1.0
MAX_PAUSE = 30.0


def close_connections() -> None:
    """Drop this thread's connections, broken ones included, so the next query connects
    again."""
    for conn in connections.all(initialized_only=True):
        try:
            conn.close()
        except DatabaseError:
            pass  # already gone: closing a dead socket may fail, which is what we want


class Worker(base.Worker):
    def run(self) -> None:
        pause = FIRST_PAUSE
        while self.running:
            try:
                super().run()
                return  # --batch or --max-tasks reached
            except (OperationalError, InterfaceError) as error:
                # The loop itself only reads and claims tasks: nothing is half-done. A task
                # that was running has rolled back and its job is recovered by the sweep.
                self.running_task = False
                logger.warning(
                    "Database connection lost (%s); trying again in %.0f s", error, pause
                )
                close_connections()
                time.sleep(pause)
                pause = min(pause * 2, MAX_PAUSE)


def sweep_forever(stop: threading.Event) -> None:
    """Recover the jobs of dead workers now and every ``JOB_SWEEP_SECONDS``."""
    while True:
        try:
            counts = recover_stale_jobs()
            if any(counts.values()):
                logger.warning("Jobs of stopped workers: %s", counts)
        except Exception:  # the next sweep tries again; the worker must not stop for this
            logger.exception("Sweep for the jobs of stopped workers failed")
        finally:
            close_connections()
        if stop.wait(settings.JOB_SWEEP_SECONDS):
            return


class Command(base.Command):
    def handle(self, *args: Any, **options: Any) -> None:
        # The checks that need the database too (the registry's keys against their recorded
        # check values): a worker started with the wrong keys stops here with the reason,
        # rather than starting and failing every task it takes.
        self.check(databases=["default"])
        # The audit log is sealed by periodic runs that queue each other (core/tasks.py); a
        # worker starting makes sure one is waiting, so no deployment step can forget it.
        ensure_sealing_scheduled(after=timedelta(minutes=settings.AUDIT_SEAL_MINUTES))
        stop = threading.Event()
        threading.Thread(target=sweep_forever, args=(stop,), name="job-sweep", daemon=True).start()
        original = base.Worker
        base.Worker = Worker  # type: ignore[misc] # the base command builds base.Worker
        try:
            super().handle(*args, **options)
        finally:
            base.Worker = original  # type: ignore[misc]
            stop.set()
