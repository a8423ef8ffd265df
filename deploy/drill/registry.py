"""A registry import through the pages, as a county's registry keeper does it: upload the
sheet, keep the guessed columns, wait for the dry run, confirm. The drill kills the worker that
holds it while it imports; afterwards the import must be done once, with every row counted."""

from __future__ import annotations

import re
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import requests

from deploy.drill.web import inputs

SELECT = re.compile(r'<select\b[^>]*\bname="([^"]+)"[^>]*>(.*?)</select>', re.S | re.I)
SELECTED = re.compile(r'<option\b[^>]*\bvalue="([^"]*)"[^>]*\bselected\b', re.I)


def selects(page: str) -> dict[str, str]:
    """Name → chosen value of each <select> on a page ("" when none is chosen)."""
    found = {}
    for name, options in SELECT.findall(page):
        chosen = SELECTED.search(options)
        found[name] = chosen.group(1) if chosen else ""
    return found


def options(page: str, name: str) -> list[str]:
    """The values of the options of the <select> called ``name``, in order."""
    for select_name, body in SELECT.findall(page):
        if select_name == name:
            return re.findall(r'<option\b[^>]*\bvalue="([^"]*)"', body)
    return []


def problems(page: str) -> str:
    """The error summary of a page, as text."""
    found = re.search(r'class="error-summary__list">(.*?)</ul>', page, re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(1))).strip() if found else ""


def sheet(rows: int, *, seed: int) -> bytes:
    """A register of ``rows`` people of 新华区 with valid, run-specific ID numbers (the day of
    birth moves with ``seed``: 900 people a day, so 60,000 rows take 67 days, and runs a minute
    apart start 70 days apart; another run's people are new people, all 60,000 added)."""
    from zhucan.registry.idnumbers import check_character
    from zhucan.testing.registry_sheets import fast_xlsx

    start = date(1940, 1, 1) + timedelta(days=seed * 70 % 25_000)
    body = []
    for n in range(rows):
        born = (start + timedelta(days=n // 900)).strftime("%Y%m%d")
        first17 = f"410402{born}{n % 900 + 100:03d}"
        number = first17 + check_character(first17)
        body.append(
            [
                n + 1,
                f"演练{n}",
                number,
                f"{number}42",  # the certificate: ID number, category 4 (肢体), grade 2
                "肢体",
                "二级",
                f"139{n:08d}",
                "新华区光明路街道",
            ]
        )
    return fast_xlsx(body)


def _progress(session: requests.Session, base: str, pk: int) -> dict[str, Any]:
    answer = session.get(urljoin(base, f"/registry/imports/{pk}/progress/"), timeout=30)
    answer.raise_for_status()
    data: dict[str, Any] = answer.json()
    return data


def wait_for(
    session: requests.Session, base: str, pk: int, statuses: set[str], *, seconds: float
) -> dict[str, Any]:
    """Poll the job's progress (as its page does, which also recovers a job whose worker
    died) until its status is one of ``statuses``; the last answer either way."""
    deadline = time.monotonic() + seconds
    last: dict[str, Any] = {}
    while time.monotonic() < deadline:
        try:
            last = _progress(session, base, pk)
        except (requests.RequestException, ValueError):
            time.sleep(1)
            continue
        if last.get("status") in statuses:
            return last
        time.sleep(1)
    return last


def prepare_import(session: requests.Session, base: str, data: bytes, work: Path) -> int:
    """Upload, keep the guessed columns and wait for the dry run; the job's id."""
    page = session.get(urljoin(base, "/registry/imports/"), timeout=30)
    page.raise_for_status()
    form = {**inputs(page.text), **selects(page.text)}
    (work / "register.xlsx").write_bytes(data)
    answer = session.post(
        page.url,
        data={
            "csrfmiddlewaretoken": form["csrfmiddlewaretoken"],
            # The county's committee: the first organisation its coordinator keeps.
            "organisation": form["organisation"] or options(page.text, "organisation")[1],
        },
        files={"file": ("演练花名册.xlsx", data, "application/octet-stream")},
        headers={"Referer": page.url},
        timeout=300,
    )
    found = re.search(r"/registry/imports/(\d+)/$", answer.url)
    if found is None:
        raise RuntimeError(
            f"The registry upload was not accepted ({answer.status_code}): {problems(answer.text)}"
        )
    pk = int(found.group(1))
    mapping = {**inputs(answer.text), **selects(answer.text)}
    columns = {k: v for k, v in mapping.items() if k.startswith("col_")}
    session.post(
        answer.url,
        data={"csrfmiddlewaretoken": mapping["csrfmiddlewaretoken"], **columns},
        headers={"Referer": answer.url},
        timeout=60,
    ).raise_for_status()
    checked = wait_for(session, base, pk, {"checked", "failed", "discarded"}, seconds=600)
    if checked.get("status") != "checked":
        raise RuntimeError(f"The registry dry run ended {checked}.")
    detail = session.get(urljoin(base, f"/registry/imports/{pk}/"), timeout=30)
    if 'name="scope" value="all"' not in detail.text:
        raise RuntimeError(f"The drill's sheet has problems: see {detail.url}")
    return pk


def confirm_import(session: requests.Session, base: str, pk: int) -> None:
    """Import all the rows, people already registered skipped. Tried again while the servers
    do not answer (an earlier fault may still be settling): the same confirmation twice is
    one import."""
    deadline = time.monotonic() + 60
    while True:
        try:
            detail = session.get(urljoin(base, f"/registry/imports/{pk}/"), timeout=30)
            detail.raise_for_status()
            session.post(
                urljoin(base, f"/registry/imports/{pk}/confirm/"),
                data={
                    "csrfmiddlewaretoken": inputs(detail.text)["csrfmiddlewaretoken"],
                    "duplicates": "skip",
                    "scope": "all",
                },
                headers={"Referer": detail.url},
                timeout=60,
            ).raise_for_status()
            return
        except (requests.RequestException, KeyError):
            if time.monotonic() > deadline:
                raise
            time.sleep(2)
