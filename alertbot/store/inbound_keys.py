"""Webhook idempotency keys: the reply first given for each inbound request (issue 9).

A part of ``Tx`` (store/tx.py): synchronous queries over the unit of work's connection."""

from __future__ import annotations

import sqlalchemy as sa

from alertbot.store.schema import (
    inbound,
    incidents,
)
from alertbot.store.txbase import TxBase

# Built once (see store/timeline.py): the hot path of every webhook.
_SEEN = sa.select(inbound.c.reply).where(inbound.c.key == sa.bindparam("key"))

# A stored reply's values can hold a reporter's name and, replayed as ``VERBATIM``, the
# words of a reply: sealed (decision 0044), bound to its webhook key.
_RECORD = sa.insert(inbound)


class InboundKeyQueries(TxBase):
    def seen_inbound(self, key: str) -> str | None:
        """The reply already given for ``key`` (the receiver's ``Reply`` as JSON), or None
        if it is new."""
        row = self.conn.execute(_SEEN, {"key": key}).first()
        return None if row is None else self.words.open(row[0], "inbound", "reply", key)

    def record_inbound(self, key: str, at: float, reply: str,
                       incident_id: int | None = None) -> None:
        """Remember ``key``; ``incident_id`` (the incident it touched) keeps the key for as
        long as that incident exists (``forget_inbound_before``)."""
        self.conn.execute(_RECORD, {"key": key, "at": at,
                                    "reply": self.words.seal(reply, "inbound", "reply", key),
                                    "incident_id": incident_id})

    def forget_inbound_before(self, at: float) -> int:
        """Drop webhook idempotency keys older than ``at`` that touched no incident, or
        whose incident is gone. A key that opened or changed an incident is kept as long as
        the incident: a captured signed request replayed later has no effect (issue 9)."""
        live = sa.select(incidents.c.id).where(incidents.c.id == inbound.c.incident_id)
        result = self.conn.execute(sa.delete(inbound).where(
            inbound.c.at < at,
            sa.or_(inbound.c.incident_id.is_(None), ~sa.exists(live))))
        return int(result.rowcount or 0)
