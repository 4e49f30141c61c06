"""Stage 3, rate: a provider's sending rate per channel, as token buckets (e.g. Twilio's
1 call a second per account).

**Per process.** Each alertbot instance keeps its own buckets in memory. Two instances
sharing one PostgreSQL database each send up to the configured rate, so together they
may send up to twice it; the provider then answers 429 now and then, which is a
``TemporaryFailure`` retried after its Retry-After (stage 5). Nothing is lost or sent
twice; the limit is a politeness toward the provider, not a guarantee. Set the rate to
the provider's limit divided by the number of instances if that matters. (A bucket in
the database would be exact, at the cost of one more row lock per claim, shared by
every instance; see docs/decisions/0021-notify-pipeline-stages.md.)

Times are seconds on ``clock`` (monotonic by default; tests inject one).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping

from alertbot.core.model import Channel


class TokenBucket:
    """``rate`` tokens a second, at most ``burst`` saved up.

    Raises ``ValueError`` if ``rate`` is not positive.
    """

    def __init__(self, rate: float, burst: float | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = rate
        self.burst = burst if burst is not None else max(1.0, rate)
        self.clock = clock
        self.tokens = self.burst
        self.updated = clock()

    def _refill(self) -> None:
        now = self.clock()
        self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.rate)
        self.updated = now

    def available(self) -> int:
        """Whole tokens available now."""
        self._refill()
        return int(self.tokens)

    def take(self, n: int) -> None:
        self._refill()
        self.tokens -= n

    def wait(self) -> float:
        """Seconds until one token is available."""
        self._refill()
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate


class Rates:
    """The buckets of the limited channels; a channel without one is not limited.

    False when no channel is limited (the claim then takes every channel at once).
    """

    def __init__(self, buckets: Mapping[Channel, TokenBucket] | None = None) -> None:
        self.buckets = dict(buckets or {})

    def __bool__(self) -> bool:
        return bool(self.buckets)

    def allowed(self, channel: Channel, free: int) -> int:
        """How many ``channel`` messages may be claimed now, out of ``free`` slots."""
        bucket = self.buckets.get(channel)
        return free if bucket is None else max(0, min(free, bucket.available()))

    def took(self, channel: Channel, n: int) -> None:
        """``n`` ``channel`` messages were claimed: spend their tokens."""
        bucket = self.buckets.get(channel)
        if bucket is not None and n:
            bucket.take(n)

    def wait(self, channel: Channel) -> float:
        """Seconds until ``channel`` may send one more (0: now, or not limited)."""
        bucket = self.buckets.get(channel)
        return 0.0 if bucket is None else bucket.wait()
