"""Config reload (SIGHUP) runs off the event loop, one at a time (issue 9, kind 12).

A reload that took 10-25 s (a large or broken file) ran on the loop and froze paging
and /healthz. Here the loader is made slow (1.5 s, as a big district's would be) and
the real SIGHUP handler is used: /healthz must keep answering at once, SIGHUPs during a
reload coalesce into one more, and a bad file leaves the running config in force.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from alertbot import appkeys
from alertbot.app import reload_on_sighup
from alertbot.config import loader
from tests.fakes.twilio_server import FakeTwilio
from tests.scenario import harness as harness_module
from tests.scenario.harness import DISTRICT, Harness
from tests.scenario.teardown import finish

SLOW = 1.5  # seconds a reload's loading takes here


class SlowLoader:
    """The real loader, 1.5 s slower (in whatever thread it is called), counting calls."""

    def __init__(self, real: Callable[..., Any]) -> None:
        self.real = real
        self.started = 0
        self.finished = 0

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.started += 1
        try:
            time.sleep(SLOW)
            return self.real(*args, **kwargs)
        finally:
            self.finished += 1


@pytest.fixture
async def served(request: pytest.FixtureRequest, fake: FakeTwilio, tmp_path: Path,
                 monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[tuple[Harness, Path]]:
    config_dir = tmp_path / "district"
    shutil.copytree(DISTRICT, config_dir)
    build = harness_module.build_app

    def build_with_sighup(*args: Any, **kwargs: Any) -> web.Application:
        app = build(*args, **kwargs)
        reload_on_sighup(app)  # as `alertbot serve` does
        return app

    monkeypatch.setattr(harness_module, "build_app", build_with_sighup)
    h = await Harness(fake, tmp_path, config_dir=config_dir, extra={
        "config_path": str(config_dir / "escalation.yaml"),
        "contacts_path": str(config_dir / "contacts")}).start()
    try:
        yield h, config_dir / "escalation.yaml"
    finally:
        await finish(request, h)


async def _worst_healthz(h: Harness, during: float) -> float:
    """The slowest /healthz answer (seconds) over ``during`` seconds of asking."""
    assert h.session is not None
    worst = 0.0
    until = time.monotonic() + during
    while time.monotonic() < until:
        started = time.monotonic()
        async with h.session.get(h.url + "/healthz") as r:
            assert r.status == 200
        worst = max(worst, time.monotonic() - started)
        await asyncio.sleep(0.05)
    return worst


async def _until(condition: Callable[[], bool], within: float = 10.0) -> None:
    until = time.monotonic() + within
    while not condition():
        assert time.monotonic() < until, "timed out"
        await asyncio.sleep(0.05)


async def test_a_slow_reload_leaves_healthz_answering(
        served: tuple[Harness, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    h, escalation = served
    slow = SlowLoader(loader.load_config)
    monkeypatch.setattr(loader, "load_config", slow)
    escalation.write_text(escalation.read_text().replace("organization: Test District",
                                                         "organization: Test District 2"))
    os.kill(os.getpid(), signal.SIGHUP)
    await asyncio.sleep(0)  # the signal handler runs on the loop
    assert await _worst_healthz(h, during=SLOW - 0.3) < 0.5
    await _until(lambda: h.app[appkeys.RECEIVER].config.organization == "Test District 2")
    assert slow.started == slow.finished == 1


async def test_sighups_during_a_reload_coalesce_into_one_more(
        served: tuple[Harness, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    h, escalation = served
    slow = SlowLoader(loader.load_config)
    monkeypatch.setattr(loader, "load_config", slow)
    os.kill(os.getpid(), signal.SIGHUP)
    await asyncio.sleep(0.1)
    # Edited again while the first reload runs: the later SIGHUPs must see this text.
    escalation.write_text(escalation.read_text().replace("organization: Test District",
                                                         "organization: Test District 3"))
    for _ in range(3):
        os.kill(os.getpid(), signal.SIGHUP)
        await asyncio.sleep(0.05)
    assert await _worst_healthz(h, during=0.5) < 0.5
    await _until(lambda: slow.finished == 2)
    await asyncio.sleep(SLOW + 0.3)
    assert slow.started == 2  # the one running, and one more for the other three
    assert h.app[appkeys.RECEIVER].config.organization == "Test District 3"


async def test_a_bad_file_keeps_the_running_config(
        served: tuple[Harness, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    h, escalation = served
    slow = SlowLoader(loader.load_config)
    monkeypatch.setattr(loader, "load_config", slow)
    running = h.app[appkeys.RECEIVER].config
    escalation.write_text("version: 1\norganization: [\n")
    os.kill(os.getpid(), signal.SIGHUP)
    await asyncio.sleep(0)
    assert await _worst_healthz(h, during=0.5) < 0.5
    await _until(lambda: slow.finished == 1)
    await asyncio.sleep(0.1)
    assert h.app[appkeys.RECEIVER].config is running
    # And paging still works on it.
    assert "#1" in await h.text(harness_module.PRINCIPAL, "ICE")
    await h.received("ALERT #1", harness_module.SUPERINTENDENT, harness_module.ATTORNEY)
