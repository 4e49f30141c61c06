"""Opt-outs, cached line types, away states and the digest's once-per-period key
(issue 14). A part of ``Tx`` (store/tx.py): synchronous queries over the unit of work's
connection.

Every write is one statement whose outcome the database decides: an upsert (``INSERT
… ON CONFLICT DO UPDATE``, the same on SQLite and PostgreSQL), a conditional delete,
or an insert that a primary key lets only one instance make.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from alertbot.core.model import Channel
from alertbot.core.readiness import AwayState, OptOut
from alertbot.store.schema import away, line_types, opt_outs, readiness_digests
from alertbot.store.txbase import TxBase

# On the hot path (every escalation step, the opening unit included): built once
# (decision 0023).
_AWAY_ENDS = sa.select(away.c.contact_id, away.c.until).where(
    away.c.until > sa.bindparam("now"))


class ReachabilityQueries(TxBase):
    def _upsert(self, table: sa.Table, keys: tuple[str, ...], values: dict[str, Any]) -> None:
        insert = postgresql.insert(table) if self.postgres else sqlite.insert(table)
        stmt = insert.values(**values)
        changes = {k: stmt.excluded[k] for k in values if k not in keys}
        self.conn.execute(stmt.on_conflict_do_update(index_elements=list(keys), set_=changes))

    # --- opt-outs ----------------------------------------------------------------------

    def set_opt_out(self, contact_id: str, channel: Channel, address: str, at: float,
                    reason: str) -> None:
        """Record that ``contact_id`` refuses ``channel`` since ``at`` (a later report of
        the same opt-out keeps the first time: when they texted STOP is what matters)."""
        insert = postgresql.insert(opt_outs) if self.postgres else sqlite.insert(opt_outs)
        self.conn.execute(insert.values(
            contact_id=contact_id, channel=str(channel), address=address, at=at,
            reason=reason).on_conflict_do_nothing(index_elements=["contact_id", "channel"]))

    def clear_opt_out(self, contact_id: str, channel: Channel) -> bool:
        """START: the opt-out ends; True if there was one."""
        result = self.conn.execute(sa.delete(opt_outs).where(
            opt_outs.c.contact_id == contact_id, opt_outs.c.channel == str(channel)))
        return bool(result.rowcount)

    def opt_outs(self) -> dict[tuple[str, Channel], OptOut]:
        """Every recorded opt-out: (contact id, channel) -> when and why."""
        rows = self.conn.execute(sa.select(opt_outs)).all()
        return {(r.contact_id, Channel(r.channel)): OptOut(r.at, r.reason, r.address)
                for r in rows}

    # --- Twilio Lookup's line types ------------------------------------------------------

    def cached_line_types(self, newer_than: float) -> dict[str, str | None]:
        """Line types checked after ``newer_than``: E.164 -> type (None: no answer)."""
        rows = self.conn.execute(sa.select(line_types.c.phone, line_types.c.line_type)
                                 .where(line_types.c.checked_at > newer_than)).all()
        return {r.phone: r.line_type for r in rows}

    def save_line_type(self, phone: str, line_type: str | None, at: float) -> None:
        self._upsert(line_types, ("phone",),
                     {"phone": phone, "line_type": line_type, "checked_at": at})

    # --- away ----------------------------------------------------------------------------

    def set_away(self, contact_id: str, since: float, until: float, set_by: str,
                 source: str) -> None:
        """``contact_id`` is away from ``since`` until ``until`` (replacing any AWAY)."""
        self._upsert(away, ("contact_id",), {"contact_id": contact_id, "since": since,
                                            "until": until, "set_by": set_by,
                                            "source": source})

    def end_away(self, contact_id: str, now: float) -> bool:
        """BACK: True if ``contact_id`` was away at ``now`` (the row goes either way)."""
        was = self.conn.execute(sa.delete(away).where(
            away.c.contact_id == contact_id, away.c.until > now)).rowcount
        self.conn.execute(sa.delete(away).where(away.c.contact_id == contact_id))
        return bool(was)

    def away_now(self, now: float) -> dict[str, AwayState]:
        """Everyone away at ``now``: contact id -> since, until, set by."""
        rows = self.conn.execute(sa.select(away).where(away.c.until > now)).all()
        return {r.contact_id: AwayState(r.since, r.until, r.set_by, r.source) for r in rows}

    def away_ends(self, now: float) -> dict[str, float]:
        """``away_now`` as ``decide`` takes it: contact id -> end (epoch seconds)."""
        rows = self.conn.execute(_AWAY_ENDS, {"now": now}).all()
        return {r.contact_id: float(r.until) for r in rows}

    def forget_away_before(self, now: float) -> int:
        """Delete AWAYs that ended before ``now`` (housekeeping); how many."""
        return int(self.conn.execute(sa.delete(away).where(away.c.until <= now)).rowcount)

    # --- the digest ----------------------------------------------------------------------

    def claim_digest(self, period: str, now: float) -> bool:
        """True for exactly one caller per ``period`` (across instances: a primary key)."""
        insert = (postgresql.insert(readiness_digests) if self.postgres
                  else sqlite.insert(readiness_digests))
        result = self.conn.execute(insert.values(period=period, at=now)
                                   .on_conflict_do_nothing(index_elements=["period"]))
        return bool(result.rowcount)

    def digest_claimed(self, period: str) -> bool:
        """Whether the digest of ``period`` was already sent (by any instance)."""
        return self.conn.execute(sa.select(readiness_digests.c.period).where(
            readiness_digests.c.period == period)).first() is not None
