"""Incident change notifications, published after the transaction that made them commits.

Subscribers (the Slack incident post, the console…) are called as separate tasks:
a slow or failing subscriber never delays or breaks paging.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger("alertbot.events")

Subscriber = Callable[[int], Awaitable[None]]


class IncidentEvents:
    def __init__(self) -> None:
        self._subscribers: list[Subscriber] = []
        self._tasks: set[asyncio.Task[None]] = set()

    def subscribe(self, subscriber: Subscriber) -> None:
        self._subscribers.append(subscriber)

    def publish(self, incident_id: int | None) -> None:
        if incident_id is None:
            return
        for subscriber in self._subscribers:
            task = asyncio.create_task(self._run(subscriber, incident_id))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _run(self, subscriber: Subscriber, incident_id: int) -> None:
        try:
            await subscriber(incident_id)
        except Exception:
            log.exception("incident %d: subscriber %r failed", incident_id, subscriber)

    async def drain(self, within: float = 5.0) -> None:
        """Wait for subscribers still running (tests, shutdown)."""
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=within)
