"""The fake Twilio (tests/fakes/twilio_server.py) in a process of its own, for benchmarks.

    python -m bench.fake_twilio --port 0 [--delay 0.05]

Prints ``READY <url>`` on stdout once it listens. Besides Twilio's REST routes it
answers a few control routes the load generator uses (127.0.0.1 only):

* ``GET  /_bench/records?since=N`` — compact records from index N: ``kind``, ``to``,
  ``n`` (the incident number parsed from the SMS body or the call's TwiML), ``t``
  (``time.time()`` when the request arrived), ``status`` (HTTP status answered).
* ``GET  /_bench/wait?count=N&timeout=S`` — returns once N requests were answered.
* ``POST /_bench/delay?seconds=S`` — answer every request S seconds late.
* ``POST /_bench/clear`` — forget every record.

A process of its own keeps the fake's event loop off the load generator's CPU time;
both stamp times with ``time.time()`` on the same machine.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import signal
import sys
from typing import Any

from aiohttp import web

from tests.fakes.twilio_server import FakeTwilio, Record

_SMS_N = re.compile(r"#(\d+)")
_CALL_N = re.compile(r"[?&;]n=(\d+)")


def incident_number(rec: Record) -> int | None:
    if rec.kind == "sms":
        match = _SMS_N.search(rec.body or "")
    else:
        match = _CALL_N.search(rec.twiml or rec.url or "")
    return int(match.group(1)) if match else None


class Recorder:
    """Compact, answered records and waiters on their count."""

    def __init__(self, fake: FakeTwilio) -> None:
        self.fake = fake
        self.records: list[dict[str, Any]] = []
        self._changed = asyncio.Event()
        fake.on_record = self.add
        app = fake.app
        app.router.add_get("/_bench/records", self.get_records)
        app.router.add_get("/_bench/wait", self.wait)
        app.router.add_post("/_bench/delay", self.set_delay)
        app.router.add_post("/_bench/clear", self.clear)

    def add(self, rec: Record) -> None:
        self.records.append({"kind": rec.kind, "to": rec.to, "n": incident_number(rec),
                             "t": rec.arrived_wall, "status": rec.answer_status})
        self.fake.requests.clear()  # the benchmark keeps only its compact copy
        self._changed.set()

    async def get_records(self, request: web.Request) -> web.Response:
        since = int(request.query.get("since", "0"))
        return web.json_response(self.records[since:])

    async def wait(self, request: web.Request) -> web.Response:
        count = int(request.query["count"])
        loop = asyncio.get_running_loop()
        deadline = loop.time() + float(request.query.get("timeout", "5"))
        while len(self.records) < count:
            remaining = deadline - loop.time()
            if remaining <= 0:
                break
            self._changed.clear()
            try:
                await asyncio.wait_for(self._changed.wait(), remaining)
            except TimeoutError:
                break
        return web.json_response({"count": len(self.records)})

    async def set_delay(self, request: web.Request) -> web.Response:
        self.fake.delay = float(request.query["seconds"])
        return web.json_response({"delay": self.fake.delay})

    async def clear(self, request: web.Request) -> web.Response:
        self.records.clear()
        self.fake.clear()
        return web.json_response({"count": 0})


async def _main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--delay", type=float, default=0.0)
    args = parser.parse_args(argv)
    fake = FakeTwilio(port=args.port)
    fake.delay = args.delay
    Recorder(fake)
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        asyncio.get_running_loop().add_signal_handler(sig, stop.set)
    async with fake:
        print(f"READY {fake.url}", flush=True)
        await stop.wait()


if __name__ == "__main__":
    asyncio.run(_main(sys.argv[1:]))
