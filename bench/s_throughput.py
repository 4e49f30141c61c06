"""Scenario 6: signed inbound texts a second, a mix of triggers, ACKs and noise.

``WORKERS`` concurrent clients (one aiohttp connection pool) each play a school:
a principal triggers, a stranger texts, a responder ACKs the incident by number,
the responder texts something that is no command, the principal sends an update,
the responder resolves it — six requests per cycle (1 trigger, 1 ACK, 1 RESOLVE,
3 noise), repeated until the fixed request count is sent. Every trigger pages 3
responders by SMS, and ACK/RESOLVE send notices, so the engine works meanwhile.
Accepted = HTTP 200 with a TwiML reply that is not the intake-error text.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import aiohttp

from bench.common import Context, incident_in, running, send_sms
from bench.district import principal_phone, responder_phone, shared_team, stranger_phone
from bench.harness import Service, cpu_seconds
from bench.stats import counter, summary

WORKERS = 32
TEAM = 3
# Each cycle of worker w is reported by another principal of its own (school w + WORKERS*k):
# one principal opening twenty incidents in seconds is the page storm alertbot now stops
# (issue 9, kind 7: 3 new incidents per sender in 15 minutes), not traffic to measure.
PRINCIPALS_PER_WORKER = 24


async def load(service: Service, total: int, cycles: list[int]) -> dict[str, Any]:
    """``total`` texts from WORKERS workers; ``cycles[w]``: worker w's cycles so far."""
    connector = aiohttp.TCPConnector(limit=WORKERS)
    latencies: list[float] = []
    errors: list[str] = []
    sent = 0

    async with aiohttp.ClientSession(connector=connector) as session:
        async def text(from_: str, body: str) -> str | None:
            nonlocal sent
            if sent >= total:
                return None
            sent += 1
            try:
                started, status, reply = await send_sms(session, service, from_, body)
            except aiohttp.ClientError as exc:
                errors.append(f"{type(exc).__name__}")
                return ""
            latencies.append(time.time() - started)
            if status != 200 or "could not record" in reply:
                errors.append(f"HTTP {status}: {reply[:80]}")
            return reply

        async def worker(w: int) -> None:
            responder = responder_phone(w % TEAM)
            while sent < total:
                principal = principal_phone(w + WORKERS * (cycles[w] % PRINCIPALS_PER_WORKER))
                cycles[w] += 1
                reply = await text(principal, "ICE 2 agents at front desk")
                number = incident_in(reply or "")
                if reply is None:
                    return
                await text(stranger_phone(w), "hello?")
                if number is not None:
                    await text(responder, f"ACK {number}")
                await text(responder, "on my way")
                await text(principal, "they are still at the front desk")
                if number is not None:
                    await text(responder, f"RESOLVE {number}")

        started = time.monotonic()
        cpu_service, cpu_bench = cpu_seconds(service.pid), cpu_seconds()
        await asyncio.gather(*(worker(w) for w in range(WORKERS)))
        seconds = time.monotonic() - started
        cpu_service = cpu_seconds(service.pid) - cpu_service
        cpu_bench = cpu_seconds() - cpu_bench
    metrics = await service.metrics_text()
    return {"requests": len(latencies), "seconds": round(seconds, 3),
            "per_second": round(len(latencies) / seconds, 1), "errors": len(errors),
            "error_samples": errors[:5], "latency_ms": summary(latencies, 1000),
            "cpu_busy": {"service": round(cpu_service / seconds, 2),
                         "load_generator": round(cpu_bench / seconds, 2)},
            "server_errors_metric": counter(metrics, "alertbot_inbound_requests_total",
                                            result="error"),
            "incidents_opened": counter(metrics, "alertbot_incidents_opened_total")}


async def one(ctx: Context, total: int, database_url: str | None, label: str
              ) -> dict[str, Any]:
    district = shared_team(schools=WORKERS * PRINCIPALS_PER_WORKER, team=TEAM)
    cycles = [0] * WORKERS
    async with running(ctx, f"throughput-{label}", district, database_url=database_url) as (
            service, _fake, _):
        await load(service, WORKERS * 6, cycles)  # warm-up: one cycle per worker
        result = await load(service, total, cycles)
        result["rss_mb"] = round(service.rss()[0], 1)
    return result


async def run(ctx: Context) -> None:
    total = 1500 if ctx.quick else 4000
    out: dict[str, Any] = {"workers": WORKERS, "sqlite": await one(ctx, total, None, "sqlite")}
    pg = ctx.pg_url("throughput")
    if pg:
        out["postgresql"] = await one(ctx, total, pg, "pg")
    ctx.results["throughput"] = out
    for label, target in (("sqlite", "≥ 500/s"), ("postgresql", "report")):
        if label not in out:
            continue
        r = out[label]
        ok = r["errors"] == 0 and r["server_errors_metric"] == 0
        ctx.row("6 throughput", f"{label}: {r['requests']} texts, {WORKERS} concurrent, "
                f"errors {r['errors']}", f"{r['per_second']:.0f}/s "
                f"(p50 {r['latency_ms']['p50']:.0f} ms, p99 {r['latency_ms']['p99']:.0f} ms)",
                target, (r["per_second"] >= 500 and ok) if label == "sqlite" else None)
