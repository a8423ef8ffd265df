"""Key rotation: field keys (re-encrypt) and the blind-index key (re-index), resumable.

Each batch is one transaction that locks its rows and the rotation's ``KeyRotation`` row, and
moves ``last_pk`` on with them: a batch is all or nothing, a concurrent edit waits for it, two
runs at once take turns, and a run that stops (or crashes) resumes after the last batch it
committed. Progress is reported as rows done of rows to do.

Field keys: every ciphertext not under the current (first) key is re-encrypted; once none is
left (the run looks again from the start for rows an old server wrote meanwhile), the other
field keys are retired in ``KeyCheck`` and may be dropped from the configuration.

The blind key: every ``id_index`` is recomputed under the current (first) blind key. Until the
rotation finishes, both keys are configured and searches look under each (``blind_indexes``),
so nobody goes missing and nobody can be registered twice meanwhile; then the old blind key is
retired. Restart every server with the new keys before rotating: a server still on the old
keys would keep writing under them.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from zhucan.core import audit
from zhucan.core.actors import Actor
from zhucan.registry import crypto
from zhucan.registry.models import KeyCheck, KeyKind, KeyRotation, Person

ENCRYPTED = ("id_number", "phone", "address", "guardian_phone")
_COLUMNS = [f"{name}_ct" for name in ENCRYPTED]

# ``progress(done, total)``: rows done so far by this rotation (all runs), of all it will do.
Progress = Callable[[int, int], None]


def _stale(current: str) -> Q:
    condition = Q()
    for column in _COLUMNS:
        condition |= ~Q(**{column: ""}) & ~Q(**{f"{column}__startswith": current + "$"})
    return condition


def _rotation(kind: str, to_key: str) -> KeyRotation:
    rotation, _ = KeyRotation.objects.get_or_create(kind=kind, to_key=to_key)
    return rotation


def _retire(kind: str, keep: str) -> list[str]:
    """Mark every other key of ``kind`` as no longer holding data (servers may drop it)."""
    retiring = KeyCheck.objects.filter(kind=kind, retired_at__isnull=True).exclude(key_id=keep)
    names = sorted(retiring.values_list("key_id", flat=True))
    retiring.update(retired_at=timezone.now())
    return names


def _batch(
    *,
    rotation: KeyRotation,
    rows_for: Callable[[int], list[Person]],
    change: Callable[[Person], list[str]],
    by: Actor | None,
    action: str,
) -> int:
    """One batch after the rotation's ``last_pk``, in one transaction; the rows changed."""
    with transaction.atomic():
        locked = KeyRotation.objects.select_for_update().get(pk=rotation.pk)
        rows = rows_for(locked.last_pk)
        if not rows:
            rotation.last_pk, rotation.done = locked.last_pk, locked.done
            return 0
        changed: dict[str, list[Person]] = {}
        for row in rows:
            for column in change(row):
                changed.setdefault(column, []).append(row)
        # The content is unchanged, so neither ``version`` nor open edit forms are touched.
        for column, people in changed.items():
            Person.objects.bulk_update(people, [column])
        locked.last_pk = rows[-1].pk
        locked.done += len(rows)
        locked.save(update_fields=["last_pk", "done"])
        audit.record(
            by=by,
            action=action,
            changes={"rows": len(rows), "key": locked.to_key, "last_pk": locked.last_pk},
        )
        rotation.last_pk, rotation.done = locked.last_pk, locked.done
        return len(rows)


def _finish(rotation: KeyRotation, *, kind: str, keep: str, by: Actor | None) -> None:
    with transaction.atomic():
        KeyRotation.objects.filter(pk=rotation.pk).update(finished_at=timezone.now())
        retired = _retire(kind, keep)
        if retired:
            audit.record(
                by=by,
                action="registry.keys.retired",
                changes={"kind": kind, "current": keep, "retired": retired},
            )


def rotate_keys(
    *,
    by: Actor | None = None,
    batch_size: int = 1000,
    ring: crypto.Keyring | None = None,
    progress: Progress | None = None,
) -> int:
    """Re-encrypt rows under old field keys, ``batch_size`` at a time; the rows this run
    changed. Resumes after the last committed batch of an earlier run."""
    ring = ring or crypto.keyring()
    stale = _stale(ring.current)
    rotation = _rotation(KeyKind.FIELD, ring.current)

    def rows_for(last: int) -> list[Person]:
        return list(
            Person.objects.select_for_update()
            .filter(stale, pk__gt=last)
            .order_by("pk")
            .only("pk", *_COLUMNS)[:batch_size]
        )

    def change(row: Person) -> list[str]:
        changed = []
        for name, column in zip(ENCRYPTED, _COLUMNS, strict=True):
            sealed = getattr(row, column)
            if sealed and crypto.key_id(sealed) != ring.current:
                clear = crypto.decrypt(sealed, field=name, ring=ring)
                setattr(row, column, crypto.encrypt(clear, field=name, ring=ring))
                changed.append(column)
        return changed

    done = 0
    while True:
        total = rotation.done + Person.objects.filter(stale, pk__gt=rotation.last_pk).count()
        while count := _batch(
            rotation=rotation,
            rows_for=rows_for,
            change=change,
            by=by,
            action="registry.keys.rotated",
        ):
            done += count
            if progress is not None:
                progress(rotation.done, total)
        # Rows before ``last_pk`` written under an old key since (a server not yet restarted):
        # go round again from the start; only a pass that finds nothing finishes.
        if not Person.objects.filter(stale).exists():
            break
        KeyRotation.objects.filter(pk=rotation.pk).update(last_pk=0)
        rotation.last_pk = 0
    _finish(rotation, kind=KeyKind.FIELD, keep=ring.current, by=by)
    return done


def rotate_blind_key(
    *,
    by: Actor | None = None,
    batch_size: int = 1000,
    ring: crypto.Keyring | None = None,
    progress: Progress | None = None,
) -> int:
    """Recompute every person's ``id_index`` under the current blind key; the rows this run
    went through. Resumes after the last committed batch of an earlier run."""
    ring = ring or crypto.keyring()
    rotation = _rotation(KeyKind.BLIND, ring.blind_id)
    if rotation.finished_at is not None:
        return 0

    def rows_for(last: int) -> list[Person]:
        return list(
            Person.objects.select_for_update()
            .filter(pk__gt=last)
            .order_by("pk")
            .only("pk", "id_number_ct", "id_index")[:batch_size]
        )

    def change(row: Person) -> list[str]:
        number = crypto.decrypt(row.id_number_ct, field="id_number", ring=ring)
        index = crypto.blind_index(number, ring=ring)
        if index == row.id_index:
            return []
        row.id_index = index
        return ["id_index"]

    total = rotation.done + Person.objects.filter(pk__gt=rotation.last_pk).count()
    done = 0
    while count := _batch(
        rotation=rotation,
        rows_for=rows_for,
        change=change,
        by=by,
        action="registry.keys.reindexed",
    ):
        done += count
        if progress is not None:
            progress(rotation.done, total)
    _finish(rotation, kind=KeyKind.BLIND, keep=ring.blind_id, by=by)
    return done
