"""Records requests (FERPA) on an incident: what was presented, what it covers, the parent
notice and the response deadline, and when a reminder is due. Pure (issue 12, 0030).

FERPA, 34 CFR 99.31(a)(9)(ii): education records may be disclosed under a lawfully
issued subpoena or judicial order only after a reasonable effort to notify the parent
or eligible student in advance of compliance, so they may seek protective action -
unless the issuer (a federal grand jury, or a court or agency for a law enforcement
purpose) ordered that it not be disclosed. 34 CFR 99.32: the school records each
request and disclosure. The district letter, steps G and H. Whether a document is a
lawful subpoena or order is counsel's call: alertbot records and reminds, never decides.

Records are named by category, never by student: the categories are a fixed list,
plus free "other" text that the console flags (it may name a student by mistake).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

REMIND_BEFORE = 3600.0  # seconds: a reminder goes this long before a due time (or at once)
TEXT_MAX = 1000  # characters of a free-text field


class Presented(StrEnum):
    JUDICIAL_WARRANT = "judicial_warrant"
    COURT_ORDER = "court_order"
    SUBPOENA = "subpoena"
    OTHER = "other"


CATEGORIES = ("directory", "enrollment", "attendance", "grades", "schedule", "discipline",
              "health", "special_education", "contact")
NOTICE_METHODS = ("phone", "letter", "email", "in_person", "other")


class DueKind(StrEnum):
    PARENT_NOTICE = "parent_notice"
    RESPONSE = "response"


@dataclass(frozen=True)
class RecordsRequest:
    """A request as stored; times in epoch seconds, people as contact names."""

    id: int
    incident_id: int
    presented: Presented
    categories: tuple[str, ...]
    other_category: str = ""
    non_disclosure: bool = False
    parent_notice_due_at: float | None = None
    parents_notified_at: float | None = None
    parents_notified_by: str | None = None
    parents_notified_how: str | None = None
    response_due_at: float | None = None
    provided_at: float | None = None
    provided_by: str | None = None
    counsel_signoff_at: float | None = None
    counsel_signoff_by: str | None = None
    notes: str = ""
    created_by: str = ""
    created_at: float = 0.0

    @property
    def parent_notice_required(self) -> bool:
        """Unless the issuer ordered non-disclosure (FERPA 99.31(a)(9)(ii))."""
        return not self.non_disclosure


@dataclass(frozen=True)
class DueItem:
    kind: DueKind
    due_at: float  # epoch seconds

    def key(self, request_id: int) -> str:
        """One reminder per due item: a new due time is a new item."""
        return f"records:{request_id}:{self.kind}:{int(self.due_at)}"

    @property
    def remind_at(self) -> float:
        return self.due_at - REMIND_BEFORE


def open_items(req: RecordsRequest) -> list[DueItem]:
    """The due items not yet logged: the parent notice (when required and not logged)
    and the response (records not yet provided)."""
    items: list[DueItem] = []
    if (req.parent_notice_required and req.parent_notice_due_at is not None
            and req.parents_notified_at is None and req.provided_at is None):
        items.append(DueItem(DueKind.PARENT_NOTICE, req.parent_notice_due_at))
    if req.response_due_at is not None and req.provided_at is None:
        items.append(DueItem(DueKind.RESPONSE, req.response_due_at))
    return items


def reminders_due(req: RecordsRequest, now: float) -> list[DueItem]:
    """Open items whose reminder time (``REMIND_BEFORE`` ahead of the due time) has come."""
    return [item for item in open_items(req) if item.remind_at <= now]


def next_reminder(req: RecordsRequest) -> float | None:
    """When this request's next reminder is due (epoch seconds), or None."""
    times = [item.remind_at for item in open_items(req)]
    return min(times) if times else None


class Flag(StrEnum):
    """What the console flags on a request (never a block: counsel decides)."""

    OTHER_CATEGORY = "other_category"  # free text: make sure it names no student
    PROVIDED_BEFORE_NOTICE = "provided_before_notice"  # FERPA: notice not logged
    PROVIDED_WITHOUT_COUNSEL = "provided_without_counsel"
    NO_CATEGORIES = "no_categories"


def flags(req: RecordsRequest) -> list[Flag]:
    out: list[Flag] = []
    if req.other_category:
        out.append(Flag.OTHER_CATEGORY)
    if not req.categories and not req.other_category:
        out.append(Flag.NO_CATEGORIES)
    if req.provided_at is not None:
        if req.parent_notice_required and req.parents_notified_at is None:
            out.append(Flag.PROVIDED_BEFORE_NOTICE)
        if req.counsel_signoff_at is None:
            out.append(Flag.PROVIDED_WITHOUT_COUNSEL)
    return out


def clean_categories(raw: list[str]) -> tuple[tuple[str, ...], list[str]]:
    """The known categories among ``raw`` (in the fixed order) and the unknown ones."""
    known = tuple(c for c in CATEGORIES if c in raw)
    return known, [c for c in raw if c not in CATEGORIES]


def form_flag(form: Mapping[str, str], name: str) -> bool:
    return str(form.get(name, "")).strip().lower() in ("1", "on", "yes", "true")
