"""Replies in Slack: Block Kit, our words escaped, user data inert."""

from __future__ import annotations

import json
from typing import Any

import pytest

from alertbot.text.messages import TEMPLATES
from alertbot.text.reply import ReplyKey
from alertbot.text.slack import render_slack
from alertbot.text.slack_text import FALLBACK_TEXT, SECTION_TEXT
from tests.unit.text.samples import GUIDANCE, SAMPLES, sample

EVIL = "Ana <!channel> & <@U123|boss> *bold* _it_ ~x~ `code`"


def shown(blocks: list[dict[str, Any]]) -> str:
    return json.dumps(blocks, ensure_ascii=False)


@pytest.mark.parametrize("key", [k for k, (_o, v) in SAMPLES.items()
                                 if {"name", "school", "text"} & v.keys()])
@pytest.mark.parametrize("language", ["en", "es"])
def test_user_data_is_escaped_everywhere_it_lands(key: ReplyKey, language: str) -> None:
    values: dict[str, Any] = {name: EVIL for name in ("name", "school", "text")
                              if name in SAMPLES[key][1]}
    if key is ReplyKey.STATUS:
        values = {"incidents": [{"n": 1, "school": EVIL, "acked_by": EVIL}]}
    text, blocks = render_slack(sample(key, language, **values))
    for where in (text, shown(blocks)):
        assert "<!channel>" not in where and "<@U123" not in where, where
    assert "&lt;!channel&gt; &amp; &lt;@U123|boss&gt;" in shown(blocks)
    assert "*bold*" not in shown(blocks) and "_it_" not in shown(blocks)  # look-alikes


@pytest.mark.parametrize("language", ["en", "es"])
def test_our_angle_brackets_arrive_escaped(language: str) -> None:
    """"Reply ACK <number>" would be a broken link in mrkdwn if sent as is."""
    text, blocks = render_slack(sample(ReplyKey.ACK_WHICH, language))
    assert "&lt;" in text and "<" not in text
    assert "&lt;" in shown(blocks) and "<" not in shown(blocks)


def test_written_templates_carry_no_mrkdwn_markers() -> None:
    """Slack shows the written words as they are: none of * _ ~ ` in them."""
    for language, table in TEMPLATES.items():
        for key, words in table.items():
            assert not set("*_~`") & set(words), (language, key)


def test_a_receipt_has_its_head_guidance_and_how_to_add_updates() -> None:
    text, blocks = render_slack(sample(ReplyKey.RECEIPT, "en"))
    assert blocks[0]["text"]["text"] == ("*#12 opened (Burns Academy):* the district team "
                                         "is being paged now.")
    assert blocks[1]["text"]["text"] == "> " + GUIDANCE["en"]
    assert "thread" in blocks[2]["elements"][0]["text"]
    assert text == "#12 opened: the district team is being paged now. " + GUIDANCE["en"]


def test_a_joined_receipt_says_who_is_responding_and_asks_for_a_missing_school() -> None:
    text, blocks = render_slack(sample(ReplyKey.RECEIPT_JOINED_ACKED, "es", school=None))
    # Slack shows Spanish with its accents (decision 0047); only SMS folds them.
    assert blocks[0]["text"]["text"] == ("*#12 ya estaba abierto:* José García está "
                                         "atendiendo. Se agregó su reporte.")
    assert blocks[1]["text"]["text"] == "> " + GUIDANCE["es"]
    assert blocks[2]["elements"][0]["text"] == "¿Cuál escuela? Responda con su código."
    assert "*" not in text


def test_a_stranger_hears_slacks_words_not_the_phones() -> None:
    text, _blocks = render_slack(sample(ReplyKey.UNKNOWN_SENDER, "en"))
    assert "Slack account is not in alertbot's contacts" in text
    assert "+18605550199" in text and "This number" not in text
    assert "call" not in render_slack(sample(ReplyKey.UNKNOWN_SENDER_NOFALLBACK, "en"))[0]


def test_spanish_is_not_folded_for_slack() -> None:
    text, _blocks = render_slack(sample(ReplyKey.ACK_ALREADY, "es"))
    assert text == "#12 ya fue atendido por José García."


def test_a_long_status_fits_one_section_and_counts_the_rest() -> None:
    incidents = [{"n": i, "school": "Burns Academy", "acked_by": None} for i in range(1, 332)]
    text, blocks = render_slack(sample(ReplyKey.STATUS, "en", incidents=incidents))
    body = blocks[0]["text"]["text"]
    assert len(body) <= SECTION_TEXT and len(text) <= FALLBACK_TEXT
    last = body.splitlines()[-1]
    assert last.startswith("+") and last.endswith("more: see the console")
    listed = len(body.splitlines()) - 1
    assert last == f"+{331 - listed} more: see the console"
