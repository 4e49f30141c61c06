"""Phone calls between people (issue 13): the team bridge, and what happens on a call.

Called from the receiver's ``_dispatch`` (one line each), inside its unit of work:

- ``bridge``: ``BRIDGE 12`` (text, console, API) queues one call per person to call
  into incident 12's conference (``who.bridge_callees``) in the outbox, kind
  ``bridge`` (decision 0036): never lost (the outbox's lease), never placed twice for
  one request (the webhook key; and a second BRIDGE within ``BRIDGE_AGAIN_AFTER``
  seconds places nothing).
- ``call_event``: a leg changed (Twilio's status callbacks, a phone-tree step): its
  row in ``call_legs`` moves by a conditional update, and a change goes on the
  incident's timeline (kind ``call``), with the time it happened, in English like the
  rest of the timeline, so the after-action report shows it.

``line`` is the read-only view the voice handlers ask before they answer: is the
reporter waiting on the line, who joined them, which number to dial.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from alertbot.config.common import seconds_text
from alertbot.core import commands as cmd
from alertbot.core import who
from alertbot.core.actors import Actor, Outcome
from alertbot.core.incident import Incident, State
from alertbot.core.model import Channel, Config, Contact
from alertbot.core.records import NewMessage, OutboxKind
from alertbot.core.redact import mask_phone
from alertbot.core.who import Stop
from alertbot.store.calls import CallLeg
from alertbot.store.sql import Tx
from alertbot.text.reply import Reply, ReplyKey
from alertbot.text.voice_text import prompt

if TYPE_CHECKING:
    from alertbot.service.receiver import Receiver

log = logging.getLogger("alertbot.receiver")

BRIDGE_AGAIN_AFTER = 120.0  # seconds: a second BRIDGE within this places no more calls
ON_LINE = ("waiting", "connected")  # the caller's leg while they are on the line
FINAL_DIAL = ("completed", "no-answer", "busy", "failed", "canceled")
CONFERENCE = "conference"  # call_legs role of the conference itself (its ConferenceSid)
WAS_ON_LINE = ("on_line", "connected", "left")  # a leg that was in the conference
_SAID = {"no-answer": "no answer", "busy": "line busy", "failed": "call failed",
         "canceled": "call canceled"}


@dataclass(frozen=True)
class Line:
    """What a voice handler needs to connect a responder with the reporter: is the
    reporter waiting on the line (``caller_on_line``; since ``caller_since``, epoch
    seconds), who is on it with them (``joined``), and the reporter's name and number
    to dial (None: none on file)."""

    incident: Incident
    caller_on_line: bool
    joined: tuple[str, ...]
    reporter_name: str
    reporter_phone: str | None
    caller_since: float | None = None


def line(tx: Tx, config: Config, number: int) -> Line | None:
    """The line of incident ``number``; None when there is no such incident."""
    incident = tx.get_incident(number)
    if incident is None:
        return None
    legs = tx.call_legs_of(number)
    callers = [leg for leg in legs if leg.role == "caller" and leg.status in ON_LINE]
    joined = tuple(dict.fromkeys(leg.name for leg in legs if leg.status == "on_line"
                                 and leg.role in ("responder", "bridge", "dialin")))
    return Line(incident, bool(callers), joined, incident.reporter_name,
                who.reporter_phone(config, incident),
                callers[0].started_at if callers else None)


def apply(receiver: Receiver, tx: Tx, actor: Actor, command: cmd.Bridge | cmd.CallEvent,
          source: str) -> Reply:
    """The receiver's entry (its ``_dispatch``): a BRIDGE or a call event."""
    if isinstance(command, cmd.Bridge):
        return bridge(receiver, tx, actor, command, source)
    return call_event(receiver, tx, actor, command, source)


# --- BRIDGE ----------------------------------------------------------------------------


def bridge(receiver: Receiver, tx: Tx, actor: Actor, command: cmd.Bridge,
           source: str) -> Reply:
    """``BRIDGE n [with reporter]`` from a contact allowed to respond to ``n``."""
    contact = actor.contact
    if contact is None:
        return receiver.questions.refuse(actor, who.may_command(receiver.config, None))
    lang = contact.language
    picked = receiver.responding.pick(tx, contact, command.number,
                           (State.ACKNOWLEDGED, State.TRIGGERED), ReplyKey.BRIDGE_WHICH)
    if isinstance(picked, Reply):
        return picked
    if picked.state is State.RESOLVED:
        return receiver.responding.taken(picked, lang)
    if picked.state is State.TRIGGERED:
        return _reply(ReplyKey.BRIDGE_NOT_ACKED, lang, picked.id, Outcome.INFO)
    now = receiver.clock.now()
    if tx.recent_outbox(picked.id, OutboxKind.BRIDGE, now - BRIDGE_AGAIN_AFTER):
        return _reply(ReplyKey.BRIDGE_ALREADY, lang, picked.id, Outcome.INFO)
    joined = [leg.contact_id for leg in tx.call_legs_of(picked.id) if leg.contact_id]
    callees = who.bridge_callees(receiver.config, picked, joined, contact)
    reason = f"team call requested by {contact.name} via {source}"
    messages = [_bridge_call(picked.id, person, contact.name, reason) for person in callees]
    names = [person.name for person in callees]
    phone = who.reporter_phone(receiver.config, picked) if command.with_reporter else None
    if phone:
        reporter = receiver.config.contacts.get(picked.reporter_id or "")
        language = reporter.language if reporter else picked.language
        messages.append(NewMessage(
            OutboxKind.BRIDGE, Channel.VOICE, phone,
            prompt("bridge_call", language, name=contact.name, n=picked.id), language,
            picked.id, reporter.id if reporter else None, reason=reason))
        names.append(picked.reporter_name)
    if not messages:
        return _reply(ReplyKey.BRIDGE_NOBODY, lang, picked.id, Outcome.INFO)
    tx.enqueue(messages, now)
    tx.add_timeline(picked.id, now, "call", f"{contact.name} opened a team call via "
                    f"{source}: calling {', '.join(names)} into it", contact.name)
    return _reply(ReplyKey.BRIDGE_OK, lang, picked.id, Outcome.ADDED, names=names)


def _bridge_call(number: int, person: Contact, requester: str, reason: str) -> NewMessage:
    assert person.phone
    return NewMessage(OutboxKind.BRIDGE, Channel.VOICE, person.phone,
                      prompt("bridge_call", person.language, name=requester, n=number),
                      person.language, number, person.id, reason=reason)


# --- events on a call --------------------------------------------------------------------


def call_event(receiver: Receiver, tx: Tx, actor: Actor, command: cmd.CallEvent,
               source: str) -> Reply:
    """Record one event of a leg (see ``cmd.CallEvent``). ``Outcome.ADDED`` when it
    changed something (written on the timeline), ``Outcome.NONE`` for a repeat or an
    event about nothing alertbot knows; a dial-in answers with a ``bridge_*`` reply."""
    incident = tx.get_incident(command.number)
    lang = actor.language
    if incident is None:
        return _reply(ReplyKey.NO_SUCH, lang, None, Outcome.NOT_FOUND, n=command.number)
    if command.event == "dialin":
        return _dial_in(receiver, tx, actor, incident, command.sid)
    note = _note(receiver, tx, actor, incident, command)
    if note is None:
        return Reply(ReplyKey.NONE, {}, lang, incident.id, Outcome.NONE)
    tx.add_timeline(incident.id, receiver.clock.now(), "call", note)
    return Reply(ReplyKey.NONE, {}, lang, incident.id, Outcome.ADDED)


def _note(receiver: Receiver, tx: Tx, actor: Actor, incident: Incident,
          command: cmd.CallEvent) -> str | None:
    """The timeline line for the event, after moving its leg; None: nothing changed."""
    now, sid, event = receiver.clock.now(), command.sid, command.event
    leg = tx.call_leg(sid)
    if event == "wait":
        name = actor.display
        if not tx.add_call_leg(incident.id, sid, "caller", name,
                               actor.contact.id if actor.contact else None, "waiting", now):
            return None
        wait = seconds_text(receiver.config.caller_wait)
        return f"{name} is waiting on the line for a responder (up to {wait})"
    if event == "dial":
        name = actor.display
        if not tx.add_call_leg(incident.id, sid, "reporter", name,
                               actor.contact.id if actor.contact else None, "dialing", now):
            return None
        return (f"{name} is calling the reporter {incident.reporter_name} from the "
                "district number")
    if event == "join":
        return _joined(tx, receiver.config, incident, sid, leg, now)
    if event == "start":  # the conference (``sid``: its ConferenceSid), for its length
        tx.add_call_leg(incident.id, sid, CONFERENCE, "team call", None, "started", now)
        return None  # the joins say who is on it
    if event == "end":
        return _conference_ended(tx, incident, sid, leg, now)
    if leg is None:
        return None
    if event == "timeout":
        if not tx.set_call_leg_status(sid, "timed_out", now, only_from=("waiting",)):
            return None
        wait = seconds_text(receiver.config.caller_wait)
        return (f"nobody joined {leg.name} on the line within {wait}: the guidance was "
                "said again, paging goes on, and the call ended")
    if event == "leave":
        if not tx.set_call_leg_status(sid, "left", now, only_from=("on_line", *ON_LINE)):
            return None
        return f"{leg.name} left the call"
    if leg.role == "reporter":
        return _dial_status(tx, incident, leg, event, command.seconds, now)
    return None


def _joined(tx: Tx, config: Config, incident: Incident, sid: str, leg: CallLeg | None,
            now: float) -> str | None:
    """A participant joined the conference: the waiting caller (noted when they began
    to wait), a responder from a voice page, a bridge call or a dial-in."""
    if leg is not None:
        if leg.role == "caller" or not tx.set_call_leg_status(sid, "on_line", now):
            return None
        name = leg.name
    else:
        item = tx.outbox_by_call(sid)
        if item is None or item.incident_id != incident.id:
            return None
        role = "bridge" if item.kind is OutboxKind.BRIDGE else "responder"
        contact = config.contacts.get(item.contact_id or "")
        name = contact.name if contact else mask_phone(item.address)
        tx.add_call_leg(incident.id, sid, role, name, item.contact_id, "on_line", now)
    callers = [c for c in tx.call_legs_of(incident.id) if c.role == "caller"
               and c.status in ON_LINE]
    for caller in callers:
        tx.set_call_leg_status(caller.call_sid, "connected", now, only_from=("waiting",))
    if callers:
        return f"{name} joined {callers[0].name} on the line"
    return f"{name} joined the team call"


def _conference_ended(tx: Tx, incident: Incident, sid: str, leg: CallLeg | None,
                      now: float) -> str | None:
    """The conference ``sid`` ended (Twilio ``conference-end``): once, its length in
    seconds (from ``conference-start``, else from the first join) and who was on it, by
    name only (a caller not in contacts is "the reporter", never a number)."""
    legs = [other for other in tx.call_legs_of(incident.id) if other.role != CONFERENCE]
    if leg is not None:
        if leg.role != CONFERENCE or not tx.set_call_leg_status(sid, "ended", now,
                                                                only_from=("started",)):
            return None
        start = leg.started_at
    else:  # its start was not seen: from the first join on record
        if not tx.add_call_leg(incident.id, sid, CONFERENCE, "team call", None, "ended", now):
            return None
        joins = [other.started_at for other in legs if other.status in WAS_ON_LINE
                 and other.role != "caller"]
        start = min(joins, default=now)
    names = list(dict.fromkeys(_said_name(other) for other in legs
                               if other.status in WAS_ON_LINE and other.updated_at >= start))
    on_line = ", ".join(names) if names else "nobody"
    return f"the team call ended after {round(now - start)} s; on the line: {on_line}"


def _said_name(leg: CallLeg) -> str:
    """A leg's person as the timeline names them: a contact's name; else their role."""
    if leg.contact_id:
        return leg.name
    return "the reporter" if leg.role in ("caller", "reporter") else "a caller"


def _dial_status(tx: Tx, incident: Incident, leg: CallLeg, status: str,
                 seconds: int | None, now: float) -> str | None:
    """The reporter's phone, dialed by a responder: answered, or how it ended."""
    if status in ("answered", "in-progress"):
        if not tx.set_call_leg_status(leg.call_sid, "answered", now,
                                      only_from=("dialing", "ringing")):
            return None
        return f"the reporter {incident.reporter_name} answered {leg.name}'s call"
    if status not in FINAL_DIAL:
        return None
    if not tx.set_call_leg_status(leg.call_sid, status, now, only_from=(
            "dialing", "ringing", "answered")):
        return None
    if status == "completed":
        length = f" after {seconds} s" if seconds else ""
        return f"{leg.name}'s call with the reporter {incident.reporter_name} ended{length}"
    return (f"the reporter {incident.reporter_name} did not answer {leg.name}'s call "
            f"({_SAID[status]}); {leg.name} was told")


def _dial_in(receiver: Receiver, tx: Tx, actor: Actor, incident: Incident,
             sid: str) -> Reply:
    """A caller keyed in this incident's number to join its team call."""
    contact = actor.contact
    if contact is None:
        return receiver.questions.refuse(actor, who.may_command(receiver.config, None))
    lang = contact.language
    verdict = who.may_respond(receiver.config, contact, incident)
    if not verdict.allowed:
        return Reply(ReplyKey(verdict.key), dict(verdict.values), lang, None, Outcome.REFUSED)
    if incident.state is State.RESOLVED:
        return receiver.responding.taken(incident, lang)
    decision = who.joins_call(contact, actor.proof)
    now = receiver.clock.now()
    if decision.how is Stop.NOW:
        tx.add_call_leg(incident.id, sid, "dialin", contact.name, contact.id, "joining", now)
        tx.add_timeline(incident.id, now, "call", f"{contact.name} dialed in to the team "
                        f"call ({actor.proof})", contact.name)
        return _reply(ReplyKey.BRIDGE_JOIN, lang, incident.id, Outcome.INFO)
    if decision.how is Stop.IMPOSSIBLE or not contact.phone:
        return _reply(ReplyKey.CONFIRM_IMPOSSIBLE, lang, incident.id, Outcome.REFUSED)
    reason = f"{contact.name} dialed in with caller ID only: called back into the call"
    if not tx.recent_outbox(incident.id, OutboxKind.BRIDGE, now - BRIDGE_AGAIN_AFTER,
                            contact.id):
        tx.enqueue([_bridge_call(incident.id, contact, contact.name, reason)], now)
        tx.add_timeline(incident.id, now, "call", reason, contact.name)
    return _reply(ReplyKey.BRIDGE_CALLBACK, lang, incident.id, Outcome.CONFIRM_BY_CALL)


def _reply(key: ReplyKey, language: str, incident_id: int | None, outcome: Outcome,
           **values: object) -> Reply:
    """Reply ``key``; its ``n`` is the incident's number unless given."""
    if incident_id is not None:
        values.setdefault("n", incident_id)
    return Reply(key, dict(values), language, incident_id, outcome)
