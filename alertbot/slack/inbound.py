"""POST /slack/events: slash commands, buttons, the school-picker modal, messages.

A slack-bolt ``AsyncApp`` mounted in our aiohttp app (``to_bolt_request`` /
``to_aiohttp_response``). Every request's v0 signature is checked here first: a bad
one gets 401 and reaches nothing (bolt's own ``ssl_check`` would answer 200 first).
Listeners only translate into Commands for the receiver, as every inbound handler does.

Slack wants an answer within 3 s. The receiver usually answers in milliseconds, so
a slash command's reply *is* the receipt (incident number and guidance); if it takes
longer than ``ACK_BUDGET`` the command is acknowledged at once and the receipt follows
through ``response_url``. Buttons and messages are acknowledged first and handled in
tracked background tasks. Retries (``X-Slack-Retry-Num``) and Socket Mode redeliveries
have one effect and one output: each request carries a key from Slack's own ids
(trigger id, view id, event id). The receiver applies its command once, and before any
output the key is claimed in the database (``store/deliveries.py``): only the delivery
that claimed it answers (ack body, ``response_url``, DM, ephemeral, modal); a retry gets
an empty ack and shows nothing, on any instance.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from typing import Any

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from alertbot.clock import Clock
from alertbot.core import commands as cmd
from alertbot.core.actors import Outcome, Proof
from alertbot.core.model import Config, Contact
from alertbot.metrics import Metrics
from alertbot.service.receiver import Actor, Receiver
from alertbot.slack.messages import SlackMessages
from alertbot.slack.modal import ModalSubmission, trigger_for
from alertbot.store.deliveries import (
    KEEP,
    claim_delivery,
    finish_delivery,
    forget_deliveries_before,
)
from alertbot.store.sql import Store, Tx
from alertbot.text.reply import Reply, ReplyKey
from alertbot.text.slack import render_slack
from alertbot.text.slack_text import (
    OPEN_CALLBACK,
    Block,
    escape,
    fit_blocks,
    mrkdwn_section,
    open_modal,
    t,
)

log = logging.getLogger("alertbot.slack.inbound")

ACK_BUDGET = 2.0  # seconds the receiver may take before a slash command is acked without it
SOURCE = "slack"
# Seconds after which an unfinished claim on a request's output may be taken over by a
# redelivery (its first handler died). Far beyond ACK_BUDGET and Slack's 3 s.
CLAIM_LEASE = 30.0


class SlackInbound:
    """The bolt app and what its listeners need; background work is tracked and drained."""

    def __init__(self, receiver: Receiver, store: Store, clock: Clock, metrics: Metrics,
                 client: AsyncWebClient, signing_secret: str,
                 thread_incident: Callable[[str, str], Awaitable[int | None]] | None = None
                 ) -> None:
        self.receiver, self.store, self.clock, self.metrics = receiver, store, clock, metrics
        self.client = client
        self.verifier = SignatureVerifier(signing_secret)
        self.thread_incident = thread_incident
        self.ack_budget = ACK_BUDGET
        self._tasks: set[asyncio.Task[Any]] = set()
        self.bolt = AsyncApp(client=client, signing_secret=signing_secret,
                             process_before_response=True, logger=log,
                             name="alertbot")
        # Functional registration: bolt's decorators are untyped for mypy --strict.
        self.bolt.command(cmd_pattern())(self._command)
        self.bolt.action({"action_id": _prefix("ack")})(self._button)
        self.bolt.action({"action_id": _prefix("resolve")})(self._button)
        self.bolt.view(OPEN_CALLBACK)(ModalSubmission(self).submitted)
        self.bolt.event("message")(SlackMessages(self).received)

    @property
    def config(self) -> Config:
        return self.receiver.config

    # --- HTTP --------------------------------------------------------------------------

    async def handle_http(self, request: web.Request) -> web.Response:
        metrics = self.metrics
        body = await request.read()
        try:
            valid = self.verifier.is_valid(body, request.headers.get("X-Slack-Request-Timestamp"),
                                           request.headers.get("X-Slack-Signature"))
        except (ValueError, UnicodeDecodeError):
            valid = False
        if not valid:
            metrics.inbound.labels(route="slack", result="unauthorized").inc()
            return web.json_response({"error": "invalid Slack signature"}, status=401)
        response = await self.bolt.async_dispatch(await to_bolt_request(request))
        metrics.inbound.labels(route="slack", result=str(response.status)).inc()
        return await to_aiohttp_response(response)

    # --- background work ---------------------------------------------------------------

    def spawn(self, work: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._done)
        return task

    def _done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("Slack background work failed", exc_info=task.exception())

    async def drain(self, within: float = 10.0) -> None:
        """Wait for background work (tests, shutdown)."""
        while self._tasks:
            done, _ = await asyncio.wait(set(self._tasks), timeout=within)
            if not done:
                return

    # --- who is asking -------------------------------------------------------------------

    def contact(self, user: str) -> Contact | None:
        return self.config.contact_by_slack(user) if user else None

    def intake_error(self, language: str) -> Reply:
        """The answer when a command could not be applied: call the fallback number
        (``who.fallback``, via the receiver)."""
        return self.receiver.questions.fallback_reply(Outcome.INFO, ReplyKey.INTAKE_ERROR, language)

    def actor(self, user: str) -> Actor:
        """Who a Slack request is from: Slack signed the member id (decision 0014)."""
        return Actor(self.contact(user), slack_id=user or None, proof=Proof.PROVIDER)

    @staticmethod
    def button_reply(reply: Reply) -> tuple[str, list[Block]]:
        """The answer to a button press in Slack's words: a stranger's refusal says their
        Slack account is not in contacts and names the fallback number if any; anything
        else as ``render_slack``."""
        if reply.key not in (ReplyKey.UNKNOWN_SENDER, ReplyKey.UNKNOWN_SENDER_NOFALLBACK):
            return render_slack(reply)
        number = reply.values.get("fallback")
        call = t("stranger_call", reply.language, fallback=number) if number else ""
        text = t("stranger_button", reply.language) + call
        return text, fit_blocks([mrkdwn_section(escape(text))], reply.language)

    async def run(self, actor: Actor, command: cmd.Command, key: str | None) -> Reply:
        return await self.receiver.handle(actor, command, SOURCE, dedup_key=key)

    # --- one output per request ----------------------------------------------------------

    @contextlib.asynccontextmanager
    async def delivery(self, key: str | None) -> AsyncIterator[bool]:
        """Whether this delivery of the request ``key`` is the one that answers.

        True for the first to claim ``key`` (in the database, so on every instance);
        False for a retry or redelivery, which must show nothing. The claim is finished
        when the block exits. If the database cannot be reached the request is answered
        (the person is then told to call): better twice than never.
        """
        if not key:
            yield True
            return
        store, now = self.store, self.clock.now()
        try:

            def claim(tx: Tx) -> bool:
                first = claim_delivery(tx, key, now, CLAIM_LEASE)
                forget_deliveries_before(tx, now - KEEP)
                return first

            first = await store.write(claim)
        except Exception:
            log.exception("could not claim Slack request %s; answering it", key)
            first = True
        if not first:
            log.info("Slack delivered %s again: answered already, showing nothing", key)
            self.metrics.inbound_duplicates.inc()
        try:
            yield first
        finally:
            if first:
                with contextlib.suppress(Exception):
                    finished = self.clock.now()
                    await store.write(lambda tx: finish_delivery(tx, key, finished))

    # --- slash commands ----------------------------------------------------------------

    async def _command(self, ack: AsyncAck, body: dict[str, Any]) -> None:
        trigger_id = str(body.get("trigger_id", ""))
        async with self.delivery(f"slack:cmd:{trigger_id}" if trigger_id else None) as first:
            if not first:
                await ack()  # a retry: the first delivery answered (or is answering)
                return
            await self._first_command(ack, body, trigger_id)

    async def _first_command(self, ack: AsyncAck, body: dict[str, Any], trigger_id: str
                             ) -> None:
        config = self.config
        user = str(body.get("user_id", ""))
        contact = self.contact(user)
        lang = contact.language if contact else "en"
        trigger = trigger_for(config, str(body.get("command", "")))
        if trigger is None:
            await ack(response_type="ephemeral",
                      text=t("unknown_command", lang, command=body.get("command", "")))
            return
        actor = self.actor(user)
        named, details = cmd.split_school(config, str(body.get("text", "")))
        # A stranger is refused, not asked.
        if self.receiver.questions.asks_school_first(actor, named):
            await ack()
            if trigger_id:
                meta = {"command": str(trigger.slash_command),
                        "response_url": str(body.get("response_url", ""))}
                mine = contact.schools if contact is not None else ()
                view = open_modal(list(config.schools.values()), mine, details, lang, meta)
                self.spawn(self.client.views_open(trigger_id=trigger_id, view=view))
            return
        response_url = str(body.get("response_url", ""))

        async def later(reply: Reply) -> None:
            text, blocks = render_slack(reply)
            await self.tell(user, response_url, text, blocks)

        work = self.run(actor, cmd.Open(trigger, named, details),
                        f"slack:cmd:{trigger_id}" if trigger_id else None)
        reply = await self.within_budget(work, later, lang)
        if reply is None:
            await ack(response_type="ephemeral", text=t("working", lang))
            return
        text, blocks = render_slack(reply)
        await ack(response_type="ephemeral", text=text, blocks=blocks)

    async def within_budget(self, work: Coroutine[Any, Any, Reply],
                            later: Callable[[Reply], Awaitable[Any]], lang: str) -> Reply | None:
        """The reply if the receiver answers within ``ack_budget``; else None, and ``later``
        gets it when it comes. A failure becomes the "call this number" reply."""
        task = self.spawn(work)
        try:
            return await asyncio.wait_for(asyncio.shield(task), self.ack_budget)
        except TimeoutError:
            pass
        except Exception:
            log.exception("a Slack command could not be applied")
            return self.intake_error(lang)

        async def deliver() -> None:
            try:
                reply = await task
            except Exception:
                log.exception("a Slack command could not be applied")
                reply = self.intake_error(lang)
            await later(reply)

        self.spawn(deliver())
        return None

    # --- buttons ---------------------------------------------------------------------------

    async def _button(self, ack: AsyncAck, body: dict[str, Any], action: dict[str, Any],
                      respond: AsyncRespond) -> None:
        await ack()
        self.spawn(self._press(body, action, respond))

    async def _press(self, body: dict[str, Any], action: dict[str, Any],
                     respond: AsyncRespond) -> None:
        key = body.get("trigger_id") or action.get("action_ts")
        async with self.delivery(f"slack:action:{key}" if key else None) as first:
            if first:
                await self._first_press(body, action, respond, key)

    async def _first_press(self, body: dict[str, Any], action: dict[str, Any],
                           respond: AsyncRespond, key: Any) -> None:
        user = str((body.get("user") or {}).get("id", ""))
        actor = self.actor(user)
        number = cmd.whole_number(str(action.get("value", "")))
        if number is None:
            log.warning("button %s with no incident number", action.get("action_id"))
            return
        action_id = str(action.get("action_id", ""))
        command: cmd.Command = cmd.Ack(number) if action_id.startswith("ack") \
            else cmd.Resolve(number)
        try:
            reply = await self.run(actor, command, f"slack:action:{key}" if key else None)
        except Exception:
            log.exception("Slack button %s on #%d failed", action_id, number)
            reply = self.intake_error(actor.language)
        text, blocks = self.button_reply(reply)
        if text:
            await respond(text=text, blocks=blocks, response_type="ephemeral",
                          replace_original=False)

    async def tell(self, user: str, response_url: str, text: str, blocks: list[Block]) -> None:
        """Reach the user where they typed the command, else in a DM."""
        if response_url:
            response = await AsyncWebhookClient(response_url).send(
                text=text, blocks=blocks, response_type="ephemeral")
            if response.status_code == 200:
                return
        await self.client.chat_postMessage(channel=user, text=text, blocks=blocks)


SLACK: web.AppKey[SlackInbound] = web.AppKey("slack_inbound", SlackInbound)


def _prefix(word: str) -> re.Pattern[str]:
    return re.compile(rf"^{word}")


def cmd_pattern() -> re.Pattern[str]:
    """Every slash command: the trigger is looked up in the config in force."""
    return re.compile(r"^/.+")
