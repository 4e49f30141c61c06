"""Responding to an incident: ACK, RESOLVE, STATUS, whichever channel they come from.

The receiver dispatches these commands here, inside the command's one unit of work
(``tx``: synchronous). Who may is ``core/who.py``'s; this module applies its answers.
Collaborators are explicit: the config in force (a getter: a reload swaps it), the clock,
the metrics, and the console's address (a getter: ``ALERTBOT_PUBLIC_URL``)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from alertbot.clock import Clock
from alertbot.core import who
from alertbot.core.actors import Outcome
from alertbot.core.incident import Incident, InvalidTransition, State
from alertbot.core.model import Channel, Config, Contact
from alertbot.core.records import NewMessage, OutboxKind
from alertbot.core.who import Proof, Stop, StopDecision
from alertbot.metrics import Metrics
from alertbot.service import console_actions, drills, notices
from alertbot.store.sql import Tx
from alertbot.text.reply import Reply, ReplyKey
from alertbot.text.voice_text import prompt

log = logging.getLogger("alertbot.receiver")


def incidents_for(tx: Tx, config: Config, contact: Contact,
                  states: tuple[State, ...]) -> list[Incident]:
    """The open incidents in ``states`` that ``contact`` could mean without a number:
    every one for an admin (``who.sees_every_open_incident``), else those paging them."""
    if who.sees_every_open_incident(config, contact):
        candidates = tx.open_incidents()
    else:
        candidates = tx.open_incidents_paging(contact.id)
    return [i for i in candidates if i.state in states]


def take(tx: Tx, incident: Incident,
         move: Callable[[Incident], Incident]) -> tuple[Incident, Incident] | Incident:
    """Apply the state machine's ``move`` in the database, atomically.

    Returns (before, after) when this transaction made the move, else the incident as
    it now is (someone else moved it first; ``Responding.taken`` says who). The row is
    locked and read afresh first (PostgreSQL), and the write is a compare-and-set
    (``Tx.transition``), so of two concurrent moves exactly one wins on every backend.
    """
    before = tx.get_incident(incident.id, for_update=True) or incident
    try:
        after = move(before)
    except InvalidTransition:
        return before
    if tx.transition(before, after):
        return before, after
    return tx.get_incident(incident.id) or before


class Responding:
    """ACK, RESOLVE and STATUS. ``config`` and ``public_url`` are getters (the values in
    force now); ``clock`` gives ``now`` (epoch seconds)."""

    def __init__(self, config: Callable[[], Config], clock: Clock, metrics: Metrics,
                 public_url: Callable[[], str | None]) -> None:
        self._config = config
        self.clock = clock
        self.metrics = metrics
        self._public_url = public_url

    @property
    def config(self) -> Config:
        return self._config()

    @property
    def public_url(self) -> str | None:
        return self._public_url()

    # --- acknowledging and resolving -----------------------------------------------

    def incidents_for(self, tx: Tx, contact: Contact,
                      states: tuple[State, ...]) -> list[Incident]:
        return incidents_for(tx, self.config, contact, states)

    def pick(self, tx: Tx, contact: Contact, number: int | None,
              states: tuple[State, ...], which_key: ReplyKey,
              only_one_picks: bool = True, console_pages: bool = False) -> Incident | Reply:
        """The incident ``number`` names, or (no number) the one this contact could mean;
        several: ``which_key`` lists them. ``only_one_picks=False``: without a number
        nothing is picked, even a single candidate (bare RESOLVE must name the incident,
        CONTRACT "Text messages": closing the wrong one ends a response).
        ``console_pages``: an acknowledged incident whose console "page now" reached
        them counts too (a bare ACK answers that page; new-user trial 3: it was told
        nothing was paging them, or acknowledged a drill instead)."""
        lang = contact.language
        if number is not None:
            incident = tx.get_incident(number, for_update=True)
            if incident is None:
                return _reply(Outcome.NOT_FOUND, ReplyKey.NO_SUCH, lang, None, n=number)
            verdict = who.may_respond(self.config, contact, incident)
            if not verdict.allowed:
                log.info("refused %s on #%d: %s", contact.id, number, verdict.reason)
                return _reply(Outcome.REFUSED, ReplyKey(verdict.key), lang, None, **verdict.values)
            return incident  # closed or taken: the transition says by whom
        candidates = self.incidents_for(tx, contact, states)
        if console_pages:
            known = {i.id for i in candidates}
            candidates += [i for i in tx.acknowledged_incidents_console_paging(contact.id)
                           if i.id not in known]
            candidates.sort(key=lambda i: i.id)
        if not candidates:
            # Someone got there first (a race, or a moment ago): the one incident still
            # open for this person is picked so the reply names who has it.
            candidates = self.incidents_for(
                tx, contact, (State.TRIGGERED, State.ACKNOWLEDGED))
            if len(candidates) != 1:
                return _reply(Outcome.NOT_FOUND, ReplyKey.ACK_NONE, lang, None)
        if len(candidates) > 1 or not only_one_picks:
            return _reply(Outcome.CHOOSE, which_key, lang, None,
                          ids=[i.id for i in candidates])
        return candidates[0]

    def taken(self, incident: Incident, language: str) -> Reply:
        """What the loser of a race (or anyone late) is told: who acknowledged or resolved."""
        if incident.state is State.RESOLVED:
            resolver = self.config.contacts.get(incident.resolved_by or "")
            name = resolver.name if resolver else incident.resolved_by or "?"
            return _reply(Outcome.ALREADY_RESOLVED, ReplyKey.RESOLVE_ALREADY, language, incident.id,
                          n=incident.id, name=name)
        return _reply(Outcome.ALREADY_ACKNOWLEDGED, ReplyKey.ACK_ALREADY, language, incident.id,
                      n=incident.id, name=incident.acknowledged_by_name)

    def acknowledge(self, tx: Tx, incident: Incident, contact: Contact,
                          source: str) -> Reply:
        lang = contact.language
        now = self.clock.now()
        taken = take(
            tx, incident, lambda i: i.acknowledge(contact.id, contact.name, now))
        if isinstance(taken, Incident):
            drills.record_late_ack(tx, taken, contact, source, now)  # a drill times everyone
            # Paged from the console after someone took it: this ACK answers that page.
            answered = console_actions.answered_page(tx, taken, contact, source, now)
            return answered or self.taken(taken, lang)
        incident, acked = taken
        cancelled = tx.cancel_pages(incident.id)
        tx.add_timeline(incident.id, now, "acknowledged",
                              f"acknowledged by {contact.name} via {source}; paging stopped"
                              f" ({cancelled} queued page(s) cancelled)", contact.name)
        reason = f"acknowledged by {contact.name}"
        # The responder is pointed to the console for the words (decision 0043); every
        # reporter (opener and joiners) hears who has it; the rest of the team that was
        # paged hears that paging stopped.
        messages = self._ack_details(tx, acked, contact, reason)
        before = len(messages)
        told = self._tell_reporters(tx, incident, {contact.id}, messages,
                                          "ack_notice_reporter", reason, name=contact.name)
        # The reply says "the reporter was told" only when one was: a scheduled drill
        # has no reporter (alertbot opened it), a reporter may have no address.
        key = ReplyKey.ACK_OK if len(messages) > before else ReplyKey.ACK_OK_UNTOLD
        for cid in notices.everyone_paged(tx, incident.id):
            other = self.config.contacts.get(cid)
            if other is None or other.id == contact.id or other.id in told:
                continue
            msg = notices.notice_to_contact(other, "ack_notice_team", incident.id, reason,
                                            n=incident.id, name=contact.name)
            if msg:
                messages.append(msg)
        tx.enqueue(messages, now)
        self.metrics.acknowledgements.labels(source=source).inc()
        if incident.created_at:
            self.metrics.time_to_ack.observe(max(0.0, now - incident.created_at))
        return _reply(Outcome.ACKNOWLEDGED, key, lang, incident.id, n=incident.id)

    def _ack_details(self, tx: Tx, incident: Incident, contact: Contact,
                           reason: str) -> list[NewMessage]:
        """The responder who acknowledged is told where the report's words are: the
        console link (by SMS, else Slack DM), never the words themselves, which may name
        a student or describe the agents (decision 0043, superseding that part of 0004).
        The words (the first report, later texts, a recording's link) are on the
        incident's console page, behind sign-in."""
        entries = (tx.timeline([incident.id])).get(incident.id, [])
        has_words = bool(incident.details) or any(
            e.kind == "update" and e.text for e in entries)
        key = "ack_words" if has_words else "ack_details_none"
        msg = notices.notice_to_contact(
            contact, key, incident.id, reason, n=incident.id,
            reporter=incident.reporter_name,
            where=notices.in_console(self.public_url, incident.id, contact.language))
        return [msg] if msg else []

    def _tell_reporters(self, tx: Tx, incident: Incident, skip: set[str],
                              messages: list[NewMessage], key: str, reason: str,
                              **values: object) -> set[str]:
        """Append ``key`` to everyone who reported into ``incident`` except the contacts in
        ``skip``; the contact ids told."""
        told: set[str] = set()
        keys = tx.reporters_of(incident.id)
        if not keys:  # an incident from before co-reporters were recorded
            if incident.reporter_id:
                keys = [(f"contact:{incident.reporter_id}", incident.language)]
            elif incident.reporter_phone:
                keys = [(f"phone:{incident.reporter_phone}", incident.language)]
        for rkey, language in keys:
            kind, _, ident = rkey.partition(":")
            if kind == "contact" and ident in skip:
                continue
            if kind == "contact":
                told.add(ident)
            msg = notices.notice_to_reporter(self.config, rkey, language, key, incident.id,
                                             reason, n=incident.id, **values)
            if msg is not None:
                messages.append(msg)
        return told

    def ack(self, tx: Tx, contact: Contact, number: int | None, source: str,
            proof: Proof) -> Reply:
        """``ACK [n]``: acknowledge incident ``n`` (or the one paging ``contact``)."""
        picked = self.pick(tx, contact, number, (State.TRIGGERED,), ReplyKey.ACK_WHICH,
                           console_pages=True)
        if isinstance(picked, Reply):
            return picked
        decision = who.stop_paging(contact, proof, picked, acknowledge=True)
        if decision.how is not Stop.NOW:
            return self.confirm_by_call(tx, contact, picked, True, source, decision)
        return self.acknowledge(tx, picked, contact, source)

    def resolve(self, tx: Tx, incident: Incident, contact: Contact, source: str) -> Reply:
        lang = contact.language
        now = self.clock.now()
        taken = take(tx, incident, lambda i: i.resolve(contact.id, now))
        if isinstance(taken, Incident):
            return self.taken(taken, lang)
        incident = taken[0]
        tx.cancel_pages(incident.id)
        tx.add_timeline(incident.id, now, "resolved",
                              f"resolved by {contact.name} via {source}", contact.name)
        messages: list[NewMessage] = []
        reason = f"resolved by {contact.name}"
        told = self._tell_reporters(tx, incident, {contact.id}, messages,
                                          "resolve_notice", reason, name=contact.name)
        targets = set(notices.everyone_paged(tx, incident.id))
        for cid in sorted(targets - {contact.id} - told):
            other = self.config.contacts.get(cid)
            if other is not None:
                msg = notices.notice_to_contact(other, "resolve_notice", incident.id, reason,
                                                n=incident.id, name=contact.name)
                if msg:
                    messages.append(msg)
        tx.enqueue(messages, now)
        # A scheduled drill ends with it, and its report goes to the admins (drills.py).
        scheduled = incident.drill and tx.drill_run_of(incident.id) is not None
        key = ReplyKey.RESOLVE_OK_DRILL if scheduled else ReplyKey.RESOLVE_OK
        return _reply(Outcome.RESOLVED, key, lang, incident.id, n=incident.id)

    def resolve_command(self, tx: Tx, contact: Contact, number: int | None, source: str,
                        proof: Proof) -> Reply:
        """``RESOLVE n`` (a bare RESOLVE closes nothing: it lists the candidates)."""
        picked = self.pick(tx, contact, number, (State.TRIGGERED, State.ACKNOWLEDGED),
                            ReplyKey.RESOLVE_WHICH, only_one_picks=False)
        if isinstance(picked, Reply):
            return picked
        decision = who.stop_paging(contact, proof, picked, acknowledge=False)
        if decision.how is not Stop.NOW:
            return self.confirm_by_call(tx, contact, picked, False, source, decision)
        return self.resolve(tx, picked, contact, source)

    def status(self, tx: Tx, contact: Contact) -> Reply:
        """STATUS: the open incidents this contact may see in the console (``who.may_view``:
        admins and console.see_all every one, responders those paging them, principals
        their schools'); an incident's existence and school are not for everyone."""
        lang = contact.language
        open_ = [i for i in tx.open_incidents()
                 if who.may_view(self.config, contact, i).allowed]
        if not open_:
            return _reply(Outcome.INFO, ReplyKey.STATUS_NONE, lang, None)
        incidents = [{"n": i.id, "school": i.school_name,
                      "acked_by": i.acknowledged_by_name if i.state is State.ACKNOWLEDGED
                      else None, **({"drill": True} if i.drill else {})} for i in open_]
        return _reply(Outcome.INFO, ReplyKey.STATUS, lang, None, incidents=incidents)

    # --- caller ID is not identity (decision 0014) -------------------------------------

    def confirm_by_call(self, tx: Tx, contact: Contact, picked: Incident, ack: bool,
                         source: str, decision: StopDecision) -> Reply:
        """Ack/Resolve whose proof does not suffice (``who.stop_paging``: caller ID
        alone): nothing changes; the contact is called back at their own number and
        pressing 1 on that call does it. The incident was picked as for a proven sender
        (the same refusals); a confirmation call is not repeated within
        ``who.CONFIRM_AGAIN_AFTER`` seconds (``who.call_back_again``), so a forged caller
        ID cannot make alertbot ring a responder over and over."""
        lang = contact.language
        if decision.how is Stop.IMPOSSIBLE or not contact.phone:
            return _reply(Outcome.REFUSED, ReplyKey.CONFIRM_IMPOSSIBLE, lang, picked.id,
                          n=picked.id)
        now = self.clock.now()
        kind = OutboxKind.CONFIRM_ACK if ack else OutboxKind.CONFIRM_RESOLVE
        previous = [m.created_at for m in tx.messages_for(picked.id)
                    if m.kind is kind and m.contact_id == contact.id]
        verb = "acknowledge" if ack else "resolve"
        if who.call_back_again(previous, now):
            body = prompt(f"confirm_{verb}", lang, n=picked.id)
            tx.enqueue([NewMessage(kind, Channel.VOICE, contact.phone, body, lang,
                                   picked.id, contact.id,
                                   reason=f"{verb} by {source}: caller ID only")], now)
            tx.add_timeline(
                picked.id, now, "unverified_caller",
                f"a call showing {contact.name}'s number asked to {verb} (caller ID not "
                f"verified); calling {contact.name} back to confirm", contact.name)
        return _reply(Outcome.CONFIRM_BY_CALL, ReplyKey.CONFIRM_CALL, lang, picked.id, n=picked.id)


def _reply(outcome: Outcome, key: ReplyKey, language: str, incident_id: int | None,
           **values: object) -> Reply:
    """The answer ``key`` with its ``values`` (data: each medium renders it, ``text/``)."""
    return Reply(key, dict(values), language, incident_id, outcome)
