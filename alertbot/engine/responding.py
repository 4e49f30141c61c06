"""Responding to an incident: acknowledge, resolve, and who may (part of the receiver)."""

from __future__ import annotations

from dataclasses import replace

from alertbot.clock import Clock
from alertbot.domain import commands as cmd
from alertbot.domain.incident import Incident, InvalidTransition, State
from alertbot.domain.messages import render
from alertbot.domain.model import Channel, Config, Contact
from alertbot.domain.records import NewMessage, OutboxKind
from alertbot.domain.voice_text import prompt
from alertbot.engine import notices
from alertbot.engine.actors import Reply
from alertbot.metrics import Metrics
from alertbot.store.sql import Tx


def said(key: str, language: str, incident_id: int | None = None, **values: object) -> Reply:
    """A reply naming its message: the text (folded for SMS), and the key and values a
    voice prompt renders in its own words (``voice_text.spoken_reply``)."""
    return Reply(notices.sms_text(render(key, language, **values)), language, incident_id,
                 key=key, values=values)


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
            if incident is None or not incident.is_open:
                return said("no_such", lang, n=number)
            if not incident.may_respond(contact.id, self.config.is_admin(contact.id)):
                return said("not_allowed", lang, n=number)
            return incident
        candidates = await self._responder_incidents(tx, contact, states)
        if not candidates:
            return said("ack_none", lang)
        if len(candidates) > 1:
            numbers = ", ".join(f"#{i.id}" for i in candidates)
            return said(which_key, lang, numbers=numbers)
        return candidates[0]

    async def acknowledge(self, tx: Tx, incident: Incident, contact: Contact,
                          source: str) -> Reply:
        lang = contact.language
        now = self.clock.now()
        try:
            acked = incident.acknowledge(contact.id, contact.name, now)
        except InvalidTransition:
            if incident.state is State.ACKNOWLEDGED:
                return said("ack_already", lang, incident.id, n=incident.id,
                            name=incident.acknowledged_by_name)
            return said("no_such", lang, incident.id, n=incident.id)
        await tx.save_incident(acked)
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
        return said("ack_ok", lang, incident.id, n=incident.id)

    async def _ack(self, tx: Tx, contact: Contact, number: int | None, source: str) -> Reply:
        picked = await self._pick(tx, contact, number, (State.TRIGGERED,), "ack_which")
        if isinstance(picked, Reply):
            return picked
        return await self.acknowledge(tx, picked, contact, source)

    async def resolve(self, tx: Tx, incident: Incident, contact: Contact, source: str) -> Reply:
        lang = contact.language
        now = self.clock.now()
        try:
            resolved = incident.resolve(contact.id, now)
        except InvalidTransition:
            return said("no_such", lang, incident.id, n=incident.id)
        await tx.save_incident(resolved)
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
        return said("resolve_ok", lang, incident.id, n=incident.id)

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

    # --- caller ID is not identity (decision 0014) -------------------------------------

    CONFIRM_AGAIN_AFTER = 120.0  # seconds: one confirmation call per person and incident

    async def confirm_by_call(self, tx: Tx, contact: Contact, command: cmd.Ack | cmd.Resolve,
                              source: str) -> Reply:
        """Ack/Resolve whose sender's identity is caller ID alone: nothing changes; the
        contact is called back at their own number and pressing 1 on that call does it.

        The incident is picked as for a proven sender (the same refusals); a confirmation
        call already placed in the last ``CONFIRM_AGAIN_AFTER`` seconds is not repeated,
        so a forged caller ID cannot make alertbot ring a responder over and over.
        """
        lang = contact.language
        ack = isinstance(command, cmd.Ack)
        if ack:
            picked = await self._pick(tx, contact, command.number, (State.TRIGGERED,),
                                      "ack_which")
        else:
            picked = await self._pick(tx, contact, command.number,
                                      (State.TRIGGERED, State.ACKNOWLEDGED), "resolve_which")
        if isinstance(picked, Reply):
            return picked
        if ack and picked.state is not State.TRIGGERED:
            return await self.acknowledge(tx, picked, contact, source)  # says who has it
        if not contact.phone:
            return said("confirm_impossible", lang, picked.id, n=picked.id)
        now = self.clock.now()
        kind = OutboxKind.CONFIRM_ACK if ack else OutboxKind.CONFIRM_RESOLVE
        recent = [m for m in await tx.messages_for(picked.id)
                  if m.kind is kind and m.contact_id == contact.id
                  and m.created_at > now - self.CONFIRM_AGAIN_AFTER]
        verb = "acknowledge" if ack else "resolve"
        if not recent:
            body = prompt(f"confirm_{verb}", lang, n=picked.id)
            await tx.enqueue([NewMessage(kind, Channel.VOICE, contact.phone, body, lang,
                                         picked.id, contact.id,
                                         reason=f"{verb} by {source}: caller ID only")], now)
            await tx.add_timeline(
                picked.id, now, "unverified_caller",
                f"a call showing {contact.name}'s number asked to {verb} (caller ID not "
                f"verified); calling {contact.name} back to confirm", contact.name)
        reply = said("confirm_call", lang, picked.id, n=picked.id)
        return replace(reply, confirm_call=True)

    def _reporter(self, incident: Incident) -> Contact | None:
        return self.config.contacts.get(incident.reporter_id) if incident.reporter_id else None
