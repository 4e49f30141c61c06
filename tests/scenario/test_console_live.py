"""``GET /api/events`` with an aiohttp client against the running service: a signed-in
person's stream carries the incidents they may see, and nothing of another school's."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest

from alertbot.web.console import live
from tests.console import console_client, csrf_token, sign_in
from tests.scenario.harness import ATTORNEY, PRINCIPAL, PRINCIPAL_ES, SUPERINTENDENT, Harness


async def next_event(stream: aiohttp.ClientResponse, within: float = 3.0) -> tuple[str, str]:
    """The next event's (name, data) on ``stream``, skipping comments."""
    name = data = ""
    async with asyncio.timeout(within):
        while True:
            line = (await stream.content.readline()).decode().rstrip("\n")
            if line.startswith("event: "):
                name = line[7:]
            elif line.startswith("data: "):
                data = line[6:]
            elif line == "" and name:
                return name, data


async def test_a_new_incident_arrives_on_the_stream(h: Harness) -> None:
    async with console_client(h.url) as client:
        await sign_in(client, h.fake, SUPERINTENDENT)
        async with client.get("/api/events") as stream:
            assert stream.status == 200
            assert stream.headers["Content-Type"] == "text/event-stream"
            await h.text(PRINCIPAL, "ICE 2 agents at front desk")
            assert await next_event(stream) == ("incident", "1")
            await h.received("ALERT #1", SUPERINTENDENT, ATTORNEY)


async def test_another_schools_incident_never_reaches_a_principal(h: Harness) -> None:
    async with console_client(h.url) as client:
        await sign_in(client, h.fake, PRINCIPAL_ES)  # Oak's principal
        async with client.get("/api/events") as stream:
            await h.text(PRINCIPAL, "ICE 2 agents at front desk")  # Burns: #1
            await h.received("ALERT #1", SUPERINTENDENT, ATTORNEY)
            await h.text(PRINCIPAL_ES, "ICE dos agentes")  # Oak: #2
            await h.received("ALERT #2", SUPERINTENDENT, ATTORNEY)
            assert await next_event(stream) == ("incident", "2")  # #1 was never sent


async def test_a_closed_stream_is_forgotten(h: Harness) -> None:
    hub = h.app[live.LIVE]
    async with console_client(h.url) as client:
        await sign_in(client, h.fake, SUPERINTENDENT)
        async with client.get("/api/events") as stream:
            await stream.content.readline()
            assert len(hub.streams) == 1
    await h.text(PRINCIPAL, "ICE 2 agents at front desk")  # the write notices the close
    await h.received("ALERT #1", SUPERINTENDENT, ATTORNEY)
    for _ in range(100):
        if not hub.streams:
            break
        await asyncio.sleep(0.02)
    assert not hub.streams


async def test_heartbeats_keep_the_stream_and_a_signed_out_session_ends_it(
        h: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(live, "HEARTBEAT", 0.1)
    async with console_client(h.url) as client:
        await sign_in(client, h.fake, SUPERINTENDENT)
        token = await csrf_token(client)
        async with client.get("/api/events") as stream:
            async with asyncio.timeout(3):
                while (await stream.content.readline()) != b": keep-alive\n":
                    pass
            async with client.post("/auth/logout", data={"csrf_token": token},
                                   allow_redirects=False) as r:
                assert r.status == 303
            async with asyncio.timeout(3):
                while await stream.content.readline():
                    pass  # the server ends the stream at the next heartbeat
    assert not h.app[live.LIVE].streams
