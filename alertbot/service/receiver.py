"""The receiver: turns a Command from any inbound channel into one transaction.

Inbound handlers (SMS, voice, Slack, sandbox) only translate requests into
``(Actor, Command)`` and render the returned ``Reply``; every rule lives here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace

from alertbot.clock import Clock
from alertbot.core import commands as cmd
from alertbot.core import limits, who
from alertbot.core.actors import Actor, Outcome
from alertbot.core.incident import Incident, State
from alertbot.core.limits import SENDER_CAP, SENDER_WINDOW, UNVERIFIED_CAP, Gate
from alertbot.core.model import Config, Contact, School
from alertbot.core.plan import build_plan, select_policy
from alertbot.core.records import NewMessage, OutboxItem
from alertbot.faults import CrashPoints
from alertbot.metrics import Metrics
from alertbot.notify.ports import SendLater, SendsNow
from alertbot.service import (
    availability,
    calls,
    console_actions,
    documents,
    notes,
    notices,
    optouts,
)
from alertbot.service.escalation import escalate
from alertbot.service.events import IncidentEvents
from alertbot.service.questions import Questions, keyed
from alertbot.service.responding import Responding
from alertbot.store.sql import Store, Tx
from alertbot.text.messages import clean_text, render
from alertbot.text.reply import Reply, ReplyKey

__all__ = ["SENDER_CAP", "SENDER_WINDOW", "UNVERIFIED_CAP", "Actor", "Outcome", "Receiver",
           "Reply"]

log = logging.getLogger("alertbot.receiver")

# The lock (PostgreSQL) that makes school-less unverified reports take turns: they are
# one crowd for ``limits.crowd_gate`` (alertbot/core/limits.py).
UNVERIFIED_KEY = "unverified:*"


@dataclass(frozen=True)
class Applied:
    """What one command's unit of work did: the reply, whether it gave the engine work
    (an incident changed, a message queued), and the incidents it changed."""

    reply: Reply
    made_work: bool
    changed: tuple[int, ...]


class Receiver(Questions, Responding):
    def __init__(self, config: Config, store: Store, clock: Clock, metrics: Metrics,
                 nudge: Callable[[], None], events: IncidentEvents | None = None,
                 crash: CrashPoints | None = None, public_url: str | None = None,
                 sends: SendsNow | None = None) -> None:
        self.config = config
        self.sends = sends or SendLater()  # the dispatcher: sends without an engine pass
        # The console's address (ALERTBOT_PUBLIC_URL), sent to whoever acknowledges.
        self.public_url = public_url
        self.store = store
        self.clock = clock
        self.metrics = metrics
        self.nudge = nudge
        self.events = events or IncidentEvents()
        self.crash = crash or CrashPoints()

    async def handle(self, actor: Actor, command: cmd.Command, source: str,
                     dedup_key: str | None = None) -> Reply:
        """Apply ``command`` once, as one unit of work (``apply``). A repeated
        ``dedup_key`` returns the first reply (its outcome, incident and text, kept as JSON
        with the incident it touched). After the commit the engine is woken if the unit
        made work, and every incident it changed is published to the console and Slack."""
        claim = self.sends.claimer()  # what the unit queues is leased in it (0048)

        def unit(tx: Tx) -> tuple[Applied, list[OutboxItem]]:
            done = self.apply(tx, actor, command, source, dedup_key)
            return done, claim(tx) if done.made_work else []

        done, claimed = await self.store.write(unit)
        self.sends.start(claimed)
        if isinstance(command, cmd.Ack):
            self.crash.hit("after-ack")
        if done.made_work:  # a stranger's text or STATUS gives the engine nothing to do
            self.nudge()
        for incident_id in done.changed:
            self.events.publish(incident_id)
        return done.reply

    def apply(self, tx: Tx, actor: Actor, command: cmd.Command, source: str,
              dedup_key: str | None = None) -> Applied:
        """The unit of work for one command: synchronous, inside ``tx``."""
        if dedup_key is not None:
            previous = tx.seen_inbound(dedup_key)
            if previous is not None:
                self.metrics.inbound_duplicates.inc()
                return Applied(Reply.from_json(previous, actor.language), False, ())
        reply = self._dispatch(tx, actor, command, source)
        if reply.incident_id is not None and tx.is_drill(reply.incident_id):
            reply = replace(reply, drill=True)  # every medium then says DRILL (issue 14)
        if dedup_key is not None:
            tx.record_inbound(dedup_key, self.clock.now(), reply.to_json(), reply.incident_id)
        if isinstance(command, cmd.Ack):
            self.crash.hit("in-ack")
        changed = set(tx.also_changed)
        if reply.incident_id is not None:
            changed.add(reply.incident_id)
        return Applied(reply, tx.made_work, tuple(sorted(changed)))

    def _dispatch(self, tx: Tx, actor: Actor, command: cmd.Command, source: str) -> Reply:
        match command:
            case cmd.Open():
                return self._open(tx, actor, command, source)
            case cmd.Intake():
                return self._intake(actor)
            case cmd.Reserved():
                return self._reserved(tx, actor, command)
            case cmd.Update():
                return self._update(tx, actor, command.number, command.text, source)
            case cmd.Bridge() | cmd.CallEvent():
                return calls.apply(self, tx, actor, command, source)
            case cmd.Attach():
                return documents.attach(self, tx, actor, command, source, self._dispatch)
        verdict = who.may_command(self.config, actor.contact)
        if not verdict.allowed or actor.contact is None:
            return self._refuse(actor, verdict)
        contact = actor.contact
        match command:
            case cmd.Ack(number=number):
                return self._ack(tx, contact, number, source, actor.proof)
            case cmd.Resolve(number=number):
                return self._resolve(tx, contact, number, source, actor.proof)
            case cmd.Note():
                return notes.add_note(tx, self.config, contact, command, source,
                                      self.clock.now())
            case cmd.Status():
                return self._status(tx, contact)
            case cmd.Away() | cmd.Back():
                return availability.by_text(tx, self.config, contact, command, self.clock.now())
            case cmd.Text(text=text):
                return self._text(tx, contact, text, source)
            case cmd.PageNow() | cmd.MessageReporter():
                return console_actions.apply(tx, self.config, self.clock.now(), contact,
                                             command, self.public_url)
        raise AssertionError(f"unhandled command {command!r}")

    # --- opening ---------------------------------------------------------------------------

    def open_incident(self, tx: Tx, actor: Actor, trigger_incident: str,
                            school: School | None, details: str, source: str,
                            unverified: bool = False,
                            school_reason: str | None = None) -> tuple[Incident, bool]:
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
            id=0, type=itype.id, title=itype.title_in("en").format(school=school_label),
            school_id=school.id if school else None, school_name=school.name if school else None,
            reporter_id=actor.contact.id if actor.contact else None,
            reporter_name=actor.display, reporter_phone=actor.phone, source=source,
            details=details, language=actor.language, created_at=now, plan=plan,
            due_at=now, unverified=unverified, drill=itype.drill,
        )
        # One open incident per (type, school) is the database's guarantee: of two
        # reports at the same instant one opens, the other joins (store/tx.py).
        incident, new = tx.open_or_join(incident)
        if not new:
            existing = incident
            tx.add_timeline(existing.id, now, "reported_again",
                                  f"reported again via {source} by {actor.display}",
                                  actor.display)
            if details:
                tx.add_timeline(existing.id, now, "update", details, actor.display)
            self._add_reporter(tx, existing.id, actor, now)
            return existing, False
        self._add_reporter(tx, incident.id, actor, now, opener=True)
        by = actor.display + (" (unverified reporter)" if unverified else "")
        # The details stay on the incident row (console), not in the timeline text,
        # which Slack threads and reports may carry.
        tx.add_timeline(incident.id, now, "opened", f"opened via {source} by {by}",
                              actor.display)
        where = f"school {school.id}" if school else "no school named"
        tx.add_timeline(incident.id, now, "routed",
                        f"routed to escalation '{policy_name}' ({school_reason or where})")
        self.metrics.incidents_opened.labels(type=itype.id, source=source).inc()
        log.info("incident %d opened (%s, %s) via %s", incident.id, itype.id, where, source)
        # Its first pages go into the outbox in this same unit of work: never an incident
        # without them, and the first page waits for no engine pass.
        return escalate(tx, incident, now, self.config, self.metrics) or incident, True

    def _add_reporter(self, tx: Tx, incident_id: int, actor: Actor, now: float,
                            opener: bool = False) -> None:
        key = actor.sender_key
        if key is not None:
            tx.add_reporter(incident_id, key, actor.language, now, opener=opener)

    def _open(self, tx: Tx, actor: Actor, command: cmd.Open, source: str) -> Reply:
        config = self.config
        verdict = who.may_report(config, actor.contact, actor.phone)
        if not verdict.allowed:
            return self._refuse(actor, verdict)
        choice = who.school_for_report(config, actor.contact, command.school)
        school = choice.school
        sender = actor.sender_key
        if sender is not None:
            tx.lock_sender(sender)  # one sender's reports take turns (PostgreSQL)
            gated = self._sender_gate(tx, actor, sender, command, school, source)
            if gated is not None:
                return gated
        if who.is_unverified(actor.contact) and school is None:
            crowded = self._unverified_gate(tx, actor, command, source)
            if crowded is not None:
                return crowded
        incident, new = self.open_incident(
            tx, actor, command.trigger.incident, school, command.details, source,
            unverified=who.is_unverified(actor.contact), school_reason=choice.reason)
        return self.receipt(incident, actor.language, new)

    def _sender_gate(self, tx: Tx, actor: Actor, sender: str, command: cmd.Open,
                     school: School | None, source: str) -> Reply | None:
        """Repeated reports from one sender join their open incident; past the cap they
        are limited (``limits.sender_gate``). None: go on and open (or join by school)."""
        now = self.clock.now()
        itype = command.trigger.incident
        mine = [i for i in tx.open_incidents_reported_by_key(sender) if i.type == itype]
        school_open = school is not None and tx.open_incident_of(itype, school.id) is not None
        opened = tx.count_opened_by_since(sender, now - SENDER_WINDOW)
        gate = limits.sender_gate(mine, school, school_open, opened, now)
        if gate.gate is Gate.JOIN and gate.target is not None:
            incident = gate.target
            self._join(tx, incident, actor, command.details, source, now)
            if school is not None and incident.school_id is None:
                self.set_school(tx, incident, school, actor)
                incident = replace(incident, school_id=school.id, school_name=school.name)
            return self.receipt(incident, actor.language, False)
        if gate.gate is Gate.OPEN_TELL:
            # A school with no open incident, or nothing of theirs open: a genuine
            # report. It opens; the admins hear (once a window) how many this sender opened.
            self._tell_admins_of_sender(tx, actor, sender, "sender_many_admin",
                                        None, now, count=opened + 1)
        if gate.gate is Gate.LIMIT and gate.target is not None:
            return self._limited(tx, actor, sender, command, source, opened, gate.target)
        return None

    def _unverified_gate(self, tx: Tx, actor: Actor, command: cmd.Open,
                         source: str) -> Reply | None:
        """A school-less report from a number not in contacts, when UNVERIFIED_CAP such
        incidents opened in the window are still open: it joins the newest of them
        (``limits.crowd_gate``). None: open as usual."""
        tx.lock_sender(UNVERIFIED_KEY)  # such reports take turns (PostgreSQL)
        now = self.clock.now()
        crowd = tx.open_unverified_without_school(command.trigger.incident,
                                                  now - SENDER_WINDOW)
        gate = limits.crowd_gate(actor.contact, None, crowd)
        if gate.gate is not Gate.CROWD or gate.target is None:
            return None
        target = gate.target
        self._join(tx, target, actor, command.details, source, now, f" ({gate.reason})")
        self._tell_admins_of_sender(tx, actor, UNVERIFIED_KEY, "unverified_flood_admin",
                                    target, now, count=len(crowd) + 1,
                                    joined=f"#{target.id}")
        return self.receipt(target, actor.language, False)

    def _join(self, tx: Tx, incident: Incident, actor: Actor, details: str,
                    source: str, now: float, note: str = "") -> None:
        tx.add_timeline(incident.id, now, "reported_again",
                              f"reported again via {source} by {actor.display}{note}",
                              actor.display)
        details = clean_text(details)
        if details:
            tx.add_timeline(incident.id, now, "update", details, actor.display)
        self._add_reporter(tx, incident.id, actor, now)

    def _limited(self, tx: Tx, actor: Actor, sender: str, command: cmd.Open,
                       source: str, opened: int, target: Incident) -> Reply:
        """Over the cap, a report naming no school joins the sender's newest open
        incident (its words go on that timeline); admins hear once per window."""
        now = self.clock.now()
        minutes = int(SENDER_WINDOW // 60)
        self._join(tx, target, actor, command.details, source, now,
                         f" (sender limit: {opened} new incidents in {minutes} min)")
        self._tell_admins_of_sender(tx, actor, sender, "sender_limited_admin", target,
                                          now, count=opened, joined=f"#{target.id}")
        return self.fallback_reply(Outcome.LIMITED, ReplyKey.SENDER_LIMITED, actor.language,
                                   target.id, n=target.id, count=opened, minutes=minutes)

    def _tell_admins_of_sender(self, tx: Tx, actor: Actor, sender: str, key: str,
                                     incident: Incident | None, now: float,
                                     **values: object) -> None:
        """Text the admins about a sender over the cap, once per SENDER_WINDOW."""
        minutes = int(SENDER_WINDOW // 60)
        log.warning("sender %s over the cap: %s within %d min", actor.masked,
                    values.get("count"), minutes)
        if tx.claim_sender_notice(sender, now, SENDER_WINDOW):
            tx.enqueue(notices.notify_admins(
                self.config, key, incident.id if incident else None,
                f"sender over the cap: {actor.masked}", skip_address=actor.phone,
                who=actor.display, minutes=minutes, **values), now)

    def merged_reply(self, number: int, target: Incident, language: str) -> Reply:
        """What the reporter hears when their school-less incident was merged into the
        school's open one: which incident goes on, and who is responding if anyone."""
        if target.acknowledged_by_name:
            return reply(Outcome.JOINED, ReplyKey.MERGED_ACKED, language, target.id, n=number,
                         target=target.id, school=target.school_name or "",
                         name=target.acknowledged_by_name)
        return reply(Outcome.JOINED, ReplyKey.MERGED, language, target.id, n=number,
                     target=target.id, school=target.school_name or "")

    def receipt(self, incident: Incident, language: str, new: bool = True) -> Reply:
        """What a reporter is told: a new incident, or the open one they joined (who is
        responding, if someone acknowledged); with no school yet, they are asked for it."""
        itype = self.config.incidents[incident.type]
        values: dict[str, object] = {
            "n": incident.id, "guidance": dict(itype.guidance),
            "school": incident.school_name if incident.school_id is not None else None,
            "fallback": self.config.fallback_phone or ""}
        if new:
            key = ReplyKey.RECEIPT
        elif incident.acknowledged_by_name:
            key = ReplyKey.RECEIPT_JOINED_ACKED
            values["name"] = incident.acknowledged_by_name
        else:
            key = ReplyKey.RECEIPT_JOINED
        return reply(Outcome.OPENED if new else Outcome.JOINED, key, language, incident.id,
                     **values)

    # --- updates and reserved words ------------------------------------------------

    def _text(self, tx: Tx, contact: Contact, text: str, source: str) -> Reply:
        lang = contact.language
        actor = Actor(contact, phone=contact.phone)
        mine = tx.open_incidents_reported_by_key(actor.sender_key or "")
        if mine and text.strip():
            return self.add_update(tx, mine[-1], actor, text, source)
        # A responder answering a page in their own words ("Acknowledged", "On it"):
        # only an explicit ACK acknowledges, so they hear that paging goes on.
        paging = self._responder_incidents(tx, contact, (State.TRIGGERED,))
        if len(paging) == 1:
            return reply(Outcome.INFO, ReplyKey.NOT_ACKED, lang, n=paging[0].id)
        if paging:
            return reply(Outcome.INFO, ReplyKey.NOT_ACKED_WHICH, lang,
                         ids=[i.id for i in paging])
        return reply(Outcome.INFO, ReplyKey.HELP, lang,
                     keywords=[t.keyword for t in self.config.triggers if t.keyword])

    def _reported(self, tx: Tx, incident: Incident, actor: Actor) -> bool:
        """Whoever reported into the incident: its opener or anyone who joined it."""
        key = actor.sender_key
        if key is not None and tx.is_reporter(incident.id, key):
            return True
        return who.opened_it(actor.contact, actor.phone, incident)

    def _update(self, tx: Tx, actor: Actor, number: int, text: str,
                source: str) -> Reply:
        """An addition to incident ``number`` from whoever ``who.may_add`` allows. One that
        arrives after it was resolved (a recording, a transcript) is still evidence: it
        goes on the timeline and the sender is told."""
        incident = tx.get_incident(number)
        lang = actor.language
        if incident is None:
            return reply(Outcome.NOT_FOUND, ReplyKey.NO_SUCH, lang, n=number)
        verdict = who.may_add(self.config, actor.contact, incident,
                              self._reported(tx, incident, actor))
        if not verdict.allowed:
            log.info("refused an addition to #%d from %s: %s", number, actor.masked,
                     verdict.reason)
            return keyed(Outcome.REFUSED, verdict.key, lang, number, verdict.values)
        if not incident.is_open:
            tx.add_timeline(incident.id, self.clock.now(), "update",
                                  f"(after resolution) {clean_text(text)}", actor.display)
            return reply(Outcome.ADDED_RESOLVED, ReplyKey.UPDATE_ADDED_RESOLVED, lang, incident.id,
                         n=incident.id)
        return self.add_update(tx, incident, actor, text, source)

    def add_update(self, tx: Tx, incident: Incident, actor: Actor, text: str,
                         source: str) -> Reply:
        """A further report: onto the timeline; whoever acknowledged is told one came (the
        console link, not the words: decision 0043)."""
        now = self.clock.now()
        lang = actor.language
        text = clean_text(text)
        if incident.school_id is None:
            school, _rest = cmd.split_school(self.config, text)
            if school is not None:
                survivor = self.set_school(tx, incident, school, actor)
                if survivor.id != incident.id:  # that school's incident was already open
                    return self.merged_reply(incident.id, survivor, lang)
                return reply(Outcome.SCHOOL_SET, ReplyKey.SCHOOL_SET, lang, incident.id,
                             n=incident.id, school=school.name)
        tx.add_timeline(incident.id, now, "update", text, actor.display)
        if incident.acknowledged_by:
            responder = self.config.contacts.get(incident.acknowledged_by)
            if responder is not None and responder != actor.contact:
                # That something came, never its words (decision 0043): they may name
                # a student; the console shows them behind sign-in.
                msg = notices.notice_to_contact(
                    responder, "update_notice", incident.id, "reporter update",
                    n=incident.id, reporter=actor.display,
                    where=notices.in_console(self.public_url, incident.id,
                                             responder.language))
                if msg:
                    tx.enqueue([msg], now)
        return reply(Outcome.ADDED, ReplyKey.UPDATE_ADDED, lang, incident.id, n=incident.id)

    def set_school(self, tx: Tx, incident: Incident, school: School,
                         actor: Actor) -> Incident:
        """A school named after the incident opened: the title follows, and everyone
        already paged (and every other reporter) is told. The escalation plan stays as
        frozen at opening (decision 0003): re-routing mid-incident would page people
        who never heard of it and stop paging people who already have.

        When that school already has an open incident of the type, this one is merged
        into it (``_merge_into``) and that one is returned: one school, one response.
        """
        now = self.clock.now()
        existing = tx.open_incident_of(incident.type, school.id)
        if existing is not None and existing.id != incident.id:
            return self._merge_into(tx, incident, existing, actor, now)
        itype = self.config.incidents.get(incident.type)
        title = (itype.title_in("en").format(school=school.name) if itype is not None
                 else incident.title)
        # A conditional update (store/tx.py): the first school named stands, and it takes
        # the school's open-incident slot only if that is free.
        updated = tx.set_school(incident.id, school.id, school.name, title=title)
        if updated is None:  # named by someone else a moment ago, or closed
            return incident
        tx.add_timeline(incident.id, now, "school",
                              f"school set to {school.name} (escalation unchanged)",
                              actor.display)
        reason = f"school set to {school.name}"
        messages = self._tell_paged(
            tx, incident.id, actor, "school_notice", reason,
            lambda contact: {"n": incident.id, "title": notices.incident_title(
                self.config, updated, contact.language)})
        paged = {m.address for m in messages}
        for key, language in tx.reporters_of(incident.id):
            if key == actor.sender_key:
                continue
            msg = notices.notice_to_reporter(
                self.config, key, language, "school_notice", incident.id, reason,
                n=incident.id, title=notices.incident_title(self.config, updated, language))
            if msg is not None and msg.address not in paged:
                messages.append(msg)
        tx.enqueue(messages, now)
        return updated

    def _tell_paged(self, tx: Tx, incident_id: int, actor: Actor, key: str, reason: str,
                          values: Callable[[Contact], dict[str, object]]) -> list[NewMessage]:
        """Notice ``key`` to everyone a page of the incident went to, but the actor (each
        in their language, ``values(contact)`` filling the template)."""
        messages: list[NewMessage] = []
        for cid in tx.paged_contacts(incident_id):
            contact = self.config.contacts.get(cid)
            if contact is None or contact == actor.contact:
                continue
            msg = notices.notice_to_contact(contact, key, incident_id, reason,
                                            **values(contact))
            if msg:
                messages.append(msg)
        return messages

    def _merge_into(self, tx: Tx, duplicate: Incident, target: Incident, actor: Actor,
                          now: float) -> Incident:
        """``duplicate`` (opened without a school) turns out to be at ``target``'s school:
        it is closed as merged, its paging stops, its reporters join ``target`` and its
        words go onto ``target``'s timeline; everyone paged for it is told which incident
        goes on. Returns ``target``; if someone closed ``duplicate`` meanwhile, nothing
        changes and ``duplicate`` (as it now is) is returned."""
        closer = actor.contact.id if actor.contact else (actor.sender_key or "unknown")
        taken = self._take(tx, duplicate, lambda i: i.resolve(closer, now))
        if isinstance(taken, Incident):
            return taken
        cancelled = tx.cancel_pages(duplicate.id)
        where = target.school_name or ""
        tx.add_timeline(duplicate.id, now, "merged",
                              f"merged into #{target.id}: the same school ({where}); paging "
                              f"stopped ({cancelled} queued page(s) cancelled)", actor.display)
        tx.add_timeline(target.id, now, "merged",
                              f"#{duplicate.id} (reported by {duplicate.reporter_name} via "
                              f"{duplicate.source}) merged into this incident: the same school",
                              actor.display)
        if duplicate.details:
            tx.add_timeline(target.id, now, "update", duplicate.details,
                                  duplicate.reporter_name)
        for key, language in tx.reporters_of(duplicate.id):
            tx.add_reporter(target.id, key, language, now)
        messages = self._tell_paged(
            tx, duplicate.id, actor, "merged_notice", f"#{duplicate.id} merged into "
            f"#{target.id}", lambda _contact: {"n": duplicate.id, "target": target.id,
                                               "school": where})
        tx.enqueue(messages, now)
        tx.also_changed.add(duplicate.id)  # its post and console view show it closed
        log.info("incident %d merged into %d (same school)", duplicate.id, target.id)
        return target

    def _reserved(self, tx: Tx, actor: Actor, command: cmd.Reserved) -> Reply:
        """Twilio answers STOP/HELP/START itself; we record an opt-out and tell admins."""
        optouts.reserved_word(tx, actor.contact, actor.phone, command.word, self.clock.now())
        if command.word in cmd.OPT_OUT_WORDS and actor.contact is not None:
            now = self.clock.now()
            log.warning("%s texted %s: texts to them will fail until START",
                        actor.masked, command.word)
            tx.enqueue(notices.notify_admins(
                self.config, "opted_out", None, f"{actor.contact.id} opted out",
                skip_address=actor.phone, name=actor.contact.name, word=command.word), now)
        return Reply(ReplyKey.NONE, {}, actor.language, outcome=Outcome.NONE)


def reply(outcome: Outcome, key: ReplyKey, language: str, incident_id: int | None = None,
          **values: object) -> Reply:
    """The answer ``key`` with its ``values`` (data: each medium renders it, ``text/``)."""
    return Reply(key, dict(values), language, incident_id, outcome)
