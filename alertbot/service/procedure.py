"""The checklist, the encounter log and the warrant aid, as units of work (issue 12).

Each function runs inside one ``Store.write`` (``work(tx)``: plain synchronous code),
checks the rule in core/who.py, changes the store conditionally and writes a timeline
entry with its reason. None of them queues a message: completing a step never pages
anyone. Timeline texts carry no free text, no field values and no immigration facts:
the Slack thread mirrors them (slack/post.py, DESIGN rule 4); details stay behind
sign-in in the console (``GET /api/incidents/{id}``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from alertbot.core import who
from alertbot.core.encounter import changed_fields
from alertbot.core.incident import Incident
from alertbot.core.lengths import Problem, too_long
from alertbot.core.model import Config, Contact
from alertbot.core.procedure import (
    NOTE_MAX,
    ProcedureStep,
    StepDone,
    clean_values,
    progress,
)
from alertbot.core.warrant import Answers, WarrantReview, assess
from alertbot.store.sql import Tx
from alertbot.text.messages import clean_text

DOCUMENT_ID_MAX = 64  # characters of a document id (the documents' own ids are shorter)


class Status(StrEnum):
    DONE = "done"  # the change was made
    UNCHANGED = "unchanged"  # nothing to do (already done, not done, same values)
    REFUSED = "refused"  # core/who.py said no
    NOT_FOUND = "not_found"  # no such incident, step or request
    INVALID = "invalid"  # the form's values (``problems``)


@dataclass(frozen=True)
class Result:
    """What a unit did: ``status``, a ``key`` the console renders (``step_done``,
    ``step_already_done``, a refusal key of who.py…), ``problems`` (English words, or a
    ``TooLong`` the page names by its label, for a 400) and the incident it changed
    (published after the commit)."""

    status: Status
    key: str
    problems: tuple[Problem, ...] = ()
    incident_id: int | None = None
    values: Mapping[str, object] = field(default_factory=dict)


def _reported(tx: Tx, incident: Incident, contact: Contact) -> bool:
    return tx.is_reporter(incident.id, f"contact:{contact.id}")


def _step(config: Config, incident: Incident, step_id: str) -> tuple[int, ProcedureStep] | None:
    itype = config.incidents.get(incident.type)
    for index, step in enumerate(itype.procedure if itype else ()):
        if step.id == step_id:
            return index, step
    return None


def steps_of(config: Config, incident: Incident) -> tuple[ProcedureStep, ...]:
    itype = config.incidents.get(incident.type)
    return itype.procedure if itype else ()


def complete_step(tx: Tx, config: Config, contact: Contact | None, incident_id: int,
                  step_id: str, note: str, raw_values: Mapping[str, str], now: float,
                  undo: bool = False) -> Result:
    """Tick off step ``step_id`` of the incident's procedure (or ``undo`` it).

    Completing a done step changes nothing (``step_already_done``, naming who did it);
    undoing one not done, likewise (``step_not_done``). The note (free text, up to
    ``NOTE_MAX`` characters; longer is refused whole, ``invalid``, never cut) and the
    field values are stored with the step, never in the timeline. Works on a resolved
    incident too: the log is often finished after.
    """
    incident = tx.get_incident(incident_id)
    if incident is None:
        return Result(Status.NOT_FOUND, "no_such")
    found = _step(config, incident, step_id)
    if found is None:
        return Result(Status.NOT_FOUND, "no_such_step")
    position, step = found
    reported = contact is not None and _reported(tx, incident, contact)
    verdict = who.may_complete_step(config, contact, incident, step.roles, reported)
    if not verdict.allowed or contact is None:
        return Result(Status.REFUSED, verdict.key, (verdict.reason,), values=verdict.values)
    steps = steps_of(config, incident)
    if undo:
        if not tx.undo_step(incident.id, step.id, now):
            return Result(Status.UNCHANGED, "step_not_done", incident_id=incident.id)
        p = progress(steps, tx.steps_done(incident.id))
        tx.add_timeline(incident.id, now, "procedure",
                        f"Checklist: step {position + 1} undone by {contact.name} "
                        f"({p.done} of {p.total} steps done)", contact.name)
        return Result(Status.DONE, "step_undone", incident_id=incident.id)
    values, problems = clean_values(step, raw_values)
    note = clean_text(note, len(note))  # cleaned, never cut: too long is refused
    longer = too_long("note", note, NOTE_MAX)
    if problems or longer:
        return Result(Status.INVALID, "invalid", (*problems, *([longer] if longer else [])))
    done = StepDone(step.id, contact.id, contact.name, now, note, values)
    if not tx.complete_step(incident.id, done):
        already = tx.steps_done(incident.id).get(step.id)
        return Result(Status.UNCHANGED, "step_already_done", incident_id=incident.id,
                      values={"name": already.done_by_name if already else "?"})
    p = progress(steps, tx.steps_done(incident.id))
    tx.add_timeline(incident.id, now, "procedure",
                    f"Checklist: {p.done} of {p.total} steps done (latest: step "
                    f"{position + 1}, by {contact.name})", contact.name)
    return Result(Status.DONE, "step_done", incident_id=incident.id)


def allowed_to_log(tx: Tx, config: Config, contact: Contact | None,
                   incident_id: int) -> tuple[Incident | None, Result | None]:
    """The incident, if ``contact`` may keep its log (who.may_log); else a Result."""
    incident = tx.get_incident(incident_id)
    if incident is None:
        return None, Result(Status.NOT_FOUND, "no_such")
    reported = contact is not None and _reported(tx, incident, contact)
    verdict = who.may_log(config, contact, incident, reported)
    if not verdict.allowed or contact is None:
        return None, Result(Status.REFUSED, verdict.key, (verdict.reason,),
                            values=verdict.values)
    return incident, None


def update_encounter(tx: Tx, config: Config, contact: Contact | None, incident_id: int,
                     changes: Mapping[str, object], now: float) -> Result:
    """Apply ``changes`` (encounter field -> typed value, web/procedure_forms.py) to the
    incident's encounter log; the timeline names the fields changed, not their values."""
    incident, refused = allowed_to_log(tx, config, contact, incident_id)
    if refused is not None:
        return refused
    assert incident is not None and contact is not None
    changed = changed_fields(tx.encounter(incident.id), changes)
    if not changed:
        return Result(Status.UNCHANGED, "encounter_unchanged", incident_id=incident.id)
    tx.save_encounter(incident.id, changed, contact.name, now)
    tx.add_timeline(incident.id, now, "encounter",
                    f"Encounter log: {', '.join(sorted(changed))} changed by {contact.name}",
                    contact.name)
    return Result(Status.DONE, "encounter_saved", incident_id=incident.id)


def review_warrant(tx: Tx, config: Config, contact: Contact | None, incident_id: int,
                   answers: Answers, document_id: str | None, note: str,
                   now: float) -> Result:
    """Record a warrant-aid review (the answers and what they point to). The timeline
    says a document was reviewed and that counsel decides; not what kind it appears to be
    (the Slack thread mirrors the timeline)."""
    incident, refused = allowed_to_log(tx, config, contact, incident_id)
    if refused is not None:
        return refused
    assert incident is not None and contact is not None
    doc = clean_text(document_id or "", len(document_id or "")) or None
    note = clean_text(note, len(note))
    problems: list[Problem] = [p for p in (too_long("document_id", doc or "", DOCUMENT_ID_MAX),
                            too_long("note", note, NOTE_MAX)) if p]
    if problems:
        return Result(Status.INVALID, "invalid", tuple(problems))
    review = WarrantReview(0, incident.id, answers, contact.id, contact.name, now, doc, note)
    result = assess(answers)
    number = tx.add_warrant_review(review, str(result.kind), str(result.entry))
    tx.add_timeline(incident.id, now, "warrant_review",
                    f"Warrant aid: review {number} recorded by {contact.name} "
                    "(an aid only: counsel decides)", contact.name)
    return Result(Status.DONE, "warrant_reviewed", incident_id=incident.id,
                  values={"id": number})
