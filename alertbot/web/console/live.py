"""``GET /api/events``: server-sent events for the console (issue 11).

Each signed-in page holds one stream. When an incident changes (``IncidentEvents``,
published after the commit), the hub reads it once and offers its number to every
stream whose person may see it (``viewer.may_view``); the page then fetches only that
incident's card (``GET /board/incidents/{id}``). Wire format (text/event-stream)::

    event: incident
    data: 12

A comment line (``: keep-alive``) goes out every ``HEARTBEAT`` seconds so proxies keep
the connection; at each, the session is checked again, and a stream whose session
ended (signed out, revoked, expired) is closed. Each stream's queue holds at most
``QUEUE_MAX`` numbers; a stream that falls further behind gets ``event: resync`` and
the page reloads itself. A stream that disconnects is forgotten at once; on shutdown
every stream is ended so the server does not wait for browsers.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from aiohttp import web

from alertbot.core.incident import Incident
from alertbot.core.model import Contact

if TYPE_CHECKING:
    from alertbot.service.events import IncidentEvents
    from alertbot.service.receiver import Receiver
    from alertbot.store.sql import Store


log = logging.getLogger("alertbot.console.live")

HEARTBEAT = 15.0  # seconds between keep-alive comments
QUEUE_MAX = 64  # incident numbers a stream may have waiting
RESYNC = -1  # queued when a stream's queue overflowed
CLOSE = -2  # queued at shutdown

Visible = Callable[[Contact, Incident], bool]


class Stream:
    """One browser's event stream: whose it is, and the numbers waiting to be sent."""

    def __init__(self, contact_id: str) -> None:
        self.contact_id = contact_id
        self.queue: asyncio.Queue[int] = asyncio.Queue(QUEUE_MAX + 2)
        self.overflowed = False

    def offer(self, number: int) -> None:
        """Queue ``number`` (or, past ``QUEUE_MAX``, one ``RESYNC``); never blocks."""
        if self.overflowed:
            return
        if self.queue.qsize() >= QUEUE_MAX:
            self.overflowed = True
            self.queue.put_nowait(RESYNC)
            return
        self.queue.put_nowait(number)


class LiveHub:
    """The open streams, fed by ``IncidentEvents`` (``on_event`` is its subscriber)."""

    def __init__(self, load: Callable[[int], Awaitable[Incident | None]],
                 contact: Callable[[str], Contact | None], visible: Visible) -> None:
        self._load, self._contact, self._visible = load, contact, visible
        self.streams: set[Stream] = set()

    async def on_event(self, incident_id: int) -> None:
        if not self.streams:
            return
        incident = await self._load(incident_id)
        if incident is None:
            return
        for stream in list(self.streams):
            person = self._contact(stream.contact_id)
            if person is not None and self._visible(person, incident):
                stream.offer(incident_id)

    def close(self) -> None:
        for stream in list(self.streams):
            stream.queue.put_nowait(CLOSE)


LIVE: web.AppKey[LiveHub] = web.AppKey("console_live", LiveHub)


async def events(request: web.Request, hub: LiveHub,
                 still_signed_in: Callable[[web.Request], Awaitable[Contact | None]]
                 ) -> web.StreamResponse:
    """The stream for the person signed in on ``request`` (401 without a session)."""
    person = await still_signed_in(request)
    if person is None:
        raise web.HTTPUnauthorized(text="sign in first", content_type="text/plain")
    stream = Stream(person.id)
    response = web.StreamResponse(headers={
        "Content-Type": "text/event-stream", "Cache-Control": "no-store",
        "X-Accel-Buffering": "no"})
    await response.prepare(request)
    hub.streams.add(stream)
    try:
        await response.write(b"retry: 3000\n: connected\n\n")
        while True:
            try:
                number = await asyncio.wait_for(stream.queue.get(), HEARTBEAT)
            except TimeoutError:
                if await still_signed_in(request) is None:
                    break
                await response.write(b": keep-alive\n\n")
                continue
            if number == CLOSE:
                break
            if number == RESYNC:
                await response.write(b"event: resync\ndata: 0\n\n")
                break
            await response.write(f"event: incident\ndata: {number}\n\n".encode())
    except (ConnectionResetError, ConnectionError):
        pass  # the browser went away
    finally:
        hub.streams.discard(stream)
    with contextlib.suppress(ConnectionError):
        await response.write_eof()
    return response


def mount(app: web.Application, store: Callable[[], Store],
          receiver: Callable[[], Receiver], events: IncidentEvents,
          visible: Visible) -> LiveHub:
    """Create the hub (also kept as ``app[LIVE]``), subscribe it to ``events``, and end
    every stream on shutdown. The store and receiver are getters: they exist once the
    app has started (decision 0046)."""

    async def load(incident_id: int) -> Incident | None:
        return await store().read(lambda tx: tx.get_incident(incident_id))

    def contact(contact_id: str) -> Contact | None:
        return receiver().config.contacts.get(contact_id)

    hub = LiveHub(load, contact, visible)
    app[LIVE] = hub
    events.subscribe(hub.on_event)

    async def shutdown(app: web.Application) -> None:
        hub.close()

    app.on_shutdown.append(shutdown)
    return hub
