"""The live hub (web/console/live.py) without a network: who gets which incident, and
what a stream that falls behind or outlives the server gets."""

from __future__ import annotations

from alertbot.core.incident import Incident
from alertbot.core.model import Contact
from alertbot.web.console import live
from tests.unit.console.test_board import inc

PEOPLE = {"supt": Contact("supt", "Dr. Jordan Rivera"),
          "oak": Contact("oak", "Eli Romero", schools=("oak",))}


def hub(store: dict[int, Incident]) -> live.LiveHub:
    async def load(number: int) -> Incident | None:
        return store.get(number)

    return live.LiveHub(load, PEOPLE.get,
                        lambda person, incident: person.id == "supt"
                        or incident.school_id in person.schools)


def drained(stream: live.Stream) -> list[int]:
    out = []
    while not stream.queue.empty():
        out.append(stream.queue.get_nowait())
    return out


async def test_an_incident_goes_only_to_streams_whose_person_may_see_it() -> None:
    h = hub({1: inc(1)})  # a Burns incident
    supt, oak, gone = live.Stream("supt"), live.Stream("oak"), live.Stream("removed")
    h.streams |= {supt, oak, gone}
    await h.on_event(1)
    await h.on_event(2)  # not in the store (any more): nothing
    assert (drained(supt), drained(oak), drained(gone)) == ([1], [], [])


async def test_a_stream_that_falls_behind_is_told_to_resync_once() -> None:
    h = hub({1: inc(1)})
    stream = live.Stream("supt")
    h.streams.add(stream)
    for _ in range(live.QUEUE_MAX + 10):
        await h.on_event(1)
    got = drained(stream)
    assert got == [1] * live.QUEUE_MAX + [live.RESYNC]


async def test_shutdown_ends_every_stream() -> None:
    h = hub({})
    streams = [live.Stream("supt"), live.Stream("oak")]
    h.streams |= set(streams)
    h.close()
    assert [drained(s) for s in streams] == [[live.CLOSE], [live.CLOSE]]
