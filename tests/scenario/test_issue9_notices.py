"""Issue 9: outcomes as data (kind 4), one sender cannot page-storm (kind 7), the people
involved hear what they need (kind 11), webhook keys live as long as their incident
(kind 12). SMS and voice end to end against the fake Twilio server."""

from __future__ import annotations

from typing import Any

from tests.scenario.harness import (
    ADMIN,
    AREA_LEAD,
    ATTORNEY,
    DEPUTY,
    PRINCIPAL,
    STRANGER,
    SUPERINTENDENT,
    TEACHER,
    Harness,
)


def entries(incident: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e for e in incident["timeline"] if e["kind"] == kind]


# --- kind 4: never infer an outcome from reply wording ---------------------------


async def test_second_caller_joining_by_phone_has_their_recording_added(hv: Harness) -> None:
    first = await hv.call(PRINCIPAL)
    await first.press("1")  # Burns Academy, #1
    second = await hv.call(AREA_LEAD)  # not the reporter: joins by naming the school
    await second.press("1")
    joined = await second.press("1201")
    # Said in words for the ear (issue 9, kind 11), not the SMS receipt read aloud.
    assert "Incident number 1 was already open" in joined.text
    assert "Text updates" not in joined.text and "#" not in joined.text
    assert "warrant" in joined.text  # the guidance, as a new report hears it
    done = await second.record(seconds=9)
    assert "Your message was added to incident number 1" in done.text
    await second.transcribe("a third agent arrived")
    incident = await hv.incident(1)
    mine = [e["text"] for e in entries(incident, "update") if e["actor"] == "Gale Porter"]
    assert mine[0].startswith("voice message (9 s): https://api.twilio.com/")
    assert mine[1] == "voice message transcript: a third agent arrived"
    assert len(await hv.incidents()) == 1
    # Everyone else alertbot told something in this story:
    await hv.received("ALERT #1: Enforcement visit at Burns Academy", SUPERINTENDENT)
    await hv.received("ALERT number 1", SUPERINTENDENT, kind="call")
    await hv.received("ALERT #1: Enforcement visit at Burns Academy", ATTORNEY)
    await hv.received("ALERT number 1", ATTORNEY, kind="call")


async def test_a_recording_after_the_incident_was_resolved_is_kept_and_the_truth_told(
        hv: Harness) -> None:
    call = await hv.call(PRINCIPAL)
    await call.press("1")
    assert "resolved" in await hv.text(SUPERINTENDENT, "RESOLVE 1")
    done = await call.record(seconds=20)  # the caller was still recording
    assert "already resolved" in done.text
    assert "Your message was added" not in done.text
    await call.transcribe("they left at 9")
    incident = await hv.incident(1)
    texts = [e["text"] for e in entries(incident, "update")]
    assert texts[0].startswith("(after resolution) voice message (20 s)")
    assert texts[1] == "(after resolution) voice message transcript: they left at 9"
    # Everyone else alertbot told something in this story:
    await hv.received("ALERT #1: Enforcement visit at Burns Academy", SUPERINTENDENT)
    await hv.received("ALERT number 1", SUPERINTENDENT, kind="call")
    await hv.received("ALERT #1: Enforcement visit at Burns Academy", ATTORNEY)
    await hv.received("ALERT number 1", ATTORNEY, kind="call")
    await hv.received("#1 resolved by Dr. Jordan Rivera.", PRINCIPAL, ATTORNEY)


async def test_a_replayed_recording_webhook_yields_the_same_outcome_once(hv: Harness) -> None:
    opener = await hv.call(PRINCIPAL)
    await opener.press("1")
    second = await hv.call(AREA_LEAD)  # a joiner: their recording is added once
    await second.press("1")
    await second.press("1201")
    first = await second.record(seconds=5)
    again = await second.record(seconds=5)  # Twilio delivers the action twice
    assert first.text == again.text
    assert "Your message was added to incident number 1" in again.text
    incident = await hv.incident(1)
    assert len(entries(incident, "update")) == 1
    # Everyone else alertbot told something in this story:
    await hv.received("ALERT #1: Enforcement visit at Burns Academy", SUPERINTENDENT)
    await hv.received("ALERT number 1", SUPERINTENDENT, kind="call")
    await hv.received("ALERT #1: Enforcement visit at Burns Academy", ATTORNEY)
    await hv.received("ALERT number 1", ATTORNEY, kind="call")


# --- kind 7: one sender cannot page-storm the team -------------------------------


async def test_repeated_ice_from_a_sender_with_several_schools_opens_one_incident(
        h: Harness) -> None:
    for _ in range(12):
        await h.text(AREA_LEAD, "ICE")
    assert len(await h.incidents()) == 1
    await h.fake.expect_sms(SUPERINTENDENT, contains="ACK 1")
    await h.fake.assert_no_sms(SUPERINTENDENT)
    incident = await h.incident(1)
    assert len(entries(incident, "reported_again")) == 11
    # Everyone else alertbot told something in this story:
    await h.received("ALERT #1: Enforcement visit at school not named", ATTORNEY)


async def test_repeated_ice_from_a_sender_with_no_school_opens_one_incident(
        h: Harness) -> None:
    replies = [await h.text(TEACHER, "ICE") for _ in range(8)]
    assert len(await h.incidents()) == 1
    assert "#1 was already open" in replies[-1]
    assert len(h.fake.sms_to(SUPERINTENDENT)) == 1
    # Everyone else alertbot told something in this story:
    await h.received("ALERT #1: Enforcement visit at school not named", SUPERINTENDENT, ATTORNEY)


async def test_a_report_naming_another_school_opens_a_second_incident(h: Harness) -> None:
    await h.text(TEACHER, "ICE 1201")
    reply = await h.text(TEACHER, "ICE 2302 agents at the gym")
    assert "#2" in reply
    schools = sorted(i["school"] for i in await h.incidents())
    assert schools == ["burns", "oak"]
    # Everyone else alertbot told something in this story:
    await h.received("ALERT #1: Enforcement visit at Burns Academy", SUPERINTENDENT, ATTORNEY)
    await h.received("ALERT #2: Enforcement visit at Oak Middle School", SUPERINTENDENT, ATTORNEY)


async def test_past_the_cap_a_school_with_no_open_incident_still_opens(h: Harness) -> None:
    # Agents back at Burns after its incident was resolved is a genuine emergency: past
    # the cap it still opens (never merged into another school's incident), and the
    # admins hear how many this sender opened.
    from alertbot.service.receiver import SENDER_CAP

    assert SENDER_CAP == 3
    for code in ("1201", "2302", "3101"):
        await h.text(TEACHER, f"ICE {code}")
    assert len(await h.incidents()) == 3
    await h.text(SUPERINTENDENT, "RESOLVE 1")
    reply = await h.text(TEACHER, "ICE 1201 agents back at the door")
    assert "#4 opened" in reply
    await h.fake.expect_sms(ADMIN, contains="Pat Kim has opened 4 incidents within 15 min")
    assert {i["school"] for i in await h.incidents() if i["state"] != "resolved"} == {
        "burns", "oak", "elm"}
    # A report naming no school joins the sender's newest open incident (the window).
    reply = await h.text(TEACHER, "ICE still there")
    assert "#4 was already open" in reply
    assert len(await h.incidents()) == 4
    await h.fake.assert_no_sms(ADMIN)  # once per window
    # Everyone else alertbot told something in this story:
    await h.received("ALERT #1: Enforcement visit at Burns Academy", SUPERINTENDENT, ATTORNEY)
    await h.received("ALERT #2: Enforcement visit at Oak Middle School", SUPERINTENDENT, ATTORNEY)
    await h.received("ALERT #3: Enforcement visit at Elm Elementary", SUPERINTENDENT, ATTORNEY)
    await h.received("#1 resolved by Dr. Jordan Rivera.", TEACHER, ATTORNEY)
    await h.received("ALERT #4: Enforcement visit at Burns Academy", SUPERINTENDENT, ATTORNEY)


async def test_past_the_cap_an_unnamed_report_joins_the_senders_open_incident(
        h: Harness) -> None:
    # #1 at Burns stays open. (Trial 2: a school-less #1 would take the school the next
    # report names, as answering "which school?": tests/scenario/test_school_named_later.)
    await h.text(TEACHER, "ICE 1201")
    await h.advance(minutes=16)
    for code in ("2302", "3101", "2302"):  # #2, #3, #4 opened and resolved in the window
        reply = await h.text(TEACHER, f"ICE {code}")
        number = reply.split()[0].lstrip("#")
        await h.text(SUPERINTENDENT, f"RESOLVE {number}")
    reply = await h.text(TEACHER, "ICE agents are back")
    assert "added to #1" in reply and "+18605550199" in reply
    assert len(await h.incidents()) == 4
    await h.fake.expect_sms(ADMIN, contains="Pat Kim opened 3 incidents")
    limited = entries(await h.incident(1), "reported_again")
    assert "sender limit" in limited[-1]["text"]
    updates = [e["text"] for e in entries(await h.incident(1), "update")]
    assert "agents are back" in updates[-1]
    # Everyone else alertbot told something in this story:
    await h.received("ALERT #1: Enforcement visit at Burns Academy", SUPERINTENDENT, ATTORNEY)
    await h.received("#1: still paging", TEACHER)
    await h.received("ALERT #1: Enforcement visit at Burns Academy", DEPUTY)
    await h.received("ALERT #2: Enforcement visit at Oak Middle School", SUPERINTENDENT, ATTORNEY)
    await h.received("#2 resolved by Dr. Jordan Rivera.", TEACHER, ATTORNEY)
    await h.received("ALERT #3: Enforcement visit at Elm Elementary", SUPERINTENDENT, ATTORNEY)
    await h.received("#3 resolved by Dr. Jordan Rivera.", TEACHER, ATTORNEY)
    await h.received("ALERT #4: Enforcement visit at Oak Middle School", SUPERINTENDENT, ATTORNEY)
    await h.received("#4 resolved by Dr. Jordan Rivera.", TEACHER, ATTORNEY)


async def test_the_window_passes_and_a_new_incident_opens(h: Harness) -> None:
    await h.text(TEACHER, "ICE")
    await h.text(SUPERINTENDENT, "RESOLVE 1")
    await h.advance(minutes=16)
    reply = await h.text(TEACHER, "ICE")
    assert "#2 opened" in reply
    # Everyone else alertbot told something in this story:
    await h.received("ALERT #1: Enforcement visit at school not named", SUPERINTENDENT, ATTORNEY)
    await h.received("#1 resolved by Dr. Jordan Rivera.", TEACHER, ATTORNEY)
    await h.received("ALERT #2: Enforcement visit at school not named", SUPERINTENDENT, ATTORNEY)


async def test_an_unknown_sender_cannot_page_storm_either(hv: Harness) -> None:
    for _ in range(10):
        await hv.text(STRANGER, "ICE")
    assert len(await hv.incidents()) == 1
    # Everyone else alertbot told something in this story:
    await hv.received("ALERT #1: Enforcement visit at school not named", SUPERINTENDENT)
    await hv.received("ALERT number 1", SUPERINTENDENT, kind="call")
    await hv.received("ALERT #1: Enforcement visit at school not named", ATTORNEY)
    await hv.received("ALERT number 1", ATTORNEY, kind="call")


async def test_repeated_calls_from_one_caller_join_their_incident(hv: Harness) -> None:
    for _ in range(2):
        call = await hv.call(AREA_LEAD)
        await call.press("1")
        for code in ("0000", "0000", "0000"):  # no school: opens (or joins) without one
            last = await call.press(code)
    assert "already open" in last.text
    assert len(await hv.incidents()) == 1
    # Everyone else alertbot told something in this story:
    await hv.received("ALERT #1: Enforcement visit at school not named", SUPERINTENDENT)
    await hv.received("ALERT number 1", SUPERINTENDENT, kind="call")
    await hv.received("ALERT #1: Enforcement visit at school not named", ATTORNEY)
    await hv.received("ALERT number 1", ATTORNEY, kind="call")


# --- kind 11: the people involved hear what they need ----------------------------


async def test_the_responder_who_acknowledges_gets_the_console_link_not_the_words(
        h: Harness) -> None:
    # Decision 0043 (was: the report's words by SMS, decision 0004).
    await h.text(PRINCIPAL, "ICE 3 agents at front office showing a paper")
    page = await h.fake.expect_sms(SUPERINTENDENT, contains="ACK 1")
    assert "front office" not in page.body
    await h.text(PRINCIPAL, "they are asking for a list")
    await h.text(SUPERINTENDENT, "ACK 1")
    details = await h.fake.expect_sms(SUPERINTENDENT, contains="in the console")
    assert details.body == ("#1 reported by Ana Perez. The report's words are in the "
                            "console: https://alerts.example.test/incidents/1")
    attorney = [r.body for r in h.fake.sms_to(ATTORNEY)]
    assert not any("front office" in b for b in attorney)  # only the acknowledger
    # Everyone else alertbot told something in this story:
    await h.received("ALERT #1: Enforcement visit at Burns Academy", ATTORNEY)
    await h.received("#1: Dr. Jordan Rivera is on it and is responding.", PRINCIPAL)
    await h.received("#1 acknowledged by Dr. Jordan Rivera", ATTORNEY)


async def test_a_school_named_later_reaches_the_title_later_pages_and_those_paged(
        h: Harness) -> None:
    await h.text(TEACHER, "ICE")
    page = await h.fake.expect_sms(SUPERINTENDENT, contains="ACK 1")
    assert "school not named" in page.body
    await h.fake.expect_sms(ATTORNEY, contains="ACK 1")
    assert "Elm Elementary" in await h.text(TEACHER, "elm")
    await h.fake.expect_sms(SUPERINTENDENT, contains="#1 update: Enforcement visit at Elm")
    await h.fake.expect_sms(ATTORNEY, contains="#1 update: Enforcement visit at Elm")
    [incident] = await h.incidents()
    assert incident["title"] == "Enforcement visit at Elm Elementary"
    await h.advance(minutes=3)
    later = await h.fake.expect_sms(DEPUTY, contains="ACK 1")
    assert "Elm Elementary" in later.body
    school = entries(await h.incident(1), "school")
    assert "escalation unchanged" in school[0]["text"]
    # Everyone else alertbot told something in this story:
    await h.received("#1: still paging", TEACHER)


async def test_a_co_reporter_hears_who_has_it_and_when_it_is_resolved(h: Harness) -> None:
    await h.text(PRINCIPAL, "ICE")
    await h.text(AREA_LEAD, "ICE 1201 agents at the side door")  # joins before the ack
    await h.text(SUPERINTENDENT, "ACK 1")
    await h.fake.expect_sms(PRINCIPAL, contains="Dr. Jordan Rivera is on it")
    await h.fake.expect_sms(AREA_LEAD, contains="Dr. Jordan Rivera is on it")
    reply = await h.text(TEACHER, "ICE 1201")  # joins after the ack
    assert "Dr. Jordan Rivera is responding" in reply
    assert "being paged now" not in reply
    assert "Added to #1" in await h.text(TEACHER, "a van is parked outside")
    await h.text(SUPERINTENDENT, "RESOLVE 1")
    for number in (PRINCIPAL, AREA_LEAD, TEACHER):
        await h.fake.expect_sms(number, contains="#1 resolved by Dr. Jordan Rivera")
    # Everyone else alertbot told something in this story:
    await h.received("ALERT #1: Enforcement visit at Burns Academy", SUPERINTENDENT, ATTORNEY)
    await h.received("#1 reported by Ana Perez. The report's words are in the console",
                     SUPERINTENDENT)  # not the area lead's words (decision 0043)
    await h.received("#1 acknowledged by Dr. Jordan Rivera", ATTORNEY)
    await h.received("#1: Pat Kim sent a new update. Read it in the console: "
                     "https://alerts.example.test/incidents/1", SUPERINTENDENT)
    for rec in h.fake.sent:
        assert "side door" not in (rec.body or rec.twiml or "")
        assert "van is" not in (rec.body or rec.twiml or "")
    await h.received("#1 resolved by Dr. Jordan Rivera.", ATTORNEY)


async def test_the_reporter_hears_when_paging_escalates_and_repeats_are_marked(
        h: Harness) -> None:
    await h.text(PRINCIPAL, "ICE")
    first = await h.fake.expect_sms(SUPERINTENDENT, contains="ACK 1")
    assert "page)" not in first.body
    await h.advance(minutes=3)
    told = await h.fake.expect_sms(PRINCIPAL, contains="still paging")
    assert "Just paged: Morgan Lee." in told.body
    await h.advance(minutes=5)
    repeat = await h.fake.expect_sms(SUPERINTENDENT, contains="ACK 1")
    assert "(2nd page)" in repeat.body
    await h.fake.expect_sms(PRINCIPAL, contains="Dr. Jordan Rivera, Sam Okafor")
    # Everyone else alertbot told something in this story:
    await h.received("ALERT #1: Enforcement visit at Burns Academy", ATTORNEY, DEPUTY)
    await h.received("#1: Enforcement visit at Burns Academy (2nd", ATTORNEY)


async def test_voice_pages_say_when_they_are_a_repeat(hv: Harness) -> None:
    await hv.text(PRINCIPAL, "ICE")
    await hv.fake.expect_call(SUPERINTENDENT)
    await hv.advance(minutes=3)
    await hv.advance(minutes=5)
    again = await hv.fake.expect_call(SUPERINTENDENT)
    assert "2nd page" in (again.twiml or "")
    # Everyone else alertbot told something in this story:
    await hv.received("ALERT #1: Enforcement visit at Burns Academy", SUPERINTENDENT, ATTORNEY)
    await hv.received("ALERT number 1", ATTORNEY, kind="call")
    await hv.received("#1: still paging", PRINCIPAL)
    await hv.received("Aviso urgente de alertbot", DEPUTY, kind="call")
    await hv.received("#1: still paging", PRINCIPAL)
    await hv.received("#1: Enforcement visit at Burns Academy (2nd", SUPERINTENDENT, ATTORNEY)
    await hv.received("ALERT number 1", ATTORNEY, kind="call")


# --- kind 12: webhook keys live as long as the incident they touched -------------


async def test_a_signed_request_replayed_after_a_week_opens_nothing(h: Harness) -> None:
    await h.text(PRINCIPAL, "ICE", sid="SMcaptured")
    await h.text(SUPERINTENDENT, "RESOLVE 1")
    await h.advance(minutes=60 * 24 * 8)  # housekeeping runs with the injected clock
    await h.engine.housekeeping()
    reply = await h.text(PRINCIPAL, "ICE", sid="SMcaptured")
    assert "#1" in reply
    assert len(await h.incidents()) == 1
    # Everyone else alertbot told something in this story:
    await h.received("ALERT #1: Enforcement visit at Burns Academy", SUPERINTENDENT, ATTORNEY)
    await h.received("#1 resolved by Dr. Jordan Rivera.", PRINCIPAL, ATTORNEY)


async def test_naming_a_school_that_already_has_an_open_incident_merges_into_it(
        h: Harness) -> None:
    # The trial: the area lead reports with no school (#1, "which school?"), the Burns
    # principal reports Burns (#2), then the area lead names Burns. One school must not
    # have two incidents both paging: #1 is merged into #2.
    reply = await h.text(AREA_LEAD, "ICE agents in the parking lot")
    assert "#1 opened" in reply and "Which school" in reply
    await h.fake.expect_sms(SUPERINTENDENT, contains="ACK 1")
    await h.text(PRINCIPAL, "ICE 2 agents front desk")
    await h.fake.expect_sms(SUPERINTENDENT, contains="ACK 2")
    reply = await h.text(AREA_LEAD, "1201")
    assert "#1 is the same as #2 at Burns Academy" in reply
    notice = await h.fake.expect_sms(SUPERINTENDENT, contains="#1 was the same as #2")
    assert "paging for #1 stopped" in notice.body
    one, two = await h.incident(1), await h.incident(2)
    assert one["state"] == "resolved" and two["state"] == "triggered"
    assert entries(one, "merged") and entries(two, "merged")
    assert any("parking lot" in e["text"] for e in entries(two, "update"))
    # #1 pages nobody any more; #2 goes on, and the area lead now hears about #2.
    await h.advance(minutes=10)
    later = [r.body for r in h.fake.sms_to(DEPUTY)] + [r.body for r in h.fake.sms_to(
        SUPERINTENDENT)]
    assert not [b for b in later if "ALERT #1" in b and "2nd page" in b]
    assert [b for b in later if "ALERT #2" in b]
    await h.text(SUPERINTENDENT, "ACK 2")
    await h.fake.expect_sms(AREA_LEAD, contains="#2: Dr. Jordan Rivera is on it")
    # Everyone else alertbot told something in this story:
    await h.received("ALERT #1: Enforcement visit at school not named", ATTORNEY)
    await h.received("ALERT #2: Enforcement visit at Burns Academy", ATTORNEY)
    await h.received("#1 was the same as #2 at Burns Academy: paging for #1 stoppe", ATTORNEY)
    await h.received("#2: still paging", PRINCIPAL, AREA_LEAD)
    await h.received("ALERT #2: Enforcement visit at Burns Academy", DEPUTY)
    told = await h.received("#2 reported by Ana Perez. The report's words are in the console",
                            SUPERINTENDENT)  # the merged words stay there too (0043)
    assert "parking lot" not in told[0].body and "front desk" not in told[0].body
    await h.received("#2: Dr. Jordan Rivera is on it and is responding.", PRINCIPAL)
    await h.received("#2 acknowledged by Dr. Jordan Rivera", ATTORNEY, DEPUTY)


async def test_many_unknown_numbers_cannot_page_storm_either(hv: Harness) -> None:
    # New-user trial: with unknown_reporters: accept, 20 different unknown numbers each
    # texting ICE opened 20 incidents. Past UNVERIFIED_CAP open school-less ones, further
    # reports join the newest; admins hear once; a report naming a school still opens.
    from alertbot.service.receiver import UNVERIFIED_CAP

    strangers = [f"+186055501{n}" for n in range(80, 87)]
    replies = [await hv.text(number, "ICE agents outside") for number in strangers]
    assert len(await hv.incidents()) == UNVERIFIED_CAP
    assert all("already open" in r for r in replies[UNVERIFIED_CAP:])
    notice = await hv.fake.expect_sms(ADMIN, contains="numbers not in contacts")
    assert f"join #{UNVERIFIED_CAP}" in notice.body
    await hv.fake.assert_no_sms(ADMIN)  # once per window
    reply = await hv.text("+18605550190", "ICE 2302 agents at the gym")
    assert f"#{UNVERIFIED_CAP + 1} opened" in reply
    # Everyone else alertbot told something in this story:
    await hv.received("ALERT #1: Enforcement visit at school not named", SUPERINTENDENT)
    await hv.received("ALERT number 1", SUPERINTENDENT, kind="call")
    await hv.received("ALERT #1: Enforcement visit at school not named", ATTORNEY)
    await hv.received("ALERT number 1", ATTORNEY, kind="call")
    await hv.received("ALERT #2: Enforcement visit at school not named", SUPERINTENDENT)
    await hv.received("ALERT number 2", SUPERINTENDENT, kind="call")
    await hv.received("ALERT #2: Enforcement visit at school not named", ATTORNEY)
    await hv.received("ALERT number 2", ATTORNEY, kind="call")
    await hv.received("ALERT #3: Enforcement visit at school not named", SUPERINTENDENT)
    await hv.received("ALERT number 3", SUPERINTENDENT, kind="call")
    await hv.received("ALERT #3: Enforcement visit at school not named", ATTORNEY)
    await hv.received("ALERT number 3", ATTORNEY, kind="call")
    await hv.received("ALERT #4: Enforcement visit at Oak Middle School", SUPERINTENDENT)
    await hv.received("ALERT number 4", SUPERINTENDENT, kind="call")
    await hv.received("ALERT #4: Enforcement visit at Oak Middle School", ATTORNEY)
    await hv.received("ALERT number 4", ATTORNEY, kind="call")


async def test_an_unknown_reporter_hears_paging_goes_on_but_not_who_is_paged(
        hv: Harness) -> None:
    """An accepted report from a number not in contacts/ is unverified: its sender is
    told the district team is still being paged, never the staff names on the escalation
    (new-user trial: "#7: still paging. Just paged: Morgan Lee." to a stranger)."""
    await hv.text(STRANGER, "ICE")
    await hv.received("ALERT #1: Enforcement visit at school not named", SUPERINTENDENT,
                      ATTORNEY)
    await hv.received("ALERT number 1", SUPERINTENDENT, ATTORNEY, kind="call")
    await hv.advance(minutes=4)
    told = await hv.fake.expect_sms(STRANGER, contains="still paging")
    assert told.body == "#1: still paging the district team."
    hv.ignore("sms", contains="ALERT #1")  # the next step's pages
    hv.ignore("call", contains="ALERT number 1")
    hv.ignore("call", contains="ALERTA número 1")  # its Spanish-speaking responder
