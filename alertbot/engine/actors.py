"""Who sent a command, and what they are told back (as data: an outcome, not wording)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from alertbot.core.who import Proof
from alertbot.domain.model import Contact
from alertbot.redact import mask_phone

# ``Proof`` (how the sender's identity was shown) lives with the rules that weigh it.
__all__ = ["Actor", "Outcome", "Proof", "Reply"]


@dataclass(frozen=True)
class Actor:
    """Who sent a command: a known contact, or an outsider's phone / Slack id.

    ``proof`` says how that identity was established. It defaults to the weakest,
    ``CALLER_ID``: a way in that does not say how it knows who is speaking cannot
    stop paging (the receiver offers a confirmation call instead).
    """

    contact: Contact | None
    phone: str | None = None
    slack_id: str | None = None
    proof: Proof = Proof.CALLER_ID

    @property
    def display(self) -> str:
        """How responders see this person: a name, or an outsider's full number so they
        can call back (pages go only to responders; logs use ``mask_phone``)."""
        if self.contact is not None:
            return self.contact.name
        return self.phone or self.slack_id or "unknown"

    @property
    def masked(self) -> str:
        if self.contact is not None:
            return self.contact.id
        return mask_phone(self.phone) if self.phone else self.slack_id or "unknown"

    @property
    def language(self) -> str:
        return self.contact.language if self.contact else "en"

    @property
    def sender_key(self) -> str | None:
        """One person on every channel: ``contact:<id>``, else ``phone:<E.164>``, else
        ``slack:<member id>``; None when nothing identifies them."""
        if self.contact is not None:
            return f"contact:{self.contact.id}"
        if self.phone:
            return f"phone:{self.phone}"
        if self.slack_id:
            return f"slack:{self.slack_id}"
        return None


class Outcome(StrEnum):
    """What a command did. Callers branch on this, never on a reply's wording."""

    OPENED = "opened"  # a new incident
    JOINED = "joined"  # the report joined an open incident (same school, or same sender)
    LIMITED = "limited"  # over the sender's cap: joined their open incident, admins told
    ADDED = "added"  # an update was added to an open incident
    ADDED_RESOLVED = "added_resolved"  # evidence added to an incident already resolved
    SCHOOL_SET = "school_set"
    ACKNOWLEDGED = "acknowledged"
    ALREADY_ACKNOWLEDGED = "already_acknowledged"
    ALREADY_RESOLVED = "already_resolved"  # lost a race to resolve, or late
    RESOLVED = "resolved"
    CHOOSE = "choose"  # several incidents: say which
    INFO = "info"  # STATUS, help: nothing changed
    NOT_FOUND = "not_found"  # no such open incident / nothing paging you
    REFUSED = "refused"  # not allowed, or an unknown sender
    NONE = "none"  # nothing to say (opt-out words)
    CONFIRM_BY_CALL = "confirm_by_call"  # caller ID only: nothing done, a call back confirms

    @property
    def reached_incident(self) -> bool:
        """The report or update is on an incident's timeline."""
        return self in (Outcome.OPENED, Outcome.JOINED, Outcome.LIMITED, Outcome.ADDED,
                        Outcome.ADDED_RESOLVED, Outcome.SCHOOL_SET)


@dataclass(frozen=True)
class Reply:
    """What the sender is told: the template ``key`` and ``values`` it was rendered from,
    the ``incident_id`` it concerns, the explicit ``outcome``, and the rendered ``text``
    (a composite of several templates for some replies). A medium with its own wording
    (a voice prompt, decision 0014) renders the same ``key`` in its own words."""

    text: str
    language: str = "en"
    incident_id: int | None = None
    outcome: Outcome = Outcome.INFO
    key: str = ""
    values: dict[str, Any] = field(default_factory=dict)

    @property
    def confirm_call(self) -> bool:
        """Nothing was done yet: alertbot is calling the contact back to confirm."""
        return self.outcome is Outcome.CONFIRM_BY_CALL

    def to_json(self) -> str:
        """How the webhook dedup table keeps it: a replay yields the same outcome."""
        return json.dumps({"outcome": str(self.outcome), "key": self.key,
                           "values": self.values, "incident_id": self.incident_id,
                           "language": self.language, "text": self.text},
                          default=str, ensure_ascii=False)

    @classmethod
    def from_json(cls, stored: str, language: str) -> Reply:
        """A stored reply; a legacy row (plain text from before issue 9) has no outcome
        and is replayed as information only."""
        try:
            data = json.loads(stored)
        except ValueError:
            data = None
        if not isinstance(data, dict) or "outcome" not in data:
            return cls(stored, language, None, Outcome.INFO)
        incident = data.get("incident_id")
        return cls(str(data.get("text", "")), str(data.get("language") or language),
                   int(incident) if incident is not None else None,
                   Outcome(data["outcome"]), str(data.get("key", "")),
                   dict(data.get("values") or {}))
