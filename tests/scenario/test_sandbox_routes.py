"""The sandbox's form route answers bad input with a clear 400, never a 500 (new-user
trial: malformed JSON and a JSON list gave tracebacks)."""

from __future__ import annotations

from pathlib import Path

import aiohttp
import pytest

from tests.fakes.twilio_server import FakeTwilio
from tests.scenario.harness import API_TOKEN, Harness


@pytest.mark.parametrize(("body", "says"), [
    ('{"from":"+18605550142","body":', "not JSON"),
    ("[1, 2]", '{"from": phone, "body": text}'),
    ('{"body": "ICE"}', "'from' (a phone number) is required"),
])
async def test_bad_sandbox_input_is_a_400_that_says_why(fake: FakeTwilio, tmp_path: Path,
                                                        body: str, says: str) -> None:
    async with Harness(fake, tmp_path, extra={"sandbox": True}) as h:
        async with aiohttp.ClientSession() as session, session.post(
                h.url + "/sandbox/sms", data=body,
                headers={"Authorization": f"Bearer {API_TOKEN}",
                         "Content-Type": "application/json"}) as r:
            assert r.status == 400
            assert says in await r.text()
        assert await h.incidents() == []


async def test_the_sandbox_form_needs_a_signed_in_person_and_their_csrf_token(
        fake: FakeTwilio, tmp_path: Path) -> None:
    from alertbot import appkeys
    from tests.console import console_client, csrf_token, sign_in

    text = {"from": "+18605550142", "body": "ICE 2 agents at front desk"}
    async with Harness(fake, tmp_path, extra={"sandbox": True}) as h, \
            console_client(h.url) as client:
        async with client.post("/sandbox/sms", json=text) as r:
            assert r.status == 401
        await sign_in(client, h.app[appkeys.SANDBOX], "+18605550105")  # the code it printed
        async with client.post("/sandbox/sms", json=text) as r:
            assert r.status == 403  # no CSRF token
        async with client.post("/sandbox/sms", json=text,
                               headers={"X-CSRF-Token": await csrf_token(client)}) as r:
            assert r.status == 200 and "#1 opened" in (await r.json())["reply"]
        async with client.get("/sandbox/messages") as r:
            assert r.status == 200
