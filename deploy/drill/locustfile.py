"""The deadline peak, as locust users (started headless by ``python -m deploy.drill``).

- Reporters send the quick report from a phone: the form is fetched, its ``client_id`` read
  and sent with a photo, ``X-Requested-With: fetch`` as the page's script sends it. A send that
  fails (refused connection, 502 while a server restarts) is sent again with the same form and
  token, as the script does until the connection returns; now and then a report answered
  with success is sent a second time, like a double tap. Every sending is written down
  (``attempts.jsonl``) for the count against the database afterwards.
- Coordinators open the dashboard, the completeness page, the campaign list and the home page.
- Visitors read the public pages of the city and of 叶县.

Everyone signs in before the load (``sessions.json``, written by the orchestrator): a sign-in
per virtual user would be a different peak, and an app code is good once.
"""

from __future__ import annotations

import io
import itertools
import json
import os
import random
import threading
import time
from pathlib import Path
from typing import Any

from locust import HttpUser, between, events, task
from PIL import Image

from deploy.drill.pages import PUBLIC_PAGES
from deploy.drill.web import PlainJar, inputs

RUN_DIR = Path(os.environ["DRILL_RUN_DIR"])
RUN_ID = os.environ["DRILL_RUN_ID"]
PROXY_HTTPS = os.environ.get("DRILL_PROXY_HTTPS") == "1"
SESSIONS: dict[str, list[dict[str, Any]]] = json.loads((RUN_DIR / "sessions.json").read_text())
RESENDS = 12  # a phone keeps trying; 12 tries a second or two apart outlast a restart
DOUBLE_TAP = 0.1

_lock = threading.Lock()
_serial = itertools.count(1)
_files = {
    name: (RUN_DIR / name).open("a", encoding="utf-8")
    for name in ("attempts.jsonl", "requests.jsonl")
}


def _write(name: str, record: dict[str, Any]) -> None:
    with _lock:
        _files[name].write(json.dumps(record, ensure_ascii=False) + "\n")


@events.request.add_listener
def _every_request(
    request_type: str, name: str, response_time: float, exception: Any, **kwargs: Any
) -> None:
    _write(
        "requests.jsonl",
        {"at": time.time(), "name": name, "ok": exception is None, "ms": round(response_time, 1)},
    )


@events.quitting.add_listener
def _close(**kwargs: Any) -> None:
    with _lock:
        for f in _files.values():
            f.flush()


def _photo() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 900), (120, 160, 200)).save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


PHOTO = _photo()


class SignedIn(HttpUser):
    abstract = True
    role = ""

    def on_start(self) -> None:
        account = random.choice(SESSIONS[self.role])  # noqa: S311 - load, not secrets
        self.account = account
        self.client.cookies = PlainJar()
        for name, value in account["cookies"].items():
            self.client.cookies.set(name, value)
        self.client.headers["Origin"] = account["origin"]
        if PROXY_HTTPS:
            self.client.headers["X-Forwarded-Proto"] = "https"

    def page(self, name: str, path: str) -> Any:
        with self.client.get(path, name=name, catch_response=True) as response:
            if response.ok and "/accounts/login/" in response.url:
                response.failure("signed out")
            return response


class Reporter(SignedIn):
    weight = 5
    role = "reporter"
    wait_time = between(1, 3)

    @task(4)
    def send_quick_report(self) -> None:
        form = self.page("quick report form", "/activities/quick/")
        if not form.ok or "/accounts/login/" in form.url:
            return
        fields = inputs(form.text)
        n = next(_serial)
        data = {
            "csrfmiddlewaretoken": fields.get("csrfmiddlewaretoken", ""),
            "client_id": fields["client_id"],
            "pair": self.account["pair"],
            "category": "visit",
            "title": f"演练 {RUN_ID} #{n}",
            "date": self.account["date"],
            "mode": "in_person",
            "attendance": str(random.randint(5, 80)),  # noqa: S311
            "disabled_served": str(random.randint(1, 30)),  # noqa: S311
            "households": str(random.randint(1, 20)),  # noqa: S311
            "caption": "走访残疾人家庭",
            "nobody_recognisable": "on",
        }
        accepted = self._send(data, "submit report")
        if accepted and random.random() < DOUBLE_TAP:  # noqa: S311
            self._send(data, "submit report (sent twice)")

    def _send(self, data: dict[str, str], name: str) -> bool:
        for attempt in range(RESENDS):
            if attempt:
                time.sleep(1 + random.random())  # noqa: S311
            ok = False
            with self.client.post(
                "/activities/quick/",
                data=data,
                files={"photo": ("现场.jpg", PHOTO, "image/jpeg")},
                headers={"X-Requested-With": "fetch", "Referer": self.account["referer"]},
                name=name if not attempt else f"{name} (resent)",
                catch_response=True,
            ) as response:
                try:
                    ok = response.status_code == 200 and response.json().get("ok") is True
                except ValueError:
                    ok = False
                if not ok:
                    response.failure(f"not saved: {response.status_code}")
            _write(
                "attempts.jsonl",
                {"client_id": data["client_id"], "at": time.time(), "accepted": ok, "name": name},
            )
            if ok:
                return True
            if response.status_code == 400:
                return False  # the form's own errors: sending again changes nothing
        return False

    @task(1)
    def my_reports(self) -> None:
        self.page("report list", "/activities/")


class Coordinator(SignedIn):
    weight = 2
    role = "coordinator"
    wait_time = between(1, 4)

    @task(3)
    def dashboard(self) -> None:
        self.page("dashboard", f"/stats/campaigns/{self.account['campaign']}/")

    @task(3)
    def completeness(self) -> None:
        self.page("completeness", f"/completeness/campaigns/{self.account['campaign']}/")

    @task(2)
    def campaign_list(self) -> None:
        self.page("campaign list", "/campaigns/")

    @task(1)
    def home(self) -> None:
        self.page("home", "/")


class Visitor(HttpUser):
    weight = 5
    wait_time = between(1, 5)

    def on_start(self) -> None:
        if PROXY_HTTPS:
            self.client.headers["X-Forwarded-Proto"] = "https"

    @task
    def read(self) -> None:
        name, path = random.choice(PUBLIC_PAGES)  # noqa: S311
        self.client.get(path, name=name)
