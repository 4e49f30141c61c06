"""The outbox and the engine's due work, as queries of a ``Tx`` (see tx.py)."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from alertbot.core.delivery import blocking
from alertbot.core.incident import Incident, State
from alertbot.core.model import Channel
from alertbot.core.records import (
    CONSOLE_PAGE_REASON,
    NewMessage,
    OutboxItem,
    OutboxKind,
    OutboxStatus,
)
from alertbot.store.rows import incident_from_row, outbox_from_row, stored_body
from alertbot.store.schema import incidents, outbox
from alertbot.store.txbase import TxBase
from alertbot.text.drill import mark_drill

# The hot path's statements, built once (see store/timeline.py for why); those whose
# shape depends on an argument (a limit, a channel, the dialect) once per shape.
_ENQUEUE = sa.insert(outbox)
_FOR_INCIDENT = (sa.select(outbox).where(outbox.c.incident_id == sa.bindparam("id"))
                 .order_by(outbox.c.id))
_PAGED = (sa.select(outbox.c.contact_id)
          .where(outbox.c.incident_id == sa.bindparam("id"),
                 outbox.c.kind == str(OutboxKind.PAGE),
                 outbox.c.status != str(OutboxStatus.CANCELLED))
          .order_by(outbox.c.id))
_LEASE = (sa.update(outbox).where(outbox.c.id.in_(sa.bindparam("ids", expanding=True)))
          .values(status=str(OutboxStatus.SENDING), lease_owner=sa.bindparam("b_owner"),
                  lease_until=sa.bindparam("b_until"), attempts=outbox.c.attempts + 1))
_FIRST_PAGE = (sa.update(incidents)
               .where(incidents.c.id == sa.bindparam("b_id"),
                      incidents.c.first_page_at.is_(None))
               .values(first_page_at=sa.bindparam("b_at")))
_SENT = (sa.update(outbox).where(outbox.c.id == sa.bindparam("b_id"))
         .values(status=str(OutboxStatus.SENT), provider_id=sa.bindparam("b_provider_id"),
                 sent_at=sa.bindparam("b_now"), lease_owner=None, lease_until=None,
                 error=None))
_NEXT_ESCALATION = sa.select(sa.func.min(incidents.c.due_at)).where(
    incidents.c.state == str(State.TRIGGERED))
_NEXT_MESSAGE = sa.select(sa.func.min(outbox.c.due_at)).where(
    outbox.c.status == str(OutboxStatus.PENDING))
_NEXT_LEASE_END = sa.select(sa.func.min(outbox.c.lease_until)).where(
    outbox.c.status == str(OutboxStatus.SENDING))


@functools.cache
def _due_incidents(limit: int, postgres: bool) -> Any:
    query = (sa.select(incidents)
             .where(incidents.c.state == str(State.TRIGGERED),
                    incidents.c.due_at <= sa.bindparam("now"))
             .order_by(incidents.c.due_at).limit(limit))
    return query.with_for_update(skip_locked=True) if postgres else query


@functools.cache
def _due_outbox(limit: int, channel: Channel | None, postgres: bool) -> Any:
    claimable = sa.or_(
        outbox.c.status == str(OutboxStatus.PENDING),
        sa.and_(outbox.c.status == str(OutboxStatus.SENDING),
                outbox.c.lease_until < sa.bindparam("lease_now")),
    )
    query = (sa.select(outbox, incidents.c.state.label("incident_state"))
             .select_from(outbox.outerjoin(incidents, outbox.c.incident_id == incidents.c.id))
             .where(claimable, outbox.c.due_at <= sa.bindparam("now"),
                    sa.true() if channel is None else outbox.c.channel == str(channel))
             .order_by(outbox.c.round.asc().nulls_first(), outbox.c.fair_rank,
                       outbox.c.due_at, outbox.c.id)
             .limit(limit))
    return query.with_for_update(of=outbox, skip_locked=True) if postgres else query


class OutboxQueries(TxBase):
    # --- outbox --------------------------------------------------------------------------

    def enqueue(self, messages: Sequence[NewMessage], now: float) -> None:
        """Queue ``messages``. Every one about a drill incident says DRILL (issue 14):
        pages carry it in their title already; any other message (a notice, an admin
        alert, a confirmation call) of a drill is marked here (``text.drill.mark_drill``),
        so no way of composing a notice can forget it."""
        if not messages:
            return
        self.made_work = True
        drills = self._drill_incidents(messages)
        self.conn.execute(_ENQUEUE, [
            {
                "incident_id": m.incident_id, "kind": str(m.kind), "contact_id": m.contact_id,
                "channel": str(m.channel), "address": m.address,
                "body": stored_body(self.words, m.kind, m.incident_id, m.address,
                                    mark_drill(m.body, m.channel, m.language,
                                               spoken=m.channel is Channel.VOICE)
                                    if m.incident_id in drills else m.body),
                "language": m.language, "step": m.step, "round": m.round,
                "reason": m.reason, "status": str(OutboxStatus.PENDING),
                "due_at": now + m.delay,
                "attempts": 0, "created_at": now, "opened_at": m.opened_at,
                "fair_rank": rank,
            }
            for rank, m in enumerate(messages)
        ])

    def _drill_incidents(self, messages: Sequence[NewMessage]) -> set[int]:
        """The drill incidents among those of ``messages`` that are not pages (one query,
        none for a batch of pages: the hot path of a first page is unchanged)."""
        ids = {m.incident_id for m in messages
               if m.kind is not OutboxKind.PAGE and m.incident_id is not None}
        known = {i for i in ids if self.drill_flags.get(i)}
        ids -= set(self.drill_flags)  # the unit has read these already
        if not ids:
            return known
        rows = self.conn.execute(sa.select(incidents.c.id).where(
            incidents.c.id.in_(sorted(ids)), incidents.c.drill.is_(True))).all()
        return known | {int(r[0]) for r in rows}

    def cancel_pages(self, incident_id: int) -> int:
        self.made_work = True
        result = self.conn.execute(
            sa.update(outbox)
            .where(outbox.c.incident_id == incident_id, outbox.c.kind == str(OutboxKind.PAGE),
                   outbox.c.status == str(OutboxStatus.PENDING))
            .values(status=str(OutboxStatus.CANCELLED)))
        return int(result.rowcount or 0)

    def cancel_pages_to(self, incident_id: int, contact_id: str) -> int:
        """Cancel ``contact_id``'s pending pages of the incident (they answered the
        console's page after someone else acknowledged); how many."""
        self.made_work = True
        result = self.conn.execute(
            sa.update(outbox)
            .where(outbox.c.incident_id == incident_id, outbox.c.kind == str(OutboxKind.PAGE),
                   outbox.c.contact_id == contact_id,
                   outbox.c.status == str(OutboxStatus.PENDING))
            .values(status=str(OutboxStatus.CANCELLED)))
        return int(result.rowcount or 0)

    def acknowledged_incidents_console_paging(self, contact_id: str) -> list[Incident]:
        """Acknowledged incidents whose console "page now" reached ``contact_id`` (a page
        of reason ``CONSOLE_PAGE_REASON``…, not cancelled), oldest first: a bare ACK of
        theirs may mean one of them (new-user trial 3)."""
        paged = (sa.select(outbox.c.incident_id)
                 .where(outbox.c.kind == str(OutboxKind.PAGE),
                        outbox.c.contact_id == contact_id,
                        outbox.c.reason.startswith(CONSOLE_PAGE_REASON, autoescape=True),
                        outbox.c.status != str(OutboxStatus.CANCELLED)))
        rows = self.conn.execute(
            sa.select(incidents).where(incidents.c.state == str(State.ACKNOWLEDGED),
                                       incidents.c.id.in_(paged))
            .order_by(incidents.c.id)).all()
        return [incident_from_row(r, self.words) for r in rows]

    def messages_for(self, incident_id: int) -> list[OutboxItem]:
        rows = self.conn.execute(_FOR_INCIDENT, {"id": incident_id}).all()
        return [outbox_from_row(r, self.words) for r in rows]

    def paged_contacts(self, incident_id: int) -> list[str]:
        """Contacts a page of this incident went (or was going) out to, first paged first."""
        rows = self.conn.execute(_PAGED, {"id": incident_id}).all()
        seen: dict[str, None] = {}
        for (cid,) in rows:
            if cid:
                seen.setdefault(cid, None)
        return list(seen)

    # --- engine work -----------------------------------------------------------------

    def due_incidents(self, now: float, limit: int) -> list[Incident]:
        """Triggered incidents whose escalation is due, locked for this transaction.

        On PostgreSQL the rows are locked ``FOR UPDATE SKIP LOCKED`` until commit, so
        another instance escalating at the same moment takes other incidents.
        """
        rows = self.conn.execute(_due_incidents(limit, self.postgres), {"now": now}).all()
        return [incident_from_row(r, self.words) for r in rows]

    def due_outbox(self, now: float, lease_now: float, limit: int,
                   channel: Channel | None = None) -> list[tuple[OutboxItem, State | None]]:
        """Up to ``limit`` messages due at ``now`` (schedule clock), each with its
        incident's state (None: no incident): pending ones, and in-flight ones whose
        lease ran out before ``lease_now`` (wall clock); ``channel`` None: any.

        Order (fairness): notices and first rounds before repeats, then round-robin
        across the incidents of a burst (``fair_rank``), then oldest first. On
        PostgreSQL the rows are locked ``FOR UPDATE SKIP LOCKED`` until commit, so
        another instance claiming at the same moment takes other messages. Which of
        them still go is the notify claim stage's rule (``notify/claim.py``), which then
        calls ``cancel_outbox`` and ``lease_outbox``.
        """
        query = _due_outbox(limit, channel, self.postgres)
        out: list[tuple[OutboxItem, State | None]] = []
        for row in self.conn.execute(query, {"now": now, "lease_now": lease_now}).all():
            state = row._mapping["incident_state"]
            out.append((outbox_from_row(row, self.words), None if state is None else State(state)))
        return out

    def cancel_outbox(self, ids: Sequence[int]) -> None:
        """These messages will never be sent (their incident no longer needs them)."""
        if ids:
            self.conn.execute(sa.update(outbox).where(outbox.c.id.in_(list(ids)))
                              .values(status=str(OutboxStatus.CANCELLED)))

    def lease_outbox(self, ids: Sequence[int], owner: str, lease_until: float) -> None:
        """These messages are in flight, leased to ``owner`` until ``lease_until``
        (wall clock); one more attempt each."""
        if ids:
            self.conn.execute(_LEASE, {"ids": list(ids), "b_owner": owner,
                                       "b_until": lease_until})

    def mark_first_page(self, incident_id: int, at: float) -> bool:
        """Record when the incident's first page was accepted; True only the first time."""
        result = self.conn.execute(_FIRST_PAGE, {"b_id": incident_id, "b_at": at})
        return bool(result.rowcount)

    def release_leases(self, owner: str) -> int:
        """Make ``owner``'s in-flight messages claimable again now (after its restart)."""
        result = self.conn.execute(
            sa.update(outbox).where(outbox.c.status == str(OutboxStatus.SENDING),
                                    outbox.c.lease_owner == owner)
            .values(status=str(OutboxStatus.PENDING), lease_owner=None, lease_until=None))
        return int(result.rowcount or 0)

    def mark_sent(self, item_id: int, provider_id: str | None, now: float) -> None:
        self.conn.execute(_SENT, {"b_id": item_id, "b_provider_id": provider_id,
                                  "b_now": now})

    def mark_retry(self, item_id: int, due_at: float, error: str) -> None:
        self.conn.execute(sa.update(outbox).where(outbox.c.id == item_id).values(
            status=str(OutboxStatus.PENDING), due_at=due_at, error=error,
            lease_owner=None, lease_until=None))

    def release_held(self, channel: Channel, error: str, now: float) -> int:
        """Make the ``channel`` messages held back by an open circuit (their error starts
        with ``error``) due now; how many."""
        result = self.conn.execute(
            sa.update(outbox).where(outbox.c.status == str(OutboxStatus.PENDING),
                                    outbox.c.channel == str(channel),
                                    outbox.c.error.startswith(error, autoescape=True),
                                    outbox.c.due_at > now)
            .values(due_at=now))
        if result.rowcount:
            self.made_work = True
        return int(result.rowcount or 0)

    def mark_failed(self, item_id: int, error: str) -> bool:
        """Mark the message failed for good; False if it already was (a send failure and
        a failure callback, or a callback twice: the caller acts only on True)."""
        result = self.conn.execute(
            sa.update(outbox).where(outbox.c.id == item_id,
                                    outbox.c.status != str(OutboxStatus.FAILED))
            .values(status=str(OutboxStatus.FAILED), error=error, lease_owner=None,
                    lease_until=None))
        return bool(result.rowcount)

    def outbox_by_provider_id(self, provider_id: str,
                                    for_update: bool = False) -> OutboxItem | None:
        """The message the provider knows as ``provider_id``; ``for_update`` locks it until
        commit on PostgreSQL (SQLite's writers take turns)."""
        query = sa.select(outbox).where(outbox.c.provider_id == provider_id)
        if for_update and self.postgres:
            query = query.with_for_update()
        row = (self.conn.execute(query)).first()
        return None if row is None else outbox_from_row(row, self.words)

    def set_provider_status(self, item_id: int, status: str,
                                  error: str | None = None) -> bool:
        """Store a provider status if it moves the message forward; True if it did.

        A conditional update (core/delivery.py is the order): a repeated or late
        callback changes nothing and returns False, so its side effects are skipped.
        """
        values: dict[str, Any] = {"provider_status": status}
        if error is not None:
            values["error"] = error
        result = self.conn.execute(
            sa.update(outbox)
            .where(outbox.c.id == item_id,
                   sa.or_(outbox.c.provider_status.is_(None),
                          outbox.c.provider_status.not_in(sorted(blocking(status)))))
            .values(**values))
        return bool(result.rowcount)

    def next_due(self) -> float | None:
        """The earliest time (schedule clock) any escalation or outbox message is due."""
        a = self.conn.execute(_NEXT_ESCALATION).scalar()
        b = self.conn.execute(_NEXT_MESSAGE).scalar()
        due = [float(x) for x in (a, b) if x is not None]
        return min(due) if due else None

    def next_lease_expiry(self) -> float | None:
        """When (wall clock) the first in-flight message's lease runs out."""
        c = self.conn.execute(_NEXT_LEASE_END).scalar()
        return None if c is None else float(c)
