"""The console's own routes over HTTP against the running service and the fake Twilio:
page now and text the reporter (bearer token acting for a contact), static files,
headers, and the live stream's refusal without a session."""

from __future__ import annotations

import json

from alertbot.web.console.routes import CSP
from tests.scenario.harness import (
    API_TOKEN,
    ATTORNEY,
    DEPUTY,
    PRINCIPAL,
    SUPERINTENDENT,
    Harness,
)

BEARER = {"Authorization": f"Bearer {API_TOKEN}"}


async def opened(h: Harness) -> int:
    await h.text(PRINCIPAL, "ICE 2 agents at front desk")
    await h.received("ALERT #1", SUPERINTENDENT, ATTORNEY)
    return 1


async def post(h: Harness, path: str, data: dict[str, str],
               headers: dict[str, str] | None = None) -> tuple[int, str]:
    assert h.session is not None
    async with h.session.post(h.url + path, data=data,
                               headers=BEARER if headers is None else headers) as r:
        return r.status, await r.text()


async def test_page_now_from_a_script_pages_the_deputy_at_once(h: Harness) -> None:
    number = await opened(h)
    status, body = await post(h, f"/api/incidents/{number}/page",
                              {"contact": "superintendent", "target": "deputy"})
    assert (status, json.loads(body)) == (200, {
        "outcome": "paged", "key": "console_paged", "reply": "#1: paged Morgan Lee now.",
        "incident": 1})
    await h.settle()
    await h.received("ALERT #1", DEPUTY)  # not after the 3-minute wait of step 1
    await h.received("ALERT number 1", DEPUTY, kind="call")  # on each of the deputy's channels
    timeline = (await h.incident(number))["timeline"]
    assert any(e["text"].startswith("paged from the console by Dr. Jordan Rivera")
               for e in timeline)


async def test_the_reporter_gets_the_designees_text_from_the_district_number(
        h: Harness) -> None:
    number = await opened(h)
    status, _ = await post(h, f"/api/incidents/{number}/message",
                           {"contact": "attorney", "text": "Stay in the office; I am 10 min away."})
    assert status == 200
    await h.settle()
    got = await h.fake.expect_sms(PRINCIPAL, contains="10 min away")
    assert got.body == "Stay in the office; I am 10 min away."


async def test_console_actions_refuse_bad_input_and_strangers(h: Harness) -> None:
    number = await opened(h)
    path = f"/api/incidents/{number}"
    assert (await post(h, path + "/page", {"contact": "nobody", "target": "deputy"}))[0] == 400
    assert (await post(h, path + "/page", {"contact": "admin", "target": ""}))[0] == 400
    assert (await post(h, path + "/message", {"contact": "admin", "text": "x" * 1601}))[0] == 400
    assert (await post(h, path + "/message", {"contact": "principal-burns", "text": "hi"}))[
        0] == 403  # Burns' principal sees #1 but is not on its team
    assert (await post(h, path + "/message", {"contact": "principal-oak", "text": "hi"}))[
        0] == 404  # Oak's principal may not see it: as if it did not exist
    assert (await post(h, path + "/page", {"contact": "admin", "target": "deputy"},
                       headers={"Authorization": "Bearer wrong"}))[0] == 401
    assert (await post(h, path + "/page", {"target": "deputy"}, headers={}))[0] == 401
    assert (await post(h, "/api/incidents/99/page", {"contact": "admin",
                                                     "target": "deputy"}))[0] == 404


async def test_static_files_and_strict_headers_on_every_answer(h: Harness) -> None:
    assert h.session is not None
    for path, kind in (("/static/htmx.min.js", "javascript"), ("/static/console.css", "css"),
                       ("/static/beep.wav", "audio"), ("/", "")):
        async with h.session.get(h.url + path) as r:
            assert kind in r.headers.get("Content-Type", ""), path
            assert r.headers["Content-Security-Policy"] == CSP
            assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert "script-src 'self';" in CSP and "unsafe" not in CSP


async def test_the_console_needs_a_session(h: Harness) -> None:
    await opened(h)
    assert h.session is not None
    async with h.session.get(h.url + "/api/events") as r:
        assert r.status == 401
    async with h.session.get(h.url + "/board/incidents/1") as r:
        assert r.status == 401
    async with h.session.get(h.url + "/incidents/1", allow_redirects=False) as r:
        assert (r.status, r.headers["Location"]) == (303, "/?next=/incidents/1")
        assert "2 agents" not in await r.text()
    async with h.session.get(h.url + "/") as r:  # the sign-in page, not the board
        page = await r.text()
    assert 'action="/auth/code"' in page and "Burns" not in page
