"""Profile the trigger path of the real service with py-spy.

    python -m bench.profile [--triggers 300] [--postgres]

Starts ``py-spy record --threads --format raw -- python -m alertbot serve`` against
the fake Twilio, sends one trigger at a time (as scenario 1 does), stops the
service, then sums the samples: per thread, per area (alertbot, SQLAlchemy, sqlite,
aiohttp, twilio SDK, asyncio …), and the top functions by self and inclusive time.
Writes bench/results/profile-trigger.txt (the summary), profile-trigger.raw (the
collapsed stacks, for flamegraph tools) and profile-trigger.json.

py-spy is not a dependency of alertbot: ``pip install py-spy`` (or ``.[bench]``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import shutil
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from bench.common import Context, sequential_triggers
from bench.district import per_school_teams, shared_team
from bench.harness import FakeTwilioProcess, Service

RESULTS = Path(__file__).parent / "results"
_FRAME = re.compile(r"^(?P<func>.*?) \((?P<file>[^:()]*)(?::(?P<line>\d+))?\)$")

AREAS = (  # first match wins, on the frame's file path
    ("alertbot", "alertbot/"),
    ("sqlalchemy", "sqlalchemy/"),
    ("aiosqlite/sqlite3", "aiosqlite"),
    ("aiosqlite/sqlite3", "sqlite3"),
    ("asyncpg", "asyncpg"),
    ("twilio SDK", "twilio/"),
    ("aiohttp", "aiohttp/"),
    ("aiohttp", "yarl/"),
    ("aiohttp", "multidict/"),
    ("prometheus", "prometheus_client"),
    ("logging", "logging/"),
    ("asyncio", "asyncio/"),
    ("phonenumbers", "phonenumbers"),
    ("pydantic/yaml", "pydantic"),
)


def area(file: str) -> str:
    for name, needle in AREAS:
        if needle in file:
            return name
    return "other"


def short(frame: str) -> str:
    match = _FRAME.match(frame)
    if not match:
        return frame
    file = match.group("file")
    for marker in ("site-packages/", "/work/main/", "lib/python3.11/"):
        if marker in file:
            file = file.split(marker, 1)[1]
    return f"{match.group('func')} ({file})"


IDLE_LEAVES = ("EpollSelector.select", "_connection_worker_thread", "SimpleQueue.get",
               "_worker (concurrent/futures/thread.py:81)")  # a database thread waiting
# Stages of the trigger path: a sample counts for the first of these found in its stack
# (innermost first), so the shares add up.
STAGES = (
    ("logging (twilio SDK request log, access log)", "Logger._log"),
    ("read form + verify Twilio signature", "verified_form"),
    ("receiver transaction (webhook)", "Receiver.handle"),
    ("parse SMS / find contact", "inbound_sms"),
    ("TwiML reply", "twiml_message"),
    ("engine: escalate (decide + enqueue tx)", "Engine.escalate"),
    ("engine: dispatch (claim tx)", "Dispatcher.__call__"),
    ("engine: mark sent tx", "Tx.mark_sent"),
    ("send: voice page TwiML", "page_twiml"),
    ("send: twilio SDK + aiohttp client", "twilio/"),
    ("send: twilio SDK + aiohttp client", "channels/twilio"),
    ("engine: send task (other)", "Dispatcher._send"),
    ("engine: next due time (sleep)", "Engine._sleep"),
    ("engine: other", "Engine.run"),
    ("HTTP socket writes (in and out)", "http_writer"),
    ("aiohttp server (HTTP parse)", "RequestHandler"),
    ("/healthz, /metrics, /api", "alertbot/web/api.py"),
)


# Units of work on the database threads (decision 0018), by what runs in them (first
# match, innermost first).
UNITS = (
    ("db: receiver unit (open + its first pages' claim)", "Receiver.apply"),
    ("db: receiver unit, claim at its end (0048)", "Dispatcher.claimer"),
    ("db: engine escalation unit", "Engine._escalate"),
    ("db: claim unit", "claim ("),
    ("db: record sent unit", "record_sent"),
    ("db: next due time (read)", "next_due"),
    ("db: commit", "do_commit"),
)


def thread_of(label: str) -> str:
    """py-spy's ``thread (tid): name`` → a thread group."""
    if "alertbot-db-write" in label:
        return "database write thread"
    if "alertbot-db-read" in label:
        return "database read threads"
    if "MainThread" in label:
        return "event loop (main thread)"
    return "other threads"


def db_stage(frames: list[str]) -> str:
    for name, needle in UNITS:
        if any(needle in f for f in frames):
            return name
    return "db: other"


def stage(frames: list[str]) -> str:
    if not any("run_app" in f or "web/serving.py" in f for f in frames):  # serving.serve
        return "startup (imports, config, migrate)"
    for name, needle in STAGES:
        if any(needle in f for f in frames):
            return name
    return "other (event loop, callbacks)"


def summarise(raw: str, top: int = 25) -> dict[str, Any]:
    threads: Counter[str] = Counter()
    self_time: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    areas: Counter[str] = Counter()
    stages: Counter[str] = Counter()
    total = idle = 0
    for line in raw.splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = stack.split(";")
        thread = frames[0] if frames[0].startswith("thread") else "?"
        frames = [f for f in frames[1:]] if frames[0].startswith("thread") else frames
        if not frames:
            continue
        leaf = frames[-1]
        if any(leaf.startswith(idle_leaf) for idle_leaf in IDLE_LEAVES):
            idle += count
            continue
        total += count
        group = thread_of(thread)
        worker = group.startswith("database")
        threads[group] += count
        self_time[short(leaf)] += count
        match = _FRAME.match(leaf)
        areas[area(match.group("file") if match else leaf)] += count
        if worker:
            stages[db_stage(frames[::-1])] += count
        else:
            stages[stage(frames[::-1])] += count
        for func in {short(f) for f in frames}:
            inclusive[func] += count

    def pct(counter: Counter[str], n: int = top, of: int = 0) -> list[tuple[str, float]]:
        return [(k, round(100 * v / (of or total), 1)) for k, v in counter.most_common(n)]

    startup = stages.pop("startup (imports, config, migrate)", 0)

    return {"samples": total, "idle_samples_dropped": idle, "threads_pct": pct(threads),
            "startup_pct": round(100 * startup / total, 1),
            "stages_pct": pct(stages, 40, of=total - startup), "areas_pct": pct(areas),
            "self_pct": pct(self_time), "inclusive_pct": pct(inclusive)}


def render(summary: dict[str, Any]) -> str:
    out = [f"scenario: {summary['scenario']} ({summary['count']}); "
           f"samples: {summary['samples']} (active, not idle; startup excluded from the "
           f"stage shares: see its own line)",
           f"result under the profiler: {summary['result_under_profiler']}",
           f"startup (imports, config, migrate): {summary['startup_pct']}% of the samples"]
    for key, title in (("threads_pct", "by thread"),
                       ("stages_pct", "by stage (after startup)"),
                       ("areas_pct", "self time by library"),
                       ("self_pct", "top functions, self time"),
                       ("inclusive_pct", "top functions, inclusive time")):
        out.append(f"\n{title}:")
        out += [f"  {p:5.1f}%  {name}" for name, p in summary[key]]
    return "\n".join(out)


async def drive(kind: str, service: Service, fake: FakeTwilioProcess,
                count: int) -> dict[str, Any]:
    if kind == "throughput":
        from bench import s_throughput

        return await s_throughput.load(service, count)
    if kind == "burst":
        from bench import s_burst

        return await s_burst.burst(service, fake, s_burst.SCHOOLS)
    result = await sequential_triggers(service, fake, range(count), 6)
    ordered = sorted(result["latencies"])
    return {"latency_p50_ms_under_profiler": round(ordered[len(ordered) // 2] * 1000, 2)}


def find_py_spy() -> str:
    py_spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    if not Path(py_spy).exists():
        raise SystemExit("py-spy is not installed: pip install py-spy")
    return py_spy


async def profile(kind: str, count: int, postgres: bool, rate: int,
                  py_spy: str) -> dict[str, Any]:
    ctx = Context(postgres=postgres)
    raw_path = RESULTS / f"profile-{kind}.raw"
    try:
        workdir = ctx.workdir("profile")
        if kind == "burst":
            from bench import s_burst

            district = per_school_teams(s_burst.SCHOOLS, s_burst.TEAM, s_burst.WAIT, 0)
        elif kind == "throughput":
            from bench import s_throughput

            district = shared_team(schools=s_throughput.WORKERS, team=s_throughput.TEAM)
        else:
            district = shared_team(schools=count + 10, team=3, channels=("sms", "voice"))
        district.write(workdir)
        url = ctx.pg_url("profile") if postgres else None
        async with FakeTwilioProcess(0.05 if kind == "burst" else 0.0) as fake:
            service = Service(workdir, fake, url, command=(
                py_spy, "record", "--threads", "--nonblocking", "--format", "raw",
                "--rate", str(rate), "-o", str(raw_path), "--"))
            try:
                await service.start()
                result = await drive(kind, service, fake, count)
            finally:
                await service.close()
    finally:
        ctx.close()
    summary = summarise(raw_path.read_text())
    summary["scenario"] = kind
    summary["count"] = count
    summary["result_under_profiler"] = {k: v for k, v in result.items()
                                        if not isinstance(v, list)}
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", choices=("trigger", "throughput", "burst"),
                        default="trigger")
    parser.add_argument("--count", type=int, default=300,
                        help="triggers (trigger) or requests (throughput)")
    parser.add_argument("--rate", type=int, default=1000, help="samples a second")
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    RESULTS.mkdir(exist_ok=True)
    summary = asyncio.run(profile(args.scenario, args.count, args.postgres, args.rate,
                                    find_py_spy()))
    text = render(summary)
    print(text)
    name = f"profile-{args.scenario}" + ("-pg" if args.postgres else "")
    (RESULTS / f"{name}.txt").write_text(text + "\n")
    (RESULTS / f"{name}.json").write_text(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
