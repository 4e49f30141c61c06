"""Fitting texts to one SMS message (issue 9, kind 6): ``fit_sms``, ``fit_sms_lines``,
``fit_sms_items`` and the TwiML guard ``twiml_message``. Twilio refuses a body over
1,600 characters (error 21617); we also keep to 10 segments."""

from __future__ import annotations

import re

import pytest

from alertbot.text.messages import (
    SMS_MAX_CHARS,
    fit_sms,
    fit_sms_items,
    fit_sms_lines,
    render,
    segments,
    sms_fits,
    sms_length,
)
from alertbot.twilio.sms_webhook import twiml_message


def fits(text: str) -> bool:
    return sms_length(text) <= SMS_MAX_CHARS and segments(text)[1] <= 10


LONG = [
    ("ascii", "word " * 1000),
    ("one unbroken word", "x" * 5000),
    ("accents fold to GSM-7", "Pérez García está aquí. " * 200),
    ("emoji stay UCS-2", "😀 agents " * 500),
    ("extended chars count two", "[{}] " * 800),
    ("lines", "\n".join(f"#{i} Burns Academy: NOT acknowledged" for i in range(400))),
]


@pytest.mark.parametrize(("case", "text"), LONG, ids=[row[0] for row in LONG])
def test_fit_sms_always_fits_and_marks_the_cut(case: str, text: str) -> None:
    fitted = fit_sms(text)
    assert fits(fitted) and sms_fits(fitted)
    assert fitted.endswith("...")
    assert len(fitted) > 300  # a cut, not an amputation


def test_fit_sms_cuts_at_a_word() -> None:
    fitted = fit_sms("alpha beta gamma " * 200)
    assert re.search(r"(alpha|beta|gamma)\.\.\.$", fitted)


def test_fit_sms_leaves_a_short_text_alone_but_folds_it() -> None:
    assert fit_sms("#1 resolved. Thank you.") == "#1 resolved. Thank you."
    assert fit_sms("Pérez está aquí") == "Pérez esta aqui"


def test_fit_sms_prefers_gsm7_over_ucs2_segments() -> None:
    text = "Informó García: " + "a" * 140
    assert segments(text) == ("UCS-2", 3)
    assert segments(fit_sms(text)) == ("GSM-7", 1)


def test_sms_length_counts_emoji_as_two() -> None:
    assert sms_length("a😀") == 3
    assert not sms_fits("😀" * 801)


@pytest.mark.parametrize(("language", "pointer"), [("en", r"\+(\d+) more: see the console"),
                                                   ("es", r"\+(\d+) mas: vea la consola")])
def test_fit_sms_lines_keeps_whole_lines_and_counts_the_rest(language: str,
                                                            pointer: str) -> None:
    lines = [f"#{i} Burns Latino Studies Academy: NOT acknowledged" for i in range(1, 41)]
    text = fit_sms_lines(lines, language)
    assert fits(text)
    *kept, last = text.split("\n")
    match = re.fullmatch(pointer, last)
    assert match
    assert kept == lines[:len(kept)]
    assert len(kept) + int(match.group(1)) == 40


def test_fit_sms_lines_with_room_lists_everything() -> None:
    assert fit_sms_lines(["#1 a", "#2 b"], "en") == "#1 a\n#2 b"
    assert fit_sms_lines([], "en", head="No open incidents.") == "No open incidents."


def test_fit_sms_lines_with_one_giant_line_still_fits() -> None:
    text = fit_sms_lines(["x" * 3000, "#2 b"], "en")
    assert fits(text)


def test_fit_sms_items_fits_the_rendered_template() -> None:
    items = [f"#{i}" for i in range(1, 332)]
    value = fit_sms_items("ack_which", "en", "numbers", items)
    text = render("ack_which", "en", numbers=value)
    assert fits(text)
    match = re.search(r"\+(\d+) more: see the console", value)
    assert match
    assert value.count("#") + int(match.group(1)) == 331
    assert fit_sms_items("ack_which", "en", "numbers", ["#1", "#2"]) == "#1, #2"


@pytest.mark.parametrize(("case", "text"), LONG, ids=[row[0] for row in LONG])
def test_twiml_message_never_carries_more_than_one_sms(case: str, text: str) -> None:
    body = twiml_message(text).text
    assert body is not None
    [message] = re.findall(r"<Message>(.*?)</Message>", body, re.S)
    for entity, char in (("&lt;", "<"), ("&gt;", ">"), ("&amp;", "&")):
        message = message.replace(entity, char)
    assert fits(message)


def test_twiml_message_of_nothing_is_an_empty_response() -> None:
    assert "<Message" not in (twiml_message("").text or "")
