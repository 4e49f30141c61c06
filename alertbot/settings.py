"""Settings from the environment (CONTRACT.md, "Environment")."""

from __future__ import annotations

import math
import os
import socket
from collections.abc import Mapping
from dataclasses import dataclass

from alertbot.core.redact import Secret


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


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true", "yes", "on")


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
            heartbeat_url=_secret(env, "ALERTBOT_HEARTBEAT_URL"),
            heartbeat_interval=_number(env, "ALERTBOT_HEARTBEAT_INTERVAL", 60.0, 0.05, 3600.0),
        )

    @property
    def mode(self) -> str:
        """``sandbox`` or ``production``: what a database remembers it was created for."""
        return "sandbox" if self.sandbox else "production"

    @property
    def twilio_configured(self) -> bool:
        return bool(self.twilio_account_sid and self.twilio_auth_token and self.twilio_from)
