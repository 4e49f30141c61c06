"""Voice end to end: the phone tree that opens incidents, and voice pages acked by a key.

The test plays Twilio: it reads the TwiML the app answered (or the inline TwiML the
fake Twilio recorded for a call the app placed) and posts signed key presses and
callbacks to the absolute action URLs in it.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from tests.fakes.twilio_server import FakeTwilio, Record
from tests.scenario.harness import (
    ADMIN,
    AREA_LEAD,
    ATTORNEY,
    DEPUTY,
    FROM_NUMBER,
    PRINCIPAL,
    PRINCIPAL_ES,
    STRANGER,
    SUPERINTENDENT,
    Harness,
)
from tests.scenario.voicecall import PhoneCall, dial

ATTESTED_A = "TN-Validation-Passed-A"
FAILED = "TN-Validation-Failed"
SUPERINTENDENT_PIN = "2468"  # district_voice/contacts/people.yaml
PUBLIC = "https://alerts.example.test"
FALLBACK_SPOKEN = "8 6 0, 5 5 5, 0 1 9 9"



def entries(incident: dict[str, Any], kind: str) -> list[str]:
    return [e["text"] for e in incident["timeline"] if e["kind"] == kind]


# --- the phone tree --------------------------------------------------------------



async def paged(hv: Harness, number: int, school: str) -> None:
    """The voice district's first step: a text and a call to the Superintendent and the
    Attorney for incident ``number`` at ``school`` (expected, so consumed)."""
    for person in (SUPERINTENDENT, ATTORNEY):
        await hv.received(f"ALERT #{number}: Enforcement visit at {school}", person)
        await hv.received(f"ALERT number {number}", person, kind="call")

async def test_principal_call_opens_the_incident_before_the_recording(hv: Harness) -> None:
    call = await hv.call(PRINCIPAL)
    menu = call.twiml
    assert "Test District emergency line" in menu.text
    assert "To report immigration enforcement at your school, press 1" in menu.text
    assert "To report Drill at your school, press 2" in menu.text  # title when no label
    assert "Para español, oprima 9" in menu.text
    assert menu.languages[0] == "en-US" and menu.languages[-1] == "es-US"
    assert "press 0" not in menu.text  # a principal is paged by no escalation
    assert menu.action.startswith(PUBLIC + "/twilio/voice/menu?")

    opened = await call.press("1")  # one school: no school question
    assert "Incident number 1 is open" in opened.text
    assert "warrant signed by a judge" in opened.text
    record = opened.record
    assert record is not None and record.get("maxLength") == "60"
    assert record.get("action", "").startswith(PUBLIC + "/twilio/voice/recorded?")

    # The caller is still at the recording prompt, and help is already paged.
    page = await hv.fake.expect_sms(SUPERINTENDENT, contains="ACK 1")
    assert "Burns Academy" in page.body and "Ana Perez" in page.body
    await hv.fake.expect_call(ATTORNEY, contains="Burns Academy")
    before_recording = time.monotonic()
    assert page.arrived < before_recording

    done = await call.record(seconds=14)
    assert "Your message was added to incident number 1" in done.text
    assert done.hangs_up
    await call.transcribe("two agents at the front desk")
    incident = await hv.incident(1)
    assert incident["school"] == "burns"
    assert incident["reporter"]["id"] == "principal-burns"
    assert incident["source"] == "voice" and incident["unverified"] is False
    assert any("opened via voice by Ana Perez" in t for t in entries(incident, "opened"))
    updates = entries(incident, "update")
    assert updates[0].startswith("voice message (14 s): https://api.twilio.com/")
    assert updates[1] == "voice message transcript: two agents at the front desk"
    # Everyone else alertbot told something in this story:
    await hv.received("ALERT number 1", SUPERINTENDENT, kind="call")
    await hv.received("ALERT #1: Enforcement visit at Burns Academy", ATTORNEY)


async def test_caller_with_several_schools_keys_in_the_code(hv: Harness) -> None:
    call = await hv.call(AREA_LEAD)
    asked = await call.press("1")
    assert "Enter your school's code" in asked.text
    assert asked.gather is not None and asked.gather.get("numDigits") == "4"
    opened = await call.press("2302")
    assert "Incident number 1 is open" in opened.text
    [incident] = await hv.incidents()
    assert incident["school"] == "oak"
    await hv.fake.expect_sms(SUPERINTENDENT, contains="Oak Middle School")
    # Everyone else alertbot told something in this story:
    await hv.received("ALERT number 1", SUPERINTENDENT, kind="call")
    await hv.received("ALERT #1: Enforcement visit at Oak Middle School", ATTORNEY)
    await hv.received("ALERT number 1", ATTORNEY, kind="call")


async def test_wrong_school_code_three_times_ends_politely_and_loses_nothing(
        hv: Harness) -> None:
    call = await hv.call(AREA_LEAD)
    await call.press("1")
    again = await call.press("9999")
    assert "did not recognize that school code" in again.text
    again = await call.wait_silently()  # no input counts as a try too
    assert "I did not hear a choice" in again.text
    last = await call.press("0000")
    assert FALLBACK_SPOKEN in last.text
    assert "text the school code" in last.text
    assert "Incident number 1 is open" in last.text  # the report is not lost
    [incident] = await hv.incidents()
    assert incident["school"] is None
    page = await hv.fake.expect_sms(SUPERINTENDENT, contains="ACK 1")
    assert "school not named" in page.body
    # Everyone else alertbot told something in this story:
    await hv.received("ALERT number 1", SUPERINTENDENT, kind="call")
    await hv.received("ALERT #1: Enforcement visit at school not named", ATTORNEY)
    await hv.received("ALERT number 1", ATTORNEY, kind="call")


async def test_no_input_and_wrong_keys_at_the_menu(hv: Harness) -> None:
    call = await hv.call(PRINCIPAL)
    again = await call.wait_silently()
    assert "I did not hear a choice" in again.text and "press 1" in again.text
    again = await call.press("7")
    assert "not one of the choices" in again.text
    end = await call.wait_silently()
    assert FALLBACK_SPOKEN in end.text and end.hangs_up
    assert await hv.incidents() == []
    await hv.fake.assert_no_sms()


async def test_spanish_speaking_caller_hears_spanish(hv: Harness) -> None:
    call = await hv.call(PRINCIPAL_ES)
    menu = call.twiml
    assert menu.languages[0] == "es-US"
    assert "Para reportar una visita de inmigración en su escuela, oprima 1" in menu.text
    assert "For English, press 9" in menu.text and menu.languages[-1] == "en-US"
    opened = await call.press("1")
    assert "El incidente número 1 está abierto" in opened.text
    assert "orden firmada por un juez" in opened.text
    assert set(opened.languages) == {"es-US"}
    assert opened.record is not None and opened.record.get("transcribe") is None
    # Everyone else alertbot told something in this story:
    await hv.received("ALERT #1: Enforcement visit at Oak Middle School", SUPERINTENDENT)
    await hv.received("ALERT number 1", SUPERINTENDENT, kind="call")
    await hv.received("ALERT #1: Enforcement visit at Oak Middle School", ATTORNEY)
    await hv.received("ALERT number 1", ATTORNEY, kind="call")


async def test_english_caller_may_switch_to_spanish(hv: Harness) -> None:
    call = await hv.call(PRINCIPAL)
    spanish = await call.press("9")
    assert "oprima 1" in spanish.text and spanish.languages[0] == "es-US"
    opened = await call.press("1")
    assert "El incidente número 1 está abierto" in opened.text
    # Everyone else alertbot told something in this story:
    await paged(hv, 1, "Burns Academy")


async def test_unknown_caller_is_refused_where_unknown_reporters_reject(h: Harness) -> None:
    call = await h.call(STRANGER)
    assert "not set up to report incidents" in call.twiml.text
    assert "no está registrado" in call.twiml.text
    assert FALLBACK_SPOKEN in call.twiml.text
    assert call.twiml.hangs_up and call.twiml.gather is None
    assert await h.incidents() == []
    await h.fake.assert_no_sms()


async def test_unknown_caller_with_the_pin_opens_an_unverified_incident(hv: Harness) -> None:
    call = await hv.call(STRANGER)
    asked = await call.press("1")
    assert "district PIN" in asked.text
    school = await call.press("4321")
    assert "school's code" in school.text
    opened = await call.press("1201")
    assert "Incident number 1 is open" in opened.text
    page = await hv.fake.expect_sms(SUPERINTENDENT, contains="ACK 1")
    assert "UNVERIFIED" in page.body
    done = await call.record(seconds=5)  # the caller's own phone may add to it
    assert "added to incident number 1" in done.text
    incident = await hv.incident(1)
    assert incident["reporter"]["id"] is None and incident["unverified"] is True
    assert incident["source"] == "voice"
    assert any("unverified reporter" in t for t in entries(incident, "opened"))
    assert entries(incident, "update")[0].startswith("voice message (5 s)")
    # Everyone else alertbot told something in this story:
    await hv.received("ALERT number 1", SUPERINTENDENT, kind="call")
    await hv.received("ALERT #1: Enforcement visit at Burns Academy", ATTORNEY)
    await hv.received("ALERT number 1", ATTORNEY, kind="call")


async def test_unknown_caller_without_the_pin_opens_nothing(hv: Harness) -> None:
    call = await hv.call(STRANGER)
    await call.press("1")
    again = await call.press("1111")
    assert "That PIN is not correct" in again.text
    again = await call.wait_silently()
    assert "I did not hear a choice" in again.text
    end = await call.press("2222")
    assert "could not verify the PIN" in end.text and FALLBACK_SPOKEN in end.text
    assert end.hangs_up
    assert await hv.incidents() == []
    await hv.fake.assert_no_sms()
    await hv.fake.assert_no_call()


async def test_duplicate_webhook_opens_one_incident(hv: Harness) -> None:
    call = await hv.call(PRINCIPAL, sid="CA" + "d" * 32)
    action = call.twiml.action
    first = await call.press("1")
    second = await call.post(action, Digits="1")  # Twilio delivers it again
    assert "Incident number 1 is open" in first.text
    assert second.text == first.text
    await call.record(seconds=9)
    await call.record(seconds=9)
    assert len(await hv.incidents()) == 1
    await hv.fake.expect_sms(SUPERINTENDENT, contains="ACK 1")
    await hv.fake.assert_no_sms(SUPERINTENDENT)
    assert len(entries(await hv.incident(1), "update")) == 1
    # Everyone else alertbot told something in this story:
    await hv.received("ALERT number 1", SUPERINTENDENT, kind="call")
    await hv.received("ALERT #1: Enforcement visit at Burns Academy", ATTORNEY)
    await hv.received("ALERT number 1", ATTORNEY, kind="call")


async def test_forged_signature_is_refused_and_has_no_effect(hv: Harness) -> None:
    fields = {"CallSid": "CA" + "f" * 32, "From": PRINCIPAL, "To": FROM_NUMBER,
              "Direction": "inbound", "Digits": "1"}
    for url in (PUBLIC + "/twilio/voice", PUBLIC + "/twilio/voice/menu?lang=en&t=0",
                PUBLIC + "/twilio/voice/page?outbox=1&n=1&lang=en&r=0",
                PUBLIC + "/twilio/voice/amd?outbox=1&n=1&lang=en"):
        for signature in ("bm90LWEtc2lnbmF0dXJl", ""):
            status, _ = await hv.post_twilio_url(url, fields, signature=signature)
            assert status == 403, url
    # State rides in the signed query: a valid signature over other state is refused.
    signed = hv.sign("/twilio/voice/school?lang=en&d=1&t=0", fields)
    status, _ = await hv.post_twilio_url(PUBLIC + "/twilio/voice/school?lang=en&d=1&t=2",
                                         fields, signature=signed)
    assert status == 403
    await hv.settle()
    assert await hv.incidents() == []
    await hv.fake.assert_no_sms()


async def test_responder_calls_back_and_presses_0(hv: Harness) -> None:
    # A verified caller ID (decision 0014): without one, pressing 0 asks for a PIN or
    # has alertbot call back (tests below).
    await hv.text(PRINCIPAL, "ICE")
    await hv.text(PRINCIPAL_ES, "ICE")
    call = await dial(hv, SUPERINTENDENT, StirVerstat=ATTESTED_A)
    assert "If you are responding to a page, press 0" in call.twiml.text
    which = await call.press("0")
    assert "number 1, number 2" in which.text
    done = await call.press("2")
    assert "You acknowledged number 2" in done.text
    incidents = {i["id"]: i for i in await hv.incidents()}
    assert incidents[2]["state"] == "acknowledged"
    assert incidents[1]["state"] == "triggered"
    # Everyone else alertbot told something in this story:
    await paged(hv, 1, "Burns Academy")
    await paged(hv, 2, "Oak Middle School")
    await hv.received("#2 was reported by Eli Romero with no details yet", SUPERINTENDENT)
    await hv.received("#2: Dr. Jordan Rivera esta atendiendo y va en camino.", PRINCIPAL_ES)
    await hv.received("#2 acknowledged by Dr. Jordan Rivera", ATTORNEY)


# --- caller ID is not identity (issue 9, kind 1; decision 0014) -----------------------


def _on_it_texts(h: Harness, phone: str) -> list[str]:
    return [r.body or "" for r in h.fake.sms_to(phone) if "on it" in (r.body or "")]


async def test_forged_caller_id_of_an_admin_acknowledges_nothing(hv: Harness) -> None:
    """The issue's example: caller ID shows the admin, STIR/SHAKEN says it failed."""
    await hv.text(PRINCIPAL, "ICE")
    await hv.text(PRINCIPAL_ES, "ICE")
    for number in ("1", "2"):
        call = await dial(hv, ADMIN, StirVerstat=FAILED)
        which = await call.press("0")
        assert "number 1, number 2" in which.text
        answer = await call.press(number)
        assert "calling you back now at your own number" in answer.text
        assert f"incident number {number}" in answer.text
        assert answer.hangs_up and answer.gather is None
    incidents = await hv.incidents()
    assert [i["state"] for i in incidents] == ["triggered", "triggered"]
    await hv.settle()
    assert _on_it_texts(hv, PRINCIPAL) == [] and _on_it_texts(hv, PRINCIPAL_ES) == []
    # The real admin is called at their own number, from the district voice number.
    for number in (1, 2):
        rec = await hv.fake.expect_call(ADMIN, contains=f"incident number {number}")
        assert rec.from_ == FROM_NUMBER
        assert "/twilio/voice/confirm?outbox=" in (rec.twiml or "")
        assert "MachineDetection" not in rec.params
    timeline = entries(await hv.incident(1), "unverified_caller")
    assert timeline == ["a call showing Riley Chen's number asked to acknowledge (caller ID "
                        "not verified); calling Riley Chen back to confirm"]
    assert entries(await hv.incident(1), "acknowledged") == []
    # Everyone else alertbot told something in this story:
    await paged(hv, 1, "Burns Academy")
    await paged(hv, 2, "Oak Middle School")


async def test_verified_caller_id_acknowledges_at_once(hv: Harness) -> None:
    await hv.text(PRINCIPAL, "ICE")
    call = await dial(hv, ADMIN, StirVerstat=ATTESTED_A)
    done = await call.press("0")
    assert "You acknowledged number 1" in done.text
    [incident] = await hv.incidents()
    assert incident["acknowledged_by"]["id"] == "admin"
    await hv.fake.expect_sms(PRINCIPAL, contains="Riley Chen is on it")
    await hv.fake.assert_no_call(ADMIN)
    # Everyone else alertbot told something in this story:
    await paged(hv, 1, "Burns Academy")
    await hv.received("#1 was reported by Ana Perez with no details yet", ADMIN)
    await hv.received("#1 acknowledged by Riley Chen", SUPERINTENDENT, ATTORNEY)


async def test_attestation_is_remembered_within_the_call(hv: Harness) -> None:
    """Twilio need not repeat StirVerstat on later requests of the call."""
    await hv.text(PRINCIPAL, "ICE")
    await hv.text(PRINCIPAL_ES, "ICE")
    call = await dial(hv, ADMIN, StirVerstat=ATTESTED_A)
    await call.press("0")
    call.extra = {}
    done = await call.press("2")
    assert "You acknowledged number 2" in done.text
    # Everyone else alertbot told something in this story:
    await paged(hv, 1, "Burns Academy")
    await paged(hv, 2, "Oak Middle School")
    await hv.received("#2 was reported by Eli Romero with no details yet", ADMIN)
    await hv.received("#2: Riley Chen esta atendiendo y va en camino.", PRINCIPAL_ES)
    await hv.received("#2 acknowledged by Riley Chen", SUPERINTENDENT, ATTORNEY)


async def test_personal_pin_acknowledges(hv: Harness, caplog: pytest.LogCaptureFixture) -> None:
    await hv.text(PRINCIPAL, "ICE")
    call = await hv.call(SUPERINTENDENT)  # no StirVerstat at all
    asked = await call.press("0")
    assert "Enter your personal PIN" in asked.text
    wrong = await call.press("1357")
    assert "That PIN is not correct" in wrong.text
    done = await call.press(SUPERINTENDENT_PIN)
    assert "You acknowledged number 1" in done.text
    [incident] = await hv.incidents()
    assert incident["acknowledged_by"]["id"] == "superintendent"
    await hv.fake.expect_sms(PRINCIPAL, contains="Dr. Jordan Rivera is on it")
    assert hv.fake.calls_to(SUPERINTENDENT) == [] or all(
        "confirm" not in (r.twiml or "") for r in hv.fake.calls_to(SUPERINTENDENT))
    assert all(SUPERINTENDENT_PIN not in r.getMessage() for r in caplog.records)
    # Everyone else alertbot told something in this story:
    await paged(hv, 1, "Burns Academy")
    await hv.received("#1 was reported by Ana Perez with no details yet", SUPERINTENDENT)
    await hv.received("#1 acknowledged by Dr. Jordan Rivera", ATTORNEY)


async def test_no_pin_keyed_in_means_a_call_back(hv: Harness) -> None:
    await hv.text(PRINCIPAL, "ICE")
    call = await hv.call(SUPERINTENDENT)
    await call.press("0")
    answer = await call.press("")  # pound alone
    assert "calling you back" in answer.text
    [incident] = await hv.incidents()
    assert incident["state"] == "triggered"
    await hv.fake.expect_call(SUPERINTENDENT, contains="/twilio/voice/confirm")
    # Everyone else alertbot told something in this story:
    await paged(hv, 1, "Burns Academy")


async def _confirm_call(hv: Harness, phone: str) -> tuple[PhoneCall, Record]:
    call = await dial(hv, phone, StirVerstat=FAILED)
    answer = await call.press("0")
    assert "calling you back" in answer.text or "devuelve la llamada" in answer.text
    rec = await hv.fake.expect_call(phone, contains="/twilio/voice/confirm")
    return hv.answer(rec), rec


async def test_pressing_1_on_the_confirm_call_acknowledges(hv: Harness) -> None:
    await hv.text(PRINCIPAL, "ICE")
    answered, rec = await _confirm_call(hv, ADMIN)
    question = answered.twiml
    assert "Press 1 to confirm you are taking incident number 1" in question.text
    assert rec.to == ADMIN and rec.from_ == FROM_NUMBER
    action = question.action
    done = await answered.press("1")
    assert "You acknowledged number 1" in done.text and done.hangs_up
    [incident] = await hv.incidents()
    assert incident["state"] == "acknowledged"
    assert incident["acknowledged_by"] == {"id": "admin", "name": "Riley Chen"}
    await hv.fake.expect_sms(PRINCIPAL, contains="Riley Chen is on it")
    again = await answered.post(action, Digits="1")  # Twilio delivers it twice: one effect
    # (a replay is spoken from the stored text until dedup keeps the reply's key)
    assert "You acknowledged number 1" in again.text
    assert len(_on_it_texts(hv, PRINCIPAL)) == 1
    # Everyone else alertbot told something in this story:
    await paged(hv, 1, "Burns Academy")
    await hv.received("#1 was reported by Ana Perez with no details yet", ADMIN)
    await hv.received("#1 acknowledged by Riley Chen", SUPERINTENDENT, ATTORNEY)


async def test_pressing_nothing_on_the_confirm_call_acknowledges_nothing(hv: Harness) -> None:
    await hv.text(PRINCIPAL, "ICE")
    answered, rec = await _confirm_call(hv, ADMIN)
    assert answered.twiml.redirect is None  # silence: the call says so and hangs up
    assert answered.twiml.hangs_up and "Nothing was confirmed" in answered.twiml.text
    wrong = await answered.press("5")
    assert "that key is not a choice" in wrong.text
    await hv.fake.send_status(rec, "completed", post_to=hv.url)
    await hv.settle()
    [incident] = await hv.incidents()
    assert incident["state"] == "triggered"
    assert entries(await hv.incident(1), "not_reached") == []  # not a page
    await hv.advance(minutes=3)
    await hv.fake.expect_call(DEPUTY)  # paging goes on
    # Everyone else alertbot told something in this story:
    await paged(hv, 1, "Burns Academy")
    await hv.received("#1: still paging", PRINCIPAL)


async def test_confirm_calls_are_not_repeated_for_a_burst_of_forged_calls(hv: Harness) -> None:
    await hv.text(PRINCIPAL, "ICE")
    for _ in range(3):
        call = await dial(hv, ADMIN, StirVerstat=FAILED)
        answer = await call.press("0")
        assert "calling you back" in answer.text
    await hv.fake.expect_call(ADMIN, contains="/twilio/voice/confirm")
    await hv.fake.assert_no_call(ADMIN)
    assert len(entries(await hv.incident(1), "unverified_caller")) == 1
    # Everyone else alertbot told something in this story:
    await paged(hv, 1, "Burns Academy")


async def test_spanish_caller_is_called_back_in_spanish(hv: Harness) -> None:
    await hv.text(PRINCIPAL, "ICE")
    await hv.advance(minutes=3)  # the deputy (Spanish) is paged at step 2
    await hv.fake.expect_call(DEPUTY)
    call = await dial(hv, DEPUTY, StirVerstat=FAILED)
    assert "Si responde a un aviso, oprima 0" in call.twiml.text
    answer = await call.press("0")
    assert "alertbot le devuelve la llamada ahora a su propio número" in answer.text
    assert set(answer.languages) == {"es-US"}
    rec = await hv.fake.expect_call(DEPUTY, contains="/twilio/voice/confirm")
    answered = hv.answer(rec)
    assert "Oprima 1 para confirmar que usted atiende el incidente número 1" in \
        answered.twiml.text
    assert set(answered.twiml.languages) == {"es-US"}
    done = await answered.press("1")
    assert "Usted atiende el incidente número 1" in done.text
    assert "se informó a quien reportó" in done.text
    [incident] = await hv.incidents()
    assert incident["acknowledged_by"]["id"] == "deputy"
    # Everyone else alertbot told something in this story:
    await paged(hv, 1, "Burns Academy")
    await hv.received("#1: still paging", PRINCIPAL)
    await hv.received("#1 fue reportado por Ana Perez aun sin detalles", DEPUTY)
    await hv.received("#1: Morgan Lee is on it and is responding.", PRINCIPAL)
    await hv.received("#1 acknowledged by Morgan Lee", SUPERINTENDENT, ATTORNEY)


async def test_resolve_from_an_unproven_sender_is_confirmed_by_a_call_too(hv: Harness) -> None:
    """The receiver's rule covers RESOLVE, and an Actor that does not say how it knows
    who is speaking (the default proof) stops nothing."""
    from alertbot import appkeys
    from alertbot.core import commands as cmd
    from alertbot.core.actors import Actor

    await hv.text(PRINCIPAL, "ICE")
    receiver = hv.app[appkeys.RECEIVER]
    admin = receiver.config.contacts["admin"]
    for command in (cmd.Ack(1), cmd.Resolve(1)):
        reply = await receiver.handle(Actor(admin, phone=ADMIN), command, "voice")
        assert reply.confirm_call and reply.incident_id == 1
    await hv.settle()
    [incident] = await hv.incidents()
    assert incident["state"] == "triggered"
    await hv.fake.expect_call(ADMIN, contains="taking incident number 1")
    rec = await hv.fake.expect_call(ADMIN, contains="resolving incident number 1")
    done = await hv.answer(rec).press("1")
    assert "Incident number 1 is resolved" in done.text
    [incident] = await hv.incidents()
    assert incident["state"] == "resolved" and incident["resolved_by"] == "admin"
    # Everyone else alertbot told something in this story:
    await paged(hv, 1, "Burns Academy")
    await hv.received("#1 resolved by Riley Chen.", PRINCIPAL, ATTORNEY, SUPERINTENDENT)


async def test_a_text_ack_needs_no_confirmation(hv: Harness) -> None:
    """Twilio delivered the text from the number: the provider vouches (decision 0014)."""
    await hv.text(PRINCIPAL, "ICE")
    reply = await hv.text(ADMIN, "ACK 1")
    assert "You acknowledged #1" in reply
    await hv.fake.assert_no_call(ADMIN)
    # Everyone else alertbot told something in this story:
    await paged(hv, 1, "Burns Academy")
    await hv.received("#1 was reported by Ana Perez with no details yet", ADMIN)
    await hv.received("#1: Riley Chen is on it and is responding.", PRINCIPAL)
    await hv.received("#1 acknowledged by Riley Chen", SUPERINTENDENT, ATTORNEY)


# --- voice pages -------------------------------------------------------------------


async def test_voice_page_is_acknowledged_by_pressing_1_and_paging_stops(hv: Harness) -> None:
    await hv.text(PRINCIPAL, "ICE")
    rec = await hv.fake.expect_call(ATTORNEY, contains="Burns Academy")
    assert rec.from_ == FROM_NUMBER
    assert rec.params["MachineDetection"] == "DetectMessageEnd"
    assert rec.params["AsyncAmd"] == "true"
    assert rec.params["AsyncAmdStatusCallback"].startswith(PUBLIC + "/twilio/voice/amd?")
    assert rec.status_callback == PUBLIC + "/twilio/status"
    answered = hv.answer(rec)
    page = answered.twiml
    assert "Urgent page from alertbot. ALERT number 1: Enforcement visit at Burns Academy" \
        in page.text
    assert "Ana Perez" in page.text
    assert "Press 1 to acknowledge" in page.text
    assert "Reply ACK" not in page.text  # the SMS instruction is not read out
    gathers = page.root.findall("Gather")
    assert len(gathers) == 3  # said three times, then goodbye
    assert all(g.get("action", "").startswith(PUBLIC + "/twilio/voice/page?") for g in gathers)
    assert page.hangs_up and "not acknowledged" in page.text

    done = await answered.press("1")
    assert "You acknowledged number 1" in done.text and done.hangs_up
    [incident] = await hv.incidents()
    assert incident["state"] == "acknowledged"
    assert incident["acknowledged_by"] == {"id": "attorney", "name": "Sam Okafor"}
    assert any("via voice" in t for t in entries(incident, "acknowledged"))
    await hv.fake.expect_sms(PRINCIPAL, contains="Sam Okafor")
    await hv.fake.expect_call(SUPERINTENDENT)
    await hv.fake.expect_sms(SUPERINTENDENT, contains="ACK 1")
    await hv.fake.expect_sms(SUPERINTENDENT, contains="acknowledged by Sam Okafor")
    for _ in range(4):
        await hv.advance(minutes=5)
    await hv.fake.assert_no_call()
    await hv.fake.assert_no_sms(SUPERINTENDENT)
    # Everyone else alertbot told something in this story:
    await hv.received("ALERT #1: Enforcement visit at Burns Academy", ATTORNEY)
    await hv.received("#1 was reported by Ana Perez with no details yet", ATTORNEY)


async def test_press_2_repeats_and_no_other_key_acknowledges(hv: Harness) -> None:
    await hv.text(PRINCIPAL, "ICE")
    answered = hv.answer(await hv.fake.expect_call(ATTORNEY))
    again = await answered.press("2")
    assert "Enforcement visit at Burns Academy" in again.text
    wrong = await answered.press("5")
    assert "that key is not a choice" in wrong.text and "Burns Academy" in wrong.text
    end = await answered.press("2")  # replays are bounded
    assert "not acknowledged" in end.text and end.hangs_up and end.gather is None
    [incident] = await hv.incidents()
    assert incident["state"] == "triggered"
    # Everyone else alertbot told something in this story:
    await hv.received("ALERT #1: Enforcement visit at Burns Academy", SUPERINTENDENT)
    await hv.received("ALERT number 1", SUPERINTENDENT, kind="call")
    await hv.received("ALERT #1: Enforcement visit at Burns Academy", ATTORNEY)


async def test_voicemail_never_acknowledges(hv: Harness) -> None:
    await hv.text(PRINCIPAL, "ICE")
    rec = await hv.fake.expect_call(ATTORNEY)
    status, _ = await hv.fake.send_amd(rec, "machine_end_beep", post_to=hv.url)
    assert status == 200
    voicemail = await hv.fake.expect_call_update(rec.sid, contains="text ACK 1")
    assert "Enforcement visit at Burns Academy" in (voicemail.twiml or "")
    assert "<Gather" not in (voicemail.twiml or "")
    await hv.fake.send_status(rec, "completed", post_to=hv.url)
    await hv.settle()
    incident = await hv.incident(1)
    assert incident["state"] == "triggered"
    notes = entries(incident, "not_reached")
    assert notes == ["call to Sam Okafor: voicemail answered (left a message to call back "
                     "or text ACK); not counted as reached"]
    assert entries(incident, "page_failed") == []
    await hv.fake.assert_no_sms(ADMIN)
    await hv.advance(minutes=3)
    await hv.advance(minutes=5)
    await hv.fake.expect_call(ATTORNEY)  # the next round calls again
    # Everyone else alertbot told something in this story:
    await hv.received("ALERT #1: Enforcement visit at Burns Academy", SUPERINTENDENT)
    await hv.received("ALERT number 1", SUPERINTENDENT, kind="call")
    await hv.received("ALERT #1: Enforcement visit at Burns Academy", ATTORNEY)
    await hv.received("#1: still paging", PRINCIPAL)
    await hv.received("Aviso urgente de alertbot", DEPUTY, kind="call")
    await hv.received("#1: still paging", PRINCIPAL)
    await hv.received("#1: Enforcement visit at Burns Academy (2nd", SUPERINTENDENT)
    await hv.received("ALERT number 1", SUPERINTENDENT, kind="call")
    await hv.received("#1: Enforcement visit at Burns Academy (2nd", ATTORNEY)


async def test_no_answer_is_visible_and_the_next_round_calls_again(hv: Harness) -> None:
    await hv.text(PRINCIPAL, "ICE")
    rec = await hv.fake.expect_call(SUPERINTENDENT)
    for _ in range(2):  # Twilio may deliver a status twice: one timeline entry
        status, _ = await hv.fake.send_status(rec, "no-answer", post_to=hv.url)
        assert status == 204
    incident = await hv.incident(1)
    assert entries(incident, "not_reached") == [
        "call to Dr. Jordan Rivera: no answer; not counted as reached"]
    assert entries(incident, "page_failed") == []
    [call_page] = [m for m in incident["messages"]
                   if m["channel"] == "voice" and m["contact"] == "superintendent"]
    assert call_page["provider_status"] == "no-answer" and call_page["status"] == "sent"
    await hv.fake.assert_no_sms(ADMIN)

    await hv.advance(minutes=3)
    await hv.fake.expect_call(DEPUTY)
    await hv.fake.assert_no_call(SUPERINTENDENT)
    await hv.advance(minutes=5)
    retry = await hv.fake.expect_call(SUPERINTENDENT, contains="Burns Academy")
    assert retry.sid != rec.sid
    # Everyone else alertbot told something in this story:
    await hv.received("ALERT #1: Enforcement visit at Burns Academy", SUPERINTENDENT, ATTORNEY)
    await hv.received("ALERT number 1", ATTORNEY, kind="call")
    await hv.received("#1: still paging", PRINCIPAL, PRINCIPAL)
    await hv.received("#1: Enforcement visit at Burns Academy (2nd", SUPERINTENDENT, ATTORNEY)
    await hv.received("ALERT number 1", ATTORNEY, kind="call")


async def test_answered_call_without_a_key_is_noted_not_counted(hv: Harness) -> None:
    await hv.text(PRINCIPAL, "ICE")
    rec = await hv.fake.expect_call(SUPERINTENDENT)
    await hv.fake.send_amd(rec, "human", post_to=hv.url)
    await hv.fake.send_status(rec, "in-progress", post_to=hv.url)
    await hv.fake.send_status(rec, "completed", post_to=hv.url)
    await hv.settle()
    incident = await hv.incident(1)
    assert incident["state"] == "triggered"
    assert entries(incident, "not_reached") == [
        "call to Dr. Jordan Rivera ended with no key pressed; not acknowledged"]
    assert hv.fake.call_updates(rec.sid) == []  # a human hears the page uninterrupted
    # Everyone else alertbot told something in this story:
    await hv.received("ALERT #1: Enforcement visit at Burns Academy", SUPERINTENDENT, ATTORNEY)
    await hv.received("ALERT number 1", ATTORNEY, kind="call")


async def test_spanish_speaking_responder_is_called_in_spanish(hv: Harness) -> None:
    await hv.text(PRINCIPAL, "ICE")
    await hv.advance(minutes=3)
    answered = hv.answer(await hv.fake.expect_call(DEPUTY))
    page = answered.twiml
    assert set(page.languages) == {"es-US"}
    assert "Aviso urgente de alertbot. ALERTA número 1" in page.text
    assert "Oprima 1 para atender" in page.text
    assert "Responda ACK" not in page.text
    assert "Reportado a las" in page.text  # the voice page's own Spanish words
    done = await answered.press("1")
    assert "número 1" in done.text  # the receiver's Spanish reply, spoken
    # Speech is not SMS: correct Spanish with its accents, never the GSM-7 folded text.
    assert "se informó a quien reportó" in done.text
    assert "informo" not in done.text
    assert set(done.languages) == {"es-US"}
    [incident] = await hv.incidents()
    assert incident["acknowledged_by"]["id"] == "deputy"
    # Everyone else alertbot told something in this story:
    await paged(hv, 1, "Burns Academy")
    await hv.received("#1: still paging", PRINCIPAL)
    await hv.received("#1 fue reportado por Ana Perez aun sin detalles", DEPUTY)
    await hv.received("#1: Morgan Lee is on it and is responding.", PRINCIPAL)
    await hv.received("#1 acknowledged by Morgan Lee", SUPERINTENDENT, ATTORNEY)


async def test_permanent_call_error_is_reported_to_admins(hv: Harness, fake: FakeTwilio) -> None:
    fake.fail_for(SUPERINTENDENT, code=21211, kind="call")
    await hv.text(PRINCIPAL, "ICE")
    await hv.fake.expect_sms(SUPERINTENDENT, contains="ACK 1")  # SMS still reaches them
    alert = await hv.fake.expect_sms(ADMIN, contains="could not page Dr. Jordan Rivera")
    assert "voice" in alert.body
    incident = await hv.incident(1)
    assert any("by voice" in t for t in entries(incident, "page_failed"))
    # Everyone else alertbot told something in this story:
    await hv.received("ALERT #1: Enforcement visit at Burns Academy", ATTORNEY)
    await hv.received("ALERT number 1", ATTORNEY, kind="call")


async def test_fax_machine_is_a_failed_page_reported_to_admins(hv: Harness) -> None:
    await hv.text(PRINCIPAL, "ICE")
    rec = await hv.fake.expect_call(ATTORNEY)
    await hv.fake.send_amd(rec, "fax", post_to=hv.url)
    hang_up = await hv.fake.expect_call_update(rec.sid, contains="<Hangup")
    assert "<Say" not in (hang_up.twiml or "")
    await hv.settle()
    await hv.fake.expect_sms(ADMIN, contains="could not page Sam Okafor")
    [incident] = await hv.incidents()
    assert incident["state"] == "triggered"
    # Everyone else alertbot told something in this story:
    await hv.received("ALERT #1: Enforcement visit at Burns Academy", SUPERINTENDENT)
    await hv.received("ALERT number 1", SUPERINTENDENT, kind="call")
    await hv.received("ALERT #1: Enforcement visit at Burns Academy", ATTORNEY)


async def test_silent_recording_adds_nothing_and_says_goodbye(hv: Harness) -> None:
    call = await hv.call(PRINCIPAL)
    await call.press("1")
    done = await call.record(seconds=0)
    assert "No message was recorded" in done.text and done.redirect
    waiting = await call.follow()  # issue 13: the caller may wait on the line
    assert "Stay on the line" in waiting.text and waiting.hangs_up
    assert entries(await hv.incident(1), "update") == []
    # Everyone else alertbot told something in this story:
    await paged(hv, 1, "Burns Academy")


async def test_channels_in_order_call_only_if_the_text_went_unanswered(
        fake: FakeTwilio, tmp_path: Path) -> None:
    """``channel_delay``: text first; call a minute later only if nobody acknowledged."""
    import shutil

    from tests.scenario.harness import DISTRICT, PRINCIPAL, SUPERINTENDENT

    district = tmp_path / "district"
    shutil.copytree(DISTRICT, district)
    config = (district / "escalation.yaml").read_text()
    step_one = "      - notify: [superintendent, staff_attorney]\n        channels: [sms]\n"
    (district / "escalation.yaml").write_text(
        config.replace(step_one, "      - notify: [superintendent]\n"))
    people = (district / "contacts" / "people.yaml").read_text()
    (district / "contacts" / "people.yaml").write_text(people.replace(
        '  phone: "+1 860 555 0100"\n',
        '  phone: "+1 860 555 0100"\n  channels: [sms, voice]\n  channel_delay: 1m\n', 1))
    async with Harness(fake, tmp_path, config_dir=district) as h:
        await h.text(PRINCIPAL, "ICE")
        await fake.expect_sms(SUPERINTENDENT, contains="ACK 1")
        assert fake.calls_to(SUPERINTENDENT) == []
        await h.advance(seconds=59)
        assert fake.calls_to(SUPERINTENDENT) == []
        await h.advance(seconds=1)
        await fake.expect_call(SUPERINTENDENT)
        [incident] = await h.incidents()
        paged = next(e["text"] for e in incident["timeline"] if e["kind"] == "paged")
        assert "voice (after 1m if no ack)" in paged
        # A second incident acknowledged by text within the minute gets no call.
        await h.text("+18605550145", "ICE")
        await h.text(SUPERINTENDENT, "ACK 2")
        await h.advance(minutes=2)
        assert len(fake.calls_to(SUPERINTENDENT)) == 1
        await h.received("ALERT #2", SUPERINTENDENT)
        await h.received("#2 was reported by Eli Romero", SUPERINTENDENT)
        await h.received("#2: Dr. Jordan Rivera", PRINCIPAL_ES)
        await h.received("#1: still paging", PRINCIPAL)
        await h.received("ALERT #1", DEPUTY)
