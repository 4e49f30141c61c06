"""Scenarios 1 and 2: one trigger at a time → first provider request; vs an echo RTT.

"Webhook received" is the moment the load generator sends the request
(``time.time()`` just before ``session.post``), so the latency includes the inbound
HTTP hop; the fake Twilio stamps ``time.time()`` when the page request arrives.
alertbot's own ``alertbot_trigger_to_first_page_seconds`` (incident created →
provider *answered* the first page) is scraped from /metrics before and after.
"""

from __future__ import annotations

import time
from typing import Any

import aiohttp

from bench.common import Context, running, sequential_triggers
from bench.district import shared_team
from bench.harness import Helper
from bench.stats import histogram, summary

TEAM = 3  # responders paged in step 1
CHANNELS = ("sms",)  # voice: see the fan-out scenario
WARMUP = 10


async def echo_rtt(count: int) -> list[float]:
    """Round trips of the same signed-size form to a bare aiohttp echo server."""
    form = {"MessageSid": "SM" + "0" * 32, "AccountSid": "AC" + "0" * 32,
            "From": "+18602000000", "To": "+18605550000",
            "Body": "ICE 2 agents at front desk", "NumMedia": "0"}
    headers = {"X-Twilio-Signature": "x" * 28}
    out: list[float] = []
    async with Helper("bench.echo") as echo, aiohttp.ClientSession() as session:
        for i in range(count + WARMUP):
            start = time.time()
            async with session.post(echo.url + "/echo", data=form, headers=headers) as r:
                await r.read()
            if i >= WARMUP:
                out.append(time.time() - start)
    return out


async def one_run(ctx: Context, count: int, database_url: str | None,
                  label: str) -> dict[str, Any]:
    district = shared_team(schools=count + WARMUP, team=TEAM, channels=CHANNELS)
    async with running(ctx, f"latency-{label}", district, database_url=database_url) as (
            service, fake, _):
        pages = TEAM * len(CHANNELS)
        await sequential_triggers(service, fake, range(count, count + WARMUP), pages,
                                  resolve_notices=TEAM + 1)
        before = await service.metrics_text()
        result = await sequential_triggers(service, fake, range(count), pages,
                                           resolve_notices=TEAM + 1)
        after = await service.metrics_text()
        # The same triggers again, now leaving each incident open: the open count grows
        # 0 → count, and so does what each trigger reads (see the growth table).
        piling = await sequential_triggers(service, fake, range(count), pages)
        rss, _hwm = service.rss()
    kinds_ok = result["records"] == count * (pages + TEAM + 1)
    return {
        "open_piling_up_ms": summary(piling["latencies"], 1000),
        "open_piling_up_last_decile_ms": summary(
            piling["latencies"][-max(1, count // 10):], 1000),
        "client_trigger_to_first_request_ms": summary(result["latencies"], 1000),
        "webhook_reply_ms": summary(result["reply"], 1000),
        "server_trigger_to_first_page": histogram(
            after, "alertbot_trigger_to_first_page_seconds", before),
        "errors": result["errors"], "missing_pages": result["missing"],
        "all_pages_arrived": kinds_ok, "rss_mb": round(rss, 1),
    }


async def run(ctx: Context) -> None:
    count = 100 if ctx.quick else 200
    runs: list[dict[str, Any]] = []
    echo: list[list[float]] = []
    for _ in range(ctx.runs):
        echo.append(await echo_rtt(count))
        runs.append(await one_run(ctx, count, None, "sqlite"))
    order = sorted(range(len(runs)),
                   key=lambda k: runs[k]["client_trigger_to_first_request_ms"]["p50"])
    median = order[len(order) // 2]
    best = runs[median]
    echo_s = summary(echo[median], 1000)
    lat = best["client_trigger_to_first_request_ms"]
    server = best["server_trigger_to_first_page"]
    ratio = lat["p50"] / echo_s["p50"]
    out: dict[str, Any] = {"triggers": count, "warmup": WARMUP, "pages_per_trigger":
                           TEAM * len(CHANNELS), "runs": runs, "median_run": median,
                           "echo_rtt_ms": echo_s, "ratio_p50": round(ratio, 2),
                           "ratio_p99": round(lat["p99"] / echo_s["p99"], 2),
                           "all_runs_p50_ms": [r["client_trigger_to_first_request_ms"]["p50"]
                                               for r in runs]}
    pg = ctx.pg_url("latency")
    if pg:
        out["postgresql"] = await one_run(ctx, count, pg, "pg")
    ctx.results["latency"] = out
    name = "1 one trigger"
    ctx.row(name, f"send→first provider request p50 ({count} triggers, SQLite)",
            f"{lat['p50']:.1f} ms", "≤ 10 ms", lat["p50"] <= 10)
    ctx.row(name, "send→first provider request p99", f"{lat['p99']:.1f} ms", "≤ 50 ms",
            lat["p99"] <= 50)
    ctx.row(name, "server metric trigger→first page answered p50/p99 (bucket est.)",
            f"{server['p50_ms_est']:.1f} / {server['p99_ms_est']:.1f} ms "
            f"(mean {server['mean_ms']:.1f})")
    ctx.row(name, "webhook reply (TwiML) p50 / p99",
            f"{best['webhook_reply_ms']['p50']:.1f} / {best['webhook_reply_ms']['p99']:.1f} ms")
    if ctx.runs > 1:
        ctx.row(name, f"p50 of each of {ctx.runs} runs",
                ", ".join(f"{p:.1f}" for p in out["all_runs_p50_ms"]) + " ms")
    piling = best["open_piling_up_ms"]
    ctx.row(name, f"same, incidents left open (0→{count} open) p50 / p99",
            f"{piling['p50']:.1f} / {piling['p99']:.1f} ms "
            f"(last {max(1, count // 10)}: p50 {best['open_piling_up_last_decile_ms']['p50']:.1f})")
    if "postgresql" in out:
        pg_lat = out["postgresql"]["client_trigger_to_first_request_ms"]
        ctx.row(name, "same on PostgreSQL p50 / p99",
                f"{pg_lat['p50']:.1f} / {pg_lat['p99']:.1f} ms")
    ctx.row("2 ratio", f"p50 vs bare aiohttp echo RTT ({echo_s['p50']:.2f} ms)",
            f"{ratio:.1f}×", "≤ 5×", ratio <= 5)
    ctx.row("2 ratio", "p99 vs echo p99", f"{out['ratio_p99']:.1f}×")
