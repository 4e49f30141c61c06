"""Documents by MMS (issue 12): which incident a text's photos go to, inside the
receiver's unit of work.

The receiver calls ``attach`` from ``_dispatch`` for an ``Attach`` command. Nothing here
downloads anything: each media URL becomes a ``pending`` document row (store/documents.py)
that the engine fetches, checks, seals and deletes from Twilio afterwards, outside any
unit of work (engine/documents.py). The reply says it was received and who can see it;
documents are never forwarded by SMS or Slack.

Which incident (rules in core/who.py, ``attach_candidates`` and ``may_attach``):

* a text whose words are a command (a report ``ICE …``, ``ACK 12``…) is applied as
  usual, and its photos go to the incident it touched, if the sender may attach there;
* a number at the start of the words (``12``, ``#12 the warrant``) picks that incident;
* else the sender's own open report, else the open incident they respond to; several:
  they are asked which (nothing is kept); none: they are told to report first.

The words besides the number are kept as an update of the incident, as any text is.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from alertbot.core import commands as cmd
from alertbot.core import who
from alertbot.core.actors import Actor, Outcome
from alertbot.core.incident import Incident, State
from alertbot.service.questions import keyed
from alertbot.store.tx import Tx
from alertbot.text.reply import Reply, ReplyKey

if TYPE_CHECKING:
    from alertbot.service.receiver import Receiver

log = logging.getLogger("alertbot.documents")

Dispatch = Callable[[Tx, Actor, cmd.Command, str], Reply]


def attach(receiver: Receiver, tx: Tx, actor: Actor, command: cmd.Attach, source: str,
           dispatch: Dispatch) -> Reply:
    """Apply one MMS: the words (``dispatch`` for a command), then a pending document
    per media on the chosen incident. Returns the reply (data, ``text/``)."""
    lang = actor.language
    if not isinstance(command.body, cmd.Text):
        replied = dispatch(tx, actor, command.body, source)
        incident = (tx.get_incident(replied.incident_id)
                    if replied.incident_id is not None else None)
        if incident is not None and _allowed(receiver, tx, actor, incident):
            _keep(receiver, tx, actor, incident, command)
        return replied
    words = command.text.strip()
    picked = cmd.take_number(words) if words else None
    if picked is not None and picked.number is not None:
        incident = tx.get_incident(picked.number)
        if incident is None:
            return Reply(ReplyKey.NO_SUCH, {"n": picked.number}, lang, None,
                         Outcome.NOT_FOUND)
        verdict = who.may_attach(receiver.config, actor.contact, incident,
                                 receiver.updates.reported(tx, incident, actor))
        if not verdict.allowed:
            log.info("refused a document for #%d from %s: %s", incident.id, actor.masked,
                     verdict.reason)
            return keyed(Outcome.REFUSED, verdict.key, lang, incident.id, verdict.values)
        return _received(receiver, tx, actor, incident, command, picked.rest, source)
    reported = tx.open_incidents_reported_by_key(actor.sender_key or "")
    responding: list[Incident] = []
    if actor.contact is not None:
        responding = receiver.responding.incidents_for(
            tx, actor.contact, (State.TRIGGERED, State.ACKNOWLEDGED))
    candidates = who.attach_candidates(reported, responding)
    if not candidates:
        if actor.contact is None and not reported:
            verdict = who.stranger(receiver.config, "not in contacts and no open report")
            return keyed(Outcome.REFUSED, verdict.key, lang, None, verdict.values)
        return Reply(ReplyKey.DOCUMENT_NONE, {}, lang, None, Outcome.NOT_FOUND)
    if len(candidates) > 1:
        return Reply(ReplyKey.DOCUMENT_WHICH, {"ids": [i.id for i in candidates]}, lang,
                     None, Outcome.CHOOSE)
    return _received(receiver, tx, actor, candidates[0], command, words, source)


def _allowed(receiver: Receiver, tx: Tx, actor: Actor, incident: Incident) -> bool:
    return who.may_attach(receiver.config, actor.contact, incident,
                          receiver.updates.reported(tx, incident, actor)).allowed


def _received(receiver: Receiver, tx: Tx, actor: Actor, incident: Incident,
              command: cmd.Attach, words: str, source: str) -> Reply:
    """Keep the documents and the words (an update, forwarded as any text is); the reply
    names the incident and who can see the files."""
    _keep(receiver, tx, actor, incident, command)
    if words.strip():
        receiver.updates.add_update(tx, incident, actor, words, source)
    count = len(command.media)
    if count == 1:
        return Reply(ReplyKey.DOCUMENT_RECEIVED, {"n": incident.id}, actor.language,
                     incident.id, Outcome.ADDED)
    return Reply(ReplyKey.DOCUMENT_RECEIVED_MANY, {"n": incident.id, "count": count},
                 actor.language, incident.id, Outcome.ADDED)


def _keep(receiver: Receiver, tx: Tx, actor: Actor, incident: Incident,
          command: cmd.Attach) -> int:
    """A pending document per media (one per message key and index); a timeline entry
    that says what came and why it is not shown yet. Returns how many are new."""
    now = receiver.clock.now()
    added_by = actor.contact.id if actor.contact else (actor.sender_key or "unknown")
    new = 0
    for index, media in enumerate(command.media):
        doc = tx.add_document(incident.id, f"{command.key}:{index}", media.url,
                              media.content_type, added_by, actor.display, actor.sender_key,
                              actor.language, now)
        new += doc is not None
    if new:
        tx.add_timeline(incident.id, now, "document",
                        f"{new} document(s) received by MMS from {actor.display}: fetching, "
                        "checking and sealing them (shown in the console only)", actor.display)
        tx.also_changed.add(incident.id)
    return new
