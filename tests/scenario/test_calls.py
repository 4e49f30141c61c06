"""Issue 13, a human voice within a minute: press 3 on a voice page connects the
responder with the reporter (the district number shows, never their own), the phone-tree
caller may wait on the line in the incident's conference, and ringing page calls stop
once someone acknowledged. The test plays Twilio: the TwiML the app answered, the calls
placed through the fake, and the signed status callbacks, in English and Spanish.
"""

from __future__ import annotations

from typing import Any

from tests.fakes.twilio_server import Record
from tests.scenario.harness import (
    ATTORNEY,
    DEPUTY,
    FROM_NUMBER,
    PRINCIPAL,
    PRINCIPAL_ES,
    SUPERINTENDENT,
    Harness,
)
from tests.scenario.voicecall import PhoneCall, Twiml

PUBLIC = "https://alerts.example.test"


def calls_on(incident: dict[str, Any]) -> list[str]:
    return [e["text"] for e in incident["timeline"] if e["kind"] == "call"]


def dial_of(twiml: Twiml) -> tuple[dict[str, str], dict[str, str], str]:
    """The ``<Dial>``'s attributes, its ``<Number>``'s attributes and the number."""
    dial = twiml.root.find("Dial")
    assert dial is not None, twiml.xml
    number = dial.find("Number")
    assert number is not None, twiml.xml
    return dict(dial.attrib), dict(number.attrib), (number.text or "").strip()


async def leg(hv: Harness, url: str, sid: str, status: str, **extra: str) -> None:
    code, _ = await hv.fake.post_signed(url, {"CallSid": sid, "CallStatus": status,
                                              **extra}, post_to=hv.url)
    assert code == 200
    await hv.settle()


async def page_of(hv: Harness, phone: str) -> tuple[PhoneCall, Record]:
    rec = await hv.fake.expect_call(phone, contains="ALERT number 1")
    return hv.answer(rec), rec


# --- press 3: the reporter dialed from the district number --------------------------


async def test_press_3_acknowledges_and_dials_the_reporter_from_the_district_number(
        hv: Harness) -> None:
    await hv.text(PRINCIPAL, "ICE")
    answered, _ = await page_of(hv, ATTORNEY)
    assert "Press 3 to acknowledge and talk with the reporter" in answered.twiml.text
    dialing = await answered.press("3")
    assert "You acknowledged number 1" in dialing.text
    assert "Calling the reporter now. They will see the district's number" in dialing.text
    dial, number, to = dial_of(dialing)
    assert dial["callerId"] == FROM_NUMBER and to == PRINCIPAL  # neither sees the other's
    assert dial["action"].startswith(PUBLIC + "/twilio/voice/dialed?")
    assert number["statusCallback"].startswith(PUBLIC + "/twilio/voice/leg?")
    [incident] = await hv.incidents()
    assert incident["acknowledged_by"] == {"id": "attorney", "name": "Sam Okafor"}
    await leg(hv, number["statusCallback"], "CA" + "7" * 32, "answered")
    await leg(hv, number["statusCallback"], "CA" + "7" * 32, "completed", CallDuration="42")
    done = await answered.post(dial["action"], DialCallStatus="completed",
                               DialCallDuration="42", DialCallSid="CA" + "7" * 32)
    assert "The call with the reporter ended" in done.text and done.hangs_up
    assert calls_on(await hv.incident(1)) == [
        "Sam Okafor is calling the reporter Ana Perez from the district number",
        "the reporter Ana Perez answered Sam Okafor's call",
        "Sam Okafor's call with the reporter Ana Perez ended after 42 s"]
    # Everyone else alertbot told something in this story:
    await hv.received("ALERT #1: Enforcement visit at Burns Academy", SUPERINTENDENT, ATTORNEY)
    await hv.received("ALERT number 1", SUPERINTENDENT, kind="call")
    await hv.received("#1: Sam Okafor is on it", PRINCIPAL)
    await hv.received("#1 acknowledged by Sam Okafor", SUPERINTENDENT)
    await hv.received("#1 was reported by Ana Perez", ATTORNEY)


async def test_reporter_who_does_not_answer_is_told_and_noted(hv: Harness) -> None:
    await hv.text(PRINCIPAL, "ICE")
    answered, _ = await page_of(hv, SUPERINTENDENT)
    acked = await answered.press("1")
    assert "You acknowledged number 1" in acked.text
    assert "To be connected to the reporter now, press 3" in acked.text
    assert acked.action.startswith(PUBLIC + "/twilio/voice/connect?")
    assert acked.hangs_up  # pressing nothing ends the call as before
    dialing = await answered.press("3")
    dial, number, to = dial_of(dialing)
    assert to == PRINCIPAL and dial["callerId"] == FROM_NUMBER
    told = await answered.post(dial["action"], DialCallStatus="no-answer")
    assert "The reporter did not answer. This is noted on the incident" in told.text
    await leg(hv, number["statusCallback"], "CA" + "8" * 32, "no-answer")  # said once
    assert calls_on(await hv.incident(1)) == [
        "Dr. Jordan Rivera is calling the reporter Ana Perez from the district number",
        "the reporter Ana Perez did not answer Dr. Jordan Rivera's call (no answer); "
        "Dr. Jordan Rivera was told"]
    # Everyone else alertbot told something in this story:
    await hv.received("ALERT #1: Enforcement visit at Burns Academy", SUPERINTENDENT, ATTORNEY)
    await hv.received("ALERT number 1", ATTORNEY, kind="call")
    await hv.received("#1: Dr. Jordan Rivera is on it", PRINCIPAL)
    await hv.received("#1 acknowledged by Dr. Jordan Rivera", ATTORNEY)
    await hv.received("#1 was reported by Ana Perez", SUPERINTENDENT)


async def test_spanish_responder_hears_spanish_and_the_reporter_is_dialed(hv: Harness) -> None:
    await hv.text(PRINCIPAL_ES, "ICE")
    await hv.advance(minutes=3)  # the deputy (Spanish) is called at step 2
    rec = await hv.fake.expect_call(DEPUTY)
    answered = hv.answer(rec)
    assert "Oprima 3 para atender y hablar con quien reportó" in answered.twiml.text
    dialing = await answered.press("3")
    assert "Usted atiende el incidente número 1" in dialing.text
    assert "Llamando ahora a quien reportó. Verá el número del distrito" in dialing.text
    assert set(dialing.languages) == {"es-US"}
    dial, _, to = dial_of(dialing)
    assert to == PRINCIPAL_ES and dial["callerId"] == FROM_NUMBER
    told = await answered.post(dial["action"], DialCallStatus="busy")
    assert "Quien reportó no contestó" in told.text and set(told.languages) == {"es-US"}
    assert calls_on(await hv.incident(1))[-1] == (
        "the reporter Eli Romero did not answer Morgan Lee's call (line busy); Morgan Lee "
        "was told")
    # Everyone else alertbot told something in this story:
    await hv.received("ALERT #1: Enforcement visit at Oak Middle School", SUPERINTENDENT,
                      ATTORNEY)
    await hv.received("ALERT number 1", SUPERINTENDENT, ATTORNEY, kind="call")
    await hv.received("#1: seguimos avisando", PRINCIPAL_ES)
    await hv.received("#1: Morgan Lee esta atendiendo", PRINCIPAL_ES)
    await hv.received("#1 acknowledged by Morgan Lee", SUPERINTENDENT, ATTORNEY)
    await hv.received("#1 fue reportado por Eli Romero", DEPUTY)


# --- the caller waits on the line; the first responder to press 3 joins --------------


async def waiting_caller(hv: Harness, phone: str = PRINCIPAL) -> tuple[PhoneCall, Twiml]:
    """``phone`` calls the phone tree, opens incident 1, records, and waits on the line."""
    call = await hv.call(phone)
    await call.press("1")
    waiting = await call.record(seconds=5)
    return call, waiting


def conference_of(twiml: Twiml) -> dict[str, str]:
    element = twiml.root.find("Dial/Conference")
    assert element is not None, twiml.xml
    assert (element.text or "").strip() == "alertbot-incident-1"
    return dict(element.attrib)


async def test_caller_waits_and_the_first_responder_to_press_3_joins(hv: Harness) -> None:
    call, waiting = await waiting_caller(hv)
    assert "Your message was added to incident number 1" in waiting.text
    assert "Stay on the line, and you will be connected to the first responder" in waiting.text
    room = conference_of(waiting)
    assert room["startConferenceOnEnter"] == "false"  # hold until a responder joins
    assert room["waitUrl"].startswith(PUBLIC + "/twilio/voice/hold?")
    assert room["statusCallback"].startswith(PUBLIC + "/twilio/voice/conference?")
    assert room["statusCallbackEvent"] == "start end join leave"
    hold = await call.post(room["waitUrl"])
    assert "Please stay on the line" in hold.text and hold.root.find("Pause") is not None
    await hv.fake.send_conference(room["statusCallback"], "participant-join", call.sid,
                                  post_to=hv.url)

    sam, _ = await page_of(hv, ATTORNEY)
    jordan, jordan_rec = await page_of(hv, SUPERINTENDENT)
    await hv.fake.send_status(jordan_rec, "in-progress", post_to=hv.url)  # answered too
    joining = await sam.press("3")
    assert "You acknowledged number 1" in joining.text
    assert "Connecting you to the reporter now" in joining.text
    joined = conference_of(joining)
    assert joined["startConferenceOnEnter"] == "true" and "waitUrl" not in joined
    await hv.fake.send_conference(joined["statusCallback"], "participant-join", sam.sid,
                                  post_to=hv.url)
    [incident] = await hv.incidents()
    assert incident["acknowledged_by"]["id"] == "attorney"  # joining acknowledged it

    later = await jordan.press("1")  # a second responder: who joined, and join too
    assert "Incident number 1 was already acknowledged by Sam Okafor" in later.text
    assert "Sam Okafor joined the reporter on the line. Press 3 to join them too" in later.text
    also = await jordan.press("3")
    assert "Sam Okafor already joined. Connecting you to the reporter now" in also.text
    await hv.fake.send_conference(joined["statusCallback"], "participant-join", jordan.sid,
                                  post_to=hv.url)
    await hv.fake.send_conference(joined["statusCallback"], "participant-leave", sam.sid,
                                  post_to=hv.url)
    await hv.fake.send_conference(joined["statusCallback"], "participant-leave", sam.sid,
                                  post_to=hv.url)  # Twilio delivers it twice: one entry
    await hv.settle()
    assert calls_on(await hv.incident(1)) == [
        "Ana Perez is waiting on the line for a responder (up to 3m)",
        "Sam Okafor joined Ana Perez on the line",
        "Dr. Jordan Rivera joined Ana Perez on the line",
        "Sam Okafor left the call"]
    await hv.advance(minutes=10)
    await hv.fake.assert_no_call()  # paging stopped
    # Everyone else alertbot told something in this story:
    await hv.received("ALERT #1: Enforcement visit at Burns Academy", SUPERINTENDENT, ATTORNEY)
    await hv.received("#1: Sam Okafor is on it", PRINCIPAL)
    await hv.received("#1 acknowledged by Sam Okafor", SUPERINTENDENT)
    await hv.received("#1 first report from Ana Perez: voice message", ATTORNEY)


async def test_nobody_joins_in_time_guidance_again_and_a_clean_hangup(hv: Harness) -> None:
    call, waiting = await waiting_caller(hv, PRINCIPAL_ES)
    assert "Permanezca en la línea" in waiting.text and set(waiting.languages) == {"es-US"}
    room = conference_of(waiting)
    await hv.advance(seconds=179)
    hold = await call.post(room["waitUrl"])
    assert "Por favor permanezca en la línea" in hold.text
    assert hv.fake.call_updates(call.sid) == []
    await hv.advance(seconds=1)
    await call.post(room["waitUrl"])  # Twilio asks the waitUrl again: time is up
    ended = await hv.fake.expect_call_update(call.sid, contains="orden firmada por un juez")
    end = Twiml.parse(ended.twiml or "")
    assert "Nadie pudo unirse a la llamada todavía. Seguimos avisando" in end.text
    assert end.hangs_up and set(end.languages) == {"es-US"}
    await call.post(room["waitUrl"])  # asked once more meanwhile: ended once
    assert len(hv.fake.call_updates(call.sid)) == 1
    [incident] = await hv.incidents()
    assert incident["state"] == "triggered"  # paging goes on
    assert calls_on(await hv.incident(1))[-1] == (
        "nobody joined Eli Romero on the line within 3m: the guidance was said again, "
        "paging goes on, and the call ended")
    # Everyone else alertbot told something in this story:
    await hv.received("ALERT #1: Enforcement visit at Oak Middle School", SUPERINTENDENT,
                      ATTORNEY)
    await hv.received("ALERT number 1", SUPERINTENDENT, ATTORNEY, kind="call")
    await hv.received("#1: seguimos avisando", PRINCIPAL_ES)
    await hv.received("ALERTA número 1", DEPUTY, kind="call")
