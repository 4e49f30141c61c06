"""Rows to domain objects and back."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

import sqlalchemy as sa

from alertbot.core.incident import SCHEDULED, Incident, State
from alertbot.core.model import Channel
from alertbot.core.plan import Plan
from alertbot.core.records import OutboxItem, OutboxKind, OutboxStatus
from alertbot.store.schema import OPEN_KEY_SEPARATOR
from alertbot.store.words import Words

_INCIDENT_FIELDS = [f.name for f in fields(Incident) if f.name not in ("plan", "state")]


def incident_from_row(row: sa.Row[Any], words: Words) -> Incident:
    """The incident of a row of ``incidents``, its reporter's words opened (``words``)."""
    m = row._mapping
    values = {name: m[name] for name in _INCIDENT_FIELDS}
    values["details"] = words.open(m["details"], "incidents", "details", m["id"])
    values["unverified"] = bool(values["unverified"])
    values["drill"] = bool(values["drill"])
    return Incident(plan=Plan.from_json(m["plan"]), state=State(m["state"]), **values)


def incident_values(inc: Incident) -> dict[str, Any]:
    values = incident_columns(inc)
    values["plan"] = inc.plan.to_json()
    return values


def incident_columns(inc: Incident) -> dict[str, Any]:
    """Every column but the id and the (frozen, JSON) plan: what a transition compares."""
    values = {name: getattr(inc, name) for name in _INCIDENT_FIELDS if name != "id"}
    values["state"] = str(inc.state)
    return values


def open_key(inc: Incident) -> str | None:
    """The incident's slot in the one-open-incident-per-(type, school) index, if it takes
    one (a scheduled drill never does: reports must not join it)."""
    if inc.school_id is None or not inc.is_open or inc.source == SCHEDULED:
        return None
    return f"{inc.type}{OPEN_KEY_SEPARATOR}{inc.school_id}"


def stored_body(words: Words, kind: OutboxKind | str, incident_id: int | None,
                address: str, body: str) -> str:
    """An outbox body as stored: a notice's sealed (it can carry a responder's words to
    the reporter, e.g. a console message; decision 0044), a page's plain (alertbot
    composes it from staff names, schools and numbers: decision 0043)."""
    if str(kind) != str(OutboxKind.NOTICE):
        return body
    return words.seal(body, "outbox", "body", incident_id, address)


def outbox_from_row(row: sa.Row[Any], words: Words) -> OutboxItem:
    """The message of a row of ``outbox``, a notice's body opened (``stored_body``)."""
    m = row._mapping
    body = m["body"]
    if m["kind"] == str(OutboxKind.NOTICE):
        body = words.open(body, "outbox", "body", m["incident_id"], m["address"])
    return OutboxItem(
        id=m["id"], kind=OutboxKind(m["kind"]), channel=Channel(m["channel"]),
        address=m["address"], body=body, language=m["language"],
        incident_id=m["incident_id"], contact_id=m["contact_id"], step=m["step"],
        round=m["round"], reason=m["reason"], status=OutboxStatus(m["status"]),
        due_at=m["due_at"], attempts=m["attempts"], created_at=m["created_at"],
        opened_at=m["opened_at"], sent_at=m["sent_at"], provider_id=m["provider_id"],
        provider_status=m["provider_status"], error=m["error"],
    )


@dataclass(frozen=True)
class SlackPost:
    """Where an incident's live Slack post is, what it last showed, how much thread it has."""

    incident_id: int
    channel: str
    ts: str
    digest: str = ""
    thread_count: int = 0
