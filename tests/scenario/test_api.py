"""Health, metrics, API authentication, the dashboard and config reloads."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from alertbot import appkeys
from alertbot.app import reload_config
from tests.scenario.harness import (
    API_TOKEN,
    DEPUTY,
    DISTRICT,
    PRINCIPAL,
    SUPERINTENDENT,
    Harness,
)


async def test_healthz_is_ok_while_database_and_engine_live(h: Harness) -> None:
    assert h.session is not None
    async with h.session.get(h.url + "/healthz") as r:
        assert r.status == 200
        assert (await r.json())["status"] == "ok"


async def test_healthz_is_503_when_the_engine_loop_stalls(h: Harness) -> None:
    assert h.session is not None
    h.engine.last_cycle = -1e9  # as if the loop last ran long ago
    h.engine._stopping = True  # and does not run again
    h.engine.nudge()
    async with h.session.get(h.url + "/healthz") as r:
        assert r.status == 503
        assert (await r.json())["engine"] == "stalled"


async def test_healthz_is_503_when_the_database_is_gone(
        h: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    assert h.session is not None

    async def down() -> bool:
        return False

    monkeypatch.setattr(h.app[appkeys.STORE], "ping", down)
    async with h.session.get(h.url + "/healthz") as r:
        assert r.status == 503
        assert (await r.json())["database"] == "down"


async def test_api_refuses_without_the_token(h: Harness) -> None:
    assert h.session is not None
    async with h.session.get(h.url + "/api/incidents") as r:
        assert r.status == 401
    async with h.session.get(h.url + "/api/incidents",
                             headers={"Authorization": "Bearer wrong"}) as r:
        assert r.status == 401


async def test_incident_api_shape(h: Harness) -> None:
    await h.text(PRINCIPAL, "ICE 2 agents at front desk")
    await h.text(SUPERINTENDENT, "ACK")
    [incident] = await h.incidents()
    assert set(incident) >= {"id", "state", "incident", "school", "reporter", "created_at",
                             "acknowledged_by", "acknowledged_at", "timeline"}
    assert incident["acknowledged_by"] == {"id": "superintendent", "name": "Dr. Jordan Rivera"}
    assert incident["created_at"].endswith("Z")
    assert incident["first_page_at"] >= incident["created_at"]
    assert incident["details"] == "2 agents at front desk"
    assert h.session is not None
    async with h.session.get(h.url + "/api/incidents/1",
                             headers={"Authorization": f"Bearer {API_TOKEN}"}) as r:
        one = await r.json()
    statuses = {m["status"] for m in one["messages"] if m["kind"] == "page"}
    assert statuses == {"sent"}


async def test_dashboard_login_sets_a_cookie(h: Harness) -> None:
    assert h.session is not None
    async with h.session.get(h.url + "/") as r:
        assert r.status == 401
        assert "token" in await r.text()
    async with h.session.get(h.url + "/?token=nope") as r:
        assert r.status == 401
    async with h.session.get(h.url + f"/?token={API_TOKEN}", allow_redirects=False) as r:
        assert r.status == 302 and r.headers["Location"] == "/"
        cookie = r.cookies["alertbot_token"]
    # The public URL is https, so the cookie is Secure, HttpOnly and SameSite=Strict.
    assert cookie["secure"] and cookie["httponly"] and cookie["samesite"] == "Strict"
    jar = {"alertbot_token": cookie.value}
    async with h.session.get(h.url + "/", cookies=jar) as r:
        assert r.status == 200
        page = await r.text()
    assert "Test District" in page
    async with h.session.get(h.url + "/api/incidents", cookies=jar) as r:
        assert r.status == 200


async def test_metrics_count_pages_and_latency(h: Harness) -> None:
    await h.text(PRINCIPAL, "ICE")
    assert h.session is not None
    async with h.session.get(h.url + "/metrics") as r:
        text = await r.text()
    assert 'alertbot_messages_sent_total{channel="sms",kind="page",result="sent"} 2.0' in text
    assert "alertbot_trigger_to_first_page_seconds_count 1.0" in text  # once per incident


async def test_reload_keeps_live_incidents_on_their_frozen_plan(h: Harness,
                                                                 tmp_path: Path) -> None:
    config_dir = tmp_path / "district"
    shutil.copytree(DISTRICT, config_dir)
    h.app[appkeys.SETTINGS].__dict__.update(  # frozen dataclass: point it at the copy
        config_path=str(config_dir / "escalation.yaml"),
        contacts_path=str(config_dir / "contacts"))
    await h.text(PRINCIPAL, "ICE")
    # The district removes the deputy from step 2 and adds nobody.
    text = (config_dir / "escalation.yaml").read_text()
    (config_dir / "escalation.yaml").write_text(text.replace("notify: [deputy]",
                                                             "notify: [superintendent]"))
    assert await reload_config(h.app) == []
    await h.advance(minutes=3)
    await h.fake.expect_sms(DEPUTY, contains="ALERT #1")  # the live incident is unchanged
    # A broken file is refused and the running config stays.
    (config_dir / "escalation.yaml").write_text("version: 1\norganization: [\n")
    problems = await reload_config(h.app)
    assert problems and "escalation.yaml" in problems[0]
    assert h.app[appkeys.RECEIVER].config.organization == "Test District"
