"""AWAY and BACK, pure: reading the command, and whom a step pages while someone is away
(issue 14). Tables: each row is one case a district will meet."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from alertbot.config.loader import load_or_raise
from alertbot.core import commands as cmd
from alertbot.core.availability import (
    MAX_AWAY,
    AwayFor,
    AwayNote,
    AwayProblem,
    AwayUntilDay,
    choose,
    read_away,
)
from alertbot.core.incident import Incident
from alertbot.core.model import Channel
from alertbot.core.plan import Plan, PlanStep, Recipient, build_plan
from alertbot.core.policy import decide
from alertbot.service.availability import away_end
from tests.scenario.harness import DISTRICT

TZ = "America/New_York"
NY = ZoneInfo(TZ)
# Wednesday 2026-12-02 15:00 in New York
NOW = datetime(2026, 12, 2, 15, 0, tzinfo=NY).timestamp()
DAY = 86400.0


@pytest.mark.parametrize(("spec", "expected"), [
    ("", AwayFor()),
    ("3d", AwayFor(3 * DAY)),
    ("3 days", AwayFor(3 * DAY)),
    ("12h", AwayFor(12 * 3600.0)),
    ("90m", AwayFor(90 * 60.0)),
    ("2w", AwayFor(14 * DAY)),
    ("until friday", AwayUntilDay(weekday=4)),
    ("until Fri.", AwayUntilDay(weekday=4)),
    ("hasta viernes", AwayUntilDay(weekday=4)),
    ("monday", AwayProblem.AMBIGUOUS),  # away on Monday, or back on Monday? (trial 3)
    ("until 12/24", AwayUntilDay(month=12, day=24)),
    ("until 1/5/27", AwayUntilDay(month=1, day=5, year=2027)),
    ("31d", AwayProblem.TOO_LONG),
    ("5w", AwayProblem.TOO_LONG),
    ("0d", AwayProblem.UNREADABLE),
    ("until whenever", AwayProblem.UNREADABLE),
    ("3 parsecs", AwayProblem.UNREADABLE),
    ("until next friday", AwayProblem.UNREADABLE),
    # a day word, English and Spanish, any case, with or without accents (trial 2); alone
    # it is ambiguous (trial 3: "ausente el viernes" reads as "absent on Friday")
    ("tomorrow", AwayProblem.AMBIGUOUS),
    ("until Tomorrow", AwayUntilDay(days_ahead=1)),
    ("mañana", AwayProblem.AMBIGUOUS),
    ("HASTA MAÑANA", AwayUntilDay(days_ahead=1)),
    ("hasta manana", AwayUntilDay(days_ahead=1)),
    ("hasta mañana", AwayUntilDay(days_ahead=1)),
    ("hasta pasado mañana", AwayUntilDay(days_ahead=2)),
    ("until the day after tomorrow", AwayUntilDay(days_ahead=2)),
    ("pasado mañana", AwayProblem.AMBIGUOUS),
    ("hasta el Viernes", AwayUntilDay(weekday=4)),
    ("HASTA EL LUNES", AwayUntilDay(weekday=0)),
    ("el miércoles", AwayProblem.AMBIGUOUS),
    ("12/24", AwayProblem.AMBIGUOUS),
    ("hasta el sabado", AwayUntilDay(weekday=5)),
    ("for 3 days", AwayFor(3 * DAY)),
    ("por 3 días", AwayFor(3 * DAY)),
    ("durante 2 semanas", AwayFor(14 * DAY)),
    ("until 24/12", AwayUntilDay(month=12, day=24)),  # only one way to read it
    ("el director", AwayProblem.UNREADABLE),
    ("for now", AwayProblem.UNREADABLE),
])
def test_reading_away(spec: str, expected: object) -> None:
    assert read_away(spec) == expected


@pytest.mark.parametrize(("spec", "expected"), [
    ("hasta el 5/1", AwayUntilDay(month=1, day=5)),  # the 5th of January
    ("hasta el 24/12", AwayUntilDay(month=12, day=24)),
    ("hasta 12/24", AwayUntilDay(month=12, day=24)),  # only one way to read it
])
def test_a_spanish_speakers_date_is_day_first(spec: str, expected: object) -> None:
    assert read_away(spec, day_first=True) == expected


def _local(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, NY).strftime("%a %Y-%m-%d %H:%M")


@pytest.mark.parametrize(("spec", "expected"), [
    ("", "Fri 2027-01-01 15:00"),  # 30 days: a forgotten AWAY ends by itself
    ("3d", "Sat 2026-12-05 15:00"),
    ("until friday", "Fri 2026-12-04 00:00"),  # back on Friday, from midnight
    ("until tomorrow", "Thu 2026-12-03 00:00"),  # back tomorrow, from midnight
    ("hasta pasado mañana", "Fri 2026-12-04 00:00"),
    ("until wednesday", "Wed 2026-12-09 00:00"),  # today is Wednesday: next week's
    ("until 12/24", "Thu 2026-12-24 00:00"),
    ("until 12/2/2026", AwayProblem.PAST),  # today
    ("until 2/30", AwayProblem.UNREADABLE),
    ("until 12/1", AwayProblem.TOO_LONG),  # this year's has passed: next year's, too far
    ("until 12/2", AwayProblem.PAST),  # today, no year: not next year (trial 3: "at most 30 days")
])
def test_away_on_the_districts_calendar(spec: str, expected: object) -> None:
    ask = read_away(spec)
    assert not isinstance(ask, AwayProblem)
    end = away_end(ask, NOW, TZ)
    assert (end if isinstance(end, AwayProblem) else _local(end)) == expected
    if not isinstance(end, AwayProblem):
        assert NOW < end <= NOW + MAX_AWAY


def test_away_and_back_are_commands_but_a_reporters_words_are_not() -> None:
    config = load_or_raise(DISTRICT / "escalation.yaml", DISTRICT / "contacts")
    assert cmd.parse_sms(config, "AWAY") == cmd.Away("")
    assert cmd.parse_sms(config, "away 3d") == cmd.Away("3d")
    assert cmd.parse_sms(config, "Away until Friday") == cmd.Away("until Friday")
    # a day word alone is the command too (trial 2: "AUSENTE mañana" was an update)
    assert cmd.parse_sms(config, "AUSENTE mañana") == cmd.Away("mañana")
    assert cmd.parse_sms(config, "away tomorrow") == cmd.Away("tomorrow")
    assert cmd.parse_sms(config, "AWAY Friday") == cmd.Away("Friday")
    assert cmd.parse_sms(config, "ausente LUNES") == cmd.Away("LUNES")
    assert cmd.parse_sms(config, "AWAY for 3 days") == cmd.Away("for 3 days")
    assert cmd.parse_sms(config, "Away for now") == cmd.Text("Away for now")
    assert cmd.parse_sms(config, "BACK") == cmd.Back()
    assert cmd.parse_sms(config, "back.") == cmd.Back()
    # An update from a reporter must never be swallowed as a command.
    assert cmd.parse_sms(config, "Away from the front door now") == cmd.Text(
        "Away from the front door now")
    assert cmd.parse_sms(config, "back door is open") == cmd.Text("back door is open")
    assert "AWAY" not in cmd.RESERVED_WORDS and "BACK" not in cmd.RESERVED_WORDS


def _r(cid: str, backup: Recipient | None = None) -> Recipient:
    return Recipient(cid, cid.title(), "en", ((Channel.SMS, f"+1860555{len(cid):04d}"),),
                     backup=backup)


SAM = _r("sam")
DANA = _r("dana", backup=SAM)
ALEX = _r("alex")
LEE = _r("lee", backup=ALEX)
UNTIL = NOW + DAY


@pytest.mark.parametrize(("people", "away", "paged", "notes", "all_away"), [
    # nobody away: the step as planned
    ((DANA, ALEX), {}, ["dana", "alex"], [], False),
    # an AWAY that ended is no AWAY
    ((DANA, ALEX), {"dana": NOW - 1}, ["dana", "alex"], [], False),
    # away, others reachable, backup stands in
    ((DANA, ALEX), {"dana": UNTIL}, ["sam", "alex"],
     [AwayNote("dana", "Dana", UNTIL, "Sam")], False),
    # away with no backup: not paged while someone else is
    ((ALEX, SAM), {"alex": UNTIL}, ["sam"], [AwayNote("alex", "Alex", UNTIL)], False),
    # backup already in the step: paged once
    ((DANA, SAM), {"dana": UNTIL}, ["sam"], [AwayNote("dana", "Dana", UNTIL, "Sam")], False),
    # backup away too: nobody instead
    ((DANA, ALEX), {"dana": UNTIL, "sam": UNTIL}, ["alex"],
     [AwayNote("dana", "Dana", UNTIL)], False),
    # alone and away, backup present: the backup is paged
    ((DANA,), {"dana": UNTIL}, ["sam"], [AwayNote("dana", "Dana", UNTIL, "Sam")], False),
    # the whole step away, no backup to stand in: paged anyway, admins to be told
    ((ALEX, SAM), {"alex": UNTIL, "sam": UNTIL}, ["alex", "sam"],
     [AwayNote("alex", "Alex", UNTIL, paged_anyway=True),
      AwayNote("sam", "Sam", UNTIL, paged_anyway=True)], True),
    # whole step away and the backups are away too
    ((DANA, LEE), {"dana": UNTIL, "lee": UNTIL, "sam": UNTIL, "alex": UNTIL},
     ["dana", "lee"], [AwayNote("dana", "Dana", UNTIL, paged_anyway=True),
                       AwayNote("lee", "Lee", UNTIL, paged_anyway=True)], True),
])
def test_choosing_whom_a_step_pages(people: tuple[Recipient, ...], away: dict[str, float],
                                    paged: list[str], notes: list[AwayNote],
                                    all_away: bool) -> None:
    choice = choose(PlanStep(people, 180.0), away, NOW)
    assert [r.contact_id for r in choice.recipients] == paged
    assert list(choice.notes) == notes
    assert choice.all_away is all_away


def _incident(plan: Plan) -> Incident:
    return Incident(id=7, type="ice", title="t", school_id=None, school_name=None,
                    reporter_id=None, reporter_name="r", reporter_phone=None, source="sms",
                    details="", language="en", created_at=NOW, plan=plan, due_at=NOW)


def test_decide_pages_the_backup_and_says_why() -> None:
    plan = Plan("p", (PlanStep((DANA, ALEX), 180.0),), None)
    decision = decide(_incident(plan), NOW, away={"dana": UNTIL})
    assert decision is not None
    assert [p.contact_id for p in decision.pages] == ["sam", "alex"]
    assert decision.away == (AwayNote("dana", "Dana", UNTIL, "Sam"),)
    assert not decision.all_away
    # Without anyone away, decide is what it was.
    plain = decide(_incident(plan), NOW)
    assert plain is not None and [p.contact_id for p in plain.pages] == ["dana", "alex"]
    assert plain.away == ()


def test_the_backup_is_frozen_with_the_plan_and_may_respond() -> None:
    config = load_or_raise(DISTRICT / "escalation.yaml", DISTRICT / "contacts")
    attorney = replace(config.contacts["attorney"], backup="teacher")
    config = replace(config, contacts={**config.contacts, "attorney": attorney})
    plan = build_plan(config, config.escalations["ice_default"])
    [_supt, atty] = plan.steps[0].recipients
    assert atty.backup is not None and atty.backup.contact_id == "teacher"
    assert atty.backup.addresses == ((Channel.SMS, "+18605550150"),)  # the step's channels
    assert "teacher" in plan.contact_ids()  # who.may_respond lets the backup ACK
    assert Plan.from_json(plan.to_json()) == plan
