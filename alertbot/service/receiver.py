"""The receiver: turns a Command from any inbound channel into one unit of work.

Inbound handlers (SMS, voice, Slack, console, sandbox) only translate requests into
``(Actor, Command)`` and render the returned ``Reply``. The receiver applies a command
in one unit of work (decision 0018) and dispatches it, by its type, to the part that
owns it (``DISPATCH`` below names them); it holds no rule of its own but one: a
number nobody may know of is answered as a missing one (``who.may_know_of``).

The parts are plain classes with explicit collaborators, built here:

* ``questions.Questions``: refusals and the pure questions adapters ask (PINs, the
  phone tree's menu, school first, the fallback number);
* ``reporting.Reporting``: a report opens or joins; the page-storm gates; the receipt;
* ``updates.Updates``: additions, a school named later and the merge, free text;
* ``responding.Responding``: ACK, RESOLVE, STATUS;
* modules with one function per command: ``notes``, ``availability``, ``calls``,
  ``documents``, ``console_actions``, ``optouts``.

Each part reads the config through a getter, ``lambda: self.config``: a reload replaces
``receiver.config`` (app.py, ``ConfigReloader``) and every part sees the new one at its
next command.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, replace

from alertbot.clock import Clock
from alertbot.core import commands as cmd
from alertbot.core import who
from alertbot.core.actors import Actor, Outcome
from alertbot.core.limits import SENDER_CAP, SENDER_WINDOW, UNVERIFIED_CAP
from alertbot.core.model import Config
from alertbot.core.records import OutboxItem
from alertbot.faults import CrashPoints
from alertbot.metrics import Metrics
from alertbot.notify.ports import SendLater, SendsNow
from alertbot.service import (
    availability,
    calls,
    console_actions,
    documents,
    notes,
    optouts,
)
from alertbot.service.events import IncidentEvents
from alertbot.service.questions import Questions, keyed, reply
from alertbot.service.reporting import UNVERIFIED_KEY, Reporting
from alertbot.service.responding import Responding
from alertbot.service.updates import Updates
from alertbot.store.sql import Store, Tx
from alertbot.text.reply import Reply

__all__ = ["SENDER_CAP", "SENDER_WINDOW", "UNVERIFIED_CAP", "UNVERIFIED_KEY", "Actor",
           "Applied", "Outcome", "Receiver", "Reply", "reply"]

log = logging.getLogger("alertbot.receiver")


@dataclass(frozen=True)
class Applied:
    """What one command's unit of work did: the reply, whether it gave the engine work
    (an incident changed, a message queued), and the incidents it changed."""

    reply: Reply
    made_work: bool
    changed: tuple[int, ...]


class Receiver:
    """Applies commands (``handle``) and answers adapters' questions (one-line delegates
    to ``questions``). ``config`` and ``public_url`` may be replaced at any time (a
    reload; a test): the parts read them through getters."""

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
        config_now = self._config_now
        url_now = self._public_url_now
        self.questions = Questions(config_now)
        self.responding = Responding(config_now, clock, metrics, url_now)
        self.updates = Updates(config_now, clock, url_now)
        self.reporting = Reporting(config_now, clock, metrics, self.questions, self.updates)

    def _config_now(self) -> Config:
        return self.config

    def _public_url_now(self) -> str | None:
        return self.public_url

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
            self.crash.hit("after-ack")  # committed, nothing of it sent yet
        if claimed:
            # Two turns of the loop before anything else: in the first the first message's
            # request is built (its send task runs up to its first wait), in the second
            # aiohttp's body task (Python 3.11) writes it to the provider's socket; only
            # then the reply, the engine's wake-up and the console's events (0048,
            # further).
            await asyncio.sleep(0)
            await asyncio.sleep(0)
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
        reply_ = self._dispatch(tx, actor, command, source)
        if reply_.incident_id is not None and tx.is_drill(reply_.incident_id):
            reply_ = replace(reply_, drill=True)  # every medium then says DRILL (issue 14)
        if dedup_key is not None:
            tx.record_inbound(dedup_key, self.clock.now(), reply_.to_json(),
                              reply_.incident_id)
        if isinstance(command, cmd.Ack):
            self.crash.hit("in-ack")
        changed = set(tx.also_changed)
        if reply_.incident_id is not None:
            changed.add(reply_.incident_id)
        return Applied(reply_, tx.made_work, tuple(sorted(changed)))

    def _dispatch(self, tx: Tx, actor: Actor, command: cmd.Command, source: str) -> Reply:
        """The part that owns ``command``; nothing else is decided here."""
        hidden = self._unknown_to(tx, actor, cmd.named_number(command))
        if hidden is not None:
            return hidden
        now = self.clock.now()
        match command:
            case cmd.Open():
                return self.reporting.open(tx, actor, command, source)
            case cmd.Intake():
                return self.questions.intake(actor)
            case cmd.Reserved():
                return optouts.reserved(tx, self.config, actor, command.word, now)
            case cmd.Update():
                return self.updates.update(tx, actor, command.number, command.text, source)
            case cmd.Bridge() | cmd.CallEvent():
                return calls.apply(self, tx, actor, command, source)
            case cmd.Attach():
                return documents.attach(self, tx, actor, command, source, self._dispatch)
        verdict = who.may_command(self.config, actor.contact)
        if not verdict.allowed or actor.contact is None:
            return self.questions.refuse(actor, verdict)
        contact = actor.contact
        match command:
            case cmd.Ack(number=number):
                return self.responding.ack(tx, contact, number, source, actor.proof)
            case cmd.Resolve(number=number):
                return self.responding.resolve_command(tx, contact, number, source,
                                                       actor.proof)
            case cmd.Note():
                return notes.add_note(tx, self.config, contact, command, source, now)
            case cmd.Status():
                return self.responding.status(tx, contact)
            case cmd.Away() | cmd.Back():
                return availability.by_text(tx, self.config, contact, command, now)
            case cmd.Text(text=text):
                return self.updates.text(tx, contact, text, source)
            case cmd.PageNow() | cmd.MessageReporter():
                return console_actions.apply(tx, self.config, now, contact, command,
                                             self.public_url)
        raise AssertionError(f"unhandled command {command!r}")

    def _unknown_to(self, tx: Tx, actor: Actor, number: int | None) -> Reply | None:
        """The reply for a number that names no incident this sender may know of
        (``who.may_know_of``): the same whether it does not exist or is not theirs to
        see. None: go on (no number, or one they may know of)."""
        if number is None:
            return None
        incident = tx.get_incident(number)
        reported = incident is not None and self.updates.reported(tx, incident, actor)
        verdict = who.may_know_of(self.config, actor.contact, number, incident, reported)
        if verdict.allowed:
            return None
        log.info("%s named #%d: %s", actor.masked, number, verdict.reason)
        outcome = Outcome.REFUSED if actor.contact is None else Outcome.NOT_FOUND
        return keyed(outcome, verdict.key, actor.language, None, verdict.values)
