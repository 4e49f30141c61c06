"""Run ``python -m alertbot serve`` with timestamps at the trigger path's stages.

    python -m bench.stage_shim OUT.json -- <python> -m alertbot serve

Used by ``bench/stages.py`` as the service's command prefix (as ``bench/profile.py``
puts py-spy there): before the service starts, a few functions on the path of one
inbound text are wrapped so that each call appends ``(stage, time.time(), thread)``
to a list, written to ``OUT.json`` when the process exits. Measurement only: nothing
in alertbot is changed, and a wrapper costs ~1 µs.
"""

from __future__ import annotations

import atexit
import functools
import json
import runpy
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

EVENTS: list[tuple[str, float, str]] = []


def mark(name: str) -> None:
    EVENTS.append((name, time.time(), threading.current_thread().name))


def around_async(owner: Any, attr: str, name: str) -> None:
    inner = getattr(owner, attr)

    @functools.wraps(inner)
    async def wrapper(*args: Any, **kwargs: Any) -> Any:
        mark(name + " >")
        try:
            return await inner(*args, **kwargs)
        finally:
            mark(name + " <")

    setattr(owner, attr, wrapper)


def around(owner: Any, attr: str, name: str) -> None:
    inner: Callable[..., Any] = getattr(owner, attr)

    @functools.wraps(inner)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        mark(name + " >")
        try:
            return inner(*args, **kwargs)
        finally:
            mark(name + " <")

    setattr(owner, attr, wrapper)


def install() -> None:
    from aiohttp import web_app

    from alertbot.engine import dispatch, loop
    from alertbot.notify import pipeline
    from alertbot.service import receiver
    from alertbot.store import sql
    from alertbot.twilio import sms_sender, sms_webhook

    around_async(web_app.Application, "_handle", "http handler")
    around_async(sms_webhook, "twilio_form", "read form + signature")
    around_async(receiver.Receiver, "handle", "receiver.handle")
    around(receiver.Receiver, "apply", "receiver.apply (db thread)")
    around_async(sql.Store, "write", "store.write (loop)")
    around(sql, "_sqlite_write", "unit+commit (db thread)")
    around(sms_webhook, "twiml_message", "twiml reply")
    around(loop.Engine, "nudge", "nudge")
    around_async(loop.Engine, "cycle", "engine cycle")
    around_async(loop.Engine, "escalate", "engine escalate")
    around_async(loop.Engine, "_sleep", "engine sleep")
    around_async(dispatch.Dispatcher, "__call__", "dispatch")
    around_async(pipeline.Pipeline, "claim", "claim")
    around_async(pipeline.Pipeline, "deliver", "deliver")
    around_async(pipeline, "send", "send stage")
    around_async(sms_sender._RoutedHttpClient, "request", "twilio http request")
    from aiohttp import client_reqrep

    around_async(client_reqrep.ClientRequest, "send", "aiohttp client send")
    for name, module in (("drills", "drills"), ("ringing", "ringing"),
                         ("housekeeping", "housekeeping")):
        around_async(loop.Engine, name, "engine " + module) if hasattr(
            loop.Engine, name) and name == "housekeeping" else None
    for name in ("lease_first_pages", "deliver_leased"):  # later code, if present
        if hasattr(dispatch.Dispatcher, name):
            around_async(dispatch.Dispatcher, name, name)


def profile_apply(out: str) -> None:
    """With ``BENCH_PROFILE_APPLY=FILE``: cProfile every ``Receiver.apply`` (the opening
    unit's work on the database thread) and write the pstats to FILE at exit."""
    import cProfile

    from alertbot.service import receiver

    prof = cProfile.Profile()
    inner = receiver.Receiver.apply

    @functools.wraps(inner)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        prof.enable()
        try:
            return inner(*args, **kwargs)
        finally:
            prof.disable()

    receiver.Receiver.apply = wrapper  # type: ignore[method-assign]
    atexit.register(lambda: prof.dump_stats(out))


def main() -> None:
    out = sys.argv[1]
    rest = sys.argv[sys.argv.index("--") + 1:]
    module = rest[rest.index("-m") + 1]
    sys.argv = [module, *rest[rest.index("-m") + 2:]]
    import os

    if os.environ.get("BENCH_PROFILE_APPLY"):
        profile_apply(os.environ["BENCH_PROFILE_APPLY"])
    install()
    atexit.register(lambda: Path(out).write_text(json.dumps(EVENTS)))
    runpy.run_module(module, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
