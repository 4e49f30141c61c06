"""The order of provider statuses (issue 9, kind 3): pure."""

from __future__ import annotations

import itertools

from alertbot.core.delivery import FINAL, RANK, blocking, moves_forward


def test_forward_only_and_finals_are_final() -> None:
    assert moves_forward(None, "sent")
    assert moves_forward("sent", "delivered") and not moves_forward("delivered", "sent")
    assert moves_forward("delivered", "undelivered")  # Twilio's word wins over ours
    assert not moves_forward("undelivered", "undelivered")
    assert not moves_forward("failed", "delivered")
    assert moves_forward("voicemail", "completed") and not moves_forward("completed", "busy")
    assert not moves_forward("queued", "some-new-status")


def test_blocking_is_moves_forward_as_a_set() -> None:
    known = sorted(set(RANK) | FINAL)
    for previous, status in itertools.product(known, known):
        assert (previous not in blocking(status)) == moves_forward(previous, status)
