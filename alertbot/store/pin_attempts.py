"""Wrong phone-tree PINs, counted per caller number (core/pin_limits.py).

A part of ``Tx`` (store/tx.py): synchronous queries over the unit of work's connection.
Counting is a plain insert and a count, so two instances see each other's failures; who
tells the admins about a lockout is decided by a conditional upsert (one wins, on SQLite
and PostgreSQL alike).
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from alertbot.store.schema import pin_failures, pin_lockouts
from alertbot.store.txbase import TxBase


class PinAttemptQueries(TxBase):
    def pin_failures_since(self, caller: str, since: float) -> int:
        """Wrong PINs keyed in from ``caller`` at or after ``since`` (seconds)."""
        return int(self.conn.execute(
            sa.select(sa.func.count()).select_from(pin_failures)
            .where(pin_failures.c.caller == caller, pin_failures.c.at >= since)).scalar() or 0)

    def record_pin_failure(self, caller: str, call_sid: str, kind: str, now: float,
                           forget_before: float) -> None:
        """One wrong PIN (``kind``: district | personal) from ``caller`` in ``call_sid``;
        every row older than ``forget_before`` (anyone's) is deleted: it counts no more."""
        self.conn.execute(sa.delete(pin_failures).where(pin_failures.c.at < forget_before))
        self.conn.execute(sa.insert(pin_failures).values(caller=caller, call_sid=call_sid,
                                                         kind=kind, at=now))

    def claim_pin_lockout_notice(self, caller: str, now: float, quiet_since: float) -> bool:
        """True for exactly one caller of several: the admins have not been told about
        ``caller``'s lockout since ``quiet_since``; it is recorded as told at ``now``."""
        insert = pg_insert if self.postgres else sqlite_insert
        statement = insert(pin_lockouts).values(caller=caller, notified_at=now)
        statement = statement.on_conflict_do_update(
            index_elements=[pin_lockouts.c.caller], set_={"notified_at": now},
            where=pin_lockouts.c.notified_at < quiet_since)
        return self.conn.execute(statement.returning(pin_lockouts.c.caller)).first() is not None
