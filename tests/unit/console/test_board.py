"""The board's order, sections, next page time and dates, from data (web/console/board.py,
render.py). Table-driven; the clock is a parameter."""

from __future__ import annotations

from dataclasses import replace

import pytest

from alertbot.core.incident import Incident, State
from alertbot.core.model import Channel
from alertbot.core.plan import Plan, PlanStep, Recipient
from alertbot.core.records import OutboxItem, OutboxKind, OutboxStatus
from alertbot.web.console import board, render

TZ = "America/New_York"
# 2026-11-30 14:00 UTC = 09:00 in New York (EST, UTC-5).
NOW = 1_796_047_200.0
MIDNIGHT_NY = NOW - 9 * 3600  # 00:00 in New York that day

SUPT = Recipient("superintendent", "Dr. Jordan Rivera", "en", ((Channel.SMS, "+18605550100"),))
ATTY = Recipient("attorney", "Sam Okafor", "en", ((Channel.SMS, "+18605550102"),
                                                 (Channel.VOICE, "+18605550102")), 60.0)
DEPUTY = Recipient("deputy", "Morgan Lee", "en", ((Channel.SMS, "+18605550101"),))
PLAN = Plan("ice", (PlanStep((SUPT, ATTY), 180.0), PlanStep((DEPUTY,), 300.0)), None)
ONCE = replace(PLAN, repeat=0)


def inc(n: int, state: State = State.TRIGGERED, created: float = NOW - 600, *,
        drill: bool = False, acked: float | None = None, resolved: float | None = None,
        step: int = 0, round_: int = 0, due: float | None = None,
        plan: Plan = PLAN) -> Incident:
    return Incident(
        id=n, type="ice", title=f"ICE #{n}", school_id="burns", school_name="Burns",
        reporter_id="principal-burns", reporter_name="Ana Perez", reporter_phone=None,
        source="sms", details="", language="en", created_at=created, plan=plan,
        state=state, step=step, round=round_,
        due_at=due if state is State.TRIGGERED else None,
        acknowledged_by="superintendent" if acked else None,
        acknowledged_by_name="Dr. Jordan Rivera" if acked else None,
        acknowledged_at=acked, resolved_by="superintendent" if resolved else None,
        resolved_at=resolved, drill=drill)


def page(n: int, contact: str, channel: Channel = Channel.SMS, *, due: float = NOW - 600,
         status: OutboxStatus = OutboxStatus.SENT, provider: str | None = None) -> OutboxItem:
    return OutboxItem(
        id=n, kind=OutboxKind.PAGE, channel=channel, address="+18605550100", body="ALERT",
        language="en", incident_id=1, contact_id=contact, step=0, round=0, reason="step 1",
        status=status, due_at=due, attempts=1, created_at=NOW - 600,
        provider_status=provider)


def layout(incidents: list[Incident]) -> dict[str, list[int]]:
    cards = board.build_cards(incidents, {}, {}, NOW, TZ)
    return {s: [c.incident.id for c in cards[s]] for s in board.SECTIONS}


@pytest.mark.parametrize(("incidents", "expected"), [
    # unacknowledged first, the one waiting longest on top
    ([inc(1, created=NOW - 60), inc(2, created=NOW - 900), inc(3, created=NOW - 300)],
     {"unacked": [2, 3, 1], "acked": [], "resolved": [], "drills": []}),
    # acknowledged: the latest acknowledgement first
    ([inc(1, State.ACKNOWLEDGED, acked=NOW - 500), inc(2, State.ACKNOWLEDGED, acked=NOW - 50),
      inc(3)],
     {"unacked": [3], "acked": [2, 1], "resolved": [], "drills": []}),
    # resolved today (New York's day) shown, latest first; resolved before midnight not
    ([inc(1, State.RESOLVED, resolved=MIDNIGHT_NY + 60),
      inc(2, State.RESOLVED, resolved=MIDNIGHT_NY - 60),
      inc(3, State.RESOLVED, resolved=NOW - 60)],
     {"unacked": [], "acked": [], "resolved": [3, 1], "drills": []}),
    # drills apart, whatever their state: open ones first, newest first
    ([inc(1, drill=True, created=NOW - 900), inc(2), inc(3, State.RESOLVED, drill=True,
                                                    resolved=NOW - 30, created=NOW - 60),
      inc(4, State.ACKNOWLEDGED, drill=True, acked=NOW - 10, created=NOW - 100)],
     {"unacked": [2], "acked": [], "resolved": [], "drills": [4, 1, 3]}),
    # a drill resolved yesterday is off the board like any other
    ([inc(1, State.RESOLVED, drill=True, resolved=MIDNIGHT_NY - 1)],
     {"unacked": [], "acked": [], "resolved": [], "drills": []}),
    # all at once: unacked before acked before resolved today
    ([inc(1, State.RESOLVED, resolved=NOW - 10), inc(2, State.ACKNOWLEDGED, acked=NOW - 20),
      inc(3)],
     {"unacked": [3], "acked": [2], "resolved": [1], "drills": []}),
])
def test_the_board_puts_what_needs_a_human_first(incidents: list[Incident],
                                                 expected: dict[str, list[int]]) -> None:
    assert layout(incidents) == expected


def test_midnight_is_the_districts_not_utcs() -> None:
    # 03:00 UTC on Dec 1 is still Nov 30 (22:00) in New York: midnight is Nov 30 05:00 UTC.
    late = 1_796_094_000.0  # 2026-12-01 03:00 UTC
    assert board.local_midnight(late, TZ) == 1_796_014_800.0  # 2026-11-30 05:00 UTC
    assert board.local_midnight(late, "UTC") == 1_796_083_200.0  # 2026-12-01 00:00 UTC


@pytest.mark.parametrize(("incident", "messages", "at", "names", "exhausted"), [
    # step 1 paged at NOW-600 with its 3 min wait due at NOW+60: step 2 pages the deputy
    (inc(1, step=0, due=NOW + 60), [], NOW + 60, ("Morgan Lee",), False),
    # the last step: the next round pages step 1 again
    (inc(1, step=1, due=NOW + 120), [], NOW + 120, ("Dr. Jordan Rivera", "Sam Okafor"),
     False),
    # the last step of a policy without repeats: nobody more will be paged
    (inc(1, step=1, due=NOW + 120, plan=ONCE), [], None, (), True),
    # a contact's next channel queued for earlier than the next step comes first
    (inc(1, step=0, due=NOW + 60),
     [page(5, "attorney", Channel.VOICE, due=NOW + 30, status=OutboxStatus.PENDING)],
     NOW + 30, ("Sam Okafor",), False),
    # ... but not one queued later than the step
    (inc(1, step=0, due=NOW + 60),
     [page(5, "attorney", Channel.VOICE, due=NOW + 90, status=OutboxStatus.PENDING)],
     NOW + 60, ("Morgan Lee",), False),
])
def test_the_next_page_comes_from_the_frozen_plan(
        incident: Incident, messages: list[OutboxItem], at: float | None,
        names: tuple[str, ...], exhausted: bool) -> None:
    card = board.card_for(incident, "unacked", messages,
                          {"attorney": "Sam Okafor"}, NOW)
    assert card.next_page is not None
    assert (card.next_page.at, card.next_page.names, card.next_page.exhausted) == (
        at, names, exhausted)


@pytest.mark.parametrize("state", [State.ACKNOWLEDGED, State.RESOLVED])
def test_no_next_page_once_acknowledged_or_resolved(state: State) -> None:
    incident = inc(1, state, acked=NOW - 5, resolved=NOW if state is State.RESOLVED else None)
    assert board.card_for(incident, "acked", [], {}, NOW).next_page is None


def test_pages_name_the_person_channel_and_delivery_result() -> None:
    messages = [page(1, "superintendent", provider="delivered"),
                page(2, "attorney", Channel.VOICE, provider="no-answer")]
    lines = board.page_lines(messages, {"superintendent": "Dr. Jordan Rivera"})
    assert [(p.name, p.channel, p.provider_status) for p in lines] == [
        ("Dr. Jordan Rivera", "sms", "delivered"), ("attorney", "voice", "no-answer")]


@pytest.mark.parametrize(("epoch", "language", "shown"), [
    (NOW, "en", "today 09:00"),
    (NOW, "es", "hoy 09:00"),
    (NOW - 86400, "en", "Nov 29 09:00"),
    (NOW - 86400, "es", "29 nov 09:00"),
    # 23:30 New York on Nov 29 is 04:30 UTC on Nov 30: the district's date, not UTC's
    (1_796_013_000.0, "en", "Nov 29 23:30"),
    # summer time: 2026-07-01 16:00 UTC is 12:00 in New York (EDT, UTC-4)
    (1_782_921_600.0, "en", "Jul 1 12:00"),
])
def test_times_are_the_districts_with_their_date(epoch: float, language: str,
                                                 shown: str) -> None:
    assert render.when(epoch, NOW, TZ, language) == shown


@pytest.mark.parametrize(("seconds", "shown"), [
    (0, "0 s"), (59, "59 s"), (60, "1 min"), (3599, "59 min"), (3660, "1 h 1 min"),
    (90000, "1 d 1 h"), (-5, "0 s")])
def test_durations(seconds: float, shown: str) -> None:
    assert render.duration(seconds, "en") == shown
