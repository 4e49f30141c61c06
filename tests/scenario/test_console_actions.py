"""Acting from the console (issue 11): acknowledge, resolve and notes go through the
receiver as the SMS commands do; sessions need the CSRF token, scripts the bearer token
and a contact; whoever may not see an incident is told it does not exist. NOTE by text."""

from __future__ import annotations

from typing import Any

from tests.console import console_client, csrf_token, sign_in
from tests.scenario.harness import (
    API_TOKEN,
    ATTORNEY,
    DEPUTY,
    PRINCIPAL,
    PRINCIPAL_ES,
    SUPERINTENDENT,
    TEACHER,
    Harness,
)

BEARER = {"Authorization": f"Bearer {API_TOKEN}"}


async def open_incident(h: Harness) -> None:
    await h.text(PRINCIPAL, "ICE 2 agents at front desk")
    await h.received("ALERT #1", SUPERINTENDENT, ATTORNEY)


async def audit_actions(h: Harness) -> list[tuple[Any, ...]]:
    assert h.session is not None
    async with h.session.get(h.url + "/api/audit", headers=BEARER) as r:
        rows = await r.json()
    return [(r["contact"], r["via"], r["action"], r["incident"], r["outcome"]) for r in rows
            if r["action"] in ("acknowledge", "resolve", "note")]


async def test_acknowledging_from_the_console_stops_paging_like_the_sms(h: Harness) -> None:
    await open_incident(h)
    async with console_client(h.url) as client:
        async with client.post("/api/incidents/1/acknowledge") as r:
            assert r.status == 401  # not signed in
        await sign_in(client, h.fake, SUPERINTENDENT)
        async with client.post("/api/incidents/1/acknowledge") as r:
            assert r.status == 403  # no CSRF token: nothing happens
        async with client.post("/api/incidents/1/acknowledge",
                               headers={"Origin": "https://evil.example",
                                        "X-CSRF-Token": await csrf_token(client)}) as r:
            assert r.status == 403  # another site, even holding the token
        assert (await h.incidents())[0]["state"] == "triggered"
        token = await csrf_token(client)
        async with client.post("/api/incidents/1/acknowledge",
                               data={"csrf_token": token}) as r:
            assert r.status == 200
            answer = await r.json()
        assert answer == {"outcome": "acknowledged", "key": "ack_ok", "incident": 1,
                          "reply": answer["reply"]}
        assert answer["reply"].startswith("You acknowledged #1; paging stopped")
        async with client.post("/api/incidents/1/acknowledge",
                               headers={"X-CSRF-Token": token}) as r:
            assert (await r.json())["outcome"] == "already_acknowledged"
    await h.settle()
    # The same notices as an ACK by text:
    await h.received("#1: Dr. Jordan Rivera is on it and is responding.", PRINCIPAL)
    await h.received("#1 acknowledged by Dr. Jordan Rivera", ATTORNEY)
    await h.received("#1 reported by Ana Perez. The report's words are in the console",
                     SUPERINTENDENT)
    await h.advance(minutes=10)
    await h.fake.assert_no_sms(DEPUTY)  # paging stopped: step 2 never comes
    [incident] = await h.incidents()
    assert incident["acknowledged_by"]["id"] == "superintendent"
    assert "via console" in " ".join(e["text"] for e in incident["timeline"])
    assert await audit_actions(h) == [
        ("superintendent", "session", "acknowledge", 1, "acknowledged"),
        ("superintendent", "session", "acknowledge", 1, "already_acknowledged")]


async def test_who_may_act_is_the_receivers_rule_and_unseen_is_not_found(h: Harness) -> None:
    await open_incident(h)
    async with console_client(h.url) as oak:
        await sign_in(oak, h.fake, PRINCIPAL_ES)  # another school's principal
        async with oak.post("/api/incidents/1/acknowledge",
                            headers={"X-CSRF-Token": await csrf_token(oak)}) as r:
            assert r.status == 404 and "Burns" not in await r.text()
    async with console_client(h.url) as burns:
        await sign_in(burns, h.fake, PRINCIPAL)  # sees it (own school), not a responder
        async with burns.post("/api/incidents/1/resolve",
                              headers={"X-CSRF-Token": await csrf_token(burns)}) as r:
            assert r.status == 403
            answer = await r.json()
        assert (answer["outcome"], answer["key"]) == ("refused", "not_allowed")
        assert answer["reply"] == "You are not on the response team for #1."
    assert (await h.incidents())[0]["state"] == "triggered"
    assert [a[2:] for a in await audit_actions(h)] == [
        ("acknowledge", 1, "not_found"), ("resolve", 1, "refused")]


async def test_a_script_acts_for_a_named_contact_with_the_bearer_token(h: Harness) -> None:
    await open_incident(h)
    assert h.session is not None
    url = h.url + "/api/incidents/1/resolve"
    async with h.session.post(url, data={"contact": "superintendent"},
                              headers={"Authorization": "Bearer wrong"}) as r:
        assert r.status == 401
    async with h.session.post(url, headers=BEARER) as r:
        assert r.status == 400  # whom does it act for?
    async with h.session.post(url, data={"contact": "superintendent"}, headers=BEARER) as r:
        assert r.status == 200 and (await r.json())["outcome"] == "resolved"
    await h.received("#1 resolved by Dr. Jordan Rivera", PRINCIPAL, ATTORNEY)
    assert (await h.incidents())[0]["state"] == "resolved"
    assert await audit_actions(h) == [("superintendent", "bearer", "resolve", 1, "resolved")]


async def test_a_note_goes_on_the_timeline_and_nowhere_else(h: Harness) -> None:
    await open_incident(h)
    await h.text(SUPERINTENDENT, "ACK 1")
    await h.received("#1: Dr. Jordan Rivera is on it", PRINCIPAL)
    await h.received("#1 acknowledged by Dr. Jordan Rivera", ATTORNEY)
    await h.received("#1 reported by Ana Perez. The report's words are in the console",
                     SUPERINTENDENT)
    async with console_client(h.url) as client:
        await sign_in(client, h.fake, ATTORNEY)
        token = await csrf_token(client)
        async with client.post("/api/incidents/1/notes",
                               data={"csrf_token": token, "text": "Called the family"}) as r:
            assert r.status == 200
            assert (await r.json())["reply"] == "Note added to #1."
        async with client.post("/api/incidents/1/notes",
                               data={"csrf_token": token, "text": "  "}) as r:
            assert (await r.json())["key"] == "note_empty"
    # By text, as CONTRACT's "NOTE <number> <text>":
    assert await h.text(SUPERINTENDENT, "NOTE 1 agents left at 9:40") == "Note added to #1."
    assert await h.text(SUPERINTENDENT, "note #1: gone") == "Note added to #1."
    # A teacher may not see #1: told what a missing number gets (no existence oracle).
    assert await h.text(TEACHER, "NOTE 1 I saw them") == (
        "There is no open incident #1 that you can act on.")
    assert await h.text(SUPERINTENDENT, "NOTE 7 x") == (
        "There is no open incident #7 that you can act on.")
    assert await h.text(SUPERINTENDENT, "NOTE") == "To add a note: NOTE <number> <text>."
    await h.fake.assert_no_sms()  # a note is never forwarded
    notes = [(e["actor"], e["text"]) for e in (await h.incident(1))["timeline"]
             if e["kind"] == "note"]
    assert notes == [("Sam Okafor", "Called the family"),
                     ("Dr. Jordan Rivera", "agents left at 9:40"),
                     ("Dr. Jordan Rivera", "gone")]


async def test_a_note_in_spanish_is_answered_in_spanish(h: Harness) -> None:
    await open_incident(h)
    # principal-oak (Spanish) may not see a Burns incident: answered as a missing one.
    reply = await h.text(PRINCIPAL_ES, "NOTE 1 hola")
    assert reply == "No hay un incidente abierto #1 que usted pueda atender."
