"""What every scenario shares: the run's options, a work folder, PostgreSQL, triggering."""

from __future__ import annotations

import asyncio
import contextlib
import re
import shutil
import tempfile
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

from bench.district import ADMIN_PHONE, District, principal_phone
from bench.harness import FakeTwilioProcess, Service
from bench.stats import Row

_INCIDENT = re.compile(r"#(\d+)")


@dataclass
class Context:
    quick: bool = False
    runs: int = 1  # repeated runs of the cheap scenarios; the median run is reported
    postgres: bool = True
    rows: list[Row] = field(default_factory=list)
    results: dict[str, Any] = field(default_factory=dict)
    _pg: Any = None
    _tmp: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="alertbot-bench-")))

    def workdir(self, name: str) -> Path:
        path = self._tmp / f"{name}-{uuid.uuid4().hex[:6]}"
        path.mkdir(parents=True)
        return path

    def pg_url(self, name: str) -> str | None:
        """A fresh database on a throwaway cluster (started on first use), or None."""
        if not self.postgres:
            return None
        from tests import pg

        if self._pg is None:
            if not pg.available():
                self.postgres = False
                return None
            self._pg = pg.PgCluster().start()
        url: str = self._pg.create_database(f"{name}_{uuid.uuid4().hex[:6]}")
        return url

    def close(self) -> None:
        if self._pg is not None:
            self._pg.stop()
            self._pg = None
        shutil.rmtree(self._tmp, ignore_errors=True)

    def row(self, scenario: str, measure: str, value: str, target: str = "",
            ok: bool | None = None) -> None:
        self.rows.append(Row(scenario, measure, value, target, ok))


def new_sid() -> str:
    return "SM" + uuid.uuid4().hex


def incident_in(reply: str) -> int | None:
    match = _INCIDENT.search(reply)
    return int(match.group(1)) if match else None


@contextlib.asynccontextmanager
async def running(ctx: Context, name: str, district: District, *, delay: float = 0.0,
                  database_url: str | None = None, env: dict[str, str] | None = None
                  ) -> AsyncIterator[tuple[Service, FakeTwilioProcess, Path]]:
    """A fake Twilio process and the service on a fresh config, both stopped after."""
    workdir = ctx.workdir(name)
    district.write(workdir)
    async with FakeTwilioProcess(delay) as fake:
        service = Service(workdir, fake, database_url, env)
        try:
            await service.start()
            yield service, fake, workdir
        finally:
            await service.close()


async def send_sms(session: aiohttp.ClientSession, service: Service, from_: str,
                   body: str) -> tuple[float, int, str]:
    """POST one signed inbound text; (time.time() just before sending, status, reply)."""
    url, form, headers = service.signed(service.sms_form(new_sid(), from_, body))
    sent = time.time()
    async with session.post(url, data=form, headers=headers) as r:
        return sent, r.status, await r.text()


async def sequential_triggers(service: Service, fake: FakeTwilioProcess, schools: range,
                              pages_each: int, gap: float = 0.02,
                              resolve_notices: int | None = None) -> dict[str, Any]:
    """One trigger at a time from principal i (school i), each opening a new incident.

    After each trigger it waits (inside the fake process, no polling) until that
    incident's pages were answered, then ``gap`` seconds, so every trigger meets an
    idle service. With ``resolve_notices`` (the notices a resolution sends), the admin
    resolves each incident before the next trigger, so every trigger meets no open
    incident. Returns per-incident send times and reply times.
    """
    assert service.session is not None
    base = len(await fake.records())
    sent_at: dict[int, float] = {}
    reply_s: list[float] = []
    errors = 0
    expected = base
    missed = 0
    for i in schools:
        sent, status, text = await send_sms(service.session, service, principal_phone(i),
                                            "ICE 2 agents at front desk")
        reply_s.append(time.time() - sent)
        number = incident_in(text)
        if status != 200 or number is None:
            errors += 1
            continue
        sent_at[number] = sent
        expected += pages_each
        if await fake.wait(expected, timeout=3) < expected:
            missed += 1  # bounded: a service that stopped paging ends the scenario
            if missed >= 3:
                raise RuntimeError(f"pages stopped arriving (expected {expected}); "
                                   f"see {service.workdir / 'alertbot.log'}")
            expected = len(await fake.records())
        if resolve_notices is not None:
            await asyncio.sleep(gap)
            _, status, text = await send_sms(service.session, service, ADMIN_PHONE,
                                             f"RESOLVE {number}")
            errors += status != 200 or "resolved" not in text.lower()
            expected += resolve_notices
            expected = min(expected, await fake.wait(expected, timeout=3))
        await asyncio.sleep(gap)
    records = await fake.records(base)
    first: dict[int, float] = {}
    for rec in records:
        n = rec["n"]
        if n in sent_at and (n not in first or rec["t"] < first[n]):
            first[n] = rec["t"]
    latencies = [first[n] - sent_at[n] for n in sent_at if n in first]
    return {"latencies": latencies, "reply": reply_s, "errors": errors,
            "missing": len(sent_at) - len(first), "records": len(records)}
