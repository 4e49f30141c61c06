"""Spoken prompts (pure) and the TwiML built from them: languages, escaping, limits."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from alertbot.core.actors import Outcome
from alertbot.text.messages import render, to_gsm7
from alertbot.text.reply import Reply, ReplyKey
from alertbot.text.voice import VOICE_LIST_MAX, voice_text
from alertbot.text.voice_text import (
    NOT_REACHED,
    PROMPTS,
    call_note,
    incident_label,
    menu,
    other_language,
    page_speech,
    prompt,
    speakable,
    spoken_fallback,
    spoken_phone,
    voice_for,
)
from alertbot.twilio.voice_sender import (
    MAX_TWIML,
    PAGE_REPEATS,
    absolute,
    confirm_twiml,
    page_twiml,
    voicemail_twiml,
)

PUBLIC = "https://alerts.example.test"


def test_every_prompt_exists_in_every_language_with_the_same_placeholders() -> None:
    import string

    def fields(text: str) -> set[str]:
        return {f for _, f, _, _ in string.Formatter().parse(text) if f}

    assert set(PROMPTS["en"]) == set(PROMPTS["es"])
    for key, text in PROMPTS["en"].items():
        assert fields(text) == fields(PROMPTS["es"][key]), key


@pytest.mark.parametrize(("language", "locale", "voice"), [
    ("en", "en-US", "Polly.Joanna"),
    ("es", "es-US", "Polly.Lupe"),
    ("fr", "en-US", "Polly.Joanna"),  # unknown: English
])
def test_voice_for(language: str, locale: str, voice: str) -> None:
    assert voice_for(language) == (locale, voice)


@pytest.mark.parametrize(("phone", "spoken"), [
    ("+18605550199", "8 6 0, 5 5 5, 0 1 9 9"),
    ("+442079460000", "4 4 2, 0 7 9, 4 6 0, 0 0 0"),
    (None, ""),
    ("", ""),
])
def test_spoken_phone_reads_digit_by_digit(phone: str | None, spoken: str) -> None:
    assert spoken_phone(phone, "en") == spoken


@pytest.mark.parametrize(("phone", "language", "spoken"), [
    ("+18605550199", "en", "8 6 0, 5 5 5, 0 1 9 9"),
    ("+18605550199", "es", "al 8 6 0, 5 5 5, 0 1 9 9"),
    (None, "en", "the district office"),
    ("", "es", "a la oficina del distrito"),  # "llame a la oficina", never "al la"
])
def test_whom_to_call_is_said_with_the_right_words(phone: str | None, language: str,
                                                    spoken: str) -> None:
    assert spoken_fallback(phone, language) == spoken


def test_every_spanish_prompt_says_whom_to_call_through_spoken_fallback() -> None:
    for key, words in PROMPTS["es"].items():
        assert "al {fallback}" not in words, key
    assert prompt("gave_up", "es", fallback=spoken_fallback(None, "es")) == (
        "No pude recibir una opción. Por favor llame a la oficina del distrito. Adiós.")


@pytest.mark.parametrize(("text", "language", "spoken"), [
    ("You acknowledged #12; paging stopped.", "en", "You acknowledged number 12; paging stopped."),
    ("Usted atiende #3.", "es", "Usted atiende número 3."),
    ("Reply ACK <number>.", "en", "Reply ACK number."),
    ("bell\x07 and\nnewline", "en", "bell and newline"),
])
def test_speakable(text: str, language: str, spoken: str) -> None:
    assert speakable(text, language) == spoken


@pytest.mark.parametrize("language", ["en", "es"])
def test_page_speech_is_worded_for_the_ear(language: str) -> None:
    spoken = page_speech(language, n=7, title="Enforcement visit at Burns Academy",
                         time="08:14", reporter="Ana Perez", unverified=False)
    assert "ACK" not in spoken and "#" not in spoken
    assert "Burns Academy" in spoken and "Ana Perez" in spoken and "08:14" in spoken
    assert prompt("number", language) + " 7" in spoken


def test_spanish_page_speech_keeps_its_accents() -> None:
    spoken = page_speech("es", n=7, title="Visita en Oak", time="08:14", reporter="Ana",
                         unverified=True)
    assert spoken.startswith("ALERTA número 7: Visita en Oak. Reportado a las 08:14 por Ana.")
    assert "reportó no está verificada" in spoken


def test_page_speech_keeps_the_unverified_warning() -> None:
    spoken = page_speech("en", n=2, title="T", time="08:14", reporter="+1860•••0198",
                         unverified=True)
    assert "not verified" in spoken
    assert "not verified" not in page_speech("en", n=2, title="T", time="08:14",
                                             reporter="Ana", unverified=False)


def test_page_speech_strips_control_characters_of_names_and_titles() -> None:
    spoken = page_speech("en", n=2, title="Visit\x07 at\nOak", time="08:14",
                         reporter="Ana\x00\u202e Perez", unverified=False)
    assert "\x07" not in spoken and "\x00" not in spoken and "\u202e" not in spoken
    assert "Visit at Oak" in spoken


# --- what the receiver answered, spoken (kind 11: speech is not SMS) ---------------


def test_spanish_reply_is_spoken_with_accents_not_the_folded_sms() -> None:
    sms = to_gsm7(render("ack_ok", "es", n=3))
    assert "informo a quien reporto" in sms  # the SMS text, folded to GSM-7
    spoken = voice_text(Reply(ReplyKey.ACK_OK, {"n": 3}, "es", 3, Outcome.ACKNOWLEDGED))
    assert "se informó a quien reportó" in spoken
    assert "número 3" in spoken and "#" not in spoken


def test_reply_lists_are_spoken_as_numbers() -> None:
    spoken = voice_text(Reply(ReplyKey.ACK_WHICH, {"ids": [1, 2]}, "es"))
    assert spoken == "Hay varios incidentes abiertos: número 1, número 2."



def test_spanish_prompts_are_not_folded() -> None:
    """Every Spanish prompt that has an accented word keeps it: GSM-7 folding is for SMS."""
    accented = [key for key, text in PROMPTS["es"].items() if to_gsm7(text) != text]
    assert {"confirm_acknowledge", "record_ask", "page"} <= set(accented)  # replies: text/voice


@pytest.mark.parametrize(("labels", "language", "expected"), [
    ({"en": "immigration enforcement", "es": "inmigración"}, "es", "inmigración"),
    ({"en": "immigration enforcement"}, "es", "immigration enforcement"),
    ({}, "en", "Enforcement visit at your school"),
    ({}, "es", "Enforcement visit at su escuela"),
])
def test_incident_label(labels: dict[str, str], language: str, expected: str) -> None:
    assert incident_label("Enforcement visit at {school}", labels, language) == expected


def test_menu_lists_digits_in_order_and_offers_ack_only_to_responders() -> None:
    options = [(1, "immigration enforcement at your school"), (2, "a drill")]
    text = menu("Riverside Schools", options, "en", responder=False)
    assert text == ("Riverside Schools emergency line. To report immigration enforcement at "
                    "your school, press 1. To report a drill, press 2.")
    assert "press 0" in menu("Riverside Schools", options, "en", responder=True)
    assert "oprima 2" in menu("Riverside Schools", options, "es", responder=False)


def test_other_language() -> None:
    assert other_language("en") == "es"
    assert other_language("es") == "en"


@pytest.mark.parametrize(("status", "previous", "unacked", "note"), [
    ("no-answer", "in-progress", True, "call to Sam: no answer; not counted as reached"),
    ("busy", None, True, "call to Sam: line busy; not counted as reached"),
    ("canceled", None, False, "call to Sam: call canceled; not counted as reached"),
    ("voicemail", "in-progress", True,
     "call to Sam: voicemail answered (left a message to call back or text ACK); "
     "not counted as reached"),
    ("completed", "in-progress", True, "call to Sam ended with no key pressed; not acknowledged"),
    ("completed", "voicemail", True, None),  # already said: voicemail
    ("completed", "in-progress", False, None),  # acknowledged (by this call or another)
    ("in-progress", None, True, None),
    ("queued", None, True, None),
])
def test_call_note(status: str, previous: str | None, unacked: bool, note: str | None) -> None:
    assert call_note("Sam", status, previous, unacked) == note
    if status in NOT_REACHED:
        assert note is not None


# --- TwiML -------------------------------------------------------------------------


def parse(twiml: str) -> ET.Element:
    return ET.fromstring(twiml)


def test_absolute_urls_carry_state_in_the_query() -> None:
    assert absolute(PUBLIC + "/", "/twilio/voice/page", outbox=3, n=None, lang="es") == \
        PUBLIC + "/twilio/voice/page?outbox=3&lang=es"


def test_page_twiml_gathers_one_key_with_absolute_actions() -> None:
    root = parse(page_twiml(PUBLIC, 41, 9, "en", "ALERT #9: Visit at Burns. Reply ACK 9 to "
                            "respond."))
    gathers = root.findall("Gather")
    assert len(gathers) == PAGE_REPEATS
    for gather in gathers:
        assert gather.get("numDigits") == "1"
        assert gather.get("action") == PUBLIC + "/twilio/voice/page?outbox=41&n=9&lang=en&r=0"
        say = gather.find("Say")
        assert say is not None and say.get("voice") == "Polly.Joanna"
        assert say.text is not None and "Press 1 to acknowledge" in say.text
    assert root.find("Hangup") is not None


@pytest.mark.parametrize(("language", "again", "promise"), [
    ("en", True, "You will be paged again"), ("es", True, "Recibirá "),
    ("en", False, None), ("es", False, None)])
def test_a_page_the_escalation_does_not_repeat_promises_no_repeat(
        language: str, again: bool, promise: str | None) -> None:
    """The console's "page now" is not repeated by the escalation (trial 2): its goodbye
    and its voicemail say how to respond, not that another page will come."""
    body = "ALERT #9: Visit at Burns. Reply ACK 9 to respond."
    page = page_twiml(PUBLIC, 41, 9, language, body, again=again)
    left = voicemail_twiml(language, body, 9, again)
    for twiml in (page, left):
        assert ("ACK 9" in twiml) and (promise is None or promise in twiml)
        if promise is None:
            assert "paged again" not in twiml and "Recibirá " not in twiml
            assert "until someone" not in twiml and "hasta que alguien" not in twiml


def test_user_text_cannot_inject_twiml() -> None:
    hostile = 'ALERT #9: </Say><Hangup/><Say>x & "y" \x00\x1b[31m. Reply ACK 9 to respond.'
    twiml = page_twiml(PUBLIC, 1, 9, "en", hostile)
    root = parse(twiml)  # well-formed
    assert len(root.findall("Hangup")) == 1  # only ours, at the end
    assert "\x00" not in twiml and "\x1b" not in twiml
    said = " ".join(s.text or "" for s in root.iter("Say"))
    assert 'x & "y"' in said


def test_page_twiml_stays_under_twilios_inline_limit() -> None:
    twiml = page_twiml(PUBLIC, 1, 9, "es", "ALERTA #9: " + "muy largo " * 300)
    assert len(twiml) <= MAX_TWIML
    assert parse(twiml).find("Gather") is not None


def test_page_twiml_for_a_notice_has_nothing_to_acknowledge() -> None:
    root = parse(page_twiml(PUBLIC, 1, None, "en", "Drill finished."))
    assert root.find("Gather") is None and root.find("Hangup") is not None


def test_voicemail_says_how_to_respond_and_gathers_nothing() -> None:
    body = page_speech("es", n=4, title="Visita en Oak", time="08:14", reporter="Ana",
                       unverified=False)
    root = parse(voicemail_twiml("es", body, 4))
    assert root.find("Gather") is None
    [say] = root.findall("Say")
    assert say.get("language") == "es-US"
    assert say.text is not None and "envíe ACK 4" in say.text
    assert "Responda ACK" not in say.text and "ALERTA número 4: Visita en Oak" in say.text


def test_confirm_twiml_asks_for_1_and_ends_with_nothing_done() -> None:
    body = prompt("confirm_acknowledge", "es", n=4)
    root = parse(confirm_twiml(PUBLIC, 12, 4, "es", body))
    gathers = root.findall("Gather")
    assert len(gathers) == PAGE_REPEATS
    for gather in gathers:
        assert gather.get("numDigits") == "1"
        assert gather.get("action") == PUBLIC + "/twilio/voice/confirm?outbox=12&n=4&lang=es&r=0"
    assert root.find("Redirect") is None  # silence does nothing
    assert {s.get("language") for s in root.iter("Say")} == {"es-US"}
    said = " ".join(s.text or "" for s in root.iter("Say"))
    assert "incidente número 4" in said and "No se confirmó nada" in said


def test_a_long_list_of_incidents_is_read_as_a_few_and_a_count() -> None:
    # An admin pressing 0 with 60 open incidents heard sixty numbers (new-user trial).
    ids = list(range(1, 61))
    en = voice_text(Reply(ReplyKey.ACK_WHICH, {"ids": ids}, "en"))
    assert f"number {VOICE_LIST_MAX}, and {60 - VOICE_LIST_MAX} more" in en
    assert f"number {VOICE_LIST_MAX + 1}" not in en
    es = voice_text(Reply(ReplyKey.RESOLVE_WHICH, {"ids": ids}, "es"))
    assert f"y {60 - VOICE_LIST_MAX} más" in es
    short = voice_text(Reply(ReplyKey.ACK_WHICH, {"ids": [1, 2]}, "en"))
    assert "number 1, number 2" in short and "more" not in short
