"""Encryption of personal data in the application, before it reaches the database.

AES-256-GCM (authenticated: a changed byte fails to decrypt rather than giving wrong digits).
Each ciphertext names its key (``k2$<base64 of nonce and ciphertext>``), so several keys can be
live at once and ``rotate_registry_keys`` re-encrypts old rows in batches with the current key.
The field name is bound in as associated data: a phone ciphertext pasted into the ID column does
not decrypt.

The exact-match search on ID numbers goes through a keyed blind index (HMAC-SHA256 with its own
key) of the normalised number: equal numbers give equal indexes, and without the key the index
says nothing about the digits.

Keys come from ``settings.REGISTRY_KEYS`` (the environment or a private file, see
docs/configuration.md), never from the database. The blind index has keys of its own, named
``blind…``: the first indexes, any other is still searched (``blind_indexes``) while
``rotate_registry_keys`` recomputes the index. The database keeps only ``check_value`` of each
key, so that a wrong or missing key stops the start (``registry.keycheck``).
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import hashlib
import hmac
import os
import re
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

BLIND = "blind"
_SEP = "$"


class DecryptionError(Exception):
    """A ciphertext that no configured key opens (wrong key, or tampered with)."""


# A key's id is stored in front of every ciphertext and in the key-check table: short and plain.
_KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,40}$")


@dataclass(frozen=True)
class Keyring:
    current: str
    keys: dict[str, bytes]
    blind: bytes
    # Blind-index keys are named ``blind`` or ``blind…`` (``blind2``); the first one listed
    # indexes, the others (``old_blinds``) are still searched while a blind rotation runs.
    blind_id: str = BLIND
    old_blinds: dict[str, bytes] = dataclasses.field(default_factory=dict)

    @property
    def blinds(self) -> dict[str, bytes]:
        """Every blind-index key, the current one first."""
        return {self.blind_id: self.blind, **self.old_blinds}


def is_blind(name: str) -> bool:
    return name.startswith(BLIND)


def key_problems(spec: str) -> list[str]:
    """Everything wrong with a key specification, as sentences (empty when it is usable)."""
    problems: list[str] = []
    seen: set[str] = set()
    fields = blinds = 0
    for part in spec.split(","):
        part = part.strip()
        if not part:
            continue
        name, _, encoded = part.partition(":")
        if not _KEY_ID.match(name) or not encoded:
            shown = name if _KEY_ID.match(name) else "?"
            problems.append(f"Registry key entry {shown!r} is not id:base64 (id: letters, digits).")
            continue
        if name in seen:
            problems.append(f"Registry key id {name!r} is listed twice.")
        seen.add(name)
        try:
            raw = base64.b64decode(encoded, validate=True)
        except binascii.Error:
            problems.append(f"Registry key {name!r} is not valid base64.")
            continue
        if len(raw) != 32:
            problems.append(f"Registry key {name!r} must be 32 bytes, not {len(raw)}.")
        if is_blind(name):
            blinds += 1
        else:
            fields += 1
    if not fields:
        problems.append("No registry encryption key is configured.")
    if not blinds:
        problems.append("No registry blind-index key ('blind:…') is configured.")
    return problems


def parse_keys(spec: str) -> Keyring:
    """``k2:<base64>,k1:<base64>,blind:<base64>``: the first field key encrypts, the first
    blind key indexes. Refuses anything ``key_problems`` finds."""
    problems = key_problems(spec)
    if problems:
        raise ImproperlyConfigured(" ".join(problems))
    keys: dict[str, bytes] = {}
    blinds: dict[str, bytes] = {}
    for part in filter(None, (p.strip() for p in spec.split(","))):
        name, _, encoded = part.partition(":")
        (blinds if is_blind(name) else keys)[name] = base64.b64decode(encoded, validate=True)
    blind_id = next(iter(blinds))
    return Keyring(
        current=next(iter(keys)),
        keys=keys,
        blind=blinds.pop(blind_id),
        blind_id=blind_id,
        old_blinds=blinds,
    )


@lru_cache(maxsize=4)
def _keyring(spec: str) -> Keyring:
    return parse_keys(spec)


def keyring() -> Keyring:
    return _keyring(settings.REGISTRY_KEYS)


@lru_cache(maxsize=16)
def _aead(key: bytes) -> AESGCM:
    return AESGCM(key)


def encrypt(value: str, *, field: str, ring: Keyring | None = None) -> str:
    """Encrypt with the current key; an empty value stays empty (nothing to protect)."""
    if not value:
        return ""
    ring = ring or keyring()
    nonce = os.urandom(12)
    sealed = _aead(ring.keys[ring.current]).encrypt(nonce, value.encode(), field.encode())
    return ring.current + _SEP + base64.b64encode(nonce + sealed).decode("ascii")


class FieldSealer:
    """``encrypt`` for many values in a row, as an import makes them: the key, its AES-GCM
    object and the field names' bytes looked up once, and the nonces read from the system's
    random source a block at a time (one read per row and field was a fifth of the cost of
    encrypting a sheet). Each nonce is still 12 fresh random bytes, used once. A sealer
    belongs to one run in one process: made where it is used, never kept across a fork."""

    NONCES = 1024  # per read of the random source

    def __init__(self, ring: Keyring) -> None:
        self._prefix = ring.current + _SEP
        self._seal = _aead(ring.keys[ring.current]).encrypt
        self._fields: dict[str, bytes] = {}
        self._nonces = b""
        self._next = 0

    def __call__(self, value: str, *, field: str) -> str:
        """What ``encrypt(value, field=field)`` returns (another nonce, the same key)."""
        if not value:
            return ""
        aad = self._fields.get(field)
        if aad is None:
            aad = self._fields[field] = field.encode()
        start = self._next
        if start >= len(self._nonces):
            self._nonces, start = os.urandom(12 * self.NONCES), 0
        self._next = start + 12
        nonce = self._nonces[start : start + 12]
        sealed = self._seal(nonce, value.encode(), aad)
        return self._prefix + base64.b64encode(nonce + sealed).decode("ascii")


def key_id(ciphertext: str) -> str:
    return ciphertext.partition(_SEP)[0] if ciphertext else ""


def decrypt(ciphertext: str, *, field: str, ring: Keyring | None = None) -> str:
    if not ciphertext:
        return ""
    ring = ring or keyring()
    name, _, body = ciphertext.partition(_SEP)
    key = ring.keys.get(name)
    if key is None:
        raise DecryptionError(f"key {name!r} is not configured")
    try:
        raw = base64.b64decode(body)
        return _aead(key).decrypt(raw[:12], raw[12:], field.encode()).decode()
    except (InvalidTag, binascii.Error, ValueError) as error:
        raise DecryptionError(f"cannot decrypt {field}") from error


def blind_index(normalised: str, *, ring: Keyring | None = None, key: bytes = b"") -> str:
    """The keyed search index of a normalised ID number (64 hex characters), under the current
    blind key unless ``key`` is given."""
    ring = ring or keyring()
    # The one-shot digest: the same HMAC as ``hmac.new(...).hexdigest()``, computed by OpenSSL
    # without a Python HMAC object (an import computes one for every row).
    return hmac.digest(key or ring.blind, normalised.encode(), "sha256").hex()


def blind_indexes(normalised: str, *, ring: Keyring | None = None) -> list[str]:
    """The number's index under every blind key, the current one first: a search finds people
    whose row the blind rotation has not reached yet."""
    ring = ring or keyring()
    return [blind_index(normalised, ring=ring, key=key) for key in ring.blinds.values()]


_CHECK_LABEL = b"zhucan registry key check v1"


def check_value(key: bytes) -> str:
    """A fingerprint of a key for the key-check table: an HMAC of a fixed label, which says
    whether a configured key is the one the data was written with and nothing about the key."""
    return hmac.new(key, _CHECK_LABEL, hashlib.sha256).hexdigest()


# Whole files (an uploaded sheet waiting for its import): the same keys and AES-GCM, as bytes
# ``<key name>$<nonce><ciphertext>``, with ``purpose`` bound in as the field name is above.
def encrypt_bytes(data: bytes, *, purpose: str, ring: Keyring | None = None) -> bytes:
    if not data:
        return b""
    ring = ring or keyring()
    nonce = os.urandom(12)
    sealed = _aead(ring.keys[ring.current]).encrypt(nonce, data, purpose.encode())
    return ring.current.encode() + _SEP.encode() + nonce + sealed


def decrypt_bytes(sealed: bytes, *, purpose: str, ring: Keyring | None = None) -> bytes:
    if not sealed:
        return b""
    ring = ring or keyring()
    name, sep, body = bytes(sealed).partition(_SEP.encode())
    key = ring.keys.get(name.decode("ascii", "replace")) if sep else None
    if key is None:
        raise DecryptionError(f"no configured key opens this {purpose}")
    try:
        return _aead(key).decrypt(body[:12], body[12:], purpose.encode())
    except (InvalidTag, ValueError) as error:
        raise DecryptionError(f"cannot decrypt {purpose}") from error
