"""Which columns hold people's words, the database's own key, and ``reseal``
(decision 0044).

``WORD_COLUMNS`` is the one list of word-carrying columns: each with its row key and
the columns its sealed value is bound to (see store/words.py). The store's queries seal
and open exactly these; ``reseal`` walks them; tests/store/test_sealed_words.py checks
every one round-trips and never reaches the database file in the clear.

``reseal(store)`` seals what is still plain (rows written before decision 0044) and
moves values sealed with an older key (ALERTBOT_DATA_KEYS_OLD) to the current one. It is
idempotent and batched (``batch`` rows per unit of work, by primary key); each row is
rewritten by a conditional update on its exact stored form, so a concurrent writer (or
a second instance resealing) is never overwritten. A value that opens with no key held
is left as it is and counted (``Resealed.unreadable``). ``alertbot serve`` runs it after
the migrations; ``alertbot reseal`` runs it by hand.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from alertbot.core.records import OutboxKind
from alertbot.core.timeline_kinds import SYSTEM_KINDS
from alertbot.crypto import Keyring, SealError, decode_key, document_aad, generate_key, key_id
from alertbot.store.auth import SCRUBBED
from alertbot.store.retention import PURGED
from alertbot.store.schema import (
    database_meta,
    documents,
    encounters,
    inbound,
    incidents,
    outbox,
    procedure_steps,
    records_requests,
    timeline,
    warrant_reviews,
)
from alertbot.store.words import PREFIX, Words

if TYPE_CHECKING:
    from alertbot.store.sql import Store
    from alertbot.store.tx import Tx

RESEAL_BATCH = 500  # rows per unit of work
# alertbot_meta's row holding the database's own key (base64), when it runs without
# ALERTBOT_DATA_KEY (the sandbox, tests): words survive a restart, unprotected at rest.
DATABASE_KEY = "data_key"


@dataclass(frozen=True)
class WordColumn:
    """A column of people's words: ``keys`` is its row's primary key, ``binding`` the
    columns its sealed value is bound to (after the table and column names), ``only``
    which of its rows hold words (None: all)."""

    table: sa.Table
    column: str
    keys: tuple[str, ...]
    binding: tuple[str, ...]
    only: Callable[[], sa.ColumnElement[bool]] | None = None


def _timeline_words() -> sa.ColumnElement[bool]:
    return sa.and_(timeline.c.kind.not_in(sorted(SYSTEM_KINDS)), timeline.c.text != PURGED)


def _notices() -> sa.ColumnElement[bool]:
    return sa.and_(outbox.c.kind == str(OutboxKind.NOTICE),
                   outbox.c.body.not_in([PURGED, SCRUBBED]))


def _some_values() -> sa.ColumnElement[bool]:
    return procedure_steps.c.field_values != "{}"


_STEP = ("incident_id", "step_id")
WORD_COLUMNS: tuple[WordColumn, ...] = (
    WordColumn(incidents, "details", ("id",), ("id",)),
    WordColumn(timeline, "text", ("id",), ("incident_id",), _timeline_words),
    WordColumn(procedure_steps, "note", _STEP, _STEP),
    WordColumn(procedure_steps, "field_values", _STEP, _STEP, _some_values),
    *(WordColumn(encounters, name, ("incident_id",), ("incident_id",))
      for name in ("agents", "purpose", "documents", "present", "account", "outcome_other")),
    WordColumn(warrant_reviews, "note", ("id",), ("incident_id",)),
    WordColumn(records_requests, "other_category", ("id",), ("incident_id",)),
    WordColumn(records_requests, "notes", ("id",), ("incident_id",)),
    WordColumn(inbound, "reply", ("key",), ("key",)),
    WordColumn(outbox, "body", ("id",), ("incident_id", "address"), _notices),
)


@dataclass(frozen=True)
class Resealed:
    """What a ``reseal`` did: values it (re)sealed, values no key held opens (documents
    counted with words)."""

    sealed: int = 0
    unreadable: int = 0


async def database_keyring(store: Store, given: Keyring | None) -> Keyring:
    """The keyring a store seals with: ``given`` (ALERTBOT_DATA_KEY) plus the database's
    own key if it has one (so words sealed before a key was set still open); without
    ``given``, the database's own key, made on first use (decision 0044)."""
    select = sa.select(database_meta.c.value).where(database_meta.c.key == DATABASE_KEY)

    def found(tx: Tx) -> str | None:
        value = tx.conn.execute(select).scalar()
        return None if value is None else str(value)

    own = await store.read(found)
    if given is not None:
        if own is None or decode_key(own) in (given.current, *given.older):
            return given
        return Keyring(given.current, (*given.older, decode_key(own)))
    if own is None:
        import time

        def make(tx: Tx) -> None:
            tx.conn.execute(sa.insert(database_meta).values(
                key=DATABASE_KEY, value=generate_key(), set_at=time.time()))

        with contextlib.suppress(sa.exc.IntegrityError):  # another instance was first
            await store.write(make)
        own = await store.read(found)
        assert own is not None
    return Keyring(decode_key(own))


async def reseal(store: Store, batch: int = RESEAL_BATCH) -> Resealed:
    """Seal every word column's plain values and move older keys' to the current key
    (see the module docstring). Returns the counts."""
    sealed = unreadable = 0
    for column in WORD_COLUMNS:
        after: tuple[Any, ...] | None = None
        while True:
            def work(tx: Tx, column: WordColumn = column,
                     after: tuple[Any, ...] | None = after) -> tuple[Any, int, int, int]:
                return _reseal_batch(tx, column, after, batch)

            after, rows, done, stuck = await store.write(work)
            sealed, unreadable = sealed + done, unreadable + stuck
            if rows < batch:
                break
    done, stuck = await _reseal_documents(store)
    return Resealed(sealed + done, unreadable + stuck)


async def _reseal_documents(store: Store) -> tuple[int, int]:
    """Documents (decision 0033) sealed with another key than the current one, moved to
    it one per unit of work (a document is up to ALERTBOT_DOCUMENT_MAX_BYTES)."""
    current = key_id(store.keyring.current)
    d = documents.c
    header = sa.func.substr(d.sealed, 2, 1)  # the key id byte (crypto.py's layout)
    ids = await store.read(lambda tx: [
        (int(i), int(n), bytes(h or b"")) for i, n, h in tx.conn.execute(
            sa.select(d.id, d.incident_id, header).where(d.sealed.is_not(None))
            .order_by(d.id)).all()])
    done = stuck = 0
    for doc_id, number, kid in ids:
        if kid == bytes((current,)) and not any(
                key_id(k) == current for k in store.keyring.older):
            continue

        def move(tx: Tx, doc_id: int = doc_id, number: int = number) -> int:
            old = tx.conn.execute(sa.select(d.sealed).where(d.id == doc_id)).scalar()
            if old is None:
                return 0
            aad_ = document_aad(number, doc_id)
            only_current = Keyring(tx.words.keyring.current)
            with contextlib.suppress(SealError):
                only_current.open(bytes(old), aad_)
                return 0  # already under the current key
            try:
                data = tx.words.keyring.open(bytes(old), aad_)
            except SealError:
                return -1
            tx.conn.execute(sa.update(documents).where(d.id == doc_id, d.sealed == old)
                            .values(sealed=tx.words.keyring.seal(data, aad_)))
            return 1

        outcome = await store.write(move)
        done, stuck = done + (outcome == 1), stuck + (outcome == -1)
    return done, stuck


def _reseal_batch(tx: Tx, col: WordColumn, after: tuple[Any, ...] | None, limit: int
                  ) -> tuple[tuple[Any, ...] | None, int, int, int]:
    """One batch of ``col`` after row key ``after``: (last row key, rows read, sealed,
    left unreadable)."""
    words, c = tx.words, col.table.c
    value, pk = c[col.column], [c[k] for k in col.keys]
    current = words.keyring.current
    shared_id = any(key_id(k) == key_id(current) for k in words.keyring.older)
    query = sa.select(*pk, *(c[b] for b in col.binding if b not in col.keys), value).where(
        value.is_not(None), value != "")
    if not shared_id:  # else the prefix cannot tell the current key from an older one
        query = query.where(value.not_like(words.current_prefix + "%"))
    if col.only is not None:
        query = query.where(col.only())
    if after is not None:
        query = query.where(sa.tuple_(*pk) > sa.tuple_(*after) if len(pk) > 1
                            else pk[0] > after[0])
    rows = tx.conn.execute(query.order_by(*pk).limit(limit)).all()
    only_current = Words(Keyring(current))
    done = stuck = 0
    for row in rows:
        m = row._mapping
        stored, binding = str(m[col.column]), [m[b] for b in col.binding]
        if stored.startswith(PREFIX):
            if shared_id and stored.startswith(words.current_prefix):
                with contextlib.suppress(SealError):
                    only_current.open_or_raise(stored, col.table.name, col.column, *binding)
                    continue  # already under the current key
            try:
                text = words.open_or_raise(stored, col.table.name, col.column, *binding)
            except SealError:
                stuck += 1
                continue
        else:
            text = stored
        result = tx.conn.execute(
            sa.update(col.table).where(*(k == m[k.name] for k in pk), value == stored)
            .values({col.column: words.seal(text, col.table.name, col.column, *binding)}))
        done += int(bool(result.rowcount))
    last = tuple(rows[-1]._mapping[k] for k in col.keys) if rows else after
    return last, len(rows), done, stuck
