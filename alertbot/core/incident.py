"""The incident and its state machine: triggered → acknowledged → resolved."""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

from alertbot.core.plan import Plan

# The ``source`` of an incident a scheduled drill opened (issue 14). It never takes its
# school's open slot: a real report at that school must open a real incident, never
# join (or be merged into) a drill.
SCHEDULED = "schedule"


class State(StrEnum):
    TRIGGERED = "triggered"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"


class InvalidTransition(Exception):
    """The incident cannot move that way (e.g. acknowledging a resolved incident)."""


@dataclass(frozen=True)
class Incident:
    id: int
    type: str
    title: str
    school_id: str | None
    school_name: str | None
    reporter_id: str | None
    reporter_name: str
    reporter_phone: str | None
    source: str  # sms | voice | slack | sandbox | api
    details: str
    language: str
    created_at: float
    plan: Plan
    state: State = State.TRIGGERED
    step: int = -1  # last step paged; -1 before the first
    round: int = 0
    due_at: float | None = None  # when the escalation next acts
    acknowledged_by: str | None = None
    acknowledged_by_name: str | None = None
    acknowledged_at: float | None = None
    resolved_by: str | None = None
    resolved_at: float | None = None
    unverified: bool = False
    drill: bool = False
    first_page_at: float | None = None  # when a provider first accepted one of its pages

    @property
    def is_open(self) -> bool:
        return self.state is not State.RESOLVED

    def acknowledge(self, contact_id: str, name: str, now: float) -> Incident:
        if self.state is State.RESOLVED:
            raise InvalidTransition(f"incident {self.id} is already resolved")
        if self.state is State.ACKNOWLEDGED:
            raise InvalidTransition(
                f"incident {self.id} was already acknowledged by {self.acknowledged_by_name}"
            )
        return replace(
            self,
            state=State.ACKNOWLEDGED,
            acknowledged_by=contact_id,
            acknowledged_by_name=name,
            acknowledged_at=now,
            due_at=None,
        )

    def resolve(self, contact_id: str, now: float) -> Incident:
        if self.state is State.RESOLVED:
            raise InvalidTransition(f"incident {self.id} is already resolved")
        return replace(
            self, state=State.RESOLVED, resolved_by=contact_id, resolved_at=now, due_at=None
        )
