"""/healthz and the bearer check built with fakes and no ``Application`` (decision 0046).

Before 0046 both read the store, engine and settings from ``request.app``; a stuck
database could only be shown through ``build_app`` and a monkeypatched store.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import make_mocked_request

from alertbot.clock import FakeClock
from alertbot.core.redact import Secret
from alertbot.engine.lag import LoopLag
from alertbot.metrics import Metrics
from alertbot.settings import Settings
from alertbot.web import health
from alertbot.web.health import Health
from alertbot.web.session import Gate


class FakeStore:
    def __init__(self, answers: bool | None) -> None:
        self.answers = answers  # None: the database never answers

    async def ping(self) -> bool:
        if self.answers is None:
            await asyncio.Event().wait()
        return bool(self.answers)


class FakeEngine:
    def __init__(self, alive: bool) -> None:
        self._alive = alive

    def alive(self) -> bool:
        return self._alive


def _health(store: FakeStore, engine: FakeEngine) -> Health:
    metrics = Metrics()
    the_store: Any = store
    the_engine: Any = engine
    return Health(Settings(), lambda: the_store, lambda: the_engine, metrics,
                  LoopLag(metrics))


async def _body(response: web.Response) -> dict[str, Any]:
    assert response.text is not None
    found: dict[str, Any] = json.loads(response.text)
    return found


async def test_healthz_is_ok_when_the_database_answers_and_the_engine_runs() -> None:
    response = await _health(FakeStore(True), FakeEngine(True)).healthz(
        make_mocked_request("GET", "/healthz"))
    assert response.status == 200
    body = await _body(response)
    assert (body["status"], body["database"], body["engine"]) == ("ok", "ok", "ok")


async def test_a_stuck_database_is_down_within_the_ping_timeout(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(health, "PING_TIMEOUT", 0.05)  # seconds, instead of 2
    response = await asyncio.wait_for(_health(FakeStore(None), FakeEngine(True)).healthz(
        make_mocked_request("GET", "/healthz")), 5)
    assert response.status == 503
    body = await _body(response)
    assert (body["status"], body["database"], body["engine"]) == ("unavailable", "down", "ok")


async def test_a_stalled_engine_is_unavailable() -> None:
    response = await _health(FakeStore(True), FakeEngine(False)).healthz(
        make_mocked_request("GET", "/healthz"))
    assert response.status == 503
    assert (await _body(response))["engine"] == "stalled"


def _gate(token: str | None) -> Gate:
    def nothing() -> Any:
        raise AssertionError("a bearer request never reads the store or contacts")

    settings = Settings(api_token=Secret(token) if token else None)
    return Gate(settings, FakeClock(0.0), nothing, nothing)


async def test_the_bearer_token_is_the_api_token_or_nothing() -> None:
    right = make_mocked_request("GET", "/api/incidents",
                                headers={"Authorization": "Bearer s3cret-token"})
    wrong = make_mocked_request("GET", "/api/incidents",
                                headers={"Authorization": "Bearer guessed"})
    assert await _gate("s3cret-token").api_access(right) is None  # a script: sees all
    with pytest.raises(web.HTTPUnauthorized):
        await _gate("s3cret-token").api_access(wrong)
    with pytest.raises(web.HTTPUnauthorized):  # no token set: every bearer is refused
        await _gate(None).api_access(right)
