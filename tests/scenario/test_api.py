"""Health, metrics, API authentication, the dashboard and config reloads."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path
from typing import Any

import pytest

from alertbot import appkeys
from alertbot.app import reload_config
from tests.fakes.twilio_server import FakeTwilio
from tests.scenario.harness import (
    API_TOKEN,
    AREA_LEAD,
    ATTORNEY,
    DEPUTY,
    DISTRICT,
    PRINCIPAL,
    SUPERINTENDENT,
    Harness,
)
from tests.unitofwork import transaction


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
    # Everyone else alertbot told something in this story:
    await h.received("ALERT #1: Enforcement visit at Burns Academy", SUPERINTENDENT, ATTORNEY)
    await h.received("#1 reported by Ana Perez. The report's words are in the console: "
                     "https://alerts.example.test/incidents/1", SUPERINTENDENT)
    await h.received("#1: Dr. Jordan Rivera is on it and is responding.", PRINCIPAL)
    await h.received("#1 acknowledged by Dr. Jordan Rivera", ATTORNEY)


# Signing in to the console (per person, with a texted code; the shared token signs
# nobody in any more): tests/scenario/test_console_auth.py.


def test_the_access_log_carries_no_query_string(caplog: pytest.LogCaptureFixture) -> None:
    import logging

    from aiohttp import web
    from aiohttp.test_utils import make_mocked_request

    from alertbot.web.serving import AccessLog

    request = make_mocked_request("GET", f"/?token={API_TOKEN}",
                                  headers={"Referer": f"https://x.test/?token={API_TOKEN}"})
    with caplog.at_level(logging.INFO, logger="aiohttp.access"):
        AccessLog(logging.getLogger("aiohttp.access"), "").log(
            request, web.Response(status=401), 0.004)
    [line] = caplog.messages
    assert '"GET /" 401' in line and API_TOKEN not in line


async def test_metrics_count_pages_and_latency(h: Harness) -> None:
    await h.text(PRINCIPAL, "ICE")
    assert h.session is not None
    async with h.session.get(h.url + "/metrics") as r:
        text = await r.text()
    assert 'alertbot_messages_sent_total{channel="sms",kind="page",result="sent"} 2.0' in text
    assert "alertbot_trigger_to_first_page_seconds_count 1.0" in text  # once per incident
    # Everyone else alertbot told something in this story:
    await h.received("ALERT #1: Enforcement visit at Burns Academy", SUPERINTENDENT, ATTORNEY)


async def test_metrics_refuse_proxied_and_remote_clients_without_a_token(h: Harness) -> None:
    assert h.session is not None
    for proxied in ({"X-Forwarded-For": "203.0.113.9"}, {"X-Real-IP": "203.0.113.9"},
                    {"Forwarded": "for=203.0.113.9"}):
        async with h.session.get(h.url + "/metrics", headers=proxied) as r:
            assert r.status == 403, proxied
            assert "alertbot_" not in await r.text()
    from aiohttp.test_utils import make_mocked_request

    from alertbot.web.health import metrics_allowed

    class Peer:
        def __init__(self, address: str) -> None:
            self.address = address

        def get_extra_info(self, name: str, default: object = None) -> object:
            return (self.address, 40000) if name == "peername" else default

        def is_closing(self) -> bool:
            return False

    for address, allowed in (("203.0.113.9", False), ("10.0.0.7", False),
                             ("127.0.0.1", True), ("::1", True)):
        request = make_mocked_request("GET", "/metrics", app=h.app,
                                      transport=Peer(address))  # type: ignore[arg-type]
        assert metrics_allowed(request, None) is allowed, address


async def test_metrics_need_the_bearer_token_when_one_is_set(fake: FakeTwilio,
                                                             tmp_path: Path) -> None:
    from alertbot.core.redact import Secret

    h = await Harness(fake, tmp_path, extra={"metrics_token": Secret("m-token-77")}).start()
    try:
        assert h.session is not None
        for headers in ({}, {"Authorization": "Bearer wrong"},
                        {"Authorization": f"Bearer {API_TOKEN}"}):
            async with h.session.get(h.url + "/metrics", headers=headers) as r:
                assert r.status == 401, headers
                assert r.headers["WWW-Authenticate"] == "Bearer"
        async with h.session.get(h.url + "/metrics",
                                 headers={"Authorization": "Bearer m-token-77"}) as r:
            assert r.status == 200
            assert "alertbot_open_incidents" in await r.text()
    finally:
        await h.close()


async def add_rows(h: Harness, number: int, n: int) -> None:
    import sqlalchemy as sa

    from alertbot.store.schema import timeline

    async with transaction(h.app[appkeys.STORE]) as tx:
        await tx.conn.execute(sa.insert(timeline), [
            {"incident_id": number, "at": h.clock.now() + i, "kind": "delivery",
             "actor": None, "text": f"SMS to +1860555010{i % 10} delivered ({i})"}
            for i in range(n)])


async def get(h: Harness, path: str) -> tuple[Any, Any]:
    assert h.session is not None
    async with h.session.get(h.url + path,
                             headers={"Authorization": f"Bearer {API_TOKEN}"}) as r:
        assert r.status == 200, path
        return await r.json(), r.headers


async def test_the_incident_list_is_bounded_and_paged(h: Harness) -> None:
    for school in ("burns", "elm", "oak"):
        await h.text(PRINCIPAL if school == "burns" else AREA_LEAD, f"ICE {school}")
    for number in (1, 2, 3):
        await add_rows(h, number, 2_000)
    assert h.session is not None
    async with h.session.get(h.url + "/api/incidents",
                             headers={"Authorization": f"Bearer {API_TOKEN}"}) as r:
        size = len(await r.read())
    listed, headers = await get(h, "/api/incidents")
    assert [i["id"] for i in listed] == [3, 2, 1]
    for item in listed:  # the latest 50 entries of each, and how many there are
        assert len(item["timeline"]) == 50 and item["timeline_total"] > 2_000
        assert item["timeline"][-1]["text"].endswith("(1999)")
        assert set(item) >= {"id", "state", "incident", "school", "reporter", "created_at",
                             "acknowledged_by", "acknowledged_at", "timeline"}
    assert size < 60_000  # was 3 x 2,000 rows: over 600 kB
    # Paging through the list: limit and the before cursor from the Link header.
    first, headers = await get(h, "/api/incidents?limit=2&timeline=0")
    assert [i["id"] for i in first] == [3, 2] and first[0]["timeline"] == []
    assert headers["Link"] == '</api/incidents?before=2&limit=2>; rel="next"'
    rest, _ = await get(h, "/api/incidents?before=2&limit=2")
    assert [i["id"] for i in rest] == [1]
    # What changed since the cursor: nothing, then only the incident that moved.
    cursor = headers["X-Timeline-Cursor"]
    unchanged, again = await get(h, f"/api/incidents?changed_since={cursor}")
    assert unchanged == [] and again["X-Timeline-Cursor"] == cursor
    await h.text(SUPERINTENDENT, "ACK 2")
    changed, _ = await get(h, f"/api/incidents?changed_since={cursor}")
    assert [i["id"] for i in changed] == [2] and changed[0]["state"] == "acknowledged"
    # Everyone else alertbot told something in this story:
    await h.received("ALERT #1: Enforcement visit at Burns Academy", SUPERINTENDENT, ATTORNEY)
    await h.received("ALERT #2: Enforcement visit at Elm Elementary", SUPERINTENDENT, ATTORNEY)
    await h.received("ALERT #3: Enforcement visit at Oak Middle School", SUPERINTENDENT, ATTORNEY)
    await h.received("#2 was reported by Gale Porter with no details yet", SUPERINTENDENT)
    await h.received("#2: Dr. Jordan Rivera is on it and is responding.", AREA_LEAD)
    await h.received("#2 acknowledged by Dr. Jordan Rivera", ATTORNEY)


async def test_one_incidents_timeline_is_paged(h: Harness) -> None:
    await h.text(PRINCIPAL, "ICE burns")
    await add_rows(h, 1, 2_000)
    one, _ = await get(h, "/api/incidents/1")
    total = one["timeline_total"]
    assert total > 2_000 and len(one["timeline"]) == 200
    seen = [e["id"] for e in one["timeline"]]
    while one["timeline_next"] is not None:
        one, _ = await get(h, f"/api/incidents/1?timeline=1000&timeline_before="
                              f"{one['timeline_next']}")
        assert len(one["timeline"]) <= 1000
        seen = [e["id"] for e in one["timeline"]] + seen
    assert len(seen) == len(set(seen)) == total and seen == sorted(seen)
    assert one["timeline"][0]["kind"] == "opened"
    # Everyone else alertbot told something in this story:
    await h.received("ALERT #1: Enforcement visit at Burns Academy", SUPERINTENDENT, ATTORNEY)


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
    # Everyone else alertbot told something in this story:
    await h.received("ALERT #1: Enforcement visit at Burns Academy", SUPERINTENDENT, ATTORNEY)
    await h.received("#1: still paging", PRINCIPAL)


async def test_numbers_too_large_for_the_database_are_refused_cleanly(
        h: Harness, caplog: pytest.LogCaptureFixture) -> None:
    # Issue 9, kind 12: a huge number from outside (a URL id, a query value) is a clear
    # 404 / 400, never an OverflowError from the database and a 500.
    assert h.session is not None
    await h.text(PRINCIPAL, "ICE")
    auth = {"Authorization": f"Bearer {API_TOKEN}"}
    huge = "9" * 40
    async with h.session.get(f"{h.url}/api/incidents/{huge}", headers=auth) as r:
        assert r.status == 404
    for query in (f"before={huge}", f"limit={huge}", "limit=²", f"timeline={huge}"):
        async with h.session.get(f"{h.url}/api/incidents?{query}", headers=auth) as r:
            assert r.status == 400, query
    async with h.session.get(f"{h.url}/api/incidents/1?timeline_before={huge}",
                             headers=auth) as r:
        assert r.status == 400
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    # Everyone else alertbot told something in this story:
    await h.received("ALERT #1: Enforcement visit at Burns Academy", SUPERINTENDENT, ATTORNEY)
