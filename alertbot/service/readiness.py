"""Readiness, the I/O side: gather what alertbot knows about each address, then assess.

The rules are pure (core/readiness.py); this adapter reads the store (opt-outs, AWAYs,
cached line types), asks Twilio Lookup for line types not checked within
``LINE_TYPE_TTL`` (and saves the answers), and asks Slack ``users.info`` about each
member id. A provider that does not answer leaves the channel "unchecked", never an
error: readiness is advice, and ``alertbot readiness`` must still print.

Used by ``alertbot readiness``, ``GET /api/readiness`` and the weekly digest
(engine/digest.py).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from alertbot.core.model import Channel, Config, Contact
from alertbot.core.readiness import Facts, Readiness, Slack, assess, on_paths
from alertbot.settings import Settings
from alertbot.store.sql import Store, Tx

log = logging.getLogger("alertbot.readiness")

# Line types change rarely (a number ported to a landline); Lookup bills each request.
# 30 days: a weekly digest asks Twilio about each number about once a month (decision 0039).
LINE_TYPE_TTL = 30 * 86400.0


class LineTypes(Protocol):
    async def line_type(self, phone: str, /) -> str | None:
        """The line type of ``phone``; raises on no answer (then it stays unchecked)."""
        ...


class SlackAccounts(Protocol):
    async def account(self, member: str, /) -> Slack:
        """The state of ``member``'s account; raises on no answer (stays unchecked)."""
        ...


@dataclass
class Sources:
    """Who can be asked: Twilio Lookup and Slack (None: not configured), and the
    channels alertbot has a sender for. ``close`` releases the HTTP clients."""

    lookup: LineTypes | None = None
    slack: SlackAccounts | None = None
    channels: frozenset[Channel] = frozenset(Channel)
    _closers: list[object] = field(default_factory=list)

    async def close(self) -> None:
        for closer in self._closers:
            close = getattr(closer, "close", None)
            if close is not None:
                await close()


def sources_from(settings: Settings) -> Sources:
    """The sources ``settings`` configure (call inside the running loop: the SDKs'
    HTTP clients need it). The sandbox asks nobody and can "send" on every channel."""
    if settings.sandbox:
        return Sources()
    channels: set[Channel] = set()
    out = Sources()
    if settings.twilio_configured:
        from alertbot.twilio.lookup import TwilioLookup
        from alertbot.twilio.sms_sender import make_twilio_client

        assert settings.twilio_account_sid and settings.twilio_auth_token
        client, http = make_twilio_client(settings.twilio_account_sid,
                                          settings.twilio_auth_token.value,
                                          settings.twilio_api_url)
        out.lookup = TwilioLookup(client)
        out._closers.append(http)
        channels |= {Channel.SMS, Channel.VOICE}
    if settings.slack_bot_token:
        from alertbot.slack.sender import make_slack_client
        from alertbot.slack.users import SlackUsers

        out.slack = SlackUsers(make_slack_client(settings.slack_bot_token.value,
                                                 settings.slack_api_url))
        channels.add(Channel.SLACK)
    out.channels = frozenset(channels)
    return out


async def gather(store: Store, config: Config, sources: Sources, now: float) -> Facts:
    """Everything ``assess`` needs about the contacts on escalation paths, at ``now``."""
    people = on_paths(config)

    def read(tx: Tx) -> Facts:
        return Facts(opt_outs=tx.opt_outs(), away=tx.away_now(now),
                     line_types=tx.cached_line_types(now - LINE_TYPE_TTL))

    known = await store.read(read)
    line_types = dict(known.line_types)
    if sources.lookup is not None:
        fresh = await _look_up(sources.lookup, _phones(people, line_types))
        if fresh:
            def save(tx: Tx) -> None:
                for phone, kind in fresh.items():
                    tx.save_line_type(phone, kind, now)

            await store.write(save)
        line_types.update(fresh)
    slack: dict[str, Slack] = {}
    if sources.slack is not None:
        for member in dict.fromkeys(c.slack for c in people if c.slack):
            try:
                slack[member] = await sources.slack.account(member)
            except Exception as exc:  # noqa: BLE001 - unchecked, never a crash
                log.warning("Slack users.info for %s did not answer: %s", member, exc)
    return Facts(opt_outs=known.opt_outs, line_types=line_types, slack=slack,
                 away=known.away, channels=sources.channels)


def _phones(people: Iterable[Contact], cached: dict[str, str | None]) -> list[str]:
    return list(dict.fromkeys(c.phone for c in people if c.phone and c.phone not in cached))


LOOKUPS_AT_ONCE = 4  # concurrent Lookup requests (a first check of a large district)


async def _look_up(lookup: LineTypes, phones: list[str]) -> dict[str, str | None]:
    found: dict[str, str | None] = {}
    gate = asyncio.Semaphore(LOOKUPS_AT_ONCE)

    async def one(phone: str) -> None:
        async with gate:
            try:
                found[phone] = await lookup.line_type(phone)
            except Exception as exc:  # noqa: BLE001 - unchecked, asked again next time
                log.warning("Twilio Lookup for %s•••%s did not answer: %s", phone[:5],
                            phone[-4:], exc)

    await asyncio.gather(*(one(p) for p in phones))
    return found


async def readiness(store: Store, config: Config, sources: Sources, now: float) -> Readiness:
    """``assess`` over freshly gathered facts."""
    return assess(config, await gather(store, config, sources, now))
