"""Slack texts and Block Kit builders: pure, per language, escaped, within Slack's limits."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest

from alertbot.core.incident import Incident, State
from alertbot.core.model import Channel, School
from alertbot.core.plan import Plan, PlanStep, Recipient
from alertbot.core.records import OutboxItem, OutboxKind, OutboxStatus, TimelineEntry
from alertbot.text.slack_post_blocks import (
    PostView,
    escalation_lines,
    post_blocks,
    post_text,
    timeline_text,
)
from alertbot.text.slack_text import (
    MAX_OPTIONS,
    TEXTS,
    buttons,
    escape,
    open_modal,
    page_blocks,
    school_select,
    stranger_text,
    t,
)

T0 = 1_800_000_000.0  # 2027-01-15 03:00 America/New_York
TZ = "America/New_York"
PLAN = Plan("ice", (
    PlanStep((Recipient("sup", "Dr. Rivera", "en", ((Channel.SMS, "+18605550100"),
                                                    (Channel.SLACK, "U0SUPT001"))),), 180),
    PlanStep((Recipient("dep", "Morgan <Lee>", "en", ((Channel.SMS, "+18605550101"),)),), 300),
), None)
INCIDENT = Incident(
    id=7, type="ice", title="Enforcement visit at Burns", school_id="burns",
    school_name="Burns Academy", reporter_id="p", reporter_name="Ana Perez",
    reporter_phone=None, source="slack", details="2 agents <!channel> & a car",
    language="en", created_at=T0, plan=PLAN, step=0, due_at=T0 + 180)


def outbox(n: int, channel: Channel, contact: str, status: OutboxStatus, step: int = 0,
           rnd: int = 0, at: float = T0) -> OutboxItem:
    return OutboxItem(n, OutboxKind.PAGE, channel, "x", "ALERT", "en", 7, contact, step, rnd,
                      "r", status, at, 1, at, sent_at=at + 1 if status is OutboxStatus.SENT
                      else None)


def all_text(blocks: list[dict[str, Any]]) -> str:
    return json.dumps(blocks, ensure_ascii=False)


def test_every_language_has_every_text() -> None:
    assert set(TEXTS) == {"en", "es"}
    assert set(TEXTS["es"]) == set(TEXTS["en"])


@pytest.mark.parametrize("raw, escaped", [
    ("<!channel> go", "&lt;!channel&gt; go"),
    ("a & b", "a &amp; b"),
    ("<https://evil|click>", "&lt;https://evil|click&gt;"),
    ("plain", "plain"),
])
def test_escape_neutralises_mentions_and_links(raw: str, escaped: str) -> None:
    assert escape(raw) == escaped


def test_buttons_carry_the_incident_number_and_ack_resolve_prefixes() -> None:
    block = buttons(7, "es")
    ids = [(e["action_id"], e["value"]) for e in block["elements"]]
    assert ids == [("ack", "7"), ("resolve", "7")]
    assert block["elements"][0]["text"]["text"] == "Atender"
    assert "confirm" in block["elements"][1]
    assert [e["action_id"] for e in buttons(7, "en", ack=False)["elements"]] == ["resolve"]


def test_dm_page_escapes_the_body_and_notices_have_no_buttons() -> None:
    blocks = page_blocks("ALERT #7 <b>", 7, "en")
    assert blocks[0]["text"]["text"] == "ALERT #7 &lt;b&gt;"
    assert blocks[-1]["type"] == "actions"
    assert "text ACK 7" in all_text(blocks)
    assert [b["type"] for b in page_blocks("#7 acknowledged", 7, "en", page=False)] == [
        "section"]


def test_stranger_text_gives_the_fallback_number_when_there_is_one() -> None:
    assert "+18605550199" in stranger_text("en", "+18605550199")
    assert "call" not in stranger_text("en", None)
    assert stranger_text("es", None).startswith("Su cuenta de Slack")


SCHOOLS = [School("burns", "Burns Academy", "1201"), School("oak", "Oak MS", "2302"),
           School("elm", "Elm Elementary", "3101")]


def test_school_picker_lists_the_reporters_own_schools_first() -> None:
    select = school_select(SCHOOLS, ("oak",), "en")
    groups = select["option_groups"]
    assert [o["value"] for o in groups[0]["options"]] == ["oak"]
    assert [o["value"] for o in groups[1]["options"]] == ["burns", "elm"]
    plain = school_select(SCHOOLS, (), "en")
    assert plain["options"][0]["text"]["text"] == "Burns Academy (1201)"


def test_school_picker_respects_slacks_100_options_limit() -> None:
    many = [School(f"s{i}", f"School {i}", str(1000 + i)) for i in range(250)]
    groups = school_select(many, (), "en")["option_groups"]
    assert [len(g["options"]) for g in groups] == [MAX_OPTIONS, MAX_OPTIONS, 50]


def test_modal_keeps_details_and_metadata_and_fits_title_limits() -> None:
    view = open_modal(SCHOOLS, ("oak", "elm"), "two agents", "es", {"command": "/ice"})
    assert view["callback_id"] == "alertbot_open"
    assert json.loads(view["private_metadata"]) == {"command": "/ice"}
    assert view["blocks"][1]["element"]["initial_value"] == "two agents"
    assert all(len(view[k]["text"]) <= 24 for k in ("title", "submit", "close"))
    assert "initial_value" not in open_modal(SCHOOLS, (), "", "en", {})["blocks"][1]["element"]


def view(incident: Incident = INCIDENT, *pages: OutboxItem, exhausted: bool = False
         ) -> PostView:
    return PostView(incident, pages, TZ, T0 + 60, exhausted)


def test_post_shows_what_where_who_and_escapes_user_text() -> None:
    text = all_text(post_blocks(view()))
    for expected in ("#7 Enforcement visit at Burns", "Burns Academy", "Ana Perez (slack)",
                     "03:00", "NOT acknowledged", "Next escalation at 03:03",
                     "in the console", "Nobody paged yet."):
        assert expected in text, expected
    assert "<!channel>" not in text and "a car" not in text  # free text stays off Slack


def test_post_lists_who_was_paged_when_how_and_the_result() -> None:
    pages = (outbox(1, Channel.SMS, "sup", OutboxStatus.SENT),
             outbox(2, Channel.SLACK, "sup", OutboxStatus.FAILED),
             outbox(3, Channel.SMS, "dep", OutboxStatus.PENDING, step=1, at=T0 + 180),
             outbox(4, Channel.SMS, "sup", OutboxStatus.CANCELLED, rnd=1, at=T0 + 480))
    assert escalation_lines(view(INCIDENT, *pages)) == [
        "03:00 Dr. Rivera: SMS sent, Slack FAILED (step 1)",
        "03:03 Morgan &lt;Lee&gt;: SMS sending (step 2)",
        "03:08 Dr. Rivera: SMS cancelled (step 1, round 1)",
    ]


def test_long_escalations_keep_the_latest_lines() -> None:
    pages = tuple(outbox(i, Channel.SMS, "sup", OutboxStatus.SENT, rnd=i, at=T0 + 60 * i)
                  for i in range(20))
    lines = escalation_lines(view(INCIDENT, *pages), limit=5)
    assert lines[0] == "(15 earlier lines in the console)"
    assert len(lines) == 6 and "round 19" in lines[-1]


def test_post_buttons_follow_the_state() -> None:
    def ids(incident: Incident) -> list[str]:
        return [e["action_id"] for b in post_blocks(view(incident)) if b["type"] == "actions"
                for e in b["elements"]]
    acked = replace(INCIDENT, state=State.ACKNOWLEDGED, acknowledged_by="sup",
                    acknowledged_by_name="Dr. Rivera", acknowledged_at=T0 + 120, due_at=None)
    resolved = replace(acked, state=State.RESOLVED, resolved_at=T0 + 600)
    assert ids(INCIDENT) == ["ack", "resolve"]
    assert ids(acked) == ["resolve"]
    assert ids(resolved) == []
    assert "Acknowledged by *Dr. Rivera* at 03:02" in all_text(post_blocks(view(acked)))
    assert "Resolved at 03:10" in all_text(post_blocks(view(resolved)))
    assert post_text(resolved) == "#7 Enforcement visit at Burns (resolved)"


def test_exhausted_policy_is_shouted() -> None:
    stopped = replace(INCIDENT, due_at=None)
    assert "Paging has stopped" in all_text(post_blocks(view(stopped, exhausted=True)))


def test_unverified_reporter_and_missing_school_are_visible() -> None:
    odd = replace(INCIDENT, unverified=True, school_name=None, details="")
    text = all_text(post_blocks(view(odd)))
    assert "UNVERIFIED" in text and "school not named" in text and "none given" in text


def test_post_fits_slack_limits() -> None:
    huge = replace(INCIDENT, title="T" * 400, details="d" * 5000)
    blocks = post_blocks(view(huge))
    assert len(blocks[0]["text"]["text"]) <= 150
    assert all(len(b["text"]["text"]) <= 3000 for b in blocks if b["type"] == "section"
               and "text" in b)


def test_timeline_is_batched_into_few_escaped_thread_messages() -> None:
    entries = [TimelineEntry(7, T0 + i, "paged", None, f"step {i} <@U1>") for i in range(3)]
    [message] = timeline_text(entries, TZ)
    assert message.splitlines()[0] == "`03:00` *paged*: step 0 &lt;@U1&gt;"
    long = [TimelineEntry(7, T0, "paged", None, "x" * 1000) for _ in range(10)]
    chunks = timeline_text(long, TZ, limit=3500)
    assert len(chunks) == 4 and all(len(c) <= 3500 for c in chunks)
    assert timeline_text([], TZ) == []


def test_a_reporters_words_never_reach_the_thread() -> None:
    entries = [TimelineEntry(7, T0, "update", "Ana", "Juan is in room 4")]
    [message] = timeline_text(entries, TZ)
    assert "Juan" not in message and "in the console" in message


def test_t_falls_back_to_english() -> None:
    assert t("ack", "fr") == "Acknowledge"


# --- issue 9, kind 6: every Slack message within Block Kit's limits ------------------------


def assert_within_block_kit(blocks: list[dict[str, Any]]) -> None:
    """Slack's documented limits (api.slack.com/reference/block-kit/blocks)."""
    assert 0 < len(blocks) <= 50
    for b in blocks:
        if b["type"] == "header":
            assert len(b["text"]["text"]) <= 150
        if b["type"] == "section":
            assert "text" not in b or len(b["text"]["text"]) <= 3000
            assert len(b.get("fields", [])) <= 10
            assert all(len(f["text"]) <= 2000 for f in b.get("fields", []))
        if b["type"] == "context":
            assert len(b["elements"]) <= 10
            assert all(len(e.get("text", "")) <= 3000 for e in b["elements"])
        if b["type"] == "actions":
            assert len(b["elements"]) <= 25
            assert all(len(e["text"]["text"]) <= 75 for e in b["elements"])


def test_fit_blocks_cuts_to_50_blocks_with_a_count() -> None:
    from alertbot.text.slack_text import fit_blocks

    many = [{"type": "section", "text": {"type": "mrkdwn", "text": f"line {i}"}}
            for i in range(80)]
    fitted = fit_blocks(many, "es")
    assert_within_block_kit(fitted)
    assert fitted[48]["text"]["text"] == "line 48"
    assert fitted[-1]["elements"][0]["text"] == "+31 más: vea la consola"
    assert len(many) == 80  # the input is not changed


def test_fit_blocks_clips_every_text_to_its_limit() -> None:
    from alertbot.text.slack_text import fit_blocks

    blocks = [
        {"type": "header", "text": {"type": "plain_text", "text": "H" * 500}},
        {"type": "section", "text": {"type": "mrkdwn", "text": "&lt;" * 2000}},
        {"type": "section", "fields": [{"type": "mrkdwn", "text": "f" * 5000}] * 12},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": "c"}] * 14},
        {"type": "actions", "elements": [
            {"type": "button", "action_id": "ack", "value": "1",
             "text": {"type": "plain_text", "text": "B" * 200}}]},
    ]
    fitted = fit_blocks(blocks)
    assert_within_block_kit(fitted)
    section = fitted[1]["text"]["text"]
    assert section.endswith("&lt;…"), section[-12:]  # never half an entity


def test_clip_never_cuts_an_escaped_entity() -> None:
    from alertbot.text.slack_text import clip

    for n in range(2, 12):
        clipped = clip(escape("ab<cd>&ef<gh"), n)
        assert len(clipped) <= n
        body = clipped.rstrip("…")
        assert body.count("&") == body.count(";"), (n, clipped)


def test_post_with_a_very_long_timeline_and_many_pages_fits() -> None:
    names = "Dr. " + "Very-Long-Name " * 40
    plan = Plan("ice", tuple(PlanStep((Recipient(f"c{i}", f"{names}{i} <!here>", "en", (
        (Channel.SMS, "+18605550100"), (Channel.SLACK, "U0X"))),), 60) for i in range(40)),
        None)
    incident = replace(INCIDENT, plan=plan, title="T" * 400, school_name="S" * 3000,
                       reporter_name="R<!channel>" * 300)
    pages = tuple(outbox(i, Channel.SMS if i % 2 else Channel.SLACK, f"c{i % 40}",
                         OutboxStatus.SENT, step=i % 40, rnd=i // 40, at=T0 + i)
                  for i in range(2000))
    blocks = post_blocks(view(incident, *pages))
    assert_within_block_kit(blocks)
    text = all_text(blocks)
    assert "<!channel>" not in text and "<!here>" not in text
    assert "earlier lines in the console" in text
    entries = [TimelineEntry(7, T0 + i, "paged", None, f"paged {names} <!channel>")
               for i in range(2000)]
    messages = timeline_text(entries, TZ)
    assert len(messages) <= 5 and all(len(m) <= 3500 for m in messages)
    assert messages[0].startswith("(") and "earlier lines in the console" in messages[0]
    assert "<!channel>" not in "".join(messages)
    assert messages[-1].endswith("&lt;!channel&gt;")  # the newest entry is shown


def test_dm_page_and_reply_blocks_fit_whatever_the_body() -> None:
    from alertbot.core.actors import Outcome
    from alertbot.text.reply import Reply, ReplyKey
    from alertbot.text.slack import render_slack

    body = "<!channel> " * 2000
    reply = render_slack(Reply(ReplyKey.VERBATIM, {"text": body}))[1]
    receipt = render_slack(Reply(ReplyKey.RECEIPT, {"n": 7, "school": "S" * 5000,
                                                    "guidance": {"es": body}, "fallback": ""},
                                 "es", 7, Outcome.OPENED))[1]
    for blocks in (page_blocks(body, 7, "en"), page_blocks(body, 7, "en", page=False),
                   reply, receipt):
        assert_within_block_kit(blocks)
        assert "<!channel>" not in all_text(blocks)


# --- issue 9, kind 12: what reaches Slack is inert ---------------------------------------


@pytest.mark.parametrize("raw", ["<!channel>", "<!here>", "<!everyone>", "<@U0SUPT001>",
                                 "<#C0INCIDENTS>", "<https://evil.test|click>",
                                 "<!subteam^S012>", "a & b > c"])
def test_fallback_text_is_escaped_and_bounded(raw: str) -> None:
    from alertbot.text.slack_text import fallback

    text = fallback(f"#1 update from Ana: {raw}")
    assert "<" not in text and ">" not in text
    assert len(fallback(raw * 5000)) <= 3000


def test_a_name_inside_our_bold_cannot_end_it() -> None:
    acked = replace(INCIDENT, state=State.ACKNOWLEDGED, acknowledged_by="sup",
                    acknowledged_by_name="Dana* _Deputy_ <!here>", acknowledged_at=T0 + 120,
                    due_at=None)
    text = all_text(post_blocks(view(acked)))
    assert "Acknowledged by *Dana∗ ＿Deputy＿ &lt;!here&gt;* at 03:02" in text


def test_post_fallback_text_is_escaped() -> None:
    odd = replace(INCIDENT, title="Visit <!channel> at Burns")
    assert post_text(odd) == "#7 Visit &lt;!channel&gt; at Burns (triggered)"
