"""Scenario 7 (memory) and how the cost grows with the number of open incidents.

7: 9,000 resolved incidents with timelines are seeded through alertbot's Store API
(bench/seed.py; the webhook path would take minutes), the service starts, then 1,000
incidents are opened through the webhook path (8 concurrent clients, each incident
paging 3 responders by SMS) and stay open; the dashboard API lists the newest 500
a few times. RSS (VmRSS) and its peak (VmHWM) of the service process, from
/proc/PID/status.

Growth: for 10, 1,000 and 10,000 open incidents (seeded: triggered, step 1 paged,
step 2 an hour away), a fresh service takes 5 warm-up and 30 measured sequential
triggers (as scenario 1, incidents left open);
trigger → first provider request and RSS.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import aiohttp

from bench.common import Context, send_sms, sequential_triggers
from bench.district import principal_phone, shared_team
from bench.harness import FakeTwilioProcess, Service
from bench.seed import seed
from bench.stats import summary

LIMIT_MB = 150
TEAM = 3
GROWTH_TRIGGERS = 30
WARMUP = 5  # triggers not counted: the first ones after a start pay for connections
SEED_SCHOOLS = 100


async def open_many(service: Service, schools: range, workers: int = 8) -> int:
    """Trigger once from each school's principal, ``workers`` at a time; the errors."""
    queue = list(schools)
    errors = 0
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=workers)) as s:
        async def worker() -> None:
            nonlocal errors
            while queue:
                i = queue.pop()
                _, status, text = await send_sms(s, service, principal_phone(i), "ICE")
                errors += status != 200 or "#" not in text
        await asyncio.gather(*(worker() for _ in range(workers)))
    return errors


async def memory(ctx: Context) -> dict[str, Any]:
    resolved, open_ = (4_500, 500) if ctx.quick else (9_000, 1_000)
    workdir = ctx.workdir("memory")
    shared_team(schools=open_, team=TEAM).write(workdir)
    url = f"sqlite:///{workdir / 'alertbot.db'}"
    seconds = await seed(workdir, url, resolved=resolved, open_=0, schools=range(open_))
    async with FakeTwilioProcess() as fake, Service(workdir, fake, url) as service:
        start_rss = service.rss()[0]
        errors = await open_many(service, range(open_))
        await fake.wait(open_ * TEAM, timeout=60)
        assert service.session is not None
        for _ in range(3):
            await service.incidents(limit=500)
        await service.metrics_text()
        await asyncio.sleep(0.5)
        rss, hwm = service.rss()
        listed = await service.incidents(limit=500)
    return {"resolved_seeded": resolved, "seed_seconds": round(seconds, 1),
            "opened_by_webhook": open_, "open_errors": errors,
            "triggered_in_newest_500": sum(1 for i in listed if i.get("state") == "triggered"),
            "rss_after_start_mb": round(start_rss, 1),
            "rss_mb": round(rss, 1), "peak_rss_mb": round(hwm, 1)}


async def growth_level(ctx: Context, level: int) -> dict[str, Any]:
    workdir = ctx.workdir(f"growth{level}")
    shared_team(schools=GROWTH_TRIGGERS + SEED_SCHOOLS + WARMUP, team=TEAM).write(workdir)
    url = f"sqlite:///{workdir / 'alertbot.db'}"
    seconds = await seed(workdir, url, resolved=0, open_=level,
                         schools=range(GROWTH_TRIGGERS, GROWTH_TRIGGERS + SEED_SCHOOLS))
    async with FakeTwilioProcess() as fake, Service(workdir, fake, url) as service:
        warm = GROWTH_TRIGGERS + SEED_SCHOOLS
        await sequential_triggers(service, fake, range(warm, warm + WARMUP), TEAM)
        result = await sequential_triggers(service, fake, range(GROWTH_TRIGGERS), TEAM)
        rss, hwm = service.rss()
    return {"open": level, "seed_seconds": round(seconds, 1),
            "latency_ms": summary(result["latencies"], 1000),
            "reply_ms": summary(result["reply"], 1000),
            "rss_mb": round(rss, 1), "peak_rss_mb": round(hwm, 1)}


def plot(levels: list[dict[str, Any]], path: Path) -> bool:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    xs = [lv["open"] for lv in levels]
    fig, ax1 = plt.subplots(figsize=(6, 3.5))
    ax1.plot(xs, [lv["latency_ms"]["p50"] for lv in levels], "o-", label="trigger p50 (ms)")
    ax1.plot(xs, [lv["latency_ms"]["p99"] for lv in levels], "^:", label="trigger p99 (ms)")
    ax1.set_xscale("log")
    ax1.set_xlabel("open incidents")
    ax1.set_ylabel("trigger → first page (ms)")
    ax1.set_ylim(bottom=0)
    ax2 = ax1.twinx()
    ax2.plot(xs, [lv["rss_mb"] for lv in levels], "s--", color="tab:red", label="RSS (MB)")
    ax2.set_ylabel("RSS (MB)")
    ax2.set_ylim(0, 160)
    handles = ax1.get_legend_handles_labels()[0] + ax2.get_legend_handles_labels()[0]
    ax1.legend(handles=handles, loc="lower right", fontsize="small")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return True


async def run(ctx: Context) -> None:
    mem = await memory(ctx)
    sizes = (10, 1_000) if ctx.quick else (10, 1_000, 10_000)
    levels = [await growth_level(ctx, n) for n in sizes]
    results_dir = Path(__file__).parent / "results"
    results_dir.mkdir(exist_ok=True)
    plotted = plot(levels, results_dir / ("growth-quick.png" if ctx.quick else "growth.png"))
    ctx.results["memory"] = {"memory": mem, "growth": levels, "plot": plotted}
    stored = mem["resolved_seeded"] + mem["opened_by_webhook"]
    ctx.row("7 memory", f"RSS: {stored:,} stored ({mem['resolved_seeded']:,} seeded via Store "
            f"API), {mem['opened_by_webhook']:,} open (via webhooks)",
            f"{mem['rss_mb']:.0f} MB (peak {mem['peak_rss_mb']:.0f}, "
            f"at start {mem['rss_after_start_mb']:.0f})", f"≤ {LIMIT_MB} MB",
            mem["rss_mb"] <= LIMIT_MB and mem["open_errors"] == 0 if not ctx.quick else None)
    for lv in levels:
        ctx.row("growth", f"{lv['open']:,} open: trigger → first page p50 / p99; RSS",
                f"{lv['latency_ms']['p50']:.1f} / {lv['latency_ms']['p99']:.1f} ms; "
                f"{lv['rss_mb']:.0f} MB (peak {lv['peak_rss_mb']:.0f})")
