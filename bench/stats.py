"""Percentiles, Prometheus text parsing, and the results table."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

_SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([^}]*)\})?\s+(\S+)')


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0..100), linear between closest ranks; nan when empty."""
    if not values:
        return math.nan
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    lo, hi = math.floor(pos), math.ceil(pos)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def summary(values: Sequence[float], scale: float = 1.0) -> dict[str, float]:
    """n, p50, p90, p99, max, mean (times ``scale``, e.g. 1000 for ms)."""
    if not values:
        return {"n": 0}
    return {"n": len(values),
            "p50": round(percentile(values, 50) * scale, 3),
            "p90": round(percentile(values, 90) * scale, 3),
            "p99": round(percentile(values, 99) * scale, 3),
            "max": round(max(values) * scale, 3),
            "mean": round(sum(values) / len(values) * scale, 3)}


def parse_metrics(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """Prometheus text format → {(name, labels): value}."""
    out: dict[tuple[str, frozenset[tuple[str, str]]], float] = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        match = _SAMPLE.match(line)
        if not match:
            continue
        labels = frozenset(re.findall(r'(\w+)="([^"]*)"', match.group(3) or ""))
        out[(match.group(1), labels)] = float(match.group(4))
    return out


def histogram(text: str, name: str, before: str | None = None) -> dict[str, float]:
    """count, mean and p50/p99 estimated from the buckets (as PromQL's
    histogram_quantile does: linear within a bucket) of histogram ``name``,
    minus the same histogram in ``before`` (an earlier scrape)."""
    now = parse_metrics(text)
    then = parse_metrics(before) if before else {}

    def value(key: tuple[str, frozenset[tuple[str, str]]]) -> float:
        return now.get(key, 0.0) - then.get(key, 0.0)

    buckets: list[tuple[float, float]] = []
    for key in now:
        if key[0] == name + "_bucket":
            le = dict(key[1])["le"]
            buckets.append((math.inf if le == "+Inf" else float(le), value(key)))
    buckets.sort()
    count = value((name + "_count", frozenset()))
    total = value((name + "_sum", frozenset()))
    out = {"count": count, "mean_ms": round(total / count * 1000, 3) if count else math.nan}
    for q in (50, 90, 99):
        out[f"p{q}_ms_est"] = round(_bucket_quantile(buckets, q / 100) * 1000, 3)
    return out


def _bucket_quantile(buckets: list[tuple[float, float]], q: float) -> float:
    if not buckets or buckets[-1][1] <= 0:
        return math.nan
    rank = q * buckets[-1][1]
    prev_le, prev_count = 0.0, 0.0
    for le, count in buckets:
        if count >= rank:
            if math.isinf(le):
                return prev_le
            if count == prev_count:
                return le
            return prev_le + (le - prev_le) * (rank - prev_count) / (count - prev_count)
        prev_le, prev_count = le, count
    return prev_le


def counter(text: str, name: str, **labels: str) -> float:
    """Sum of the samples of ``name`` whose labels include ``labels``."""
    return sum(v for (n, lab), v in parse_metrics(text).items()
               if n == name and set(labels.items()) <= set(lab))


@dataclass
class Row:
    scenario: str
    measure: str
    value: str
    target: str = ""
    ok: bool | None = None  # None: no target

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def table(rows: Sequence[Row]) -> str:
    head = ("scenario", "measure", "result", "target", "")
    cells = [head] + [(r.scenario, r.measure, r.value, r.target,
                       "" if r.ok is None else ("ok" if r.ok else "MISSED")) for r in rows]
    widths = [max(len(c[i]) for c in cells) for i in range(len(head))]
    lines = ["  ".join(c[i].ljust(widths[i]) for i in range(len(head))).rstrip()
             for c in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def md_table(rows: Sequence[Row]) -> str:
    out = ["| scenario | measure | result | target | |", "|---|---|---|---|---|"]
    for r in rows:
        mark = "" if r.ok is None else ("ok" if r.ok else "**missed**")
        out.append(f"| {r.scenario} | {r.measure} | {r.value} | {r.target} | {mark} |")
    return "\n".join(out)
