"""Scheduled drills (issue 14, decision 0041): start a slot once, end a run once, and
the drill report. Each function is a unit of work's body (``tx``, synchronous); the
engine's drill module (engine/drills.py) decides when to call them.

- ``start_drill``: claims the slot (unique key: drill id + local wall-clock slot) and,
  if this instance won it, opens the DRILL incident and queues its first pages in the
  same unit. Only the participants (when given) are in its frozen plan.
- ``record_missed``: a slot that came and went while alertbot was down, past its grace.
- ``end_drill``: a run whose incident was resolved, or whose ``end_after`` passed (it is
  then resolved with that reason), is ended once and the admins get its summary.
- ``track_keyword_drill``: a drill opened by its keyword gets a run too (drill id
  ``KEYWORD``), so it ends like a scheduled one: once, with the same summary.
- ``report_for``: the report of any drill incident (scheduled or by keyword).
- ``record_late_ack``: someone acknowledges a drill after someone else did: paging had
  stopped, but the drill measures everyone, so their time goes on the timeline.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from alertbot.core.drill_report import (
    KEYWORD_DRILL_END_AFTER,
    LATE_ACK,
    DrillReport,
    Measures,
    drill_report,
    measure,
)
from alertbot.core.durations import format_duration
from alertbot.core.incident import SCHEDULED, Incident, InvalidTransition, State
from alertbot.core.model import Config, Contact, Drill
from alertbot.core.plan import Plan, build_plan, select_policy
from alertbot.cron import Occurrence
from alertbot.metrics import Metrics
from alertbot.service import notices
from alertbot.service.escalation import escalate
from alertbot.store.drills import MISSED, STARTED, DrillRun
from alertbot.store.sql import Tx
from alertbot.text.drill import drill_summary

log = logging.getLogger("alertbot.drills")

DRILL_RESOLVER = "alertbot"  # ``resolved_by`` of a drill that ended by itself
# ``drill_runs.drill_id`` of drills opened by their keyword: a configured drill id is
# letters, digits, ``-`` and ``_`` (config/schema.py DrillModel), so it never collides.
KEYWORD = "#keyword"


def only_participants(plan: Plan, config: Config, participants: tuple[str, ...]) -> Plan:
    """``plan`` paging only ``participants`` (contact ids or roles); steps left with
    nobody are dropped. No participants: the whole plan."""
    if not participants:
        return plan
    keep = {c.id for c in config.resolve_targets(participants)}
    steps = tuple(
        replace(s, recipients=tuple(r for r in s.recipients if r.contact_id in keep),
                unreachable=tuple(u for u in s.unreachable if u[0] in keep))
        for s in plan.steps)
    return replace(plan, steps=tuple(s for s in steps if s.recipients))


def start_drill(tx: Tx, config: Config, drill: Drill, due: Occurrence, now: float,
                metrics: Metrics, owner: str) -> Incident | None:
    """Open the drill of slot ``due`` if this unit claims it first; None if it was
    already started or recorded (by this or another instance)."""
    if not tx.claim_drill_slot(drill.id, due.slot, due.at, now, STARTED, owner):
        return None
    itype = config.incidents[drill.incident]
    school = config.schools[drill.school]
    policy = select_policy(itype.routes, school)
    assert policy is not None, "config check guarantees a catch-all route"
    plan = only_participants(build_plan(config, config.escalations[policy]), config,
                             drill.participants)
    incident = Incident(
        id=0, type=itype.id, title=itype.title_in("en").format(school=school.name),
        school_id=school.id, school_name=school.name, reporter_id=None,
        reporter_name=f"alertbot ({drill.id})", reporter_phone=None, source=SCHEDULED,
        details="", language="en", created_at=now, plan=plan, due_at=now, drill=True)
    incident = replace(incident, id=tx.insert_incident(incident))
    tx.attach_drill_incident(drill.id, due.slot, incident.id, now + drill.end_after)
    late = now - due.at
    when = f"due {due.slot} {config.timezone}" + (
        f", started {format_duration(round(late))} late" if late >= 60 else "")
    tx.add_timeline(incident.id, now, "opened",
                    f"opened by scheduled drill '{drill.id}' (cron '{drill.cron}', {when}); "
                    f"ends by itself after {format_duration(drill.end_after)}")
    who = ", ".join(drill.participants) if drill.participants else "everyone on the policy"
    tx.add_timeline(incident.id, now, "routed",
                    f"routed to escalation '{policy}' (school {school.id}); paging only: {who}")
    metrics.incidents_opened.labels(type=itype.id, source=SCHEDULED).inc()
    metrics.drills.labels(result="started").inc()
    log.info("drill %s (slot %s) opened incident %d", drill.id, due.slot, incident.id)
    return escalate(tx, incident, now, config, metrics) or incident


def track_keyword_drill(tx: Tx, incident: Incident, now: float) -> None:
    """Give a drill just opened by its keyword (``incident.drill``, not scheduled) a run
    that ends ``KEYWORD_DRILL_END_AFTER`` seconds after it opened, unless resolved first:
    the engine then ends it once (``end_drill``) and the admins get the summary. Called
    in the unit of work that opened it; anything else is left alone. The run's key is the
    incident, so a second call does nothing."""
    if not incident.drill or incident.source == SCHEDULED:
        return
    slot = f"incident-{incident.id}"
    if not tx.claim_drill_slot(KEYWORD, slot, incident.created_at, now, STARTED, KEYWORD):
        return
    tx.attach_drill_incident(KEYWORD, slot, incident.id,
                             incident.created_at + KEYWORD_DRILL_END_AFTER)
    tx.add_timeline(incident.id, now, "drill",
                    f"drill: ends by itself after {format_duration(KEYWORD_DRILL_END_AFTER)} "
                    "unless resolved first; the admins then get its summary")


def record_missed(tx: Tx, drill: Drill, due: Occurrence, now: float, metrics: Metrics,
                  owner: str) -> bool:
    """Record that slot ``due`` was missed (alertbot was not running, and it is more than
    ``drill.grace`` late, or a later slot is also due); False if already recorded."""
    late = format_duration(round(now - due.at))
    reason = (f"missed: due {due.slot}, {late} ago (alertbot was not running); more than "
              f"the grace of {format_duration(drill.grace)} late, or a later slot is due")
    if not tx.claim_drill_slot(drill.id, due.slot, due.at, now, MISSED, owner, reason):
        return False
    metrics.drills.labels(result="missed").inc()
    log.warning("drill %s: %s", drill.id, reason)
    return True


def end_drill(tx: Tx, config: Config, run: DrillRun, now: float,
              metrics: Metrics) -> DrillReport | None:
    """End ``run`` if its incident was resolved or its ``end_at`` passed (resolving it,
    with that reason); the admins get the summary. None: not yet, or already ended."""
    assert run.incident_id is not None
    incident = tx.get_incident(run.incident_id, for_update=True)
    if incident is None:
        return None
    due = run.end_at is not None and now >= run.end_at
    if incident.is_open and not due:
        return None
    if incident.is_open:
        assert run.end_at is not None
        reason = f"ended by itself after {format_duration(round(run.end_at - incident.created_at))}"
    else:
        reason = f"resolved by {_name(config, incident.resolved_by)}"
    if not tx.end_drill_run(run.drill_id, run.slot, now, reason):
        return None  # another instance ended it
    if incident.is_open:
        incident = _resolve(tx, config, incident, now, reason)
    report = report_for(tx, incident, reason)
    summary = [notices.notice_to_contact(admin, "drill_summary", incident.id,
                                         f"drill #{incident.id} ended",
                                         text=drill_summary(report, admin.language))
               for admin in config.admin_contacts()]
    tx.enqueue([m for m in summary if m is not None], now)
    tx.add_timeline(incident.id, now, "drill_report", drill_summary(report, "en"))
    metrics.drills.labels(result="ended").inc()
    return report


def _resolve(tx: Tx, config: Config, incident: Incident, now: float, reason: str) -> Incident:
    """Resolve the open drill as alertbot; the people paged hear it ended."""
    for _ in range(3):  # an ACK may move the row between the read and the write
        try:
            after = incident.resolve(DRILL_RESOLVER, now)
        except InvalidTransition:
            return incident
        if tx.transition(incident, after):
            break
        incident = tx.get_incident(incident.id, for_update=True) or incident
    else:
        return incident
    cancelled = tx.cancel_pages(incident.id)
    tx.add_timeline(incident.id, now, "resolved",
                    f"resolved by alertbot: drill {reason} ({cancelled} queued page(s) "
                    "cancelled)")
    paged = notices.everyone_paged(tx, incident.id)
    told = [notices.notice_to_contact(contact, "resolve_notice", incident.id,
                                      f"drill {reason}", n=incident.id, name=DRILL_RESOLVER)
            for cid in paged if (contact := config.contacts.get(cid)) is not None]
    # Whoever started it by keyword hears it is over too (a scheduled drill has nobody).
    told += [notices.notice_to_reporter(config, key, language, "resolve_notice",
                                        incident.id, f"drill {reason}", n=incident.id,
                                        name=DRILL_RESOLVER)
             for key, language in tx.reporters_of(incident.id)
             if key.removeprefix("contact:") not in paged]
    tx.enqueue([m for m in told if m is not None], now)
    return after


def _name(config: Config, contact_id: str | None) -> str:
    contact = config.contacts.get(contact_id or "")
    return contact.name if contact else contact_id or "?"


def _measures(tx: Tx, incident: Incident) -> Measures:
    entries = tx.timeline([incident.id]).get(incident.id, [])
    return measure(incident, tx.messages_for(incident.id), entries)


def report_for(tx: Tx, incident: Incident, ended: str | None = None) -> DrillReport:
    """The report of drill ``incident``: compared with the 3 drills before it of the same
    scheduled drill, else (a keyword drill, or none earlier) of the same policy."""
    run = tx.drill_run_of(incident.id)
    scheduled = run if run is not None and run.drill_id != KEYWORD else None
    earlier_ids: list[int] = []
    if scheduled is not None:
        earlier_ids = [r.incident_id for r in reversed(tx.drill_runs_of(scheduled.drill_id))
                       if r.incident_id is not None and r.scheduled_at < scheduled.scheduled_at]
    earlier = [i for i in (tx.get_incident(n) for n in earlier_ids[:3]) if i is not None]
    if not earlier:
        earlier = [i for i in tx.earlier_drills(incident.id)
                   if i.plan.policy == incident.plan.policy][:3]
    if ended is None:
        ended = run.reason if run is not None and run.ended_at is not None else (
            "resolved" if incident.state is State.RESOLVED else "")
    return drill_report(_measures(tx, incident), scheduled.drill_id if scheduled else None,
                        incident.plan.policy, incident.school_id, ended,
                        [_measures(tx, i) for i in earlier])


def record_late_ack(tx: Tx, incident: Incident, contact: Contact, source: str,
                    now: float) -> None:
    """``contact`` acknowledged drill ``incident`` after someone else did: their time
    counts in the drill report (timeline kind ``drill_ack``); paging is not affected."""
    if (not incident.drill or incident.state is not State.ACKNOWLEDGED
            or incident.acknowledged_by == contact.id):
        return
    tx.add_timeline(incident.id, now, LATE_ACK,
                    f"{contact.name} also acknowledged via {source} (drill: timed for the "
                    "report)", contact.name)
