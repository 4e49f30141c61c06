"""Sign-in codes, console sessions and the audit log in the store (issue 11), on SQLite
and PostgreSQL: every change of state is a conditional update that happens once."""

from __future__ import annotations

import asyncio

import sqlalchemy as sa

from alertbot.core import signin as rules
from alertbot.core.model import Channel
from alertbot.core.records import NewMessage, OutboxKind
from alertbot.store.audit import AuditEntry
from alertbot.store.auth import SCRUBBED, SIGN_IN_REASON
from alertbot.store.rows import outbox_from_row
from alertbot.store.schema import outbox
from alertbot.store.sql import Store, Tx

T0 = 1_800_000_000.0


async def test_a_code_is_used_once_and_a_new_one_replaces_it(store: Store) -> None:
    first = await store.write(lambda tx: tx.add_code("ana", "h1", T0, rules.CODE_LIFETIME))
    second = await store.write(lambda tx: tx.add_code("ana", "h2", T0 + 1,
                                                      rules.CODE_LIFETIME))
    live = await store.read(lambda tx: tx.live_code("ana", T0 + 2))
    assert live is not None and (live.id, live.code_hash) == (second, "h2")
    assert not await store.write(lambda tx: tx.use_code(first, T0 + 2))  # replaced
    # Two requests using the same code at once: exactly one wins.
    results = await asyncio.gather(*(store.write(lambda tx: tx.use_code(second, T0 + 3))
                                     for _ in range(4)))
    assert sorted(results) == [False, False, False, True]
    assert await store.read(lambda tx: tx.live_code("ana", T0 + 3)) is None


async def test_a_code_dies_after_its_tries_and_at_its_end(store: Store) -> None:
    code = await store.write(lambda tx: tx.add_code("ana", "h", T0, rules.CODE_LIFETIME))
    left = [await store.write(lambda tx: tx.wrong_code(code)) for _ in range(rules.CODE_TRIES)]
    assert left == [4, 3, 2, 1, 0]
    assert await store.read(lambda tx: tx.live_code("ana", T0)) is None
    assert not await store.write(lambda tx: tx.use_code(code, T0))
    later = await store.write(lambda tx: tx.add_code("ana", "h", T0, rules.CODE_LIFETIME))
    assert await store.read(lambda tx: tx.live_code("ana", T0 + rules.CODE_LIFETIME)) is None
    assert not await store.write(lambda tx: tx.use_code(later, T0 + rules.CODE_LIFETIME))


async def test_a_session_is_touched_only_while_alive_and_revoked_once(store: Store) -> None:
    idle = rules.SESSION_IDLE
    sid = await store.write(lambda tx: tx.add_session("hash", "ana", "code", T0,
                                                      T0 + rules.SESSION_MAX, "10.0.0.7",
                                                      "phone"))
    row = await store.read(lambda tx: tx.session_by_token("hash"))
    assert row is not None and (row.id, row.contact_id, row.client) == (sid, "ana", "10.0.0.7")
    assert await store.write(lambda tx: tx.touch_session(sid, T0 + idle - 1, idle))
    assert not await store.write(lambda tx: tx.touch_session(sid, T0 + 2 * idle, idle))
    other = await store.write(lambda tx: tx.add_session("hash2", "ana", "oidc", T0, T0 + 60,
                                                        "", ""))
    assert not await store.write(lambda tx: tx.touch_session(other, T0 + 60, idle))  # past end
    results = await asyncio.gather(*(store.write(
        lambda tx: tx.revoke_session(other, T0 + 1, "signed out")) for _ in range(3)))
    assert sorted(results) == [False, False, True]
    listed = await store.read(lambda tx: tx.sessions_of("ana"))
    assert [s.id for s in listed] == [other, sid]
    assert listed[0].revoked_why == "signed out" and listed[1].revoked_at is None
    assert await store.read(lambda tx: tx.sessions_of("eli")) == []


async def test_a_codes_words_leave_the_outbox_once_done_with(store: Store) -> None:
    def queue(tx: Tx) -> None:
        tx.enqueue([NewMessage(OutboxKind.NOTICE, Channel.SMS, "+18605550142",
                               "123456 is your alertbot sign-in code.", "en", None, "ana",
                               reason=SIGN_IN_REASON),
                    NewMessage(OutboxKind.NOTICE, Channel.SMS, "+18605550142", "other",
                               "en", None, "ana", reason="something else")], T0)

    await store.write(queue)
    assert await store.write(lambda tx: tx.scrub_sign_in_messages("ana")) == 1
    bodies = await store.read(lambda tx: sorted(
        (m.body, str(m.status)) for m in (outbox_from_row(r, tx.words) for r in
                                          tx.conn.execute(sa.select(outbox)).all())))
    assert bodies == [(SCRUBBED, "cancelled"), ("other", "pending")]


async def test_the_audit_log_counts_and_reads_by_time(store: Store) -> None:
    def write(tx: Tx) -> None:
        for i, (action, subject, client, outcome) in enumerate([
                ("code_requested", "+18605550142", "10.0.0.1", "sent"),
                ("code_requested", "+18605550142", "10.0.0.2", "unknown"),
                ("sign_in", "+18605550142", "10.0.0.1", "failed"),
                ("viewed", None, "10.0.0.1", "ok")]):
            tx.audit(AuditEntry(at=T0 + i, action=action, subject=subject, client=client,
                                outcome=outcome, contact_id="ana", via="session",
                                incident_id=12 if action == "viewed" else None,
                                user_agent="x" * 500))

    await store.write(write)
    count = await store.read(lambda tx: (
        tx.audit_count("code_requested", T0, subject="+18605550142"),
        tx.audit_count("code_requested", T0 + 1, subject="+18605550142"),
        tx.audit_count("code_requested", T0, client="10.0.0.1"),
        tx.audit_count("sign_in", T0, client="10.0.0.1", outcome="failed")))
    assert count == (2, 1, 1, 1)
    rows = await store.read(lambda tx: tx.audit_entries(T0 + 1, T0 + 3))
    assert [r.action for r in rows] == ["code_requested", "sign_in"]
    everything = await store.read(lambda tx: tx.audit_entries(None, None))
    assert everything[-1].incident_id == 12 and len(everything[-1].user_agent) == 300
