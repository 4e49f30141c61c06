"""Issue 14, parts 1 and 4, end to end against the fake Twilio (Lookup included) and the
fake Slack (users.info): opt-outs and line types in readiness, `alertbot readiness`'s
exit status, AWAY/BACK and backups in real escalations, and the weekly digest."""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.fakes.twilio_server import FakeTwilio
from tests.scenario.harness import (
    ADMIN,
    API_TOKEN,
    ATTORNEY,
    DEPUTY,
    DISTRICT,
    FROM_NUMBER,
    PRINCIPAL,
    SUPERINTENDENT,
    TEACHER,
    Harness,
)
from tests.scenario.slack_harness import SlackPlayer


async def api(h: Harness, method: str, path: str,
              data: dict[str, str] | None = None) -> tuple[int, Any]:
    assert h.session is not None
    async with h.session.request(method, h.url + path, data=data,
                                 headers={"Authorization": f"Bearer {API_TOKEN}"}) as r:
        return r.status, await r.json()


async def readiness(h: Harness) -> dict[str, Any]:
    status, body = await api(h, "GET", "/api/readiness")
    assert status == 200, body
    data: dict[str, Any] = body
    return data


def person(body: dict[str, Any], cid: str) -> dict[str, Any]:
    found: dict[str, Any] = next(p for p in body["people"] if p["id"] == cid)
    return found


def states(body: dict[str, Any], cid: str) -> dict[str, str]:
    return {c["channel"]: c["state"] for c in person(body, cid)["channels"]}


def district(tmp: Path, edit: Callable[[str, str], tuple[str, str]]) -> Path:
    """A copy of the SMS district with escalation.yaml and contacts edited."""
    folder = tmp / "district"
    shutil.copytree(DISTRICT, folder)
    contacts = next((folder / "contacts").glob("*.yaml"))
    config, people = edit((folder / "escalation.yaml").read_text(), contacts.read_text())
    (folder / "escalation.yaml").write_text(config)
    contacts.write_text(people)
    return folder


async def run_cli(h: Harness, fake: FakeTwilio, config_dir: Path, *args: str
                  ) -> tuple[int, str]:
    """``alertbot <args>`` in a child process on the harness's database and fakes."""
    env = {**os.environ, "ALERTBOT_CONFIG": str(config_dir / "escalation.yaml"),
           "ALERTBOT_CONTACTS": str(config_dir / "contacts"),
           "ALERTBOT_DATABASE_URL": h.settings.database_url,
           "TWILIO_ACCOUNT_SID": fake.account_sid, "TWILIO_AUTH_TOKEN": fake.auth_token,
           "TWILIO_FROM": FROM_NUMBER, "TWILIO_API_URL": fake.url}
    env.pop("ALERTBOT_SANDBOX", None)
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "alertbot.cli", *args, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await proc.communicate()
    assert proc.returncode is not None
    assert not err.strip() or proc.returncode in (0, 1), err.decode()
    return proc.returncode, out.decode()


# --- part 1: reachability -----------------------------------------------------------------

async def test_stop_shows_in_readiness_and_empties_a_step_until_start(
        h: Harness, fake: FakeTwilio) -> None:
    body = await readiness(h)
    assert body["ok"] is True
    assert await h.text(DEPUTY, "STOP") == ""
    await h.received("Morgan Lee texted STOP", ADMIN)
    body = await readiness(h)
    assert body["ok"] is False
    step2 = body["steps"][1]
    assert step2["nobody"] and step2["people"] == ["deputy"]
    assert step2["problems"][0].startswith("Morgan Lee texted STOP on ")
    assert f"(ask them to text START to {FROM_NUMBER})" in step2["problems"][0]
    assert states(body, "deputy") == {"sms": "opted_out"}  # the step pages by SMS only
    code, out = await run_cli(h, fake, DISTRICT, "readiness")
    assert code == 1, out
    assert "ice_default step 2: NOBODY reachable — Morgan Lee texted STOP on" in out
    assert await h.text(DEPUTY, "START") == ""
    body = await readiness(h)
    assert body["ok"] is True and states(body, "deputy") == {"sms": "ok"}
    code, out = await run_cli(h, fake, DISTRICT, "readiness")
    assert code == 0, out


async def test_a_21610_refusal_is_recorded_as_an_opt_out(h: Harness, fake: FakeTwilio) -> None:
    fake.fail_for(ATTORNEY, code=21610, kind="sms")
    await h.text(PRINCIPAL, "ICE")
    await h.received("ACK 1", SUPERINTENDENT)
    await h.received("could not page Sam Okafor", ADMIN)
    await h.received("ALERT number 1", ATTORNEY, kind="call")  # reached by other means
    body = await readiness(h)
    [channel] = person(body, "attorney")["channels"]
    assert channel["state"] == "opted_out" and channel["opt_out_reason"] == "Twilio 21610"
    assert body["ok"] is True  # the superintendent is still reachable in step 1


async def test_a_landline_cannot_take_sms_and_lookup_is_asked_once(
        h: Harness, fake: FakeTwilio) -> None:
    fake.line_types[DEPUTY] = "landline"
    body = await readiness(h)
    assert states(body, "deputy") == {"sms": "no_sms_line"}
    assert body["steps"][1]["nobody"]
    assert "Morgan Lee's number is a landline (SMS cannot reach it;" in (
        body["steps"][1]["problems"][0])
    assert {n for n, _f in fake.lookups} == {SUPERINTENDENT, ATTORNEY, DEPUTY}
    assert all(f == "line_type_intelligence" for _n, f in fake.lookups)
    asked = len(fake.lookups)
    await readiness(h)
    assert len(fake.lookups) == asked  # cached in the store (30 days)
    await h.advance(seconds=31 * 86400)
    await readiness(h)
    assert len(fake.lookups) == 2 * asked  # asked again once the cache is stale


async def test_a_deactivated_slack_account_is_named(s: SlackPlayer) -> None:
    s.slack.users["U0SUPT001"] = {"deleted": True}
    s.slack.missing_users.add("U0ATTY002")
    body = await readiness(s.h)
    assert states(body, "superintendent") == {"sms": "ok", "slack": "slack_deleted"}
    assert states(body, "attorney") == {"sms": "ok", "slack": "slack_not_found"}
    assert "Dr. Jordan Rivera's Slack account is deactivated (fix 'slack' in contacts)" in (
        person(body, "superintendent")["problems"])
    assert body["ok"] is True  # SMS still reaches both
    asked = {c.args.get("user") for c in s.slack.calls_of("users.info")}
    assert asked == {"U0SUPT001", "U0DEP003"}  # ATTY is not found: no successful call


# --- part 4: AWAY and BACK ---------------------------------------------------------------

async def test_away_3d_skips_them_while_others_are_paged_and_back_restores(
        h: Harness) -> None:
    reply = await h.text(ATTORNEY, "AWAY 3d")
    assert reply.startswith("You are away until Mon 01/18 03:00")
    body = await readiness(h)
    assert person(body, "attorney")["away"]["set_by"] == "attorney"
    assert body["steps"][0]["reachable"] == ["superintendent"]
    await h.text(PRINCIPAL, "ICE")
    await h.received("ACK 1", SUPERINTENDENT)
    await h.fake.assert_no_sms(ATTORNEY)
    incident = await h.incident(1)
    away = [e["text"] for e in incident["timeline"] if e["kind"] == "away"]
    assert away == ["Sam Okafor is away until Mon 01/18 03:00: not paged: others in step 1 "
                    "are reachable"]
    assert await h.text(SUPERINTENDENT, "ACK 1")
    await h.received("#1 was reported by Ana Perez", SUPERINTENDENT)
    await h.received("#1: Dr. Jordan Rivera is on it", PRINCIPAL)
    assert await h.text(SUPERINTENDENT, "RESOLVE 1")
    await h.received("#1 resolved", PRINCIPAL)
    assert (await h.text(ATTORNEY, "BACK")).startswith("Welcome back")
    assert (await h.text(ATTORNEY, "BACK")).startswith("You were not away")
    await h.text(PRINCIPAL, "ICE")
    await h.received("ACK 2", SUPERINTENDENT, ATTORNEY)


async def test_away_ends_by_itself(h: Harness) -> None:
    assert (await h.text(ATTORNEY, "AWAY 2h")).startswith("You are away until")
    # "AWAY whenever" is words, not the command: the help names the command.
    assert "AWAY 3d, BACK" in await h.text(ATTORNEY, "AWAY whenever")
    await h.advance(seconds=2 * 3600)
    await h.text(PRINCIPAL, "ICE")
    await h.received("ACK 1", SUPERINTENDENT, ATTORNEY)


async def test_what_away_cannot_read_is_answered(h: Harness) -> None:
    assert (await h.text(ATTORNEY, "AWAY until whenever")).startswith(
        "Could not read when you are back")
    assert (await h.text(ATTORNEY, "AWAY 45d")).startswith("AWAY lasts at most 30 days")


async def test_a_backup_is_paged_in_their_place(fake: FakeTwilio, tmp_path: Path) -> None:
    def edit(config: str, people: str) -> tuple[str, str]:
        return config, people.replace('  phone: "+1 860 555 0102"\n',
                                      '  phone: "+1 860 555 0102"\n  backup: teacher\n')

    async with Harness(fake, tmp_path, config_dir=district(tmp_path, edit)) as h:
        await h.text(ATTORNEY, "AWAY until 1/20")
        await h.text(PRINCIPAL, "ICE")
        await h.received("ACK 1", SUPERINTENDENT, TEACHER)
        incident = await h.incident(1)
        assert ("Sam Okafor is away until Wed 01/20 00:00: paged Pat Kim instead"
                in [e["text"] for e in incident["timeline"]])
        assert "acknowledged #1" in await h.text(TEACHER, "ACK 1")  # the backup may ACK
        await h.received("#1 was reported by Ana Perez", TEACHER)
        await h.received("#1: Pat Kim is on it", PRINCIPAL)
        await h.received("#1 acknowledged by Pat Kim", SUPERINTENDENT)


async def test_a_whole_step_away_is_paged_anyway_and_admins_are_told(h: Harness) -> None:
    status, body = await api(h, "POST", "/api/contacts/deputy/away", {"for": "until friday"})
    assert status == 200 and body["id"] == "deputy"
    await h.text(PRINCIPAL, "ICE")
    await h.received("ACK 1", SUPERINTENDENT, ATTORNEY)
    await h.advance(minutes=3)
    await h.received("ACK 1", DEPUTY)
    alert = await h.fake.expect_sms(ADMIN, contains="#1: everyone in step 2 is away")
    assert "Morgan Lee" in alert.body
    await h.received("#1: still paging", PRINCIPAL)
    incident = await h.incident(1)
    assert ("Morgan Lee is away until Fri 01/22 00:00: paged anyway: everyone in step 2 "
            "is away") in [e["text"] for e in incident["timeline"]]
    status, body = await api(h, "POST", "/api/contacts/deputy/back")
    assert (status, body) == (200, {"id": "deputy", "was_away": True})
    status, body = await api(h, "POST", "/api/contacts/nobody/away", {"for": "3d"})
    assert status == 404
    status, body = await api(h, "POST", "/api/contacts/deputy/away", {"for": "99d"})
    assert status == 400


async def test_plan_shows_who_is_away(h: Harness, fake: FakeTwilio) -> None:
    await h.text(DEPUTY, "AWAY 3d")
    code, out = await run_cli(h, fake, DISTRICT, "plan", "--incident", "ice")
    assert code == 0
    assert "~ Morgan Lee is AWAY until" in out and "paged anyway" in out


# --- the weekly digest ---------------------------------------------------------------------

async def test_the_weekly_digest_is_sent_once_at_its_time(fake: FakeTwilio,
                                                          tmp_path: Path) -> None:
    def edit(config: str, people: str) -> tuple[str, str]:
        return config.replace("admins: [admin]\n",
                              'admins: [admin]\nreadiness: {digest: "30 7 * * MON"}\n'), people

    async with Harness(fake, tmp_path, config_dir=district(tmp_path, edit)) as h:
        # The fake clock starts on Friday 2027-01-15 03:00 in New York.
        await h.text(DEPUTY, "STOP")
        await h.received("Morgan Lee texted STOP", ADMIN)
        await h.advance(seconds=3 * 86400 + 4 * 3600 + 29 * 60)  # Mon 07:29
        await fake.assert_no_sms(ADMIN)
        await h.advance(minutes=1)  # Mon 07:30
        digest = await fake.expect_sms(ADMIN, contains="alertbot weekly check")
        assert digest.body == ("alertbot weekly check: ice_default step 2 cannot reach "
                               "anyone now. 1 of 3 responders need attention. Details: "
                               "https://alerts.example.test/readiness")
        for _ in range(3):
            await h.advance(minutes=20)
        await fake.assert_no_sms(ADMIN)  # once a period
        await h.text(DEPUTY, "START")
        await h.advance(seconds=7 * 86400)
        digest = await fake.expect_sms(ADMIN, contains="alertbot weekly check")
        assert "all 3 responders are reachable" in digest.body


async def test_the_console_sets_away_until_a_local_time(h: Harness) -> None:
    status, body = await api(h, "POST", "/api/contacts/attorney/away",
                             {"until": "2027-01-16T09:00"})
    assert (status, body) == (200, {"id": "attorney", "until": "2027-01-16T14:00:00.000Z"})
    status, body = await api(h, "POST", "/api/contacts/attorney/away", {"until": "soon"})
    assert status == 400
    away = person(await readiness(h), "attorney")["away"]
    assert away["until"] == "2027-01-16T14:00:00.000Z" and away["set_by"] == "api"
    await h.text(PRINCIPAL, "ICE")
    await h.received("ACK 1", SUPERINTENDENT)
    await h.fake.assert_no_sms(ATTORNEY)
    h.ignore("sms", to=PRINCIPAL)  # "still paging" at each step
    await h.advance(seconds=30 * 3600)  # Sat 09:00 local: the AWAY is over
    await h.received("ACK 1", DEPUTY)  # step 2, late: timed from now
    await h.advance(minutes=5)  # round 2, step 1: the attorney is paged again
    await h.received("(2nd page)", SUPERINTENDENT, ATTORNEY)

