"""In the sandbox, a console sign-in code is shown only to its owner (decision 0049;
new-user trial: GET /sandbox/messages showed everyone's codes to anyone signed in, so
anyone could sign in as the Superintendent)."""

from __future__ import annotations

from pathlib import Path

import aiohttp

from alertbot import appkeys
from tests.console import ask_code, console_client, read_code, sign_in, verify
from tests.fakes.twilio_server import FakeTwilio
from tests.scenario.harness import ADMIN, API_TOKEN, SUPERINTENDENT, Harness


async def test_someone_elses_sign_in_code_is_hidden_from_a_signed_in_person(
        fake: FakeTwilio, tmp_path: Path) -> None:
    async with Harness(fake, tmp_path, extra={"sandbox": True}) as h, \
            console_client(h.url) as admin, console_client(h.url) as newcomer:
        sandbox = h.app[appkeys.SANDBOX]
        await sign_in(admin, sandbox, ADMIN)
        mine = await read_code(sandbox, ADMIN)
        assert await ask_code(newcomer, SUPERINTENDENT) == 200
        theirs = await read_code(sandbox, SUPERINTENDENT)  # as the terminal prints it

        async with admin.get("/sandbox/messages") as r:
            assert r.status == 200
            listed = {m["to"]: m["body"] for m in await r.json()}
        assert listed[SUPERINTENDENT].startswith("•••••• is your alertbot sign-in code.")
        assert "shown only to them and in the terminal" in listed[SUPERINTENDENT]
        assert listed[ADMIN] == f"{mine} is your alertbot sign-in code."  # their own
        async with admin.get("/sandbox/messages", headers={"HX-Request": "true"}) as r:
            panel = await r.text()
        assert theirs not in panel and "••••••" in panel and mine in panel

        # The operator's token (printed in that same terminal) sees what the terminal does.
        async with aiohttp.ClientSession() as script, script.get(
                h.url + "/sandbox/messages",
                headers={"Authorization": f"Bearer {API_TOKEN}"}) as r:
            bodies = [m["body"] for m in await r.json()]
        assert f"{theirs} is your alertbot sign-in code." in bodies

        # The README's newcomer still signs in with the code from the terminal.
        assert await verify(newcomer, SUPERINTENDENT, theirs) == 303
        async with newcomer.get("/sandbox/messages") as r:
            own = [m["body"] for m in await r.json() if m["to"] == SUPERINTENDENT]
        assert own == [f"{theirs} is your alertbot sign-in code."]
