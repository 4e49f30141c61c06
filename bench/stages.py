"""Where one trigger's time goes: stage timestamps, webhook sent → first page at the fake.

    python -m bench.stages [--count 100] [--postgres]

Runs the real service (as scenario 1 does: one trigger at a time, each resolved before
the next) under ``bench/stage_shim.py``, which stamps ``time.time()`` when each stage
of the path starts (``>``) and ends (``<``). For every trigger the offsets from the
moment the load generator sent the webhook are taken (the first occurrence of each
stamp before that trigger's first page reached the fake); printed are their medians,
in milliseconds, in time order, with the thread that stamped them. The wrappers cost
a few µs each, so the end-to-end figure is a little above scenario 1's.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from collections import defaultdict
from typing import Any

from bench.common import Context, incident_in, send_sms
from bench.district import ADMIN_PHONE, principal_phone, shared_team
from bench.harness import FakeTwilioProcess, Service

TEAM = 3
WARMUP = 10


async def drive(service: Service, fake: FakeTwilioProcess, count: int
                ) -> list[tuple[float, float]]:
    """(webhook sent, first page arrived) per measured trigger, both ``time.time()``."""
    assert service.session is not None
    out: list[tuple[float, float]] = []
    for i in range(count + WARMUP):
        base = len(await fake.records())
        sent, status, text = await send_sms(service.session, service, principal_phone(i),
                                            "ICE 2 agents at front desk")
        number = incident_in(text)
        if status != 200 or number is None:
            raise RuntimeError(f"trigger {i} failed: {status} {text[:200]}")
        await fake.wait(base + TEAM, timeout=3)
        first = min(r["t"] for r in await fake.records(base) if r["n"] == number)
        if i >= WARMUP:
            out.append((sent, first))
        await asyncio.sleep(0.02)
        await send_sms(service.session, service, ADMIN_PHONE, f"RESOLVE {number}")
        await fake.wait(base + TEAM + TEAM + 1, timeout=3)
        await asyncio.sleep(0.02)
    return out


def offsets(events: list[list[Any]], triggers: list[tuple[float, float]]
            ) -> dict[tuple[str, str], list[float]]:
    """Per (stamp, thread): its offset (ms) from each trigger's send, first occurrence
    between the send and that trigger's first page."""
    found: dict[tuple[str, str], list[float]] = defaultdict(list)
    events = sorted(events, key=lambda e: e[1])
    start = 0
    for sent, first in triggers:
        while start < len(events) and events[start][1] < sent:
            start += 1
        seen: set[str] = set()
        for name, at, thread in events[start:]:
            if at > first:
                break
            if name in seen:
                continue
            seen.add(name)
            found[(name, "db" if "db-" in thread else "loop")].append((at - sent) * 1000)
    found[("first page at the fake", "fake")] = [(f - s) * 1000 for s, f in triggers]
    return found


async def run(count: int, postgres: bool, dump: bool = False) -> str:
    ctx = Context(postgres=postgres)
    events_path = ctx.workdir("stages") / "events.json"
    try:
        workdir = ctx.workdir("stages-service")
        shared_team(schools=count + WARMUP, team=TEAM, channels=("sms",)).write(workdir)
        url = ctx.pg_url("stages") if postgres else None
        async with FakeTwilioProcess(0.0) as fake:
            service = Service(workdir, fake, url, command=(
                sys.executable, "-m", "bench.stage_shim", str(events_path), "--"))
            try:
                await service.start()
                triggers = await drive(service, fake, count)
            finally:
                await service.close()
        events = json.loads(events_path.read_text())
    finally:
        ctx.close()
    if dump:
        sent, first = triggers[len(triggers) // 2]
        for name, at, thread in sorted(events, key=lambda e: e[1]):
            if sent <= at <= first + 0.002:
                print(f"  {(at - sent) * 1000:7.2f}  {thread[:18]:18s}  {name}")
        print(f"  {(first - sent) * 1000:7.2f}  fake  first page")
    found = offsets(events, triggers)
    rows = sorted(((statistics.median(v), k, len(v)) for k, v in found.items()),
                  key=lambda r: r[0])
    lines = [f"{count} triggers, {time.strftime('%Y-%m-%d %H:%M:%S')}; median offset from "
             "the webhook sent (ms), first occurrence before the first page:"]
    lines += [f"  {med:7.2f}  {thread:4s}  {name}" + ("" if n == count else f"  (in {n})")
              for med, (name, thread), n in rows]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.stages", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--dump", action="store_true", help="one trigger's stamps")
    args = parser.parse_args()
    print(asyncio.run(run(args.count, args.postgres, args.dump)))


if __name__ == "__main__":
    main()
