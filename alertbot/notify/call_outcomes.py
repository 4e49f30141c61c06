"""Voice page outcomes on the incident timeline: busy, no answer, voicemail, no key.

Called by ``Engine.provider_status`` inside its transaction. None of these is a
failure of the person's number: the escalation's next round calls again. They are
written down so an after-action report (and the console) shows who was *not*
reached and why; an answered call is never mistaken for an acknowledgement.
"""

from __future__ import annotations

from alertbot.core.incident import State
from alertbot.core.model import Channel, Config
from alertbot.core.records import OutboxItem, OutboxKind
from alertbot.core.redact import mask_phone
from alertbot.store.sql import Tx
from alertbot.text.voice_text import call_note


def note_call_status(tx: Tx, item: OutboxItem, status: str, config: Config,
                     now: float) -> bool:
    """Record what a voice page's ``status`` means; True if the timeline changed.

    Called only when the status moved the message forward (``Tx.set_provider_status``
    returned True): a status Twilio delivers twice, or late, is noted once. ``item`` is
    the outbox row as it was, locked, *before* this status was stored.
    """
    if (item.channel is not Channel.VOICE or item.incident_id is None
            or status == item.provider_status):
        return False
    if item.kind is OutboxKind.BRIDGE:
        return _note_bridge(tx, item, item.incident_id, status, config, now)
    if item.kind is not OutboxKind.PAGE:
        return False
    incident = tx.get_incident(item.incident_id)
    contact = config.contacts.get(item.contact_id or "")
    name = contact.name if contact else mask_phone(item.address)
    unacknowledged = incident is not None and incident.state is State.TRIGGERED
    note = call_note(name, status, item.provider_status, unacknowledged)
    if note is None:
        return False
    tx.add_timeline(item.incident_id, now, "not_reached", note)
    return True


BRIDGE_SAID = {"in-progress": "answered", "answered": "answered", "completed": "ended",
               "busy": "line busy", "no-answer": "no answer", "failed": "call failed",
               "canceled": "call canceled"}


def _note_bridge(tx: Tx, item: OutboxItem, incident_id: int, status: str, config: Config,
                 now: float) -> bool:
    """A team-bridge call (issue 13): answered, ended, or not reached, on the timeline."""
    said = BRIDGE_SAID.get(status)
    if said is None:
        return False
    contact = config.contacts.get(item.contact_id or "")
    name = contact.name if contact else mask_phone(item.address)
    tx.add_timeline(incident_id, now, "call", f"team call to {name}: {said}")
    return True
