"""Templates, GSM-7 / UCS-2 segment counting, folding to GSM-7 and cleaning user text."""

from __future__ import annotations

import string
from pathlib import Path

import pytest

from alertbot.config.loader import load_config
from alertbot.config.yamlmap import Problem
from alertbot.core.model import Config
from alertbot.service.notices import ordinal
from alertbot.text.messages import (
    GSM7,
    GSM7_EXT,
    TEMPLATES,
    clean_text,
    is_gsm7,
    render,
    segments,
    to_gsm7,
)

REPO = Path(__file__).resolve().parents[2]

# --- segments ------------------------------------------------------------------------------

SEGMENTS = [
    # (case, text, encoding, segments)
    ("empty", "", "GSM-7", 1),
    ("one char", "a", "GSM-7", 1),
    ("GSM-7 single-part limit", "a" * 160, "GSM-7", 1),
    ("GSM-7 one over", "a" * 161, "GSM-7", 2),
    ("GSM-7 two parts of 153", "a" * 306, "GSM-7", 2),
    ("GSM-7 three parts", "a" * 307, "GSM-7", 3),
    ("GSM-7 accents é ñ ü stay GSM-7", "é" * 80 + "ñ" * 80, "GSM-7", 1),
    ("extended chars count two: 80 x €", "€" * 80, "GSM-7", 1),
    ("extended chars count two: 81 x €", "€" * 81, "GSM-7", 2),
    ("one extended char tips 159 over", "a" * 159 + "[", "GSM-7", 2),
    ("brackets and braces", "{}[]~^|\\" * 20, "GSM-7", 3),  # 160 chars, 320 units
    ("UCS-2 single-part limit", "á" * 70, "UCS-2", 1),
    ("UCS-2 one over", "á" * 71, "UCS-2", 2),
    ("UCS-2 two parts of 67", "á" * 134, "UCS-2", 2),
    ("UCS-2 three parts", "á" * 135, "UCS-2", 3),
    ("one accent switches a page to UCS-2", "a" * 100 + "á", "UCS-2", 2),
    ("emoji are two UTF-16 units: 35 fit", "😀" * 35, "UCS-2", 1),
    ("emoji are two UTF-16 units: 36 do not", "😀" * 36, "UCS-2", 2),
    ("bullet is not GSM-7", "•", "UCS-2", 1),
]


@pytest.mark.parametrize(("case", "text", "encoding", "count"), SEGMENTS,
                         ids=[row[0] for row in SEGMENTS])
def test_segments(case: str, text: str, encoding: str, count: int) -> None:
    assert segments(text) == (encoding, count)


def test_gsm7_tables() -> None:
    assert len(GSM7) == 127  # the basic set: 128 positions, one of them the escape
    assert frozenset("^{}\\[~]|€\f") == GSM7_EXT
    assert not GSM7 & GSM7_EXT
    assert is_gsm7("ALERTA #12: Pérez, Ñuñez; ¿qué? ¡ya! @ £ $ ¥ § 100%")
    assert not is_gsm7("García")  # í
    assert not is_gsm7("ç")  # only the capital Ç is GSM-7


# --- to_gsm7 ---------------------------------------------------------------------------------

FOLD = [
    ("á folds to a", "á", "a"),
    ("é stays", "é", "é"),
    ("ñ stays", "ñ", "ñ"),
    ("Ñ ü Ü ä ö à è ù ì ò Ç É stay", "Ñ ü Ü ä ö à è ù ì ò Ç É", "Ñ ü Ü ä ö à è ù ì ò Ç É"),
    ("other accents fold", "íóúÁÍÓÚâêîôûç", "iouAIOUaeiouc"),
    ("a name", "José García Núñez", "José Garcia Nuñez"),
    ("smart quotes", "“quoted” ‘single’", "\"quoted\" 'single'"),
    ("dashes and ellipsis", "a – b — c…", "a - b - c..."),
    ("extended chars stay", "[x] {y} €5", "[x] {y} €5"),
    ("no GSM-7 form: kept", "😀 • 中", "😀 • 中"),
    ("plain ASCII unchanged", "ALERT #12: Burns Academy.", "ALERT #12: Burns Academy."),
]


@pytest.mark.parametrize(("case", "text", "folded"), FOLD, ids=[row[0] for row in FOLD])
def test_to_gsm7(case: str, text: str, folded: str) -> None:
    assert to_gsm7(text) == folded


def test_folding_turns_a_ucs2_page_into_gsm7() -> None:
    text = "ALERTA #12: Visita en la Academia Burns. Aviso 08:14 de Ana Pérez y María. " * 2
    assert segments(text) == ("UCS-2", 3)
    assert segments(to_gsm7(text)) == ("GSM-7", 1)


# --- clean_text ------------------------------------------------------------------------------

CLEAN = [
    ("plain", "2 agents at front desk", "2 agents at front desk"),
    ("NUL and bell", "a\x00b\x07c", "a b c"),
    ("escape sequence", "red\x1b[31mtext", "red [31mtext"),
    ("DEL", "a\x7fb", "a b"),
    ("zero-width and bidi override", "a\u200bb\u202ec", "a b c"),
    ("blanks collapse", "  two   agents\t\tat\r\ndoor  ", "two agents at door"),
    ("newlines become spaces", "line one\nline two", "line one line two"),
    ("accents and emoji kept", "Pérez 😀", "Pérez 😀"),
    ("only control chars", "\x00\x01\x02", ""),
]


@pytest.mark.parametrize(("case", "text", "cleaned"), CLEAN, ids=[row[0] for row in CLEAN])
def test_clean_text(case: str, text: str, cleaned: str) -> None:
    assert clean_text(text) == cleaned


def test_clean_text_bounds_length() -> None:
    # One word longer than the limit has no boundary: cut there, marked.
    assert clean_text("x" * 1000) == "x" * 599 + "\u2026"
    assert clean_text("x" * 1000, limit=10) == "x" * 9 + "\u2026"
    assert clean_text("x" * 600) == "x" * 600  # at the limit: untouched


def test_clean_text_cuts_at_a_word_and_marks_the_cut() -> None:
    cleaned = clean_text("agents at the front door " * 40)
    assert len(cleaned) <= 600
    assert cleaned.endswith("\u2026")
    assert set(cleaned[:-1].split()) <= {"agents", "at", "the", "front", "door"}
    assert clean_text("one two three", limit=10) == "one two\u2026"


ZWJ_EMOJI = ["\U0001F46E\u200d\u2642\ufe0f", "\U0001F468\u200d\U0001F469\u200d\U0001F467",
             "\U0001F3F3\ufe0f\u200d\U0001F308", "6\ufe0f\u20e3"]


@pytest.mark.parametrize("emoji", ZWJ_EMOJI)
def test_clean_text_keeps_joined_emoji_whole(emoji: str) -> None:
    assert clean_text(f"officer {emoji} at door") == f"officer {emoji} at door"


def test_clean_text_keeps_zero_width_non_joiner_and_newer_emoji() -> None:
    assert clean_text("\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645") == (
        "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645")  # Persian needs ZWNJ
    assert clean_text("shaking \U0001FAE8") == "shaking \U0001FAE8"  # Unicode 15 emoji


@pytest.mark.parametrize("mark", [chr(c) for c in [*range(0x202A, 0x202F),
                                                  *range(0x2066, 0x206A)]])
def test_clean_text_drops_bidirectional_overrides_and_isolates(mark: str) -> None:
    assert mark not in clean_text(f"gate{mark}A at door{mark}")


def test_clean_text_never_leaves_a_lone_surrogate() -> None:
    cleaned = clean_text("a\ud83d b")
    cleaned.encode("utf-8")  # storable
    assert cleaned == "a b"


# --- templates ---------------------------------------------------------------------------------

def placeholders(template: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(template) if field is not None}


def test_templates_exist_in_english_and_spanish() -> None:
    assert set(TEMPLATES) >= {"en", "es"}


@pytest.mark.parametrize("language", sorted(TEMPLATES))
def test_every_template_key_in_every_language(language: str) -> None:
    assert set(TEMPLATES[language]) == set(TEMPLATES["en"])


@pytest.mark.parametrize("key", sorted(TEMPLATES["en"]))
def test_same_placeholders_in_every_language(key: str) -> None:
    expected = placeholders(TEMPLATES["en"][key])
    for language, table in TEMPLATES.items():
        assert placeholders(table[key]) == expected, (language, key)


@pytest.mark.parametrize("key", sorted(TEMPLATES["en"]))
def test_templates_are_gsm7_text(key: str) -> None:
    """Our own words never force UCS-2 by SMS: only names and free text can. English is
    GSM-7 as written; Spanish is written with its accents (Slack, the web and the
    console show them) and folds to GSM-7 (``to_gsm7``, as every SMS is sent: decision
    0047) without losing a letter (é, ñ, ¿ stay; á, í, ó, ú lose the accent)."""
    assert is_gsm7(TEMPLATES["en"][key]), key
    spanish = TEMPLATES["es"][key]
    assert is_gsm7(to_gsm7(spanish)), key
    assert len(to_gsm7(spanish)) == len(spanish), key


def test_render_falls_back_to_english() -> None:
    assert render("ack_none", "fr") == TEMPLATES["en"]["ack_none"]
    assert render("resolve_ok", "es", n=7) == "#7 cerrado. Gracias."


# --- pages for the sample district fit in two GSM-7 segments ------------------------------------

def _sample() -> Config:
    problems: list[Problem] = []
    config = load_config(REPO / "escalation.yaml", REPO / "contacts", problems)
    assert config is not None, [str(p) for p in problems]
    return config


CONFIG = _sample()
LONG_NAME = "Maria Guadalupe Hernández-Villanueva Ortíz"  # 42 characters, accents to fold
REPORTERS = [
    *sorted({c.name for c in CONFIG.contacts.values()}),
    "+18605550199",  # an unknown reporter shown by number
    LONG_NAME,
]
SCHOOL_NAMES = [s.name for s in CONFIG.schools.values()]


def page(language: str, title: str, reporter: str, unverified: bool) -> str:
    text = render(
        "page", language, n=999_999, title=title, time="23:59", reporter=reporter,
        unverified=render("unverified", language) if unverified else "",
    )
    return to_gsm7(text)


@pytest.mark.parametrize("language", sorted(TEMPLATES))
@pytest.mark.parametrize("incident", sorted(CONFIG.incidents))
def test_every_sample_page_fits_two_gsm7_segments(language: str, incident: str) -> None:
    itype = CONFIG.incidents[incident]
    no_school = render("no_school", language)
    worst = ("", 0)
    for school in [*SCHOOL_NAMES, no_school, "Riverside Latino Studies Academy at Pulaski"]:
        title = itype.title_in(language).format(school=school)
        for reporter in REPORTERS:
            for unverified in (False, True):
                # the longest repeat mark a page carries ("(12th page)")
                mark = render("repeat_mark", language, ordinal=ordinal(12, language))
                text = page(language, title + mark, reporter, unverified)
                encoding, count = segments(text)
                assert encoding == "GSM-7", text
                assert count <= 2, text
                worst = max(worst, (text, len(text)), key=lambda w: w[1])
    assert worst[1] <= 306


def test_page_names_number_school_and_how_to_acknowledge() -> None:
    text = page("en", "Enforcement visit at Burns Academy", "Ana Pérez", False)
    assert text == ("ALERT #999999: Enforcement visit at Burns Academy. Reported 23:59 by "
                    "Ana Pérez. Reply ACK 999999 to respond.")
    es = page("es", "Enforcement visit at Burns Academy", "Ana Pérez", True)
    assert "#999999" in es and "Burns Academy" in es and "ACK 999999" in es
    assert "NO VERIFICADO" in es


@pytest.mark.parametrize("language", sorted(TEMPLATES))
@pytest.mark.parametrize("incident", sorted(CONFIG.incidents))
def test_sample_receipt_with_guidance_fits_two_segments(language: str, incident: str) -> None:
    guidance = CONFIG.incidents[incident].guidance.get(language) or \
        CONFIG.incidents[incident].guidance["en"]
    for tail in ("receipt_tail", "receipt_ask_school"):
        text = to_gsm7(render("receipt", language, n=999_999, guidance=guidance)
                       + render(tail, language))
        assert segments(text) in {("GSM-7", 1), ("GSM-7", 2)}, text
