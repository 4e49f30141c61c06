"""``alertbot serve``'s logging (alertbot/logsetup.py): lines are written by the
listener's thread, whole (arguments merged, tracebacks kept), and none is lost at stop."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator

import pytest

from alertbot.logsetup import start_logging


@pytest.fixture
def restored() -> Iterator[None]:
    """Put the root logger and the module's switches back as they were."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    switches = (logging._srcfile, logging.logThreads, logging.logProcesses,
                logging.logMultiprocessing)
    try:
        yield
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
        (logging._srcfile, logging.logThreads, logging.logProcesses,
         logging.logMultiprocessing) = switches


def test_lines_are_written_by_the_listener_whole_and_all_at_stop(
        restored: None, capfd: pytest.CaptureFixture[str]) -> None:
    writers: list[str] = []
    listener = start_logging()
    [out] = listener.handlers
    real_emit = out.emit

    def emit(record: logging.LogRecord) -> None:
        writers.append(threading.current_thread().name)
        real_emit(record)

    out.emit = emit  # type: ignore[method-assign]
    log = logging.getLogger("alertbot.test")
    shown = ["ice"]
    log.info("incident %d opened (%s) via %s", 7, shown, "sms")
    shown.append("changed after the call")  # the line says what it was at the call
    try:
        raise ZeroDivisionError("the cause")
    except ZeroDivisionError:
        log.exception("could not handle #%d", 7)
    for i in range(500):
        log.info("line %d", i)
    listener.stop()
    err = capfd.readouterr().err
    assert "INFO alertbot.test: incident 7 opened (['ice']) via sms" in err
    assert "ERROR alertbot.test: could not handle #7" in err
    assert "ZeroDivisionError: the cause" in err  # the traceback, formatted by the listener
    assert "line 499" in err  # nothing queued is lost at stop
    assert writers and threading.main_thread().name not in writers


def test_no_stack_walk_per_line(restored: None) -> None:
    listener = start_logging()
    try:
        assert logging._srcfile is None  # the logging HOWTO's "Optimization"
        assert not logging.logThreads and not logging.logProcesses
    finally:
        listener.stop()
