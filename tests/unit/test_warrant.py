"""The warrant aid's table (core/warrant.py): answers -> kind, entry, cautions, sources.
Every row keeps "counsel decides"; none ever says a document authorizes entry outright."""

from __future__ import annotations

import pytest

from alertbot.core.warrant import (
    Answer,
    Answers,
    Caution,
    Entry,
    Form,
    Header,
    Kind,
    Signer,
    Source,
    assess,
    parse_answers,
)

J, OF, U = Signer.JUDGE, Signer.OFFICER, Signer.UNKNOWN
C, A, HU = Header.COURT, Header.AGENCY, Header.UNKNOWN
Y, N, Q = Answer.YES, Answer.NO, Answer.UNKNOWN

# (signed_by, header, form, names_address, names_person) -> kind, entry, cautions
TABLE: list[tuple[tuple[Signer, Header, Form, Answer, Answer], Kind, Entry,
                  tuple[Caution, ...]]] = [
    # A court's warrant naming the address and the person: may authorize, counsel reviews.
    ((J, C, Form.NONE, Y, Y), Kind.JUDICIAL, Entry.MAY_AUTHORIZE, (Caution.RECORDS_FERPA,)),
    ((J, C, Form.UNKNOWN, Q, Y), Kind.JUDICIAL, Entry.MAY_AUTHORIZE,
     (Caution.CHECK_ADDRESS, Caution.RECORDS_FERPA)),
    ((J, C, Form.NONE, N, N), Kind.JUDICIAL, Entry.MAY_AUTHORIZE,
     (Caution.ADDRESS_NOT_NAMED, Caution.PERSON_NOT_NAMED, Caution.RECORDS_FERPA)),
    # The ICE forms: signed by an officer, they do not by themselves authorize entry.
    ((OF, A, Form.I200, Y, Y), Kind.ADMIN_ARREST, Entry.NOT_BY_ITSELF, ()),
    ((OF, A, Form.I205, Y, Y), Kind.ADMIN_REMOVAL, Entry.NOT_BY_ITSELF, ()),
    ((U, HU, Form.I200, Q, Q), Kind.ADMIN_ARREST, Entry.NOT_BY_ITSELF, ()),
    ((OF, A, Form.I247A, Q, Y), Kind.DETAINER, Entry.NOT_ENTRY, ()),
    ((OF, A, Form.I138, Q, Q), Kind.ADMIN_SUBPOENA, Entry.NOT_ENTRY, (Caution.RECORDS_FERPA,)),
    ((OF, HU, Form.OTHER, Y, Y), Kind.ADMINISTRATIVE, Entry.NOT_BY_ITSELF, ()),
    ((OF, A, Form.NONE, Y, Y), Kind.ADMINISTRATIVE, Entry.NOT_BY_ITSELF, ()),
    ((U, A, Form.UNKNOWN, Q, Q), Kind.ADMINISTRATIVE, Entry.NOT_BY_ITSELF, ()),
    # Mixed signals: never "may authorize"; decline until counsel has reviewed it.
    ((J, A, Form.I200, Y, Y), Kind.ADMIN_ARREST, Entry.TREAT_AS_NOT, (Caution.MIXED_SIGNALS,)),
    ((OF, C, Form.NONE, Y, Y), Kind.UNCLEAR, Entry.TREAT_AS_NOT, (Caution.MIXED_SIGNALS,)),
    ((J, C, Form.I205, Y, Y), Kind.ADMIN_REMOVAL, Entry.TREAT_AS_NOT,
     (Caution.MIXED_SIGNALS,)),
    # Too little known: one sign of a court alone is not enough.
    ((U, HU, Form.UNKNOWN, Q, Q), Kind.UNCLEAR, Entry.TREAT_AS_NOT, ()),
    ((J, HU, Form.NONE, Y, Y), Kind.UNCLEAR, Entry.TREAT_AS_NOT, ()),
    ((U, C, Form.NONE, Y, Y), Kind.UNCLEAR, Entry.TREAT_AS_NOT, ()),
]


@pytest.mark.parametrize(("answers", "kind", "entry", "cautions"), TABLE)
def test_warrant_aid_table(answers: tuple[Signer, Header, Form, Answer, Answer], kind: Kind,
                           entry: Entry, cautions: tuple[Caution, ...]) -> None:
    result = assess(Answers(*answers))
    assert (result.kind, result.entry, result.cautions) == (kind, entry, cautions)
    assert result.counsel_decides
    assert Source.LETTER_E in result.sources  # every assessment names the district letter


def test_only_a_judge_and_a_court_together_may_authorize() -> None:
    """Over every combination of answers, "may authorize" needs both a judge's signature
    and a court header, and no ICE form number."""
    for signer in Signer:
        for header in Header:
            for form in Form:
                result = assess(Answers(signer, header, form))
                if result.entry is Entry.MAY_AUTHORIZE:
                    assert (signer, header) == (J, C)
                    assert form in (Form.NONE, Form.UNKNOWN)
                assert result.counsel_decides


def test_administrative_forms_cite_the_forms_note() -> None:
    assert Source.DOMAIN_FORMS in assess(Answers(OF, A, Form.I200)).sources
    assert Source.FERPA in assess(Answers(OF, A, Form.I138)).sources


def test_parse_answers_defaults_to_unknown_and_names_bad_values() -> None:
    answers, problems = parse_answers({"signed_by": "judge", "form": "I-247A"})
    assert answers == Answers(J, HU, Form.I247A, Q, Q) and problems == []
    _answers, problems = parse_answers({"signed_by": "sheriff", "names_person": "maybe"})
    assert problems == ["signed_by: one of judge, officer, unknown",
                        "names_person: one of yes, no, unknown"]
