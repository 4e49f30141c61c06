"""The composition root's second half: which handler gets which collaborators.

``app.py`` builds the long-lived parts (decision 0022); this module hands each route
group exactly the collaborators it uses and mounts its routes (decision 0046). It and
``app.py`` are the only modules that read the aiohttp ``Application``'s keys
(tests/unit/test_explicit_collaborators.py): a handler's constructor is the list of what
it depends on, and a handler can be built with fakes and no ``Application``.

The store, engine and receiver need the running event loop (database threads or asyncpg
connections, provider HTTP clients), so they are built in ``app.py``'s lifecycle, after
the routes are frozen. Handlers receive them as getters (``Callable[[], Store]``):
``Parts`` makes each getter from the app key the lifecycle fills, and raises
``RuntimeError`` when called before start-up (a request cannot arrive then).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from aiohttp import web

from alertbot import appkeys

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

T = TypeVar("T")


def _started(app: web.Application, key: web.AppKey[T]) -> Callable[[], T]:
    def get() -> T:
        if key not in app:
            raise RuntimeError(f"{key!r} is built at start-up; the app has not started")
        return app[key]

    return get


@dataclass(frozen=True)
class Parts:
    """Everything a handler may be given. Built once by ``build_app``; read only here."""

    settings: Settings
    clock: Clock
    metrics: Metrics
    events: IncidentEvents
    keyring: Keyring
    sandbox: SandboxOutbox
    loop_lag: LoopLag
    store: Callable[[], Store]
    engine: Callable[[], Engine]
    receiver: Callable[[], Receiver]
    sources: Callable[[], Sources]
    media: Callable[[], TwilioMedia | None]

    @classmethod
    def of(cls, app: web.Application) -> Parts:
        """The parts ``build_app`` put on ``app``; the started ones as getters."""
        return cls(app[appkeys.SETTINGS], app[appkeys.CLOCK], app[appkeys.METRICS],
                   app[appkeys.EVENTS], app[appkeys.KEYRING], app[appkeys.SANDBOX],
                   app[appkeys.LOOP_LAG], _started(app, appkeys.STORE),
                   _started(app, appkeys.ENGINE), _started(app, appkeys.RECEIVER),
                   _started(app, appkeys.READINESS_SOURCES),
                   lambda: app.get(appkeys.TWILIO_MEDIA))


def mount_twilio(app: web.Application, parts: Parts) -> None:
    """/twilio/sms, /twilio/status, /twilio/voice and its steps."""
    from alertbot.twilio import phone_tree
    from alertbot.twilio.sms_webhook import SmsWebhook
    from alertbot.twilio.voice_call import VoiceRoutes

    sms = SmsWebhook(parts.receiver, parts.engine, parts.settings, parts.metrics)
    app.router.add_post("/twilio/sms", sms.inbound)
    app.router.add_post("/twilio/status", sms.status)
    phone_tree.add_routes(app, VoiceRoutes(parts.receiver, parts.store, parts.engine,
                                           parts.settings, parts.metrics))
