"""decide(): the escalation rule, pure. Time is a parameter, never read here."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from alertbot.core.availability import AwayNote, choose
from alertbot.core.durations import format_duration
from alertbot.core.incident import Incident, State
from alertbot.core.model import Channel
from alertbot.core.plan import Recipient

# A due time missed by more than this (a crash, a stopped machine) is not replayed
# back-to-back: the next step is timed from now, so recovery sends no burst of pages.
LATE_TOLERANCE = 5.0


@dataclass(frozen=True)
class PageIntent:
    contact_id: str
    name: str
    language: str
    channel: Channel
    address: str
    delay: float = 0.0  # seconds after the decision (a contact's channels tried in order)


@dataclass(frozen=True)
class Decision:
    step: int
    round: int
    pages: tuple[PageIntent, ...]
    next_due_at: float | None
    reason: str
    exhausted: bool = False
    unreachable: tuple[tuple[str, str], ...] = ()
    # Who was away and what was done about it (issue 14): for the timeline.
    away: tuple[AwayNote, ...] = ()
    all_away: bool = False  # the whole step was away: paged anyway; the admins are told


NOBODY_AWAY: Mapping[str, float] = {}


def decide(incident: Incident, now: float, *,
           away: Mapping[str, float] = NOBODY_AWAY) -> Decision | None:
    """What the escalation does for ``incident`` at ``now``, with the reason; None: nothing.

    ``away``: contact id -> the end of their AWAY (epoch seconds); an away person is
    not paged while someone else in the step is (``availability.choose``)."""
    if incident.state is not State.TRIGGERED or incident.due_at is None:
        return None
    if now < incident.due_at:
        return None
    steps = incident.plan.steps
    if not steps:
        return Decision(-1, 0, (), None, "policy has no steps", exhausted=True)
    if incident.step < 0:
        step, rnd = 0, 0
        reason = "incident opened: paging step 1"
    elif incident.step + 1 < len(steps):
        step, rnd = incident.step + 1, incident.round
        waited = format_duration(steps[incident.step].wait)
        reason = f"step {step + 1}: no acknowledgement {waited} after step {incident.step + 1}"
    else:
        step, rnd = 0, incident.round + 1
        repeat = incident.plan.repeat
        if repeat is not None and rnd > repeat:
            return Decision(
                incident.step,
                incident.round,
                (),
                None,
                f"policy exhausted: no acknowledgement after {repeat + 1} round(s); paging stopped",
                exhausted=True,
            )
        reason = f"repeat {rnd}: no acknowledgement after the last step; paging step 1 again"
    base = incident.due_at if now - incident.due_at <= LATE_TOLERANCE else now
    plan_step = steps[step]
    chosen = choose(plan_step, away, now)
    pages = page_intents(chosen.recipients)
    return Decision(
        step=step,
        round=rnd,
        pages=pages,
        next_due_at=base + plan_step.wait,
        reason=reason,
        unreachable=plan_step.unreachable,
        away=chosen.notes,
        all_away=chosen.all_away,
    )


def page_intents(recipients: Iterable[Recipient]) -> tuple[PageIntent, ...]:
    """Each recipient paged on each of their channels, in order and ``channel_delay``
    seconds apart (0: all at once): how an escalation step pages a person."""
    return tuple(
        PageIntent(r.contact_id, r.name, r.language, channel, address, index * r.channel_delay)
        for r in recipients
        for index, (channel, address) in enumerate(r.addresses)
    )


def summon(incident: Incident, recipients: Iterable[Recipient], reason: str) -> Decision:
    """The console's "page now" (issue 11; new-user trial 2): ``recipients`` paged at once
    the way a step pages them (``page_intents``), as part of the incident's current step
    and round (so fallback to the next channel and cancelling on acknowledgement treat
    them as the step's own pages); the escalation's own timing is untouched
    (``next_due_at`` None)."""
    return Decision(step=max(incident.step, 0), round=incident.round,
                    pages=page_intents(recipients), next_due_at=None, reason=reason)


def schedule(incident: Incident, horizon_rounds: int = 1,
             away: Mapping[str, float] = NOBODY_AWAY) -> list[tuple[float, Decision]]:
    """The decisions an unacknowledged incident would see, in order (for ``alertbot plan``).

    Walks ``decide`` forward through ``horizon_rounds`` repeats, or until exhausted.
    ``away`` as for ``decide``, with its ends relative to the incident's creation.
    """
    from dataclasses import replace

    out: list[tuple[float, Decision]] = []
    now = incident.due_at if incident.due_at is not None else incident.created_at
    # A new incident built only to preview (no due time yet) is due when it is created.
    current = replace(incident, due_at=now)
    limit = len(incident.plan.steps) * (horizon_rounds + 1) + 1
    for _ in range(limit):
        decision = decide(current, now, away=away)
        if decision is None:
            break
        out.append((now, decision))
        if decision.exhausted or decision.next_due_at is None:
            break
        current = replace(
            current, step=decision.step, round=decision.round, due_at=decision.next_due_at
        )
        now = decision.next_due_at
    return out
