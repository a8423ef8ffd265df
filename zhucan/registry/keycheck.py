"""The configured registry keys against the check values the database keeps (``KeyCheck``).

A key that is missing or wrong does not fail loudly by itself: ciphertexts simply do not open
and blind indexes simply do not match, so ID search finds nobody and an import adds everyone a
second time. The database therefore keeps, per key id, an HMAC of a fixed label under the key
(``crypto.check_value``; it says nothing about the key). Every start compares:

- a configured key whose check value differs from the recorded one is the wrong key;
- a recorded key that no rotation has retired and that is not configured is a missing key;
- a key seen for the first time is tried on the data before it is recorded (an existing
  database from before this table, or a new field key for a rotation): a field key must open a
  ciphertext stored under its id, and the first blind key must give a stored index.

The first start on an empty database records the configured keys; two servers doing that at
once insert with ``ignore_conflicts`` and then both compare against what won. Run by the
database system check (``check --database default``, ``migrate``), at web start (``wsgi``),
before each background task and by the commands that write the registry.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction

from zhucan.registry import crypto
from zhucan.registry.models import KeyCheck, KeyKind, Person

DOCS = "see docs/configuration.md (registry keys)"


class KeyCheckError(ImproperlyConfigured):
    """The configured registry keys are not the ones the database was written with."""


def _configured(ring: crypto.Keyring) -> dict[str, tuple[str, bytes]]:
    keys = {name: (KeyKind.FIELD.value, key) for name, key in ring.keys.items()}
    keys.update({name: (KeyKind.BLIND.value, key) for name, key in ring.blinds.items()})
    return keys


def _opens(name: str, ring: crypto.Keyring) -> bool:
    """Whether a field key opens one ID-number ciphertext stored under its id (True if none)."""
    sealed = (
        Person.objects.filter(id_number_ct__startswith=name + "$")
        .values_list("id_number_ct", flat=True)
        .first()
    )
    if sealed is None:
        return True
    try:
        crypto.decrypt(sealed, field="id_number", ring=ring)
    except crypto.DecryptionError:
        return False
    return True


def _first_record_problems(ring: crypto.Keyring) -> list[str]:
    """Before anything is recorded (a database from before this table): one stored person must
    be under a configured key that opens it, and a configured blind key must give its index."""
    first = Person.objects.order_by("pk").values_list("id_number_ct", "id_index").first()
    if first is None:
        return []
    sealed, stored = first
    name = crypto.key_id(sealed)
    if name not in ring.keys:
        return [
            f"The registry holds data under the key {name!r}, which is not configured. "
            f"Add it to ZHUCAN_REGISTRY_KEYS; {DOCS}."
        ]
    try:
        number = crypto.decrypt(sealed, field="id_number", ring=ring)
    except crypto.DecryptionError:
        return []  # reported by _opens as the wrong key
    if stored not in crypto.blind_indexes(number, ring=ring):
        return [
            "No configured blind-index key gives the search index stored in the database: ID "
            "search would find nobody and an import would add registered people again. Restore "
            f"the blind key the registry was indexed with; {DOCS}."
        ]
    return []


def _first_sight_problems(new: list[str], ring: crypto.Keyring, first_record: bool) -> list[str]:
    problems = [
        f"Registry key {name!r} does not open the data stored under its id: it is not the key "
        f"that data was written with. Restore that key; {DOCS}."
        for name in new
        if name in ring.keys and not _opens(name, ring)
    ]
    if first_record:
        problems += _first_record_problems(ring)
    return problems


def key_check_problems(ring: crypto.Keyring, *, record: bool = True) -> list[str]:
    """What is wrong with ``ring`` against the database, as sentences; records new keys."""
    configured = _configured(ring)
    recorded = {row.key_id: row for row in KeyCheck.objects.all()}
    problems = []
    for name, (kind, key) in configured.items():
        row = recorded.get(name)
        if row is not None and (row.kind != kind or row.check_value != crypto.check_value(key)):
            problems.append(
                f"Registry key {name!r} is not the key the database was written with (its check "
                f"value differs). Restore the right key; never make a new one; {DOCS}."
            )
    for name, row in recorded.items():
        if row.retired_at is None and name not in configured:
            problems.append(
                f"The registry holds data under the {row.get_kind_display()} key {name!r}, which "
                f"is not configured. Add it back to ZHUCAN_REGISTRY_KEYS; {DOCS}."
            )
    # A retired key put first again writes data again: it may no longer be dropped unnoticed.
    writing = [ring.current, ring.blind_id]
    if record and not problems:
        KeyCheck.objects.filter(key_id__in=writing, retired_at__isnull=False).update(
            retired_at=None
        )
    new = [name for name in configured if name not in recorded]
    if problems or not new:
        return problems
    problems = _first_sight_problems(new, ring, first_record=not recorded)
    if problems or not record:
        return problems
    with transaction.atomic():
        KeyCheck.objects.bulk_create(
            [
                KeyCheck(
                    key_id=name,
                    kind=configured[name][0],
                    check_value=crypto.check_value(configured[name][1]),
                )
                for name in new
            ],
            ignore_conflicts=True,
        )
    # Another server may have recorded the same id at the same moment: compare with what won.
    return key_check_problems(ring, record=False)


def _table_exists() -> bool:
    return KeyCheck._meta.db_table in connection.introspection.table_names()


def verify_keys(*, spec: str | None = None) -> None:
    """Raise ``KeyCheckError`` naming every problem with the configured keys (a start fails)."""
    ring = crypto.parse_keys(settings.REGISTRY_KEYS if spec is None else spec)
    if not _table_exists():
        raise KeyCheckError(
            "The database has no registry key-check table yet: run manage.py migrate first."
        )
    problems = key_check_problems(ring)
    if problems:
        raise KeyCheckError(" ".join(problems))


_verified: set[str] = set()


def ensure_verified() -> None:
    """``verify_keys`` once per process and key setting (before each background task)."""
    spec = settings.REGISTRY_KEYS
    if spec not in _verified:
        verify_keys(spec=spec)
        _verified.add(spec)


def verify_before_task(**kwargs: Any) -> None:
    ensure_verified()
