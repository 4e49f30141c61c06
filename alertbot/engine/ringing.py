"""Cancel voice pages still ringing once their incident is acknowledged (issue 13).

An engine module, outside every unit of work: each cycle it claims (one unit of work,
``Tx.claim_ringing_pages``: a conditional update to ``canceling``) the voice pages of
incidents no longer triggered whose call Twilio has not reported answered, asks Twilio
to cancel each (``calls(sid).update(status="canceled")``, which Twilio allows only for
a queued or ringing call), and writes what happened on the timeline. A page is claimed
by one instance once, so it is cancelled at most once; a call answered meanwhile is
left alone (Twilio refuses with 21220), and what it says when it asks for TwiML is
that the incident was acknowledged (twilio/voice_page.py). Decision 0036.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Protocol, runtime_checkable

from alertbot.clock import Clock
from alertbot.core.model import Channel, Config
from alertbot.core.records import OutboxItem
from alertbot.notify.base import ChannelError, Sender
from alertbot.service.events import IncidentEvents
from alertbot.store.sql import Store, Tx

log = logging.getLogger("alertbot.engine")

RINGING_FOR = 300.0  # seconds: a page call older than this has ended (its time limit)


@runtime_checkable
class CancelsCalls(Protocol):
    async def cancel_call(self, call_sid: str) -> None: ...


class RingingPages:
    """The engine module: ``await module()`` cancels what is due; how many."""

    def __init__(self, store: Store, senders: Mapping[Channel, Sender], clock: Clock,
                 config: Callable[[], Config], events: IncidentEvents) -> None:
        self.store = store
        self.senders = senders
        self.clock = clock
        self.config = config
        self.events = events

    async def __call__(self) -> int:
        sender = self.senders.get(Channel.VOICE)
        if not isinstance(sender, CancelsCalls):
            return 0  # the sandbox: nothing rings
        since = self.clock.now() - RINGING_FOR
        items = await self.store.write(lambda tx: tx.claim_ringing_pages(since))
        for item in items:
            assert item.provider_id is not None
            try:
                await sender.cancel_call(item.provider_id)
            except ChannelError as exc:  # answered or ended meanwhile: leave it alone
                log.info("page call %s not cancelled: %s", item.provider_id, exc)
                continue
            await self.store.write(lambda tx, item=item: self._note(tx, item))
            if item.incident_id is not None:
                self.events.publish(item.incident_id)
        return len(items)

    def _note(self, tx: Tx, item: OutboxItem) -> None:
        now = self.clock.now()
        tx.set_provider_status(item.id, "canceled")
        incident = tx.get_incident(item.incident_id or 0)
        contact = self.config().contacts.get(item.contact_id or "")
        name = contact.name if contact else item.contact_id or "?"
        why = (f"#{incident.id} acknowledged by {incident.acknowledged_by_name}"
               if incident is not None and incident.acknowledged_by_name
               else "the incident no longer pages")
        if incident is not None:
            tx.add_timeline(incident.id, now, "call_canceled",
                            f"page call to {name} canceled while it rang: {why}")
