"""The guarded listener in process: at its connection bound, idle clients make room for
a signed Twilio webhook and /healthz (issue 9, kind 12; the real process under a low
fd limit is tests/test_serving.py)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import aiohttp

from alertbot.app import build_app
from alertbot.web import serving
from tests.fakes.twilio_server import FakeTwilio
from tests.scenario.harness import ATTORNEY, PRINCIPAL, SUPERINTENDENT, Harness


async def test_idle_clients_at_the_bound_make_room_for_webhooks(fake: FakeTwilio,
                                                                 tmp_path: Path) -> None:
    h = Harness(fake, tmp_path, extra={"host": "127.0.0.1", "port": 0, "max_connections": 8})
    h.app = build_app(h.settings, h.config, clock=h.clock)
    h.runner, site = await serving.start(h.app, h.settings, fd_limit=1024)
    h.url = f"http://127.0.0.1:{site.port}"
    h.session = aiohttp.ClientSession()
    writers: list[asyncio.StreamWriter] = []
    try:
        for _ in range(200):  # until the engine loop has completed its first cycle
            if h.engine.last_cycle is not None:
                break
            await asyncio.sleep(0.01)
        for _ in range(40):  # five times the bound, none of them sending a byte
            _, writer = await asyncio.wait_for(
                asyncio.open_connection("127.0.0.1", site.port), 2)
            writers.append(writer)
        await asyncio.sleep(0.1)
        assert len(site.connections.live) <= 8
        reply = await asyncio.wait_for(h.text(PRINCIPAL, "ICE burns"), 5)
        assert "#1" in reply
        await fake.expect_sms(SUPERINTENDENT, contains="ACK 1")
        await fake.expect_sms(ATTORNEY, contains="ACK 1")
        async with h.session.get(h.url + "/healthz",
                                 timeout=aiohttp.ClientTimeout(total=5)) as r:
            assert r.status == 200
        assert len(site.connections.live) <= 8
    finally:
        for writer in writers:
            writer.close()
        await h.close()
