"""Settings from the environment (CONTRACT.md, "Environment")."""

from __future__ import annotations

import math
import os
import socket
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from alertbot.core.redact import Secret

if TYPE_CHECKING:
    from alertbot.crypto import Keyring


def _secret(env: Mapping[str, str], name: str) -> Secret | None:
    value = env.get(name, "").strip()
    return Secret(value) if value else None


# Each mode has its own database by default, so a sandbox incident left open is never
# paged for real by a production start in the same folder (issue 9, decision 0016).
PRODUCTION_DATABASE_URL = "sqlite:///./alertbot.db"
SANDBOX_DATABASE_URL = "sqlite:///./alertbot-sandbox.db"


class SettingsError(ValueError):
    """An environment variable with a value alertbot cannot use; the message names it."""


def _number(env: Mapping[str, str], name: str, default: float, low: float, high: float,
            unit: str = "seconds") -> float:
    """``env[name]`` as a finite number within [``low``, ``high``] (``default`` when unset
    or empty). Raises ``SettingsError`` naming the variable: ``ALERTBOT_TICK=nan`` would
    otherwise make the engine sleep for ever, and ``inf`` never time out."""
    raw = (env.get(name) or "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or not low <= value <= high:
        raise SettingsError(f"{name}={raw!r}: expected a number of {unit} from {low:g} to "
                            f"{high:g}")
    return value


def _whole(env: Mapping[str, str], name: str, default: int, low: int, high: int,
           unit: str) -> int:
    """Like ``_number``, for a whole number."""
    value = _number(env, name, default, low, high, unit)
    if value != int(value):
        raise SettingsError(f"{name}={env.get(name)!r}: expected a whole number of {unit}")
    return int(value)


def _data_key(env: Mapping[str, str], name: str) -> Secret | None:
    """``env[name]``: base64 of 32 bytes (``alertbot keygen``), or None when unset;
    older keys (``ALERTBOT_DATA_KEYS_OLD``) are several, separated by commas or blanks.
    Raises ``SettingsError`` naming the variable (never its value)."""
    from alertbot.crypto import DataKeyError, decode_key

    value = env.get(name, "").strip()
    if not value:
        return None
    for part in value.replace(",", " ").split():
        try:
            decode_key(part)
        except DataKeyError as exc:
            raise SettingsError(f"{name}: {exc}") from None
    return Secret(value)


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true", "yes", "on")


def _proxies(env: Mapping[str, str]) -> tuple[str, ...]:
    """``ALERTBOT_TRUSTED_PROXIES``: comma-separated addresses or networks (``10.0.0.0/8``)
    of the reverse proxies in front of alertbot; raises ``SettingsError`` for a bad one."""
    import ipaddress

    out = []
    for item in (env.get("ALERTBOT_TRUSTED_PROXIES") or "").split(","):
        item = item.strip()
        if not item:
            continue
        try:
            ipaddress.ip_network(item, strict=False)
        except ValueError:
            raise SettingsError(f"ALERTBOT_TRUSTED_PROXIES: {item!r} is not an address or "
                                "network") from None
        out.append(item)
    return tuple(out)


@dataclass(frozen=True)
class Settings:
    config_path: str = "escalation.yaml"
    contacts_path: str = "contacts"
    database_url: str = PRODUCTION_DATABASE_URL
    host: str = "127.0.0.1"
    port: int = 8080
    public_url: str = "http://127.0.0.1:8080"
    api_token: Secret | None = None
    twilio_account_sid: str | None = None
    twilio_auth_token: Secret | None = None
    twilio_from: str | None = None
    twilio_voice_from: str | None = None  # calls need a voice-capable number, not a shortcode
    twilio_api_url: str = "https://api.twilio.com"
    slack_bot_token: Secret | None = None
    slack_signing_secret: Secret | None = None
    slack_app_token: Secret | None = None  # xapp-…: Socket Mode, for districts with no public URL
    slack_api_url: str = "https://slack.com/api/"
    slack_channel: str | None = None
    sandbox: bool = False
    tick: float = 1.0
    crash_at: str | None = None  # fault tests only: see alertbot/faults.py
    slow_commit: float = 0.0  # fault tests only: seconds each SQLite commit takes (faults.py)
    instance_id: str = ""  # stable across restarts; default host:port
    sms_rate: float = 0.0  # messages a second from TWILIO_FROM; 0: no limit
    voice_rate: float = 0.0  # calls a second on the account; 0: no limit
    metrics_token: Secret | None = None  # bearer for /metrics; none: this machine only
    max_connections: int = 0  # concurrent HTTP connections; 0: from the fd limit (web/serving.py)
    read_timeout: float = 10.0  # seconds for a request's headers, and again for its body
    allow_short_waits: bool = False  # tests/benchmarks on a real clock: no floors on waits
    # Documents and people's words at rest: base64 of 32 bytes (decisions 0033, 0044).
    # Older keys still open what they sealed (rotation; ``alertbot reseal``). None: the
    # sandbox keeps a key in its own database (not protection, practice data); production
    # refuses to start (cli.py).
    data_key: Secret | None = None
    data_keys_old: Secret | None = None
    document_max_bytes: int = 10_000_000  # one MMS file; Twilio takes 5 MB per message
    # The console's sign-in (issue 11, decision 0024).
    session_idle: float = 1800.0  # seconds without a request before a session ends
    session_max: float = 43200.0  # seconds from sign-in to a session's end
    auth_pepper: Secret | None = None  # HMAC key of one-time codes; none: per process
    trusted_proxies: tuple[str, ...] = ()  # addresses/networks whose X-Forwarded-For counts
    oidc_issuer: str | None = None
    oidc_client_id: str | None = None
    oidc_client_secret: Secret | None = None
    heartbeat_url: Secret | None = None  # GET every heartbeat_interval while healthy (issue 14)
    heartbeat_interval: float = 60.0  # seconds between heartbeats

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, sandbox: bool = False) -> Settings:
        env = os.environ if env is None else env
        host = env.get("ALERTBOT_HOST", "127.0.0.1")
        port = _whole(env, "ALERTBOT_PORT", 8080, 1, 65535, "port")
        public = env.get("ALERTBOT_PUBLIC_URL", "").strip() or f"http://{host}:{port}"
        sandbox = sandbox or _truthy(env.get("ALERTBOT_SANDBOX"))
        return cls(
            config_path=env.get("ALERTBOT_CONFIG", "escalation.yaml"),
            contacts_path=env.get("ALERTBOT_CONTACTS", "contacts"),
            database_url=env.get("ALERTBOT_DATABASE_URL", "").strip() or (
                SANDBOX_DATABASE_URL if sandbox else PRODUCTION_DATABASE_URL),
            host=host,
            port=port,
            public_url=public.rstrip("/"),
            api_token=_secret(env, "ALERTBOT_API_TOKEN"),
            twilio_account_sid=env.get("TWILIO_ACCOUNT_SID") or None,
            twilio_auth_token=_secret(env, "TWILIO_AUTH_TOKEN"),
            twilio_from=env.get("TWILIO_FROM") or None,
            twilio_voice_from=env.get("TWILIO_VOICE_FROM") or None,
            twilio_api_url=(env.get("TWILIO_API_URL") or "https://api.twilio.com").rstrip("/"),
            slack_bot_token=_secret(env, "SLACK_BOT_TOKEN"),
            slack_signing_secret=_secret(env, "SLACK_SIGNING_SECRET"),
            slack_app_token=_secret(env, "SLACK_APP_TOKEN"),
            slack_api_url=env.get("SLACK_API_URL") or "https://slack.com/api/",
            slack_channel=env.get("SLACK_CHANNEL") or None,
            sandbox=sandbox,
            tick=_number(env, "ALERTBOT_TICK", 1.0, 0.01, 60.0),
            crash_at=env.get("ALERTBOT_CRASH_AT") or None,
            slow_commit=_number(env, "ALERTBOT_FAULT_SLOW_COMMIT", 0.0, 0.0, 5.0),
            instance_id=env.get("ALERTBOT_INSTANCE_ID") or f"{socket.gethostname()}:{port}",
            sms_rate=_number(env, "ALERTBOT_SMS_RATE", 0.0, 0.0, 10_000.0, "messages a second"),
            voice_rate=_number(env, "ALERTBOT_VOICE_RATE", 0.0, 0.0, 10_000.0,
                               "calls a second"),
            metrics_token=_secret(env, "ALERTBOT_METRICS_TOKEN"),
            max_connections=_whole(env, "ALERTBOT_MAX_CONNECTIONS", 0, 0, 1_000_000,
                                   "connections"),
            read_timeout=_number(env, "ALERTBOT_READ_TIMEOUT", 10.0, 0.1, 600.0),
            allow_short_waits=_truthy(env.get("ALERTBOT_ALLOW_SHORT_WAITS")),
            data_key=_data_key(env, "ALERTBOT_DATA_KEY"),
            data_keys_old=_data_key(env, "ALERTBOT_DATA_KEYS_OLD"),
            document_max_bytes=_whole(env, "ALERTBOT_DOCUMENT_MAX_BYTES", 10_000_000, 1_000,
                                      100_000_000, "bytes"),
            session_idle=_number(env, "ALERTBOT_SESSION_IDLE", 1800.0, 60.0, 86400.0),
            session_max=_number(env, "ALERTBOT_SESSION_MAX", 43200.0, 300.0, 7 * 86400.0),
            auth_pepper=_secret(env, "ALERTBOT_AUTH_PEPPER") or _secret(env,
                                                                        "ALERTBOT_DATA_KEY"),
            trusted_proxies=_proxies(env),
            oidc_issuer=(env.get("ALERTBOT_OIDC_ISSUER") or "").strip().rstrip("/") or None,
            oidc_client_id=(env.get("ALERTBOT_OIDC_CLIENT_ID") or "").strip() or None,
            oidc_client_secret=_secret(env, "ALERTBOT_OIDC_CLIENT_SECRET"),
            heartbeat_url=_secret(env, "ALERTBOT_HEARTBEAT_URL"),
            heartbeat_interval=_number(env, "ALERTBOT_HEARTBEAT_INTERVAL", 60.0, 0.05, 3600.0),
        )

    @property
    def mode(self) -> str:
        """``sandbox`` or ``production``: what a database remembers it was created for."""
        return "sandbox" if self.sandbox else "production"

    def keyring(self) -> Keyring | None:
        """The data keys as a ``Keyring``; None when none is set (the sandbox: the store
        then keeps a key in the database itself, decision 0044; production never starts
        without a key)."""
        from alertbot.crypto import Keyring

        if self.data_key is None:
            return None
        older = self.data_keys_old.value.replace(",", " ").split() if self.data_keys_old else []
        return Keyring.from_text(self.data_key.value.replace(",", " ").split()[0], older)

    @property
    def oidc_configured(self) -> bool:
        """OpenID Connect sign-in is offered (issuer, client id and secret all set)."""
        return bool(self.oidc_issuer and self.oidc_client_id and self.oidc_client_secret)

    @property
    def twilio_configured(self) -> bool:
        return bool(self.twilio_account_sid and self.twilio_auth_token and self.twilio_from)
