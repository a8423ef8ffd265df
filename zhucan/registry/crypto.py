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
docs/configuration.md), never from the database.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
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


@dataclass(frozen=True)
class Keyring:
    current: str
    keys: dict[str, bytes]
    blind: bytes


def parse_keys(spec: str) -> Keyring:
    """``k2:<base64>,k1:<base64>,blind:<base64>``: the first field key encrypts."""
    keys: dict[str, bytes] = {}
    blind = b""
    order: list[str] = []
    for part in spec.split(","):
        part = part.strip()
        if not part:
            continue
        name, _, encoded = part.partition(":")
        if not name or _SEP in name or not encoded:
            raise ImproperlyConfigured(f"Registry key entry {name or '?'!r} is not name:base64")
        try:
            raw = base64.b64decode(encoded, validate=True)
        except binascii.Error as error:
            raise ImproperlyConfigured(f"Registry key {name!r} is not base64") from error
        if len(raw) != 32:
            raise ImproperlyConfigured(f"Registry key {name!r} must be 32 bytes, not {len(raw)}")
        if name == BLIND:
            blind = raw
        else:
            keys[name] = raw
            order.append(name)
    if not order:
        raise ImproperlyConfigured("No registry encryption key is configured")
    if not blind:
        raise ImproperlyConfigured("No registry blind-index key ('blind:…') is configured")
    return Keyring(current=order[0], keys=keys, blind=blind)


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


def blind_index(normalised: str, *, ring: Keyring | None = None) -> str:
    """The keyed search index of a normalised ID number (64 hex characters)."""
    ring = ring or keyring()
    return hmac.new(ring.blind, normalised.encode(), hashlib.sha256).hexdigest()


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
