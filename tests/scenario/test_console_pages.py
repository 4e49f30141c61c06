"""The console's pages over HTTP as a signed-in person sees them: the board and a card
show only what they may see, the incident page records the look in the audit log, the
console's own actions need the session's CSRF token, and the sandbox panel is there in
sandbox mode."""

from __future__ import annotations

from pathlib import Path

import pytest
from markupsafe import Markup

from alertbot import appkeys
from alertbot.web.console import sections
from tests.console import console_client, csrf_token, sign_in
from tests.fakes.twilio_server import FakeTwilio
from tests.scenario.harness import (
    ATTORNEY,
    DEPUTY,
    PRINCIPAL,
    PRINCIPAL_ES,
    SUPERINTENDENT,
    Harness,
)
from tests.unitofwork import transaction


async def opened(h: Harness) -> None:
    await h.text(PRINCIPAL, "ICE 2 agents at <b>front</b> desk")
    await h.received("ALERT #1", SUPERINTENDENT, ATTORNEY)


async def test_the_board_and_a_card_show_only_what_the_person_may_see(h: Harness) -> None:
    await opened(h)
    async with console_client(h.url) as supt, console_client(h.url) as oak:
        await sign_in(supt, h.fake, SUPERINTENDENT)
        await sign_in(oak, h.fake, PRINCIPAL_ES)
        async with supt.get("/") as r:
            board = await r.text()
        assert 'id="inc-1"' in board and "Enforcement visit at Burns Academy" in board
        async with oak.get("/") as r:
            board = await r.text()
        assert 'id="inc-1"' not in board and "Sin atender" in board  # Spanish, and empty
        async with oak.get("/board/incidents/1") as r:
            assert r.status == 404
        async with oak.get("/incidents/1") as r:
            assert r.status == 404
            assert "Burns" not in await r.text()
        async with supt.get("/board/incidents/1") as r:
            assert r.status == 200 and (await r.text()).startswith("<article")


async def test_the_incident_page_escapes_the_words_and_records_the_look(h: Harness) -> None:
    await opened(h)
    async with console_client(h.url) as client:
        await sign_in(client, h.fake, SUPERINTENDENT)
        async with client.get("/incidents/1") as r:
            page = await r.text()
    assert "2 agents at &lt;b&gt;front&lt;/b&gt; desk" in page  # autoescaped, never HTML
    assert "<b>front</b>" not in page
    assert "routed to escalation" in page  # the timeline, with its reasons
    async with transaction(h.app[appkeys.STORE], write=False) as tx:
        rows = await tx.audit_entries(None, None)
    assert [(e.action, e.contact_id, e.incident_id) for e in rows
            if e.action == "viewed"] == [("viewed", "superintendent", 1)]


async def test_console_actions_need_the_sessions_csrf_token(h: Harness) -> None:
    await opened(h)
    async with console_client(h.url) as client:
        await sign_in(client, h.fake, SUPERINTENDENT)
        async with client.post("/api/incidents/1/page", data={"target": "deputy"}) as r:
            assert r.status == 403
        token = await csrf_token(client)
        async with client.post("/api/incidents/1/page",
                               data={"target": "deputy", "csrf_token": token}) as r:
            assert r.status == 200
    await h.settle()
    await h.received("ALERT #1", DEPUTY)
    await h.received("ALERT number 1", DEPUTY, kind="call")
    async with transaction(h.app[appkeys.STORE], write=False) as tx:
        rows = await tx.audit_entries(None, None)
    assert [(e.action, e.outcome, e.detail) for e in rows if e.action == "page"] == [
        ("page", "paged", "target deputy")]


async def test_the_sandbox_panel_is_on_the_board_in_sandbox_mode(fake: FakeTwilio,
                                                                 tmp_path: Path) -> None:
    async with Harness(fake, tmp_path, extra={"sandbox": True}) as h, \
            console_client(h.url) as client:
        await sign_in(client, h.app[appkeys.SANDBOX], SUPERINTENDENT)
        async with client.get("/") as r:
            board = await r.text()
        assert "Send a text as a contact" in board and 'hx-post="/sandbox/sms"' in board
        token = await csrf_token(client)
        async with client.post("/sandbox/sms", headers={"HX-Request": "true"},
                               data={"from": PRINCIPAL, "body": "ICE <i>2</i> agents",
                                     "csrf_token": token}) as r:
            assert r.status == 200 and (await r.text()).startswith("#1 opened")
        await h.settle()
        async with client.get("/sandbox/messages", headers={"HX-Request": "true"}) as r:
            sent = await r.text()
        assert "ALERT #1" in sent and "<i>" not in sent


async def test_issue_12_sections_render_after_the_timeline_and_a_broken_one_is_left_out(
        h: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    given: list[sections.SectionInput] = []

    def checklist(section: sections.SectionInput) -> str:
        given.append(section)
        return Markup('<section id="checklist">{} steps</section>').format(
            len(section.detail["timeline"]))

    def broken(section: sections.SectionInput) -> str:
        raise RuntimeError("a bug in someone's section")

    def plain(section: sections.SectionInput) -> str:
        return "<b>not marked as HTML</b>"

    monkeypatch.setattr(sections, "INCIDENT_SECTIONS", (checklist, broken, plain))
    await opened(h)
    async with console_client(h.url) as client:
        await sign_in(client, h.fake, PRINCIPAL_ES)  # may not see #1: no section runs
        async with client.get("/incidents/1") as r:
            assert r.status == 404
        assert given == []
    async with console_client(h.url) as client:
        await sign_in(client, h.fake, ATTORNEY)
        async with client.get("/incidents/1") as r:
            page = await r.text()
        token = await csrf_token(client)
    assert page.index('class="timeline"') < page.index('<section id="checklist">3 steps')
    assert "&lt;b&gt;not marked as HTML&lt;/b&gt;" in page
    [seen] = given
    assert (seen.language, seen.viewer_id, seen.csrf_token) == ("en", "attorney", token)
    assert seen.detail["id"] == 1 and seen.detail["details"] == "2 agents at <b>front</b> desk"
    assert seen.detail["messages"][0]["kind"] == "page"
