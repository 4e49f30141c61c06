"""Issue 9, kinds 5 and 6 end to end through POST /twilio/sms: people type like people,
and every reply fits one SMS message (Twilio refuses a <Message> over 1,600 characters).

The open incidents are written straight into the store (no pages: ``due_at`` is None)
so that the test is about the reply, not about how the incidents were opened.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from alertbot import appkeys
from alertbot.core.incident import Incident, State
from alertbot.core.plan import Plan, PlanStep, Recipient
from alertbot.text.messages import SMS_MAX_CHARS, segments
from tests.fakes.twilio_server import FakeTwilio
from tests.scenario.harness import ADMIN, ATTORNEY, PRINCIPAL, PRINCIPAL_ES, SUPERINTENDENT, Harness
from tests.unitofwork import transaction

SCHOOLS = ("Burns Latino Studies Academy", "Oak Middle School", "Elm Elementary")


async def open_quietly(h: Harness, count: int, acked_every: int = 3) -> None:
    """``count`` open incidents, every ``acked_every``-th acknowledged (0: none), none
    paging. Their plan names the superintendent and Oak's principal (who never get a
    page: nothing is due), so they may see them all, as the admin may (``who.may_view``)."""
    team = Plan("test", (PlanStep(tuple(
        Recipient(cid, cid, "en", ()) for cid in ("superintendent", "principal-oak")),
        60.0),), 0)
    async with transaction(h.app[appkeys.STORE]) as tx:
        for i in range(count):
            acked = acked_every > 0 and i % acked_every == 1
            await tx.insert_incident(Incident(
                id=0, type="ice", title="ICE at a school", school_id=None,
                school_name=SCHOOLS[i % len(SCHOOLS)], reporter_id=None,
                reporter_name="Ana Perez", reporter_phone=None, source="sms", details="",
                language="en", created_at=h.clock.now(), plan=team,
                state=State.ACKNOWLEDGED if acked else State.TRIGGERED, due_at=None,
                acknowledged_by="deputy" if acked else None,
                acknowledged_by_name="Morgan Lee" if acked else None))


async def sms_reply(h: Harness, sender: str, body: str) -> str:
    """The one <Message> of the TwiML reply to ``body`` (asserting there is exactly one)."""
    status, twiml = await h.post_sms(sender, body)
    assert status == 200, twiml
    messages = re.findall(r"<Message>(.*?)</Message>", twiml, re.S)
    assert len(messages) == 1, twiml
    text: str = messages[0]
    for entity, char in (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&apos;", "'"),
                         ("&amp;", "&")):
        text = text.replace(entity, char)
    return text


def assert_fits(text: str) -> None:
    assert len(text) <= SMS_MAX_CHARS, len(text)
    encoding, parts = segments(text)
    assert encoding == "GSM-7" and parts <= 10, (encoding, parts)


# --- kind 6: every reply fits the medium ------------------------------------------------


@pytest.mark.parametrize("count", [40, 331])
async def test_status_with_many_open_incidents_is_one_message_that_fits(
        h: Harness, count: int) -> None:
    await open_quietly(h, count)
    text = await sms_reply(h, SUPERINTENDENT, "STATUS")
    assert_fits(text)
    *listed, last = text.split("\n")
    match = re.fullmatch(r"\+(\d+) more: see the console", last)
    assert match, last
    assert all(line.startswith("#") for line in listed)
    assert len(listed) + int(match.group(1)) == count
    assert listed[0].startswith("#1 ") and "NOT acknowledged" in listed[0]
    assert "ack Morgan Lee" in listed[1]


async def test_status_in_spanish_is_cut_with_a_spanish_pointer(h: Harness) -> None:
    await open_quietly(h, 40)
    text = await sms_reply(h, PRINCIPAL_ES, "STATUS")
    assert_fits(text)
    *listed, last = text.split("\n")
    match = re.fullmatch(r"\+(\d+) mas: vea la consola", last)
    assert match, last
    assert len(listed) + int(match.group(1)) == 40
    assert "SIN atender" in listed[0]


async def test_status_with_a_few_incidents_is_not_cut(h: Harness) -> None:
    await open_quietly(h, 3)
    text = await sms_reply(h, SUPERINTENDENT, "STATUS")
    assert text.count("\n") == 2 and "more" not in text


@pytest.mark.parametrize(("word", "which"), [("ACK", "Reply ACK <number>."),
                                             ("RESOLVE", "Reply RESOLVE <number>.")])
async def test_which_one_list_with_331_open_fits(h: Harness, word: str, which: str) -> None:
    await open_quietly(h, 331, acked_every=0)
    text = await sms_reply(h, ADMIN, word)
    assert_fits(text)
    assert which in text
    match = re.search(r"\+(\d+) more: see the console", text)
    assert match, text
    assert len(re.findall(r"#\d+", text)) + int(match.group(1)) == 331


# --- kind 5: people type like people ------------------------------------------------------


@pytest.mark.parametrize("body", ["ACK 1.", "Ack 1!", "ack #1,", "ACK: 1", "ack no. 1",
                                  "ACK\n1.", "ACK １"])
async def test_ack_with_punctuation_acknowledges(h: Harness, body: str) -> None:
    await h.text(PRINCIPAL, "ICE")
    reply = await h.text(SUPERINTENDENT, body)
    assert "You acknowledged #1" in reply
    [incident] = await h.incidents()
    assert incident["state"] == "acknowledged"
    # Everyone else alertbot told something in this story:
    await h.received("ALERT #1: Enforcement visit at Burns Academy", SUPERINTENDENT, ATTORNEY)
    await h.received("#1 was reported by Ana Perez with no details yet", SUPERINTENDENT)
    await h.received("#1: Dr. Jordan Rivera is on it and is responding.", PRINCIPAL)
    await h.received("#1 acknowledged by Dr. Jordan Rivera", ATTORNEY)


@pytest.mark.parametrize("body", ["RESOLVE 1.", "resolve #1!", "Resolve: 1, all clear"])
async def test_resolve_with_punctuation_resolves(h: Harness, body: str) -> None:
    await h.text(PRINCIPAL, "ICE")
    reply = await h.text(SUPERINTENDENT, body)
    assert "#1 resolved" in reply
    [incident] = await h.incidents()
    assert incident["state"] == "resolved"
    # Everyone else alertbot told something in this story:
    await h.received("ALERT #1: Enforcement visit at Burns Academy", SUPERINTENDENT, ATTORNEY)
    await h.received("#1 resolved by Dr. Jordan Rivera.", PRINCIPAL, ATTORNEY)


async def test_ack_the_second_one_is_not_a_command(h: Harness) -> None:
    await h.text(PRINCIPAL, "ICE")
    await h.text(SUPERINTENDENT, "ACK the second one")
    [incident] = await h.incidents()
    assert incident["state"] == "triggered"
    # Everyone else alertbot told something in this story:
    await h.received("ALERT #1: Enforcement visit at Burns Academy", SUPERINTENDENT, ATTORNEY)


async def test_status_lists_only_the_incidents_the_contact_may_see(h: Harness) -> None:
    """STATUS follows the console's rule (``who.may_view``): Burns' principal, on no
    incident's plan and with none at Burns, does not learn that one exists, nor its
    number; the responders on its plan and the admin do."""
    await open_quietly(h, 2)
    assert "#" not in await sms_reply(h, PRINCIPAL, "STATUS")
    assert (await sms_reply(h, ADMIN, "STATUS")).count("#") == 2
    assert (await sms_reply(h, PRINCIPAL_ES, "STATUS")).count("#") == 2


async def test_a_long_report_and_a_long_later_text_are_kept_whole(
        fake: FakeTwilio, tmp_path: Path) -> None:
    """A text message holds up to 1,600 characters (Twilio); a principal who writes that
    much loses none of it: the report and a later text reach the console whole (they
    were cut at 600 characters and marked "…")."""
    report = "ICE " + " ".join(f"w{i:04d}" for i in range(265))  # 1,594 characters
    later = " ".join(f"u{i:04d}" for i in range(266))  # 1,595 characters
    assert len(report) <= 1600 and len(later) <= 1600
    async with Harness(fake, tmp_path) as h:
        await h.text(PRINCIPAL, report)
        await h.received("ALERT #1", SUPERINTENDENT, ATTORNEY)
        assert "Added to #1" in await h.text(PRINCIPAL, later)
        h.ignore("sms", SUPERINTENDENT, "#1")  # the update notice
        await h.settle()
        detail = await h.incident(1)
        assert detail["details"] == report.removeprefix("ICE ")
        updates = [e["text"] for e in detail["timeline"] if e["kind"] == "update"]
        assert updates == [later]
