"""The receiver: turns a Command from any inbound channel into one transaction.

Inbound handlers (SMS, voice, Slack, sandbox) only translate requests into
``(Actor, Command)`` and render the returned ``Reply``; every rule lives here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from alertbot.clock import Clock
from alertbot.domain import commands as cmd
from alertbot.domain.incident import Incident
from alertbot.domain.messages import clean_text, render
from alertbot.domain.model import Config, Contact, School
from alertbot.domain.plan import build_plan, select_policy
from alertbot.engine import notices
from alertbot.engine.actors import Actor, Reply
from alertbot.engine.events import IncidentEvents
from alertbot.engine.responding import Responding
from alertbot.faults import CrashPoints
from alertbot.metrics import Metrics
from alertbot.store.sql import Store, Tx

__all__ = ["Actor", "Receiver", "Reply"]

log = logging.getLogger("alertbot.receiver")


class Receiver(Responding):
    def __init__(self, config: Config, store: Store, clock: Clock, metrics: Metrics,
                 nudge: Callable[[], None], events: IncidentEvents | None = None,
                 crash: CrashPoints | None = None) -> None:
        self.config = config
        self.store = store
        self.clock = clock
        self.metrics = metrics
        self.nudge = nudge
        self.events = events or IncidentEvents()
        self.crash = crash or CrashPoints()

    async def handle(self, actor: Actor, command: cmd.Command, source: str,
                     dedup_key: str | None = None) -> Reply:
        """Apply ``command`` once. A repeated ``dedup_key`` returns the first reply."""
        async with self.store.tx() as tx:
            if dedup_key is not None:
                previous = await tx.seen_inbound(dedup_key)
                if previous is not None:
                    self.metrics.inbound_duplicates.inc()
                    return Reply(previous, actor.language)
            reply = await self._dispatch(tx, actor, command, source)
            if dedup_key is not None:
                await tx.record_inbound(dedup_key, self.clock.now(), reply.text)
            await tx.notify()
            if isinstance(command, cmd.Ack):
                self.crash.hit("in-ack")
        if isinstance(command, cmd.Ack):
            self.crash.hit("after-ack")
        if tx.made_work:  # a stranger's text or STATUS gives the engine nothing to do
            self.nudge()
        self.events.publish(reply.incident_id)
        return reply

    async def _dispatch(self, tx: Tx, actor: Actor, command: cmd.Command, source: str) -> Reply:
        match command:
            case cmd.Open():
                return await self._open(tx, actor, command, source)
            case cmd.Reserved():
                return await self._reserved(tx, actor, command)
            case cmd.Update():
                return await self._update(tx, actor, command.number, command.text, source)
        if actor.contact is None:
            return self._refuse(actor)
        contact = actor.contact
        match command:
            case cmd.Ack(number=number):
                return await self._ack(tx, contact, number, source)
            case cmd.Resolve(number=number):
                return await self._resolve(tx, contact, number, source)
            case cmd.Status():
                return await self._status(tx, contact)
            case cmd.Text(text=text):
                return await self._text(tx, contact, text, source)
        raise AssertionError(f"unhandled command {command!r}")

    # --- refusing ----------------------------------------------------------------------

    def _refuse(self, actor: Actor) -> Reply:
        fallback = self.config.fallback_phone
        key = "unknown_sender" if fallback else "unknown_sender_nofallback"
        log.info("refused a command from unknown sender %s", actor.masked)
        return Reply(render(key, actor.language, fallback=fallback), actor.language)

    # --- opening ---------------------------------------------------------------------------

    async def open_incident(self, tx: Tx, actor: Actor, trigger_incident: str,
                            school: School | None, details: str, source: str,
                            unverified: bool = False) -> tuple[Incident, bool]:
        """Open (or join) an incident; returns it and whether it is new.

        A second report of the same type at the same school while one is open joins
        it as an update: a principal who texts twice must not split the response.
        """
        now = self.clock.now()
        details = clean_text(details)
        itype = self.config.incidents[trigger_incident]
        policy_name = select_policy(itype.routes, school)
        assert policy_name is not None, "config check guarantees a catch-all route"
        plan = build_plan(self.config, self.config.escalations[policy_name])
        school_label = school.name if school else render("no_school", "en")
        incident = Incident(
            id=0, type=itype.id, title=itype.title.format(school=school_label),
            school_id=school.id if school else None, school_name=school.name if school else None,
            reporter_id=actor.contact.id if actor.contact else None,
            reporter_name=actor.display, reporter_phone=actor.phone, source=source,
            details=details, language=actor.language, created_at=now, plan=plan,
            due_at=now, unverified=unverified, drill=itype.drill,
        )
        # One open incident per (type, school) is the database's guarantee: of two
        # reports at the same instant one opens, the other joins (store/tx.py).
        incident, new = await tx.open_or_join(incident)
        if not new:
            existing = incident
            await tx.add_timeline(existing.id, now, "reported_again",
                                  f"reported again via {source} by {actor.display}",
                                  actor.display)
            if details:
                await tx.add_timeline(existing.id, now, "update", details, actor.display)
            return existing, False
        who = actor.display + (" (unverified reporter)" if unverified else "")
        # The details stay on the incident row (dashboard), not in the timeline text,
        # which Slack threads and reports may carry.
        await tx.add_timeline(incident.id, now, "opened", f"opened via {source} by {who}",
                              actor.display)
        where = f"school {school.id}" if school else "no school named"
        await tx.add_timeline(incident.id, now, "routed",
                              f"routed to escalation '{policy_name}' ({where})")
        self.metrics.incidents_opened.labels(type=itype.id, source=source).inc()
        log.info("incident %d opened (%s, %s) via %s", incident.id, itype.id, where, source)
        return incident, True

    async def _open(self, tx: Tx, actor: Actor, command: cmd.Open, source: str) -> Reply:
        if actor.contact is None and self.config.unknown_reporters != "accept":
            return self._refuse(actor)
        school = command.school
        if school is None and actor.contact is not None and len(actor.contact.schools) == 1:
            school = self.config.schools.get(actor.contact.schools[0])
        incident, new = await self.open_incident(
            tx, actor, command.trigger.incident, school, command.details, source,
            unverified=actor.contact is None)
        return self.receipt(incident, actor.language, new)

    def receipt(self, incident: Incident, language: str, new: bool = True) -> Reply:
        itype = self.config.incidents[incident.type]
        guidance = itype.guidance.get(language) or itype.guidance["en"]
        text = render("receipt", language, n=incident.id, guidance=guidance)
        if incident.school_id is None:
            text += render("receipt_ask_school", language)
        else:
            text += render("receipt_tail", language)
        return Reply(notices.sms_text(text), language, incident.id)

    # --- updates and reserved words ------------------------------------------------

    async def _text(self, tx: Tx, contact: Contact, text: str, source: str) -> Reply:
        lang = contact.language
        mine = await tx.open_incidents_reported_by(contact.id)
        if not mine or not text.strip():
            return Reply(notices.sms_text(self._help(lang)), lang)
        incident = mine[-1]
        return await self.add_update(tx, incident, Actor(contact, phone=contact.phone), text,
                                     source)

    async def _update(self, tx: Tx, actor: Actor, number: int, text: str,
                      source: str) -> Reply:
        """An addition to incident ``number``: from its reporter, a responder or an admin."""
        incident = await tx.get_incident(number)
        lang = actor.language
        if incident is None or not incident.is_open:
            return Reply(render("no_such", lang, n=number), lang)
        contact = actor.contact
        is_reporter = (contact is not None and contact.id == incident.reporter_id) or (
            contact is None and actor.phone is not None and actor.phone == incident.reporter_phone)
        allowed = is_reporter or (contact is not None and incident.may_respond(
            contact.id, self.config.is_admin(contact.id)))
        if not allowed:
            return Reply(render("not_allowed", lang, n=number), lang)
        return await self.add_update(tx, incident, actor, text, source)

    async def add_update(self, tx: Tx, incident: Incident, actor: Actor, text: str,
                         source: str) -> Reply:
        """A further report: onto the timeline and to whoever acknowledged."""
        now = self.clock.now()
        lang = actor.language
        text = clean_text(text)
        reply_key = "update_added"
        if incident.school_id is None:
            school, _rest = cmd.split_school(self.config, text)
            if school is not None and await tx.set_school(incident.id, school.id, school.name):
                await tx.add_timeline(incident.id, now, "school",
                                      f"school set to {school.name}", actor.display)
                return Reply(render("school_set", lang, n=incident.id, school=school.name),
                             lang, incident.id)
        await tx.add_timeline(incident.id, now, "update", text, actor.display)
        if incident.acknowledged_by:
            responder = self.config.contacts.get(incident.acknowledged_by)
            if responder is not None and responder != actor.contact:
                msg = notices.notice_to_contact(
                    responder, "update_forward", incident.id, "reporter update",
                    n=incident.id, reporter=actor.display, text=text)
                if msg:
                    await tx.enqueue([msg], now)
        return Reply(render(reply_key, lang, n=incident.id), lang, incident.id)

    def _help(self, language: str) -> str:
        keywords = [t.keyword for t in self.config.triggers if t.keyword]
        first = keywords[0] if keywords else "ICE"
        return render("help", language, keywords="/".join(keywords) or first,
                      example=f"{first} 2 agents at front desk")

    async def _reserved(self, tx: Tx, actor: Actor, command: cmd.Reserved) -> Reply:
        """Twilio answers STOP/HELP/START itself; we record an opt-out and tell admins."""
        if command.word in cmd.OPT_OUT_WORDS and actor.contact is not None:
            now = self.clock.now()
            log.warning("%s texted %s: texts to them will fail until START",
                        actor.masked, command.word)
            await tx.enqueue(notices.notify_admins(
                self.config, "opted_out", None, f"{actor.contact.id} opted out",
                skip_address=actor.phone, name=actor.contact.name, word=command.word), now)
        return Reply("", actor.language)
