"""``alertbot watchdog`` (issue 14) against two fake instances and the fake Twilio.

All instances down: each admin gets one text; the next runs text nobody (the state file
remembers) until the reminder interval; an instance healthy again: "recovered", once.
The decision itself is a pure table (``state.decide``)."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest

from alertbot.cli import main
from alertbot.config.loader import load_or_raise
from alertbot.core.model import Config
from alertbot.core.redact import Secret
from alertbot.settings import Settings
from alertbot.watchdog.main import EXIT_DOWN, EXIT_HEALTHY, EXIT_UNSENT, EXIT_USAGE, watch
from alertbot.watchdog.state import Action, WatchState, decide, load_state
from tests.fakes.monitors import FakeInstance
from tests.fakes.twilio_server import FakeTwilio

DISTRICT = Path(__file__).parent.parent / "scenario" / "district"
ADMIN, SUPERINTENDENT = "+18605550105", "+18605550100"
T0 = 1_800_000_000.0  # 2027-01-15 03:00 New York
HOUR = 3600.0


@pytest.fixture
async def instances() -> AsyncIterator[tuple[FakeInstance, FakeInstance]]:
    async with FakeInstance() as a, FakeInstance() as b:
        yield a, b


@pytest.fixture
def config() -> Config:
    district = load_or_raise(DISTRICT / "escalation.yaml", DISTRICT / "contacts")
    return replace(district, admins=("admin", "superintendent"))  # two admins


def settings(fake: FakeTwilio) -> Settings:
    return Settings(twilio_account_sid=fake.account_sid,
                    twilio_auth_token=Secret(fake.auth_token), twilio_from="+18605550000",
                    twilio_api_url=fake.url)


async def test_texts_each_admin_once_when_all_are_down_then_recovered(
        fake: FakeTwilio, instances: tuple[FakeInstance, FakeInstance], config: Config,
        tmp_path: Path) -> None:
    a, b = instances
    urls = [a.url, b.url]
    state = tmp_path / "watchdog.json"
    out = io.StringIO()

    async def run(now: float) -> int:
        return await watch(urls, settings(fake), config, state, HOUR, now, out=out)

    assert await run(T0) == EXIT_HEALTHY
    a.healthy = False
    assert await run(T0 + 60) == EXIT_HEALTHY  # one of two is enough
    assert fake.sms_to(ADMIN) == []

    b.healthy = False
    assert await run(T0 + 120) == EXIT_DOWN
    down = [await fake.expect_sms(n, contains="alertbot is DOWN") for n in (ADMIN,
                                                                          SUPERINTENDENT)]
    assert "none of its 2 instance(s) answers its health check (since 03:02)" in (
        down[0].body or "")
    for minute in range(3, 30):  # a run a minute: no more texts
        assert await run(T0 + 60 * minute) == EXIT_DOWN
    assert len(fake.sms_to(ADMIN)) == 1 and len(fake.sms_to(SUPERINTENDENT)) == 1

    assert await run(T0 + 120 + HOUR) == EXIT_DOWN  # the reminder, an hour later
    await fake.expect_sms(ADMIN, contains="alertbot is still DOWN (since 03:02, 1h)")
    await fake.expect_sms(SUPERINTENDENT, contains="still DOWN")

    b.healthy = True
    assert await run(T0 + 2 * HOUR) == EXIT_HEALTHY
    await fake.expect_sms(ADMIN, contains="alertbot recovered")
    await fake.expect_sms(SUPERINTENDENT, contains="(down 1h58m)")
    assert await run(T0 + 2 * HOUR + 60) == EXIT_HEALTHY
    assert load_state(state) == WatchState()
    assert a.checks >= 30 and b.checks >= 30
    assert "NOT healthy (HTTP 503)" in out.getvalue()


async def test_an_instance_that_does_not_answer_is_down(
        fake: FakeTwilio, config: Config, tmp_path: Path) -> None:
    async with FakeInstance() as gone:
        url = gone.url
    out = io.StringIO()
    code = await watch([url], settings(fake), config, tmp_path / "s.json", HOUR, T0,
                       check_timeout=2.0, out=out)
    assert code == EXIT_DOWN
    await fake.expect_sms(ADMIN, contains="DOWN")
    await fake.expect_sms(SUPERINTENDENT, contains="DOWN")
    assert "ClientConnectorError" in out.getvalue() or "ClientOSError" in out.getvalue()


async def test_when_twilio_refuses_nobody_is_told_and_the_next_run_tries_again(
        fake: FakeTwilio, instances: tuple[FakeInstance, FakeInstance], config: Config,
        tmp_path: Path) -> None:
    a, b = instances
    a.healthy = b.healthy = False
    state = tmp_path / "s.json"
    broken = replace(settings(fake), twilio_auth_token=Secret("wrong"))
    out = io.StringIO()
    assert await watch([a.url, b.url], broken, config, state, HOUR, T0, out=out) == EXIT_UNSENT
    assert "could not text admin" in out.getvalue()
    assert load_state(state).alerted_at is None
    assert await watch([a.url, b.url], settings(fake), config, state, HOUR, T0 + 60,
                       out=out) == EXIT_DOWN
    await fake.expect_sms(ADMIN, contains="DOWN")
    await fake.expect_sms(SUPERINTENDENT, contains="DOWN")


async def test_the_command(fake: FakeTwilio, instances: tuple[FakeInstance, FakeInstance],
                           tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    a, b = instances
    a.healthy = b.healthy = False
    monkeypatch.chdir(DISTRICT)
    for name, value in {"TWILIO_ACCOUNT_SID": fake.account_sid,
                        "TWILIO_AUTH_TOKEN": fake.auth_token, "TWILIO_FROM": "+18605550000",
                        "TWILIO_API_URL": fake.url,
                        "ALERTBOT_WATCHDOG_STATE": str(tmp_path / "state.json"),
                        "ALERTBOT_WATCHDOG_URLS": f"{a.url}, {b.url}"}.items():
        monkeypatch.setenv(name, value)
    assert await asyncio.to_thread(main, ["watchdog"]) == EXIT_DOWN
    await fake.expect_sms(ADMIN, contains="alertbot is DOWN")
    assert await asyncio.to_thread(main, ["watchdog", "--remind", "0"]) == EXIT_DOWN
    monkeypatch.delenv("ALERTBOT_WATCHDOG_URLS")
    assert await asyncio.to_thread(main, ["watchdog"]) == EXIT_USAGE
    b.healthy = True
    assert await asyncio.to_thread(main, ["watchdog", a.url, b.url]) == EXIT_HEALTHY
    await fake.expect_sms(ADMIN, contains="alertbot recovered")
    monkeypatch.delenv("TWILIO_AUTH_TOKEN")
    assert await asyncio.to_thread(main, ["watchdog", a.url]) == EXIT_USAGE


DOWN_SINCE = WatchState(T0, T0)


@pytest.mark.parametrize(("state", "healthy", "now", "action", "after"), [
    (WatchState(), True, T0, Action.NONE, WatchState()),
    (WatchState(), False, T0, Action.DOWN, WatchState(T0, T0)),
    (DOWN_SINCE, False, T0 + 60, Action.NONE, DOWN_SINCE),
    (DOWN_SINCE, False, T0 + HOUR - 1, Action.NONE, DOWN_SINCE),
    (DOWN_SINCE, False, T0 + HOUR, Action.REMINDER, WatchState(T0, T0 + HOUR)),
    (DOWN_SINCE, True, T0 + 60, Action.RECOVERED, WatchState()),
    # Down once but never told (Twilio refused): the next run tells.
    (WatchState(T0, None), False, T0 + 60, Action.DOWN, WatchState(T0, T0 + 60)),
    (WatchState(T0, None), True, T0 + 60, Action.NONE, WatchState()),
])
def test_decide(state: WatchState, healthy: bool, now: float, action: Action,
                after: WatchState) -> None:
    assert decide(state, healthy, now, HOUR) == (action, after)


def test_no_reminders_with_remind_0() -> None:
    assert decide(DOWN_SINCE, False, T0 + 100 * HOUR, 0) == (Action.NONE, DOWN_SINCE)


def test_an_unreadable_state_file_is_a_fresh_start(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_text("{not json")
    assert load_state(path) == WatchState()
