"""Summaries of a log: how its events are sourced."""

from __future__ import annotations

from collections import Counter

from statustrack.core.reducers import facts_of
from statustrack.core.replay import counted_events
from statustrack.log.load import Log

__all__ = ["sources"]


def sources(log: Log) -> tuple[list[str], list[list[object]]]:
    """One row per source: its id, title and address, how many events that count cite it
    (retracted and replaced events do not count), how many that do not, and the counted
    ones per aspect (a dict, aspect -> number).

    A last row counts the events that cite no source (the loader refuses them, so it
    reads 0 for any log that loads). An event's aspects are those of the facts it sets;
    a retraction counts under `retraction`.
    """
    counted = {e.id for e in counted_events(log.events)}
    per_source: dict[str, Counter[str]] = {s: Counter() for s in log.registry.sources}
    undone: Counter[str] = Counter()
    unsourced = [e.id for e in log.events if not e.sources]
    for event in log.events:
        refs = {s.id for s in event.sources}
        if event.id not in counted and event.kind != "retraction":
            undone.update(refs)
            continue
        aspects = {f.aspect for f in facts_of(event, log.registry)} or {event.kind}
        for ref in refs:
            per_source[ref].update(aspects)
            per_source[ref]["(events)"] += 1
    rows: list[list[object]] = []
    for ident, counts in per_source.items():
        source = log.registry.sources[ident]
        by_aspect = {a: n for a, n in sorted(counts.items()) if a != "(events)"}
        rows.append([ident, source.title, source.url, counts["(events)"], undone[ident], by_aspect])
    rows.append(["(no source)", None, None, len(unsourced), 0, {"events": " ".join(unsourced)} if unsourced else {}])
    return ["source", "title", "url", "events", "not_counted", "by_aspect"], rows
