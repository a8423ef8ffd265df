"""Sealing the audit log into a hash chain, in batches (the check is ``core/seal_check.py``).

The triggers keep the application from rewriting audit entries, but not a database superuser,
nor someone who edits a dump and restores it. The chain makes such an edit visible: each
``AuditSeal`` covers the entries with ids ``first_id``..``last_id`` and holds the SHA-256 of the
previous seal's hash and of every column of every entry in the range (``seal_digest``). Change,
remove or add an entry in a sealed range and the range's hash no longer comes out the same;
remove a seal and the next one no longer follows on.

Why seal in batches rather than hash each entry as it is written: audit entries are written
inside every service's transaction, concurrently; a per-entry chain would need the previous
entry's hash, so every write would wait for one row lock. Here nobody waits: a background task
(``core/tasks.py``, every ``AUDIT_SEAL_MINUTES``) and ``manage.py seal_audit`` seal what has
accumulated.

Why a plain hash and no key (HMAC): an edit that leaves the seals as they were shows at once,
but against someone who also recomputes the seals, a chain shows an edit only if one of its
hashes is known from somewhere the editor cannot reach. Whoever can rewrite the database can
recompute every seal after their change and, key or no key, can cut off the newest entries
together with their seals; a key would not stop the latter, and one kept on the application
servers (next to the database's password) would not stay out of their reach for long. A hash
kept outside the database stops both. So each run logs the latest seal's hash, ``seal_audit`` and
``verify_audit_chain`` print it, and the operator keeps it elsewhere (docs/deployment.md);
``verify_audit_chain --expect LAST_ID:HASH`` then proves that everything up to that seal is as
it was. A key would add a secret that must never be lost or changed, for no protection the kept
hash does not already give.

Which entries may be sealed: an entry gets its id when it is inserted but is seen only when its
transaction commits, so a transaction still open could hold an id below entries already
visible. Sealing past it would leave it outside the seal it belongs in, and the chain would
look broken once it commits. Two guards keep that from happening:
- only entries older than ``AUDIT_SEAL_MARGIN_SECONDS`` are taken (a service's transaction
  lasts well under a second; five minutes by default);
- on PostgreSQL, nothing from after the start of the oldest transaction that is still open and
  has written is taken (``pg_stat_activity``), less ``CLOCK_SLACK`` for the difference between
  the clocks of the application and the database: an import that keeps its transaction open
  for twenty minutes holds sealing back until it commits. The application's sessions all run
  as one role, which sees its own sessions there.
On SQLite one transaction writes at a time, so an entry committed later always has a higher id.
Each run also recomputes the newest seal before extending it and logs an error if it no longer
matches (``recheck_latest``): a late entry (or an edit) is reported within one period.

Two sealers at once (two workers, or the command during a run) take turns on a transaction-level
advisory lock (SQLite's ``IMMEDIATE`` transactions do the same), and the unique ``first_id``
and ``previous_hash`` make a fork impossible even without it. Each seal is one transaction: a
sealer that dies leaves either the whole seal or nothing.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from zhucan.core.models import AuditEntry, AuditSeal

logger = logging.getLogger(__name__)

# The hash input starts with this, so that a future encoding can tell itself apart.
SEAL_FORMAT = "zhucan-audit-seal/1"
# The "previous hash" of the first seal.
GENESIS = "0" * 64
# Entries per seal, at most (a few more if entries written out of id order fall inside).
SEAL_BATCH = 10_000
# Rows fetched at a time while hashing a range.
CHUNK = 5_000
# How far the application's clock and the database's may differ (see the module docstring).
CLOCK_SLACK = timedelta(minutes=1)
# pg_advisory_xact_lock's key for sealing: any fixed number no other code uses.
SEAL_LOCK = 0x7A68_7563_616E_5345

# Every column of an audit entry, in the order they are hashed. A column added to the model
# must be added here too, with a new SEAL_FORMAT (a test compares this with the model).
ENTRY_COLUMNS = (
    "id",
    "at",
    "actor_id",
    "actor_name",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "org_path",
    "changes",
    "ip",
    "user_agent",
    "request_id",
)
_AT = ENTRY_COLUMNS.index("at")


def encode_entry(row: tuple[Any, ...]) -> bytes:
    """One entry (its ``ENTRY_COLUMNS`` values) as one line: a JSON array, keys of the JSON data
    sorted, the time in UTC with microseconds. JSON quotes and escapes every string, so no two
    different entries encode alike, and the line break cannot occur inside a line."""
    values = list(row)
    at = values[_AT]
    values[_AT] = at.astimezone(UTC).isoformat(timespec="microseconds")
    text = json.dumps(values, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.encode("utf-8") + b"\n"


def seal_digest(
    *, first_id: int, last_id: int, previous_hash: str, rows: Iterable[tuple[Any, ...]]
) -> tuple[int, str]:
    """The number of ``rows`` (the range's entries in id order) and the seal's hex SHA-256 over
    the format, the range, the previous hash, every entry, and the count."""
    digest = hashlib.sha256(f"{SEAL_FORMAT}\n{first_id}\n{last_id}\n{previous_hash}\n".encode())
    count = 0
    for row in rows:
        digest.update(encode_entry(row))
        count += 1
    digest.update(f"end {count}\n".encode())
    return count, digest.hexdigest()


def entry_rows(first_id: int, last_id: int) -> Iterator[tuple[Any, ...]]:
    """The entries with ids ``first_id``..``last_id`` in id order, a chunk at a time."""
    return (
        AuditEntry.objects.filter(id__gte=first_id, id__lte=last_id)
        .order_by("id")
        .values_list(*ENTRY_COLUMNS)
        .iterator(chunk_size=CHUNK)
    )


def recompute(seal: AuditSeal) -> tuple[int, str]:
    """What ``seal``'s count and hash come to from the entries as they are now."""
    return seal_digest(
        first_id=seal.first_id,
        last_id=seal.last_id,
        previous_hash=seal.previous_hash,
        rows=entry_rows(seal.first_id, seal.last_id),
    )


def latest_seal() -> AuditSeal | None:
    return AuditSeal.objects.order_by("-last_id").first()


def anchor(seal: AuditSeal) -> str:
    """How the operator writes down a seal to check later: ``LAST_ID:HASH``."""
    return f"{seal.last_id}:{seal.hash}"


def oldest_open_write() -> datetime | None:
    """When the oldest other transaction of this database that has written and not yet ended
    began (PostgreSQL; ``None`` elsewhere or if there is none)."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT min(xact_start) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid() "
            "AND backend_type = 'client backend' AND backend_xid IS NOT NULL"
        )
        row = cursor.fetchone()
    return row[0] if row else None


def sealable_before(now: datetime) -> datetime:
    """Entries written before this may be sealed (the two guards of the module docstring)."""
    limit = now - timedelta(seconds=settings.AUDIT_SEAL_MARGIN_SECONDS)
    oldest = oldest_open_write()
    if oldest is not None:
        limit = min(limit, oldest - CLOCK_SLACK)
    return limit


def _take_turn() -> None:
    """Wait for any other sealer's transaction to end (PostgreSQL; SQLite's IMMEDIATE
    transactions already take turns)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SEAL_LOCK])


def _range_end(first_id: int, limit: datetime, batch: int) -> int | None:
    """The last id of the next seal: the ``batch``-th sealable entry from ``first_id``, or the
    last sealable one if there are fewer."""
    sealable = AuditEntry.objects.filter(id__gte=first_id, at__lt=limit).order_by("id")
    end = list(sealable.values_list("id", flat=True)[batch - 1 : batch])
    if end:
        return end[0]
    last: int | None = sealable.aggregate(last=Max("id"))["last"]
    return last


def seal_next(*, now: datetime, batch: int = SEAL_BATCH) -> AuditSeal | None:
    """Seal the next range, in one transaction; ``None`` when nothing is ready to seal."""
    with transaction.atomic():
        _take_turn()
        # Read after the turn is ours: the seal another sealer just made is the one to extend.
        previous = latest_seal()
        first_id = previous.last_id + 1 if previous else 1
        last_id = _range_end(first_id, sealable_before(now), batch)
        if last_id is None:
            return None
        previous_hash = previous.hash if previous else GENESIS
        count, digest = seal_digest(
            first_id=first_id,
            last_id=last_id,
            previous_hash=previous_hash,
            rows=entry_rows(first_id, last_id),
        )
        return AuditSeal.objects.create(
            first_id=first_id,
            last_id=last_id,
            entries=count,
            previous_hash=previous_hash,
            hash=digest,
        )


def recheck_latest() -> bool:
    """Recompute the newest seal; log an error and return False if it no longer matches."""
    seal = latest_seal()
    if seal is None:
        return True
    count, digest = recompute(seal)
    if (count, digest) == (seal.entries, seal.hash):
        return True
    logger.error(
        "Audit seal %s (entries %s-%s) no longer matches its entries (%s entries, %s when "
        "sealed): run manage.py verify_audit_chain",
        seal.pk,
        seal.first_id,
        seal.last_id,
        count,
        seal.entries,
    )
    return False


@dataclass
class SealRun:
    seals: list[AuditSeal] = field(default_factory=list)
    latest: AuditSeal | None = None
    latest_intact: bool = True

    @property
    def entries(self) -> int:
        return sum(seal.entries for seal in self.seals)


def seal_pending(*, now: datetime | None = None, batch: int = SEAL_BATCH) -> SealRun:
    """Seal every entry that is ready (``sealable_before``), ``batch`` entries a seal.

    No acting user and no audit entry: it is the system's own routine, and the seals are their
    own record (an entry per run would be sealed by the next run, which would write another,
    for ever). ``now`` is for tests.
    """
    now = now or timezone.now()
    run = SealRun(latest_intact=recheck_latest())
    while (seal := seal_next(now=now, batch=batch)) is not None:
        run.seals.append(seal)
    run.latest = run.seals[-1] if run.seals else latest_seal()
    if run.seals and run.latest is not None:
        # The operator's copy of this line, kept outside the database, is what proves later
        # that the chain was not rewritten (docs/deployment.md).
        logger.info(
            "Audit entries %s-%s sealed (%d seals); latest seal %s",
            run.seals[0].first_id,
            run.latest.last_id,
            len(run.seals),
            anchor(run.latest),
        )
    return run
