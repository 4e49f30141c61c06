"""Commands that name an incident, end to end through the real webhooks (fake Twilio and
Slack over HTTP).

* A bare RESOLVE never closes anything, by SMS or by Slack DM: the reply asks for the
  number and lists the open incidents the sender may resolve (CONTRACT "Text messages":
  ``RESOLVE <number>`` closes it).
* A number the sender may not know of is answered as a missing one: a teacher or another
  school's principal cannot learn by text whether incident 1 exists.
* Everyone paged for an incident hears it was resolved, once each, including whoever the
  console's "page now" reached (the teardown check fails on a second notice).
"""

from __future__ import annotations

from tests.scenario.harness import (
    ADMIN,
    API_TOKEN,
    ATTORNEY,
    DEPUTY,
    PRINCIPAL,
    PRINCIPAL_ES,
    SUPERINTENDENT,
    TEACHER,
    Harness,
)
from tests.scenario.slack_harness import CHANNEL, PRINCIPAL_U, SUPERINTENDENT_U, SlackPlayer


async def test_bare_resolve_by_sms_with_one_open_incident_closes_nothing(h: Harness) -> None:
    await h.text(PRINCIPAL, "ICE 2 agents at the front desk")
    await h.received("ALERT #1: Enforcement visit at Burns Academy", SUPERINTENDENT, ATTORNEY)
    assert await h.text(SUPERINTENDENT, "RESOLVE") == "Reply RESOLVE <number>. Open: #1."
    assert await h.text(SUPERINTENDENT, "resolve!") == "Reply RESOLVE <number>. Open: #1."
    [incident] = await h.incidents()
    assert incident["state"] == "triggered"
    assert await h.text(SUPERINTENDENT, "RESOLVE 1") == "#1 resolved. Thank you."
    await h.received("#1 resolved by Dr. Jordan Rivera.", PRINCIPAL, ATTORNEY)


async def test_bare_resolve_by_slack_dm_closes_nothing(s: SlackPlayer) -> None:
    status, _ = await s.command(PRINCIPAL_U, "burns 2 agents")
    assert status == 200
    await s.message(SUPERINTENDENT_U, "resolve", "D0SUPT001", channel_type="im")
    await s.slack.expect("chat.postMessage", channel="D0SUPT001",
                         contains="Reply RESOLVE &lt;number&gt;. Open: #1.")
    [incident] = await s.h.incidents()
    assert incident["state"] == "triggered"
    # Everyone else alertbot told something in this story:
    await s.h.received("ALERT #1: Enforcement visit at Burns Academy", SUPERINTENDENT)
    await s.h.received("ALERTA #1: Enforcement visit at Burns Academy", ATTORNEY)
    await s.received("#1 Enforcement visit at Burns Academy (triggered)", CHANNEL)
    await s.received("ALERT #1: Enforcement visit at Burns Academy", "D0SUPT001")
    await s.received("ALERTA #1: Enforcement visit at Burns Academy", "D0ATTY002")


async def test_by_sms_a_hidden_incident_reads_exactly_as_a_missing_one(h: Harness) -> None:
    await h.text(PRINCIPAL, "ICE 2 agents at the front desk")  # #1 at Burns
    await h.received("ALERT #1: Enforcement visit at Burns Academy", SUPERINTENDENT, ATTORNEY)
    for sender, missing in (
            (TEACHER, "There is no open incident #{n} that you can act on."),
            (PRINCIPAL_ES, "No hay un incidente abierto #{n} que usted pueda atender.")):
        for body in ("ACK {n}", "RESOLVE {n}", "NOTE {n} they left", "BRIDGE {n}"):
            assert await h.text(sender, body.format(n=1)) == missing.format(n=1), body
            assert await h.text(sender, body.format(n=7)) == missing.format(n=7), body
    [incident] = await h.incidents()
    assert incident["state"] == "triggered"
    # The Burns principal sees it (their school): told they are not on its team.
    assert await h.text(PRINCIPAL, "RESOLVE 1") == "You are not on the response team for #1."


async def test_someone_the_console_paged_hears_the_resolve_once(h: Harness) -> None:
    await h.text(PRINCIPAL, "ICE 2 agents at the front desk")
    await h.received("ALERT #1: Enforcement visit at Burns Academy", SUPERINTENDENT, ATTORNEY)
    assert "You acknowledged #1" in await h.text(ATTORNEY, "ACK 1")
    await h.received("#1 reported by Ana Perez", ATTORNEY)
    await h.received("#1: Sam Okafor is on it", PRINCIPAL)
    await h.received("#1 acknowledged by Sam Okafor", SUPERINTENDENT)
    assert h.session is not None
    for _ in range(2):  # asked twice: told of the resolve once all the same
        async with h.session.post(h.url + "/api/incidents/1/page",
                                  data={"contact": "superintendent", "target": "deputy"},
                                  headers={"Authorization": f"Bearer {API_TOKEN}"}) as r:
            assert r.status == 200, await r.text()
        await h.settle()
        # paged on each of the deputy's channels (new-user trial 2: one text, no call)
        await h.received("ALERT #1: Enforcement visit at Burns Academy", DEPUTY)
        await h.received("ALERT number 1", DEPUTY, kind="call")
    assert await h.text(ADMIN, "RESOLVE 1") == "#1 resolved. Thank you."
    await h.received("#1 resolved by Riley Chen.", DEPUTY, SUPERINTENDENT, ATTORNEY, PRINCIPAL)
