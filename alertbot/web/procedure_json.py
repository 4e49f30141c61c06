"""Issue 12's keys of ``GET /api/incidents/{id}``: ``procedure``, ``encounter``,
``warrant_reviews``, ``records_requests`` (CONTRACT.md). The console sections and the
after-action report render from these.

    procedure: [{id, title, titles: {en, es}, roles, due_at, overdue, reminded_at,
                 done_by: {id, name} | null, done_at, note,
                 fields: [{name, kind, label, labels, options, option_titles: {id: {en,
                           es}}, value, value_titles: {en, es} | null}]}]
               (``options`` and ``value`` are ids; ``overdue``: not done and its due time
               passed while the incident was open - now, or before it was resolved;
               ``reminded_at``: when its one overdue reminder went out, or null)
    encounter: {arrived_at, left_at, agents_count, agency, outcome, agents, purpose,
                documents, present, account, outcome_other, updated_by, updated_at} | null
    warrant_reviews: [{id, document_id, answers: {...}, assessment: {kind, entry,
                       cautions, sources, counsel_decides, text: [English sentences]},
                       reviewed_by: {id, name}, reviewed_at, note}]
    records_requests: [{id, presented, categories, other_category, non_disclosure,
                        parent_notice_required, parent_notice_due_at, parents_notified:
                        {at, by, how} | null, response_due_at, provided: {at, by} | null,
                        counsel_signoff: {at, by} | null, notes, created_by, created_at,
                        flags, reminders: [{key, at}]}]

Times are ISO 8601 UTC strings (``clock.iso``), like the rest of the API; ``timezone``
(the district's) says how the console shows them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

from alertbot.clock import iso
from alertbot.core.incident import Incident
from alertbot.core.model import Config
from alertbot.core.procedure import FieldKind, StepField, reminder_key
from alertbot.core.records_requests import RecordsRequest, flags
from alertbot.core.warrant import WarrantReview
from alertbot.store.sql import Tx
from alertbot.text.warrant_text import assessment_lines


def _field(f: StepField, value: str | None) -> dict[str, Any]:
    titled = f.kind is FieldKind.CHOICE and value is not None and value in f.option_titles
    return {"name": f.name, "kind": str(f.kind), "label": f.label("en"),
            "labels": dict(f.labels), "options": list(f.options),
            "option_titles": {k: dict(v) for k, v in f.option_titles.items()},
            "value": value,
            "value_titles": dict(f.option_titles[value]) if titled and value else None}


def _procedure(tx: Tx, config: Config, incident: Incident, now: float | None,
               sent: Mapping[str, float]) -> list[dict[str, Any]]:
    itype = config.incidents.get(incident.type)
    done = tx.steps_done(incident.id)
    # Overdue is judged at ``now`` while open, at the resolve time after (the report).
    until = now if incident.is_open else incident.resolved_at
    out: list[dict[str, Any]] = []
    for step in itype.procedure if itype else ():
        d = done.get(step.id)
        values = dict(d.values) if d else {}
        due_at = step.due_at(incident.created_at)
        out.append({
            "id": step.id, "title": step.title("en"), "titles": dict(step.titles),
            "roles": list(step.roles), "due_at": iso(due_at),
            "overdue": (d is None and due_at is not None and until is not None
                        and due_at <= until),
            "reminded_at": iso(sent.get(reminder_key(incident.id, step.id))),
            "done_by": {"id": d.done_by, "name": d.done_by_name} if d else None,
            "done_at": iso(d.done_at) if d else None, "note": d.note if d else "",
            "fields": [_field(f, values.get(f.name)) for f in step.fields],
        })
    return out


def _encounter(tx: Tx, incident: Incident) -> dict[str, Any] | None:
    enc = tx.encounter(incident.id)
    if enc is None:
        return None
    out = asdict(enc)
    for key in ("arrived_at", "left_at", "updated_at"):
        out[key] = iso(out[key])
    return out


def _review(r: WarrantReview) -> dict[str, Any]:
    result = r.assessment
    return {
        "id": r.id, "document_id": r.document_id,
        "answers": {k: str(v) for k, v in asdict(r.answers).items()},
        "assessment": {"kind": str(result.kind), "entry": str(result.entry),
                       "cautions": [str(c) for c in result.cautions],
                       "sources": [str(s) for s in result.sources],
                       "counsel_decides": result.counsel_decides,
                       "text": assessment_lines(result, "en")},
        "reviewed_by": {"id": r.reviewed_by, "name": r.reviewed_by_name},
        "reviewed_at": iso(r.reviewed_at), "note": r.note,
    }


def _stamp(at: float | None, by: str | None, **more: Any) -> dict[str, Any] | None:
    return None if at is None else {"at": iso(at), "by": by, **more}


def records_json(req: RecordsRequest, sent: dict[str, float]) -> dict[str, Any]:
    mine = f"records:{req.id}:"
    return {
        "id": req.id, "presented": str(req.presented), "categories": list(req.categories),
        "other_category": req.other_category, "non_disclosure": req.non_disclosure,
        "parent_notice_required": req.parent_notice_required,
        "parent_notice_due_at": iso(req.parent_notice_due_at),
        "parents_notified": _stamp(req.parents_notified_at, req.parents_notified_by,
                                   how=req.parents_notified_how),
        "response_due_at": iso(req.response_due_at),
        "provided": _stamp(req.provided_at, req.provided_by),
        "counsel_signoff": _stamp(req.counsel_signoff_at, req.counsel_signoff_by),
        "notes": req.notes, "created_by": req.created_by, "created_at": iso(req.created_at),
        "flags": [str(f) for f in flags(req)],
        "reminders": [{"key": k, "at": iso(at)} for k, at in sorted(sent.items())
                      if k.startswith(mine)],
    }


def procedure_detail(tx: Tx, config: Config, incident: Incident,
                     now: float | None = None) -> dict[str, Any]:
    """The four keys, read in the caller's unit of work; ``now`` (epoch seconds, the
    injected clock) says which open steps are overdue (None: none is said to be)."""
    sent = dict(tx.reminders_sent(incident.id))
    return {
        "timezone": config.timezone,  # the district's, for showing these times
        "procedure": _procedure(tx, config, incident, now, sent),
        "encounter": _encounter(tx, incident),
        "warrant_reviews": [_review(r) for r in tx.warrant_reviews(incident.id)],
        "records_requests": [records_json(r, sent) for r in tx.records_requests(incident.id)],
    }
