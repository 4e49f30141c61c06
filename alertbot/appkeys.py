"""Typed keys for what the composition root (app.py) puts on the aiohttp app."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

if TYPE_CHECKING:
    from alertbot.clock import Clock
    from alertbot.crypto import Keyring
    from alertbot.engine.lag import LoopLag
    from alertbot.engine.loop import Engine
    from alertbot.metrics import Metrics
    from alertbot.sandbox.sender import SandboxOutbox
    from alertbot.service.events import IncidentEvents
    from alertbot.service.readiness import Sources
    from alertbot.service.receiver import Receiver
    from alertbot.settings import Settings
    from alertbot.store.sql import Store
    from alertbot.twilio.media import TwilioMedia

SETTINGS: web.AppKey[Settings] = web.AppKey("settings")
CLOCK: web.AppKey[Clock] = web.AppKey("clock")
METRICS: web.AppKey[Metrics] = web.AppKey("metrics")
STORE: web.AppKey[Store] = web.AppKey("store")
ENGINE: web.AppKey[Engine] = web.AppKey("engine")
RECEIVER: web.AppKey[Receiver] = web.AppKey("receiver")
SANDBOX: web.AppKey[SandboxOutbox] = web.AppKey("sandbox")
EVENTS: web.AppKey[IncidentEvents] = web.AppKey("events")
LOOP_LAG: web.AppKey[LoopLag] = web.AppKey("loop_lag")
KEYRING: web.AppKey[Keyring] = web.AppKey("keyring")  # ALERTBOT_DATA_KEY (decision 0033)
READINESS_SOURCES: web.AppKey[Sources] = web.AppKey("readiness_sources")  # issue 14
# Set when Twilio is configured: the console's recordings route (decision 0043).
TWILIO_MEDIA: web.AppKey[TwilioMedia] = web.AppKey("twilio_media")
