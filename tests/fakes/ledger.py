"""What a fake provider delivered that no test expected (GoAlert's smoke tests idea).

Each fake (``FakeTwilio``, ``FakeSlack``) keeps a ``Ledger``. An expectation
(``expect_sms``, ``expect_call``, ``expect``) *consumes* the delivery it matched; a
story may also ``ignore`` background noise it does not care about (a rule matching any
number of deliveries, zero included). At teardown the scenario fixtures call
``assert_all_expected``: every delivery left over fails the test with a readable list,

    3 messages nobody expected (expect them, or ignore them with a reason):
      sms to +18605550101 at t+180s: 'ALERT #1 Burns Academy: immigration enforcement…'

where ``t+180s`` is the scenario's fake clock, counted from when the clock was attached
(``use_clock``). ``unchecked(reason)`` turns the check off for one test, visibly.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

PREVIEW = 80  # characters of each unexpected message shown


@dataclass(frozen=True)
class Delivery:
    """One message a person would receive: ``kind`` ("sms", "call", or a Slack method),
    ``to`` (a phone number or a Slack channel), ``text`` (body, TwiML or Slack text) and
    ``at`` (fake-clock epoch seconds when it arrived, or None without a clock)."""

    kind: str
    to: str
    text: str
    at: float | None


@dataclass(frozen=True)
class Ignore:
    """Deliveries a story does not care about: of ``kind`` (None: any), to ``to`` (None:
    anyone), whose text contains ``contains`` (case-insensitive)."""

    kind: str | None
    to: str | None
    contains: str

    def matches(self, d: Delivery) -> bool:
        return ((self.kind is None or self.kind == d.kind)
                and (self.to is None or self.to == d.to)
                and self.contains.lower() in d.text.lower())


@dataclass
class Ledger:
    ignores: list[Ignore] = field(default_factory=list)
    reason_unchecked: str | None = None
    _clock: Callable[[], float] | None = None
    _start: float = 0.0

    def use_clock(self, now: Callable[[], float]) -> None:
        """Stamp deliveries with this fake clock (seconds); the first one attached wins,
        so several instances sharing one fake and one clock agree."""
        if self._clock is None:
            self._clock, self._start = now, now()

    def now(self) -> float | None:
        return self._clock() if self._clock is not None else None

    def ignore(self, kind: str | None = None, to: str | None = None,
               contains: str = "") -> None:
        self.ignores.append(Ignore(kind, to, contains))

    def unchecked(self, reason: str) -> None:
        """Turn the teardown check off for this test; ``reason`` says why it cannot know
        what is sent (shown nowhere else: it is for the reader of the test)."""
        if not reason.strip():
            raise ValueError("say why this test cannot know what is sent")
        self.reason_unchecked = reason

    def unexpected(self, deliveries: Iterable[Delivery]) -> list[Delivery]:
        """The deliveries no ignore rule matches (consumed ones are not passed in)."""
        if self.reason_unchecked is not None:
            return []
        return [d for d in deliveries if not any(i.matches(d) for i in self.ignores)]

    def describe(self, d: Delivery) -> str:
        when = f"t+{d.at - self._start:g}s" if d.at is not None else "t=?"
        text = " ".join(re.sub(r"<[^>]*>", " ", d.text).split())  # TwiML: what is said
        shown = text[:PREVIEW] + ("…" if len(text) > PREVIEW else "")
        return f"  {d.kind} to {d.to} at {when}: {shown!r}"

    def check(self, deliveries: Iterable[Delivery], provider: str) -> None:
        """Raise AssertionError listing every unexpected delivery of ``provider``."""
        __tracebackhide__ = True
        left = self.unexpected(deliveries)
        if left:
            lines = "\n".join(self.describe(d) for d in left)
            raise AssertionError(
                f"{provider}: {len(left)} message(s) nobody expected (expect them, or "
                f"ignore them if the story does not care):\n{lines}")
