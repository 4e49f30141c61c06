"""Follow one text from webhook to page and back, and count the files it passes through.

    python -m bench.trace_path            # the table and the counts
    python -m bench.trace_path --files    # also the whole path, one file per line

Issue 10 asks how often a reader following one inbound text re-enters a file. This
measures it instead of guessing: the real app (tests/scenario/harness.py: aiohttp,
SQLite, the engine, the real twilio client against the fake Twilio) handles
``ICE 2 agents at front desk`` from the principal until the first page reaches the
fake, then ``ACK`` from the Superintendent until the principal's "is on it" notice is
sent. A profiler hook records every Python function call whose code lives in
``alertbot/``; consecutive calls in one file collapse to one visit. Reported: the
visits, the distinct files, and the re-entries (visits to a file already visited
before in the path). The engine's tick is long, so only the nudges of the two texts
wake it and idle cycles add nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import threading
from collections import Counter
from pathlib import Path
from types import FrameType
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = str(ROOT / "alertbot") + "/"


class PathRecorder:
    """A ``sys.setprofile`` hook: the alertbot files of every call, in order."""

    def __init__(self) -> None:
        self.files: list[str] = []
        self.on = False

    def __call__(self, frame: FrameType, event: str, _arg: Any) -> None:
        if not self.on or event != "call":
            return
        filename = frame.f_code.co_filename
        if filename.startswith(PACKAGE):
            name = filename[len(str(ROOT)) + 1:]
            if not self.files or self.files[-1] != name:
                self.files.append(name)


# Leaves a reader does not follow (a clock read, a crash point, a metric, a mask):
# the "reader's path" leaves them out and merges the visits on either side.
LEAVES = frozenset({"alertbot/clock.py", "alertbot/faults.py", "alertbot/metrics.py",
                    "alertbot/core/redact.py", "alertbot/redact.py", "alertbot/appkeys.py",
                    "alertbot/engine/lag.py"})  # lag: a background timer, not the path


def reader_path(files: list[str]) -> list[str]:
    out: list[str] = []
    for name in files:
        if name not in LEAVES and (not out or out[-1] != name):
            out.append(name)
    return out


def folder_path(files: list[str]) -> list[str]:
    """The same path one level up: the folder (``alertbot/store``) of each file, with
    consecutive visits to one folder merged (a reader crossing a boundary)."""
    out: list[str] = []
    for name in files:
        folder = name.rsplit("/", 1)[0]
        if not out or out[-1] != folder:
            out.append(folder)
    return out


def counts(files: list[str]) -> dict[str, Any]:
    seen: set[str] = set()
    reentries = 0
    for name in files:
        if name in seen:
            reentries += 1
        seen.add(name)
    return {"visits": len(files), "distinct_files": len(seen), "re_entries": reentries,
            "most_visited": Counter(files).most_common(8)}


async def trace() -> list[str]:
    from tests.fakes.twilio_server import FakeTwilio
    from tests.scenario.harness import PRINCIPAL, SUPERINTENDENT, Harness

    recorder = PathRecorder()
    with tempfile.TemporaryDirectory() as tmp:
        async with FakeTwilio() as fake:
            # Units of work run on the database threads (decision 0018): every thread
            # started from here on is traced too, in one list, in the order calls happen.
            threading.setprofile(recorder)
            h = await Harness(fake, Path(tmp), extra={"tick": 3600.0}).start()
            try:
                sys.setprofile(recorder)
                recorder.on = True
                await h.text(PRINCIPAL, "ICE 2 agents at front desk")
                await fake.expect_sms(SUPERINTENDENT, contains="ACK")
                await h.text(SUPERINTENDENT, "ACK")
                await fake.expect_sms(PRINCIPAL, contains="on it")
                recorder.on = False
            finally:
                sys.setprofile(None)
                threading.setprofile(None)  # type: ignore[arg-type]
                await h.close()
    return recorder.files


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.trace_path", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", action="store_true", help="print the whole path")
    args = parser.parse_args()
    files = asyncio.run(trace())
    if args.files:
        print("\n".join(files))
    result = counts(files)
    print(f"every call: visits {result['visits']}, distinct files "
          f"{result['distinct_files']}, re-entries {result['re_entries']}")
    reader = counts(reader_path(files))
    print(f"reader's path (no clock/faults/metrics/redact/appkeys): visits "
          f"{reader['visits']}, distinct files {reader['distinct_files']}, "
          f"re-entries {reader['re_entries']}")
    folders = counts(folder_path(reader_path(files)))
    print(f"folders on the reader's path: visits {folders['visits']}, distinct "
          f"{folders['distinct_files']}, re-entries {folders['re_entries']}")
    for name, n in result["most_visited"]:
        print(f"  {n:4d}  {name}")


if __name__ == "__main__":
    main()
