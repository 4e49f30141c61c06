"""What every group of transaction queries shares: a connection and two flags."""

from __future__ import annotations

from typing import Any, Protocol

from sqlalchemy.engine import CursorResult
from sqlalchemy.sql.expression import Executable


class Executor(Protocol):
    """What a ``Tx`` needs of a connection: an awaitable ``execute``."""

    async def execute(self, statement: Executable, parameters: Any = None) -> CursorResult[Any]: ...


class TxBase:
    conn: Executor
    postgres: bool
    # Set when this transaction created work for the engine (an incident changed,
    # a message queued): only then is the engine woken and other instances told.
    made_work: bool
