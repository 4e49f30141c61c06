"""The encounter log: the fields the district's logs keep (DOMAIN.md: time, place, number
of agents, names, agency, badge numbers, stated purpose, documents shown, who was
present, what was said and done) and the outcome. Pure (issue 12, decision 0030).

Times are epoch seconds and ``agents_count`` a count: kept for statistics when retention
purges the free text (``FREE_TEXT``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from enum import StrEnum

TEXT_MAX = 2000  # characters of one free-text field
AGENCY_MAX = 100


class Outcome(StrEnum):
    DECLINED = "declined"  # entry declined (no judicial warrant; district letter, step E)
    WARRANT = "warrant"  # entry under a judicial warrant (step F, with counsel)
    LEFT = "left"  # the agents left
    OTHER = "other"  # see ``outcome_other``


@dataclass(frozen=True)
class Encounter:
    arrived_at: float | None = None
    left_at: float | None = None
    agents_count: int | None = None
    agency: str = ""
    outcome: str = ""  # an ``Outcome`` value or ""
    agents: str = ""  # names and badge numbers
    purpose: str = ""  # the stated purpose
    documents: str = ""  # documents shown
    present: str = ""  # who was present
    account: str = ""  # what was said and done
    outcome_other: str = ""
    updated_by: str = ""
    updated_at: float | None = None


FIELDS = tuple(f.name for f in fields(Encounter) if f.name not in ("updated_by", "updated_at"))
TIMES = ("arrived_at", "left_at")
FREE_TEXT = ("agents", "purpose", "documents", "present", "account", "outcome_other")


def changed_fields(before: Encounter | None, changes: Mapping[str, object]) -> dict[str, object]:
    """The entries of ``changes`` that differ from ``before`` (None: an empty log)."""
    base = before or Encounter()
    return {k: v for k, v in changes.items() if k in FIELDS and getattr(base, k) != v}
