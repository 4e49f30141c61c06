"""The incident timeline: what happened and why, in order.

A part of ``Tx`` (store/tx.py): synchronous queries over the unit of work's connection."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from alertbot.core.records import TimelineEntry
from alertbot.core.timeline_kinds import carries_words
from alertbot.store.schema import (
    timeline,
)
from alertbot.store.txbase import TxBase

# Built once: a statement built per call costs SQLAlchemy ~0.3 ms of construction and
# cache-key work, ten times the SQLite statement itself (issue 10, bench scenario 1).
_ADD = sa.insert(timeline)


class TimelineQueries(TxBase):
    def add_timeline(self, incident_id: int, at: float, kind: str, text: str,
                     actor: str | None = None) -> None:
        """Append an entry; its text is sealed when its kind carries people's words
        (core/timeline_kinds.py, decision 0044)."""
        if carries_words(kind):
            text = self.words.seal(text, "timeline", "text", incident_id)
        self.conn.execute(_ADD, {"incident_id": incident_id, "at": at, "kind": kind,
                                 "actor": actor, "text": text})

    def add_timelines(self, entries: Sequence[TimelineEntry]) -> None:
        """Append ``entries`` in their order, in one statement (``executemany``): as
        ``add_timeline`` each, one statement instead of one per entry (decision 0053)."""
        if not entries:
            return
        self.conn.execute(_ADD, [
            {"incident_id": e.incident_id, "at": e.at, "kind": e.kind, "actor": e.actor,
             "text": self.words.seal(e.text, "timeline", "text", e.incident_id)
             if carries_words(e.kind) else e.text}
            for e in entries])

    def timeline_text(self, incident_id: int, kind: str, stored: str) -> str:
        """The text of a stored timeline entry (opened if its kind carries words)."""
        if carries_words(kind):
            return self.words.open(stored, "timeline", "text", incident_id)
        return stored

    def timeline(self, incident_ids: Sequence[int]) -> dict[int, list[TimelineEntry]]:
        out: dict[int, list[TimelineEntry]] = {i: [] for i in incident_ids}
        if not incident_ids:
            return out
        rows = (self.conn.execute(
            sa.select(timeline).where(timeline.c.incident_id.in_(list(incident_ids)))
            .order_by(timeline.c.id))).all()
        for r in rows:
            m = r._mapping
            out[m["incident_id"]].append(
                TimelineEntry(m["incident_id"], m["at"], m["kind"], m["actor"],
                              self.timeline_text(m["incident_id"], m["kind"], m["text"])))
        return out
