"""People's words sealed at rest (decision 0044), on SQLite and PostgreSQL: every word
column round-trips through the public services and never reaches the database in the
clear (the SQLite file's bytes, every row of every table as text); a value moved to
another incident does not open; plain rows from before still read and ``reseal`` seals
them; after a key rotation the old key opens and ``reseal`` moves to the new one; a
value whose key is gone reads as a marker and breaks nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from alertbot.clock import FakeClock
from alertbot.config.loader import load_or_raise
from alertbot.core import commands as cmd
from alertbot.core.model import Config
from alertbot.core.records_requests import Presented
from alertbot.core.warrant import Answers
from alertbot.crypto import Keyring, document_aad, key_id
from alertbot.metrics import Metrics
from alertbot.service import console_actions, procedure, records, retention
from alertbot.service.receiver import Receiver
from alertbot.store.reseal import WORD_COLUMNS
from alertbot.store.schema import documents, incidents, metadata, timeline
from alertbot.store.sql import Store, Tx
from alertbot.store.words import UNREADABLE, key_prefix
from tests.store.district import actor
from tests.unitofwork import transaction

DISTRICT = Path(__file__).parent.parent / "scenario" / "district_procedure"
NAME = "Zephyrine Quillfeather"  # a made-up student's name, unique in the database


@pytest.fixture
def pconfig() -> Config:
    return load_or_raise(DISTRICT / "escalation.yaml", DISTRICT / "contacts")


@pytest.fixture
async def preceiver(store: Store, pconfig: Config) -> AsyncIterator[Receiver]:
    yield Receiver(pconfig, store, FakeClock(), Metrics(), nudge=lambda: None)


def url_of(store: Store) -> str:
    if store.engine is not None:
        return store.engine.url.render_as_string(hide_password=False)
    assert store.sync_engine is not None
    return str(store.sync_engine.url)


def distinct_keys(count: int) -> list[Keyring]:
    """``count`` random keyrings whose key ids all differ. A key id is one byte, so two
    random keys share one 1 time in 256; reseal then cannot tell their values apart by
    prefix (decision 0044) and a test counting what it finds would fail at random."""
    keys: list[Keyring] = []
    while len(keys) < count:
        candidate = Keyring.throwaway()
        if all(key_id(candidate.current) != key_id(k.current) for k in keys):
            keys.append(candidate)
    return keys


async def reopened(store: Store, keyring: Keyring | None = None) -> Store:
    """Another process's store on the same database (a restart, another key)."""
    return await Store.open(url_of(store), keyring=keyring)


async def opened(receiver: Receiver, config: Config, words: str) -> int:
    reply = await receiver.handle(actor(config, "principal-burns"),
                                  cmd.Open(config.triggers[0], config.schools["burns"], words),
                                  "sms", dedup_key=f"sms:SM{words[:8]}")
    assert reply.incident_id is not None
    return reply.incident_id


async def everything_raw(store: Store) -> str:
    """Every row of every table, as text, by raw SQL (no store code opens anything)."""
    def dump(tx: Tx) -> str:
        names = {t.name for t in metadata.sorted_tables}
        return "\n".join(repr(row) for name in sorted(names)
                         if sa.inspect(tx.conn).has_table(name)
                         for row in tx.conn.execute(sa.text(f"SELECT * FROM {name}")).all())
    return await store.read(dump)


def file_bytes(store: Store) -> bytes:
    """The SQLite database file and its write-ahead log, as on disk; b"" on PostgreSQL."""
    if store.sync_engine is None:
        return b""
    path = Path(str(store.sync_engine.url.database))
    return b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())


def checkpoint(store: Store) -> None:
    """SQLite: copy the write-ahead log into the database file and empty it."""
    if store.sync_engine is not None:
        with store.sync_engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def timeline_texts(tx: Tx, number: int, kind: str) -> list[str]:
    return [e.text for e in tx.timeline([number])[number] if e.kind == kind]


async def write_every_word_column(store: Store, receiver: Receiver, config: Config) -> int:
    """One incident whose every word column holds ``NAME`` (through the services)."""
    c = config.contacts
    number = await opened(receiver, config, f"agents asked for {NAME} at the desk")
    await receiver.handle(actor(config, "principal-burns"),
                          cmd.Update(number, f"{NAME} is in room 4"), "sms")
    await receiver.handle(actor(config, "superintendent"), cmd.Note(number, f"{NAME} safe"),
                          "sms")
    await store.write(lambda tx: procedure.complete_step(
        tx, config, c["attorney"], number, "designees", f"met {NAME}'s mother",
        {"arrived_at": "9:40", "said": f"asked for {NAME}"}, 10.0))
    await store.write(lambda tx: procedure.update_encounter(
        tx, config, c["attorney"], number, {
            name: f"{name}: {NAME}" for name in
            ("agents", "purpose", "documents", "present", "account", "outcome_other")},
        11.0))
    await store.write(lambda tx: procedure.review_warrant(
        tx, config, c["attorney"], number, Answers(), None, f"names {NAME}", 12.0))
    added = await store.write(lambda tx: records.add_request(
        tx, config, c["attorney"], number, {"presented": Presented.SUBPOENA,
                                            "other_category": f"{NAME}'s bus log",
                                            "notes": "first"}, 13.0))
    rid = int(added.values["id"])  # type: ignore[call-overload]
    changed = await store.write(lambda tx: records.update_request(
        tx, config, c["attorney"], number, rid, {"notes": f"{NAME}'s file"}, {}, 14.0))
    assert changed.key == "records_request_saved"
    async with transaction(store) as tx:
        await tx.record_inbound("slack:Ev1", 15.0, f'{{"text": "{NAME}"}}', number)

    def message(tx: Tx) -> None:
        incident = tx.get_incident(number)
        assert incident is not None
        console_actions.message_reporter(tx, config, 16.0, c["attorney"], incident,
                                         f"Is {NAME} with you?")
    await store.write(message)
    return number


async def test_every_word_column_round_trips_and_is_never_stored_in_the_clear(
        store: Store, preceiver: Receiver, pconfig: Config) -> None:
    number = await write_every_word_column(store, preceiver, pconfig)

    def read(tx: Tx) -> dict[str, object]:
        inc = tx.get_incident(number)
        assert inc is not None
        enc = tx.encounter(number)
        assert enc is not None
        [review] = tx.warrant_reviews(number)
        [req] = tx.records_requests(number)
        step = tx.steps_done(number)["designees"]
        return {"details": inc.details, "update": timeline_texts(tx, number, "update"),
                "note": timeline_texts(tx, number, "note"), "step": step.note,
                "values": dict(step.values), "agents": enc.agents, "account": enc.account,
                "outcome_other": enc.outcome_other, "review": review.note,
                "other": req.other_category, "notes": req.notes,
                "reply": tx.seen_inbound("slack:Ev1"),
                "console_message": timeline_texts(tx, number, "console_message"),
                "texted": [m.body for m in tx.messages_for(number) if "with you" in m.body]}

    expected = {
        "details": f"agents asked for {NAME} at the desk", "update": [f"{NAME} is in room 4"],
        "note": [f"{NAME} safe"], "step": f"met {NAME}'s mother",
        "values": {"arrived_at": "9:40", "said": f"asked for {NAME}"},
        "agents": f"agents: {NAME}", "account": f"account: {NAME}",
        "outcome_other": f"outcome_other: {NAME}", "review": f"names {NAME}",
        "other": f"{NAME}'s bus log", "notes": f"{NAME}'s file",
        "reply": f'{{"text": "{NAME}"}}',
        "console_message": [f"texted the reporter from the console (Sam Okafor): "
                            f"Is {NAME} with you?"],
        "texted": [f"Is {NAME} with you?"]}
    assert await store.read(read) == expected
    # A restart (another process, the same database and key) reads the same words.
    again = await reopened(store)
    try:
        assert await again.read(read) == expected
    finally:
        await again.close()
    # ... yet no byte of the database holds them.
    raw = await everything_raw(store)
    assert NAME not in raw and "Zephyrine" not in raw
    assert "agents asked for" not in raw and "room 4" not in raw
    assert b"Zephyrine" not in file_bytes(store)
    assert "sealed:1:" in raw
    # Names of staff, kinds and reasons stay plain (reports and statistics need them).
    assert "Sam Okafor" in raw and "Encounter log: " in raw


async def test_a_value_moved_to_another_incident_does_not_open(
        store: Store, preceiver: Receiver, pconfig: Config) -> None:
    first = await opened(preceiver, pconfig, f"{NAME} at the door")
    await preceiver.handle(actor(pconfig, "admin"), cmd.Resolve(first), "sms")
    second = await opened(preceiver, pconfig, "two agents")
    await preceiver.handle(actor(pconfig, "principal-burns"),
                           cmd.Update(first, f"{NAME} went home"), "sms")
    async with transaction(store) as tx:
        details = (await tx.conn.execute(sa.select(incidents.c.details)
                                         .where(incidents.c.id == first))).scalar()
        await tx.conn.execute(sa.update(incidents).where(incidents.c.id == second)
                              .values(details=details))
        await tx.conn.execute(sa.update(timeline).where(
            timeline.c.incident_id == first, timeline.c.kind == "update")
            .values(incident_id=second))
    moved = await store.read(lambda tx: (tx.get_incident(second), tx.timeline([second])))
    assert moved[0] is not None and moved[0].details == UNREADABLE
    assert [e.text for e in moved[1][second] if e.kind == "update"] == [UNREADABLE]
    # The board and the list still read (a marker, no exception).
    board = await store.read(lambda tx: tx.board_incidents(0.0))
    assert {i.details for i in board} >= {UNREADABLE}


async def test_plain_rows_from_before_read_and_reseal_seals_them(
        store: Store, preceiver: Receiver, pconfig: Config) -> None:
    number = await write_every_word_column(store, preceiver, pconfig)
    assert (await store.reseal()).sealed == 0  # all sealed already: nothing to do
    # Rows as a database written before decision 0044 holds them: plain text.
    async with transaction(store) as tx:
        await tx.conn.execute(sa.update(incidents).where(incidents.c.id == number)
                              .values(details=f"legacy {NAME}"))
        await tx.conn.execute(sa.insert(timeline).values(
            incident_id=number, at=20.0, kind="note", actor="x", text=f"old note {NAME}"))
        await tx.conn.execute(sa.insert(timeline).values(
            incident_id=number, at=21.0, kind="opened", actor="x", text="Opened by x"))
    assert NAME in await everything_raw(store)
    inc = await store.read(lambda tx: tx.get_incident(number))
    assert inc is not None and inc.details == f"legacy {NAME}"
    done = await store.reseal(batch=2)  # several batches
    assert (done.sealed, done.unreadable) == (2, 0)
    raw = await everything_raw(store)
    assert NAME not in raw and "Opened by x" in raw  # system entries stay plain
    # Nor in the SQLite file's free space (secure_delete, a checkpoint after resealing).
    assert b"Zephyrine" not in file_bytes(store)
    inc = await store.read(lambda tx: tx.get_incident(number))
    assert inc is not None and inc.details == f"legacy {NAME}"
    assert f"old note {NAME}" in await store.read(
        lambda tx: timeline_texts(tx, number, "note"))
    assert (await store.reseal()).sealed == 0  # idempotent


async def test_after_a_rotation_the_old_key_opens_and_reseal_moves_to_the_new(
        store: Store, preceiver: Receiver, pconfig: Config) -> None:
    old, new = distinct_keys(2)
    first = await reopened(store, old)
    try:
        number = await opened(Receiver(pconfig, first, FakeClock(), Metrics(),
                                       nudge=lambda: None), pconfig, f"{NAME} at the gate")
        async with transaction(first) as tx:  # a document sealed then (decision 0033)
            await tx.conn.execute(sa.insert(documents).values(
                id=77, incident_id=number, intake_key="sms:SM9:0", media_url="",
                status="stored", sealed=old.seal(b"%PDF warrant", document_aad(number, 77)),
                added_by="principal-burns", added_by_name="Ana Perez", added_at=1.0))
    finally:
        await first.close()
    rotated = await reopened(store, Keyring(new.current, (old.current,)))
    try:
        inc = await rotated.read(lambda tx: tx.get_incident(number))
        assert inc is not None and inc.details == f"{NAME} at the gate"
        done = await rotated.reseal()
        assert (done.sealed, done.unreadable) == (3, 0)  # details, stored reply, document
        stored = await rotated.read(lambda tx: tx.conn.execute(
            sa.select(incidents.c.details).where(incidents.c.id == number)).scalar())
        assert str(stored).startswith(key_prefix(new.current))
    finally:
        await rotated.close()
    only_new = await reopened(store, new)  # the old key retired
    try:
        inc = await only_new.read(lambda tx: tx.get_incident(number))
        assert inc is not None and inc.details == f"{NAME} at the gate"
        sealed = await only_new.read(lambda tx: tx.conn.execute(
            sa.select(documents.c.sealed).where(documents.c.id == 77)).scalar())
        assert new.open(bytes(sealed), document_aad(number, 77)) == b"%PDF warrant"
        assert (await only_new.reseal()).sealed == 0
    finally:
        await only_new.close()


async def test_a_value_whose_key_is_gone_reads_as_a_marker(
        store: Store, pconfig: Config, caplog: pytest.LogCaptureFixture) -> None:
    lost_key, other_key = distinct_keys(2)
    lost = await reopened(store, lost_key)
    try:
        number = await opened(Receiver(pconfig, lost, FakeClock(), Metrics(),
                                       nudge=lambda: None), pconfig, f"{NAME} in the hall")
        await Receiver(pconfig, lost, FakeClock(), Metrics(), nudge=lambda: None).handle(
            actor(pconfig, "superintendent"), cmd.Note(number, f"{NAME} ok"), "sms")
    finally:
        await lost.close()
    other = await reopened(store, other_key)
    try:
        def read(tx: Tx) -> tuple[str, list[str], int]:
            inc = tx.get_incident(number)
            assert inc is not None
            return (inc.details, timeline_texts(tx, number, "note"),
                    len(tx.board_incidents(0.0)))
        with caplog.at_level("WARNING", "alertbot.store.words"):
            assert await other.read(read) == (UNREADABLE, [UNREADABLE], 1)
            assert await other.read(read) == (UNREADABLE, [UNREADABLE], 1)
        told = [r for r in caplog.records if "does not open" in r.getMessage()]
        assert len(told) == 2  # once per column (details, timeline text), not per read
        assert not any(NAME in r.getMessage() for r in caplog.records)
        done = await other.reseal()
        assert done.sealed == 0 and done.unreadable == 3  # details, note, stored reply
        # Retention still purges what cannot be read.
        await Receiver(pconfig, other, FakeClock(), Metrics(), nudge=lambda: None).handle(
            actor(pconfig, "admin"), cmd.Resolve(number), "sms")
        purged = await other.write(lambda tx: retention.purge_due(tx, pconfig, 1e12))
        assert purged == [number]
        inc = await other.read(lambda tx: tx.get_incident(number))
        assert inc is not None and inc.details == ""
    finally:
        await other.close()


def test_the_word_columns_are_text_columns_of_the_schema() -> None:
    """Every listed column exists and is unbounded text (a sealed value is longer)."""
    for col in WORD_COLUMNS:
        column = col.table.c[col.column]
        assert isinstance(column.type, sa.Text), (col.table.name, col.column)
        for name in (*col.keys, *col.binding):
            assert name in col.table.c, (col.table.name, name)


async def test_purged_plain_words_leave_no_trace_in_the_sqlite_file(
        store: Store, preceiver: Receiver, pconfig: Config) -> None:
    """Retention blanks a row written plain before decision 0044: the freed bytes are
    zeroed (secure_delete), not left in the file's free space."""
    if store.sync_engine is not None:
        assert await store.read(lambda tx: tx.conn.exec_driver_sql(
            "PRAGMA secure_delete").scalar()) == 1
    number = await opened(preceiver, pconfig, "two agents")
    async with transaction(store) as tx:
        await tx.conn.execute(sa.update(incidents).where(incidents.c.id == number)
                              .values(details=f"legacy words naming {NAME} " * 3))
    checkpoint(store)  # the plain words are in the file itself now
    assert store.sync_engine is None or b"Zephyrine" in file_bytes(store)
    await preceiver.handle(actor(pconfig, "admin"), cmd.Resolve(number), "sms")
    assert await store.write(lambda tx: retention.purge_due(tx, pconfig, 1e12)) == [number]
    checkpoint(store)
    assert b"Zephyrine" not in file_bytes(store)
    assert NAME not in await everything_raw(store)
