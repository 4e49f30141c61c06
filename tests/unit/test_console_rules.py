"""The console's sign-in rules (core/signin.py), who a sign-in form names
(service/signin.py), its settings and where a request comes from (issue 11)."""

from __future__ import annotations

import pytest
from aiohttp.test_utils import make_mocked_request

from alertbot.core import signin as rules
from alertbot.service.signin import find_contact, hash_code, hash_token
from alertbot.settings import Settings, SettingsError
from alertbot.web.session import client_address, csrf_for, new_token
from tests.fakes.signing import TEST_DATA_KEY
from tests.unit.test_who import CONFIG

T0 = 1_800_000_000.0
IDLE = rules.SESSION_IDLE


@pytest.mark.parametrize(("last_seen", "expires", "revoked", "now", "ended"), [
    (T0, T0 + 3600, None, T0 + IDLE - 1, None),
    (T0, T0 + 3600, None, T0 + IDLE, "idle"),
    (T0 + 3000, T0 + 3600, None, T0 + 3599, None),
    (T0 + 3599, T0 + 3600, None, T0 + 3600, "expired"),  # busy or not
    (T0, T0 + 3600, T0 + 1, T0 + 2, "revoked"),
])
def test_when_a_session_ends(last_seen: float, expires: float, revoked: float | None,
                             now: float, ended: str | None) -> None:
    assert rules.session_ended(last_seen, expires, revoked, now, IDLE) == ended


@pytest.mark.parametrize(("seen", "codes", "verify"), [
    (rules.Throttle(), False, False),
    (rules.Throttle(codes_for_subject=rules.CODES_PER_NUMBER - 1), False, False),
    (rules.Throttle(codes_for_subject=rules.CODES_PER_NUMBER), True, False),
    (rules.Throttle(codes_from_client=rules.CODES_PER_CLIENT), True, False),
    (rules.Throttle(failures_from_client=rules.FAILURES_PER_CLIENT - 1), False, False),
    (rules.Throttle(failures_from_client=rules.FAILURES_PER_CLIENT), False, True),
])
def test_the_limits(seen: rules.Throttle, codes: bool, verify: bool) -> None:
    assert rules.code_throttled(seen) is codes
    assert rules.verify_throttled(seen) is verify


def test_the_defaults_are_nist_aal2_and_a_guess_is_one_in_a_million() -> None:
    assert (rules.SESSION_IDLE, rules.SESSION_MAX) == (30 * 60, 12 * 3600)
    assert (rules.CODE_DIGITS, rules.CODE_LIFETIME, rules.CODE_TRIES) == (6, 600, 5)
    assert Settings().session_idle == rules.SESSION_IDLE
    assert Settings().session_max == rules.SESSION_MAX


@pytest.mark.parametrize(("typed", "subject", "contact"), [
    ("+18605550142", "+18605550142", "principal-burns"),
    ("(860) 555-0142", "+18605550142", "principal-burns"),
    (" 860.555.0142 ", "+18605550142", "principal-burns"),
    ("+18605550198", "+18605550198", None),  # a valid number, no contact's
    ("U0SLACK01", "U0SLACK01", "slacker"),  # a Slack-only contact: the code goes by DM
    ("U0NOBODY1", "U0NOBODY1", None),
    ("not a number", "not a number", None),
    ("", "", None),
])
def test_who_a_sign_in_form_names(typed: str, subject: str, contact: str | None) -> None:
    found_subject, found = find_contact(CONFIG, typed)
    assert found_subject == subject
    assert (found.id if found else None) == contact


def test_codes_and_tokens_are_kept_only_as_keyed_or_plain_hashes() -> None:
    assert hash_code(b"k1", "ana", "123456") != hash_code(b"k2", "ana", "123456")
    assert hash_code(b"k1", "ana", "123456") != hash_code(b"k1", "eli", "123456")
    assert len(hash_code(b"k1", "ana", "123456")) == 64
    token = new_token()
    assert len(token) >= 43 and token != new_token()
    assert token not in hash_token(token) and token not in csrf_for(token)
    assert csrf_for(token) != csrf_for(new_token())


def test_console_settings_from_the_environment() -> None:
    settings = Settings.from_env({
        "ALERTBOT_SESSION_IDLE": "900", "ALERTBOT_SESSION_MAX": "28800",
        "ALERTBOT_TRUSTED_PROXIES": "10.0.0.0/8, 192.0.2.7",
        "ALERTBOT_OIDC_ISSUER": "https://login.example.test/tenant/v2.0/",
        "ALERTBOT_OIDC_CLIENT_ID": "abc", "ALERTBOT_OIDC_CLIENT_SECRET": "s",
        "ALERTBOT_DATA_KEY": TEST_DATA_KEY})
    assert (settings.session_idle, settings.session_max) == (900, 28800)
    assert settings.trusted_proxies == ("10.0.0.0/8", "192.0.2.7")
    assert settings.oidc_issuer == "https://login.example.test/tenant/v2.0"
    assert settings.oidc_configured
    assert settings.auth_pepper is not None and settings.auth_pepper.value == TEST_DATA_KEY
    assert not Settings.from_env({"ALERTBOT_OIDC_ISSUER": "https://x.test"}).oidc_configured
    with pytest.raises(SettingsError, match="ALERTBOT_TRUSTED_PROXIES"):
        Settings.from_env({"ALERTBOT_TRUSTED_PROXIES": "proxy.internal"})
    with pytest.raises(SettingsError, match="ALERTBOT_SESSION_MAX"):
        Settings.from_env({"ALERTBOT_SESSION_MAX": "3000000"})


class Peer:
    def __init__(self, address: str) -> None:
        self.address = address

    def get_extra_info(self, name: str, default: object = None) -> object:
        return (self.address, 40000) if name == "peername" else default

    def is_closing(self) -> bool:
        return False


@pytest.mark.parametrize(("proxies", "peer", "forwarded", "client"), [
    ((), "203.0.113.9", "198.51.100.1", "203.0.113.9"),  # not configured: the peer
    (("10.0.0.0/8",), "203.0.113.9", "198.51.100.1", "203.0.113.9"),  # not our proxy
    (("10.0.0.0/8",), "10.0.0.2", "198.51.100.1", "198.51.100.1"),
    (("10.0.0.0/8",), "10.0.0.2", "6.6.6.6, 198.51.100.1, 10.0.0.3", "198.51.100.1"),
    (("10.0.0.0/8",), "10.0.0.2", "", "10.0.0.2"),
])
def test_where_a_request_comes_from(proxies: tuple[str, ...], peer: str, forwarded: str,
                                    client: str) -> None:
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    request = make_mocked_request("GET", "/", headers=headers,
                                  transport=Peer(peer))  # type: ignore[arg-type]
    assert client_address(request, proxies) == client


@pytest.mark.parametrize(("header", "language"), [
    ("", "en"), ("es-US,es;q=0.9,en;q=0.8", "es"), ("en-US,en;q=0.9,es;q=0.8", "en"),
    ("fr-FR,es;q=0.5", "es"), ("fr-FR", "en"), ("es;q=0.2, en;q=0.9", "en"),
    ("ES-mx", "es"), ("es;q=oops", "en"),
])
def test_the_sign_in_page_speaks_the_browsers_language(header: str, language: str) -> None:
    from alertbot.text.signin_page import WORDS, language_of

    assert language_of(header) == language
    assert WORDS["en"].keys() == WORDS["es"].keys()
