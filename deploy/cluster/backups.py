"""Backups of the local cluster and a point-in-time restore into a fresh data directory.

Three kinds of backup, each in its own directory (in production each goes to its own place,
the keys to other custodians than the database: whoever holds both reads the registry):

- ``backup/db/base/<stamp>``: a base backup of the primary (pg_basebackup, checked with
  pg_verifybackup), and ``backup/db/wal``: every WAL segment, archived by the primary itself
  (archive_command, deploy/postgresql/zhucan.conf). Together they give any moment since the
  first base backup.
- ``backup/files/<stamp>/media.tar.gz``: the uploaded files (MEDIA_ROOT).
- ``backup/keys/<stamp>/zhucan.keys``: SECRET_KEY and ZHUCAN_REGISTRY_KEYS (mode 0600).

Each backup ends with a mark (``backup/marks/<time>.json``): the exact row count of every
table at one moment. ``restore <that time>`` must give back exactly those counts.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tarfile
import time
from datetime import UTC, datetime
from pathlib import Path

from deployfiles import cluster_env
from layout import (
    BACKUP,
    LOG,
    PG_BIN,
    PORTS,
    PYTHON,
    REPO,
    VAR,
    ClusterError,
    as_postgres,
    psql,
    read_env_file,
    run,
    say,
)
from processes import app_env, pid_of

BASES = BACKUP / "db" / "base"
WAL = BACKUP / "db" / "wal"
MARKS = BACKUP / "marks"
RESTORE = VAR / "restore"


def now_stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%fZ")


def counts(port: int) -> tuple[str, dict[str, int]]:
    """Every table's row count in one snapshot, and the moment of that snapshot."""
    tables = psql(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
        "AND tablename NOT LIKE 'registry_import_stage_%' ORDER BY 1",
        port=port,
        database="zhucan",
    ).split()
    # One REPEATABLE READ transaction: the snapshot is taken by its first query, and the
    # time read just after it; every commit up to that time is in the counts.
    # Table names from pg_tables, quoted.
    count_sql = "SELECT '{0}', count(*) FROM \"{0}\""
    selects = " UNION ALL ".join(count_sql.format(t) for t in tables)
    sql = (
        "BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT 1;"
        "SELECT 'at', to_char(clock_timestamp() AT TIME ZONE 'UTC', "
        '\'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"\');'
        f"{selects}; COMMIT;"
    )
    out = psql(sql, port=port, database="zhucan").splitlines()
    rows = dict(line.split("|", 1) for line in out if "|" in line)
    at = rows.pop("at")
    return at, {table: int(n) for table, n in rows.items()}


def mark() -> Path:
    """The row counts now, as a restore point; the WAL up to it is archived at once."""
    at, table_counts = counts(PORTS["primary"])
    psql("SELECT pg_switch_wal()", port=PORTS["primary"])
    path = MARKS / f"{at.replace(':', '')}.json"
    path.write_text(json.dumps({"at": at, "counts": table_counts}, indent=1), encoding="utf-8")
    say(f"restore point {at}: {sum(table_counts.values())} rows in {len(table_counts)} tables")
    return path


def backup() -> None:
    began = time.monotonic()
    if not pid_of("primary"):
        raise ClusterError("the primary is not running (make cluster)")
    stamp = now_stamp()
    base = BASES / stamp
    say(f"base backup into {base.relative_to(REPO)}")
    run(
        as_postgres(
            PG_BIN / "pg_basebackup",
            "-h",
            "127.0.0.1",
            "-p",
            str(PORTS["primary"]),
            "-U",
            "postgres",
            "-D",
            base,
            "-X",
            "stream",
            "-c",
            "fast",
            "--manifest-checksums=SHA256",
            "-l",
            f"zhucan {stamp}",
        )
    )
    run(as_postgres(PG_BIN / "pg_verifybackup", "-q", base))
    # A base backup is good for any moment after its end; this is a little after it.
    finished = datetime.now(UTC).isoformat()
    (BASES / f"{stamp}.json").write_text(json.dumps({"finished": finished}), encoding="utf-8")
    db_seconds = time.monotonic() - began

    env = cluster_env()
    files = BACKUP / "files" / stamp
    files.mkdir(parents=True)
    with tarfile.open(files / "media.tar.gz", "w:gz") as tar:
        tar.add(env["MEDIA_ROOT"], arcname="media")
    keys = BACKUP / "keys" / stamp
    keys.mkdir(parents=True, mode=0o700)
    key_file = keys / "zhucan.keys"
    key_file.touch(mode=0o600)
    key_file.write_text(
        f"SECRET_KEY='{env['SECRET_KEY']}'\nZHUCAN_REGISTRY_KEYS='{env['ZHUCAN_REGISTRY_KEYS']}'\n",
        encoding="utf-8",
    )
    point = mark()
    size = sum(f.stat().st_size for f in base.rglob("*") if f.is_file())
    say(
        f"backup {stamp} done in {time.monotonic() - began:.1f} s (database {db_seconds:.1f} s, "
        f"{size / 2**20:.0f} MB); media and keys apart"
    )
    print(
        f"  restore to this point: make restore TARGET_TIME='{json.loads(point.read_text())['at']}'"
    )


def parse_time(text: str) -> datetime:
    moment = datetime.fromisoformat(text.strip().replace(" ", "T", 1))
    if moment.tzinfo is None:
        raise ClusterError(f"give the time zone in TARGET_TIME ({text!r}, say +08:00)")
    return moment


def archive_now() -> None:
    """The WAL segment being written is archived only once full (or archive_timeout later): so
    that the restore can reach the target, finish it and wait until it is in the archive."""
    if not pid_of("primary"):
        say("the primary is not running: restoring from what the archive has")
        return
    # Recovery to a time stops at the first commit after it; a commit now (an xid of its own)
    # gives one even when nothing was written since.
    psql("SELECT txid_current()", port=PORTS["primary"])
    segment = psql("SELECT pg_walfile_name(pg_switch_wal())", port=PORTS["primary"])
    deadline = time.monotonic() + 60
    while not (WAL / segment).exists():
        if time.monotonic() > deadline:
            raise ClusterError(f"WAL segment {segment} did not reach the archive")
        time.sleep(0.2)


def choose_base(target: datetime) -> Path:
    chosen = None
    for info in sorted(BASES.glob("*.json")):
        if datetime.fromisoformat(json.loads(info.read_text())["finished"]) <= target:
            chosen = BASES / info.stem
    if chosen is None:
        raise ClusterError(f"no base backup finished before {target.isoformat()}")
    return chosen


def restore(target_text: str, *, keep: bool) -> None:
    target = parse_time(target_text)
    if target >= datetime.now(UTC):
        raise ClusterError(f"{target.isoformat()} has not come yet")
    began = time.monotonic()
    archive_now()
    base = choose_base(target)
    data = RESTORE / now_stamp()
    say(f"restoring {base.name} + WAL to {target.isoformat()} into {data.relative_to(REPO)}")
    RESTORE.mkdir(parents=True, exist_ok=True)
    shutil.copytree(base, data, symlinks=True)
    for name in ("standby.signal", "postmaster.pid", "backup_manifest"):
        (data / name).unlink(missing_ok=True)
    with (data / "postgresql.auto.conf").open("a", encoding="utf-8") as f:
        f.write(
            "\n# The restore (deploy/cluster/backups.py)\n"
            f"port = {PORTS['restored']}\n"
            # A restored copy must never write into the archive of the live primary.
            "archive_mode = off\n"
            "primary_conninfo = ''\n"
            f"restore_command = 'cp {WAL}/%f %p'\n"
            f"recovery_target_time = '{target.isoformat()}'\n"
            "recovery_target_action = 'promote'\n"
        )
    (data / "recovery.signal").touch()
    subprocess.run(["chown", "-R", "postgres:postgres", str(data)], check=True)  # noqa: S603, S607
    data.chmod(0o700)
    current = RESTORE / "current"
    current.unlink(missing_ok=True)
    current.symlink_to(data.name)
    (LOG / "restored.log").touch()
    shutil.chown(LOG / "restored.log", "postgres", "postgres")
    run(
        as_postgres(
            PG_BIN / "pg_ctl", "-D", data, "-l", LOG / "restored.log", "-w", "-t", "600", "start"
        )
    )
    while psql("SELECT pg_is_in_recovery()", port=PORTS["restored"]) != "f":
        time.sleep(0.2)
    restore_seconds = time.monotonic() - began
    say(f"restored and promoted in {restore_seconds:.1f} s; verifying")
    try:
        verify(target)
    finally:
        if not keep:
            run(as_postgres(PG_BIN / "pg_ctl", "-D", data, "-m", "fast", "-w", "stop"))
    say(
        f"restore done in {time.monotonic() - began:.1f} s "
        f"({'running on port ' + str(PORTS['restored']) if keep else 'stopped'}; "
        f"data directory {data.relative_to(REPO)})"
    )


def latest_keys() -> Path:
    found = sorted((BACKUP / "keys").glob("*/zhucan.keys"))
    if not found:
        raise ClusterError("no key backup")
    return found[-1]


def verify(target: datetime) -> None:
    """Counts against the latest restore point at or before the target, the registry
    decrypted with the backed-up keys, the audit log against the primary's, the audit chain."""
    env = app_env()
    mark_file = None
    for path in sorted(MARKS.glob("*.json")):
        if datetime.fromisoformat(json.loads(path.read_text())["at"]) <= target:
            mark_file = path
    password = env["ZHUCAN_APP_PASSWORD"]
    env["DATABASE_URL"] = f"postgres://zhucan_app:{password}@127.0.0.1:{PORTS['restored']}/zhucan"
    env.pop("DATABASE_REPLICA_URL", None)
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    # The keys from their own backup, not from the running cluster: the key backup is checked too.
    env.update(read_env_file(latest_keys()))
    command = [
        str(PYTHON),
        str(REPO / "deploy" / "cluster" / "verify_restore.py"),
        "--target",
        target.isoformat(),
    ]
    if mark_file:
        command += ["--mark", str(mark_file)]
    if pid_of("primary"):
        command += ["--source", env["DIRECT_DATABASE_URL"]]
    result = subprocess.run(command, env=env, cwd=REPO)  # noqa: S603
    if result.returncode != 0:
        raise ClusterError("the restored copy did not verify")


def main(argv: list[str]) -> None:
    if argv[0] == "backup":
        backup()
    elif argv[0] == "mark":
        mark()
    elif argv[0] == "restore":
        args = [a for a in argv[1:] if a != "--keep"]
        if len(args) != 1:
            raise ClusterError(
                "usage: restore TARGET_TIME [--keep]  (e.g. '2026-12-07 10:30:00+08:00')"
            )
        restore(args[0], keep="--keep" in argv)
    os.sync()
