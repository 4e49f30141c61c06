"""Signing in to the console from a test, as a person would (issue 11).

    async with console_client(h.url) as client:          # keeps the session cookie
        await sign_in(client, h.fake, PRINCIPAL)         # or app[appkeys.SANDBOX]
        async with client.get("/api/incidents") as r: ...
        csrf = await csrf_token(client)                  # for POSTs: form field or header
        await client.post("/api/incidents/1/acknowledge", headers={"X-CSRF-Token": csrf})

``sign_in`` asks for a code (POST /auth/code), reads it from the SMS the fake Twilio
received (consuming that expectation) or from the sandbox's outbox, and verifies it
(POST /auth/verify); the cookie stays in ``client``'s jar.
"""

from __future__ import annotations

import asyncio
import re

import aiohttp

from alertbot.sandbox.sender import SandboxOutbox
from tests.fakes.twilio_server import FakeTwilio

CODE = re.compile(r"\b(\d{6})\b")


def console_client(base_url: str) -> aiohttp.ClientSession:
    """A client for the console at ``base_url`` whose cookie jar keeps the session
    cookie: cookies from 127.0.0.1 are accepted (``unsafe``) and the Secure cookie is
    sent over plain http there (``treat_as_secure_origin``), as browsers do for a
    local address."""
    jar = aiohttp.CookieJar(unsafe=True, treat_as_secure_origin=base_url)
    return aiohttp.ClientSession(base_url=base_url, cookie_jar=jar)


async def read_code(received: FakeTwilio | SandboxOutbox, phone: str,
                    timeout: float = 5.0) -> str:  # noqa: ASYNC109
    """The latest sign-in code texted to ``phone``."""
    if isinstance(received, FakeTwilio):
        record = await received.expect_sms(phone, contains="alertbot sign-in",
                                           timeout=timeout)
        found = CODE.search(record.body or "")
        assert found, record.body
        return found.group(1)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        for sent in reversed(received.records):
            if sent.to == phone and "alertbot sign-in" in sent.body:
                found = CODE.search(sent.body)
                assert found, sent.body
                return found.group(1)
        await asyncio.sleep(0.02)
    raise AssertionError(f"no sign-in code was sent to {phone}")


async def ask_code(client: aiohttp.ClientSession, phone: str) -> int:
    """POST /auth/code; the status."""
    async with client.post("/auth/code", data={"phone": phone}) as r:
        await r.read()
        return r.status


async def verify(client: aiohttp.ClientSession, phone: str, code: str) -> int:
    """POST /auth/verify (no redirect followed); the status (303 on success)."""
    async with client.post("/auth/verify", data={"phone": phone, "code": code},
                           allow_redirects=False) as r:
        await r.read()
        return r.status


async def sign_in(client: aiohttp.ClientSession, received: FakeTwilio | SandboxOutbox,
                  phone: str) -> None:
    """Sign ``phone``'s contact in on ``client`` (see the module docstring)."""
    assert await ask_code(client, phone) == 200
    code = await read_code(received, phone)
    status = await verify(client, phone, code)
    assert status == 303, f"verify answered {status}"


async def csrf_token(client: aiohttp.ClientSession) -> str:
    """The signed-in session's CSRF token (GET /api/sessions)."""
    async with client.get("/api/sessions") as r:
        assert r.status == 200, f"not signed in ({r.status})"
        token: str = (await r.json())["csrf_token"]
    return token
