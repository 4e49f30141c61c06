"""``alertbot readiness`` in words: what each step can reach, and what to fix (issue 14).

For district IT, in English (like ``alertbot plan``). Each problem names the person,
what is wrong and what to do. The weekly digest to the admins is short, counts only
(no names: SMS is not private), and its templates live in text/messages.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

from alertbot.core.model import Channel
from alertbot.core.readiness import ChannelState, Person, Readiness, State, StepReach


def _day(epoch: float, timezone: str) -> str:
    return datetime.fromtimestamp(epoch, ZoneInfo(timezone)).strftime("%Y-%m-%d")


def _day_time(epoch: float, timezone: str) -> str:
    return datetime.fromtimestamp(epoch, ZoneInfo(timezone)).strftime("%a %m/%d %H:%M")


def channel_problem(person: Person, state: ChannelState, timezone: str,
                    from_number: str | None,
                    paged_on: Iterable[Channel] | None = None) -> str | None:
    """One channel's problem in plain words, with the fix; None when it is fine.
    ``paged_on``: the channels a step pages them on (None: any of theirs)."""
    name = person.contact.name
    channel = str(state.channel)
    start = f"text START to {from_number}" if from_number else "text START to the district number"
    match state.state:
        case State.OPTED_OUT if state.opt_out is not None:
            when = _day(state.opt_out.at, timezone)
            if state.opt_out.reason.startswith("texted "):
                word = state.opt_out.reason.removeprefix("texted ")
                return f"{name} texted {word} on {when} (ask them to {start})"
            return (f"{name}'s texts have been refused as opted out since {when} "
                    f"({state.opt_out.reason}; ask them to {start})")
        case State.NO_SMS_LINE:
            others = set(paged_on) if paged_on is not None else {
                c.channel for c in person.channels}
            voice = ("voice can" if Channel.VOICE in others
                     else "this step pages by SMS only: give a mobile number or add voice"
                     if paged_on is not None else "give them a mobile number")
            return f"{name}'s number is a {state.line_type} (SMS cannot reach it; {voice})"
        case State.NO_ADDRESS:
            what = "Slack member id" if state.channel is Channel.SLACK else "phone"
            return f"{name} has no {what} in contacts ({channel} cannot reach them)"
        case State.NOT_CONFIGURED:
            what = ("SLACK_BOT_TOKEN" if state.channel is Channel.SLACK
                    else "TWILIO_ACCOUNT_SID/TWILIO_AUTH_TOKEN/TWILIO_FROM")
            return f"{channel} is not set up ({what}), so {name} cannot be reached by {channel}"
        case State.SLACK_DELETED:
            return f"{name}'s Slack account is deactivated (fix 'slack' in contacts)"
        case State.SLACK_NOT_FOUND:
            return (f"{name}'s Slack member id {person.contact.slack} is not in this "
                    "workspace (fix 'slack' in contacts)")
        case State.GUEST:
            return (f"{name}'s Slack account is a guest: the bot reaches them only in "
                    "channels it shares")
    return None


def person_problems(person: Person, timezone: str, from_number: str | None,
                    channels: Iterable[Channel] | None = None) -> list[str]:
    """Everything wrong with ``person`` (on ``channels`` only, if given)."""
    wanted = set(channels) if channels is not None else None
    out: list[str] = []
    if person.away is not None:
        backup = person.contact.backup
        out.append(f"{person.contact.name} is away until "
                   f"{_day_time(person.away.until, timezone)}"
                   + (f" (backup: {backup})" if backup else " (no backup named)"))
    for state in person.channels:
        if wanted is not None and state.channel not in wanted:
            continue
        problem = channel_problem(person, state, timezone, from_number, wanted)
        if problem:
            out.append(problem)
    return out


def step_line(step: StepReach, readiness: Readiness, timezone: str,
              from_number: str | None) -> str:
    """``ice_default step 2: NOBODY reachable — …`` or ``… 2 of 3 reachable — …``."""
    head = f"{step.policy} step {step.step}: "
    head += ("NOBODY reachable" if step.nobody
             else f"{len(step.reachable)} of {len(step.people)} reachable")
    problems = step_problems(step, readiness, timezone, from_number)
    return head + (" — " + "; ".join(problems) if problems else "")


def step_problems(step: StepReach, readiness: Readiness, timezone: str,
                  from_number: str | None) -> list[str]:
    """What is wrong with the step's people (and who stands in), one phrase each."""
    problems: list[str] = []
    for cid in step.unreached:
        problems += person_problems(readiness.people[cid], timezone, from_number,
                                    step.channels.get(cid))
        if cid in step.stand_ins:
            problems.append(f"{readiness.people[step.stand_ins[cid]].contact.name} "
                            "stands in")
    return problems


def render_readiness(readiness: Readiness, organization: str, timezone: str, now: float,
                     from_number: str | None) -> str:
    """The whole report: steps first (what matters in an emergency), then people."""
    nobody = [s for s in readiness.steps if s.nobody]
    summary = (f"{len(nobody)} step(s) can reach NOBODY now: "
               + ", ".join(f"{s.policy} step {s.step}" for s in nobody) if nobody
               else "Every step can reach someone now")
    summary += (f"; {len(readiness.attention())} of {len(readiness.people)} responders "
                "need attention.")
    lines = [f"alertbot readiness — {organization}, {_day_time(now, timezone)} ({timezone})",
             summary, "", "Steps (who can be paged right now):"]
    lines += ["  " + step_line(s, readiness, timezone, from_number) for s in readiness.steps]
    lines += ["", "People:"]
    for person in readiness.people.values():
        states = "  ".join(
            f"{c.channel}: {_state_word(c)}" for c in person.channels)
        away = (f"  AWAY until {_day_time(person.away.until, timezone)}"
                if person.away else "")
        lines.append(f"  {person.contact.name} [{person.contact.id}]  {states}{away}")
    fixes = [p for person in readiness.attention()
             for p in person_problems(person, timezone, from_number)]
    if fixes:
        lines += ["", "To fix:"] + [f"  - {f}" for f in fixes]
    lines += ["", (f"{len(nobody)} step(s) can reach nobody: fix these first."
                   if nobody else "Every step can reach someone.")]
    return "\n".join(lines) + "\n"


def _state_word(state: ChannelState) -> str:
    words = {State.OK: "ok", State.UNCHECKED: "ok (not checked)", State.GUEST: "guest",
             State.NO_ADDRESS: "none", State.NOT_CONFIGURED: "NOT SET UP",
             State.OPTED_OUT: "OPTED OUT", State.NO_SMS_LINE: "CANNOT TAKE SMS",
             State.SLACK_DELETED: "DEACTIVATED", State.SLACK_NOT_FOUND: "NOT FOUND"}
    word = words[state.state]
    return f"{word} ({state.line_type})" if state.line_type and state.ok else word


def digest_values(readiness: Readiness, url: str) -> tuple[str, dict[str, object]]:
    """The weekly digest's template key (text/messages.py) and values: counts and the
    names of steps that reach nobody (policy names, never people's or students')."""
    nobody = [f"{s.policy} step {s.step}" for s in readiness.steps if s.nobody]
    values: dict[str, object] = {"people": len(readiness.people),
                                 "attention": len(readiness.attention()), "url": url}
    if nobody:
        shown = ", ".join(nobody[:3]) + (f" +{len(nobody) - 3}" if len(nobody) > 3 else "")
        return "readiness_nobody", {**values, "steps": shown}
    return ("readiness_some" if values["attention"] else "readiness_all"), values
