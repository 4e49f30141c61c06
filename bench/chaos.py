"""Kill alertbot (os._exit at a named point, like kill -9) at random points, restart it,
and count the pages lost and duplicated.

    python -m bench.chaos [--runs 50] [--seed 1] [--postgres]

Prints a table and writes bench/results/chaos.json. Each run takes ~6 s (real time:
the policy's steps are 1 s apart) and everything stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import time
from pathlib import Path

from tests.chaos.runner import Outcome, run_once

POINTS = ("after-escalate", "after-unit-claim", "before-send", "before-mark-sent")
RESULTS = Path(__file__).parent / "results"


async def main_async(runs: int, seed: int, postgres: bool) -> list[Outcome]:
    rng = random.Random(seed)
    cluster = None
    if postgres:
        from tests import pg

        cluster = pg.PgCluster().start()
    outcomes: list[Outcome] = []
    try:
        for index in range(runs):
            point, hit = rng.choice(POINTS), rng.randint(1, 6)
            url = cluster.create_database(f"chaos{index}") if cluster else None
            outcome = await run_once(point, hit, url)
            outcomes.append(outcome)
            print(f"{index + 1:3} {point:17} hit {hit}  crashed={outcome.crashed!s:5} "
                  f"lost={outcome.lost} duplicated={outcome.duplicated} "
                  f"recovery={outcome.recovery_seconds or 0:.2f}s", flush=True)
    finally:
        if cluster:
            cluster.stop()
    return outcomes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    started = time.time()
    outcomes = asyncio.run(main_async(args.runs, args.seed, args.postgres))
    crashed = [o for o in outcomes if o.crashed]
    summary = {
        "runs": len(outcomes), "crashed": len(crashed),
        "pages_lost": sum(o.lost for o in outcomes),
        "pages_duplicated": sum(o.duplicated for o in outcomes),
        "most_copies_of_one_page_beyond_the_first": max(
            (o.worst_duplicate for o in outcomes), default=0),
        "duplicates_outside_before_mark_sent": sum(
            o.duplicated for o in outcomes if o.point != "before-mark-sent"),
        "backend": "postgresql" if args.postgres else "sqlite",
        "seconds": round(time.time() - started, 1),
    }
    print(json.dumps(summary, indent=2))
    RESULTS.mkdir(exist_ok=True)
    name = "chaos-postgres.json" if args.postgres else "chaos.json"
    (RESULTS / name).write_text(json.dumps(
        {"summary": summary, "runs": [o.__dict__ | {"lost": o.lost, "duplicated": o.duplicated}
                                      for o in outcomes]}, indent=2))


if __name__ == "__main__":
    main()
