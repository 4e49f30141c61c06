"""Benchmarks: how fast and how far alertbot pages (issue 6).

    python -m bench                 # everything, < 10 minutes on 2 cores
    python -m bench --quick         # a smaller subset, ~1-2 minutes
    python -m bench --only burst    # one scenario (repeatable: --only a --only b)

Each scenario starts the real service (``python -m alertbot serve``) against a fake
Twilio in its own process, drives it with signed webhooks on 127.0.0.1, stops by
itself, and adds rows to the table. Results: bench/results/<scenario>.json and
bench/results/latest.json (everything, with the table); ``-quick`` in the names for
--quick runs, and under bench/results/candidate/ when BENCH_ALERTBOT_PATH points the
service at another checkout (to measure a candidate fix with the same harness).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import sys
import time
import traceback
from collections.abc import Awaitable, Callable
from pathlib import Path

from bench import (
    s_burst,
    s_dblock,
    s_fanout,
    s_latency,
    s_memory,
    s_recovery,
    s_throughput,
)
from bench.common import Context
from bench.stats import md_table, table

RESULTS = Path(__file__).parent / "results"
if os.environ.get("BENCH_ALERTBOT_PATH"):  # a candidate checkout: keep its results apart
    RESULTS = RESULTS / "candidate"

SCENARIOS: dict[str, Callable[[Context], Awaitable[None]]] = {
    "latency": s_latency.run,  # 1 and 2
    "fanout": s_fanout.run,  # 3
    "burst": s_burst.run,  # 4 and 5
    "throughput": s_throughput.run,  # 6
    "memory": s_memory.run,  # 7 and the growth table
    "recovery": s_recovery.run,  # 8
    "dblock": s_dblock.run,  # 9: another process holds the SQLite write lock
}


async def main_async(ctx: Context, names: list[str]) -> dict[str, float]:
    seconds: dict[str, float] = {}
    for name in names:
        started = time.monotonic()
        print(f"== {name}", file=sys.stderr, flush=True)
        before = len(ctx.rows)
        try:
            await SCENARIOS[name](ctx)
        except Exception as exc:  # noqa: BLE001 - one failed scenario must not hide the rest
            traceback.print_exc()
            message = " ".join(f"{type(exc).__name__}: {exc}".split())[:160]
            ctx.row(name, "FAILED", message, "", False)
            ctx.results.setdefault(name, {})["error"] = traceback.format_exc()
        seconds[name] = round(time.monotonic() - started, 1)
        print(table(ctx.rows[before:]), file=sys.stderr, flush=True)
        RESULTS.mkdir(parents=True, exist_ok=True)
        suffix = "-quick" if ctx.quick else ""  # a quick run never replaces a full one
        (RESULTS / f"{name}{suffix}.json").write_text(json.dumps(
            {"scenario": name, "quick": ctx.quick, "seconds": seconds[name],
             "rows": [r.as_dict() for r in ctx.rows[before:]],
             "results": ctx.results.get(name)}, indent=2, default=str))
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="smaller counts, one run each")
    parser.add_argument("--only", action="append", choices=sorted(SCENARIOS),
                        help="run only this scenario (repeatable)")
    parser.add_argument("--runs", type=int, default=None,
                        help="runs of the latency, fan-out and burst scenarios; the median "
                             "run is reported (default 3, --quick 1)")
    parser.add_argument("--no-postgres", action="store_true",
                        help="skip the PostgreSQL runs")
    args = parser.parse_args()
    runs = args.runs or (1 if args.quick else 3)
    ctx = Context(quick=args.quick, runs=runs, postgres=not args.no_postgres)
    names = args.only or list(SCENARIOS)
    started = time.monotonic()
    try:
        seconds = asyncio.run(main_async(ctx, names))
    finally:
        ctx.close()
    total = round(time.monotonic() - started, 1)
    print(table(ctx.rows))
    print(f"\n{len(names)} scenario(s) in {total} s; JSON in {RESULTS}/")
    combined = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "quick": ctx.quick, "runs": runs,
        "alertbot": _revision(),
        "machine": {"python": platform.python_version(), "platform": platform.platform(),
                    "cpus": _cpus()},
        "seconds": {"total": total, **seconds},
        "rows": [r.as_dict() for r in ctx.rows], "table_md": md_table(ctx.rows),
        "results": ctx.results,
    }
    name = "latest" if not args.only else f"latest-{'-'.join(names)}"
    name += "-quick.json" if ctx.quick else ".json"
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / name).write_text(json.dumps(combined, indent=2, default=str))


def _revision() -> str:
    """The commit the service ran from (+ "dirty" when its tree has changes)."""
    import subprocess

    tree = os.environ.get("BENCH_ALERTBOT_PATH") or str(Path(__file__).resolve().parents[1])
    try:
        head = subprocess.run(["git", "-C", tree, "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "-C", tree, "status", "--porcelain", "alertbot"],
                               capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return (head or "unknown") + (" (dirty)" if dirty else "")


def _cpus() -> int:
    return len(os.sched_getaffinity(0))


if __name__ == "__main__":
    main()
