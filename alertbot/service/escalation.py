"""One escalation step of one incident: the policy's decision applied in a unit of work.

Called by the engine's escalation pass for every due incident, and by the receiver for a
new incident, so its first pages are queued in the same transaction that opens it: an
incident never exists without them, and the first page does not wait for an engine pass.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace

from alertbot.clock import local_day_time
from alertbot.core.durations import format_duration
from alertbot.core.incident import Incident
from alertbot.core.model import Config
from alertbot.core.policy import Decision, PageIntent, decide
from alertbot.core.records import NewMessage, TimelineEntry
from alertbot.metrics import Metrics
from alertbot.service import notices
from alertbot.store.sql import Tx

log = logging.getLogger("alertbot.engine")


def escalate(tx: Tx, incident: Incident, now: float, config: Config,
             metrics: Metrics) -> Incident | None:
    """Apply ``decide(incident, now)``: page the next step (or tell the admins the policy
    ran out), as a compare-and-set on the incident's row. Returns the incident as it now
    is, or None when nothing was due or someone (an ACK, another instance) moved it
    first."""
    decision = decide(incident, now, away=tx.away_ends(now))
    if decision is None:
        return None
    if incident.due_at is not None:
        metrics.page_lateness.observe(max(0.0, now - incident.due_at))
    # The escalation's move is a compare-and-set (Tx.transition): an ACK that got in
    # first wins, and nothing is paged for a step already taken.
    if decision.exhausted:
        after = replace(incident, due_at=None)
        if not tx.transition(incident, after):
            return None
        _exhausted(tx, incident, decision, now, config)
        return after
    after = stepped(incident, decision)
    if not tx.transition(incident, after):
        return None
    entries: list[TimelineEntry] = []
    page_step(tx, incident, decision, now, config, entries)
    tx.add_timelines(entries)
    return after


def first_step(tx: Tx, incident: Incident, now: float) -> Decision | None:
    """The decision for an incident about to be inserted (``now`` is its ``due_at``):
    its first step, so that the insert writes the incident at that step and no
    compare-and-set follows (decision 0053); None when its policy
    pages nobody (no steps: then it is inserted as it is and ``escalate`` tells the
    admins)."""
    decision = decide(incident, now, away=tx.away_ends(now))
    return None if decision is None or decision.exhausted else decision


def stepped(incident: Incident, decision: Decision) -> Incident:
    """``incident`` moved to ``decision``'s step and round, next due at its next time."""
    return replace(incident, step=decision.step, round=decision.round,
                   due_at=decision.next_due_at)


def _exhausted(tx: Tx, incident: Incident, decision: Decision, now: float,
               config: Config) -> None:
    tx.add_timeline(incident.id, now, "exhausted", decision.reason)
    told = [notices.notice_to_contact(
        admin, "exhausted", incident.id, decision.reason, n=incident.id,
        title=notices.incident_title(config, incident, admin.language),
        rounds=incident.round + 1) for admin in config.admin_contacts()]
    tx.enqueue([m for m in told if m is not None], now)
    log.warning("incident %d: %s", incident.id, decision.reason)


def page_step(tx: Tx, incident: Incident, decision: Decision, now: float, config: Config,
              timeline: list[TimelineEntry]) -> None:
    """Queue ``decision``'s pages for ``incident`` (as it was before the step: its
    number, step and round) and the notices that go with them; its timeline entries
    (who was paged, who was unreachable or away) are appended to ``timeline``, for the
    caller to write in one statement with its own (``Tx.add_timelines``)."""
    tx.enqueue(notices.pages_for(incident, decision, config.timezone, config), now)
    if incident.step >= 0 or incident.round > 0:  # paging moved on: reporters hear it
        tx.enqueue(_still_paging(tx, incident, decision.pages, config), now)
    by_person: dict[str, list[str]] = {}
    for page in decision.pages:
        by_person.setdefault(page.name, []).append(
            str(page.channel) + (f" (after {format_duration(page.delay)} if no ack)"
                                 if page.delay else ""))
    who = "; ".join(f"{name} by {', '.join(ch)}" for name, ch in by_person.items())
    timeline.append(TimelineEntry(incident.id, now, "paged", None,
                                  f"{decision.reason}: {who or 'nobody reachable'}"))
    for contact_id, why in decision.unreachable:
        timeline.append(TimelineEntry(incident.id, now, "unreachable", None,
                                      f"{contact_id}: {why}"))
    _away_notes(tx, incident, decision, now, config, timeline)


def _away_notes(tx: Tx, incident: Incident, decision: Decision, now: float,
                config: Config, timeline: list[TimelineEntry]) -> None:
    """Who was away and what was done instead, on the timeline (issue 14); when the
    whole step was away they were paged anyway, and the admins are told (in the first
    round only: later rounds page the same people again)."""
    step = decision.step + 1
    for note in decision.away:
        until = local_day_time(note.until, config.timezone)
        if note.paged_anyway:
            what = f"paged anyway: everyone in step {step} is away"
        elif note.backup:
            what = f"paged {note.backup} instead"
        else:
            what = f"not paged: others in step {step} are reachable"
        timeline.append(TimelineEntry(incident.id, now, "away", None,
                                      f"{note.name} is away until {until}: {what}"))
    if decision.all_away and decision.round == 0:
        names = ", ".join(note.name for note in decision.away)
        tx.enqueue(notices.notify_admins(
            config, "step_away_admin", incident.id, f"step {step} all away",
            n=incident.id, step=step, names=names), now)


def _still_paging(tx: Tx, incident: Incident, pages: Sequence[PageIntent],
                  config: Config) -> list[NewMessage]:
    """Tell everyone who reported into ``incident`` that paging moved to a new step
    or round, naming who was just paged (names only: no report words, no facts)."""
    names = list(dict.fromkeys(page.name for page in pages))
    if not names:
        return []
    out: list[NewMessage] = []
    for key, language in tx.reporters_of(incident.id):
        # Staff names go only to reporters in contacts/: an unknown number (an accepted
        # unverified report) learns that the team is paged, not who is on it.
        known = key.startswith("contact:")
        msg = notices.notice_to_reporter(
            config, key, language, "still_paging" if known else "still_paging_team",
            incident.id, "paging escalated", n=incident.id, who=", ".join(names))
        if msg is not None:
            out.append(msg)
    return out
