"""The token bucket behind stage 3 (rate), with a clock moved by hand."""

from __future__ import annotations

import pytest

from alertbot.notify.ratelimit import TokenBucket
from tests.unit.notify.fakes import Tick


def test_token_bucket_refills_at_its_rate() -> None:
    clock = Tick()
    bucket = TokenBucket(rate=2, burst=2, clock=clock)
    assert bucket.available() == 2
    bucket.take(2)
    assert bucket.available() == 0
    assert bucket.wait() == pytest.approx(0.5)
    clock.t += 0.5
    assert bucket.available() == 1
    clock.t += 100
    assert bucket.available() == 2  # never more than the burst
    with pytest.raises(ValueError):
        TokenBucket(0)
