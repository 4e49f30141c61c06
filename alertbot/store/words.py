"""People's words sealed at rest with ALERTBOT_DATA_KEY (decision 0044).

Every column that can hold what a person typed or said (the reporter's text, notes,
the encounter log's free text, records requests' free text, the stored replies of
webhooks; ``alertbot.store.reseal.WORD_COLUMNS`` lists them) is written through
``Words.seal`` and read through ``Words.open``, in the store layer only: services, the
console, the report and Slack see plain ``str``.

Stored form, in the column's existing Text type::

    sealed:1:<key id, 2 hex digits>:<base64url, no padding, of Keyring.seal's output>

The key id in the prefix (also inside the sealed bytes) lets ``reseal`` find values not
under the current key with a ``LIKE`` in SQL. Anything else is a value written before
this decision (plain text): it reads as it is until ``reseal`` seals it.

The associated data is ``json.dumps(["alertbot:words", table, column, *binding])``, where
``binding`` is the row's incident number and, where the row's own key is known when
it is written, that key (see ``reseal.WORD_COLUMNS``): a value copied onto another
incident's row does not open.

A value that does not open (its key is gone, or it was moved) reads as ``UNREADABLE``
and is logged once per column per process (never the value): the board, the API, the
report and Slack go on. "" is stored as "" (it says nothing).
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
from typing import Any

from alertbot.crypto import Keyring, SealError, key_id

PREFIX = "sealed:1:"
UNREADABLE = "[sealed with a key this service no longer holds]"

log = logging.getLogger(__name__)


def key_prefix(key: bytes) -> str:
    """The stored prefix of values sealed with ``key``: ``sealed:1:<id hex>:``."""
    return f"{PREFIX}{key_id(key):02x}:"


def aad(table: str, column: str, *binding: Any) -> bytes:
    """The associated data binding a value to its table, column and row."""
    return json.dumps(["alertbot:words", table, column, *binding]).encode()


class Words:
    """Seals and opens people's words with one ``Keyring`` (its current key seals)."""

    def __init__(self, keyring: Keyring) -> None:
        self.keyring = keyring
        self.current_prefix = key_prefix(keyring.current)
        self._told: set[tuple[str, str]] = set()

    def seal(self, text: str, table: str, column: str, *binding: Any) -> str:
        """``text`` in its stored form ("" stays ""): some 60 characters longer plus a
        third. Microseconds for a short text (AES-GCM)."""
        if not text:
            return ""
        sealed = self.keyring.seal(text.encode(), aad(table, column, *binding))
        return self.current_prefix + base64.urlsafe_b64encode(sealed).decode().rstrip("=")

    def open(self, stored: str | None, table: str, column: str, *binding: Any) -> str:
        """The text of a stored value: plain (written before decision 0044) as it is,
        sealed opened, ``UNREADABLE`` when it does not open. Never raises."""
        if not stored:
            return ""
        if not stored.startswith(PREFIX):
            return stored
        try:
            return self.open_or_raise(stored, table, column, *binding)
        except SealError as exc:
            if (table, column) not in self._told:
                self._told.add((table, column))
                log.warning("a sealed %s.%s value does not open (%s); it reads as %r "
                            "(set ALERTBOT_DATA_KEYS_OLD to the key it was sealed with)",
                            table, column, exc, UNREADABLE)
            return UNREADABLE

    def open_or_raise(self, stored: str, table: str, column: str, *binding: Any) -> str:
        """Like ``open`` for a sealed value, but raises ``SealError`` when it does not
        open (``reseal`` leaves such a value as it is)."""
        body = stored[len(PREFIX):].partition(":")[2]
        try:
            sealed = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        except (binascii.Error, ValueError):
            raise SealError("not a sealed value (bad base64)") from None
        return self.keyring.open(sealed, aad(table, column, *binding)).decode()

    def is_current(self, stored: str | None) -> bool:
        """Whether ``stored`` needs nothing from ``reseal``: empty, or sealed with the
        current key's id."""
        return not stored or stored.startswith(self.current_prefix)
