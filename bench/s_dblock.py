"""Scenario 9: another process holds the SQLite write lock; does the service keep answering?

A backup, the ``sqlite3`` shell or a second instance started by mistake can hold
SQLite's write lock for seconds. While it does, alertbot's commands must wait for the
database, but the event loop must not: ``/healthz``, webhooks, Slack's 3-second acks
and timers share it (issue 10).

Method: the service runs on SQLite with a small district. A prober sends ``GET /healthz``
every 20 ms (its round-trip times are the loop's responsiveness as seen from outside).
After a quiet second, a separate Python process opens the same database file, takes
the write lock (``BEGIN IMMEDIATE``), holds it for ``HOLD`` seconds and commits. Half
way into the hold, ``TRIGGERS`` principals text ``ICE``. Measured: /healthz round
trips before and during the hold (p50 / p99 / max), each trigger's reply time, whether
every trigger was accepted (a 200 with an incident number, not the intake error),
and trigger → first page.

Second part, slow writes: the service runs with every SQLite commit taking
``SLOW_COMMIT`` seconds longer (``ALERTBOT_FAULT_SLOW_COMMIT``: slow fsyncs, network
storage) while ``TRIGGERS`` principals text at once; the same prober measures /healthz
(and the service's own loop-lag figures from /healthz after the burst).
"""

from __future__ import annotations

import asyncio
import sys
import time
from typing import Any

import aiohttp

from bench.common import Context, incident_in, running, send_sms
from bench.district import per_school_teams, principal_phone
from bench.harness import Service
from bench.stats import summary

HOLD = 1.5  # seconds the other process holds the write lock
SLOW_COMMIT = 0.2  # seconds added to every commit in the slow-write part
TRIGGERS = 5
PROBE_EVERY = 0.02

_HOLDER = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], timeout=30, isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
conn.execute("COMMIT")
print("released", flush=True)
"""


async def _probe(session: aiohttp.ClientSession, url: str, until: float,
                 out: list[tuple[float, float]]) -> None:
    """GET /healthz every PROBE_EVERY s until ``until``: (sent at, round trip s)."""
    while time.time() < until:
        sent = time.time()
        try:
            async with session.get(url + "/healthz") as response:
                await response.read()
        except aiohttp.ClientError:
            pass
        out.append((sent, time.time() - sent))
        await asyncio.sleep(max(0.0, PROBE_EVERY - (time.time() - sent)))


async def once(service: Service, fake: Any, db_path: str) -> dict[str, Any]:
    assert service.session is not None
    probes: list[tuple[float, float]] = []
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as prober:
        start = time.time()
        probe = asyncio.create_task(_probe(prober, service.url, start + 2.0 + HOLD + 1.5,
                                           probes))
        await asyncio.sleep(1.0)
        holder = await asyncio.create_subprocess_exec(
            sys.executable, "-c", _HOLDER, db_path, str(HOLD),
            stdout=asyncio.subprocess.PIPE)
        assert holder.stdout is not None
        await asyncio.wait_for(holder.stdout.readline(), 10)  # "locked"
        locked_at = time.time()
        await asyncio.sleep(HOLD / 2)
        base = len(await fake.records())

        async def trigger(i: int) -> tuple[float, int, str, float]:
            assert service.session is not None
            sent, status, text = await send_sms(service.session, service,
                                                principal_phone(i), "ICE")
            return sent, status, text, time.time() - sent

        replies = await asyncio.gather(*(trigger(i) for i in range(TRIGGERS)))
        await asyncio.wait_for(holder.wait(), HOLD + 10)
        released_at = time.time()
        await fake.wait(base + TRIGGERS, timeout=10)
        await probe
    pages = await fake.records(base)
    sent_at: dict[int, float] = {}
    for sent, status, text, _reply in replies:
        number = incident_in(text)
        if status == 200 and number is not None:
            sent_at[number] = sent
    first: dict[int, float] = {}
    for rec in pages:
        n = rec["n"]
        if n in sent_at and (n not in first or rec["t"] < first[n]):
            first[n] = rec["t"]
    before = [rtt for sent, rtt in probes if sent < locked_at]
    during = [rtt for sent, rtt in probes if locked_at <= sent < released_at]
    return {
        "hold_s": round(released_at - locked_at, 3),
        "healthz_before": summary(before, 1000.0),
        "healthz_during": summary(during, 1000.0),
        "healthz_during_max_ms": round(max(during) * 1000, 1) if during else None,
        "trigger_reply_s": sorted(round(reply, 3) for *_rest, reply in replies),
        "accepted": len(sent_at),
        "trigger_to_first_page_s": sorted(round(first[n] - sent_at[n], 3) for n in first),
    }


async def slow_writes(service: Service, fake: Any) -> dict[str, Any]:
    """TRIGGERS texts at once while every commit takes SLOW_COMMIT s longer."""
    probes: list[tuple[float, float]] = []
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as prober:
        start = time.time()
        probe = asyncio.create_task(_probe(prober, service.url, start + 1.0 + 6.0, probes))
        await asyncio.sleep(1.0)
        burst_at = time.time()
        base = len(await fake.records())

        async def trigger(i: int) -> tuple[int, float]:
            assert service.session is not None
            sent, status, _text = await send_sms(service.session, service,
                                                 principal_phone(i), "ICE")
            return status, time.time() - sent

        replies = await asyncio.gather(*(trigger(i) for i in range(TRIGGERS)))
        await fake.wait(base + TRIGGERS, timeout=30)
        done_at = time.time()
        await probe
        async with prober.get(service.url + "/healthz") as response:
            health = await response.json()
    during = [rtt for sent, rtt in probes if burst_at <= sent < done_at]
    return {
        "slow_commit_s": SLOW_COMMIT,
        "healthz_during": summary(during, 1000.0),
        "healthz_during_max_ms": round(max(during) * 1000, 1) if during else None,
        "accepted": sum(1 for status, _ in replies if status == 200),
        "trigger_reply_s": sorted(round(took, 3) for _, took in replies),
        "service_loop_lag": {k: v for k, v in health.items() if k.startswith("loop")},
    }


async def run(ctx: Context) -> None:
    district = per_school_teams(TRIGGERS, 2, 60.0, repeat=0)
    async with running(ctx, "dblock", district) as (service, fake, _workdir):
        db_path = service.database_url.removeprefix("sqlite:///")
        result = await once(service, fake, db_path)
    async with running(ctx, "dblock-slow", district,
                       env={"ALERTBOT_FAULT_SLOW_COMMIT": str(SLOW_COMMIT)}
                       ) as (service, fake, _workdir):
        result["slow_writes"] = await slow_writes(service, fake)
    ctx.results["dblock"] = result
    during = result["healthz_during"]
    ok = during.get("p99", 1e9) <= 50.0
    ctx.row("9 db lock", f"/healthz round trip while another process holds the SQLite "
            f"write lock {HOLD:.1f} s: p50 / p99 / max",
            f"{during.get('p50', 0):.1f} / {during.get('p99', 0):.1f} / "
            f"{result['healthz_during_max_ms']} ms", "p99 ≤ 50 ms", ok)
    ctx.row("9 db lock", f"{TRIGGERS} triggers sent mid-hold: accepted; reply times; "
            "trigger → first page",
            f"{result['accepted']} / {TRIGGERS}; "
            + ", ".join(f"{s:.2f}" for s in result["trigger_reply_s"]) + " s; "
            + ", ".join(f"{s:.2f}" for s in result["trigger_to_first_page_s"]) + " s",
            "all accepted", result["accepted"] == TRIGGERS)
    slow = result["slow_writes"]
    slow_during = slow["healthz_during"]
    ctx.row("9 db lock", f"/healthz round trip while every commit takes {SLOW_COMMIT:.1f} s "
            f"longer and {TRIGGERS} triggers arrive: p50 / p99 / max",
            f"{slow_during.get('p50', 0):.1f} / {slow_during.get('p99', 0):.1f} / "
            f"{slow['healthz_during_max_ms']} ms; all {slow['accepted']} accepted",
            "p99 ≤ 50 ms", slow_during.get("p99", 1e9) <= 50.0
            and slow["accepted"] == TRIGGERS)
