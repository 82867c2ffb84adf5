"""A brute-force model of the replay, written independently of the engine.

For each key it scans every event and keeps the latest one in force, then walks back
over the events before it that say the same (the value's run): no timeline, no fold, no
reducers, its own end-of-day. It answers key -> (event id, since, certainty), where the
event and since are those of the run's first event, and the run is certain once any of
its events certainly happened.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pendulum

from statustrack.core import events as ev

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

#: What an event says, independently of how the engine words it: equal means "the same value".
VALUE_OF: dict[type[ev.Event], Callable[[ev.Event], object]] = {
    ev.Declaration: lambda e: e.status,
    ev.Decree: lambda e: e.status,
    ev.Claim: lambda e: e.position,
    ev.War: lambda e: ("war", e.name),
    ev.Offensive: lambda e: ("offensive", e.by, e.name),
    ev.Ceasefire: lambda e: ("ceasefire", e.name),
    ev.Blockade: lambda e: (e.state, e.by),
    ev.Deployment: lambda e: (e.state, e.place, e.strength),
    ev.Capture: lambda e: ("holder", e.by),
    ev.Handover: lambda e: ("holder", e.to),
    ev.Recognition: lambda e: e.stance,
    ev.Resolution: lambda e: e.summary,
    ev.Statement: lambda e: e.summary,
    ev.Office: lambda e: e.state,
    ev.Officeholder: lambda e: e.person,
    ev.Relation: lambda e: (e.type, e.state),
}

Key = tuple[str, str, bool]
Seen = dict[Key, tuple[str, str, str]]


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
    """The fact per key at instant `q`, by scanning every event: (aspect, subject, pending)
    -> (first event of the value's run, its date as standard EDTF, certainty)."""
    said: dict[Key, list[tuple[tuple[pendulum.DateTime, int], ev.Event, object]]] = {}
    for index, e in live_events(events, known_at):
        aspect, subject = KEY_OF[type(e)](e)
        takes = e.effective if e.effective is not None else e.date
        if takes.start <= q:
            said.setdefault((aspect, subject, False), []).append(((takes.start, index), e, takes))
        if e.effective is not None and e.effective.start > e.date.start and e.date.start <= q < e.effective.start:
            said.setdefault((aspect, subject, True), []).append(((e.date.start, index), e, e.date))
    seen: Seen = {}
    for key, items in said.items():
        items.sort(key=lambda item: item[0])
        last = VALUE_OF[type(items[-1][1])](items[-1][1])
        run = [items[-1]]
        for item in reversed(items[:-1]):
            if VALUE_OF[type(item[1])](item[1]) != last:
                break
            run.insert(0, item)
        first = run[0]
        certain = any(interval.end <= q for _, _, interval in run)
        seen[key] = (first[1].id, str(first[2]), "certain" if certain else "possible")
    return seen
