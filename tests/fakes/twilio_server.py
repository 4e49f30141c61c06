"""A fake Twilio REST API: a real aiohttp server on 127.0.0.1 that the real ``twilio``
client talks to (point it here with ``TWILIO_API_URL=fake.url``).

    async with FakeTwilio() as fake:
        client, http = make_twilio_client(fake.account_sid, fake.auth_token, fake.url)
        ...
        rec = await fake.expect_sms("+18605550100", contains="ICE")

``expect_sms`` / ``expect_call`` *consume* the record they return, so expecting twice
waits for a second message. ``sms_to`` lists every accepted SMS, consumed or not.
``assert_all_expected`` fails on any accepted SMS or call left unconsumed and not
ignored (``ignore``); the scenario fixtures call it at teardown (tests/fakes/ledger.py).
A live call changed with ``calls(sid).update`` is a ``call_update`` record
(``expect_call_update``); ``send_status`` / ``send_amd`` post Twilio's signed callbacks.
Calls have a status (``call_status``): queued when created, then whatever ``send_status``
posted; an update with ``Status=canceled`` of a call no longer queued or ringing is
refused with Twilio's error 21220, as Twilio does. An inbound call the test plays is
``register_inbound`` so the app may update it too. ``send_conference`` posts a
``<Conference>`` status callback (participant-join, participant-leave, conference-end).
Run alone: ``python -m tests.fakes.twilio_server --port 8999`` prints records as JSON lines.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import json
import secrets
import signal
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from email.utils import formatdate
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from aiohttp import web

from .ledger import Delivery, Ledger
from .server import LocalServer
from .signing import post_twilio
from .twilio_media import FakeMedia

DEFAULT_SID = "AC" + "0123456789abcdef" * 2
DEFAULT_TOKEN = "fake-twilio-auth-token"
API = "/2010-04-01/Accounts/{account}"

ERROR_MESSAGES = {
    20003: "Authenticate",
    20429: "Too Many Requests",
    20500: "An internal server error has occurred",
    20503: "Service unavailable",
    21211: "The 'To' number is not a valid phone number.",
    21610: "Attempt to send to unsubscribed recipient",
    21611: "This 'From' number has exceeded the maximum number of queued messages",
    21614: "'To' number is not a valid mobile number",
}


@dataclass
class Record:
    kind: str  # "sms" | "call" | "call_update"
    sid: str
    to: str
    from_: str
    body: str | None  # SMS text
    twiml: str | None  # call: inline TwiML
    url: str | None  # call: TwiML URL
    status_callback: str | None
    params: dict[str, str]  # every form field as sent
    arrived: float  # time.monotonic() when the request arrived
    arrived_wall: float  # time.time()
    answer_status: int = 0  # HTTP status answered (0 while pending)
    error_code: int | None = None
    consumed: bool = field(default=False, repr=False)
    at: float | None = None  # the scenario's fake clock when it arrived (Ledger.use_clock)

    @property
    def accepted(self) -> bool:
        return self.answer_status == 201


@dataclass
class Fault:
    status: int
    code: int | None
    message: str
    retry_after: float | None = None
    kind: str | None = None  # None: SMS and calls


class FakeTwilio(FakeMedia, LocalServer):
    def __init__(self, account_sid: str = DEFAULT_SID, auth_token: str = DEFAULT_TOKEN,
                 host: str = "127.0.0.1", port: int = 0) -> None:
        self.account_sid, self.auth_token = account_sid, auth_token
        self.host, self.port = host, port
        self.delay = 0.0  # seconds before answering every request
        self.requests: list[Record] = []  # every request that passed auth, in arrival order
        self.on_record: Callable[[Record], None] | None = None  # called when answered
        self.ledger = Ledger()  # ignore rules and the fake clock for assert_all_expected
        self._fail_next: list[Fault] = []
        self._fail_for: dict[str, Fault] = {}
        self._hang_next: list[float] = []
        self._cond = asyncio.Condition()
        self._closing = asyncio.Event()
        self.call_status: dict[str, str] = {}  # call sid -> its status as Twilio knows it
        self._inbound: dict[str, Record] = {}  # calls into the district number (tests)
        self._conference_seq = 0
        self._runner: web.AppRunner | None = None
        self.app = web.Application()
        self.app.router.add_post(API + "/Messages.json", self._messages)
        self.app.router.add_post(API + "/Calls.json", self._calls)
        self.app.router.add_post(API + "/Calls/{sid}.json", self._update_call)
        self.app.router.add_get(API + "/Calls.json", self._list_calls)
        self.call_lists: list[dict[str, str]] = []  # the filters of every Calls list read
        self._add_media_routes()  # MMS media and its "media store" (tests/fakes/twilio_media.py)
        # Lookup v2 (lookups.twilio.com, reached through TWILIO_API_URL, path unchanged).
        self.app.router.add_get("/v2/PhoneNumbers/{number}", self._lookup)
        self.line_types: dict[str, str | None] = {}  # E.164 -> type; default "mobile"
        self.lookups: list[tuple[str, str]] = []  # (number, Fields) asked, in order

    # -- lifecycle ---------------------------------------------------------------
    async def start(self) -> FakeTwilio:
        await self.media_store.start()
        return await super().start()

    async def close(self) -> None:
        self._closing.set()  # wakes hung handlers
        await super().close()
        await self.media_store.close()

    # -- fault injection ---------------------------------------------------------
    def fail_next(self, n: int = 1, status: int = 500, code: int | None = None,
                  message: str | None = None, retry_after: float | None = None,
                  kind: str | None = None) -> None:
        """The next ``n`` requests (of ``kind`` "sms"/"call" only, if given) fail."""
        text = message or ERROR_MESSAGES.get(code or 0, f"Fake failure (HTTP {status})")
        self._fail_next.extend(Fault(status, code, text, retry_after, kind) for _ in range(n))

    def fail_for(self, number: str, code: int = 21610, status: int = 400,
                 message: str | None = None, kind: str | None = None) -> None:
        """Every send (of ``kind``, default SMS and calls) to ``number`` fails."""
        text = message or ERROR_MESSAGES.get(code, f"Fake failure {code}")
        self._fail_for[number] = Fault(status, code, text, kind=kind)

    def allow(self, number: str) -> None:
        self._fail_for.pop(number, None)

    def hang_next(self, n: int = 1, seconds: float = 30.0) -> None:
        """The next n requests sleep ``seconds`` before they are answered (and accepted)."""
        self._hang_next.extend([seconds] * n)

    def clear(self) -> None:
        """Forget recorded requests (faults and delay stay)."""
        self.requests.clear()

    def reset(self) -> None:
        self.clear()
        self._fail_next.clear()
        self._fail_for.clear()
        self._hang_next.clear()
        self.delay = 0.0

    # -- queries -----------------------------------------------------------------
    @property
    def sent(self) -> list[Record]:
        return [r for r in self.requests if r.accepted]

    def sms_to(self, number: str) -> list[Record]:
        return [r for r in self.sent if r.kind == "sms" and r.to == number]

    def calls_to(self, number: str) -> list[Record]:
        return [r for r in self.sent if r.kind == "call" and r.to == number]

    async def expect_sms(self, to: str, contains: str = "",
                         timeout: float = 5.0) -> Record:  # noqa: ASYNC109
        """Wait for an unconsumed accepted SMS to ``to`` whose body contains ``contains``
        (case-insensitive); consume and return it."""
        return await self._expect("sms", to, contains, timeout)

    async def expect_call(self, to: str, contains: str = "",
                          timeout: float = 5.0) -> Record:  # noqa: ASYNC109
        """Like expect_sms for calls; ``contains`` is searched in the TwiML or URL."""
        return await self._expect("call", to, contains, timeout)

    async def assert_no_sms(self, to: str | None = None, within: float = 0.3) -> None:
        """Fail if an unconsumed SMS (to ``to``, or anyone) is or gets accepted within
        ``within`` seconds."""
        await self._assert_none("sms", to, within)

    async def assert_no_call(self, to: str | None = None, within: float = 0.3) -> None:
        """Like assert_no_sms, for calls."""
        await self._assert_none("call", to, within)

    async def _assert_none(self, kind: str, to: str | None, within: float) -> None:
        def find() -> Record | None:
            return next((r for r in self.sent if r.kind == kind and not r.consumed
                         and (to is None or r.to == to)), None)
        async with self._cond:
            try:
                await asyncio.wait_for(self._cond.wait_for(lambda: find() is not None), within)
            except TimeoutError:
                return
        raise AssertionError(f"unexpected {kind}: {find()}")

    def ignore(self, kind: str | None = None, to: str | None = None,
               contains: str = "") -> None:
        """SMS/calls (``kind`` "sms"/"call", None: both) to ``to`` (None: anyone) whose
        text contains ``contains`` are background noise: no expectation needed."""
        self.ledger.ignore(kind, to, contains)

    def assert_all_expected(self) -> None:
        """Fail, listing them, if any accepted SMS or call was neither consumed by an
        expectation nor ignored. (Changes to live calls are the call's own business.)"""
        self.ledger.check([Delivery(r.kind, r.to, (r.body if r.kind == "sms" else
                                                   r.twiml or r.url) or "", r.at)
                           for r in self.sent if r.kind in ("sms", "call") and not r.consumed],
                          "fake Twilio")

    def set_call_status(self, sid: str, status: str) -> None:
        """What Twilio knows of call ``sid`` now (e.g. ``in-progress`` once answered),
        without posting a callback."""
        self.call_status[sid] = status

    def call_updates(self, sid: str) -> list[Record]:
        """Accepted changes to a live call (``calls(sid).update``), oldest first."""
        return [r for r in self.requests if r.kind == "call_update" and r.sid == sid
                and r.answer_status == 200]

    async def expect_call_update(self, sid: str, contains: str = "",
                                 timeout: float = 5.0) -> Record:  # noqa: ASYNC109
        """Wait for an unconsumed update of call ``sid`` whose TwiML contains ``contains``."""
        def find() -> Record | None:
            return next((r for r in self.call_updates(sid) if not r.consumed
                         and contains.lower() in (r.twiml or r.url or "").lower()), None)
        async with self._cond:
            try:
                await asyncio.wait_for(self._cond.wait_for(lambda: find() is not None), timeout)
            except TimeoutError:
                raise AssertionError(f"no update of call {sid} containing {contains!r}; "
                                     f"updates: {self.call_updates(sid)}") from None
        record = find()
        assert record is not None
        record.consumed = True
        return record

    async def _expect(self, kind: str, to: str, contains: str, wait: float) -> Record:
        def find() -> Record | None:
            for r in self.sent:
                text = (r.body if kind == "sms" else (r.twiml or r.url)) or ""
                if (r.kind == kind and r.to == to and not r.consumed
                        and contains.lower() in text.lower()):
                    return r
            return None
        async with self._cond:
            try:
                await asyncio.wait_for(self._cond.wait_for(lambda: find() is not None), wait)
            except TimeoutError:
                seen = [(r.kind, r.to, r.body or r.twiml, r.answer_status) for r in self.requests]
                raise AssertionError(
                    f"no {kind} to {to} containing {contains!r} within {wait}s; "
                    f"requests: {seen}") from None
        record = find()
        assert record is not None
        record.consumed = True
        return record

    # -- callbacks to the app ----------------------------------------------------
    async def send_status(self, record: Record, status: str = "delivered",
                          error_code: int | None = None, post_to: str | None = None,
                          **extra: str) -> tuple[int, str]:
        """POST a signed status callback for ``record`` to its StatusCallback URL, as
        Twilio would (``post_to`` replaces its scheme://host:port, e.g. behind a proxy).
        Returns (HTTP status, body)."""
        if not record.status_callback:
            raise AssertionError(f"{record.sid} has no StatusCallback")
        params = {"AccountSid": self.account_sid, "To": record.to, "From": record.from_,
                  "ApiVersion": "2010-04-01"}
        if record.kind == "sms":
            params |= {"MessageSid": record.sid, "SmsSid": record.sid,
                       "MessageStatus": status, "SmsStatus": status}
        else:
            params |= {"CallSid": record.sid, "CallStatus": status,
                       "Direction": "outbound-api"}
            self.call_status[record.sid] = status
        if error_code is not None:
            params["ErrorCode"] = str(error_code)
        params |= extra
        return await self._callback(record.status_callback, params, post_to)

    async def send_amd(self, record: Record, answered_by: str = "human",
                       post_to: str | None = None) -> tuple[int, str]:
        """POST the async answering-machine verdict of call ``record`` (AnsweredBy:
        human, machine_start, machine_end_beep, …, fax, unknown) to its
        AsyncAmdStatusCallback, signed as Twilio would."""
        url = record.params.get("AsyncAmdStatusCallback")
        if not url:
            raise AssertionError(f"{record.sid} has no AsyncAmdStatusCallback")
        params = {"AccountSid": self.account_sid, "CallSid": record.sid,
                  "AnsweredBy": answered_by, "MachineDetectionDuration": "4120"}
        return await self._callback(url, params, post_to)

    def register_inbound(self, sid: str, from_: str, to: str) -> Record:
        """An inbound call the test plays (Twilio knows it): the app may update it."""
        rec = Record(kind="inbound", sid=sid, to=to, from_=from_, body=None, twiml=None,
                     url=None, status_callback=None, params={}, arrived=time.monotonic(),
                     arrived_wall=time.time(), answer_status=201, at=self.ledger.now())
        self._inbound[sid] = rec
        self.call_status[sid] = "in-progress"
        return rec

    async def send_conference(self, url: str, event: str, call_sid: str,
                              post_to: str | None = None, **extra: str) -> tuple[int, str]:
        """POST a signed ``<Conference statusCallback>`` event (``event``:
        conference-start, conference-end, participant-join, participant-leave) for the
        participant ``call_sid`` to ``url`` (the callback the TwiML named)."""
        self._conference_seq += 1
        params = {"AccountSid": self.account_sid, "ConferenceSid": "CF" + "0" * 32,
                  "FriendlyName": extra.pop("FriendlyName", "conference"),
                  "StatusCallbackEvent": event, "CallSid": call_sid,
                  "SequenceNumber": str(self._conference_seq),
                  "Timestamp": formatdate(time.time(), usegmt=True), **extra}
        if event.startswith("conference-"):  # about the room, not a participant: no CallSid
            del params["CallSid"]
        return await self._callback(url, params, post_to)

    async def post_signed(self, url: str, params: dict[str, str],
                          post_to: str | None = None) -> tuple[int, str]:
        """POST ``params`` to a callback ``url`` the app gave, signed as Twilio signs."""
        return await self._callback(url, {"AccountSid": self.account_sid, **params}, post_to)

    async def _callback(self, url: str, params: dict[str, str],
                        post_to: str | None) -> tuple[int, str]:
        parts = urlsplit(url)
        public, path = f"{parts.scheme}://{parts.netloc}", parts.path
        if parts.query:
            path += "?" + parts.query
        async with aiohttp.ClientSession() as session:
            return await post_twilio(session, post_to or public, path, params,
                                     self.auth_token, public_url=public)

    # -- handlers ----------------------------------------------------------------
    async def _messages(self, request: web.Request) -> web.Response:
        return await self._handle(request, "sms")

    async def _calls(self, request: web.Request) -> web.Response:
        return await self._handle(request, "call")

    async def _update_call(self, request: web.Request) -> web.Response:
        """``calls(sid).update(twiml=…)``: recorded as a ``call_update`` of that call."""
        if not self._authorized(request):
            return _error(401, 20003, "Authenticate")
        form = {k: str(v) for k, v in (await request.post()).items()}
        sid = request.match_info["sid"]
        call = next((r for r in self.requests if r.kind == "call" and r.sid == sid),
                    self._inbound.get(sid))
        if call is None or not call.accepted:
            return _error(404, 20404, f"The requested resource {sid} was not found")
        status = form.get("Status")
        if status is not None:
            now = self.call_status.get(sid, "queued")
            if status == "canceled" and now not in ("queued", "ringing"):
                return _error(400, 21220, "Call is not in-progress. Cannot redirect.")
            if status == "completed" and now in ("completed", "canceled", "no-answer",
                                                 "busy", "failed"):
                return _error(400, 21220, "Call is not in-progress. Cannot redirect.")
            self.call_status[sid] = status
        rec = Record(kind="call_update", sid=sid, to=call.to, from_=call.from_, body=None,
                     twiml=form.get("Twiml"), url=form.get("Url"), status_callback=None,
                     params=form, arrived=time.monotonic(), arrived_wall=time.time(),
                     answer_status=200, at=self.ledger.now())
        self.requests.append(rec)
        async with self._cond:
            self._cond.notify_all()
        if self.on_record is not None:
            self.on_record(rec)
        return web.json_response({**self._resource(call),
                                  "status": self.call_status.get(sid, "in-progress")})

    async def _list_calls(self, request: web.Request) -> web.Response:
        """``calls.list(to=…, from_=…)``: the accepted calls matching ``To``/``From``,
        newest first, one page (Twilio's v2010 page shape)."""
        if not self._authorized(request):
            return _error(401, 20003, "Authenticate")
        query = dict(request.query)
        self.call_lists.append(query)
        size = int(query.get("PageSize", "50"))
        found = [r for r in reversed(self.requests) if r.kind == "call" and r.accepted
                 and r.to == query.get("To", r.to) and r.from_ == query.get("From", r.from_)]
        uri = f"/2010-04-01/Accounts/{self.account_sid}/Calls.json"
        return web.json_response({
            "calls": [{**self._resource(r), "status": self.call_status.get(r.sid, "queued")}
                      for r in found[:size]],
            "first_page_uri": uri, "next_page_uri": None, "previous_page_uri": None,
            "page": 0, "page_size": size, "start": 0, "end": len(found[:size]), "uri": uri})

    def _authorized(self, request: web.Request) -> bool:
        expected = f"{self.account_sid}:{self.auth_token}".encode()
        header = request.headers.get("Authorization", "")
        return (request.match_info.get("account", self.account_sid) == self.account_sid
                and header == "Basic " + base64.b64encode(expected).decode())

    async def _lookup(self, request: web.Request) -> web.Response:
        """Lookup v2 ``GET /v2/PhoneNumbers/{n}?Fields=line_type_intelligence``: the type
        set in ``line_types`` (default "mobile"); a number set to None has none."""
        if not self._authorized(request):
            return _error(401, 20003, "Authenticate")
        number = request.match_info["number"]
        fields = request.query.get("Fields", "")
        self.lookups.append((number, fields))
        kind = self.line_types.get(number, "mobile")
        intelligence = None
        if "line_type_intelligence" in fields:
            intelligence = {"type": kind, "carrier_name": "Fake Carrier",
                            "mobile_country_code": "310", "mobile_network_code": "000",
                            "error_code": None} if kind else {"type": None,
                                                              "error_code": 60601}
        return web.json_response({
            "calling_country_code": "1", "country_code": "US", "phone_number": number,
            "national_format": number, "valid": True, "validation_errors": None,
            "caller_name": None, "sim_swap": None, "call_forwarding": None,
            "line_status": None, "line_type_intelligence": intelligence,
            "identity_match": None, "reassigned_number": None, "sms_pumping_risk": None,
            "phone_number_quality_score": None, "pre_fill": None,
            "url": f"https://lookups.twilio.com/v2/PhoneNumbers/{number}"})

    async def _handle(self, request: web.Request, kind: str) -> web.Response:
        if not self._authorized(request):
            return _error(401, 20003, "Authenticate")
        form = {k: str(v) for k, v in (await request.post()).items()}
        prefix = "SM" if kind == "sms" else "CA"
        rec = Record(kind=kind, sid=prefix + secrets.token_hex(16), to=form.get("To", ""),
                     from_=form.get("From", ""), body=form.get("Body"),
                     twiml=form.get("Twiml"), url=form.get("Url"),
                     status_callback=form.get("StatusCallback"), params=form,
                     arrived=time.monotonic(), arrived_wall=time.time(),
                     at=self.ledger.now())
        self.requests.append(rec)
        hang = self._hang_next.pop(0) if self._hang_next else 0.0
        if hang or self.delay:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._closing.wait(), hang + self.delay)
        fault = self._fault_for(rec)
        if fault is None and (invalid := _validate(rec)):
            fault = Fault(400, *invalid)
        if fault is not None:
            response = _error(fault.status, fault.code, fault.message, fault.retry_after)
            rec.error_code = fault.code
        else:
            response = web.json_response(self._resource(rec), status=201)
        rec.answer_status = response.status
        if kind == "call" and rec.accepted:
            self.call_status[rec.sid] = "queued"
        async with self._cond:
            self._cond.notify_all()
        if self.on_record is not None:
            self.on_record(rec)
        return response

    def _fault_for(self, rec: Record) -> Fault | None:
        fault = self._fail_for.get(rec.to)
        if fault is not None and fault.kind in (None, rec.kind):
            return fault
        for index, queued in enumerate(self._fail_next):
            if queued.kind in (None, rec.kind):
                return self._fail_next.pop(index)
        return None

    def _resource(self, rec: Record) -> dict[str, Any]:
        now = formatdate(rec.arrived_wall, usegmt=True).replace("GMT", "+0000")
        kind = "Messages" if rec.kind == "sms" else "Calls"
        uri = f"/2010-04-01/Accounts/{self.account_sid}/{kind}/{rec.sid}.json"
        common = {"sid": rec.sid, "account_sid": self.account_sid, "api_version": "2010-04-01",
                  "to": rec.to, "from": rec.from_, "status": "queued", "price": None,
                  "price_unit": "USD", "direction": "outbound-api", "date_created": now,
                  "date_updated": now, "uri": uri}
        if rec.kind == "sms":
            return {**common, "body": rec.body, "num_segments": "1", "num_media": "0",
                    "date_sent": None, "error_code": None, "error_message": None,
                    "messaging_service_sid": None,
                    "subresource_uris": {"media": uri.replace(".json", "/Media.json")}}
        return {**common, "to_formatted": rec.to, "from_formatted": rec.from_,
                "answered_by": None, "duration": None, "start_time": None, "end_time": None,
                "parent_call_sid": None, "caller_name": None, "queue_time": "0",
                "subresource_uris": {"recordings": uri.replace(".json", "/Recordings.json")}}


def _validate(rec: Record) -> tuple[int, str] | None:
    if not rec.to:
        return 21604, "A 'To' phone number is required."
    if not (rec.to.startswith("+") and rec.to[1:].isdigit() and 8 <= len(rec.to) <= 16):
        return 21211, f"The 'To' number {rec.to} is not a valid phone number."
    if not rec.from_:
        return 21603, "A 'From' phone number is required."
    if rec.kind == "sms" and not rec.body:
        return 21602, "Message body is required."
    if rec.kind == "call" and not (rec.twiml or rec.url):
        return 21205, "Url or Twiml parameter is required."
    return None


def _error(status: int, code: int | None, message: str,
           retry_after: float | None = None) -> web.Response:
    payload = {"code": code, "message": message, "status": status,
               "more_info": f"https://www.twilio.com/docs/errors/{code or status}"}
    headers = {"Retry-After": f"{retry_after:g}"} if retry_after is not None else None
    return web.json_response(payload, status=status, headers=headers)


async def _main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--account-sid", default=DEFAULT_SID)
    parser.add_argument("--auth-token", default=DEFAULT_TOKEN)
    args = parser.parse_args(argv)
    fake = FakeTwilio(args.account_sid, args.auth_token, port=args.port)
    fake.on_record = lambda r: print(json.dumps(asdict(r)), flush=True)
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        asyncio.get_running_loop().add_signal_handler(sig, stop.set)
    async with fake:
        print(f"fake Twilio on {fake.url} (sid {fake.account_sid})", file=sys.stderr, flush=True)
        await stop.wait()


if __name__ == "__main__":
    asyncio.run(_main(sys.argv[1:]))
