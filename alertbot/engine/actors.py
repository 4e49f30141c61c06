"""Who sent a command, and what they are told back."""

from __future__ import annotations

from dataclasses import dataclass

from alertbot.domain.model import Contact
from alertbot.redact import mask_phone


@dataclass(frozen=True)
class Actor:
    """Who sent a command: a known contact, or an outsider's phone / Slack id."""

    contact: Contact | None
    phone: str | None = None
    slack_id: str | None = None

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


@dataclass(frozen=True)
class Reply:
    text: str
    language: str = "en"
    incident_id: int | None = None
