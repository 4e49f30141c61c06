"""The warrant aid: a designee's answers about a document -> what kind it appears to be and
what that means for entry. Pure (issue 12, decision 0032).

Never a verdict: every assessment says counsel decides, and names its sources. The
rules, from the district's letter to families (steps E-G: no entry for enforcement
without a warrant signed by a judge; counsel reviews what a warrant authorizes and who
issued it) and the project's domain notes (../shared/DOMAIN.md):

- a judicial warrant comes from a court: the header names a U.S. District Court or a
  state court, and a judge or magistrate signs it;
- ICE Forms I-200 (arrest) and I-205 (removal) are signed by immigration officers, not
  judges, and do not by themselves authorize entry to non-public areas;
- I-247A is a detainer (a request to a jail to hold someone); I-138 an administrative
  subpoena (a request for records or testimony, FERPA step G for student records).

Texts live in text/warrant_text.py: this module returns keys.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Signer(StrEnum):
    JUDGE = "judge"  # a judge or magistrate
    OFFICER = "officer"  # an immigration officer (ICE, DHS)
    UNKNOWN = "unknown"


class Header(StrEnum):
    COURT = "court"  # a U.S. District Court or a state court
    AGENCY = "agency"  # DHS / ICE / another agency
    UNKNOWN = "unknown"


class Form(StrEnum):
    NONE = "none"  # no form number
    I200 = "I-200"
    I205 = "I-205"
    I247A = "I-247A"
    I138 = "I-138"
    OTHER = "other"  # another form number
    UNKNOWN = "unknown"


class Answer(StrEnum):
    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"


class Kind(StrEnum):
    """What the document appears to be (never what it is: counsel decides)."""

    JUDICIAL = "judicial"  # appears to be a judicial warrant or order
    ADMIN_ARREST = "admin_arrest"  # I-200
    ADMIN_REMOVAL = "admin_removal"  # I-205
    DETAINER = "detainer"  # I-247A
    ADMIN_SUBPOENA = "admin_subpoena"  # I-138
    ADMINISTRATIVE = "administrative"  # signed by an officer / agency header, other form
    UNCLEAR = "unclear"  # the answers disagree or are unknown


class Entry(StrEnum):
    """What the kind means for entry to non-public areas."""

    MAY_AUTHORIZE = "may_authorize"  # only as far as it reaches; counsel reviews (F)
    NOT_BY_ITSELF = "not_by_itself"  # an administrative form does not by itself (E)
    NOT_ENTRY = "not_entry"  # a detainer or subpoena is not about entry at all
    TREAT_AS_NOT = "treat_as_not"  # unclear: decline until counsel has reviewed it


class Caution(StrEnum):
    ADDRESS_NOT_NAMED = "address_not_named"
    PERSON_NOT_NAMED = "person_not_named"
    CHECK_ADDRESS = "check_address"  # not known whether it names this address
    MIXED_SIGNALS = "mixed_signals"  # e.g. a judge's signature on an ICE form number
    RECORDS_FERPA = "records_ferpa"  # records: parents notified first unless ordered not


class Source(StrEnum):
    LETTER_E = "letter_e"  # district letter, step E
    LETTER_F = "letter_f"
    LETTER_G = "letter_g"
    DOMAIN_FORMS = "domain_forms"  # DOMAIN.md: the ICE forms
    FERPA = "ferpa"  # 34 CFR 99.31(a)(9)(ii)


@dataclass(frozen=True)
class Answers:
    signed_by: Signer = Signer.UNKNOWN
    header: Header = Header.UNKNOWN
    form: Form = Form.UNKNOWN
    names_address: Answer = Answer.UNKNOWN
    names_person: Answer = Answer.UNKNOWN


@dataclass(frozen=True)
class Assessment:
    """``counsel_decides`` is always True: the aid never decides (decision 0032)."""

    kind: Kind
    entry: Entry
    cautions: tuple[Caution, ...]
    sources: tuple[Source, ...]
    counsel_decides: bool = True


_FORM_KINDS = {Form.I200: Kind.ADMIN_ARREST, Form.I205: Kind.ADMIN_REMOVAL,
               Form.I247A: Kind.DETAINER, Form.I138: Kind.ADMIN_SUBPOENA,
               Form.OTHER: Kind.ADMINISTRATIVE}


def _kind(a: Answers) -> tuple[Kind, bool]:
    """The kind, and whether the answers pointed two ways."""
    judicial = a.signed_by is Signer.JUDGE or a.header is Header.COURT
    administrative = (a.signed_by is Signer.OFFICER or a.header is Header.AGENCY
                      or a.form in _FORM_KINDS)
    if judicial and administrative:
        # An ICE form number signed by a judge, a court header signed by an officer...
        return (_FORM_KINDS.get(a.form, Kind.UNCLEAR) if a.form in _FORM_KINDS
                else Kind.UNCLEAR), True
    if a.form in _FORM_KINDS:
        return _FORM_KINDS[a.form], False
    if administrative:
        return Kind.ADMINISTRATIVE, False
    if a.signed_by is Signer.JUDGE and a.header is Header.COURT:
        return Kind.JUDICIAL, False
    return Kind.UNCLEAR, False  # one sign of a court alone is not enough to say


def assess(a: Answers) -> Assessment:
    """What the document appears to be and what that means for entry, with cautions
    and sources. Mixed signals always lead to "treat as not authorizing entry until
    counsel has reviewed it"; a judicial appearance only ever "may authorize", as far as
    it reaches."""
    kind, mixed = _kind(a)
    cautions: list[Caution] = [Caution.MIXED_SIGNALS] if mixed else []
    sources = [Source.LETTER_E]
    if kind is Kind.JUDICIAL:
        entry = Entry.MAY_AUTHORIZE
        sources.append(Source.LETTER_F)
    elif kind in (Kind.DETAINER, Kind.ADMIN_SUBPOENA):
        entry = Entry.NOT_ENTRY
    elif kind is Kind.UNCLEAR or mixed:
        entry = Entry.TREAT_AS_NOT
    else:
        entry = Entry.NOT_BY_ITSELF
    if mixed or kind not in (Kind.UNCLEAR, Kind.JUDICIAL):
        sources.append(Source.DOMAIN_FORMS)
    if a.names_address is Answer.NO:
        cautions.append(Caution.ADDRESS_NOT_NAMED)
    elif a.names_address is Answer.UNKNOWN and entry is Entry.MAY_AUTHORIZE:
        cautions.append(Caution.CHECK_ADDRESS)
    if a.names_person is Answer.NO:
        cautions.append(Caution.PERSON_NOT_NAMED)
    if kind in (Kind.ADMIN_SUBPOENA, Kind.JUDICIAL):
        cautions.append(Caution.RECORDS_FERPA)
        sources += [Source.LETTER_G, Source.FERPA]
    return Assessment(kind, entry, tuple(cautions), tuple(dict.fromkeys(sources)))


def parse_answers(raw: dict[str, str]) -> tuple[Answers, list[str]]:
    """Answers from a form (``signed_by``, ``header``, ``form``, ``names_address``,
    ``names_person``; a missing one is ``unknown``) and the problems (English)."""
    problems: list[str] = []

    def pick(name: str, enum: type[StrEnum]) -> StrEnum:
        value = str(raw.get(name, "") or "unknown").strip()
        try:
            return enum(value)
        except ValueError:
            problems.append(f"{name}: one of " + ", ".join(e.value for e in enum))
            return enum("unknown")

    answers = Answers(
        signed_by=Signer(pick("signed_by", Signer)), header=Header(pick("header", Header)),
        form=Form(pick("form", Form)), names_address=Answer(pick("names_address", Answer)),
        names_person=Answer(pick("names_person", Answer)))
    return answers, problems


@dataclass(frozen=True)
class WarrantReview:
    """A stored review: the answers, when and by whom, an optional ``document_id`` (a
    document of the incident, when the photo came in) and a note (free text)."""

    id: int
    incident_id: int
    answers: Answers
    reviewed_by: str
    reviewed_by_name: str
    reviewed_at: float
    document_id: str | None = None
    note: str = ""

    @property
    def assessment(self) -> Assessment:
        return assess(self.answers)
