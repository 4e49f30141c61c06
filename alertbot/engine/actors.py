"""Who sent a command, and what they are told back."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from alertbot.domain.model import Contact
from alertbot.redact import mask_phone


class Proof(StrEnum):
    """How the sender of a command was shown to be who they are (decision 0014).

    Only ``CALLER_ID`` is not enough to stop paging (acknowledge or resolve): caller ID
    on an inbound call is whatever the calling network says, and anyone can set it.
    """

    PROVIDER = "provider"  # the provider authenticated the sender: a text Twilio
    #   delivered from the number, a signed Slack user id, a console session or API
    #   bearer token, the sandbox operator
    OUTBOUND_CALL = "outbound_call"  # a call alertbot placed to the contact's own number
    ATTESTED_CALL = "attested_call"  # an inbound call whose number the carrier verified
    #   (STIR/SHAKEN attestation A: Twilio's StirVerstat = TN-Validation-Passed-A)
    PIN = "pin"  # an inbound call on which the contact keyed in their personal PIN
    CALLER_ID = "caller_id"  # an inbound call's caller ID alone

    @property
    def may_stop_paging(self) -> bool:
        return self is not Proof.CALLER_ID


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


@dataclass(frozen=True)
class Reply:
    """What the sender is told: ``text`` for a text reply; ``key`` and ``values`` name the
    message (``messages.TEMPLATES`` key) so a medium with its own wording (a voice
    prompt, decision 0014) renders the same message in its own words. ``confirm_call``:
    nothing was done yet; alertbot is calling the contact back to confirm."""

    text: str
    language: str = "en"
    incident_id: int | None = None
    key: str | None = None
    values: Mapping[str, object] = field(default_factory=dict)
    confirm_call: bool = False
