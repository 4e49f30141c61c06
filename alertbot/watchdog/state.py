"""What the watchdog remembers between runs, and what it does next. ``decide`` is pure.

The state file is JSON: ``{"down_since": float | null, "alerted_at": float | null}``
(epoch seconds). It is written whole to a temporary file and renamed over the old one,
so a run killed mid-write leaves the previous state, never half of one.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from enum import StrEnum
from pathlib import Path


class Action(StrEnum):
    NONE = "none"
    DOWN = "down"  # first text: nothing is healthy
    REMINDER = "reminder"  # still down, ``remind`` seconds after the last text
    RECOVERED = "recovered"  # healthy again after the admins were told it was down


@dataclass(frozen=True)
class WatchState:
    down_since: float | None = None  # first run that found nothing healthy
    alerted_at: float | None = None  # when the admins were last texted it was down


def decide(state: WatchState, healthy: bool, now: float,
           remind: float) -> tuple[Action, WatchState]:
    """What to text (if anything) and the state after, assuming the texts go out.

    ``remind``: seconds between texts while it stays down (0: never remind).
    """
    if healthy:
        if state.alerted_at is not None:
            return Action.RECOVERED, WatchState()
        return Action.NONE, WatchState()
    since = state.down_since if state.down_since is not None else now
    if state.alerted_at is None:
        return Action.DOWN, WatchState(since, now)
    if remind > 0 and now - state.alerted_at >= remind:
        return Action.REMINDER, WatchState(since, now)
    return Action.NONE, WatchState(since, state.alerted_at)


def load_state(path: Path) -> WatchState:
    """The state in ``path``; a missing or unreadable file is a fresh state."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return WatchState(_number(raw.get("down_since")), _number(raw.get("alerted_at")))
    except (OSError, ValueError, AttributeError):
        return WatchState()


def save_state(path: Path, state: WatchState) -> None:
    """Write ``state`` to ``path`` atomically (a temporary file renamed over it)."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(asdict(state)), encoding="utf-8")
    os.replace(tmp, path)


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None
