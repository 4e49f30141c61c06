"""In-memory stand-ins for the notify pipeline's collaborators: an outbox (the
``ports.OutboxTx`` operations, one unit of work per ``write``), a scripted sender,
a small district, a clock the test moves by hand. No network, no database, no sleeps."""

from __future__ import annotations

import copy
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import TypeVar

from alertbot.core.incident import Incident, State
from alertbot.core.model import Channel, Config, Contact
from alertbot.core.plan import Plan, PlanStep, Recipient
from alertbot.core.records import NewMessage, OutboxItem, OutboxKind, OutboxStatus
from alertbot.notify.base import OutboundMessage, SendResult
from alertbot.notify.ports import OutboxTx

T = TypeVar("T")
T0 = 1_800_000_000.0

SAM = Contact("sam", "Sam Okafor", phone="+18605550102", slack="U0SAM",
              channels=(Channel.SMS, Channel.VOICE))
DANA = Contact("dana", "Dana Reyes", roles=("admin",), phone="+18605550109")
LEE = Contact("lee", "Lee Park", roles=("admin",), slack="U0LEE")
CONFIG = Config(organization="Test District", timezone="America/New_York", schools={},
                triggers=(), incidents={}, escalations={},
                contacts={c.id: c for c in (SAM, DANA, LEE)}, admins=("admin",))
PLAN = Plan("p", (PlanStep((Recipient("sam", "Sam Okafor", "en",
                                      ((Channel.SMS, "+18605550102"),)),), 180.0),), None)


class Tick:
    """A monotonic clock the test moves by hand (``tick.t += 2``), for breakers and
    buckets."""

    def __init__(self) -> None:
        self.t = 100.0

    def __call__(self) -> float:
        return self.t


def incident(n: int = 1, state: State = State.TRIGGERED) -> Incident:
    return Incident(id=n, type="ice", title="Enforcement visit at Burns Academy",
                    school_id="burns", school_name="Burns Academy", reporter_id="p",
                    reporter_name="Ana Perez", reporter_phone=None, source="sms",
                    details="", language="en", created_at=T0, plan=PLAN, state=state)


@dataclass
class _Row:
    item: OutboxItem
    lease_owner: str | None = None
    lease_until: float | None = None


@dataclass
class FakeOutbox:
    """The outbox and incidents in dicts. ``write(fn)`` runs ``fn(self)`` as one unit
    of work: if ``fn`` raises, every change it made is undone. The claim order is the
    store's (first rounds before repeats, then due time, then id) without the
    round-robin across incidents, which is the SQL query's and tested there."""

    rows: dict[int, _Row] = field(default_factory=dict)
    incidents: dict[int, Incident] = field(default_factory=dict)
    timeline: list[tuple[int, str, str]] = field(default_factory=list)
    first_page: dict[int, float] = field(default_factory=dict)
    opt_outs: dict[tuple[str, Channel], str] = field(default_factory=dict)
    writes: int = 0
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    async def write(self, fn: Callable[[OutboxTx], T], /) -> T:
        self.writes += 1
        saved = copy.deepcopy((self.rows, self.incidents, self.timeline, self.first_page))
        try:
            return fn(self)
        except BaseException:
            self.rows, self.incidents, self.timeline, self.first_page = saved
            raise

    # --- test helpers ----------------------------------------------------------------

    def add(self, message: NewMessage, now: float = T0) -> OutboxItem:
        self.enqueue([message], now)
        return self.rows[max(self.rows)].item

    def get(self, item_id: int) -> OutboxItem:
        return self.rows[item_id].item

    def pending(self, kind: OutboxKind | None = None) -> list[OutboxItem]:
        return [r.item for r in self.rows.values() if r.item.status is OutboxStatus.PENDING
                and (kind is None or r.item.kind is kind)]

    def _set(self, item_id: int, **changes: object) -> None:
        row = self.rows[item_id]
        row.item = replace(row.item, **changes)  # type: ignore[arg-type]

    # --- ClaimTx ---------------------------------------------------------------------

    def due_outbox(self, now: float, lease_now: float, limit: int,
                   channel: Channel | None, /) -> list[tuple[OutboxItem, State | None]]:
        due = [r for r in self.rows.values()
               if (r.item.status is OutboxStatus.PENDING
                   or (r.item.status is OutboxStatus.SENDING
                       and (r.lease_until or 0) < lease_now))
               and r.item.due_at <= now and channel in (None, r.item.channel)]
        due.sort(key=lambda r: (r.item.round is not None, r.item.round or 0, r.item.due_at,
                                r.item.id))
        out = []
        for r in due[:limit]:
            inc = self.incidents.get(r.item.incident_id or 0)
            out.append((r.item, None if inc is None else inc.state))
        return out

    def cancel_outbox(self, ids: Sequence[int], /) -> None:
        for i in ids:
            self._set(i, status=OutboxStatus.CANCELLED)

    def lease_outbox(self, ids: Sequence[int], owner: str, lease_until: float, /) -> None:
        for i in ids:
            row = self.rows[i]
            row.lease_owner, row.lease_until = owner, lease_until
            self._set(i, status=OutboxStatus.SENDING, attempts=row.item.attempts + 1)

    # --- RecordTx --------------------------------------------------------------------

    def mark_sent(self, item_id: int, provider_id: str | None, now: float, /) -> None:
        self.rows[item_id].lease_owner = self.rows[item_id].lease_until = None
        self._set(item_id, status=OutboxStatus.SENT, provider_id=provider_id, sent_at=now,
                  error=None)

    def mark_retry(self, item_id: int, due_at: float, error: str, /) -> None:
        self.rows[item_id].lease_owner = self.rows[item_id].lease_until = None
        self._set(item_id, status=OutboxStatus.PENDING, due_at=due_at, error=error)

    def mark_failed(self, item_id: int, error: str, /) -> bool:
        if self.rows[item_id].item.status is OutboxStatus.FAILED:
            return False
        self.rows[item_id].lease_owner = self.rows[item_id].lease_until = None
        self._set(item_id, status=OutboxStatus.FAILED, error=error)
        return True

    def release_held(self, channel: Channel, error: str, now: float, /) -> int:
        held = [r.item.id for r in self.rows.values()
                if r.item.status is OutboxStatus.PENDING and r.item.channel is channel
                and (r.item.error or "").startswith(error) and r.item.due_at > now]
        for i in held:
            self._set(i, due_at=now)
        return len(held)

    def mark_first_page(self, incident_id: int, at: float, /) -> bool:
        if incident_id in self.first_page:
            return False
        self.first_page[incident_id] = at
        return True

    def messages_for(self, incident_id: int, /) -> list[OutboxItem]:
        return [r.item for r in self.rows.values() if r.item.incident_id == incident_id]

    def get_incident(self, incident_id: int, /) -> Incident | None:
        return self.incidents.get(incident_id)

    def enqueue(self, messages: Sequence[NewMessage], now: float, /) -> None:
        for m in messages:
            i = next(self._ids)
            self.rows[i] = _Row(OutboxItem(
                i, m.kind, m.channel, m.address, m.body, m.language, m.incident_id,
                m.contact_id, m.step, m.round, m.reason, OutboxStatus.PENDING,
                now + m.delay, 0, now, m.opened_at))

    def add_timeline(self, incident_id: int, at: float, kind: str, text: str, /) -> None:
        self.timeline.append((incident_id, kind, text))

    def set_opt_out(self, contact_id: str, channel: Channel, address: str, at: float,
                    reason: str, /) -> None:
        self.opt_outs.setdefault((contact_id, channel), reason)


def page(channel: Channel = Channel.SMS, n: int = 1, contact: Contact = SAM,
         step: int = 0, round_: int = 0) -> NewMessage:
    address = contact.address(channel) or ""
    return NewMessage(OutboxKind.PAGE, channel, address, f"ALERT #{n}", "en", n, contact.id,
                      step, round_, "step 1", T0)


def notice(n: int | None = 1, to: Contact = DANA) -> NewMessage:
    return NewMessage(OutboxKind.NOTICE, Channel.SMS, to.phone or "", "a notice", "en", n,
                      to.id, reason="told")


class FakeSender:
    """Answers from a script, then accepts everything. ``script`` holds what the next
    sends do: an exception to raise, or a ``SendResult`` to return. ``sent`` keeps
    every message it was handed, whatever it answered."""

    def __init__(self, channel: Channel, *script: Exception | SendResult) -> None:
        self.channel = channel
        self.script = list(script)
        self.sent: list[OutboundMessage] = []
        self._ids = itertools.count(1)

    async def send(self, message: OutboundMessage) -> SendResult:
        self.sent.append(message)
        if self.script:
            answer = self.script.pop(0)
            if isinstance(answer, Exception):
                raise answer
            return answer
        return SendResult(f"{self.channel.upper()}{next(self._ids)}")

    async def close(self) -> None:
        return None
