"""Readiness, pure (core/readiness.py) and in words (text/readinessview.py): given
contacts, policy steps, channel states and AWAYs -> each step's reachable people and
what to fix (issue 14)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from alertbot.config.loader import load_or_raise
from alertbot.core.model import Channel, Config, Step
from alertbot.core.readiness import AwayState, Facts, OptOut, Slack, State, assess
from alertbot.text.messages import render, sms_fits
from alertbot.text.readinessview import digest_values, render_readiness, step_line
from tests.scenario.slack_harness import SLACK_DISTRICT

TZ = "America/New_York"
NOW = datetime(2026, 11, 30, 8, 0, tzinfo=ZoneInfo(TZ)).timestamp()
STOPPED = datetime(2026, 10, 2, 9, 0, tzinfo=ZoneInfo(TZ)).timestamp()
FROM = "+18605550000"
SUPT, ATTY, DEPUTY = "+18605550100", "+18605550102", "+18605550101"


@pytest.fixture
def config() -> Config:
    """The Slack district: step 1 superintendent + attorney by SMS and Slack; step 2
    the deputy by SMS only."""
    return load_or_raise(SLACK_DISTRICT / "escalation.yaml", SLACK_DISTRICT / "contacts")


def reach(config: Config, facts: Facts) -> dict[str, tuple[int, int]]:
    r = assess(config, facts)
    return {f"{s.policy}/{s.step}": (len(s.reachable), len(s.people)) for s in r.steps}


STOP = OptOut(STOPPED, "texted STOP", DEPUTY)


@pytest.mark.parametrize(("facts", "expected", "ok"), [
    (Facts(), {"ice_default/1": (2, 2), "ice_default/2": (1, 1)}, True),
    # the deputy texted STOP: step 2 (SMS only) reaches nobody
    (Facts(opt_outs={("deputy", Channel.SMS): STOP}),
     {"ice_default/1": (2, 2), "ice_default/2": (0, 1)}, False),
    # the superintendent's number is a landline: Slack still reaches them in step 1
    (Facts(line_types={SUPT: "landline"}), {"ice_default/1": (2, 2), "ice_default/2": (1, 1)},
     True),
    # ... unless their Slack account was deactivated too
    (Facts(line_types={SUPT: "landline"}, slack={"U0SUPT001": Slack.DELETED}),
     {"ice_default/1": (1, 2), "ice_default/2": (1, 1)}, True),
    # a guest Slack account is reachable (flagged)
    (Facts(line_types={SUPT: "landline"}, slack={"U0SUPT001": Slack.RESTRICTED}),
     {"ice_default/1": (2, 2), "ice_default/2": (1, 1)}, True),
    # away with no backup: not reachable now
    (Facts(away={"deputy": AwayState(NOW, NOW + 86400)}),
     {"ice_default/1": (2, 2), "ice_default/2": (0, 1)}, False),
    # no Twilio: SMS reaches nobody; step 1 still has Slack
    (Facts(channels=frozenset({Channel.SLACK})),
     {"ice_default/1": (2, 2), "ice_default/2": (0, 1)}, False),
])
def test_each_steps_reach(config: Config, facts: Facts, expected: dict[str, tuple[int, int]],
                          ok: bool) -> None:
    assert reach(config, facts) == expected
    assert assess(config, facts).ok is ok


def test_a_backup_stands_in_for_someone_away(config: Config) -> None:
    deputy = replace(config.contacts["deputy"], backup="admin")
    config = replace(config, contacts={**config.contacts, "deputy": deputy})
    away = {"deputy": AwayState(NOW, NOW + 86400)}
    r = assess(config, Facts(away=away))
    step2 = r.steps[1]
    assert step2.reachable == ("admin",) and step2.stand_ins == {"deputy": "admin"}
    assert r.ok
    assert "admin" in r.people  # the backup's channels are checked too
    # A backup who cannot be reached stands in for nobody.
    r = assess(config, Facts(away=away, opt_outs={("admin", Channel.SMS): STOP}))
    assert r.steps[1].nobody


def test_channel_states(config: Config) -> None:
    facts = Facts(opt_outs={("deputy", Channel.SMS): STOP},
                  line_types={SUPT: "landline", ATTY: "mobile"},
                  slack={"U0ATTY002": Slack.NOT_FOUND})
    people = assess(config, facts).people
    states = {cid: {str(c.channel): c.state for c in p.channels} for cid, p in people.items()}
    assert states == {
        "superintendent": {"sms": State.NO_SMS_LINE, "slack": State.UNCHECKED},
        "attorney": {"sms": State.OK, "slack": State.SLACK_NOT_FOUND},
        "deputy": {"sms": State.OPTED_OUT},
    }


def test_the_report_names_what_to_fix_in_plain_words(config: Config) -> None:
    step = Step(("deputy", "superintendent"), 300.0, (Channel.SMS,))
    policy = replace(config.escalations["ice_default"],
                     steps=(config.escalations["ice_default"].steps[0], step))
    config = replace(config, escalations={"ice_default": policy})
    facts = Facts(opt_outs={("deputy", Channel.SMS): STOP}, line_types={SUPT: "landline"})
    r = assess(config, facts)
    line = step_line(r.steps[1], r, TZ, FROM)
    assert line == (
        "ice_default step 2: NOBODY reachable — Morgan Lee texted STOP on 2026-10-02 (ask "
        "them to text START to +18605550000); Dr. Jordan Rivera's number is a landline "
        "(SMS cannot reach it; this step pages by SMS only: give a mobile number or add "
        "voice)")
    report = render_readiness(r, "Test District", TZ, NOW, FROM)
    assert "1 step(s) can reach nobody" in report
    assert "Morgan Lee [deputy]  sms: OPTED OUT" in report


def test_the_weekly_digest_counts_and_names_no_one(config: Config) -> None:
    url = "https://alerts.example.test/readiness"
    key, values = digest_values(assess(config, Facts()), url)
    assert render(key, "en", **values) == (
        "alertbot weekly check: all 3 responders are reachable; every step can reach "
        f"someone. Details: {url}")
    facts = Facts(opt_outs={("deputy", Channel.SMS): STOP}, line_types={SUPT: "landline"})
    key, values = digest_values(assess(config, facts), url)
    text = render(key, "en", **values)
    assert text.startswith("alertbot weekly check: ice_default step 2 cannot reach anyone "
                           "now. 2 of 3 responders need attention.")
    assert "Morgan" not in text and "Rivera" not in text
    assert sms_fits(text) and sms_fits(render(key, "es", **values))
