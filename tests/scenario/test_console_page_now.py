"""The console's "page now" pages as an escalation step does (new-user trial 2, item 5).

After someone acknowledged, "page now" sent the person one text asking them to join,
never a call. It now pages on each of their channels from contacts/ (in the voice
district: a text and a call) through the engine's page path, and a key press on that
call answers it: their paging stops and the timeline says so."""

from __future__ import annotations

import json

from tests.scenario.harness import (
    API_TOKEN,
    ATTORNEY,
    DEPUTY,
    PRINCIPAL,
    PRINCIPAL_ES,
    SUPERINTENDENT,
    Harness,
)

BEARER = {"Authorization": f"Bearer {API_TOKEN}"}


async def page_now(h: Harness, by: str, target: str) -> dict[str, object]:
    assert h.session is not None
    async with h.session.post(h.url + "/api/incidents/1/page", headers=BEARER,
                              data={"contact": by, "target": target}) as r:
        assert r.status == 200, await r.text()
        body: dict[str, object] = json.loads(await r.text())
        return body


async def test_page_now_after_an_ack_calls_and_a_key_press_answers_it(hv: Harness) -> None:
    await hv.text(PRINCIPAL, "ICE 2 agents at front desk")
    await hv.received("ALERT #1", SUPERINTENDENT, ATTORNEY)
    await hv.received("ALERT number 1", SUPERINTENDENT, ATTORNEY, kind="call")
    assert "acknowledged #1" in await hv.text(SUPERINTENDENT, "ACK 1")
    hv.ignore("sms", contains="#1 reported by")
    hv.ignore("sms", contains="is on it")
    hv.ignore("sms", contains="acknowledged by Dr. Jordan Rivera")
    body = await page_now(hv, "superintendent", "deputy")
    assert body["outcome"] == "paged"
    await hv.settle()
    # the deputy (Spanish) is paged on each of their channels, as a step pages them
    text = await hv.fake.expect_sms(DEPUTY, contains="#1")
    assert "ALERTA #1" in (text.body or "")
    call = await hv.fake.expect_call(DEPUTY)
    # the escalation does not repeat the console's page: its goodbye does not promise it
    assert "Para responder, envíe ACK 1 por texto." in (call.twiml or "")
    assert "Recibirá otro aviso" not in (call.twiml or "")
    answered = await hv.answer(call).press("1")
    assert "Su aviso del incidente número 1 quedó respondido" in answered.text
    assert "Dr. Jordan Rivera dirige la respuesta" in answered.text
    incident = await hv.incident(1)
    assert incident["state"] == "acknowledged"
    assert incident["acknowledged_by"]["id"] == "superintendent"
    texts = [e["text"] for e in incident["timeline"] if e["kind"] == "paged"]
    assert any(t.startswith("paged from the console by Dr. Jordan Rivera (target deputy) "
                            "(after the acknowledgement): Morgan Lee by sms, voice")
               for t in texts), texts
    assert any(t.startswith("Morgan Lee answered the page from the console via voice")
               for t in texts), texts
    await hv.advance(minutes=10)
    await hv.fake.assert_no_sms(DEPUTY)  # one page, answered: nothing more


async def acknowledged_then_paged(h: Harness, target: str, phone: str) -> None:
    """#1 opened and acknowledged by the superintendent, then ``target`` paged for it
    from the console (their text expected, their call ignored: these stories text)."""
    await h.text(PRINCIPAL, "ICE 2 agents at front desk")
    await h.received("ALERT #1", SUPERINTENDENT, ATTORNEY)
    assert "acknowledged #1" in await h.text(SUPERINTENDENT, "ACK 1")
    h.ignore("sms", contains="#1 reported by")
    h.ignore("sms", contains="is on it")
    h.ignore("sms", contains="acknowledged by Dr. Jordan Rivera")
    assert (await page_now(h, "superintendent", target))["outcome"] == "paged"
    await h.settle()
    await h.fake.expect_sms(phone, contains="ALERT #1")
    h.ignore("call", contains="ALERT number 1")


async def test_a_bare_ack_answers_the_console_page_after_an_ack(h: Harness) -> None:
    """New-user trial 3: paged from the console after the superintendent acknowledged,
    the deputy's plain ACK was told "No open incident is paging you"."""
    await acknowledged_then_paged(h, "deputy", DEPUTY)
    reply = await h.text(DEPUTY, "ACK")
    assert "#1: thank you, your page is answered and stopped" in reply
    assert "Dr. Jordan Rivera leads the response" in reply


async def test_a_bare_ack_with_a_console_page_and_another_page_asks_which(
        h: Harness) -> None:
    """Paged by the console for #1 (acknowledged) and by the escalation for #2: a plain
    ACK must not pick #2 silently (trial 3: it acknowledged a drill instead)."""
    await acknowledged_then_paged(h, "attorney", ATTORNEY)
    await h.text(PRINCIPAL_ES, "ICE 1 agente en el gimnasio")
    await h.received("ALERT #2", SUPERINTENDENT, ATTORNEY)
    reply = await h.text(ATTORNEY, "ACK")
    assert "#1" in reply and "#2" in reply and "ACK" in reply
    assert (await h.incident(2))["state"] == "triggered"
