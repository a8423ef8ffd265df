"""python -m deploy.drill [--seconds N] [--users N] [--load-only] [--env FILE]

The deadline-peak drill against the local cluster (``make cluster``), bounded and stopping by
itself (docs/deployment.md, "The drill"):

1. everyone signs in; the signed-in campaign list and a hello-world view are measured through
   nginx with wrk, one after the other (their ratio is the figure, as in ``make bench``);
2. a registry import is started through its pages; locust runs the peak headless for
   ``--seconds``; meanwhile, at set shares of the time: app1 is killed (SIGKILL) and started,
   the worker holding the import is killed and started, the replica stopped and started, the
   primary restarted, and a backup taken;
3. after the load: the import and every job must finish (bounded wait), every page answers,
   every report the drill saw accepted is in the database once, with one photo;
4. the database is restored to the backup's point in time and verified (``make restore``);
5. the figures, and one line ``DRILL key=value …``.

``--load-only`` runs the load against any server in the env file without faults, backup or
restore (a stand-in without the cluster); the line then says ``faults=skipped``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import requests

from deploy.drill import accounting, checks, registry, web
from deploy.drill.cluster import CLUSTER_ENV, ROOT, MissingPartError, make, read_env
from deploy.drill.common import Run, say
from deploy.drill.faults import SETTLE_S, Faults
from deploy.drill.pages import PUBLIC_PATHS
from deploy.drill.report import list_ratio, p95, report
from deploy.drill.signin import keeper_session, sign_everyone_in


def setup_django(env: dict[str, str]) -> None:
    """The ORM on the primary directly: PgBouncer and the replica are part of the faults."""
    os.environ.update(env)
    os.environ["DATABASE_URL"] = env["DIRECT_DATABASE_URL"]
    os.environ.pop("DATABASE_REPLICA_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "zhucan.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


# --- 2. the load and the faults -------------------------------------------------------------


def start_locust(run: Run) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DRILL_RUN_DIR": str(run.work),
        "DRILL_RUN_ID": run.run_id,
        "DRILL_PROXY_HTTPS": "1" if run.proxy_https else "0",
        "PYTHONPATH": str(ROOT),
    }
    command = [
        str(ROOT / ".venv" / "bin" / "locust"),
        "-f",
        str(Path(__file__).with_name("locustfile.py")),
        "--headless",
        "--host",
        run.base,
        "--users",
        str(run.users),
        "--spawn-rate",
        str(max(1, run.users // 5)),
        "--run-time",
        f"{run.seconds}s",
        "--stop-timeout",
        "30",
        "--csv",
        str(run.work / "locust"),
        "--only-summary",
        "--loglevel",
        "WARNING",
        "--exit-code-on-error",
        "0",
    ]
    log = (run.work / "locust.log").open("wb")
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603


# --- 3. after the load ----------------------------------------------------------------------


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def pages_answer(run: Run, sessions: dict[str, list[dict[str, Any]]]) -> list[str]:
    """Every page of the drill once more, after the faults: the ones that do not answer 200."""
    failing = []
    extra = {"X-Forwarded-Proto": "https"} if run.proxy_https else {}
    for path in [*PUBLIC_PATHS, "/healthz", "/readyz"]:
        answer = requests.get(urljoin(run.base, path), headers=extra, timeout=30)
        if answer.status_code != 200:
            failing.append(f"{path} {answer.status_code}")
    coordinator = sessions["coordinator"][0]
    session = web.new_session(run.base, proxy_https=run.proxy_https)
    for name, value in coordinator["cookies"].items():
        session.cookies.set(name, value)
    campaign = coordinator["campaign"]
    for path in [
        "/",
        "/campaigns/",
        f"/stats/campaigns/{campaign}/",
        f"/completeness/campaigns/{campaign}/",
        "/activities/quick/",
    ]:
        answer = session.get(urljoin(run.base, path), timeout=30)
        if answer.status_code != 200 or "/accounts/login/" in answer.url:
            failing.append(f"{path} {answer.status_code}")
    return failing


def wait_for_jobs(run: Run, import_pk: int | None, seconds: float) -> dict[str, Any]:
    from django.db import connections

    connections.close_all()  # the primary restarted under the orchestrator's connection too
    if import_pk is None:
        return {}
    session = keeper_session(run)
    registry.wait_for(
        session, run.base, import_pk, {"done", "failed", "discarded"}, seconds=seconds
    )
    connections.close_all()
    return checks.registry_import(import_pk)


def restore(backup_output: str) -> tuple[float, float, int]:
    """``make restore`` to the point the backup printed; the seconds it took in all, the
    seconds to a promoted copy (as it says, else the same), and the rows it verified."""
    target = re.findall(r"TARGET_TIME='([^']+)'", backup_output)
    if not target:
        raise MissingPartError("make backup did not say which point in time to restore to.")
    seconds, output = make("restore", f"TARGET_TIME={target[-1]}")
    promoted = re.findall(r"restored and promoted in ([\d.]+) s", output)
    rows = 0
    for pattern in (r"restore_rows_verified=(\d+)", r"rows: (\d+) in", r"(\d+) rows verified"):
        found = re.findall(pattern, output)
        if found:
            rows = int(found[-1])
            break
    return seconds, float(promoted[-1]) if promoted else seconds, rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m deploy.drill", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--seconds", type=int, default=int(os.environ.get("DRILL_SECONDS", 240)))
    parser.add_argument("--users", type=int, default=int(os.environ.get("DRILL_USERS", 30)))
    parser.add_argument("--env", type=Path, default=Path(os.environ.get("DRILL_ENV", CLUSTER_ENV)))
    parser.add_argument("--load-only", action="store_true", help="no faults, backup or restore")
    parser.add_argument(
        "--import-rows", type=int, default=int(os.environ.get("DRILL_IMPORT_ROWS", 60000))
    )
    args = parser.parse_args(argv)
    if not 10 <= args.seconds <= 1800:
        parser.error("--seconds must be between 10 and 1800: the drill is bounded")
    env = read_env(args.env)
    run_id = time.strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:4]
    work = ROOT / "var" / "drill" / run_id
    work.mkdir(parents=True)
    run = Run(
        base=env["NGINX_URL"].rstrip("/"),
        env=env,
        work=work,
        run_id=run_id,
        proxy_https=env.get("DRILL_PROXY_HTTPS") == "1",
        seconds=args.seconds,
        users=args.users,
    )
    say(
        f"run {run_id} against {run.base} for {run.seconds} s with {run.users} users; "
        f"files in {work.relative_to(ROOT)}"
    )
    setup_django(env)
    sessions = sign_everyone_in(run)
    say(
        f"signed in: {len(sessions['reporter'])} reporters, "
        f"{len(sessions['coordinator'])} coordinators"
    )
    cookie = "; ".join(f"{k}={v}" for k, v in sessions["coordinator"][0]["cookies"].items())
    figures: dict[str, Any] = {}
    figures.update(list_ratio(run, cookie))

    import_pk = None
    if not args.load_only:
        say(f"registry import of {args.import_rows} rows: upload and dry run")
        data = registry.sheet(args.import_rows, seed=int(time.time()) // 60)
        import_pk = registry.prepare_import(keeper_session(run), run.base, data, work)
        say(f"registry import {import_pk} checked; confirmed when its worker is to be killed")

    faults = Faults(run, import_pk, lambda: keeper_session(run))
    load_began = time.time()
    locust = start_locust(run)
    if not args.load_only:
        faults.start_now()
    try:
        locust.wait(timeout=run.seconds + 120)
    except subprocess.TimeoutExpired:
        locust.kill()
        say("locust did not stop by itself: killed")
    load_s = time.time() - load_began
    if faults.thread.is_alive():
        faults.thread.join(timeout=600)

    from django.conf import settings

    wait_s = 2 * settings.JOB_LEASE_SECONDS + settings.JOB_SWEEP_SECONDS + 60
    job = wait_for_jobs(run, import_pk, wait_s)
    failing = pages_answer(run, sessions)
    attempts = [
        accounting.Attempt(a["client_id"], a["at"], a["accepted"])
        for a in read_jsonl(work / "attempts.jsonl")
    ]
    saved, photos = checks.saved_reports(a.client_id for a in attempts)
    outcome = accounting.tally(attempts, saved, photos)
    titled = checks.reports_titled(f"演练 {run_id} #")
    duplicates = outcome.duplicates + sum(n - 1 for n in titled.values() if n > 1)
    # The drill's import still busy after the wait is stuck too (failed is an answer, not stuck).
    busy = ("checking", "queued", "running")
    stuck = checks.stuck_jobs() + (1 if job and job["status"] in busy else 0)

    requests_log = [
        accounting.Request(r["at"], r["name"], r["ok"], r["ms"])
        for r in read_jsonl(work / "requests.jsonl")
    ]
    by_fault = accounting.errors_by_fault(requests_log, faults.done, settle_s=SETTLE_S)

    restore_total_s, restore_s, rows_verified = 0.0, 0.0, 0
    if not args.load_only and faults.backup_output:
        restore_total_s, restore_s, rows_verified = restore(faults.backup_output)

    report(
        run,
        figures,
        requests_log,
        load_s,
        by_fault,
        faults,
        outcome,
        duplicates,
        stuck,
        job,
        failing,
        titled,
    )
    errors = sum(1 for r in requests_log if not r.ok)
    line = {
        "list_rps_ratio_vs_hello": figures["list_rps_ratio_vs_hello"],
        "list_rps": figures["list_rps"],
        "hello_rps": figures["hello_rps"],
        "hello_view": figures["hello_path"],
        "rps": round(len(requests_log) / load_s, 1) if load_s else 0.0,
        "dashboard_p95_ms": p95(requests_log, lambda n: n in ("dashboard", "completeness")),
        "public_p95_ms": p95(requests_log, lambda n: n.startswith("public")),
        "submit_p95_ms": p95(requests_log, lambda n: n.startswith("submit")),
        "requests": len(requests_log),
        "errors": errors,
        "accepted": outcome.accepted,
        "lost": len(outcome.lost),
        "duplicates": duplicates,
        "stuck_jobs": stuck,
        "pages_failing": len(failing),
        "max_fault_error_s": max((f.window_s for f in by_fault), default=0.0),
        "backup_s": round(faults.backup_s, 1),
        "restore_s": round(restore_s, 1),
        "restore_and_verify_s": round(restore_total_s, 1),
        "restore_rows_verified": rows_verified,
        "import_status": job.get("status", "none") if job else "none",
        "import_attempts": job.get("attempts", 0) if job else 0,
        "import_rows_added": job.get("created", 0) if job else 0,
        "faults": "skipped" if args.load_only else len(faults.done),
        "fault_failures": len(faults.failures),
    }
    print(accounting.drill_line(line), flush=True)
    bad = outcome.lost or duplicates or stuck or failing or faults.failures
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
