"""The figures: the signed-in list against hello-world, and the load's table."""

from __future__ import annotations

import shutil
import statistics
from collections import defaultdict
from collections.abc import Callable
from typing import Any
from urllib.parse import urljoin

import requests

from deploy.drill import accounting
from deploy.drill.cluster import MissingPartError
from deploy.drill.common import Run, say
from deploy.drill.faults import Faults

WRK_SECONDS, WRK_ROUNDS = 5, 3

# --- 1. the signed-in list against hello-world through nginx -------------------------------


def list_ratio(run: Run, cookie: str) -> dict[str, float]:
    wrk = shutil.which("wrk")
    if wrk is None:
        raise MissingPartError("wrk is missing: apt-get install wrk")
    from bench.public_pages import _wrk

    extra = ("X-Forwarded-Proto: https",) if run.proxy_https else ()
    hello_path = "/bench-hello/"
    probe = requests.get(
        urljoin(run.base, hello_path), headers=dict(h.split(": ") for h in extra), timeout=10
    )
    if probe.status_code != 200:
        # The servers run zhucan.settings, without the benchmark's URLconf: the liveness probe
        # is the same kind of view (no database, the whole middleware stack, a tiny answer).
        hello_path = "/healthz"
    page, hello = urljoin(run.base, "/campaigns/"), urljoin(run.base, hello_path)
    signed_in = (*extra, f"Cookie: {cookie}")
    _wrk(wrk, page, seconds=1, headers=signed_in)
    _wrk(wrk, hello, seconds=1, headers=extra)
    pages, hellos = [], []
    for n in range(WRK_ROUNDS):
        hellos.append(_wrk(wrk, hello, seconds=WRK_SECONDS, headers=extra))
        pages.append(_wrk(wrk, page, seconds=WRK_SECONDS, headers=signed_in))
        say(
            f"round {n + 1}: hello ({hello_path}) {hellos[-1]:.0f}/s, "
            f"signed-in list {pages[-1]:.0f}/s"
        )
    page_rps, hello_rps = statistics.median(pages), statistics.median(hellos)
    return {
        "list_rps": round(page_rps, 1),
        "hello_rps": round(hello_rps, 1),
        "list_rps_ratio_vs_hello": round(page_rps / hello_rps, 3),
        "hello_path": hello_path,  # type: ignore[dict-item]
    }


def p95(log: list[accounting.Request], which: Callable[[str], bool]) -> float:
    return round(accounting.percentile([r.ms for r in log if r.ok and which(r.name)], 0.95), 1)


def report(
    run: Run,
    figures: dict[str, Any],
    log: list[accounting.Request],
    load_s: float,
    by_fault: list[accounting.FaultErrors],
    faults: Faults,
    outcome: accounting.Outcome,
    duplicates: int,
    stuck: int,
    job: dict[str, Any],
    failing: list[str],
    titled: dict[str, int],
) -> None:
    print()
    say(
        f"signed-in list {figures['list_rps']}/s, hello ({figures['hello_path']}) "
        f"{figures['hello_rps']}/s, one after the other through the same server"
    )
    say(
        f"{len(log)} requests in {load_s:.0f} s: {len(log) / load_s:.1f}/s, "
        f"{sum(1 for r in log if not r.ok)} errors"
    )
    by_name: dict[str, list[accounting.Request]] = defaultdict(list)
    for r in log:
        by_name[r.name].append(r)
    print(
        f"  {'page':34} {'requests':>8} {'errors':>6} {'rps':>6} {'p50':>7} {'p95':>7} {'p99':>7}"
    )
    for name in sorted(by_name):
        rows = by_name[name]
        ms = [r.ms for r in rows if r.ok]
        errors = sum(1 for r in rows if not r.ok)
        p50, p95_, p99 = (accounting.percentile(ms, share) for share in (0.5, 0.95, 0.99))
        print(
            f"  {name:34} {len(rows):8d} {errors:6d} {len(rows) / load_s:6.1f} "
            f"{p50:7.0f} {p95_:7.0f} {p99:7.0f}"
        )
    for counted in by_fault:
        pages = ", ".join(f"{k} {v}" for k, v in counted.failed_pages.most_common(4))
        where = f" ({pages})" if pages else ""
        say(f"fault {counted.name}: {counted.errors} errors over {counted.window_s:.1f} s{where}")
    for note in faults.notes:
        say(note)
    for failure in faults.failures:
        say(f"FAULT NOT INJECTED: {failure}")
    say(
        f"reports accepted {outcome.accepted}, lost {len(outcome.lost)}, duplicates {duplicates}, "
        f"saved though unanswered {outcome.saved_unanswered}, "
        f"this run's reports in the database {len(titled)}"
    )
    for token in outcome.lost[:10]:
        say(f"  lost: {token}")
    if job:
        say(f"registry import: {job}")
    say(f"stuck jobs {stuck}; pages not answering: {', '.join(failing) or 'none'}")
