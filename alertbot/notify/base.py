"""The channel seam: one method, ``send``, and two failures the engine understands.

Exception tree (vendor exceptions are translated at the adapter boundary)::

    ChannelError
    ├── TemporaryFailure   may pass: 5xx, 429, timeouts, refused connections → retry
    └── PermanentFailure   will not pass: invalid number, opted out, landline → other
                           channels now, and an admin is told
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from alertbot.core.model import Channel


@dataclass(frozen=True)
class OutboundMessage:
    outbox_id: int
    channel: Channel
    to: str  # E.164 phone number or Slack member id
    body: str  # the text; voice channels speak it
    language: str = "en"
    incident_id: int | None = None
    kind: str = "page"  # page | notice
    # Earlier tries of this outbox row (0: the first). A try may have reached the provider
    # and then timed out or crashed before its result was recorded: a sender that can ask
    # the provider what it placed (twilio/placed.py, for calls) checks before placing.
    tries_before: int = 0
    queued_at: float = 0.0  # seconds since the epoch when the row was queued
    # An unanswered page is paged again by the escalation (False: the console's page,
    # twilio/voice_sender.repeats_unanswered): a voice page's goodbye says which.
    again: bool = True


@dataclass(frozen=True)
class SendResult:
    provider_id: str | None  # Twilio SID, Slack ts…
    detail: str = ""


class ChannelError(Exception):
    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.code = code


class TemporaryFailure(ChannelError):
    def __init__(self, message: str, code: str | None = None,
                 retry_after: float | None = None) -> None:
        super().__init__(message, code)
        self.retry_after = retry_after


class PermanentFailure(ChannelError):
    pass


class Sender(Protocol):
    """Sends one message on one channel."""

    channel: Channel

    async def send(self, message: OutboundMessage) -> SendResult: ...

    async def close(self) -> None: ...
