"""Checking the audit chain (``core/seals.py``): ``manage.py verify_audit_chain`` and the check
of a restored backup.

Every seal is recomputed from the entries as they are now, in order, and the first that fails
is reported with its range and the check that failed:

- ``gap``: the seal does not start right after the previous one (a seal was removed, or one
  was slipped in), or the first does not start at entry 1;
- ``linkage``: its "previous hash" is not the previous seal's hash;
- ``count``: its range holds another number of entries than when it was sealed (one removed,
  or one added);
- ``hash``: the entries, or the seal itself, are not what was sealed (an edit);
- ``anchor``: a seal the operator wrote down (``--expect LAST_ID:HASH``) is missing or has
  another hash: the chain was recomputed after a change, or cut short.

The entries after the last seal are not covered yet; their number is reported.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction

from zhucan.core.models import AuditEntry, AuditSeal
from zhucan.core.seals import GENESIS, recompute


@dataclass(frozen=True)
class Break:
    """The first thing found wrong: which check, on which seal (``None``: no seal)."""

    check: str
    detail: str
    seal_id: int | None = None
    first_id: int | None = None
    last_id: int | None = None

    def __str__(self) -> str:
        where = (
            f"seal {self.seal_id} (entries {self.first_id}-{self.last_id})"
            if self.seal_id is not None
            else "the chain"
        )
        return f"{where}: {self.check} check failed: {self.detail}"


@dataclass
class ChainReport:
    seals: int = 0
    entries: int = 0
    unsealed: int = 0
    oldest_unsealed: datetime | None = None
    latest: AuditSeal | None = None
    broken: Break | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.broken is None


def parse_anchor(text: str) -> tuple[int, str]:
    """``LAST_ID:HASH`` as ``seal_audit`` and ``verify_audit_chain`` print it."""
    last_id, sep, digest = text.strip().partition(":")
    digest = digest.lower()
    hexadecimal = len(digest) == 64 and all(c in "0123456789abcdef" for c in digest)
    if not sep or not last_id.isdigit() or not hexadecimal:
        raise ValueError(f"not LAST_ID:HASH (a number, a colon, 64 hex digits): {text!r}")
    return int(last_id), digest


def _check(seal: AuditSeal, first_id: int, previous_hash: str) -> Break | None:
    def broken(check: str, detail: str) -> Break:
        return Break(check, detail, seal.pk, seal.first_id, seal.last_id)

    if seal.first_id > first_id:
        return broken("gap", f"entries {first_id}-{seal.first_id - 1} are in no seal")
    if seal.first_id < first_id:
        return broken("gap", f"it overlaps the previous seal, which ends at {first_id - 1}")
    if seal.previous_hash != previous_hash:
        return broken(
            "linkage",
            f"previous hash {seal.previous_hash} is not the previous seal's {previous_hash}",
        )
    count, digest = recompute(seal)
    if count != seal.entries:
        return broken("count", f"{count} entries in the range, {seal.entries} when sealed")
    if digest != seal.hash:
        return broken("hash", f"the entries hash to {digest}, the seal holds {seal.hash}")
    return None


def verify_chain(
    *, from_seal: int | None = None, expect: Mapping[int, str] | None = None
) -> ChainReport:
    """Recompute the chain (from seal ``from_seal``, taking the seal before it as given) and
    check the seals in ``expect`` (last entry id: hash). Stops at the first break."""
    started = time.monotonic()
    expect = dict(expect or {})
    report = ChainReport()
    # One transaction: one connection throughout, and on PostgreSQL the entries stream from a
    # cursor that is not materialised first as it would be outside a transaction.
    with transaction.atomic():
        seals = AuditSeal.objects.order_by("first_id")
        first_id, previous_hash = 1, GENESIS
        if from_seal is not None:
            start = AuditSeal.objects.get(pk=from_seal)
            seals = seals.filter(first_id__gte=start.first_id)
            before = AuditSeal.objects.filter(last_id__lt=start.first_id).order_by("-last_id")
            previous = before.first()
            if previous is not None:
                first_id, previous_hash = previous.last_id + 1, previous.hash
            expect = {k: v for k, v in expect.items() if k >= start.first_id}
        for seal in seals.iterator(chunk_size=1000):
            report.broken = _check(seal, first_id, previous_hash)
            if report.broken is None and seal.last_id in expect:
                kept = expect.pop(seal.last_id)
                if kept != seal.hash:
                    report.broken = Break(
                        "anchor",
                        f"its hash is {seal.hash}, the one kept is {kept}",
                        seal.pk,
                        seal.first_id,
                        seal.last_id,
                    )
            if report.broken is not None:
                break
            report.seals += 1
            report.entries += seal.entries
            report.latest = seal
            first_id, previous_hash = seal.last_id + 1, seal.hash
        if report.broken is None and expect:
            missing = min(expect)
            report.broken = Break("anchor", f"no seal ends at entry {missing}, as one kept says")
        after = AuditEntry.objects.filter(id__gte=first_id).order_by("id")
        report.unsealed = after.count()
        report.oldest_unsealed = after.values_list("at", flat=True).first()
    report.seconds = time.monotonic() - started
    return report
