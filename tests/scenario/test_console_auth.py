"""Signing in to the console per person (issue 11): one-time codes, sessions, CSRF.

Every code goes out through the outbox to the fake Twilio; the tests read it there as
a person reads their phone (tests/console.py)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from alertbot import appkeys
from alertbot.core import signin as rules
from tests.console import ask_code, console_client, csrf_token, read_code, sign_in, verify
from tests.fakes.slack_server import FakeSlack
from tests.fakes.twilio_server import FakeTwilio
from tests.scenario.harness import (
    ADMIN,
    API_TOKEN,
    ATTORNEY,
    PRINCIPAL,
    STRANGER,
    SUPERINTENDENT,
    Harness,
)


async def audit_rows(h: Harness) -> list[dict[str, object]]:
    assert h.session is not None
    async with h.session.get(h.url + "/api/audit",
                             headers={"Authorization": f"Bearer {API_TOKEN}"}) as r:
        assert r.status == 200
        rows: list[dict[str, object]] = await r.json()
    return rows


async def test_a_person_signs_in_with_the_code_texted_to_them(h: Harness) -> None:
    async with console_client(h.url) as client:
        async with client.get("/api/incidents") as r:
            assert r.status == 401
        async with client.get("/") as r:
            page = await r.text()
            assert r.status == 200 and 'action="/auth/code"' in page and 'name="phone"' in page
        assert await ask_code(client, "(860) 555-0142") == 200  # any form of the number
        record = await h.fake.expect_sms(PRINCIPAL, contains="alertbot sign-in")
        assert re.fullmatch(r"\d{6} is your alertbot sign-in code\.", record.body or "")
        code = re.findall(r"\d{6}", record.body or "")[0]
        async with client.post("/auth/verify", data={"phone": PRINCIPAL, "code": code},
                               allow_redirects=False) as r:
            assert r.status == 303 and r.headers["Location"] == "/"
            cookie = r.cookies["alertbot_session"]
        # https public URL: Secure; never readable by scripts; Lax (decision 0024)
        assert cookie["httponly"] and cookie["secure"] and cookie["samesite"] == "Lax"
        assert code not in cookie.value and API_TOKEN not in cookie.value
        async with client.get("/api/incidents") as r:
            assert r.status == 200 and await r.json() == []
        async with client.get("/") as r:
            page = await r.text()
            assert "Ana Perez" in page and 'action="/auth/logout"' in page
        # The code worked once: it signs nobody in again.
        assert await verify(client, PRINCIPAL, code) == 401
    # The database keeps neither the code nor the cookie value.
    store = h.app[appkeys.STORE]
    tables = ("sign_in_codes", "console_sessions", "outbox", "audit_log")
    dump = await store.read(lambda tx: [
        str(tuple(r)) for t in tables
        for r in tx.conn.exec_driver_sql(f"SELECT * FROM {t}").all()])
    assert not [row for row in dump if code in row or cookie.value in row]


async def test_an_unknown_number_gets_the_same_answer_and_no_text(h: Harness) -> None:
    async with console_client(h.url) as client:
        answers = []
        for phone in (STRANGER, PRINCIPAL):
            async with client.post("/auth/code", data={"phone": phone}) as r:
                answers.append((r.status, (await r.text()).replace(phone, "NUMBER")))
        assert answers[0] == answers[1]
        await read_code(h.fake, PRINCIPAL)
        await h.fake.assert_no_sms(STRANGER)
        assert await verify(client, STRANGER, "123456") == 401
    rows = [(r["action"], r["outcome"], r["subject"]) for r in await audit_rows(h)]
    assert ("code_requested", "unknown", STRANGER) in rows
    assert ("code_requested", "sent", PRINCIPAL) in rows
    assert ("sign_in", "failed", STRANGER) in rows


async def test_five_wrong_codes_kill_the_code(h: Harness) -> None:
    async with console_client(h.url) as client:
        assert await ask_code(client, PRINCIPAL) == 200
        code = await read_code(h.fake, PRINCIPAL)
        wrong = f"{(int(code) + 1) % 1_000_000:06d}"
        for _ in range(rules.CODE_TRIES):
            assert await verify(client, PRINCIPAL, wrong) == 401
        assert await verify(client, PRINCIPAL, code) == 401  # dead, even the right one
        async with client.get("/api/incidents") as r:
            assert r.status == 401
        # A new code works (the limit is per code; codes per number are limited too).
        await sign_in(client, h.fake, PRINCIPAL)
    outcomes = [(r["outcome"], r["detail"]) for r in await audit_rows(h)
                if r["action"] == "sign_in"]
    assert outcomes[:5] == [("failed", f"wrong code, {n} tries left") for n in (4, 3, 2, 1, 0)]
    assert outcomes[5] == ("failed", "no live code")
    assert outcomes[6][0] == "ok"


async def test_a_code_expires_after_ten_minutes(h: Harness) -> None:
    async with console_client(h.url) as client:
        assert await ask_code(client, PRINCIPAL) == 200
        code = await read_code(h.fake, PRINCIPAL)
        h.clock.advance(rules.CODE_LIFETIME + 1)
        assert await verify(client, PRINCIPAL, code) == 401
        assert await ask_code(client, PRINCIPAL) == 200
        fresh = await read_code(h.fake, PRINCIPAL)
        h.clock.advance(rules.CODE_LIFETIME - 5)
        assert await verify(client, PRINCIPAL, fresh) == 303


async def test_a_new_code_replaces_the_last(h: Harness) -> None:
    async with console_client(h.url) as client:
        assert await ask_code(client, PRINCIPAL) == 200
        first = await read_code(h.fake, PRINCIPAL)
        assert await ask_code(client, PRINCIPAL) == 200
        second = await read_code(h.fake, PRINCIPAL)
        if first != second:
            assert await verify(client, PRINCIPAL, first) == 401
        assert await verify(client, PRINCIPAL, second) == 303


async def test_codes_are_limited_per_number_known_or_not(h: Harness) -> None:
    async with console_client(h.url) as client:
        for phone in (PRINCIPAL, STRANGER):
            for _ in range(rules.CODES_PER_NUMBER):
                assert await ask_code(client, phone) == 200
                if phone == PRINCIPAL:
                    await read_code(h.fake, PRINCIPAL)
            assert await ask_code(client, phone) == 429
        await h.fake.assert_no_sms()
        h.clock.advance(rules.THROTTLE_WINDOW + 1)
        await sign_in(client, h.fake, PRINCIPAL)  # the window passed


async def test_codes_and_wrong_guesses_are_limited_per_client_address(h: Harness) -> None:
    async with console_client(h.url) as client:
        numbers = [f"+186055501{55 + i}" for i in range(rules.CODES_PER_CLIENT)]  # not contacts
        for phone in numbers:
            assert await ask_code(client, phone) == 200
        assert await ask_code(client, SUPERINTENDENT) == 429  # a new number, same client
        await h.fake.assert_no_sms()
        for _ in range(rules.FAILURES_PER_CLIENT):
            assert await verify(client, numbers[0], "000000") == 401
        assert await verify(client, numbers[1], "000000") == 429


async def test_logout_needs_the_csrf_token_and_ends_the_session(h: Harness) -> None:
    async with console_client(h.url) as client:
        await sign_in(client, h.fake, PRINCIPAL)
        token = await csrf_token(client)
        async with client.post("/auth/logout", allow_redirects=False) as r:
            assert r.status == 403  # no token: the session lives on
        async with client.post("/auth/logout", data={"csrf_token": "0" * 64},
                               allow_redirects=False) as r:
            assert r.status == 403
        async with client.get("/api/incidents") as r:
            assert r.status == 200
        async with client.post("/auth/logout", data={"csrf_token": token},
                               allow_redirects=False) as r:
            assert r.status == 303
        async with client.get("/api/incidents") as r:
            assert r.status == 401
    actions = [r["action"] for r in await audit_rows(h)]
    assert "sign_out" in actions


async def test_a_session_ends_after_idle_time_and_at_its_absolute_end(h: Harness) -> None:
    idle, lifetime = h.settings.session_idle, h.settings.session_max
    async with console_client(h.url) as client:
        await sign_in(client, h.fake, PRINCIPAL)
        h.clock.advance(idle - 5)
        async with client.get("/api/incidents") as r:
            assert r.status == 200  # activity keeps it alive …
        h.clock.advance(idle - 5)
        async with client.get("/api/incidents") as r:
            assert r.status == 200
        h.clock.advance(idle + 1)  # … idleness ends it
        async with client.get("/api/incidents") as r:
            assert r.status == 401
        await sign_in(client, h.fake, PRINCIPAL)
        elapsed = 0.0
        while elapsed + idle / 2 < lifetime:
            h.clock.advance(idle / 2)
            elapsed += idle / 2
            async with client.get("/api/incidents") as r:
                assert r.status == 200, elapsed
        h.clock.advance(lifetime - elapsed)
        async with client.get("/api/incidents") as r:
            assert r.status == 401  # busy or not, it ends at its absolute end


async def test_sessions_are_listed_and_revocable(h: Harness) -> None:
    async with console_client(h.url) as phone, console_client(h.url) as desk:
        await sign_in(phone, h.fake, ATTORNEY)
        await sign_in(desk, h.fake, ATTORNEY)
        await sign_in(desk, h.fake, ATTORNEY)  # again in the same browser: ends the last
        async with desk.get("/api/sessions") as r:
            listed = await r.json()
        assert [s["current"] for s in listed["sessions"]] == [True, False, False]
        assert [s["active"] for s in listed["sessions"]] == [True, False, True]
        assert listed["sessions"][1]["revoked_why"] == "signed in again"
        other = listed["sessions"][2]["id"]
        async with desk.post(f"/api/sessions/{other}/revoke") as r:
            assert r.status == 403  # CSRF
        async with desk.post(f"/api/sessions/{other}/revoke",
                             headers={"X-CSRF-Token": listed["csrf_token"]}) as r:
            assert r.status == 200 and (await r.json())["revoked"] is True
        async with phone.get("/api/incidents") as r:
            assert r.status == 401  # the phone's session is over
        async with desk.get("/api/incidents") as r:
            assert r.status == 200
        # Someone else's session is not theirs to see or end; an admin may end it.
        async with console_client(h.url) as admin:
            await sign_in(admin, h.fake, ADMIN)
            async with admin.get("/api/sessions") as r:
                mine = await r.json()
            async with desk.post(f"/api/sessions/{mine['current']}/revoke",
                                 headers={"X-CSRF-Token": listed["csrf_token"]}) as r:
                assert r.status == 404
            async with admin.post(f"/api/sessions/{listed['current']}/revoke",
                                  headers={"X-CSRF-Token": mine["csrf_token"]}) as r:
                assert r.status == 200
        async with desk.get("/api/incidents") as r:
            assert r.status == 401


async def test_an_old_token_link_or_the_token_as_a_cookie_signs_nobody_in(h: Harness) -> None:
    async with console_client(h.url) as client:
        async with client.get(f"/?token={API_TOKEN}", allow_redirects=False) as r:
            assert r.status == 303 and r.headers["Location"] == "/"
            assert "Set-Cookie" not in r.headers
        client.cookie_jar.update_cookies({"alertbot_session": API_TOKEN})
        async with client.get("/api/incidents") as r:
            assert r.status == 401
        async with client.post("/login", data={"token": API_TOKEN}) as r:
            assert r.status in (404, 405)  # the shared-token sign-in is gone


async def test_sign_in_forms_refuse_other_sites(h: Harness) -> None:
    async with console_client(h.url) as client:
        for evil in ({"Origin": "https://evil.example"}, {"Sec-Fetch-Site": "cross-site"}):
            async with client.post("/auth/code", data={"phone": PRINCIPAL},
                                   headers=evil) as r:
                assert r.status == 403
            async with client.post("/auth/verify", data={"phone": PRINCIPAL,
                                                         "code": "123456"},
                                   headers=evil, allow_redirects=False) as r:
                assert r.status == 403
        await h.fake.assert_no_sms()


async def test_each_person_sees_only_what_they_may_and_every_look_is_audited(
        h: Harness) -> None:
    from tests.scenario.harness import AREA_LEAD, PRINCIPAL_ES, TEACHER

    await h.text(PRINCIPAL, "ICE 2 agents at front desk")  # #1 at Burns
    await h.received("ALERT #1", SUPERINTENDENT, ATTORNEY)
    seen: dict[str, tuple[int, int]] = {}
    for who, phone in (("superintendent", SUPERINTENDENT), ("admin", ADMIN),
                       ("burns", PRINCIPAL), ("oak", PRINCIPAL_ES),
                       ("oak+elm", AREA_LEAD), ("teacher", TEACHER)):
        async with console_client(h.url) as client:
            await sign_in(client, h.fake, phone)
            async with client.get("/api/incidents") as r:
                listed = len(await r.json())
            async with client.get("/api/incidents/1") as r:
                seen[who] = (listed, r.status)
                body = await r.text()
                if r.status == 404:  # as if it did not exist: nothing of it shows
                    assert "Burns" not in body and "front desk" not in body
            async with client.get("/api/incidents/2") as r:
                assert r.status == 404  # a number that does not exist: the same answer
    assert seen == {"superintendent": (1, 200), "admin": (1, 200), "burns": (1, 200),
                    "oak": (0, 404), "oak+elm": (0, 404), "teacher": (0, 404)}
    views = [(r["contact"], r["incident"], r["via"], r["client"]) for r in await audit_rows(h)
             if r["action"] == "viewed"]
    assert views == [(c, 1, "session", "127.0.0.1")
                     for c in ("superintendent", "admin", "principal-burns")]
    await h.incident(1)  # a script's look is recorded too
    last = [r for r in await audit_rows(h) if r["action"] == "viewed"][-1]
    assert (last["contact"], last["via"]) == (None, "bearer")


async def test_the_audit_log_is_for_admins_and_exports_as_csv(h: Harness) -> None:
    async with console_client(h.url) as client:
        await sign_in(client, h.fake, SUPERINTENDENT)
        async with client.get("/api/audit") as r:
            assert r.status == 404  # not an admin
    async with console_client(h.url) as client:
        await sign_in(client, h.fake, ADMIN)
        h.clock.advance(60)
        async with client.get("/api/audit", params={"format": "csv"}) as r:
            assert r.status == 200 and r.content_type == "text/csv"
            lines = (await r.text()).splitlines()
        assert lines[0] == "id,at,contact,via,action,outcome,incident,subject,client," \
                           "user_agent,detail"
        assert any(",superintendent,session,sign_in,ok," in line for line in lines)
        async with client.get("/api/audit", params={"since": "2027-01-15T08:01:00Z"}) as r:
            rows = await r.json()
        assert [row["action"] for row in rows] == ["audit_export"]
        async with client.get("/api/audit", params={"since": "yesterday"}) as r:
            assert r.status == 400


async def test_a_spanish_speaker_gets_the_code_in_spanish(h: Harness) -> None:
    from tests.scenario.harness import PRINCIPAL_ES

    async with console_client(h.url) as client:
        assert await ask_code(client, PRINCIPAL_ES) == 200
        record = await h.fake.expect_sms(PRINCIPAL_ES, contains="alertbot sign-in")
        assert re.fullmatch(r"\d{6} es su codigo de alertbot sign-in\.", record.body or "")


async def test_a_contact_without_a_phone_gets_the_code_by_slack_dm(
        fake: FakeTwilio, slack: FakeSlack, tmp_path: Path) -> None:
    from tests.scenario.slack_harness import SLACK_DISTRICT, slack_settings

    folder = tmp_path / "district"
    shutil.copytree(SLACK_DISTRICT, folder)
    with (folder / "contacts" / "people.yaml").open("a") as people:
        people.write("- id: counsel\n  name: Lee Counsel\n  roles: [staff_attorney]\n"
                     "  slack: U0COUNS01\n  channels: [slack]\n")
    async with Harness(fake, tmp_path, folder, extra=slack_settings(slack)) as h, \
            console_client(h.url) as client:
        assert await ask_code(client, "U0COUNS01") == 200
        call = await slack.expect("chat.postMessage", channel="D0COUNS01",
                                  contains="alertbot sign-in")
        code = re.findall(r"\d{6}", str(call.args.get("text", "")))[0]
        assert await verify(client, "U0COUNS01", code) == 303
        async with client.get("/api/sessions") as r:
            assert r.status == 200


async def test_the_sign_in_page_speaks_spanish_to_a_spanish_browser(h: Harness) -> None:
    async with console_client(h.url) as client:
        spanish = {"Accept-Language": "es-US,es;q=0.9,en;q=0.5"}
        async with client.get("/", headers=spanish) as r:
            page = await r.text()
        assert '<html lang="es">' in page and "Enviarme un código por mensaje" in page
        async with client.post("/auth/verify", data={"phone": PRINCIPAL, "code": "1"},
                               headers=spanish) as r:
            assert r.status == 401 and "Ese código no sirvió" in await r.text()
        async with client.get("/") as r:
            assert "Text me a sign-in code" in await r.text()


@pytest.mark.parametrize(("link", "lands"), [
    ("/incidents/1", "/incidents/1"),  # the console link in an ACK text
    ("/readiness", "/readiness"),      # the weekly digest's link
])
async def test_a_link_opened_before_signing_in_is_where_sign_in_returns(
        h: Harness, link: str, lands: str) -> None:
    """New-user trial: a link from a text opened signed out led to the board after
    signing in, one more search on a phone. Only the console's own pages may be named
    (an allowlist), so a crafted link cannot send anyone elsewhere."""
    async with console_client(h.url) as client:
        async with client.get(link, allow_redirects=False) as r:
            assert r.status == 303 and r.headers["Location"] == f"/?next={lands}"
        async with client.get(r.headers["Location"]) as r:
            assert f'name="next" value="{lands}"' in await r.text()
        async with client.post("/auth/code", data={"phone": SUPERINTENDENT, "next": lands}
                               ) as r:
            assert f'name="next" value="{lands}"' in await r.text()
        record = await h.fake.expect_sms(SUPERINTENDENT, contains="alertbot sign-in")
        code = re.findall(r"\d{6}", record.body or "")[0]
        async with client.post("/auth/verify", allow_redirects=False, data={
                "phone": SUPERINTENDENT, "code": code, "next": lands}) as r:
            assert r.status == 303 and r.headers["Location"] == lands


@pytest.mark.parametrize("crafted", ["https://evil.example/", "//evil.example/x",
                                     "/\\evil.example", "/incidents/1/../../x",
                                     "/api/audit?format=csv", "javascript:alert(1)"])
async def test_a_crafted_return_address_goes_to_the_board(h: Harness, crafted: str) -> None:
    async with console_client(h.url) as client:
        assert await ask_code(client, SUPERINTENDENT) == 200
        record = await h.fake.expect_sms(SUPERINTENDENT, contains="alertbot sign-in")
        code = re.findall(r"\d{6}", record.body or "")[0]
        async with client.post("/auth/verify", allow_redirects=False, data={
                "phone": SUPERINTENDENT, "code": code, "next": crafted}) as r:
            assert r.status == 303 and r.headers["Location"] == "/"
