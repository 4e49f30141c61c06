"""The sandbox provider: records every message instead of sending it.

``alertbot serve --sandbox`` pages through this, prints each message on the console
and shows it in the console, so anyone can try alertbot without a Twilio account.
"""

from __future__ import annotations

import itertools
import logging
import time
from collections import deque
from dataclasses import dataclass

from alertbot.core.model import Channel
from alertbot.notify.base import OutboundMessage, SendResult

log = logging.getLogger("alertbot.sandbox")


@dataclass(frozen=True)
class SandboxRecord:
    id: str
    at: float
    channel: Channel
    to: str
    body: str
    kind: str
    incident_id: int | None


class SandboxOutbox:
    """What the sandbox 'sent', newest last (bounded)."""

    def __init__(self, keep: int = 500, echo: bool = True) -> None:
        self.records: deque[SandboxRecord] = deque(maxlen=keep)
        self.echo = echo
        self._ids = itertools.count(1)

    def add(self, message: OutboundMessage) -> SandboxRecord:
        prefix = {"sms": "SM", "voice": "CA", "slack": "SL"}[str(message.channel)]
        record = SandboxRecord(f"{prefix}sandbox{next(self._ids):08d}", time.time(),
                               message.channel, message.to, message.body, message.kind,
                               message.incident_id)
        self.records.append(record)
        if self.echo:
            print(f"[sandbox] {message.channel.upper():5} → {message.to}: {message.body}",
                  flush=True)
        return record


class SandboxSender:
    def __init__(self, channel: Channel, outbox: SandboxOutbox) -> None:
        self.channel = channel
        self.outbox = outbox

    async def send(self, message: OutboundMessage) -> SendResult:
        record = self.outbox.add(message)
        return SendResult(record.id, "sandbox")

    async def close(self) -> None:
        return None
