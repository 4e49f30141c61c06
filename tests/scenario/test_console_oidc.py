"""Signing in with the district's identity provider (OpenID Connect, issue 11), against
a fake provider on 127.0.0.1 (tests/fakes/oidc_server.py)."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from alertbot.core.redact import Secret
from tests.console import console_client
from tests.fakes.oidc_server import CLIENT_ID, CLIENT_SECRET, FakeOidc
from tests.fakes.twilio_server import FakeTwilio
from tests.scenario.harness import API_TOKEN, DISTRICT, Harness

EMAIL = "jordan.rivera@district.example.org"


@pytest.fixture
async def idp() -> AsyncIterator[FakeOidc]:
    async with FakeOidc() as server:
        yield server


def district_with_emails(tmp: Path) -> Path:
    """The scenario district, the superintendent with an e-mail address."""
    folder = tmp / "district"
    shutil.copytree(DISTRICT, folder)
    path = folder / "contacts" / "people.yaml"
    if not path.exists():
        path = next((folder / "contacts").glob("*.yaml"))
    people: list[dict[str, Any]] = yaml.safe_load(path.read_text())
    for person in people:
        if person["id"] == "superintendent":
            person["email"] = "Jordan.Rivera@District.example.org"  # case does not matter
    path.write_text(yaml.safe_dump(people, allow_unicode=True))
    return folder


def oidc_harness(fake: FakeTwilio, tmp: Path, idp: FakeOidc) -> Harness:
    return Harness(fake, tmp, district_with_emails(tmp), extra={
        "oidc_issuer": idp.url, "oidc_client_id": CLIENT_ID,
        "oidc_client_secret": Secret(CLIENT_SECRET)})


async def sign_in_with(h: Harness, client: Any, email: str) -> int:
    """Click the button, sign in at the provider as ``email``, come back: the status of
    the callback (303 on success)."""
    async with client.get("/auth/oidc/login", allow_redirects=False) as r:
        assert r.status == 303, await r.text()
        at_provider = r.headers["Location"]
    assert "code_challenge=" in at_provider and "nonce=" in at_provider
    assert "state=" in at_provider and CLIENT_SECRET not in at_provider
    async with client.get(at_provider + "&login_hint=" + email, allow_redirects=False) as r:
        assert r.status == 302
        back = r.headers["Location"]
    assert back.startswith(h.settings.public_url + "/auth/oidc/callback?")
    async with client.get(back[len(h.settings.public_url):], allow_redirects=False) as r:
        await r.read()
        return r.status


async def oidc_audit(h: Harness) -> list[tuple[Any, ...]]:
    assert h.session is not None
    async with h.session.get(h.url + "/api/audit",
                             headers={"Authorization": f"Bearer {API_TOKEN}"}) as r:
        rows = await r.json()
    return [(r["contact"], r["outcome"], r["subject"], r["detail"]) for r in rows
            if r["action"] == "sign_in"]


async def test_a_district_account_signs_in_its_contact(fake: FakeTwilio, tmp_path: Path,
                                                       idp: FakeOidc) -> None:
    async with oidc_harness(fake, tmp_path, idp) as h, console_client(h.url) as client:
        async with client.get("/") as r:
            assert 'action="/auth/oidc/login"' in await r.text()
        assert await sign_in_with(h, client, EMAIL) == 303
        async with client.get("/api/sessions") as r:
            listed = await r.json()
        assert [s["method"] for s in listed["sessions"]] == ["oidc"]
        async with client.get("/api/incidents") as r:
            assert r.status == 200
        [token_request] = idp.token_requests
        assert token_request["code_verifier"]  # PKCE
        assert await oidc_audit(h) == [("superintendent", "ok", EMAIL,
                                        f"oidc, session {listed['current']}")]


@pytest.mark.parametrize(("knob", "reason"), [
    ({"nonce": "replayed-nonce"}, "ID token refused"),
    ({"aud": "another-app"}, "ID token refused"),
    ({"iss": "https://evil.example"}, "ID token refused"),
    ({"exp": 1_000_000_000}, "ID token refused"),
    ({"email_verified": False}, "not verified"),
    ({"sign_with_stranger": True}, "ID token refused"),
    ({"email": "nobody@district.example.org"}, "no contact has this email"),
])
async def test_a_token_that_proves_nothing_signs_nobody_in(
        fake: FakeTwilio, tmp_path: Path, idp: FakeOidc, knob: dict[str, Any],
        reason: str) -> None:
    if knob.pop("sign_with_stranger", False):
        idp.sign_with_stranger = True
    idp.claims = knob
    async with oidc_harness(fake, tmp_path, idp) as h, console_client(h.url) as client:
        assert await sign_in_with(h, client, EMAIL) == 401
        async with client.get("/api/incidents") as r:
            assert r.status == 401
        [(contact, outcome, _subject, detail)] = await oidc_audit(h)
        assert (contact, outcome) == (None, "failed") and reason in detail, detail


async def test_the_callback_needs_this_browsers_state(fake: FakeTwilio, tmp_path: Path,
                                                      idp: FakeOidc) -> None:
    async with oidc_harness(fake, tmp_path, idp) as h:
        async with console_client(h.url) as mine, console_client(h.url) as victim:
            async with mine.get("/auth/oidc/login", allow_redirects=False) as r:
                at_provider = r.headers["Location"]
            async with mine.get(at_provider + "&login_hint=" + EMAIL,
                                allow_redirects=False) as r:
                back = r.headers["Location"][len(h.settings.public_url):]
            # Another browser (no state cookie) handed the link: nobody is signed in.
            async with victim.get(back, allow_redirects=False) as r:
                assert r.status == 401
            async with mine.get(back.replace("state=", "state=x"),
                                allow_redirects=False) as r:
                assert r.status == 401
        assert [d for *_x, d in await oidc_audit(h)] == [
            "oidc: no sign-in started here (state cookie missing or altered)",
            "oidc: the state does not match this browser's sign-in"]


async def test_without_settings_there_is_no_oidc(h: Harness) -> None:
    async with console_client(h.url) as client:
        async with client.get("/") as r:
            assert "/auth/oidc/login" not in await r.text()
        async with client.get("/auth/oidc/login", allow_redirects=False) as r:
            assert r.status == 404
