"""Summaries of a log: how its events are sourced."""

from __future__ import annotations

from collections import Counter

from .log import Log
from .reducers import facts_of

__all__ = ["source_summary"]


def source_summary(log: Log) -> tuple[list[str], list[list[object]]]:
    """One row per source: its id, how many events cite it, and how many per aspect.

    A last row counts the events that cite no source (the loader refuses them, so it
    reads 0 for any log that loads). An event's aspects are those of the facts it sets.
    """
    per_source: dict[str, Counter[str]] = {s: Counter() for s in log.registry.sources}
    unsourced = [e.id for e in log.events if not e.sources]
    for event in log.events:
        aspects = {f.aspect for f in facts_of(event, log.registry)} or {event.kind}
        for ref in {s.id for s in event.sources}:
            per_source[ref].update(aspects)
            per_source[ref]["(events)"] += 1
    rows: list[list[object]] = [
        [ident, counts["(events)"], ", ".join(f"{a} {n}" for a, n in sorted(counts.items()) if a != "(events)")]
        for ident, counts in per_source.items()
    ]
    rows.append(["(no source)", len(unsourced), " ".join(unsourced)])
    return ["source", "events", "by aspect"], rows
