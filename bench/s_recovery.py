"""Scenario 8: kill -9 mid-escalation → restart → the first due page goes out.

Ten schools trigger; each policy pages its team (step 1), then its deputy after
``WAIT`` seconds. Once every step-1 page has arrived the service is killed with
SIGKILL; it stays down until every step-2 page is ``OVERDUE`` seconds overdue, then
starts again on the same database and port (so it takes back its own leases at once).
Measured: process up (/healthz answers 200) → the first step-2 page arriving at the
fake; also from the moment the process was spawned, and until all ten arrived.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from bench.common import Context, incident_in, running, send_sms
from bench.district import per_school_teams, principal_phone, responder_phone
from bench.harness import FakeTwilioProcess, Service
from bench.stats import summary

SCHOOLS = 10
TEAM = 2
WAIT = 2.0
OVERDUE = 1.0


async def once(service: Service, fake: FakeTwilioProcess) -> dict[str, Any]:
    assert service.session is not None
    opened = time.time()
    for i in range(SCHOOLS):
        _, status, text = await send_sms(service.session, service, principal_phone(i), "ICE")
        if status != 200 or incident_in(text) is None:
            raise RuntimeError(f"trigger failed: {status} {text[:80]}")
    await fake.wait(SCHOOLS * TEAM, timeout=10)
    service.kill9()
    await service.wait_exit(10)
    killed = time.time()
    await asyncio.sleep(max(0.0, opened + WAIT + OVERDUE - time.time()))
    seen = len(await fake.records())
    up = await service.start()
    # the ten deputies, and each principal's "still paging" text (issue 9)
    await fake.wait(seen + 2 * SCHOOLS, timeout=30)
    deputies = {responder_phone(SCHOOLS * TEAM + s) for s in range(SCHOOLS)}
    after = [r for r in await fake.records(seen) if r["to"] in deputies]
    times = sorted(r["t"] for r in after)
    before_kill = [r for r in await fake.records() if r["to"] in deputies and r["t"] < killed]
    return {"down_s": round(up - killed, 2),
            "up_to_first_page_s": round(times[0] - up, 3) if times else None,
            "spawn_to_first_page_s": round(times[0] - service.spawned_at, 3) if times else None,
            "spawn_to_healthy_s": round(up - service.spawned_at, 3),
            "up_to_all_pages_s": round(times[-1] - up, 3) if times else None,
            "step2_pages": len(after), "step2_before_kill": len(before_kill)}


async def run(ctx: Context) -> None:
    runs: list[dict[str, Any]] = []
    for index in range(max(1, ctx.runs)):
        district = per_school_teams(SCHOOLS, TEAM, WAIT, repeat=0)
        async with running(ctx, f"recovery{index}", district) as (service, fake, _):
            runs.append(await once(service, fake))
    firsts = [r["up_to_first_page_s"] for r in runs if r["up_to_first_page_s"] is not None]
    median = sorted(firsts)[len(firsts) // 2] if firsts else None
    ctx.results["recovery"] = {"runs": runs, "median_up_to_first_page_s": median,
                               "spawn_to_first_page": summary(
                                   [r["spawn_to_first_page_s"] for r in runs
                                    if r["spawn_to_first_page_s"] is not None])}
    spawn_first = sorted(r["spawn_to_first_page_s"] for r in runs
                         if r["spawn_to_first_page_s"] is not None)
    worst = spawn_first[-1] if spawn_first else None
    ctx.row("8 recovery", f"kill -9, restart: process spawned → first overdue page "
            f"(worst of {len(runs)})", f"{worst:.2f} s" if worst is not None else "none",
            "≤ 2 s after up", worst is not None and worst <= 2
            and all(r["step2_pages"] == SCHOOLS for r in runs))
    ctx.row("8 recovery", "spawn → /healthz 200; /healthz 200 → first page (− = before)",
            ", ".join(f"{r['spawn_to_healthy_s']:.2f} s; {r['up_to_first_page_s']:+.3f} s"
                      for r in runs))
