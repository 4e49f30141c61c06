"""The district the receiver's store tests run against, and who acts in it."""

from __future__ import annotations

from pathlib import Path

from alertbot.core.actors import Actor, Proof
from alertbot.core.model import Config

DISTRICT = Path(__file__).parent.parent / "scenario" / "district"


def actor(config: Config, contact_id: str) -> Actor:
    """The contact, as a signed SMS webhook shows them (the provider vouches)."""
    contact = config.contacts[contact_id]
    return Actor(contact, phone=contact.phone, proof=Proof.PROVIDER)
