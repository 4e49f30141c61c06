"""Play a principal or responder from the terminal that runs ``alertbot serve --sandbox``.

Each line is ``<phone or contact id> <text>``, e.g. ``principal-burns ICE 2 agents``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
from collections.abc import Callable

from aiohttp import web

from alertbot.core.actors import Proof
from alertbot.core.commands import parse_sms
from alertbot.service.receiver import Actor, Receiver
from alertbot.text.web import render_web

log = logging.getLogger("alertbot.sandbox")


async def handle_line(receiver: Receiver, line: str) -> str:
    """Apply one typed line as a text from the contact or number it starts with; the
    reply in plain words ("" for an empty line)."""
    who, _, text = line.strip().partition(" ")
    if not who:
        return ""
    config = receiver.config
    contact = config.contacts.get(who)
    if contact is None:
        from alertbot.config.loader import normalise_phone

        phone = normalise_phone(who)
        if phone is None:
            return f"(who is '{who}'? start the line with a contact id or a phone number)"
        actor = Actor(config.contact_by_phone(phone), phone=phone,
                      proof=Proof.PROVIDER)
    else:
        actor = Actor(contact, phone=contact.phone, proof=Proof.PROVIDER)
    reply = await receiver.handle(actor, parse_sms(config, text), "sandbox")
    return render_web(reply) or "(no reply)"


def attach_console(app: web.Application, receiver: Callable[[], Receiver]) -> None:
    """Read commands from stdin while the app runs (only when stdin is a terminal/pipe);
    ``receiver`` gives the app's receiver once it has started (decision 0046)."""
    if sys.stdin is None or sys.stdin.closed:
        return

    async def start(app: web.Application) -> None:
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[str] = asyncio.Queue()

        def readable() -> None:
            line = sys.stdin.readline()
            if not line:
                loop.remove_reader(sys.stdin.fileno())
                return
            queue.put_nowait(line)

        async def consume() -> None:
            while True:
                line = await queue.get()
                try:
                    reply = await handle_line(receiver(), line)
                except Exception:
                    log.exception("could not handle %r", line)
                    continue
                if reply:
                    print(f"[sandbox] reply: {reply}", flush=True)

        try:
            loop.add_reader(sys.stdin.fileno(), readable)
        except (OSError, ValueError, NotImplementedError):
            return
        app[CONSOLE] = asyncio.create_task(consume())

    async def stop(app: web.Application) -> None:
        task = app.get(CONSOLE)
        if task is not None:
            with contextlib.suppress(OSError, ValueError):
                asyncio.get_running_loop().remove_reader(sys.stdin.fileno())
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    app.on_startup.append(start)
    app.on_cleanup.append(stop)


CONSOLE: web.AppKey[asyncio.Task[None]] = web.AppKey("sandbox_console")
