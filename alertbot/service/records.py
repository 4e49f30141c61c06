"""Records requests (FERPA) as units of work, and their reminders (issue 12).

FERPA, 34 CFR 99.31(a)(9)(ii): a reasonable effort to notify the parent or eligible
student before complying with a subpoena or judicial order, unless the issuer ordered
non-disclosure; 34 CFR 99.32: a record of every request and disclosure. alertbot
records and reminds; counsel decides (core/records_requests.py).

Who is reminded, and when: core/who.reminded_about_records (the acknowledger and
counsel, else the admins), ``REMIND_BEFORE`` ahead of each due time, exactly once per
due item (its key in ``procedure_reminders``). Timeline texts name what changed, never
the categories, the notes or the kind of document.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from alertbot.core import who
from alertbot.core.model import Channel, Config, Contact
from alertbot.core.records import NewMessage, OutboxKind
from alertbot.core.records_requests import (
    NOTICE_METHODS,
    Presented,
    RecordsRequest,
    open_items,
    reminders_due,
)
from alertbot.service.procedure import Result, Status, allowed_to_log
from alertbot.store.sql import Tx
from alertbot.text.procedure_sms import reminder_sms

# The fields an update may set directly (typed by web/procedure_forms.py).
SETTABLE = ("presented", "categories", "other_category", "non_disclosure",
            "parent_notice_due_at", "response_due_at", "notes")
# Actions: stamped now, by the person acting.
ACTIONS = ("parents_notified", "provided", "counsel_signoff")


def _settable(fields: Mapping[str, object]) -> dict[str, Any]:
    return {k: v for k, v in fields.items() if k in SETTABLE}


def add_request(tx: Tx, config: Config, contact: Contact | None, incident_id: int,
                fields: Mapping[str, object], now: float,
                actions: Mapping[str, str] | None = None) -> Result:
    """Record a records request on the incident (``fields``: see ``SETTABLE``;
    ``presented`` required), then apply ``actions`` (see ``update_request``) in the same
    unit; a refused action (counsel's sign-off by someone else) records nothing."""
    incident, refused = allowed_to_log(tx, config, contact, incident_id)
    if refused is not None:
        return refused
    assert incident is not None and contact is not None
    if actions and "counsel_signoff" in actions:
        verdict = who.may_sign_off_for_counsel(config, contact)
        if not verdict.allowed:
            return Result(Status.REFUSED, verdict.key, (verdict.reason,))
    presented = fields.get("presented")
    if not isinstance(presented, Presented):
        return Result(Status.INVALID, "invalid", ("presented: one of " + ", ".join(
            p.value for p in Presented),))
    base = RecordsRequest(0, incident.id, presented, (), created_by=contact.name,
                          created_at=now)
    req = replace(base, **_settable(fields))
    number = tx.add_records_request(req)
    tx.add_timeline(incident.id, now, "records_request",
                    f"Records request {number} recorded by {contact.name}", contact.name)
    if actions:
        update_request(tx, config, contact, incident.id, number, {}, actions, now)
    return Result(Status.DONE, "records_request_added", incident_id=incident.id,
                  values={"id": number})


def update_request(tx: Tx, config: Config, contact: Contact | None, incident_id: int,
                   request_id: int, fields: Mapping[str, object], actions: Mapping[str, str],
                   now: float) -> Result:
    """Change a request: ``fields`` (see ``SETTABLE``) and ``actions``:
    ``parents_notified`` (its value: how, one of ``NOTICE_METHODS``), ``provided``,
    ``counsel_signoff`` (counsel or an admin only: who.may_sign_off_for_counsel)."""
    incident, refused = allowed_to_log(tx, config, contact, incident_id)
    if refused is not None:
        return refused
    assert incident is not None and contact is not None
    before = tx.records_request(request_id, for_update=True)
    if before is None or before.incident_id != incident.id:
        return Result(Status.NOT_FOUND, "no_such_request")
    after = replace(before, **_settable(fields))
    if "counsel_signoff" in actions:
        verdict = who.may_sign_off_for_counsel(config, contact)
        if not verdict.allowed:
            return Result(Status.REFUSED, verdict.key, (verdict.reason,))
        after = replace(after, counsel_signoff_at=now, counsel_signoff_by=contact.name)
    if "parents_notified" in actions:
        how = actions["parents_notified"]
        if how not in NOTICE_METHODS:
            return Result(Status.INVALID, "invalid",
                          ("parents_notified_how: one of " + ", ".join(NOTICE_METHODS),))
        after = replace(after, parents_notified_at=now, parents_notified_by=contact.name,
                        parents_notified_how=how)
    if "provided" in actions:
        after = replace(after, provided_at=now, provided_by=contact.name)
    changed = [k for k in (*SETTABLE, "parents_notified_at", "provided_at",
                           "counsel_signoff_at") if getattr(before, k) != getattr(after, k)]
    if not changed:
        return Result(Status.UNCHANGED, "records_request_unchanged", incident_id=incident.id)
    if not tx.update_records_request(before, after):
        return Result(Status.UNCHANGED, "records_request_conflict", incident_id=incident.id)
    tx.add_timeline(incident.id, now, "records_request",
                    f"Records request {request_id}: {', '.join(changed)} logged by "
                    f"{contact.name}", contact.name)
    return Result(Status.DONE, "records_request_saved", incident_id=incident.id)


def send_due_reminders(tx: Tx, config: Config, now: float, public_url: str | None,
                       limit: int = 50) -> list[int]:
    """The engine's unit: queue every records-request reminder due at ``now`` (SMS, or a
    Slack DM for someone without a phone), once per due item; returns the incidents
    whose timeline changed. Each request's next look is set to its next unsent item."""
    changed: list[int] = []
    for req in tx.records_reminders_due(now, limit):
        incident = tx.get_incident(req.incident_id)
        if incident is None:
            tx.set_next_reminder(req.id, None)
            continue
        for item in reminders_due(req, now):
            if not tx.claim_reminder(item.key(req.id), incident.id, now):
                continue
            people = who.reminded_about_records(config, incident)
            url = f"{(public_url or '').rstrip('/')}/incidents/{incident.id}"
            messages = []
            for person in people:
                body = reminder_sms(str(item.kind), person.language, n=incident.id,
                                    r=req.id, due_at=item.due_at, timezone=config.timezone,
                                    url=url, now=now)
                channel, address = ((Channel.SMS, person.phone) if person.phone
                                    else (Channel.SLACK, person.slack))
                if address:
                    messages.append(NewMessage(
                        OutboxKind.NOTICE, channel, address, body, person.language,
                        incident.id, person.id, reason=f"records request {req.id}: "
                                                       f"{item.kind} due"))
            tx.enqueue(messages, now)
            names = ", ".join(p.name for p in people) or "nobody (no contact to remind)"
            tx.add_timeline(incident.id, now, "reminder",
                            f"Reminder: records request {req.id}'s {item.kind} is due; "
                            f"told {names}")
            changed.append(incident.id)
        sent = tx.reminders_sent(incident.id)
        pending = [i.remind_at for i in open_items(req) if i.key(req.id) not in sent]
        tx.set_next_reminder(req.id, min(pending) if pending else None)
    return changed
