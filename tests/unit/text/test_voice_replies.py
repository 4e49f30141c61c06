"""Replies said on a call: words for the ear, not SMS text made speakable."""

from __future__ import annotations

import re

import pytest

from alertbot.text.messages import render, to_gsm7
from alertbot.text.reply import ReplyKey
from alertbot.text.voice import Said, render_voice, voice_text
from tests.unit.text.samples import FALLBACK_SPOKEN, GUIDANCE, SAMPLES, sample

SPEAKING = [k for k in ReplyKey if k is not ReplyKey.NONE]
# Spanish words the GSM-7-minded written templates spell without their accents.
UNACCENTED = re.compile(r"\b(numero|ningun|agrego|informo|reporto|atendio|telefono|codigo|"
                        r"aun|mas|esta (?:abierto|atendiendo|avisando|cerrado|pasando))\b",
                        re.IGNORECASE)
KEYWORD = re.compile(r"(\S+) (ACK|RESOLVE)\b")


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("key", SPEAKING)
def test_speech_reads_no_sms_syntax(key: ReplyKey, language: str) -> None:
    said = voice_text(sample(key, language))
    assert "#" not in said and "<" not in said and ">" not in said
    assert "Reply" not in said and "Responda" not in said
    # A keyword is only ever a word to text: "text ACK 12", "envíe ACK 12 por texto".
    for before, _word in KEYWORD.findall(said):
        assert before.lower() in ("text", "envíe"), said


@pytest.mark.parametrize("key", SPEAKING)
def test_spanish_speech_keeps_its_accents(key: ReplyKey) -> None:
    said = voice_text(sample(key, "es"))
    assert not UNACCENTED.search(said), said


def test_spanish_is_spoken_with_accents_where_the_sms_is_folded() -> None:
    reply = sample(ReplyKey.ACK_OK, "es")
    assert "informo a quien reporto" in to_gsm7(render("ack_ok", "es", n=12))
    assert "se informó a quien reportó" in voice_text(reply)
    assert "número 12" in voice_text(reply)


def test_names_keep_their_accents_when_spoken() -> None:
    said = voice_text(sample(ReplyKey.ACK_ALREADY, "es"))
    assert said == "El incidente número 12 ya fue atendido por José García."


def test_lists_say_a_few_numbers_then_how_many_more() -> None:
    said = voice_text(sample(ReplyKey.ACK_WHICH, "en", ids=list(range(1, 9))))
    assert said == ("Several incidents are open: number 1, number 2, number 3, number 4, "
                    "number 5, and 3 more.")
    assert voice_text(sample(ReplyKey.RESOLVE_WHICH, "es", ids=[4, 7])) == (
        "Hay varios incidentes abiertos: número 4, número 7.")


def test_a_phone_number_is_read_digit_by_digit() -> None:
    said = voice_text(sample(ReplyKey.UNKNOWN_SENDER, "en"))
    assert said == f"This number is not set up to report incidents. Please call {FALLBACK_SPOKEN}."


@pytest.mark.parametrize(("fallback", "ending"), [
    ("", "Llame ya a la oficina del distrito."),  # not "al la oficina"
    ("+18605550199", f"Llame ya al {FALLBACK_SPOKEN}.")])
def test_whom_to_call_is_correct_spanish(fallback: str, ending: str) -> None:
    said = voice_text(sample(ReplyKey.INTAKE_ERROR, "es", fallback=fallback))
    assert said.endswith(ending)
    assert voice_text(sample(ReplyKey.INTAKE_ERROR, "en", fallback="")).endswith(
        "Call the district office now.")


def test_a_receipt_then_its_guidance_in_the_call_language() -> None:
    parts = render_voice(sample(ReplyKey.RECEIPT, "es"))
    assert parts == [Said("El incidente número 12 está abierto. Se está avisando ahora al "
                          "equipo del distrito.", "es"), Said(GUIDANCE["es"], "es")]


def test_english_only_guidance_is_said_in_english_on_a_spanish_call() -> None:
    parts = render_voice(sample(ReplyKey.RECEIPT, "en", guidance={"en": "Stay inside."}), "es")
    assert parts[-1] == Said("Stay inside.", "en")
    assert parts[0].language == "es"


def test_a_receipt_without_a_school_asks_for_its_code() -> None:
    said = voice_text(sample(ReplyKey.RECEIPT, "en", school=None))
    assert "Please text the school code to this number, or call " + FALLBACK_SPOKEN in said


def test_the_call_language_wins_over_the_senders() -> None:
    """A caller who pressed 9 hears Spanish, whatever their contact's language."""
    assert voice_text(sample(ReplyKey.NO_SUCH, "en"), "es") == (
        "No hay un incidente abierto número 12 que usted pueda atender.")


def test_status_says_a_few_lines_then_how_many_more() -> None:
    incidents = [{"n": i, "school": "Oak", "acked_by": None} for i in range(1, 8)]
    said = voice_text(sample(ReplyKey.STATUS, "en", incidents=incidents))
    assert said.startswith("Open incidents. Number 1, Oak: not acknowledged.")
    assert said.endswith("Number 5, Oak: not acknowledged. And 2 more in the console.")


def test_user_text_cannot_inject_markup_into_speech() -> None:
    said = voice_text(sample(ReplyKey.ACK_ALREADY, "en", name="Ana <break time='9s'/> #4\x07"))
    assert "<" not in said and "#" not in said and "\x07" not in said
    assert "Ana" in said


def test_a_stored_reply_from_before_is_said_without_its_hash() -> None:
    assert voice_text(sample(ReplyKey.VERBATIM, "en")) == "You acknowledged 5."


def test_every_sample_is_spoken() -> None:
    assert {k for k in SAMPLES if k is not ReplyKey.NONE} == set(SPEAKING)


def test_status_marks_a_drill_in_every_medium() -> None:
    """A drill and a real incident at one school read alike in STATUS (new-user trial:
    "#3 Lincoln: NOT acknowledged / #6 Lincoln: NOT acknowledged"); the drill's line
    says DRILL, so nobody acknowledges the wrong one."""
    from alertbot.text.sms import render_sms

    incidents = [{"n": 3, "school": "Lincoln", "acked_by": None, "drill": True},
                 {"n": 6, "school": "Lincoln", "acked_by": None}]
    text = render_sms(sample(ReplyKey.STATUS, "en", incidents=incidents))
    assert "DRILL: #3 Lincoln" in text and "DRILL: #6" not in text
    assert "#6 Lincoln" in text
    spanish = render_sms(sample(ReplyKey.STATUS, "es", incidents=incidents))
    assert "DRILL (simulacro): #3 Lincoln" in spanish
    said = voice_text(sample(ReplyKey.STATUS, "en", incidents=incidents))
    assert "DRILL. Number 3, Lincoln" in said and "DRILL. Number 6" not in said
