"""Responding to an incident: acknowledge, resolve, and who may (part of the receiver)."""

from __future__ import annotations

from collections.abc import Callable

from alertbot.clock import Clock
from alertbot.domain.incident import Incident, InvalidTransition, State
from alertbot.domain.messages import render
from alertbot.domain.model import Config, Contact
from alertbot.domain.records import NewMessage
from alertbot.engine import notices
from alertbot.engine.actors import Reply
from alertbot.metrics import Metrics
from alertbot.store.sql import Tx


class Responding:
    """ACK, RESOLVE and STATUS, whichever channel they come from."""

    config: Config
    clock: Clock
    metrics: Metrics

    # --- acknowledging and resolving -----------------------------------------------

    async def _responder_incidents(self, tx: Tx, contact: Contact,
                                   states: tuple[State, ...]) -> list[Incident]:
        if self.config.is_admin(contact.id):
            candidates = await tx.open_incidents()
        else:
            candidates = await tx.open_incidents_paging(contact.id)
        return [i for i in candidates if i.state in states]

    async def _pick(self, tx: Tx, contact: Contact, number: int | None,
                    states: tuple[State, ...], which_key: str) -> Incident | Reply:
        lang = contact.language
        if number is not None:
            incident = await tx.get_incident(number, for_update=True)
            if incident is None:
                return Reply(render("no_such", lang, n=number), lang)
            if not incident.may_respond(contact.id, self.config.is_admin(contact.id)):
                return Reply(render("not_allowed", lang, n=number), lang)
            return incident  # closed or taken: the transition says by whom
        candidates = await self._responder_incidents(tx, contact, states)
        if not candidates:
            # Someone got there first (a race, or a moment ago): the one incident still
            # open for this person is picked so the reply names who has it.
            candidates = await self._responder_incidents(
                tx, contact, (State.TRIGGERED, State.ACKNOWLEDGED))
            if len(candidates) != 1:
                return Reply(render("ack_none", lang), lang)
        if len(candidates) > 1:
            numbers = ", ".join(f"#{i.id}" for i in candidates)
            return Reply(render(which_key, lang, numbers=numbers), lang)
        return candidates[0]

    def _taken(self, incident: Incident, language: str) -> Reply:
        """What the loser of a race (or anyone late) is told: who acknowledged or resolved."""
        if incident.state is State.RESOLVED:
            resolver = self.config.contacts.get(incident.resolved_by or "")
            name = resolver.name if resolver else incident.resolved_by or "?"
            return Reply(render("resolve_already", language, n=incident.id, name=name),
                         language, incident.id)
        return Reply(render("ack_already", language, n=incident.id,
                            name=incident.acknowledged_by_name), language, incident.id)

    async def _take(self, tx: Tx, incident: Incident,
                    move: Callable[[Incident], Incident]) -> tuple[Incident, Incident] | Incident:
        """Apply the state machine's ``move`` in the database, atomically.

        Returns (before, after) when this transaction made the move, else the incident as
        it now is (someone else moved it first; ``_taken`` says who). The row is locked
        and read afresh first (PostgreSQL), and the write is a compare-and-set
        (``Tx.transition``), so of two concurrent moves exactly one wins on every backend.
        """
        before = await tx.get_incident(incident.id, for_update=True) or incident
        try:
            after = move(before)
        except InvalidTransition:
            return before
        if await tx.transition(before, after):
            return before, after
        return await tx.get_incident(incident.id) or before

    async def acknowledge(self, tx: Tx, incident: Incident, contact: Contact,
                          source: str) -> Reply:
        lang = contact.language
        now = self.clock.now()
        taken = await self._take(
            tx, incident, lambda i: i.acknowledge(contact.id, contact.name, now))
        if isinstance(taken, Incident):
            return self._taken(taken, lang)
        incident = taken[0]
        cancelled = await tx.cancel_pages(incident.id)
        await tx.add_timeline(incident.id, now, "acknowledged",
                              f"acknowledged by {contact.name} via {source}; paging stopped"
                              f" ({cancelled} queued page(s) cancelled)", contact.name)
        messages: list[NewMessage] = []
        reason = f"acknowledged by {contact.name}"
        reporter = self._reporter(incident)
        if reporter is not None and reporter.id != contact.id:
            msg = notices.notice_to_contact(reporter, "ack_notice_reporter", incident.id,
                                            reason, n=incident.id, name=contact.name)
            if msg:
                messages.append(msg)
        elif reporter is None and incident.reporter_phone:
            messages.append(notices.notice_to_phone(
                incident.reporter_phone, incident.language, "ack_notice_reporter",
                incident.id, reason, n=incident.id, name=contact.name))
        for cid in await tx.paged_contacts(incident.id):
            other = self.config.contacts.get(cid)
            if other is None or other.id == contact.id or (reporter and other.id == reporter.id):
                continue
            msg = notices.notice_to_contact(other, "ack_notice_team", incident.id, reason,
                                            n=incident.id, name=contact.name)
            if msg:
                messages.append(msg)
        await tx.enqueue(messages, now)
        self.metrics.acknowledgements.labels(source=source).inc()
        if incident.created_at:
            self.metrics.time_to_ack.observe(max(0.0, now - incident.created_at))
        return Reply(notices.sms_text(render("ack_ok", lang, n=incident.id)), lang, incident.id)

    async def _ack(self, tx: Tx, contact: Contact, number: int | None, source: str) -> Reply:
        picked = await self._pick(tx, contact, number, (State.TRIGGERED,), "ack_which")
        if isinstance(picked, Reply):
            return picked
        return await self.acknowledge(tx, picked, contact, source)

    async def resolve(self, tx: Tx, incident: Incident, contact: Contact, source: str) -> Reply:
        lang = contact.language
        now = self.clock.now()
        taken = await self._take(tx, incident, lambda i: i.resolve(contact.id, now))
        if isinstance(taken, Incident):
            return self._taken(taken, lang)
        incident = taken[0]
        await tx.cancel_pages(incident.id)
        await tx.add_timeline(incident.id, now, "resolved",
                              f"resolved by {contact.name} via {source}", contact.name)
        messages: list[NewMessage] = []
        reason = f"resolved by {contact.name}"
        targets = set(await tx.paged_contacts(incident.id))
        if incident.reporter_id:
            targets.add(incident.reporter_id)
        for cid in sorted(targets - {contact.id}):
            other = self.config.contacts.get(cid)
            if other is not None:
                msg = notices.notice_to_contact(other, "resolve_notice", incident.id, reason,
                                                n=incident.id, name=contact.name)
                if msg:
                    messages.append(msg)
        await tx.enqueue(messages, now)
        return Reply(notices.sms_text(render("resolve_ok", lang, n=incident.id)), lang,
                     incident.id)

    async def _resolve(self, tx: Tx, contact: Contact, number: int | None,
                       source: str) -> Reply:
        picked = await self._pick(tx, contact, number, (State.TRIGGERED, State.ACKNOWLEDGED),
                                  "resolve_which")
        if isinstance(picked, Reply):
            return picked
        return await self.resolve(tx, picked, contact, source)

    async def _status(self, tx: Tx, contact: Contact) -> Reply:
        lang = contact.language
        open_ = await tx.open_incidents()
        if not open_:
            return Reply(render("status_none", lang), lang)
        lines = []
        for i in open_:
            who = (render("status_acked", lang, name=i.acknowledged_by_name)
                   if i.state is State.ACKNOWLEDGED else render("status_unacked", lang))
            lines.append(render("status_line", lang, n=i.id,
                                school=i.school_name or render("no_school", lang), who=who))
        return Reply(notices.sms_text("\n".join(lines)), lang)

    def _reporter(self, incident: Incident) -> Contact | None:
        return self.config.contacts.get(incident.reporter_id) if incident.reporter_id else None
