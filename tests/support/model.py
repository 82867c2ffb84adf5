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
    ev.Offensive: lambda e: ("conflict", f"{e.theatre}:{e.name}"),
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
    ev.Offensive: lambda e: ("offensive", e.by),
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

#: Whose position an event states (its holders), written independently of `core.standing`.
HOLDERS_OF: dict[type[ev.Event], Callable[[ev.Event], tuple[str, ...]]] = {
    ev.Claim: lambda e: (e.party,),
    ev.Recognition: lambda e: (e.actor,),
    ev.Resolution: lambda e: (e.body,),
    ev.Office: lambda e: (e.polity,),
    ev.Officeholder: lambda e: (e.polity,),
    ev.Relation: lambda e: (e.a, e.b),
    ev.Capture: lambda e: (e.by,),
    ev.Handover: lambda e: (e.to,),
}


def is_act(e: ev.Event) -> bool:
    """Whether `e` records an act: a statement, or a vote that rejected a motion."""
    return isinstance(e, ev.Statement) or (
        isinstance(e, ev.Recognition) and e.stance in ("rejected-recognition", "rejected-territorial-integrity")
    )


def records_end(e: ev.Event) -> bool:
    """Whether `e` records that a position ended (a cessation leaves such a fact alone)."""
    return (
        (isinstance(e, ev.Office) and e.state == "closed")
        or (isinstance(e, ev.Relation) and e.state == "ended")
        or (isinstance(e, ev.Officeholder) and e.person.startswith("vacant"))
    )


Moment = tuple[pendulum.DateTime, int, int]


def _moment(e: ev.Event, index: int) -> Moment:
    """Where `e` applies: its instant, then foundings first and cessations last, then log order."""
    rank = -1 if isinstance(e, ev.Founding) else 1 if isinstance(e, ev.Cessation) else 0
    return ((e.effective or e.date).start, rank, index)


def _exists(marks: list[tuple[Moment, bool]], moment: Moment) -> bool:
    """Whether an actor with these (moment, is founding) marks exists at `moment`: unless its
    latest mark by then is a cessation (before any mark it counts as existing: causal)."""
    before = [founding for when, founding in marks if when[:2] <= moment[:2]]
    return before[-1] if before else True


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
    -> (first event of the value's run, its date as standard EDTF, certainty).

    Acts are listed (every act on record); a position is left out when one of its holders
    did not exist when it was stated, or ceased to exist since (unless it records an end);
    an offensive is left out once a war of its theatre applied after it. A run is broken
    by any of those, and an act is a run of its own."""
    live = live_events(events, known_at)
    marks: dict[str, list[tuple[Moment, bool]]] = {}
    wars: dict[str, list[Moment]] = {}
    for index, e in live:
        if isinstance(e, (ev.Founding, ev.Cessation)):
            marks.setdefault(e.actor, []).append((_moment(e, index), isinstance(e, ev.Founding)))
        if isinstance(e, ev.War):
            wars.setdefault(e.theatre, []).append(_moment(e, index))
    for items in marks.values():
        items.sort(key=lambda m: m[0])

    def absent(e: ev.Event, when: Moment) -> bool:
        return not is_act(e) and any(not _exists(marks.get(h, []), when) for h in HOLDERS_OF.get(type(e), _none)(e))

    def ceased_between(e: ev.Event, lo: Moment, hi: pendulum.DateTime | Moment) -> bool:
        """A holder of `e` ceased after `lo` and by `hi`."""
        for h in HOLDERS_OF.get(type(e), _none)(e):
            for when, founding in marks.get(h, []):
                by_hi = when[:2] <= hi[:2] if isinstance(hi, tuple) else when[0] <= hi
                if not founding and when[:2] > lo[:2] and by_hi:
                    return True
        return False

    def closed_between(e: ev.Event, lo: Moment, hi: pendulum.DateTime | Moment) -> bool:
        """A war of the offensive `e`'s theatre applied after `lo` and by `hi`."""
        if not isinstance(e, ev.Offensive):
            return False
        return any(w > lo and (w < hi if isinstance(hi, tuple) else w[0] <= hi) for w in wars.get(e.theatre, []))

    said: dict[Key, list[tuple[Moment, ev.Event, object]]] = {}
    for index, e in live:
        if isinstance(e, (ev.Founding, ev.Cessation)):
            continue
        aspect, subject = KEY_OF[type(e)](e)
        takes = e.effective if e.effective is not None else e.date
        if takes.start <= q:
            said.setdefault((aspect, subject, False), []).append((_moment(e, index), e, takes))
        if e.effective is not None and e.effective.start > e.date.start and e.date.start <= q < e.effective.start:
            said.setdefault((aspect, subject, True), []).append(((e.date.start, 0, index), e, e.date))
    seen: Seen = {}
    for key, items in said.items():
        items.sort(key=lambda item: item[0])
        pending = key[2]
        when, last, _ = items[-1]
        if not pending:
            if absent(last, when) or closed_between(last, when, q):
                continue
            if not is_act(last) and not records_end(last) and ceased_between(last, when, q):
                continue
        value = VALUE_OF[type(last)](last)
        run = [items[-1]]
        for item in reversed(items[:-1]):
            later_when, later = run[0][0], run[0][1]
            if VALUE_OF[type(item[1])](item[1]) != value:
                break
            if not pending and (
                is_act(later)
                or absent(later, later_when)
                or absent(item[1], item[0])
                or closed_between(item[1], item[0], later_when)
                or (not records_end(item[1]) and ceased_between(item[1], item[0], later_when))
            ):
                break
            run.insert(0, item)
        first = run[0]
        certain = any(interval.end <= q for _, _, interval in run)
        seen[key] = (first[1].id, str(first[2]), "certain" if certain else "possible")
    return seen


def _none(e: ev.Event) -> tuple[str, ...]:
    return ()
