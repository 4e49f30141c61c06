"""The board's drill card and the drill's page say when it ends by itself (new-user
trial: a principal could not tell whether a drill would go on ringing). A keyword drill
ends 15 minutes after it opened; a scheduled one after its ``end_after``. The time is
the district's, the words the viewer's language. On the old code neither page said it."""

from __future__ import annotations

from pathlib import Path

from alertbot.clock import FakeClock
from tests.console import console_client, sign_in
from tests.fakes.twilio_server import FakeTwilio
from tests.scenario.harness import ATTORNEY, PRINCIPAL, SUPERINTENDENT, Harness
from tests.scenario.test_drills import DISTRICT_DRILLS, local
from tests.scenario.test_keyword_drills import keyword_district


async def pages(h: Harness, phone: str, number: int) -> tuple[str, str, str]:
    """The board, the drill's board card and its incident page, as ``phone`` sees them."""
    async with console_client(h.url) as client:
        await sign_in(client, h.fake, phone)
        texts = []
        for path in ("/", f"/board/incidents/{number}", f"/incidents/{number}"):
            async with client.get(path) as r:
                assert r.status == 200, path
                texts.append(await r.text())
    return texts[0], texts[1], texts[2]


async def test_a_scheduled_drill_shows_when_it_ends_by_itself(fake: FakeTwilio,
                                                              tmp_path: Path) -> None:
    clock = FakeClock(local("2026-12-01T08:59:00"))
    async with Harness(fake, tmp_path, DISTRICT_DRILLS, clock=clock) as h:
        await h.advance(seconds=60)  # 09:00: it opens; end_after 15m
        await h.received("ALERT #1: DRILL", SUPERINTENDENT, ATTORNEY)
        await h.advance(minutes=3)
        board, card, page = await pages(h, SUPERINTENDENT, 1)
        ends = "The drill ends by itself today 09:15 (in 12 min) unless resolved first."
        for html in (board, card, page):
            assert ends in html
        await h.advance(minutes=12)  # it ended: nothing more to say
        h.ignore("sms", contains="#1")
        board, card, page = await pages(h, SUPERINTENDENT, 1)
        for html in (board, card, page):
            assert 'class="drill-ends"' not in html  # (the timeline still says it would)


async def test_a_keyword_drill_shows_it_in_the_viewers_language(fake: FakeTwilio,
                                                                tmp_path: Path) -> None:
    folder = keyword_district(tmp_path)
    people = folder / "contacts" / "people.yaml"
    text = people.read_text()
    entry = "  roles: [superintendent]\n"
    assert entry in text
    people.write_text(text.replace(entry, entry + "  language: es\n", 1))
    clock = FakeClock(local("2026-12-01T10:00:00"))
    async with Harness(fake, tmp_path, folder, clock=clock) as h:
        assert (await h.text(PRINCIPAL, "DRILL")).startswith("DRILL: #1 opened")
        await h.received("#1", SUPERINTENDENT)
        await h.received("ALERT #1", ATTORNEY)
        _, card, page = await pages(h, SUPERINTENDENT, 1)
        ends = ("El simulacro termina por sí solo hoy 10:15 (en 15 min) si nadie lo "
                "resuelve antes.")
        assert ends in card and ends in page
        h.ignore("sms")
