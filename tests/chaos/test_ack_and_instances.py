"""kill -9 around an acknowledgement, and one of two PostgreSQL instances killed."""

from __future__ import annotations

import asyncio
import time

from tests.chaos.runner import (
    ADMIN,
    RESPONDERS,
    WAIT,
    Service,
    text,
    trigger,
    workspace,
)
from tests.fakes.twilio_server import FakeTwilio

A, C = RESPONDERS["a"], RESPONDERS["c"]


async def wait_for(predicate: object, within: float) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return True
        await asyncio.sleep(0.05)
    return False


async def test_killed_inside_the_ack_transaction_the_ack_never_happened() -> None:
    """The responder got no reply: paging goes on, and their next ACK works."""
    with workspace() as workdir:
        async with FakeTwilio() as fake:
            service = Service(workdir, fake, f"sqlite:///{workdir / 'a.db'}")
            await service.start(crash_at="in-ack:1")
            try:
                await trigger(service)
                assert await wait_for(lambda: fake.sms_to(A), 3)
                status, _ = await text(service, A, "ACK")
                assert status == 0  # the process died before answering
                assert await service.wait_exit(5)
                await service.start()
                # Not acknowledged: step 2 still pages C.
                assert await wait_for(lambda: any("ACK" in r.body for r in fake.sms_to(C)),
                                      WAIT * 2 + 3)
                status, reply = await text(service, A, "ACK")
                assert status == 200 and "You acknowledged #1" in reply
            finally:
                await service.stop()


async def test_killed_after_the_ack_committed_paging_stays_stopped() -> None:
    with workspace() as workdir:
        async with FakeTwilio() as fake:
            service = Service(workdir, fake, f"sqlite:///{workdir / 'a.db'}")
            await service.start(crash_at="after-ack:1")
            try:
                await trigger(service)
                assert await wait_for(lambda: fake.sms_to(A), 3)
                await text(service, A, "ACK")
                assert await service.wait_exit(5)
                await service.start()
                # The notices written with the ack go out after the restart...
                assert await wait_for(
                    lambda: any("acknowledged by Responder A" in r.body
                                for r in fake.sms_to(RESPONDERS["b"])), 5)
                await asyncio.sleep(WAIT * 3)
                # ...and no page follows: C (step 2) was never paged, admins not alarmed.
                assert not any("ALERT" in r.body for r in fake.sms_to(C))
                assert fake.sms_to(ADMIN) == []
            finally:
                await service.stop()


async def test_one_of_two_instances_killed_mid_escalation(pg_url: str) -> None:
    """A claims the first pages and dies; B sends them when the lease ends, and goes on."""
    with workspace() as workdir:
        async with FakeTwilio() as fake:
            a = Service(workdir, fake, pg_url)
            b = Service(workdir, fake, pg_url)
            try:
                await a.start(crash_at="before-send:1")
                await b.start()
                # A dies in its first send, which starts before its reply (0048, further).
                await trigger(a, dies_before_reply=True)
                assert await a.wait_exit(5)
                killed = time.monotonic()
                # B finishes the policy (two rounds of a, b in step 1 and c in step 2) and,
                # once A's 12 s lease on the first pages runs out, sends those too.
                expected = {"a": 2, "b": 2, "c": 2}

                def counts() -> dict[str, int]:
                    return {k: len(fake.sms_to(n)) for k, n in RESPONDERS.items()}

                assert await wait_for(lambda: counts() == expected, 30), counts()
                assert time.monotonic() - killed < 12 + 5
                # The policy runs out after its last wait: the admins hear it, once.
                assert await wait_for(lambda: len(fake.sms_to(ADMIN)) >= 1, 10)
                await asyncio.sleep(1.0)
                assert counts() == expected  # and nothing twice
                assert len(fake.sms_to(ADMIN)) == 1
            finally:
                await b.stop()
                await a.stop()
