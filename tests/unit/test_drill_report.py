"""The drill report as a pure function of an incident's outbox rows and timeline
(alertbot/core/drill_report.py), and its text for the admins (alertbot/text/drill.py)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from alertbot.core.drill_report import LATE_ACK, Measures, drill_report, measure
from alertbot.core.incident import Incident, State
from alertbot.core.model import Channel
from alertbot.core.plan import Plan, PlanStep, Recipient
from alertbot.core.records import (
    OutboxItem,
    OutboxKind,
    OutboxStatus,
    TimelineEntry,
)
from alertbot.text.drill import drill_summary, mark_drill
from alertbot.text.messages import sms_fits

T0 = 1_800_000_000.0
SUP = Recipient("sup", "Dr. Rivera", "en", ((Channel.SMS, "+18605550100"),
                                            (Channel.VOICE, "+18605550100")))
ATT = Recipient("att", "Sam Okafor", "es", ((Channel.SMS, "+18605550102"),))
DEP = Recipient("dep", "Morgan Lee", "en", ((Channel.SMS, "+18605550101"),))
PLAN = Plan("ice_default", (PlanStep((SUP, ATT), 180.0), PlanStep((DEP,), 300.0)), None)
DRILL = Incident(id=7, type="ice", title="Visit at Burns", school_id="burns",
                 school_name="Burns", reporter_id=None, reporter_name="alertbot (monthly)",
                 reporter_phone=None, source="schedule", details="", language="en",
                 created_at=T0, plan=PLAN, drill=True)


def page(n: int, contact: str, channel: Channel, sent: float | None,
         kind: OutboxKind = OutboxKind.PAGE) -> OutboxItem:
    status = OutboxStatus.SENT if sent is not None else OutboxStatus.CANCELLED
    return OutboxItem(n, kind, channel, "+1860555010x", "b", "en", 7, contact, 0, 0, "",
                      status, T0, 1, T0, sent_at=None if sent is None else T0 + sent)


def acked(by: str, name: str, after: float) -> Incident:
    return replace(DRILL, state=State.ACKNOWLEDGED, acknowledged_by=by,
                   acknowledged_by_name=name, acknowledged_at=T0 + after)


def late(name: str, after: float) -> TimelineEntry:
    return TimelineEntry(7, T0 + after, LATE_ACK, name, f"{name} also acknowledged")


SMS, VOICE = Channel.SMS, Channel.VOICE
CASES = {
    # name: (incident, messages, timeline, first page, [(contact, paged, ack, channel)])
    "nobody answered": (
        DRILL, [page(1, "sup", SMS, 0.4), page(2, "att", SMS, 0.5), page(3, "dep", SMS, 180.2)],
        [], 0.4,
        [("sup", 0.4, None, None), ("att", 0.5, None, None), ("dep", 180.2, None, None)]),
    # The voice call went out later than the text; the ack came after both: voice reached.
    "the last delivery before the ack": (
        acked("sup", "Dr. Rivera", 50.0),
        [page(1, "sup", SMS, 1.0), page(2, "sup", VOICE, 30.0), page(3, "att", SMS, 1.0)],
        [], 1.0, [("sup", 1.0, 50.0, "voice"), ("att", 1.0, None, None)]),
    # The ack came between the text and the call: the text reached them.
    "a call after the ack does not count": (
        acked("sup", "Dr. Rivera", 20.0),
        [page(1, "sup", SMS, 2.0), page(2, "sup", VOICE, 25.0)],
        [], 2.0, [("sup", 2.0, 20.0, "sms")]),
    "a late ack is timed; cancelled pages are not deliveries": (
        acked("att", "Sam Okafor", 40.0),
        [page(1, "sup", SMS, 1.0), page(2, "att", SMS, 1.5), page(3, "dep", SMS, None)],
        [late("Dr. Rivera", 90.0), late("Dr. Rivera", 120.0)], 1.0,
        [("sup", 1.0, 90.0, "sms"), ("att", 1.5, 40.0, "sms")]),
    # An admin not on the plan acknowledged: listed, never paged, no channel.
    "an admin who was not paged": (
        acked("admin", "Riley Chen", 12.0), [page(1, "sup", SMS, 1.0)], [], 1.0,
        [("sup", 1.0, None, None), ("admin", None, 12.0, None)]),
    "notices are not pages": (
        DRILL, [page(1, "sup", SMS, 3.0, OutboxKind.NOTICE)], [], None, []),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_measure(name: str) -> None:
    incident, messages, entries, first, expected = CASES[name]
    measures = measure(incident, messages, entries)
    assert measures.first_page_after == pytest.approx(first) if first is not None else (
        measures.first_page_after is None)
    got = [(r.contact_id, r.paged_after, r.ack_after, r.channel) for r in measures.responders]
    assert got == [(c, pytest.approx(p) if p is not None else None, a, ch)
                   for c, p, a, ch in expected]


def test_first_page_at_wins_over_the_outbox() -> None:
    incident = replace(DRILL, first_page_at=T0 + 0.25)
    assert measure(incident, [page(1, "sup", SMS, 0.9)], []).first_page_after == 0.25


def test_median_and_comparison() -> None:
    this = measure(*CASES["a late ack is timed; cancelled pages are not deliveries"][:3])
    assert this.median_ack == 65.0 and this.acknowledged == 2
    earlier = [Measures(6, T0, 1.0, ()), measure(*CASES["the last delivery before the ack"][:3]),
               measure(*CASES["a call after the ack does not count"][:3]),
               measure(*CASES["nobody answered"][:3])]
    report = drill_report(this, "monthly", "ice_default", "burns", "resolved", earlier)
    assert [m.incident_id for m in report.earlier] == [6, 7, 7]  # at most 3
    assert report.earlier_median_ack == 35.0  # median of 50 and 20 (one had no acks)
    body = report.to_json()
    assert body["responders"][0] == {"contact": "sup", "name": "Dr. Rivera",
                                     "paged_seconds": 1.0, "ack_seconds": 90.0,
                                     "reached_by": "sms", "stopped_paging": False}
    assert body["earlier_median_ack_seconds"] == 35.0


def test_the_summary_fits_one_sms_and_names_no_student() -> None:
    crowd = tuple(Recipient(f"c{i}", f"Responder Number {i}", "en",
                            ((Channel.SMS, f"+1860555{i:04d}"),)) for i in range(60))
    incident = replace(DRILL, plan=Plan("p", (PlanStep(crowd, 60.0),), None))
    messages = [page(i, f"c{i}", SMS, 1.0) for i in range(60)]
    acks = [late(f"Responder Number {i}", 30.0 + i) for i in range(60)]
    report = drill_report(measure(incident, messages, acks), "monthly", "p", "burns",
                          "ended by itself after 15m", [])
    for language in ("en", "es"):
        text = drill_summary(report, language)
        assert text.startswith("DRILL") and sms_fits(text) and text.endswith("...")


def test_the_summary_in_spanish() -> None:
    this = measure(*CASES["the last delivery before the ack"][:3])
    report = drill_report(this, None, "ice_default", "burns", "resolved by Dr. Rivera", [])
    assert drill_summary(report, "es") == (
        "DRILL (simulacro) #7 terminado (resolved by Dr. Rivera). Primer aviso en 1.0s. "
        "Atendieron: 1 de 2. Dr. Rivera 50s por voice; Sam Okafor no atendio. Mediana 50s. "
        "Sin simulacros anteriores.")


NOBODY = measure(*CASES["nobody answered"][:3])
NOTHING = measure(*CASES["notices are not pages"][:3])
ONE = measure(*CASES["the last delivery before the ack"][:3])


@pytest.mark.parametrize(("this", "earlier", "language", "expected"), [
    # new-user trial 2: "Median never" when nobody acknowledged
    (NOBODY, [], "en", "DRILL #7 ended (ended by itself after 15m). First page after 0.4s. "
     "Nobody acknowledged (3 paged: Dr. Rivera, Sam Okafor, Morgan Lee). No earlier drill "
     "to compare."),
    (NOBODY, [], "es", "DRILL (simulacro) #7 terminado (ended by itself after 15m). Primer "
     "aviso en 0.4s. Nadie atendio (3 avisados: Dr. Rivera, Sam Okafor, Morgan Lee). Sin "
     "simulacros anteriores."),
    # no page went out at all (no "First page after never", no "Acknowledged: 0 of 0")
    (NOTHING, [], "en", "DRILL #7 ended (ended by itself after 15m). No page went out. "
     "Nobody was paged. No earlier drill to compare."),
    (NOTHING, [], "es", "DRILL (simulacro) #7 terminado (ended by itself after 15m). No "
     "salio ningun aviso. No se aviso a nadie. Sin simulacros anteriores."),
    # an earlier drill nobody acknowledged is said so, not "never"
    (ONE, [NOBODY, ONE], "en", "DRILL #7 ended (ended by itself after 15m). First page "
     "after 1.0s. Acknowledged: 1 of 2. Dr. Rivera 50s by voice; Sam Okafor did not ack. "
     "Median 50s. Earlier drills: nobody acked, 50s."),
])
def test_the_summary_says_degenerate_numbers_in_words(
        this: Measures, earlier: list[Measures], language: str, expected: str) -> None:
    report = drill_report(this, None, "ice_default", "burns", "ended by itself after 15m",
                          earlier)
    text = drill_summary(report, language)
    assert text == expected
    assert "never" not in text and "nunca" not in text and sms_fits(text)


@pytest.mark.parametrize(("body", "channel", "language", "spoken", "expected"), [
    ("#3 resolved by Riley.", SMS, "en", False, "DRILL: #3 resolved by Riley."),
    ("#3 cerrado por Riley.", SMS, "es", False, "DRILL (simulacro): #3 cerrado por Riley."),
    ("ALERT #3: DRILL - Practice.", SMS, "en", False, "ALERT #3: DRILL - Practice."),
    ("Press 1 to confirm.", VOICE, "en", True, "DRILL. Press 1 to confirm."),
    ("*#3* resolved", Channel.SLACK, "en", False, "DRILL: *#3* resolved"),
])
def test_mark_drill(body: str, channel: Channel, language: str, spoken: bool,
                    expected: str) -> None:
    assert mark_drill(body, channel, language, spoken) == expected


def test_a_marked_long_sms_still_fits() -> None:
    marked = mark_drill("x " * 800, SMS, "en")
    assert marked.startswith("DRILL: ") and sms_fits(marked)


# --- replies about a drill say DRILL on every medium (issue 14) ----------------------

def _replies() -> list[object]:
    from alertbot.core.actors import Outcome
    from alertbot.text.reply import Reply, ReplyKey

    return [Reply(ReplyKey.ACK_OK, {"n": 7}, "en", 7, Outcome.ACKNOWLEDGED, drill=True),
            Reply(ReplyKey.RECEIPT, {"n": 7, "guidance": {"en": "Practise."},
                                     "school": "Burns", "fallback": ""}, "es", 7,
                  Outcome.OPENED, drill=True)]


@pytest.mark.parametrize("index", [0, 1])
def test_a_drill_reply_says_drill_on_every_medium(index: int) -> None:
    from alertbot.text.reply import Reply
    from alertbot.text.slack import render_slack
    from alertbot.text.sms import render_sms
    from alertbot.text.voice import voice_text
    from alertbot.text.web import render_web

    reply = _replies()[index]
    assert isinstance(reply, Reply)
    slack_text, blocks = render_slack(reply)
    for text in (render_sms(reply), render_web(reply), voice_text(reply), slack_text,
                 blocks[0]["text"]["text"]):
        assert text.startswith("DRILL"), text
    assert not render_sms(replace(reply, drill=False)).startswith("DRILL")
    again = Reply.from_json(reply.to_json(), "en")  # a retried webhook: the same answer
    assert again.drill and render_sms(again) == render_sms(reply)


def test_the_slack_channel_post_of_a_drill_says_drill() -> None:
    from alertbot.text.slack_post_blocks import post_text

    assert post_text(DRILL).startswith("#7 DRILL - Visit at Burns")
    assert post_text(replace(DRILL, drill=False)) == "#7 Visit at Burns (triggered)"
    already = replace(DRILL, title="DRILL at Burns (practice only)")
    assert post_text(already) == "#7 DRILL at Burns (practice only) (triggered)"
