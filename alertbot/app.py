"""The composition root: the only place that constructs things and wires them together."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping

from aiohttp import web

from alertbot import appkeys, wiring
from alertbot.clock import Clock, SystemClock
from alertbot.core.model import Channel, Config
from alertbot.engine.digest import ReadinessDigest
from alertbot.engine.heartbeat import Heartbeat
from alertbot.engine.lag import LoopLag
from alertbot.engine.loop import Engine
from alertbot.faults import CrashPoints
from alertbot.metrics import Metrics
from alertbot.notify.base import Sender
from alertbot.notify.ratelimit import TokenBucket
from alertbot.sandbox.sender import SandboxOutbox, SandboxSender
from alertbot.service.events import IncidentEvents
from alertbot.service.readiness import sources_from
from alertbot.service.receiver import Receiver
from alertbot.settings import Settings
from alertbot.store.sql import Store
from alertbot.web.serving import CLIENT_MAX_SIZE, read_guard

log = logging.getLogger("alertbot")


class DatabaseModeError(RuntimeError):
    """The database was created by the other mode (sandbox vs production): refuse to start.

    A sandbox incident left open must never be paged for real (issue 9), and a sandbox
    must never read, or "page" from, production's incidents. The message says what to do.
    """


def _mode_mismatch(settings: Settings, recorded: str) -> str:
    from sqlalchemy.engine import make_url

    try:
        where = make_url(settings.database_url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - an odd URL is still named, not its password
        where = settings.database_url.split("@")[-1]
    if recorded == "sandbox":
        return (f"alertbot: the database {where} belongs to the sandbox (its incidents are "
                "practice); production will not page from it.\n"
                "  Give production a database of its own: set ALERTBOT_DATABASE_URL to "
                "another database, or move this one aside if it only held a trial "
                "(the sandbox's default is sqlite:///./alertbot-sandbox.db).")
    return (f"alertbot: the database {where} belongs to production (real incidents); the "
            "sandbox will not use it.\n"
            "  Run the sandbox on its own database: unset ALERTBOT_DATABASE_URL (the "
            "sandbox's default is sqlite:///./alertbot-sandbox.db) or set it to another one.")


async def check_database_mode(settings: Settings) -> None:
    """Open the database once, record its mode on first start, and refuse a mismatch
    (DatabaseModeError) before anything is printed or served. ``build_app`` checks again."""
    store = await _open_store(settings, SystemClock())
    await store.close()


async def _open_store(settings: Settings, clock: Clock) -> Store:
    """The store, after checking (and on first start, recording) the database's mode."""
    store = await Store.open(settings.database_url, slow_commit=settings.slow_commit,
                             keyring=settings.keyring())
    try:
        recorded = await store.claim_mode(settings.mode, clock.now())
    except BaseException:
        await store.close()
        raise
    if recorded != settings.mode:
        await store.close()
        raise DatabaseModeError(_mode_mismatch(settings, recorded))
    return store


async def _reseal(store: Store) -> None:
    """Seal words still plain and move older keys' to the current one (decision 0044),
    before serving: a no-op (a few indexed scans) once done."""
    done = await store.reseal()
    if done.sealed or done.unreadable:
        logging.getLogger("alertbot").warning(
            "people's words at rest: %d value(s) sealed with the current key now; %d do "
            "not open with any key held (ALERTBOT_DATA_KEYS_OLD)", done.sealed,
            done.unreadable)


async def _real_senders(settings: Settings) -> dict[Channel, Sender]:
    """Provider senders, created inside the running loop (the SDKs' HTTP clients need it)."""
    senders: dict[Channel, Sender] = {}
    if settings.twilio_configured:
        from alertbot.twilio.sms_sender import TwilioSms, make_twilio_client

        assert settings.twilio_account_sid and settings.twilio_auth_token
        assert settings.twilio_from
        client, _http = make_twilio_client(settings.twilio_account_sid,
                                           settings.twilio_auth_token.value,
                                           settings.twilio_api_url)
        senders[Channel.SMS] = TwilioSms(client, settings.twilio_from, settings.public_url)
        from alertbot.twilio.voice_sender import TwilioVoice

        voice_from = settings.twilio_voice_from or settings.twilio_from
        senders[Channel.VOICE] = TwilioVoice(client, voice_from, settings.public_url,
                                             owns_client=False)  # the SMS sender closes it
    if settings.slack_bot_token:
        from alertbot.slack.sender import SlackSender, make_slack_client

        senders[Channel.SLACK] = SlackSender(
            make_slack_client(settings.slack_bot_token.value, settings.slack_api_url))
    return senders


async def _start_documents(app: web.Application, engine: Engine, store: Store
                           ) -> Callable[[], Awaitable[None]] | None:
    """MMS documents (issue 12): the engine fetches, seals and stores them and deletes
    them from Twilio. Only with Twilio credentials (the sandbox receives no MMS).
    Returns what closes it."""
    settings = app[appkeys.SETTINGS]
    if not settings.twilio_configured:
        return None
    import aiohttp

    from alertbot.engine.documents import DocumentWorker
    from alertbot.twilio.media import TwilioMedia
    from alertbot.twilio.sms_sender import make_twilio_client

    assert settings.twilio_account_sid and settings.twilio_auth_token
    client, http = make_twilio_client(settings.twilio_account_sid,
                                      settings.twilio_auth_token.value,
                                      settings.twilio_api_url)
    session = aiohttp.ClientSession()
    media = TwilioMedia(session, client, settings.twilio_account_sid,
                        settings.twilio_auth_token.value, settings.twilio_api_url)
    app[appkeys.TWILIO_MEDIA] = media  # the console's recordings (decision 0043)
    worker = DocumentWorker(store, media, app[appkeys.KEYRING], app[appkeys.CLOCK],
                            lambda: app[appkeys.RECEIVER].config, app[appkeys.EVENTS],
                            settings.document_max_bytes)
    engine.documents = worker
    engine.drain_documents = worker.drain

    async def stop() -> None:
        await worker.close()
        await session.close()
        await http.close()

    return stop


def _mount_slack(app: web.Application, settings: Settings) -> None:
    """Slack (issue 4): POST /slack/events (SLACK_SIGNING_SECRET) and/or Socket Mode
    (SLACK_APP_TOKEN), and the live incident post. Never in sandbox."""
    if settings.sandbox or not settings.slack_bot_token:
        return
    from alertbot.slack.inbound import SLACK, SlackInbound
    from alertbot.slack.post import SLACK_POST, IncidentPost
    from alertbot.slack.sender import make_slack_client
    from alertbot.slack.socket_mode import SlackSocket

    token, secret = settings.slack_bot_token.value, settings.slack_signing_secret
    app_token = settings.slack_app_token

    async def slack_lifecycle(app: web.Application) -> AsyncIterator[None]:
        if settings.slack_channel:
            post = IncidentPost(app[appkeys.STORE],
                                make_slack_client(token, settings.slack_api_url, max_wait=30.0),
                                settings.slack_channel, lambda: app[appkeys.RECEIVER].config,
                                app[appkeys.CLOCK])
            app[SLACK_POST] = post
            app[appkeys.EVENTS].subscribe(post.on_event)
        if secret or app_token:
            app[SLACK] = SlackInbound(
                app[appkeys.RECEIVER], app[appkeys.STORE], app[appkeys.CLOCK],
                app[appkeys.METRICS],
                make_slack_client(token, settings.slack_api_url, max_wait=1.0),
                # Socket Mode only: no HTTP route; an unknowable secret would refuse all.
                secret.value if secret else secrets.token_hex(32),
                app[SLACK_POST].incident_for if SLACK_POST in app else None)
        socket = SlackSocket(app[SLACK], app_token.value) if app_token else None
        if socket:
            socket.start()
        try:
            yield
        finally:
            if socket:
                await socket.close()
            if SLACK in app:
                await app[SLACK].drain()
            if SLACK_POST in app:
                await app[SLACK_POST].close()

    app.cleanup_ctx.append(slack_lifecycle)
    if secret:
        async def events(request: web.Request) -> web.Response:  # built at start-up
            return await app[SLACK].handle_http(request)

        app.router.add_post("/slack/events", events)


def _rates(settings: Settings) -> dict[Channel, TokenBucket]:
    rates: dict[Channel, TokenBucket] = {}
    if settings.sms_rate > 0:
        rates[Channel.SMS] = TokenBucket(settings.sms_rate)
    if settings.voice_rate > 0:
        rates[Channel.VOICE] = TokenBucket(settings.voice_rate)
    return rates


def build_app(settings: Settings, config: Config, *, clock: Clock | None = None,
              senders: Mapping[Channel, Sender] | None = None) -> web.Application:
    """The aiohttp app. ``senders`` replaces the providers (tests); sandbox records all."""
    # read_guard: a request body must arrive within ALERTBOT_READ_TIMEOUT (web/serving.py).
    app = web.Application(client_max_size=CLIENT_MAX_SIZE,
                          middlewares=[read_guard(settings.read_timeout)])
    app[appkeys.SETTINGS] = settings
    app[appkeys.CLOCK] = clock or SystemClock()
    app[appkeys.METRICS] = Metrics()
    app[appkeys.SANDBOX] = SandboxOutbox()
    app[appkeys.EVENTS] = IncidentEvents()
    app[RELOADER] = ConfigReloader(app)
    app[appkeys.LOOP_LAG] = LoopLag(app[appkeys.METRICS])

    async def lifecycle(app: web.Application) -> AsyncIterator[None]:
        store = await _open_store(settings, app[appkeys.CLOCK])
        # ALERTBOT_DATA_KEY, or the database's own key without one (decision 0044).
        app[appkeys.KEYRING] = store.keyring
        await _reseal(store)
        if senders is not None:
            chosen: dict[Channel, Sender] = dict(senders)
        elif settings.sandbox:
            chosen = {ch: SandboxSender(ch, app[appkeys.SANDBOX]) for ch in Channel}
        else:
            chosen = await _real_senders(settings)
        crash = CrashPoints(settings.crash_at)
        sources = sources_from(settings)  # Twilio Lookup, Slack users.info (issue 14)
        app[appkeys.READINESS_SOURCES] = sources
        digest = ReadinessDigest(store, app[appkeys.CLOCK],
                                 lambda: app[appkeys.RECEIVER].config, lambda: sources,
                                 settings.public_url)
        engine = Engine(store, chosen, app[appkeys.CLOCK], app[appkeys.METRICS],
                        lambda: app[appkeys.RECEIVER].config, tick=settings.tick,
                        events=app[appkeys.EVENTS], crash=crash,
                        owner=settings.instance_id or None, rates=_rates(settings),
                        public_url=settings.public_url or None,
                        modules=[("readiness_digest", digest)])
        receiver = Receiver(config, store, app[appkeys.CLOCK], app[appkeys.METRICS],
                            engine.nudge, app[appkeys.EVENTS], crash,
                            public_url=settings.public_url or None, sends=engine.dispatch)
        stop_documents = (await _start_documents(app, engine, store)
                          if senders is None and not settings.sandbox else None)
        stop_listening = await store.listen(engine.nudge)
        app[appkeys.STORE] = store
        app[appkeys.ENGINE] = engine
        app[appkeys.RECEIVER] = receiver
        task = asyncio.create_task(engine.run(), name="alertbot-engine")
        lag = asyncio.create_task(app[appkeys.LOOP_LAG].run(), name="alertbot-loop-lag")
        tasks = [task, lag]
        if settings.heartbeat_url is not None:
            app[HEARTBEAT] = Heartbeat(settings.heartbeat_url, engine, store,
                                       app[appkeys.METRICS], settings.heartbeat_interval)
            tasks.append(asyncio.create_task(app[HEARTBEAT].run(), name="alertbot-heartbeat"))
        try:
            yield
        finally:
            await stop_listening()
            await engine.stop()
            if stop_documents is not None:
                await stop_documents()
            await app[appkeys.EVENTS].drain()
            for running in tasks:
                running.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await running
            for sender in chosen.values():
                await sender.close()
            await sources.close()
            await store.close()

    app.cleanup_ctx.append(lifecycle)
    parts = wiring.Parts.of(app)
    wiring.mount_twilio(app, parts)  # /twilio/sms, /twilio/status, /twilio/voice/…
    wiring.mount_web(app, parts)  # /healthz, /metrics, /api/*, /auth/*, the console, /sandbox/*
    _mount_slack(app, settings)
    return app


class ConfigReloader:
    """Reload escalation.yaml and contacts/ off the event loop, one reload at a time.

    Loading a large or broken config took 10-25 s on the loop and froze paging and
    /healthz (issue 9): the files are read and validated in a worker thread
    (``asyncio.to_thread``) and the result is swapped in only when it is good. A
    request during a reload coalesces: however many SIGHUPs arrive meanwhile, one more
    reload runs after the current one, and it reads the files as they are then.
    """

    def __init__(self, app: web.Application) -> None:
        self._app = app
        self._task: asyncio.Task[list[str]] | None = None
        self._again = False
        self.loads = 0  # reloads run (tests: coalescing)

    def request(self) -> asyncio.Task[list[str]]:
        """Start a reload, or ask the running one to run once more; its task."""
        if self._task is not None and not self._task.done():
            self._again = True
            return self._task
        self._task = asyncio.get_running_loop().create_task(self._run(), name="config-reload")
        return self._task

    async def _run(self) -> list[str]:
        while True:
            self._again = False
            problems = await self._reload_once()
            if not self._again:
                return problems

    async def _reload_once(self) -> list[str]:
        from alertbot.config import loader
        from alertbot.config.yamlmap import Problem

        settings = self._app[appkeys.SETTINGS]
        floors = loader.NO_WAIT_FLOORS if settings.allow_short_waits else loader.WAIT_FLOORS
        problems: list[Problem] = []
        self.loads += 1
        try:
            config = await asyncio.to_thread(loader.load_config, settings.config_path,
                                             settings.contacts_path, problems, floors)
        except Exception as exc:  # a reload never takes the service down
            log.exception("config reload failed; keeping the running config")
            return [f"{settings.config_path}:1: (file): cannot load: {exc}"]
        errors = [str(p) for p in problems if not p.warning]
        if config is None:
            log.error("config reload refused; keeping the running config:\n%s",
                      "\n".join(errors))
            return errors
        self._app[appkeys.RECEIVER].config = config
        log.info("config reloaded: %d contacts, %d escalations", len(config.contacts),
                 len(config.escalations))
        return []


RELOADER: web.AppKey[ConfigReloader] = web.AppKey("config_reloader", ConfigReloader)
HEARTBEAT: web.AppKey[Heartbeat] = web.AppKey("heartbeat")


async def reload_config(app: web.Application) -> list[str]:
    """Load the config files again (off the loop); swap them in only if they are valid.

    Returns the problems (empty on success). Live incidents keep the plan they were
    opened with: only new incidents see the new tree. If a reload is already running,
    this waits for it and for the one more it then runs (the files as they are now).
    """
    return await app[RELOADER].request()


def reload_on_sighup(app: web.Application) -> None:
    """``kill -HUP <pid>`` reloads escalation.yaml and contacts/ (POSIX only)."""
    import signal

    async def start(app: web.Application) -> None:
        with contextlib.suppress(NotImplementedError, RuntimeError):
            asyncio.get_running_loop().add_signal_handler(signal.SIGHUP,
                                                          app[RELOADER].request)

    async def stop(app: web.Application) -> None:
        with contextlib.suppress(NotImplementedError, RuntimeError):
            asyncio.get_running_loop().remove_signal_handler(signal.SIGHUP)

    app.on_startup.append(start)
    app.on_cleanup.append(stop)
