"""Scenario 3: one incident paging 200 contacts by SMS and voice (400 provider requests).

The fake answers each request 50 ms late. Measured: the load generator's send of the
trigger → the last of the 400 requests arriving at the fake. Then the same under
ALERTBOT_SMS_RATE=100 and ALERTBOT_VOICE_RATE=1, next to the least time a token
bucket of that rate allows: alertbot's buckets start full with ``max(1, rate)``
tokens, so N messages need at least ``max(0, N - burst) / rate`` seconds.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from bench.common import Context, running, send_sms
from bench.district import principal_phone, shared_team
from bench.harness import FakeTwilioProcess, Service, cpu_seconds
from bench.stats import counter

DELAY = 0.05


def bucket_minimum(count: int, rate: float) -> float:
    burst = max(1.0, rate)
    return max(0.0, count - burst) / rate


async def fan_out(service: Service, fake: FakeTwilioProcess, contacts: int,
                  within: float) -> dict[str, Any]:
    assert service.session is not None
    expected = contacts * 2
    before = await service.metrics_text()
    cpu = cpu_seconds(service.pid)
    sent, status, _text = await send_sms(service.session, service, principal_phone(0),
                                         "ICE 2 agents at front desk")
    deadline = time.monotonic() + within
    count = 0
    while time.monotonic() < deadline and count < expected:
        count = await fake.wait(expected, timeout=min(30.0, deadline - time.monotonic()))
    await asyncio.sleep(0.2)
    cpu = cpu_seconds(service.pid) - cpu
    after = await service.metrics_text()
    records = [r for r in await fake.records() if r["n"] == 1]
    out: dict[str, Any] = {"status": status, "contacts": contacts, "expected": expected,
                           "arrived": len(records), "service_cpu_s": round(cpu, 2),
                           "engine_cycles": counter(after, "alertbot_engine_cycles_total")
                           - counter(before, "alertbot_engine_cycles_total")}
    for kind in ("sms", "call"):
        times = sorted(r["t"] - sent for r in records if r["kind"] == kind)
        out[kind] = {"count": len(times),
                     "first_s": round(times[0], 3) if times else None,
                     "all_s": round(times[-1], 3) if times else None,
                     "distinct_numbers": len({r["to"] for r in records if r["kind"] == kind})}
    times = sorted(r["t"] - sent for r in records)
    out["all_s"] = round(times[-1], 3) if times else None
    return out


async def run(ctx: Context) -> None:
    contacts = 200
    runs: list[dict[str, Any]] = []
    for index in range(ctx.runs):
        district = shared_team(schools=1, team=contacts, channels=("sms", "voice"))
        async with running(ctx, f"fanout{index}", district, delay=DELAY) as (service, fake, _):
            runs.append(await fan_out(service, fake, contacts, within=30))
    runs.sort(key=lambda r: r["all_s"] if r["all_s"] is not None else 1e9)
    best = runs[len(runs) // 2]
    voice = best["call"]["count"] > 0
    limited_contacts = 10 if ctx.quick else contacts
    sms_rate, voice_rate = 100.0, 1.0
    district = shared_team(schools=1, team=limited_contacts, channels=("sms", "voice"))
    env = {"ALERTBOT_SMS_RATE": str(sms_rate), "ALERTBOT_VOICE_RATE": str(voice_rate)}
    min_sms = bucket_minimum(limited_contacts, sms_rate)
    min_voice = bucket_minimum(limited_contacts, voice_rate)
    async with running(ctx, "fanout-limited", district, delay=DELAY, env=env) as (
            service, fake, _):
        limited = await fan_out(service, fake, limited_contacts, within=min_voice + 30)
    limited["minimum_sms_s"] = round(min_sms, 3)
    limited["minimum_voice_s"] = round(min_voice, 3)
    ctx.results["fanout"] = {"delay_s": DELAY, "runs": runs, "median": best,
                             "voice_available": voice, "rate_limited": limited,
                             "rates": {"sms": sms_rate, "voice": voice_rate}}
    name = "3 fan-out"
    what = "400 requests (200 SMS + 200 calls)" if voice else "200 SMS (voice not paging yet)"
    all_s = best["all_s"]
    ctx.row(name, f"trigger → all {what} arrived, fake answers in 50 ms",
            f"{all_s:.3f} s" if all_s is not None else "none arrived", "≤ 1 s",
            all_s is not None and all_s <= 1 and best["arrived"] == best["expected"])
    ctx.row(name, "  of which SMS / calls: all arrived after",
            f"{best['sms']['all_s']} s / {best['call']['all_s']} s "
            f"({best['sms']['count']} + {best['call']['count']})")
    ctx.row(name, f"rate-limited (SMS {sms_rate:g}/s, calls {voice_rate:g}/s), "
            f"{limited_contacts} contacts: all SMS",
            f"{limited['sms']['all_s']} s (minimum {min_sms:.2f} s)")
    ctx.row(name, f"rate-limited, {limited_contacts} calls: all arrived",
            f"{limited['call']['all_s']} s (minimum {min_voice:.0f} s)")
