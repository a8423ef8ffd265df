"""The faults, injected on a schedule through ``deploy/cluster/ctl`` while locust runs."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import requests

from deploy.drill import accounting, checks, registry
from deploy.drill.cluster import ctl, make, pid_of
from deploy.drill.common import Run, say

SCHEDULE = {"app1": 0.12, "worker": 0.25, "replica": 0.45, "primary": 0.65, "backup": 0.8}
SETTLE_S = 20.0  # errors this long after a fault's commands returned are still its errors


class Faults:
    """Runs the fault schedule in a thread, writing down when each began and ended."""

    def __init__(
        self, run: Run, import_pk: int | None, keeper: Callable[[], requests.Session]
    ) -> None:
        self.run = run
        self.import_pk = import_pk
        self.keeper = keeper
        self.done: list[accounting.Fault] = []
        self.notes: list[str] = []
        self.backup_output = ""
        self.backup_s = 0.0
        self.failures: list[str] = []
        self.thread = threading.Thread(target=self._schedule, daemon=True)

    def _at(self, share: float) -> None:
        wait = self.start + share * self.run.seconds - time.time()
        if wait > 0:
            time.sleep(wait)

    def _fault(self, name: str, action: Callable[[], None]) -> None:
        began = time.time()
        say(f"fault: {name}")
        try:
            action()
        except Exception as error:  # noqa: BLE001 - reported, the drill goes on
            self.failures.append(f"{name}: {error}")
            say(f"fault {name} failed: {error}")
        self.done.append(accounting.Fault(name=name, start=began, end=time.time()))

    def _schedule(self) -> None:
        self._at(SCHEDULE["app1"])
        self._fault("app1 SIGKILL", lambda: _down_and_up("kill", "app1", pause=3))
        self._at(SCHEDULE["worker"])
        self._fault("worker SIGKILL during import", self._kill_worker)
        self._at(SCHEDULE["replica"])
        self._fault("replica stopped", lambda: _down_and_up("stop", "replica", pause=10))
        self._at(SCHEDULE["primary"])
        self._fault("primary restarted", lambda: _restart("primary"))
        self._at(SCHEDULE["backup"])
        self._fault("backup under load", self._backup)

    def _kill_worker(self) -> None:
        """Confirm the import prepared before the load, and kill the worker that takes it
        once it is importing."""
        if self.import_pk is None:
            raise RuntimeError("no registry import to interrupt")
        session = self.keeper()
        registry.confirm_import(session, self.run.base, self.import_pk)
        registry.wait_for(session, self.run.base, self.import_pk, {"running"}, seconds=60)
        pid = checks.lease_pid(self.import_pk)
        if pid is None:
            raise RuntimeError(f"registry import {self.import_pk} was not importing")
        name = _worker_named(pid)
        self.notes.append(f"killed {name} (pid {pid}) holding registry import {self.import_pk}")
        ctl("kill", name)
        time.sleep(3)
        ctl("start", name)

    def _backup(self) -> None:
        self.backup_s, self.backup_output = make("backup")

    def start_now(self) -> None:
        self.start = time.time()
        self.thread.start()


def _down_and_up(action: str, name: str, *, pause: float) -> None:
    ctl(action, name)
    time.sleep(pause)
    ctl("start", name)


def _restart(name: str) -> None:
    ctl("restart", name)


def _worker_named(pid: int | None) -> str:
    for name in ("worker1", "worker2"):
        known = pid_of(name)
        if known is None or pid is None:
            continue
        if known == pid or _parent(pid) == known:
            return name
    return "worker1"


def _parent(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("PPid:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None
