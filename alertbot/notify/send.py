"""Stage 5, send: hand one message to its channel's sender; the outcome as data.

The sender may raise ``TemporaryFailure`` (5xx, 429, refused connection: try again) or
``PermanentFailure`` (invalid number, opted out: next channel now, tell an admin); those
are the only vendor outcomes the pipeline knows (notify/base.py maps vendor errors at
the adapter). Here they become values: ``Sent``, ``Temporary`` or ``Permanent``, so the
stages after (breaker, record) are plain functions of them.

A send that takes longer than its ``within`` seconds is a temporary failure ("timed out").
Any other exception is a bug, logged with its traceback, and retried like a temporary
failure that says nothing about the provider (``provider_fault=False``: the breaker is
not told). ``asyncio.CancelledError`` propagates: the message keeps its lease and is sent
again when the lease runs out (at least once, decision 0008).

``backoff`` is the retry delay: capped exponential with jitter, Retry-After honoured.
"""

from __future__ import annotations

import asyncio
import logging
import random
from dataclasses import dataclass

from alertbot.core.records import CONSOLE_PAGE_REASON, OutboxItem
from alertbot.notify.base import (
    OutboundMessage,
    PermanentFailure,
    Sender,
    TemporaryFailure,
)

log = logging.getLogger("alertbot.engine")

MAX_BACKOFF = 60.0  # seconds


@dataclass(frozen=True)
class Sent:
    """The provider accepted the message (``provider_id``: Twilio SID, Slack ts…)."""

    provider_id: str | None


@dataclass(frozen=True)
class Temporary:
    """Try again later: after ``retry_after`` seconds if the provider said so (429
    Retry-After), else on the message's own backoff."""

    error: str
    retry_after: float | None = None
    provider_fault: bool = True  # False: our bug, not the provider's; the breaker is not told


@dataclass(frozen=True)
class Permanent:
    """The provider refused the message for good (``code``: its error code, if any)."""

    error: str
    code: str | None = None

    @property
    def why(self) -> str:
        """``refused (code 21610)``: what the timeline and the outbox row say."""
        return f"{self.error} (code {self.code})" if self.code else self.error


Outcome = Sent | Temporary | Permanent


def outbound(item: OutboxItem) -> OutboundMessage:
    """The channel's view of an outbox row."""
    return OutboundMessage(item.id, item.channel, item.address, item.body, item.language,
                           item.incident_id, str(item.kind), item.attempts, item.created_at,
                           again=not item.reason.startswith(CONSOLE_PAGE_REASON))


async def send(sender: Sender | None, item: OutboxItem, within: float) -> Outcome:
    """Send ``item`` by ``sender`` (None: its channel is not configured, a permanent
    failure), waiting at most ``within`` seconds."""
    if sender is None:
        return Permanent(f"channel {item.channel} is not configured")
    try:
        # asyncio.timeout, not wait_for: on Python 3.11 wait_for runs the send in a task
        # of its own, one more turn of the loop before the request is built (0048).
        async with asyncio.timeout(within):
            result = await sender.send(outbound(item))
    except PermanentFailure as exc:
        return Permanent(str(exc), exc.code)
    except TemporaryFailure as exc:
        return Temporary(str(exc), exc.retry_after)
    except TimeoutError:
        return Temporary("timed out")
    except Exception as exc:  # a bug must not lose the page: it is retried
        log.exception("send of outbox %d failed unexpectedly", item.id)
        return Temporary(f"unexpected error: {type(exc).__name__}", provider_fault=False)
    return Sent(result.provider_id)


def backoff(attempts: int, retry_after: float | None, rng: random.Random) -> float:
    """Seconds to wait after try number ``attempts`` failed: 1, 2, 4… (×0.8–1.2
    jitter), at most ``MAX_BACKOFF`` before jitter; a provider's Retry-After (seconds)
    wins if it is longer."""
    base = min(MAX_BACKOFF, 2.0 ** max(0, attempts - 1))
    delay = base * rng.uniform(0.8, 1.2)
    return max(delay, retry_after or 0.0)
