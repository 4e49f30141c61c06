"""The whole SMS path: trigger, page, re-page, escalate, acknowledge, close the loop."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.fakes.twilio_server import FakeTwilio
from tests.scenario.harness import (
    ADMIN,
    AREA_LEAD,
    ATTORNEY,
    DEPUTY,
    DISTRICT,
    PRINCIPAL,
    PRINCIPAL_ES,
    STRANGER,
    SUPERINTENDENT,
    TEACHER,
    Harness,
)


async def test_trigger_pages_step_one_at_once_and_replies_with_receipt(h: Harness) -> None:
    reply = await h.text(PRINCIPAL, "ICE 2 agents at front desk")
    assert "#1" in reply
    assert "warrant signed by a judge" in reply
    page = await h.fake.expect_sms(SUPERINTENDENT, contains="ACK 1")
    assert "Burns Academy" in page.body
    assert "Ana Perez" in page.body
    assert "front desk" not in page.body, "free text never goes into pages"
    await h.fake.expect_sms(ATTORNEY, contains="ACK 1")
    await h.fake.assert_no_sms(DEPUTY)
    [incident] = await h.incidents()
    assert incident["state"] == "triggered"
    assert incident["school"] == "burns"
    assert incident["reporter"]["id"] == "principal-burns"


async def test_repages_until_ack_then_silence(h: Harness) -> None:
    await h.text(PRINCIPAL, "ICE")
    await h.fake.expect_sms(SUPERINTENDENT, contains="ACK 1")
    await h.fake.expect_sms(ATTORNEY, contains="ACK 1")
    await h.advance(minutes=3)
    await h.fake.expect_sms(DEPUTY, contains="ACK 1")  # step 2
    await h.advance(minutes=5)
    await h.fake.expect_sms(SUPERINTENDENT, contains="ACK 1")  # repeat round 1
    await h.fake.expect_sms(ATTORNEY, contains="ACK 1")
    reply = await h.text(ATTORNEY, "ACK")
    assert "acknowledged #1" in reply
    # The responder gets the console link (issue 9, kind 11; words: decision 0043).
    await h.fake.expect_sms(ATTORNEY, contains="with no details yet. Updates will be in the "
                            "console: https://alerts.example.test/incidents/1")
    # The reporter and the other paged responders hear who is on it.
    await h.fake.expect_sms(PRINCIPAL, contains="Sam Okafor")
    await h.fake.expect_sms(SUPERINTENDENT, contains="acknowledged by Sam Okafor")
    await h.fake.expect_sms(DEPUTY, contains="acknowledged by Sam Okafor")
    for _ in range(4):
        await h.advance(minutes=5)
    for number in (SUPERINTENDENT, ATTORNEY, DEPUTY):
        await h.fake.assert_no_sms(number)
    [incident] = await h.incidents()
    assert incident["state"] == "acknowledged"
    assert incident["acknowledged_by"] == {"id": "attorney", "name": "Sam Okafor"}
    kinds = [e["kind"] for e in incident["timeline"]]
    assert kinds.count("paged") == 3
    assert "acknowledged" in kinds
    # Everyone else alertbot told something in this story:
    await h.received("#1: still paging", PRINCIPAL)
    await h.received("#1: Sam Okafor is on it and is responding.", PRINCIPAL)


async def test_escalates_to_step_two_only_after_the_wait(h: Harness) -> None:
    await h.text(PRINCIPAL, "ICE")
    await h.advance(minutes=2, seconds=59)
    await h.fake.assert_no_sms(DEPUTY)
    await h.advance(seconds=1)
    page = await h.fake.expect_sms(DEPUTY, contains="ACK 1")
    assert "ALERT #1" in page.body
    [incident] = await h.incidents()
    paged = [e["text"] for e in incident["timeline"] if e["kind"] == "paged"]
    assert "step 2" in paged[1] and "3m" in paged[1], paged
    # Everyone else alertbot told something in this story:
    await h.received("ALERT #1: Enforcement visit at Burns Academy", SUPERINTENDENT, ATTORNEY)
    await h.received("#1: still paging", PRINCIPAL)


async def test_ack_before_any_repeat_stops_every_future_page(h: Harness) -> None:
    await h.text(PRINCIPAL, "ICE")
    await h.text(SUPERINTENDENT, "ack 1")
    await h.advance(minutes=30)
    await h.fake.assert_no_sms(DEPUTY)
    # Everyone else alertbot told something in this story:
    await h.received("ALERT #1: Enforcement visit at Burns Academy", SUPERINTENDENT, ATTORNEY)
    await h.received("#1 was reported by Ana Perez with no details yet", SUPERINTENDENT)
    await h.received("#1: Dr. Jordan Rivera is on it and is responding.", PRINCIPAL)
    await h.received("#1 acknowledged by Dr. Jordan Rivera", ATTORNEY)


async def test_unknown_sender_is_refused_with_the_fallback_number(h: Harness) -> None:
    reply = await h.text(STRANGER, "ICE agents here")
    assert "not set up" in reply
    assert "+18605550199" in reply
    assert await h.incidents() == []
    await h.fake.assert_no_sms()


async def test_forged_signature_is_refused_and_has_no_effect(h: Harness) -> None:
    status, _ = await h.post_sms(PRINCIPAL, "ICE", signature="bm90LWEtc2lnbmF0dXJl")
    assert status == 403
    status, _ = await h.post_sms(PRINCIPAL, "ICE", signature="")
    assert status == 403
    await h.settle()
    assert await h.incidents() == []
    await h.fake.assert_no_sms()


async def test_signature_over_the_wrong_url_is_refused(h: Harness) -> None:
    """Twilio signs the public URL; a signature over the internal URL must not pass."""
    params = {"MessageSid": h.next_sid(), "From": PRINCIPAL, "Body": "ICE"}
    from tests.fakes.signing import twilio_signature

    wrong = twilio_signature(h.fake.auth_token, h.url + "/twilio/sms", params)
    assert h.session is not None
    async with h.session.post(h.url + "/twilio/sms", data=params,
                              headers={"X-Twilio-Signature": wrong}) as resp:
        assert resp.status == 403
    assert await h.incidents() == []


async def test_duplicate_webhook_has_exactly_one_effect(h: Harness) -> None:
    first = await h.text(PRINCIPAL, "ICE", sid="SM" + "d" * 32)
    second = await h.text(PRINCIPAL, "ICE", sid="SM" + "d" * 32)
    assert first == second
    assert len(await h.incidents()) == 1
    await h.fake.expect_sms(SUPERINTENDENT, contains="ACK 1")
    await h.fake.assert_no_sms(SUPERINTENDENT)
    # Everyone else alertbot told something in this story:
    await h.received("ALERT #1: Enforcement visit at Burns Academy", ATTORNEY)


async def test_outsiders_ack_is_ignored(h: Harness) -> None:
    await h.text(PRINCIPAL, "ICE")
    reply = await h.text(TEACHER, "ACK 1")  # may not see it: as if it did not exist
    assert reply == "There is no open incident #1 that you can act on."
    reply = await h.text(STRANGER, "ACK 1")
    assert "not set up" in reply
    [incident] = await h.incidents()
    assert incident["state"] == "triggered"
    await h.advance(minutes=3)
    await h.fake.expect_sms(DEPUTY, contains="ACK 1")
    # Everyone else alertbot told something in this story:
    await h.received("ALERT #1: Enforcement visit at Burns Academy", SUPERINTENDENT, ATTORNEY)
    await h.received("#1: still paging", PRINCIPAL)


async def test_admin_may_acknowledge_any_incident(h: Harness) -> None:
    await h.text(PRINCIPAL, "ICE")
    reply = await h.text(ADMIN, "ACK 1")
    assert "acknowledged #1" in reply
    # Everyone else alertbot told something in this story:
    await h.received("ALERT #1: Enforcement visit at Burns Academy", SUPERINTENDENT, ATTORNEY)
    await h.received("#1 was reported by Ana Perez with no details yet", ADMIN)
    await h.received("#1: Riley Chen is on it and is responding.", PRINCIPAL)
    await h.received("#1 acknowledged by Riley Chen", SUPERINTENDENT, ATTORNEY)


async def test_spanish_speaking_reporter_gets_spanish_guidance(h: Harness) -> None:
    reply = await h.text(PRINCIPAL_ES, "ice dos agentes en la entrada")
    assert "orden firmada por un juez" in reply
    assert "#1" in reply
    page = await h.fake.expect_sms(SUPERINTENDENT, contains="Oak Middle School")
    assert "Eli Romero" in page.body
    # Everyone else alertbot told something in this story:
    await h.received("ALERT #1: Enforcement visit at Oak Middle School", ATTORNEY)


async def test_reporter_with_several_schools_names_one_or_is_asked(h: Harness) -> None:
    # Issue 9 (kind 7) changed the second half: a report naming no school within the
    # sender window joins the sender's open incident instead of opening another one;
    # naming a different school still opens a new incident.
    reply = await h.text(AREA_LEAD, "ICE agents at the door")
    assert "Which school" in reply
    page = await h.fake.expect_sms(SUPERINTENDENT, contains="ALERT #1")
    assert "school not named" in page.body
    reply = await h.text(AREA_LEAD, "elm")
    assert "Elm Elementary" in reply
    [incident] = await h.incidents()
    assert incident["school"] == "elm"
    reply = await h.text(AREA_LEAD, "ICE 2302 two agents")
    assert "#2" in reply and "Which school" not in reply
    incidents = await h.incidents()
    assert incidents[0]["school"] == "oak"
    reply = await h.text(AREA_LEAD, "ICE more agents")
    assert "#2 was already open" in reply
    assert len(await h.incidents()) == 2
    # Everyone else alertbot told something in this story:
    await h.received("ALERT #1: Enforcement visit at school not named", ATTORNEY)
    await h.received("#1 update: Enforcement visit at Elm Elementary.", SUPERINTENDENT, ATTORNEY)
    await h.received("ALERT #2: Enforcement visit at Oak Middle School", SUPERINTENDENT, ATTORNEY)


async def test_second_report_from_the_same_school_joins_the_open_incident(h: Harness) -> None:
    await h.text(PRINCIPAL, "ICE")
    reply = await h.text(PRINCIPAL, "ICE still here")
    assert "#1" in reply
    assert len(await h.incidents()) == 1
    # Everyone else alertbot told something in this story:
    await h.received("ALERT #1: Enforcement visit at Burns Academy", SUPERINTENDENT, ATTORNEY)


async def test_ack_without_number_with_several_open_asks_which(h: Harness) -> None:
    await h.text(PRINCIPAL, "ICE")
    await h.text(PRINCIPAL_ES, "ICE")
    reply = await h.text(SUPERINTENDENT, "ACK")
    assert "#1" in reply and "#2" in reply and "ACK <number>" in reply
    reply = await h.text(SUPERINTENDENT, "ACK 2")
    assert "acknowledged #2" in reply
    reply = await h.text(SUPERINTENDENT, "ACK")  # only #1 is still paging them
    assert "acknowledged #1" in reply
    # Everyone else alertbot told something in this story:
    await h.received("ALERT #1: Enforcement visit at Burns Academy", SUPERINTENDENT, ATTORNEY)
    await h.received("ALERT #2: Enforcement visit at Oak Middle School", SUPERINTENDENT, ATTORNEY)
    await h.received("#2 was reported by Eli Romero with no details yet", SUPERINTENDENT)
    await h.received("#2: Dr. Jordan Rivera esta atendiendo y va en camino.", PRINCIPAL_ES)
    await h.received("#2 acknowledged by Dr. Jordan Rivera", ATTORNEY)
    await h.received("#1 was reported by Ana Perez with no details yet", SUPERINTENDENT)
    await h.received("#1: Dr. Jordan Rivera is on it and is responding.", PRINCIPAL)
    await h.received("#1 acknowledged by Dr. Jordan Rivera", ATTORNEY)


async def test_second_ack_names_who_already_has_it(h: Harness) -> None:
    await h.text(PRINCIPAL, "ICE")
    await h.text(SUPERINTENDENT, "ACK 1")
    reply = await h.text(ATTORNEY, "ACK 1")
    assert "already acknowledged by Dr. Jordan Rivera" in reply
    # Everyone else alertbot told something in this story:
    await h.received("ALERT #1: Enforcement visit at Burns Academy", SUPERINTENDENT, ATTORNEY)
    await h.received("#1 was reported by Ana Perez with no details yet", SUPERINTENDENT)
    await h.received("#1: Dr. Jordan Rivera is on it and is responding.", PRINCIPAL)
    await h.received("#1 acknowledged by Dr. Jordan Rivera", ATTORNEY)


async def test_whoever_acknowledged_is_told_of_a_reporter_update_without_its_words(
        h: Harness) -> None:
    # Was: the update's words forwarded by SMS. Decision 0043: that it came, and where.
    await h.text(PRINCIPAL, "ICE")
    reply = await h.text(PRINCIPAL, "they are asking for records")
    assert "Added to #1" in reply
    await h.text(ATTORNEY, "ACK")
    await h.fake.expect_sms(PRINCIPAL, contains="Sam Okafor")
    await h.text(PRINCIPAL, "they showed a paper")
    told = await h.fake.expect_sms(ATTORNEY, contains="sent a new update")
    assert told.body == ("#1: Ana Perez sent a new update. Read it in the console: "
                         "https://alerts.example.test/incidents/1")
    [incident] = await h.incidents()
    updates = [e["text"] for e in incident["timeline"] if e["kind"] == "update"]
    assert updates == ["they are asking for records", "they showed a paper"]
    # Everyone else alertbot told something in this story:
    await h.received("ALERT #1: Enforcement visit at Burns Academy", SUPERINTENDENT, ATTORNEY)
    await h.received("#1 reported by Ana Perez. The report's words are in the console",
                     ATTORNEY)
    await h.received("#1 acknowledged by Sam Okafor", SUPERINTENDENT)


async def test_resolve_and_status(h: Harness) -> None:
    await h.text(PRINCIPAL, "ICE")
    reply = await h.text(DEPUTY, "STATUS")
    assert "#1 Burns Academy: NOT acknowledged" in reply
    await h.text(SUPERINTENDENT, "ACK")
    reply = await h.text(DEPUTY, "STATUS")
    assert "ack Dr. Jordan Rivera" in reply
    reply = await h.text(SUPERINTENDENT, "RESOLVE 1")
    assert "#1 resolved" in reply
    await h.fake.expect_sms(PRINCIPAL, contains="#1 resolved by Dr. Jordan Rivera")
    reply = await h.text(DEPUTY, "STATUS")
    assert "No open incidents" in reply
    [incident] = await h.incidents()
    assert incident["state"] == "resolved"
    # Everyone else alertbot told something in this story:
    await h.received("ALERT #1: Enforcement visit at Burns Academy", SUPERINTENDENT, ATTORNEY)
    await h.received("#1 was reported by Ana Perez with no details yet", SUPERINTENDENT)
    await h.received("#1: Dr. Jordan Rivera is on it and is responding.", PRINCIPAL)
    await h.received("#1 acknowledged by Dr. Jordan Rivera", ATTORNEY)
    await h.received("#1 resolved by Dr. Jordan Rivera.", ATTORNEY)


async def test_malformed_and_reserved_texts(h: Harness) -> None:
    reply = await h.text(SUPERINTENDENT, "hello?")
    assert "ICE" in reply and "ACK" in reply
    reply = await h.text(SUPERINTENDENT, "ACK banana")
    assert "ACK <n>" in reply
    reply = await h.text(SUPERINTENDENT, "ACK 99")
    assert "no open incident #99" in reply
    # STOP is Twilio's: no reply from us, but the admins learn the pager went deaf.
    assert await h.text(DEPUTY, "STOP") == ""
    await h.fake.expect_sms(ADMIN, contains="Morgan Lee texted STOP")


async def test_opted_out_responder_is_reported_and_reached_by_other_means(
        h: Harness, fake: FakeTwilio) -> None:
    fake.fail_for(ATTORNEY, code=21610, kind="sms")
    await h.text(PRINCIPAL, "ICE")
    await h.fake.expect_sms(SUPERINTENDENT, contains="ACK 1")
    alert = await h.fake.expect_sms(ADMIN, contains="could not page Sam Okafor")
    assert "21610" in alert.body
    [incident] = await h.incidents()
    assert any(e["kind"] == "page_failed" for e in incident["timeline"])
    # Everyone else alertbot told something in this story:
    await h.received("ALERT number 1", ATTORNEY, kind="call")


async def test_temporary_provider_failure_is_retried(h: Harness, fake: FakeTwilio) -> None:
    fake.fail_next(2, status=503)
    await h.text(PRINCIPAL, "ICE")
    for _ in range(6):
        await h.advance(seconds=5)
    await h.fake.expect_sms(SUPERINTENDENT, contains="ACK 1")
    await h.fake.expect_sms(ATTORNEY, contains="ACK 1")


async def test_a_policy_that_runs_out_tells_the_admins(fake: FakeTwilio,
                                                        tmp_path: Path) -> None:
    district = tmp_path / "district"
    shutil.copytree(DISTRICT, district)
    text = (district / "escalation.yaml").read_text()
    (district / "escalation.yaml").write_text(text.replace("repeat: forever", "repeat: 1"))
    async with Harness(fake, tmp_path, config_dir=district) as h:
        await h.text(PRINCIPAL, "ICE")
        for _ in range(4):
            await h.advance(minutes=5)
        assert len(fake.sms_to(SUPERINTENDENT)) == 2  # two rounds, then silence
        await h.received("ALERT #1", SUPERINTENDENT, ATTORNEY, DEPUTY)
        await h.received("(2nd page)", SUPERINTENDENT, ATTORNEY, DEPUTY)
        await h.received("#1: still paging", PRINCIPAL, PRINCIPAL, PRINCIPAL)
        alert = await fake.expect_sms(ADMIN, contains="NOBODY acknowledged")
        assert "#1" in alert.body and "2 round(s)" in alert.body
        [incident] = await h.incidents()
        assert incident["timeline"][-1]["kind"] == "exhausted"
        reply = await h.text(ATTORNEY, "ACK 1")  # a late acknowledgement still counts
        assert "acknowledged #1" in reply
        await h.received("#1 was reported by Ana Perez", ATTORNEY)
        await h.received("#1: Sam Okafor is on it", PRINCIPAL)
        await h.received("#1 acknowledged by Sam Okafor", SUPERINTENDENT, DEPUTY)
