"""Issue 12's story: ICE -> ACK -> the checklist -> the encounter log -> the warrant aid ->
a records request whose parent-notice reminder arrives at the right fake-clock time,
once -> resolved. Ticking steps off pages nobody (the teardown check fails on any text
not expected here)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from alertbot.web.console import encounter_view, procedure_view, records_view, warrant_view
from tests.console import console_client, csrf_token, sign_in
from tests.fakes.twilio_server import FakeTwilio
from tests.scenario.harness import (
    API_TOKEN,
    ATTORNEY,
    PRINCIPAL,
    PRINCIPAL_ES,
    SUPERINTENDENT,
    Harness,
)
from tests.scenario.teardown import finish

DISTRICT_PROCEDURE = Path(__file__).parent / "district_procedure"
TZ = ZoneInfo("America/New_York")


@pytest.fixture
async def hp(request: pytest.FixtureRequest, fake: FakeTwilio,
             tmp_path: Path) -> AsyncIterator[Harness]:
    harness = await Harness(fake, tmp_path, config_dir=DISTRICT_PROCEDURE).start()
    try:
        yield harness
    finally:
        await finish(request, harness)


async def post(h: Harness, path: str, data: dict[str, Any], token: str | None = API_TOKEN
               ) -> tuple[int, dict[str, Any]]:
    assert h.session is not None
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with h.session.post(h.url + path, data=data, headers=headers,
                              allow_redirects=False) as r:
        body = await r.json() if r.content_type == "application/json" else {}
        return r.status, body


def local(epoch: float) -> str:
    """An HTML datetime-local value in the district's time zone."""
    return datetime.fromtimestamp(epoch, TZ).strftime("%Y-%m-%dT%H:%M")


async def test_the_procedure_from_ice_to_resolved(hp: Harness) -> None:
    h = hp
    await h.text(PRINCIPAL, "ICE 2 agents at front desk")
    await h.received("ALERT #1", SUPERINTENDENT, ATTORNEY)
    await h.text(ATTORNEY, "ACK")
    await h.received("#1 acknowledged by Sam Okafor", SUPERINTENDENT)
    await h.received("#1: Sam Okafor is on it", PRINCIPAL)
    await h.received("#1 reported by Ana Perez. The report's words are in the console", ATTORNEY)

    # The checklist: the principal ticks off step A, counsel step B with a time.
    status, body = await post(h, "/api/incidents/1/procedure/refer",
                              {"contact": "principal-burns"})
    assert (status, body["key"]) == (200, "step_done")
    status, body = await post(h, "/api/incidents/1/procedure/designees",
                              {"contact": "attorney", "arrived_at": "3:40",
                               "note": "met the agents at the front desk"})
    assert (status, body["key"]) == (200, "step_done")
    status, body = await post(h, "/api/incidents/1/procedure/designees",
                              {"contact": "attorney"})
    assert (status, body["key"], body["name"]) == (200, "step_already_done", "Sam Okafor")
    status, body = await post(h, "/api/incidents/1/procedure/warrant",
                              {"contact": "superintendent"})
    assert (status, body["key"]) == (403, "step_not_yours")  # sees it; not counsel
    status, body = await post(h, "/api/incidents/1/procedure/refer", {"contact": "teacher"})
    assert status == 404  # may not see #1: as if it did not exist
    status, body = await post(h, "/api/incidents/1/procedure/warrant",
                              {"contact": "attorney", "judicial_warrant": "maybe"})
    assert status == 400 and body["problems"] == ["judicial_warrant: one of yes, no"]
    await h.fake.assert_no_sms()  # completing steps pages nobody

    # The encounter log and the warrant aid.
    now = h.clock.now()
    status, body = await post(h, "/api/incidents/1/encounter", {
        "contact": "attorney", "arrived_at": local(now - 600), "agents_count": "2",
        "agency": "ICE", "agents": "Officer A #101, Officer B #102",
        "purpose": "asked about a student", "outcome": "declined"})
    assert (status, body["key"]) == (200, "encounter_saved")
    status, body = await post(h, "/api/incidents/1/warrant-review", {
        "contact": "attorney", "signed_by": "officer", "header": "agency", "form": "I-200",
        "names_address": "no", "names_person": "yes", "document_id": "doc-1"})
    assert (status, body["key"]) == (200, "warrant_reviewed")

    # A records request: parents to be told within 3 hours, records due in 3 days.
    status, body = await post(h, "/api/incidents/1/records-requests", {
        "contact": "attorney", "presented": "subpoena", "categories": "attendance",
        "parent_notice_due_at": local(now + 3 * 3600),
        "response_due_at": local(now + 3 * 86400)})
    assert (status, body["key"]) == (200, "records_request_added")
    rid = body["id"]

    await h.advance(minutes=119)  # the reminder goes an hour before: 2 hours from now
    await h.fake.assert_no_sms()
    await h.advance(minutes=1)
    reminder = await h.fake.expect_sms(ATTORNEY, contains="parent notice")
    due = datetime.fromtimestamp(now + 3 * 3600, TZ)
    assert reminder.body == (f"alertbot: a parent notice for records request {rid} of #1 is "
                             f"due at {due.hour % 12 or 12}:{due.minute:02d} "
                             f"{'AM' if due.hour < 12 else 'PM'}. Details in the console: "
                             "https://alerts.example.test/incidents/1")
    assert "Officer" not in reminder.body and "attendance" not in reminder.body
    await h.advance(minutes=30)
    await h.advance(minutes=90)
    await h.fake.assert_no_sms()  # once, even past the due time

    status, body = await post(h, f"/api/incidents/1/records-requests/{rid}", {
        "contact": "attorney", "parents_notified_how": "phone"})
    assert (status, body["key"]) == (200, "records_request_saved")

    await h.text(ATTORNEY, "RESOLVE 1")
    await h.received("#1 resolved by Sam Okafor", SUPERINTENDENT, PRINCIPAL)

    one = await h.incident(1)
    steps = {s["id"]: s for s in one["procedure"]}
    assert [s["id"] for s in one["procedure"]] == ["refer", "designees", "warrant", "records"]
    assert steps["designees"]["done_by"] == {"id": "attorney", "name": "Sam Okafor"}
    assert steps["designees"]["note"] == "met the agents at the front desk"
    assert steps["designees"]["fields"][0]["value"] == "3:40"
    assert steps["warrant"]["done_by"] is None
    assert one["encounter"]["agents_count"] == 2 and one["encounter"]["outcome"] == "declined"
    [review] = one["warrant_reviews"]
    assert review["assessment"]["kind"] == "admin_arrest"
    assert review["assessment"]["counsel_decides"] is True
    assert "Counsel decides" in " ".join(review["assessment"]["text"])
    [req] = one["records_requests"]
    assert req["categories"] == ["attendance"] and req["parents_notified"]["how"] == "phone"
    assert [r["key"].split(":")[2] for r in req["reminders"]] == ["parent_notice"]
    kinds = [e["kind"] for e in one["timeline"]]
    for kind in ("procedure", "encounter", "warrant_review", "records_request", "reminder"):
        assert kind in kinds
    texts = " ".join(e["text"] for e in one["timeline"])
    for secret in ("Officer", "front desk at", "I-200", "attendance", "asked about"):
        assert secret not in texts
    # The console sections render from this very JSON.
    assert "2 of 4 steps done" in procedure_view.render(one, "t", "en")
    assert "Officer A #101" in encounter_view.render(one, "t", "en")
    assert "Counsel decides." in warrant_view.render(one, "t", "en")
    assert "Padres avisados" in records_view.render(one, "t", "es")

    # Three days on, the response deadline is near and records were not provided: one
    # reminder. Thirty days after resolution, retention purges the free text.
    await h.advance(minutes=3 * 24 * 60 - 5 * 60)
    await h.fake.expect_sms(ATTORNEY, contains="records-request deadline for #1")
    await h.advance(minutes=30 * 24 * 60)
    purged = await h.incident(1)
    assert purged["details"] == "" and purged["acknowledged_at"] == one["acknowledged_at"]
    assert purged["procedure"][1]["note"] == "" and purged["procedure"][1]["fields"][0][
        "value"] == "3:40"
    assert purged["encounter"]["agents"] == "" and purged["encounter"]["agents_count"] == 2
    assert purged["timeline"][-1]["kind"] == "retention"


async def test_the_routes_refuse_without_credentials_or_a_contact(hp: Harness) -> None:
    h = hp
    await h.text(PRINCIPAL, "ICE")
    await h.received("ALERT #1", SUPERINTENDENT, ATTORNEY)
    for path in ("/procedure/refer", "/encounter", "/warrant-review", "/records-requests",
                 "/records-requests/1"):
        status, _ = await post(h, "/api/incidents/1" + path, {"contact": "attorney"},
                               token=None)
        assert status == 401, path
        status, _ = await post(h, "/api/incidents/1" + path, {"contact": "nobody"})
        assert status == 400, path  # a script must name the contact it acts for
    status, _ = await post(h, "/api/incidents/9/encounter", {"contact": "attorney",
                                                                "agency": "ICE"})
    assert status == 404
    one = await h.incident(1)
    assert one["encounter"] is None and one["records_requests"] == []
    assert all(s["done_at"] is None for s in one["procedure"])


async def test_a_signed_in_person_needs_the_csrf_token_and_may_see_the_incident(
        hp: Harness) -> None:
    h = hp
    await h.text(PRINCIPAL, "ICE")
    await h.received("ALERT #1", SUPERINTENDENT, ATTORNEY)
    async with console_client(h.url) as client:
        await sign_in(client, h.fake, ATTORNEY)
        async with client.post("/api/incidents/1/procedure/designees", data={}) as r:
            assert r.status == 403  # no CSRF token: nothing happens
        token = await csrf_token(client)
        async with client.post("/api/incidents/1/procedure/designees",
                               data={"csrf_token": token, "arrived_at": "9:40"},
                               allow_redirects=False) as r:
            assert (r.status, r.headers["Location"]) == (303, "/incidents/1")
        async with client.post("/api/incidents/1/encounter",
                               headers={"Origin": "https://evil.example",
                                        "X-CSRF-Token": token},
                               data={"agency": "ICE"}) as r:
            assert r.status == 403  # another site, even holding the token
    async with console_client(h.url) as principal:
        await sign_in(principal, h.fake, PRINCIPAL)
        token = await csrf_token(principal)
        async with principal.post("/api/incidents/1/procedure/designees",
                                  data={"csrf_token": token}) as r:
            page = await r.text()
            assert (r.status, r.content_type) == (403, "text/html")
        assert "This step is for other roles." in page and 'href="/incidents/1"' in page
        async with principal.post("/api/incidents/1/encounter",
                                  data={"csrf_token": token, "agents_count": "<b>x</b>"}) as r:
            page = await r.text()
            assert r.status == 400 and "agents_count: a whole number" in page
    async with console_client(h.url) as other:
        await sign_in(other, h.fake, PRINCIPAL_ES)  # Oak's principal: may not see #1
        async with other.post("/api/incidents/1/encounter", data={"agency": "ICE"},
                              headers={"X-CSRF-Token": await csrf_token(other)}) as r:
            assert r.status == 404
    one = await h.incident(1)
    assert one["procedure"][1]["done_by"] == {"id": "attorney", "name": "Sam Okafor"}
    assert one["encounter"] is None
    assert h.session is not None
    async with h.session.get(h.url + "/api/audit",
                             headers={"Authorization": f"Bearer {API_TOKEN}"}) as r:
        audit = [(a["contact"], a["action"], a["outcome"]) for a in await r.json()
                 if a["action"] in ("procedure_step", "encounter")]
    assert ("attorney", "procedure_step", "done") in audit
    assert ("principal-oak", "encounter", "not_found") in audit
