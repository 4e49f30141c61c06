"""A fake Slack Web API: a real aiohttp server on 127.0.0.1 that the real ``slack_sdk``
client talks to (``SLACK_API_URL=fake.api_url``), plus ``response_url`` endpoints.

    async with FakeSlack() as slack:
        call = await slack.expect("chat.postMessage", channel="C0INCIDENTS")
        await slack.expect_response(contains="#1")

Answers auth.test, conversations.open, chat.postMessage, chat.update,
chat.postEphemeral and views.open; keeps every message it was sent (edited in place by
chat.update) in ``messages``. Socket Mode too: ``apps.connections.open`` (app-level token
only) hands out a ``ws://`` URL on this server, ``push`` sends an envelope down the
connected socket, and each ack the client sends back is a ``"socket_ack"`` call:

    eid = await slack.push("slash_commands", {"command": "/ice", ...})
    ack = await slack.expect("socket_ack", envelope_id=eid)

``expect`` *consumes* the call it returns, so expecting twice waits for a second call.
``assert_all_expected`` fails on any message a person would read (``MESSAGES``) left
unconsumed and not ``ignore``d (tests/fakes/ledger.py). Faults on demand:
``fail_next(method, error, status, retry_after)`` and ``fail_for_user(member, error)``.

Also signs requests the way Slack does: ``slack_signature`` / ``post_slack``.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web

from tests.fakes.ledger import Delivery, Ledger
from tests.fakes.server import LocalServer

DEFAULT_TOKEN = "xoxb-fake-bot-token"
APP_TOKEN = "xapp-fake-app-token"
SIGNING_SECRET = "fake-slack-signing-secret"
BOT_USER = "U0ALERTBOT"
JSON_ARGS = ("blocks", "view", "attachments")
# Calls that put a new message in front of someone. chat.update edits one in place (how
# often depends on timing; tests read the final message), views.open answers a click.
MESSAGES = ("chat.postMessage", "chat.postEphemeral", "response_url")


@dataclass
class Call:
    method: str  # "chat.postMessage", … or "response_url"
    args: dict[str, Any]
    arrived: float
    status: int = 0
    error: str | None = None
    result: dict[str, Any] = field(default_factory=dict)
    consumed: bool = field(default=False, repr=False)
    at: float | None = None  # the scenario's fake clock when it arrived (Ledger.use_clock)

    @property
    def ok(self) -> bool:
        return self.status == 200 and self.error is None

    @property
    def text(self) -> str:
        """Everything a person would read in the call (text, blocks, view), as one string."""
        return json.dumps({k: self.args.get(k) for k in ("text", "blocks", "view")},
                          ensure_ascii=False)

    @property
    def delivery(self) -> Delivery:
        """The call as a message: ``to`` is the channel (``C…/thread`` for a thread
        reply, ``response_url`` for those), the text its plain ``text`` if it has one."""
        where = str(self.args.get("channel", self.method))
        if self.args.get("thread_ts"):
            where += "/thread"
        return Delivery(self.method, where, str(self.args.get("text") or self.text), self.at)


@dataclass
class Fault:
    error: str
    status: int = 200
    retry_after: float | None = None
    where: dict[str, Any] = field(default_factory=dict)  # only calls with these args


def slack_signature(secret: str, timestamp: str, body: str) -> str:
    digest = hmac.new(secret.encode(), f"v0:{timestamp}:{body}".encode(), hashlib.sha256)
    return "v0=" + digest.hexdigest()


async def post_slack(session: aiohttp.ClientSession, url: str, body: str, *,
                     secret: str = SIGNING_SECRET, content_type: str | None = None,
                     timestamp: str | None = None, signature: str | None = None,
                     retry_num: int | None = None) -> tuple[int, str]:
    """POST ``body`` to ``url`` signed as Slack signs it; (HTTP status, response text)."""
    ts = timestamp or str(int(time.time()))
    headers = {
        "Content-Type": content_type or ("application/json" if body.startswith("{")
                                         else "application/x-www-form-urlencoded"),
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": signature if signature is not None
        else slack_signature(secret, ts, body),
    }
    if retry_num is not None:
        headers["X-Slack-Retry-Num"] = str(retry_num)
        headers["X-Slack-Retry-Reason"] = "http_timeout"
    async with session.post(url, data=body.encode(), headers=headers) as response:
        return response.status, await response.text()


class FakeSlack(LocalServer):
    def __init__(self, token: str = DEFAULT_TOKEN, host: str = "127.0.0.1",
                 port: int = 0, app_token: str = APP_TOKEN) -> None:
        self.token, self.host, self.port, self.app_token = token, host, port, app_token
        self.calls: list[Call] = []
        self.messages: dict[tuple[str, str], dict[str, Any]] = {}  # (channel, ts) -> message
        self.on_call: Callable[[Call], None] | None = None
        self.ledger = Ledger()  # ignore rules and the fake clock for assert_all_expected
        self._fail_next: dict[str, list[Fault]] = {}
        self._fail_user: dict[str, str] = {}
        # users.info answers (issue 14): member -> {"deleted": True} / {"is_restricted":
        # True}; a member starting U/W not set here is an active account, "missing" ones
        # are user_not_found.
        self.users: dict[str, dict[str, Any]] = {}
        self.missing_users: set[str] = set()
        self._ts = itertools.count(1)
        self._views = itertools.count(1)
        self._cond = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self._tickets: set[str] = set()
        self._envelopes = itertools.count(1)
        self.sockets: list[web.WebSocketResponse] = []  # Socket Mode connections, oldest first
        self.app = web.Application()
        self.app.router.add_post("/api/{method}", self._api)
        self.app.router.add_get("/api/{method}", self._api)  # users.info is a GET
        self.app.router.add_post("/response/{key}", self._response_url)
        self.app.router.add_get("/socket", self._socket)

    # -- lifecycle -------------------------------------------------------------------
    async def close(self) -> None:
        for ws in self.sockets:
            await ws.close()
        await super().close()

    @property
    def api_url(self) -> str:
        return self.url + "/api/"  # the trailing slash AsyncWebClient needs

    def response_url(self, key: str) -> str:
        return f"{self.url}/response/{key}"

    # -- faults ------------------------------------------------------------------------
    def fail_next(self, method: str, error: str = "internal_error", status: int = 200,
                  retry_after: float | None = None, n: int = 1, **where: Any) -> None:
        """The next ``n`` calls of ``method`` (whose args match ``where``) fail:
        e.g. ``status=429, error="ratelimited", retry_after=30``."""
        self._fail_next.setdefault(method, []).extend(
            Fault(error, status, retry_after, dict(where)) for _ in range(n))

    def fail_for_user(self, member: str, error: str = "user_not_found") -> None:
        """conversations.open for ``member`` fails with ``error`` until ``allow``."""
        self._fail_user[member] = error

    def allow(self, member: str) -> None:
        self._fail_user.pop(member, None)

    # -- queries -------------------------------------------------------------------------
    def calls_of(self, method: str, **where: Any) -> list[Call]:
        return [c for c in self.calls if c.method == method and c.ok
                and all(c.args.get(k) == v for k, v in where.items())]

    def message(self, channel: str, ts: str) -> dict[str, Any]:
        return self.messages[(channel, ts)]

    def thread(self, channel: str, ts: str) -> list[dict[str, Any]]:
        return [m for (ch, _), m in sorted(self.messages.items())
                if ch == channel and m.get("thread_ts") == ts]

    async def expect(self, method: str, contains: str = "", timeout: float = 5.0,  # noqa: ASYNC109
                     **where: Any) -> Call:
        """Wait for an unconsumed successful call of ``method`` whose args match ``where``
        and whose text contains ``contains`` (case-insensitive); consume and return it."""
        def find() -> Call | None:
            for c in self.calls_of(method, **where):
                if not c.consumed and contains.lower() in c.text.lower():
                    return c
            return None
        async with self._cond:
            try:
                await asyncio.wait_for(self._cond.wait_for(lambda: find() is not None), timeout)
            except TimeoutError:
                seen = [(c.method, c.args.get("channel"), c.error, c.text[:200])
                        for c in self.calls]
                raise AssertionError(f"no {method} {where} containing {contains!r} within "
                                     f"{timeout}s; calls: {seen}") from None
        call = find()
        assert call is not None
        call.consumed = True
        return call

    def ignore(self, method: str | None = None, to: str | None = None,
               contains: str = "") -> None:
        """Messages (``method`` of MESSAGES, None: any) to ``to`` (a channel, ``C…/thread``,
        ``response_url``; None: anywhere) containing ``contains`` are background noise."""
        self.ledger.ignore(method, to, contains)

    def assert_all_expected(self) -> None:
        """Fail, listing them, if any successful message call was neither consumed by an
        expectation nor ignored."""
        self.ledger.check([c.delivery for c in self.calls
                           if c.method in MESSAGES and c.ok and not c.consumed], "fake Slack")

    async def expect_response(self, contains: str = "", timeout: float = 5.0  # noqa: ASYNC109
                              ) -> Call:
        return await self.expect("response_url", contains, timeout)

    async def assert_no(self, method: str, within: float = 0.3, **where: Any) -> None:
        """Fail if an unconsumed call of ``method`` (matching ``where``) arrives."""
        def find() -> Call | None:
            return next((c for c in self.calls_of(method, **where) if not c.consumed), None)
        async with self._cond:
            try:
                await asyncio.wait_for(self._cond.wait_for(lambda: find() is not None), within)
            except TimeoutError:
                return
        raise AssertionError(f"unexpected {method}: {find()}")

    # -- handlers ------------------------------------------------------------------------
    async def _args(self, request: web.Request) -> dict[str, Any]:
        args: dict[str, Any] = dict(request.query)
        if request.content_type == "application/json":
            args.update(await request.json())
        else:
            args.update({k: str(v) for k, v in (await request.post()).items()})
        for key in JSON_ARGS:
            if isinstance(args.get(key), str):
                args[key] = json.loads(args[key])
        return args

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        call = Call(method, await self._args(request), time.monotonic(),
                    at=self.ledger.now())
        self.calls.append(call)
        headers: dict[str, str] = {}
        token = self.app_token if method == "apps.connections.open" else self.token
        if request.headers.get("Authorization") != f"Bearer {token}":
            call.status, call.error = 200, "invalid_auth"
        elif fault := self._fault(method, call.args):
            call.status, call.error = fault.status, fault.error
            if fault.retry_after is not None:
                headers["Retry-After"] = f"{fault.retry_after:g}"
        else:
            call.status = 200
            call.error, call.result = self._answer(method, call.args)
        body = {"ok": False, "error": call.error} if call.error else {"ok": True, **call.result}
        await self._notify(call)
        return web.json_response(body, status=call.status, headers=headers)

    def _fault(self, method: str, args: dict[str, Any]) -> Fault | None:
        faults = self._fail_next.get(method, [])
        for i, fault in enumerate(faults):
            if all(args.get(k) == v for k, v in fault.where.items()):
                return faults.pop(i)
        return None

    async def _response_url(self, request: web.Request) -> web.Response:
        args = await request.json()
        call = Call("response_url", {**args, "key": request.match_info["key"]},
                    time.monotonic(), status=200, at=self.ledger.now())
        self.calls.append(call)
        await self._notify(call)
        return web.Response(text="ok")

    async def _notify(self, call: Call) -> None:
        async with self._cond:
            self._cond.notify_all()
        if self.on_call is not None:
            self.on_call(call)

    def _next_ts(self) -> str:
        return f"{1_800_000_000 + next(self._ts)}.000100"

    def _answer(self, method: str, args: dict[str, Any]) -> tuple[str | None, dict[str, Any]]:
        if method == "auth.test":
            return None, {"url": "https://test.slack.com/", "team": "Test District",
                          "user": "alertbot", "team_id": "T0TEST", "user_id": BOT_USER,
                          "bot_id": "B0ALERTBOT", "is_enterprise_install": False}
        if method == "conversations.open":
            member = str(args.get("users", ""))
            if member in self._fail_user:
                return self._fail_user[member], {}
            if not member.startswith(("U", "W")):
                return "user_not_found", {}
            return None, {"channel": {"id": "D" + member[1:]}}
        if method in ("chat.postMessage", "chat.postEphemeral"):
            channel = str(args.get("channel", ""))
            if not channel:
                return "channel_not_found", {}
            if not (args.get("text") or args.get("blocks")):
                return "no_text", {}
            ts = self._next_ts()
            if method == "chat.postEphemeral":
                return None, {"message_ts": ts}
            self.messages[(channel, ts)] = {**args, "ts": ts}
            return None, {"channel": channel, "ts": ts, "message": {"text": args.get("text")}}
        if method == "chat.update":
            key = (str(args.get("channel", "")), str(args.get("ts", "")))
            if key not in self.messages:
                return "message_not_found", {}
            self.messages[key].update({k: v for k, v in args.items() if k != "ts"})
            self.messages[key]["edited"] = self.messages[key].get("edited", 0) + 1
            return None, {"channel": key[0], "ts": key[1], "text": args.get("text")}
        if method == "users.info":
            member = str(args.get("user", ""))
            if member in self.missing_users or not member.startswith(("U", "W")):
                return "user_not_found", {}
            return None, {"user": {"id": member, "team_id": "T0TEST", "name": member.lower(),
                                   "deleted": False, "is_bot": False,
                                   "is_restricted": False, "is_ultra_restricted": False,
                                   **self.users.get(member, {})}}
        if method == "apps.connections.open":
            ticket = f"tk{next(self._envelopes)}"
            self._tickets.add(ticket)
            return None, {"url": f"ws://{self.host}:{self.port}/socket?ticket={ticket}"}
        if method == "views.open":
            if not args.get("trigger_id"):
                return "invalid_trigger_id", {}
            view = dict(args.get("view") or {})
            return None, {"view": {**view, "id": f"V{next(self._views):08d}"}}
        return "unknown_method", {}

    # -- Socket Mode ---------------------------------------------------------------------
    @property
    def socket(self) -> web.WebSocketResponse | None:
        """The live Socket Mode connection (the newest open one), if any."""
        return next((ws for ws in reversed(self.sockets) if not ws.closed), None)

    async def connected(self, timeout: float = 5.0) -> web.WebSocketResponse:  # noqa: ASYNC109
        """Wait until a Socket Mode client is connected (and has been said hello to)."""
        async with self._cond:
            try:
                await asyncio.wait_for(self._cond.wait_for(lambda: self.socket is not None),
                                       timeout)
            except TimeoutError:
                raise AssertionError(f"no Socket Mode connection within {timeout}s") from None
        assert self.socket is not None
        return self.socket

    async def push(self, type_: str, payload: dict[str, Any], envelope_id: str | None = None,
                   retry_attempt: int | None = None) -> str:
        """Send an envelope down the live socket, as Slack does; its envelope id.
        The same ``envelope_id`` again is a redelivery."""
        ws = await self.connected()
        envelope: dict[str, Any] = {
            "envelope_id": envelope_id or f"env-{next(self._envelopes):06d}", "type": type_,
            "payload": payload, "accepts_response_payload": type_ != "events_api"}
        if retry_attempt is not None:
            envelope.update(retry_attempt=retry_attempt, retry_reason="timeout")
        await ws.send_json(envelope)
        return str(envelope["envelope_id"])

    async def ask_to_reconnect(self) -> None:
        """Slack's periodic ``disconnect`` (refresh_requested): the client should open anew."""
        await (await self.connected()).send_json(
            {"type": "disconnect", "reason": "refresh_requested", "debug_info": {}})

    async def _socket(self, request: web.Request) -> web.StreamResponse:
        ticket = request.query.get("ticket", "")
        if ticket not in self._tickets:
            return web.Response(status=401, text="invalid ticket")
        self._tickets.discard(ticket)  # a URL is good for one connection
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_json({"type": "hello", "num_connections": 1,
                            "connection_info": {"app_id": "A0ALERTBOT"},
                            "debug_info": {"host": "fake"}})
        self.sockets.append(ws)
        await self._notify_all()
        async for msg in ws:
            if msg.type != aiohttp.WSMsgType.TEXT:
                continue
            ack = json.loads(msg.data)
            payload = ack.get("payload") or {}
            call = Call("socket_ack", {"envelope_id": ack.get("envelope_id"), **payload},
                        time.monotonic(), status=200, result=ack)
            self.calls.append(call)
            await self._notify(call)
        await self._notify_all()
        return ws

    async def _notify_all(self) -> None:
        async with self._cond:
            self._cond.notify_all()
