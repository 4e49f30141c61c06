"""kill -9 at named points mid-escalation: after a restart no page is lost, and a page
is sent twice only when the crash fell between the provider accepting it and the
outbox recording that (the documented at-least-once rule)."""

from __future__ import annotations

import pytest

from tests.chaos.runner import run_once


@pytest.mark.parametrize(("point", "hit", "max_duplicates"), [
    ("after-escalate", 2, 0),  # step 2 decided, nothing sent: sent after the restart
    # The opening unit committed with its first pages leased to this instance (decision
    # 0048), no send started: the restarted instance takes its leases back at once.
    ("after-unit-claim", 1, 0),
    ("before-send", 1, 0),  # first page claimed, not sent: re-claimed after the lease
    ("before-mark-sent", 3, 1),  # accepted but not recorded: at most one duplicate
])
async def test_restart_after_a_crash_loses_no_page(point: str, hit: int,
                                                    max_duplicates: int) -> None:
    outcome = await run_once(point, hit)
    assert outcome.crashed, f"the crash point {point}:{hit} was never reached"
    assert outcome.lost == 0, outcome
    assert outcome.duplicated <= max_duplicates, outcome
    assert outcome.worst_duplicate <= 1, outcome
