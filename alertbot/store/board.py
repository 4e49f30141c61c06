"""The console board's reads, as queries of a ``Tx`` (see tx.py): the incidents on the
board and their outbox messages, a bounded number of rows per request."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from alertbot.core.incident import Incident, State
from alertbot.core.records import OutboxItem
from alertbot.store.rows import incident_from_row, outbox_from_row
from alertbot.store.schema import incidents, outbox
from alertbot.store.txbase import TxBase

BOARD_LIMIT = 500  # incidents on one board at most (open ones and today's resolved ones)


class BoardQueries(TxBase):
    def board_incidents(self, resolved_since: float,
                        limit: int = BOARD_LIMIT) -> list[Incident]:
        """Open incidents and those resolved at or after ``resolved_since`` (epoch
        seconds), newest first, at most ``limit``."""
        rows = self.conn.execute(
            sa.select(incidents)
            .where(sa.or_(incidents.c.state != str(State.RESOLVED),
                          incidents.c.resolved_at >= resolved_since))
            .order_by(incidents.c.id.desc()).limit(limit)).all()
        return [incident_from_row(r, self.words) for r in rows]

    def messages_of(self, incident_ids: Sequence[int]) -> dict[int, list[OutboxItem]]:
        """Each incident's outbox messages, oldest first (every id present as a key)."""
        out: dict[int, list[OutboxItem]] = {i: [] for i in incident_ids}
        if not incident_ids:
            return out
        rows = self.conn.execute(
            sa.select(outbox).where(outbox.c.incident_id.in_(list(incident_ids)))
            .order_by(outbox.c.id)).all()
        for row in rows:
            item = outbox_from_row(row, self.words)
            if item.incident_id is not None:
                out[item.incident_id].append(item)
        return out
