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
    assert "You acknowledged" not in dialing.text  # heard it a moment ago
    assert "Calling the reporter now" in dialing.text
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
    told = await hv.received("#1 reported by Ana Perez. The report's words are in the console",
                             ATTORNEY)  # not the recording's link (decision 0043)
    assert "twilio.com" not in told[0].body


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


# --- ringing page calls stop once someone acknowledged ------------------------------


async def test_a_ringing_page_call_is_canceled_on_ack_by_text(hv: Harness) -> None:
    await hv.text(PRINCIPAL, "ICE")
    ringing = await hv.fake.expect_call(SUPERINTENDENT, contains="ALERT number 1")
    answered, answered_rec = await page_of(hv, ATTORNEY)  # the attorney picked up
    await hv.fake.send_status(answered_rec, "in-progress", post_to=hv.url)
    reply = await hv.text(ATTORNEY, "ACK 1")
    assert "You acknowledged #1" in reply
    canceled = hv.fake.call_updates(ringing.sid)
    assert [u.params.get("Status") for u in canceled] == ["canceled"]
    assert hv.fake.call_updates(answered_rec.sid) == []  # an answered call is left alone
    await hv.fake.send_status(ringing, "canceled", post_to=hv.url)  # Twilio's last word
    await hv.advance(seconds=5)
    assert len(hv.fake.call_updates(ringing.sid)) == 1  # once
    incident = await hv.incident(1)
    assert [e["text"] for e in incident["timeline"] if e["kind"] == "call_canceled"] == [
        "page call to Dr. Jordan Rivera canceled while it rang: #1 acknowledged by Sam Okafor"]
    # The answered call asks for TwiML again (2: say it again): it is acknowledged now.
    again = await answered.press("2")
    assert "Incident number 1 was already acknowledged by Sam Okafor" in again.text
    assert again.hangs_up
    # Everyone else alertbot told something in this story:
    await hv.received("ALERT #1: Enforcement visit at Burns Academy", SUPERINTENDENT, ATTORNEY)
    await hv.received("#1: Sam Okafor is on it", PRINCIPAL)
    await hv.received("#1 acknowledged by Sam Okafor", SUPERINTENDENT)
    await hv.received("#1 was reported by Ana Perez", ATTORNEY)


# --- the team bridge ---------------------------------------------------------------------


async def test_bridge_calls_the_acknowledgers_into_one_conference(hv: Harness) -> None:
    await hv.text(PRINCIPAL, "ICE")
    early = await hv.text(SUPERINTENDENT, "BRIDGE 1")
    assert early == "Nobody has acknowledged #1 yet. Reply ACK 1 first."
    await hv.text(ATTORNEY, "ACK 1")
    reply = await hv.text(SUPERINTENDENT, "Bridge #1 with reporter")
    assert reply == ("#1: calling Sam Okafor, Dr. Jordan Rivera, Ana Perez into one call "
                     "now, from the district number.")
    again = await hv.text(SUPERINTENDENT, "BRIDGE 1")
    assert again == "#1: the call is being placed already."
    records = {}
    for phone, words in ((ATTORNEY, "Dr. Jordan Rivera is calling you into the team call"),
                         (SUPERINTENDENT, "incident number 1"),
                         (PRINCIPAL, "Connecting you now")):
        rec = await hv.fake.expect_call(phone, contains=words)
        assert rec.from_ == FROM_NUMBER and "MachineDetection" not in rec.params
        records[phone] = rec
        conference_of(Twiml.parse(rec.twiml or ""))
    room = conference_of(Twiml.parse(records[ATTORNEY].twiml or ""))
    assert room["startConferenceOnEnter"] == "true"
    for phone in (ATTORNEY, SUPERINTENDENT):
        await hv.fake.send_status(records[phone], "in-progress", post_to=hv.url)
        await hv.fake.send_conference(room["statusCallback"], "participant-join",
                                      records[phone].sid, post_to=hv.url)
    await hv.fake.send_status(records[PRINCIPAL], "no-answer", post_to=hv.url)
    await hv.settle()
    assert calls_on(await hv.incident(1)) == [
        "Dr. Jordan Rivera opened a team call via sms: calling Sam Okafor, Dr. Jordan "
        "Rivera, Ana Perez into it",
        "team call to Sam Okafor: answered",
        "Sam Okafor joined the team call",
        "team call to Dr. Jordan Rivera: answered",
        "Dr. Jordan Rivera joined the team call",
        "team call to Ana Perez: no answer"]
    # Everyone else alertbot told something in this story:
    await hv.received("ALERT #1: Enforcement visit at Burns Academy", SUPERINTENDENT, ATTORNEY)
    await hv.received("ALERT number 1", SUPERINTENDENT, ATTORNEY, kind="call")
    await hv.received("#1: Sam Okafor is on it", PRINCIPAL)
    await hv.received("#1 acknowledged by Sam Okafor", SUPERINTENDENT)
    await hv.received("#1 was reported by Ana Perez", ATTORNEY)


async def test_bridge_in_spanish_and_from_the_api(hv: Harness) -> None:
    await hv.text(PRINCIPAL, "ICE")
    await hv.text(ATTORNEY, "ACK 1")
    reply = await hv.text(DEPUTY, "BRIDGE 1")
    assert reply == ("#1: llamando a Sam Okafor, Morgan Lee a una sola llamada, desde el "
                     "numero del distrito.")
    spanish = await hv.fake.expect_call(DEPUTY, contains="le llama a la llamada del equipo")
    assert set(Twiml.parse(spanish.twiml or "").languages) == {"es-US"}
    await hv.fake.expect_call(ATTORNEY, contains="Morgan Lee is calling you")
    await hv.advance(minutes=2, seconds=1)
    assert hv.session is not None
    url = f"{hv.url}/api/incidents/1/bridge"
    async with hv.session.post(url, data={"contact": "superintendent"}) as response:
        assert response.status == 401  # the bearer token is required
    headers = {"Authorization": "Bearer test-api-token"}
    async with hv.session.post(url, data={"contact": "superintendent"},
                               headers=headers) as response:
        assert response.status == 200
        body = await response.json()
    assert body["outcome"] == "added" and body["incident"] == 1
    assert body["text"].startswith("#1: calling Sam Okafor")
    async with hv.session.post(url, data={"contact": "teacher"}, headers=headers) as response:
        assert response.status == 404  # may not see it: as if it did not exist
    await hv.fake.expect_call(SUPERINTENDENT, contains="team call about incident number 1")
    await hv.fake.expect_call(ATTORNEY, contains="Dr. Jordan Rivera is calling you")
    # Everyone else alertbot told something in this story:
    await hv.received("ALERT #1: Enforcement visit at Burns Academy", SUPERINTENDENT, ATTORNEY)
    await hv.received("ALERT number 1", SUPERINTENDENT, ATTORNEY, kind="call")
    await hv.received("#1: Sam Okafor is on it", PRINCIPAL)
    await hv.received("#1 acknowledged by Sam Okafor", SUPERINTENDENT)
    await hv.received("#1 was reported by Ana Perez", ATTORNEY)


# --- callbacks are Twilio's only -----------------------------------------------------------


async def test_forged_call_callbacks_are_refused(hv: Harness) -> None:
    call, waiting = await waiting_caller(hv)
    room = conference_of(waiting)
    before = calls_on(await hv.incident(1))
    fields = {"CallSid": "CA" + "9" * 32, "StatusCallbackEvent": "participant-join",
              "CallStatus": "no-answer", "DialCallStatus": "no-answer"}
    for url in (room["statusCallback"], room["waitUrl"],
                PUBLIC + "/twilio/voice/leg?n=1&p=" + call.sid,
                PUBLIC + "/twilio/voice/dialed?n=1&lang=en",
                PUBLIC + "/twilio/voice/connect?n=1&lang=en"):
        for signature in ("bm90LWEtc2lnbmF0dXJl", ""):
            status, _ = await hv.post_twilio_url(url, fields, signature=signature)
            assert status == 403, url
    await hv.settle()
    assert calls_on(await hv.incident(1)) == before
    assert hv.fake.call_updates(call.sid) == []
    # Everyone else alertbot told something in this story:
    await hv.received("ALERT #1: Enforcement visit at Burns Academy", SUPERINTENDENT, ATTORNEY)
    await hv.received("ALERT number 1", SUPERINTENDENT, ATTORNEY, kind="call")


# --- dialing in to the team call (phone tree) -------------------------------------------


async def test_responders_dial_in_and_key_the_incident_number(hv: Harness) -> None:
    from tests.scenario.harness import ADMIN, TEACHER
    from tests.scenario.voicecall import dial

    await hv.text(PRINCIPAL, "ICE")
    call = await dial(hv, SUPERINTENDENT, StirVerstat="TN-Validation-Passed-A")
    assert "To join a team call about an incident, press star" in call.twiml.text
    asked = await call.press("*")
    assert "enter the incident number" in asked.text
    joining = await call.press("1")
    assert "Joining the team call for incident number 1" in joining.text
    room = conference_of(joining)
    assert room["startConferenceOnEnter"] == "true"
    await hv.fake.send_conference(room["statusCallback"], "participant-join", call.sid,
                                  post_to=hv.url)
    spanish = await dial(hv, DEPUTY, StirVerstat="TN-Validation-Passed-A")
    assert "Para unirse a una llamada del equipo" in spanish.twiml.text
    await spanish.press("*")
    joined = await spanish.press("1")
    assert "Le comunico a la llamada del equipo del incidente número 1" in joined.text
    forged = await dial(hv, ADMIN, StirVerstat="TN-Validation-Failed")  # caller ID only
    await forged.press("*")
    answer = await forged.press("1")
    assert "alertbot is calling you back now at your own number" in answer.text
    assert answer.hangs_up and answer.root.find("Dial") is None
    back = await hv.fake.expect_call(ADMIN, contains="team call about incident number 1")
    conference_of(Twiml.parse(back.twiml or ""))
    stranger = await hv.call(TEACHER)
    assert "press star" not in stranger.twiml.text
    await stranger.press("*")
    refused = await stranger.press("1")
    # A teacher may not see #1: told what a missing number gets (no existence oracle).
    assert "There is no open incident number 1 that you can act on" in refused.text
    assert refused.root.find("Dial") is None
    assert calls_on(await hv.incident(1)) == [
        "Dr. Jordan Rivera dialed in to the team call (attested_call)",
        "Dr. Jordan Rivera joined the team call",
        "Morgan Lee dialed in to the team call (attested_call)",
        "Riley Chen dialed in with caller ID only: called back into the call"]
    # Everyone else alertbot told something in this story:
    await hv.received("ALERT #1: Enforcement visit at Burns Academy", SUPERINTENDENT, ATTORNEY)
    await hv.received("ALERT number 1", SUPERINTENDENT, ATTORNEY, kind="call")


async def test_a_reporter_with_no_phone_cannot_be_dialed(hv: Harness) -> None:
    """A Slack report from a contact with no phone in contacts/: 3 says so."""
    from alertbot import appkeys
    from alertbot.core import commands as cmd
    from alertbot.core.actors import Actor, Proof
    from alertbot.core.model import Contact

    receiver = hv.app[appkeys.RECEIVER]
    trigger = receiver.config.triggers[0]
    school = receiver.config.schools["burns"]
    nophone = Contact(id="counselor", name="Kim Vo", roles=("principal",), phone=None,
                      slack="U0COUNSEL")
    await receiver.handle(Actor(nophone, slack_id="U0COUNSEL", proof=Proof.PROVIDER),
                          cmd.Open(trigger, school, ""), "slack")
    await hv.settle()
    answered, _ = await page_of(hv, ATTORNEY)
    told = await answered.press("3")
    assert "You acknowledged number 1" in told.text
    assert "There is no phone number on file for the reporter" in told.text
    assert told.hangs_up and told.root.find("Dial") is None
    # Everyone else alertbot told something in this story:
    await hv.received("ALERT #1: Enforcement visit at Burns Academy", SUPERINTENDENT, ATTORNEY)
    await hv.received("ALERT number 1", SUPERINTENDENT, kind="call")
    await hv.received("#1 acknowledged by Sam Okafor", SUPERINTENDENT)
    await hv.received("#1 was reported by Kim Vo", ATTORNEY)
