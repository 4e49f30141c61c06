"""Stage 2, fallback: when a page cannot go by its channel, page the person by the others.

Two moments call for it (both inside the record stage's unit of work):

- the page failed for good (``PermanentFailure``: an invalid number, a landline that
  cannot take texts, an opt-out, or the provider reported it undelivered);
- the channel's provider is failing (its circuit is open): the page is held for the
  probe, and meanwhile the person is paged by other means.

``fallback_pages`` is pure: the person is paged on each other channel they have an
address on and alertbot has a sender for (voice first, then SMS, then Slack), each page
worded for its medium, unless this step already paged them on another channel (a
contact paged by SMS and voice together is still reached by voice when the SMS is
refused; and a step already covered is not covered twice).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence

from alertbot.core.incident import Incident
from alertbot.core.model import Channel, Config
from alertbot.core.records import NewMessage, OutboxItem, OutboxKind
from alertbot.notify.ports import RecordTx
from alertbot.service import notices

ORDER = (Channel.VOICE, Channel.SMS, Channel.SLACK)


def fallback_pages(item: OutboxItem, config: Config, messages: Sequence[OutboxItem],
                   incident: Incident | None, channels: Collection[Channel]) -> list[NewMessage]:
    """Pages that reach ``item``'s person on their other ``channels``; [] for a notice,
    an unknown contact, or when ``messages`` (the incident's outbox rows) show this
    step and round already paged them on another channel. ``incident`` None: the
    fallback pages carry ``item``'s own words."""
    contact = config.contacts.get(item.contact_id or "")
    if contact is None or item.incident_id is None or item.kind is not OutboxKind.PAGE:
        return []
    siblings = [m for m in messages
                if m.kind is OutboxKind.PAGE and m.contact_id == contact.id
                and m.step == item.step and m.round == item.round and m.id != item.id]
    if any(m.channel is not item.channel for m in siblings):
        return []
    out: list[NewMessage] = []
    for channel in ORDER:
        address = contact.address(channel)
        if channel is item.channel or not address or channel not in channels:
            continue
        body = item.body if incident is None else notices.page_body_for(
            channel, incident, item.language, config.timezone,
            notices.incident_title(config, incident, item.language),
            repeat=(item.round or 0) + 1)  # each medium its own words
        out.append(NewMessage(
            OutboxKind.PAGE, channel, address, body, item.language, item.incident_id,
            contact.id, item.step, item.round, f"fallback after {item.channel} failed",
            item.opened_at))
    return out


def page_elsewhere(tx: RecordTx, item: OutboxItem, config: Config,
                   channels: Collection[Channel], now: float,
                   says: Callable[[str], str]) -> list[NewMessage]:
    """Enqueue ``fallback_pages`` for ``item`` and put ``says("voice, slack")`` (the
    channels, comma-separated) on the timeline; the pages enqueued ([] if none)."""
    if item.incident_id is None or item.kind is not OutboxKind.PAGE:
        return []
    pages = fallback_pages(item, config, tx.messages_for(item.incident_id),
                           tx.get_incident(item.incident_id), channels)
    if pages:
        tx.enqueue(pages, now)
        tx.add_timeline(item.incident_id, now, "paged",
                        says(", ".join(str(m.channel) for m in pages)))
    return pages
