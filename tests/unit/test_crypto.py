"""Sealing at rest (alertbot/crypto.py, decision 0033): AES-256-GCM, bound to its record."""

from __future__ import annotations

import base64

import pytest

from alertbot.crypto import (
    HEADER_BYTES,
    DataKeyError,
    Keyring,
    SealError,
    decode_key,
    document_aad,
    generate_key,
    key_id,
)
from alertbot.settings import Settings, SettingsError

KEY = generate_key()
AAD = document_aad(12, 7)


def test_a_sealed_value_opens_with_its_key_and_associated_data() -> None:
    ring = Keyring.from_text(KEY)
    sealed = ring.seal(b"\xff\xd8 a warrant", AAD)
    assert b"a warrant" not in sealed
    assert len(sealed) == len(b"\xff\xd8 a warrant") + HEADER_BYTES + 16
    assert ring.open(sealed, AAD) == b"\xff\xd8 a warrant"


def test_each_seal_has_its_own_nonce() -> None:
    ring = Keyring.from_text(KEY)
    assert ring.seal(b"same", AAD) != ring.seal(b"same", AAD)


@pytest.mark.parametrize("index", [0, 1, 2, HEADER_BYTES, -1])
def test_a_tampered_byte_anywhere_does_not_open(index: int) -> None:
    ring = Keyring.from_text(KEY)
    sealed = bytearray(ring.seal(b"contents of the photo", AAD))
    sealed[index] ^= 0x01
    with pytest.raises(SealError):
        ring.open(bytes(sealed), AAD)


def test_a_value_moved_to_another_document_or_incident_does_not_open() -> None:
    ring = Keyring.from_text(KEY)
    sealed = ring.seal(b"photo", document_aad(12, 7))
    for other in (document_aad(12, 8), document_aad(13, 7), b""):
        with pytest.raises(SealError, match="does not open"):
            ring.open(sealed, other)


def test_another_key_does_not_open_it_and_says_so() -> None:
    sealed = Keyring.from_text(KEY).seal(b"photo", AAD)
    with pytest.raises(SealError):
        Keyring.from_text(generate_key()).open(sealed, AAD)


def test_after_rotation_old_values_open_with_the_old_key_and_new_ones_use_the_new() -> None:
    old, new = generate_key(), generate_key()
    before = Keyring.from_text(old).seal(b"kept last year", AAD)
    rotated = Keyring.from_text(new, [old])
    assert rotated.open(before, AAD) == b"kept last year"
    after = rotated.seal(b"kept today", AAD)
    assert after[1] == key_id(decode_key(new))
    with pytest.raises(SealError):
        Keyring.from_text(old).open(after, AAD)


@pytest.mark.parametrize("value", [b"", b"\x01", b"\x02" + bytes(40), b"not sealed at all!!"
                                   * 3])
def test_what_is_not_a_sealed_value_is_refused(value: bytes) -> None:
    with pytest.raises(SealError):
        Keyring.from_text(KEY).open(value, AAD)


@pytest.mark.parametrize("text", ["", "short", base64.b64encode(bytes(16)).decode(),
                                  base64.b64encode(bytes(33)).decode(), "!!!!"])
def test_a_key_must_be_32_bytes_of_base64(text: str) -> None:
    with pytest.raises(DataKeyError):
        decode_key(text)


def test_keygen_keys_are_fresh_32_bytes_and_url_safe_base64_is_read_too() -> None:
    first, second = generate_key(), generate_key()
    assert first != second and len(decode_key(first)) == 32
    raw = decode_key(first)
    assert decode_key(base64.urlsafe_b64encode(raw).decode().rstrip("=")) == raw


def test_the_keyring_never_prints_a_key() -> None:
    ring = Keyring.from_text(KEY)
    assert KEY not in repr(ring) and KEY not in str(ring)


def test_settings_name_the_variable_of_a_bad_key_and_not_its_value() -> None:
    with pytest.raises(SettingsError, match="ALERTBOT_DATA_KEY") as caught:
        Settings.from_env({"ALERTBOT_DATA_KEY": "c2hvcnQ="})
    assert "c2hvcnQ=" not in str(caught.value)
    with pytest.raises(SettingsError, match="ALERTBOT_DATA_KEYS_OLD"):
        Settings.from_env({"ALERTBOT_DATA_KEY": KEY, "ALERTBOT_DATA_KEYS_OLD": "nope"})


def test_settings_keyring_uses_the_key_and_the_old_ones() -> None:
    old = generate_key()
    sealed = Keyring.from_text(old).seal(b"x", AAD)
    settings = Settings.from_env({"ALERTBOT_DATA_KEY": KEY, "ALERTBOT_DATA_KEYS_OLD": old})
    keyring = settings.keyring()
    assert keyring is not None and keyring.open(sealed, AAD) == b"x"
    assert repr(settings.data_key) == "<secret>"


def test_without_a_key_settings_give_no_keyring() -> None:
    """The store then keeps a key in the database (decision 0044): words and documents
    of a sandbox survive its restart (tests/store/test_sealed_words.py)."""
    settings = Settings.from_env({}, sandbox=True)
    assert settings.keyring() is None
