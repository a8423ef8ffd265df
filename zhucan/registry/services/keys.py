"""Key rotation: re-encrypt every ciphertext that is not under the current key.

Each batch is one transaction that locks its rows, so a batch is all or nothing, a concurrent
edit waits for it, and a run that stops (or is stopped) can simply be started again: it finds
only the rows still under an old key. The blind index has its own key and is not touched.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.db.models import Q

from zhucan.core import audit
from zhucan.registry import crypto
from zhucan.registry.models import Person

ENCRYPTED = ("id_number", "phone", "address", "guardian_phone")


def _stale(current: str) -> Q:
    condition = Q()
    for name in ENCRYPTED:
        column = f"{name}_ct"
        condition |= ~Q(**{column: ""}) & ~Q(**{f"{column}__startswith": current + "$"})
    return condition


def rotate_keys(
    *,
    by: Any = None,
    batch_size: int = 1000,
    ring: crypto.Keyring | None = None,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Re-encrypt rows under old keys, ``batch_size`` at a time; returns how many were changed."""
    ring = ring or crypto.keyring()
    stale = _stale(ring.current)
    fields = [f"{name}_ct" for name in ENCRYPTED]
    done, last = 0, 0
    while True:
        with transaction.atomic():
            rows = list(
                Person.objects.select_for_update()
                .filter(stale, pk__gt=last)
                .order_by("pk")
                .only("pk", *fields)[:batch_size]
            )
            if not rows:
                break
            for row in rows:
                for name in ENCRYPTED:
                    sealed = getattr(row, f"{name}_ct")
                    if sealed and crypto.key_id(sealed) != ring.current:
                        clear = crypto.decrypt(sealed, field=name, ring=ring)
                        setattr(row, f"{name}_ct", crypto.encrypt(clear, field=name, ring=ring))
            # The content is unchanged, so neither ``version`` nor open edit forms are touched.
            Person.objects.bulk_update(rows, fields)
            audit.record(
                by=by,
                action="registry.keys.rotated",
                changes={"rows": len(rows), "key": ring.current},
            )
            done += len(rows)
            last = rows[-1].pk
        if progress is not None:
            progress(done)
    return done
