"""Issue 12's texts: the records-request reminder (en/es, GSM-7, one message, no names)
and the warrant aid's sentences (always "counsel decides" and the sources)."""

from __future__ import annotations

import pytest

from alertbot.core.warrant import Answers, Entry, Form, Header, Kind, Signer, assess
from alertbot.text.messages import is_gsm7, segments
from alertbot.text.procedure_sms import due_time, reminder_sms
from alertbot.text.procedure_ui import UI
from alertbot.text.warrant_text import TEXTS, assessment_lines

T = 1_800_000_000.0  # 2027-01-15 03:00 in New York
TZ = "America/New_York"
URL = "https://alerts.example.test/incidents/12"


@pytest.mark.parametrize(("at", "language", "now", "shown"), [
    (T + 12 * 3600, "en", T, "3:00 PM"), (T, "en", T, "3:00 AM"),
    (T + 9 * 3600, "en", T, "12:00 PM"), (T + 21 * 3600, "en", T + 21 * 3600, "12:00 AM"),
    (T + 12 * 3600, "es", T, "15:00"),
    (T + 2 * 86400, "en", T, "Jan 17, 3:00 AM"), (T + 2 * 86400, "es", T, "17/1 03:00"),
])
def test_due_times_read_as_people_say_them(at: float, language: str, now: float,
                                           shown: str) -> None:
    assert due_time(at, TZ, language, now) == shown


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("kind", ["parent_notice", "response"])
def test_reminders_fit_one_gsm7_message_and_name_no_one(language: str, kind: str) -> None:
    body = reminder_sms(kind, language, n=12, r=3, due_at=T + 12 * 3600, timezone=TZ,
                        url=URL, now=T)
    assert is_gsm7(body) and segments(body)[1] <= 2
    assert "#12" in body and URL in body and ("3:00 PM" in body or "15:00" in body)


def test_the_english_reminder_reads_as_in_the_issue() -> None:
    assert reminder_sms("response", "en", n=12, r=3, due_at=T + 12 * 3600, timezone=TZ,
                        url=URL, now=T) == (
        "alertbot: a records-request deadline for #12 (request 3) is due at 3:00 PM. "
        "Details in the console: https://alerts.example.test/incidents/12")


@pytest.mark.parametrize("language", ["en", "es"])
def test_every_assessment_ends_with_counsel_and_sources(language: str) -> None:
    for signer in Signer:
        for header in Header:
            for form in Form:
                lines = assessment_lines(assess(Answers(signer, header, form)), language)
                assert lines[-2] == TEXTS[language]["counsel"]
                assert lines[-1].startswith(("Sources:", "Fuentes:"))


def test_the_administrative_form_sentence_is_the_districts() -> None:
    result = assess(Answers(Signer.OFFICER, Header.AGENCY, Form.I205))
    assert (result.kind, result.entry) == (Kind.ADMIN_REMOVAL, Entry.NOT_BY_ITSELF)
    assert ("An administrative form does not by itself authorize entry to non-public areas"
            in " ".join(assessment_lines(result, "en")))


def test_every_ui_and_warrant_key_exists_in_both_languages() -> None:
    assert set(UI["en"]) == set(UI["es"])
    assert set(TEXTS["en"]) == set(TEXTS["es"])
