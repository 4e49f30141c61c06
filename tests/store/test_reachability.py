"""Opt-outs, AWAYs, cached line types and the digest's key, on SQLite and PostgreSQL
(store/reachability.py, issue 14)."""

from __future__ import annotations

import asyncio

from alertbot.core.model import Channel
from alertbot.core.readiness import AwayState, OptOut
from alertbot.store.sql import Store, Tx

T = 1_800_000_000.0


async def test_an_opt_out_keeps_its_first_time_until_start(store: Store) -> None:
    await store.write(lambda tx: tx.set_opt_out("deputy", Channel.SMS, "+18605550101", T,
                                                "texted STOP"))
    await store.write(lambda tx: tx.set_opt_out("deputy", Channel.SMS, "+18605550101",
                                                T + 60, "Twilio 21610"))
    found = await store.read(lambda tx: tx.opt_outs())
    assert found == {("deputy", Channel.SMS): OptOut(T, "texted STOP", "+18605550101")}
    assert await store.write(lambda tx: tx.clear_opt_out("deputy", Channel.SMS))
    assert not await store.write(lambda tx: tx.clear_opt_out("deputy", Channel.SMS))
    assert await store.read(lambda tx: tx.opt_outs()) == {}


async def test_away_is_replaced_ended_and_expires_by_itself(store: Store) -> None:
    await store.write(lambda tx: tx.set_away("deputy", T, T + 3600, "deputy", "sms"))
    await store.write(lambda tx: tx.set_away("deputy", T + 10, T + 7200, "api", "api"))
    assert await store.read(lambda tx: tx.away_now(T + 20)) == {
        "deputy": AwayState(T + 10, T + 7200, "api", "api")}
    assert await store.read(lambda tx: tx.away_ends(T + 7199)) == {"deputy": T + 7200}
    assert await store.read(lambda tx: tx.away_ends(T + 7200)) == {}  # over by itself
    assert not await store.write(lambda tx: tx.end_away("deputy", T + 7300))  # was over
    await store.write(lambda tx: tx.set_away("deputy", T, T + 3600, "deputy", "sms"))
    assert await store.write(lambda tx: tx.end_away("deputy", T + 60))
    assert await store.read(lambda tx: tx.away_now(T + 60)) == {}
    await store.write(lambda tx: tx.set_away("attorney", T, T + 60, "attorney", "sms"))
    assert await store.write(lambda tx: tx.forget_away_before(T + 60)) == 1


async def test_line_types_are_cached_with_their_time(store: Store) -> None:
    await store.write(lambda tx: tx.save_line_type("+18605550100", "mobile", T))
    await store.write(lambda tx: tx.save_line_type("+18605550102", None, T))
    await store.write(lambda tx: tx.save_line_type("+18605550100", "landline", T + 100))
    assert await store.read(lambda tx: tx.cached_line_types(T - 1)) == {
        "+18605550100": "landline", "+18605550102": None}
    assert await store.read(lambda tx: tx.cached_line_types(T + 50)) == {
        "+18605550100": "landline"}


async def test_one_digest_per_period_however_many_ask_at_once(store: Store) -> None:
    def claim(tx: Tx) -> bool:
        return tx.claim_digest("2027-01-18T12:30:00.000Z", T)

    won = await asyncio.gather(*(store.write(claim) for _ in range(6)))
    assert sorted(won) == [False] * 5 + [True]
    assert await store.read(lambda tx: tx.digest_claimed("2027-01-18T12:30:00.000Z"))
    assert not await store.read(lambda tx: tx.digest_claimed("2027-01-25T12:30:00.000Z"))
