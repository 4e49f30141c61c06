"""Who sent a command, and what it did (``Outcome``); what they are told back is a
``text.reply.Reply``, data each medium renders."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from alertbot.core.model import Contact
from alertbot.core.redact import mask_phone
from alertbot.core.who import Proof

# ``Proof`` (how the sender's identity was shown) lives with the rules that weigh it.
__all__ = ["Actor", "Outcome", "Proof"]


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
    PAGED = "paged"  # the console paged someone now (issue 11)
    MESSAGED = "messaged"  # the console texted the reporter (issue 11)
    NOTED = "noted"  # a responder's note is on the incident's timeline

    @property
    def reached_incident(self) -> bool:
        """The report or update is on an incident's timeline."""
        return self in (Outcome.OPENED, Outcome.JOINED, Outcome.LIMITED, Outcome.ADDED,
                        Outcome.ADDED_RESOLVED, Outcome.SCHOOL_SET)
