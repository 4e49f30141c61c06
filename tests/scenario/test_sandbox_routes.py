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
