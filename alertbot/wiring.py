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
    keyring: Callable[[], Keyring]  # ALERTBOT_DATA_KEY or the database's own (0044)
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
                   app[appkeys.EVENTS], _started(app, appkeys.KEYRING), app[appkeys.SANDBOX],
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


def mount_web(app: web.Application, parts: Parts) -> None:
    """The HTTP surface: health, the API, sign-in, the console; the sandbox's routes in
    sandbox mode. Routes are registered in the order they always were."""
    from alertbot.web import api, auth, readiness, reports_api
    from alertbot.web.actions import Actions
    from alertbot.web.audit import Audit
    from alertbot.web.calls_api import CallsApi
    from alertbot.web.console import live, readiness_view, routes, views
    from alertbot.web.console.viewer import may_view
    from alertbot.web.drills_api import DrillsApi
    from alertbot.web.health import Health
    from alertbot.web.procedure_api import ProcedureApi
    from alertbot.web.session import Gate
    from alertbot.web.sessions import Sessions

    p = parts
    store, receiver, settings, clock = p.store, p.receiver, p.settings, p.clock
    gate = Gate(settings, clock, store, receiver)
    audit = Audit(gate, store, receiver, clock)
    health = Health(settings, store, p.engine, p.metrics, p.loop_lag)
    app.router.add_get("/healthz", health.healthz)
    app.router.add_get("/metrics", health.metrics)
    incidents = api.IncidentsApi(gate, audit, store, receiver, p.keyring, p.media)
    incidents.add_routes(app)  # /api/incidents, one, its documents and recordings
    # report.json, report.pdf, incidents.csv (issue 12)
    reports_api.ReportsApi(gate, audit, incidents, store, receiver, clock).add_routes(app)
    # POST /api/incidents/{id}/acknowledge, …/resolve, …/notes
    Actions(gate, audit, store, receiver).add_routes(app)
    audit.add_routes(app)  # GET /api/audit
    # GET /api/sessions, POST /api/sessions/{id}/revoke
    Sessions(gate, audit, store, receiver, settings, clock).add_routes(app)
    # issue 12: checklist, encounter, warrant aid, records
    ProcedureApi(gate, audit, store, receiver, p.engine, p.events, clock).add_routes(app)
    CallsApi(gate, audit, store, receiver).add_routes(app)  # POST /api/incidents/{id}/bridge
    DrillsApi(gate, store, receiver).add_routes(app)  # GET /api/drills/{id}/report
    # /api/readiness, /api/contacts/{id}/away|back
    readiness.ReadinessApi(gate, audit, store, receiver, p.sources, settings,
                           clock).add_routes(app)
    pepper = auth.pepper_of(settings.auth_pepper.value if settings.auth_pepper else None)
    sign_in = auth.SignIn(gate, store, receiver, p.engine, settings, clock, pepper)
    sign_in.add_routes(app)  # /auth/*: sign-in, sign-out
    if settings.oidc_configured:  # /auth/oidc/*: Entra ID or Google Workspace districts
        from alertbot.web import oidc  # authlib and joserfc load only then

        provider = oidc.provider_of(settings)
        assert provider is not None
        oidc.OidcRoutes(provider, sign_in, gate, store, receiver, settings, clock,
                        pepper).add_routes(app)
    pages = views.Views(store, receiver, settings, incidents)
    hub = live.mount(app, store, receiver, p.events,
                     lambda person, inc: may_view(receiver().config, person, inc))
    panel = None
    if settings.sandbox:
        from alertbot.sandbox.panel import Panel

        panel = Panel(pages, receiver, clock, p.sandbox)
    readiness_page = readiness_view.ReadinessPage(gate, audit, pages, store, receiver,
                                                  p.sources, settings, clock)
    # the board, the incident page, live events, /static/
    routes.Console(gate, audit, pages, sign_in, readiness_page, hub, store, receiver,
                   settings, clock, panel).add_routes(app)
    if panel is not None:
        from alertbot.sandbox.routes import SandboxRoutes

        SandboxRoutes(gate, receiver, p.sandbox, panel).add_routes(app)
