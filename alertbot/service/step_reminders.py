"""Overdue checklist steps: one reminder each, by SMS (issue 12, decision 0045).

A procedure step may carry ``due: 30m`` (config/procedure.py): seconds after the incident
opened by which it should be ticked off. When that passes on an open incident (not
resolved) and the step is not done, the people who would tick it off
(core/who.reminded_about_step) get ONE text each (text/procedure_sms.step_reminder_sms:
the incident number, the step's letter, when it was due, the console link; never the
step's title, a student's name or an immigration fact), through the outbox rendered at
enqueue (service/notices.py's pattern), and the timeline gets a ``reminder`` entry with
the reason. A drill is reminded too, marked DRILL (practice is the point of a drill).

Exactly once per step of an incident, on every instance: the reminder's key
(core/procedure.reminder_key) goes in ``procedure_reminders`` by an insert that does
nothing on conflict (store/records.py ``claim_reminder``) in the same unit as the
messages. A step done, undone and still late is not reminded again; a resolved incident
never is.
"""

from __future__ import annotations

from dataclasses import dataclass

from alertbot.core import who
from alertbot.core.incident import Incident
from alertbot.core.model import Channel, Config
from alertbot.core.procedure import DueStep, reminder_key, steps_to_remind
from alertbot.core.records import NewMessage, OutboxKind
from alertbot.service.procedure import steps_of
from alertbot.store.sql import Tx
from alertbot.text.procedure_sms import after_words, due_time, step_reminder_sms


@dataclass(frozen=True)
class Look:
    """What a read found: ``due``, the open incidents with a step to remind now;
    ``later``, the earliest due time still ahead (epoch seconds; None: none)."""

    due: tuple[int, ...]
    later: float | None


def _due_of(tx: Tx, config: Config, incident: Incident, now: float
            ) -> tuple[list[DueStep], float | None]:
    steps = steps_of(config, incident)
    if not incident.is_open or all(s.due is None for s in steps):
        return [], None
    return steps_to_remind(steps, incident.id, incident.created_at,
                           set(tx.steps_done(incident.id)), set(tx.reminders_sent(incident.id)),
                           now)


def has_due_steps(config: Config) -> bool:
    """Whether any incident type has a step with a ``due`` (else there is nothing to do)."""
    return any(s.due is not None for t in config.incidents.values() for s in t.procedure)


def look(tx: Tx, config: Config, now: float) -> Look:
    """A read unit: which open incidents have a step to remind at ``now``, and when the
    next one comes due (so the engine reads again only then)."""
    due: list[int] = []
    later: float | None = None
    for incident in tx.open_incidents():
        steps, next_at = _due_of(tx, config, incident, now)
        if steps:
            due.append(incident.id)
        if next_at is not None and (later is None or next_at < later):
            later = next_at
    return Look(tuple(due), later)


def send_due(tx: Tx, config: Config, now: float, public_url: str | None,
             incident_ids: tuple[int, ...]) -> list[int]:
    """The engine's write unit: for each of ``incident_ids`` still open, claim and queue
    the reminder of every step due and not done; returns the incidents whose timeline
    changed. A step another instance reminded first is skipped (its key exists)."""
    changed: list[int] = []
    for incident_id in incident_ids:
        incident = tx.get_incident(incident_id)
        if incident is None:
            continue
        due, _ = _due_of(tx, config, incident, now)
        for item in due:
            if tx.claim_reminder(reminder_key(incident.id, item.step.id), incident.id, now):
                _remind(tx, config, incident, item, now, public_url)
                if incident.id not in changed:
                    changed.append(incident.id)
    return changed


def _remind(tx: Tx, config: Config, incident: Incident, item: DueStep, now: float,
            public_url: str | None) -> None:
    step, label = item.step, item.step.label(item.position)
    assert step.due is not None
    people = who.reminded_about_step(config, incident, step.roles)
    url = f"{(public_url or '').rstrip('/')}/incidents/{incident.id}"
    messages: list[NewMessage] = []
    told: list[str] = []
    for person in people:
        channel, address = ((Channel.SMS, person.phone) if person.phone
                            else (Channel.SLACK, person.slack))
        if not address:
            continue
        body = step_reminder_sms(person.language, n=incident.id, step=label, after=step.due,
                                 due_at=item.due_at, timezone=config.timezone, url=url,
                                 drill=incident.drill)
        messages.append(NewMessage(
            OutboxKind.NOTICE, channel, address, body, person.language, incident.id,
            person.id, reason=f"checklist step {label} ({step.id}) overdue"))
        told.append(f"{person.name} ({channel})")
    tx.enqueue(messages, now)
    tx.add_timeline(incident.id, now, "reminder",
                    f"Reminder: checklist step {label} was due at "
                    f"{due_time(item.due_at, config.timezone, 'en', now)} "
                    f"({after_words(step.due)} after the report) and is not done; told "
                    f"{', '.join(told) or 'nobody (no contact to remind)'}"
                    + (" (drill)" if incident.drill else ""))
