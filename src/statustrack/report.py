"""Summaries of a log: how its events are sourced."""

from __future__ import annotations

from collections import Counter

from .log import Log
from .reducers import facts_of

__all__ = ["source_summary"]


def source_summary(log: Log) -> tuple[list[str], list[list[object]]]:
    """Rows of (source, title, events, events per aspect) and a final row of unsourced events.

    An event counts once per source it cites; its aspects are those of the facts it sets.
    """
    per_source: dict[str, Counter[str]] = {s: Counter() for s in log.registry.sources}
    unsourced = []
    for event in log.events:
        if not event.sources:
            unsourced.append(event.id)
        aspects = {f.aspect for f in facts_of(event, log.registry)} or {event.kind}
        for ref in {s.id for s in event.sources}:
            per_source[ref]["events"] += 1
            for aspect in aspects:
                per_source[ref][aspect] += 1
    columns = sorted({k for c in per_source.values() for k in c if k != "events"})
    headers = ["source", "events", *columns]
    rows: list[list[object]] = [[s, c["events"], *(c[a] for a in columns)] for s, c in per_source.items()]
    rows.append(["(no source)", len(unsourced), *("" for _ in columns)])
    return headers, rows
