"""A brute-force model of the replay, written independently of the engine.

For each key it scans every event and keeps the latest one in force: no timeline, no
fold, no reducers, its own end-of-day. It answers key -> (event id, since, certainty).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pendulum

from statustrack import events as ev

KEY_OF: dict[type[ev.Event], Callable[[ev.Event], tuple[str, str]]] = {
    ev.Declaration: lambda e: ("status", e.polity),
    ev.Decree: lambda e: ("status", e.polity),
    ev.Claim: lambda e: ("status", f"{e.polity}/{e.party}"),
    ev.War: lambda e: ("conflict", e.theatre),
    ev.Offensive: lambda e: ("conflict", e.theatre),
    ev.Ceasefire: lambda e: ("conflict", e.theatre),
    ev.Blockade: lambda e: ("conflict", e.place),
    ev.Deployment: lambda e: ("conflict", e.force),
    ev.Capture: lambda e: ("control", e.place),
    ev.Handover: lambda e: ("control", e.place),
    ev.Recognition: lambda e: ("recognition", e.actor),
    ev.Resolution: lambda e: ("resolution", f"{e.body}:{e.ref}"),
    ev.Statement: lambda e: ("resolution", f"{e.actor}:{e.ref or e.date.text}"),
    ev.Office: lambda e: ("office", e.place),
    ev.Officeholder: lambda e: ("officeholder", e.post),
    ev.Relation: lambda e: ("relation", f"{e.type}:{e.a}~{e.b}"),
}

Seen = dict[tuple[str, str], tuple[str, str, str]]


def query_instant(text: str, tz: str) -> pendulum.DateTime:
    """The model's own reading of a query date: an instant, or the end of the day/month/year."""
    if "T" in text:
        return pendulum.parse(text).in_tz("UTC")
    parts = [int(p) for p in text.split("-")]
    unit = ("year", "month", "day")[len(parts) - 1]
    start = pendulum.datetime(parts[0], *(parts[1:] or [1]), *([1] if len(parts) < 3 else []), tz=tz)
    return start.end_of(unit).in_tz("UTC")


def live_events(events: Sequence[ev.Event], known_at: pendulum.DateTime | None) -> list[tuple[int, ev.Event]]:
    """Events recorded by `known_at`, minus those retracted or replaced (no chains)."""
    known = [e for e in events if known_at is None or e.recorded is None or e.recorded.end <= known_at]
    undone = {e.retracts for e in known if isinstance(e, ev.Retraction)}
    undone |= {e.replaces for e in known if e.replaces and e.id not in undone}
    return [(i, e) for i, e in enumerate(known) if e.id not in undone and not isinstance(e, ev.Retraction)]


def model_at(events: Sequence[ev.Event], q: pendulum.DateTime, known_at: pendulum.DateTime | None = None) -> Seen:
    """The latest fact per key at instant `q`, by scanning every event."""
    best: dict[tuple[str, str], tuple[tuple[pendulum.DateTime, int], tuple[str, str, str]]] = {}
    for index, e in live_events(events, known_at):
        aspect, subject = KEY_OF[type(e)](e)
        takes = e.effective if e.effective is not None else e.date
        candidates = []
        if takes.start <= q:
            candidates.append(((aspect, subject), takes))
        if e.effective is not None and e.effective.start > e.date.start and e.date.start <= q < e.effective.start:
            candidates.append(((aspect, f"{subject}@pending:{e.id}"), e.date))
        for key, interval in candidates:
            rank = (interval.start, index)
            if key not in best or rank > best[key][0]:
                certainty = "certain" if interval.end <= q else "possible"
                best[key] = (rank, (e.id, interval.text, certainty))
    return {k: v for k, (_, v) in best.items()}
