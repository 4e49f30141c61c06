"""The end of a team call goes on the incident's timeline (new-user trial: the timeline
said who joined and left, never that the call was over nor how long it lasted): Twilio's
``conference-end`` callback, signed, once, with the length in seconds and who was on
the line, by name only."""

from __future__ import annotations

from tests.fakes.twilio_server import Record
from tests.scenario.harness import ATTORNEY, PRINCIPAL, SUPERINTENDENT, Harness
from tests.scenario.test_calls import calls_on, conference_of
from tests.scenario.voicecall import Twiml

ENDED = "the team call ended after"


async def bridged(hv: Harness) -> tuple[dict[str, str], dict[str, Record]]:
    """Incident 1 acknowledged by the attorney; the superintendent's BRIDGE calls both."""
    await hv.text(PRINCIPAL, "ICE")
    await hv.text(ATTORNEY, "ACK 1")
    await hv.text(SUPERINTENDENT, "BRIDGE 1")
    records = {phone: await hv.fake.expect_call(phone, contains="team call")
               for phone in (ATTORNEY, SUPERINTENDENT)}
    room = conference_of(Twiml.parse(records[ATTORNEY].twiml or ""))
    assert "start" in room["statusCallbackEvent"] and "end" in room["statusCallbackEvent"]
    hv.ignore("sms")  # the incident's pages and notices: test_calls.py's story
    hv.ignore("call", contains="ALERT number 1")
    return room, records


async def test_the_end_of_a_team_call_is_on_the_timeline_once(hv: Harness) -> None:
    room, records = await bridged(hv)
    callback = room["statusCallback"]
    await hv.fake.send_conference(callback, "conference-start", "", post_to=hv.url)
    for phone in (ATTORNEY, SUPERINTENDENT):
        await hv.fake.send_conference(callback, "participant-join", records[phone].sid,
                                      post_to=hv.url)
    await hv.advance(seconds=95)
    await hv.fake.send_conference(callback, "participant-leave", records[ATTORNEY].sid,
                                  post_to=hv.url)
    await hv.fake.send_conference(callback, "conference-end", "", post_to=hv.url,
                                  ReasonConferenceEnded="last-participant-left")
    await hv.fake.send_conference(callback, "conference-end", "", post_to=hv.url)  # again
    await hv.settle()
    timeline = calls_on(await hv.incident(1))
    assert [t for t in timeline if t.startswith(ENDED)] == [
        "the team call ended after 95 s; on the line: Sam Okafor, Dr. Jordan Rivera"]


async def test_an_end_whose_start_was_missed_counts_from_the_first_join(hv: Harness) -> None:
    room, records = await bridged(hv)
    callback = room["statusCallback"]
    await hv.fake.send_conference(callback, "participant-join", records[ATTORNEY].sid,
                                  post_to=hv.url)
    await hv.advance(seconds=30)
    await hv.fake.send_conference(callback, "conference-end", "", post_to=hv.url)
    await hv.settle()
    assert calls_on(await hv.incident(1))[-1] == (
        "the team call ended after 30 s; on the line: Sam Okafor")


async def test_an_unsigned_conference_end_is_refused(hv: Harness) -> None:
    room, _ = await bridged(hv)
    fields = {"ConferenceSid": "CF" + "1" * 32, "StatusCallbackEvent": "conference-end",
              "SequenceNumber": "9"}
    for signature in ("bm90LWEtc2lnbmF0dXJl", ""):
        status, _ = await hv.post_twilio_url(room["statusCallback"], fields,
                                             signature=signature)
        assert status == 403
    await hv.settle()
    assert not [t for t in calls_on(await hv.incident(1)) if t.startswith(ENDED)]
