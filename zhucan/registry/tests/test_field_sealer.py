"""The import's encryption (``crypto.FieldSealer``) stores what ``crypto.encrypt`` stores: the
current key named in front, the field bound in, a fresh nonce for every value."""

from __future__ import annotations

import base64

import pytest

from zhucan.registry import crypto


def test_what_the_sealer_encrypts_decrypts_as_the_field_it_was_sealed_for() -> None:
    ring = crypto.keyring()
    seal = crypto.FieldSealer(ring)
    sealed = seal("410402198503120012", field="id_number")
    assert crypto.key_id(sealed) == ring.current
    assert crypto.decrypt(sealed, field="id_number", ring=ring) == "410402198503120012"
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(sealed, field="phone", ring=ring)


def test_an_empty_value_stays_empty() -> None:
    assert crypto.FieldSealer(crypto.keyring())("", field="phone") == ""


def test_every_value_has_a_nonce_of_its_own_across_blocks_of_nonces(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(crypto.FieldSealer, "NONCES", 3)
    seal = crypto.FieldSealer(crypto.keyring())
    sealed = [seal("13912345678", field="phone").partition("$")[2] for _ in range(10)]
    nonces = [base64.b64decode(body)[:12] for body in sealed]
    assert len(set(nonces)) == 10
