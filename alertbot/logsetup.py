"""Logging for ``alertbot serve``: a log line is handed to a thread of its own.

A ``logging.StreamHandler`` writes to stderr in the thread that logs: the database
thread in the middle of the unit that opens an incident (≈ 0.2 ms a line on the first
page's path, decision 0053), the event loop between a webhook and its reply. The
standard library's ``QueueHandler`` / ``QueueListener`` pair (the logging cookbook's
"Dealing with handlers that block") moves the formatting's second half and the write
to a listener thread; the logging thread only puts the record on a queue.

The logging HOWTO's "Optimization" switches are set too: no caller's file and line
(``logging._srcfile = None``: no stack walk per line), no thread or process names; the
format below uses none of them.

The cost: lines still in the queue when the process is killed (SIGKILL) are lost; a
normal stop (``stop``) writes them all first.
"""

from __future__ import annotations

import logging
import queue
from logging.handlers import QueueHandler, QueueListener

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class _Handoff(QueueHandler):
    """Puts the record itself on the queue, its message merged with its arguments (so
    a mutable argument changed later cannot change the line). Unlike the stdlib's
    ``prepare`` it neither formats nor copies the record: the listener's handler
    formats it, traceback included, and nothing else handles it in between."""

    def prepare(self, record: logging.LogRecord) -> logging.LogRecord:
        record.msg = record.getMessage()
        record.args = None
        return record


def start_logging(level: int = logging.INFO) -> QueueListener:
    """Route the root logger at ``level`` through a queue to stderr; returns the
    started listener, whose ``stop()`` writes what is still queued (call it at exit)."""
    logging._srcfile = None
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False
    lines: queue.SimpleQueue[logging.LogRecord] = queue.SimpleQueue()
    out = logging.StreamHandler()
    out.setFormatter(logging.Formatter(FORMAT))
    listener = QueueListener(lines, out)
    root = logging.getLogger()
    root.setLevel(level)
    root.addHandler(_Handoff(lines))
    listener.start()
    return listener
