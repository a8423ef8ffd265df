"""The drill's people, signed in before the load (the demo's accounts, docs: zhucan/demo)."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests

from deploy.drill import checks, registry, web
from deploy.drill.cluster import ROOT, MissingPartError
from deploy.drill.common import Run, say

DEMO_PASSWORD = "Zhucan2020demo"  # noqa: S105 - the published demo password
REPORTERS = [
    "yexian_reporter",
    "minzheng_reporter",
    "renshe_reporter",
    "weijian_reporter",
    "jiaoyu_reporter",
    "gonghui_reporter",
    "fulian_reporter",
    "canlian_reporter",
]
COORDINATORS = ["city_officer", "yexian_officer", "xinhua_officer"]
REGISTRY_KEEPER = "xinhua_officer"
# Shares of the load's time at which each fault starts.


def _database_key(url: str) -> str:
    """Which database a TOTP secret belongs to: its port and name."""
    parts = urlsplit(url)
    return f"{parts.port or 5432}{parts.path}"


def sign_everyone_in(run: Run) -> dict[str, list[dict[str, Any]]]:
    secrets = web.Secrets(
        ROOT / "var" / "drill" / "totp.json", _database_key(run.env["DIRECT_DATABASE_URL"])
    )
    sessions: dict[str, list[dict[str, Any]]] = {"reporter": [], "coordinator": []}
    signed: dict[str, requests.Session] = {}
    for role, names in (("reporter", REPORTERS), ("coordinator", COORDINATORS)):
        for name in names:
            session = web.sign_in(
                run.base,
                name,
                DEMO_PASSWORD,
                proxy_https=run.proxy_https,
                secrets=secrets,
                issue_code=checks.issue_enrolment_code,
            )
            signed[name] = session
            entry: dict[str, Any] = {
                "username": name,
                "cookies": {c.name: c.value for c in session.cookies},
                "origin": session.headers["Origin"],
            }
            page = session.get(urljoin(run.base, "/activities/quick/"), timeout=30)
            options = [v for v in registry.options(page.text, "pair") if ":" in v]
            pair = options[0] if options else ""
            campaign = pair.split(":")[0] if pair else ""
            if role == "reporter" and not pair:
                say(f"{name} has no campaign to report for: left out")
                continue
            if not campaign:
                campaign = _first_campaign(session, run.base)
            entry.update(
                pair=pair,
                campaign=campaign,
                date=checks.campaign_date(int(campaign)),
                referer=page.url,
            )
            sessions[role].append(entry)
    if not sessions["reporter"] or not sessions["coordinator"]:
        raise MissingPartError("The demo's reporters or coordinators could not sign in.")
    (run.work / "sessions.json").write_text(json.dumps(sessions, ensure_ascii=False))
    run.env["_keeper_cookies"] = json.dumps(
        {c.name: c.value for c in signed[REGISTRY_KEEPER].cookies}
    )
    return sessions


def _first_campaign(session: requests.Session, base: str) -> str:

    page = session.get(urljoin(base, "/campaigns/"), timeout=30)
    found = re.search(r'href="/campaigns/(\d+)/"', page.text)
    if found is None:
        raise MissingPartError("No campaign on the campaign list: is the demo loaded?")
    return found.group(1)


def keeper_session(run: Run) -> requests.Session:
    session = web.new_session(run.base, proxy_https=run.proxy_https)
    for name, value in json.loads(run.env["_keeper_cookies"]).items():
        session.cookies.set(name, value)
    return session
