"""Sealing data at rest with ALERTBOT_DATA_KEY: AES-256-GCM from the ``cryptography``
library (decision 0033).

A sealed value is bytes laid out as::

    version (1 byte, 0x01) | key id (1 byte) | nonce (12 random bytes) | ciphertext + tag (16)

The associated data (``aad``) binds a ciphertext to what it belongs to, e.g.
``b"document:12:7"`` for document 7 of incident 12: a sealed value copied onto another
row does not open (``SealError``). The key id is a byte derived from the key itself
(``key_id``), so a ``Keyring`` of the current key and older ones (key rotation) knows
which to try without anyone numbering keys by hand.

Errors: ``DataKeyError`` (a ``ValueError``) for a key that is not 32 bytes of base64;
``SealError`` for a value that does not open (tampered, wrong associated data, a key this
keyring lacks, or not a sealed value at all).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

VERSION = 1
KEY_BYTES = 32  # AES-256
NONCE_BYTES = 12  # 96 bits: NIST SP 800-38D's recommended GCM nonce, random per value
HEADER_BYTES = 2 + NONCE_BYTES
TAG_BYTES = 16


class DataKeyError(ValueError):
    """A data key that is not base64 of exactly 32 bytes; the message says what it was."""


class SealError(ValueError):
    """A sealed value that does not open: tampered, bound to other associated data,
    sealed with a key this keyring does not hold, or not a sealed value."""


def generate_key() -> str:
    """A new data key: 32 random bytes (``os.urandom``), standard base64 (44 characters)."""
    return base64.b64encode(os.urandom(KEY_BYTES)).decode()


def decode_key(text: str) -> bytes:
    """The 32 bytes of a base64 data key (standard or URL-safe alphabet, padding
    optional). Raises ``DataKeyError`` naming the length found (never the key)."""
    raw = text.strip()
    try:
        padded = raw + "=" * (-len(raw) % 4)
        key = base64.b64decode(padded.replace("-", "+").replace("_", "/"), validate=True)
    except (binascii.Error, ValueError):
        raise DataKeyError("not base64 (expected 32 random bytes, base64: run "
                           "`alertbot keygen`)") from None
    if len(key) != KEY_BYTES:
        raise DataKeyError(f"{len(key)} bytes once decoded, expected {KEY_BYTES} (run "
                           "`alertbot keygen`)")
    return key


def key_id(key: bytes) -> int:
    """The key's id byte (0-255): the first byte of SHA-256 over a label and the key.
    Two keys may share an id (1 in 256): ``Keyring.open`` then tries both."""
    return hashlib.sha256(b"alertbot data key id\x00" + key).digest()[0]


@dataclass(frozen=True)
class Keyring:
    """The current key (seals) and older ones (open only), as raw 32-byte keys."""

    current: bytes
    older: tuple[bytes, ...] = ()

    @classmethod
    def from_text(cls, current: str, older: Iterable[str] = ()) -> Keyring:
        """From base64 keys (``DataKeyError`` for a bad one)."""
        return cls(decode_key(current), tuple(decode_key(k) for k in older if k.strip()))

    @classmethod
    def throwaway(cls) -> Keyring:
        """A random key that lives as long as this process (the sandbox without a key)."""
        return cls(os.urandom(KEY_BYTES))

    def seal(self, plaintext: bytes, aad: bytes) -> bytes:
        """``plaintext`` encrypted and authenticated with the current key, bound to
        ``aad``; a fresh random nonce each call. Size: plaintext + 30 bytes."""
        nonce = os.urandom(NONCE_BYTES)
        header = bytes((VERSION, key_id(self.current))) + nonce
        return header + AESGCM(self.current).encrypt(nonce, plaintext, header[:2] + aad)

    def open(self, sealed: bytes, aad: bytes) -> bytes:
        """The plaintext of a value ``seal`` made with ``aad``. Raises ``SealError``."""
        if len(sealed) < HEADER_BYTES + TAG_BYTES or sealed[0] != VERSION:
            raise SealError("not a sealed value (unknown format or too short)")
        wanted, nonce = sealed[1], sealed[2:HEADER_BYTES]
        candidates = [k for k in (self.current, *self.older) if key_id(k) == wanted]
        if not candidates:
            raise SealError(f"sealed with a key this service does not hold (key id {wanted})")
        for key in candidates:
            try:
                return AESGCM(key).decrypt(nonce, sealed[HEADER_BYTES:], sealed[:2] + aad)
            except InvalidTag:
                continue
        raise SealError("does not open: tampered with, or bound to another record")

    def __repr__(self) -> str:  # never print key material
        return f"Keyring(<{1 + len(self.older)} key(s)>)"


def document_aad(incident_id: int, document_id: int) -> bytes:
    """The associated data of a document: its incident and its own id."""
    return f"alertbot:document:{incident_id}:{document_id}".encode()
