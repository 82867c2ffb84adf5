"""Queries on a log: the state at an instant, the difference between two, what counts.

All pure functions of a `Log`; the CLI calls them by the same names.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import attrs
import pendulum

from .dates import parse_when
from .errors import QueryError
from .facts import ASPECTS, Fact, Key
from .log import Log
from .reducers import PENDING
from .state import EMPTY, State, Step, counted_events, replay, timeline

__all__ = ["Answer", "Change", "Diff", "at", "counted_events", "diff", "resolve_when", "steps_for"]


@attrs.frozen
class Answer:
    """The facts in force at `at`, as the log stood at `known_at` (None: everything recorded)."""

    at: str
    known_at: str | None
    instant: pendulum.DateTime
    facts: tuple[Fact, ...]


@attrs.frozen
class Change:
    """One fact that differs between two instants, and the events between them that did it."""

    aspect: str
    subject: str
    subject_name: str
    before: Fact | None
    after: Fact | None
    events: tuple[str, ...]


@attrs.frozen
class Diff:
    """Every change from `at(from_)` to `at(to)`."""

    from_: str
    to: str
    known_at: str | None
    changes: tuple[Change, ...]


def resolve_when(log: Log, text: str) -> pendulum.DateTime:
    """The instant a query date means in `log`'s time zone; QueryError if it is not a date."""
    try:
        return parse_when(text, log.timezone)
    except ValueError as e:
        raise QueryError(str(e)) from e


def steps_for(log: Log, known_at: pendulum.DateTime | None = None) -> tuple[Step, ...]:
    """The timeline of the events that count at record time `known_at` (cached per log)."""
    key = ("steps", known_at)
    if key not in log.cache:
        log.cache[key] = timeline(counted_events(log.events, known_at), log.registry)
    return log.cache[key]


def _seen_at(fact: Fact, instant: pendulum.DateTime) -> Fact:
    if fact.interval.certain_by(instant):
        return fact
    before = fact.settled_before(instant)
    return attrs.evolve(fact, certainty="possible", otherwise=before.value if before else None,
                        otherwise_event=before.event if before else None)


def _order(facts: Iterable[Fact]) -> tuple[Fact, ...]:
    rank = {a: i for i, a in enumerate(ASPECTS)}
    return tuple(sorted(facts, key=lambda f: (rank.get(f.aspect, len(rank)), f.aspect,
                                               PENDING in f.subject, f.subject_name.casefold(), f.subject)))


def _wanted(log: Log, aspects: Sequence[str] | None, subjects: Sequence[str] | None):  # noqa: ANN202
    for aspect in aspects or ():
        if aspect not in ASPECTS:
            msg = f"unknown aspect {aspect!r}; use one of: {', '.join(ASPECTS)}"
            raise QueryError(msg)
    ids: set[str] = set()
    for spelling in subjects or ():
        found = log.registry.resolve(spelling)
        if not found:
            msg = f"no place or actor is called {spelling!r}; try an id, a name or an alias from the registry"
            raise QueryError(msg)
        ids |= found

    def keep(fact: Fact) -> bool:
        if aspects and fact.aspect not in aspects:
            return False
        if ids:
            subject = fact.subject.split(PENDING)[0]
            parts = {subject} | {v for _, v in fact.detail}
            parts |= set(subject.replace("~", "/").replace(":", "/").split("/"))
            return bool(parts & ids)
        return True

    return keep


def state_at(log: Log, instant: pendulum.DateTime, known_at: pendulum.DateTime | None = None,
             start: State = EMPTY) -> State:
    """The replayed state at `instant`, continuing from `start` when given."""
    return replay(steps_for(log, known_at), instant, start)


def at(log: Log, when: str, *, known_at: str | None = None, aspects: Sequence[str] | None = None,
       subjects: Sequence[str] | None = None) -> Answer:
    """The facts in force at `when` (a day means its end), each marked certain or possible."""
    instant = resolve_when(log, when)
    record = resolve_when(log, known_at) if known_at else None
    keep = _wanted(log, aspects, subjects)
    state = state_at(log, instant, record)
    facts = _order(_seen_at(f, instant) for f in state.facts.values() if keep(f))
    return Answer(when, known_at, instant, facts)


def diff(log: Log, from_: str, to: str, *, known_at: str | None = None,
         aspects: Sequence[str] | None = None, subjects: Sequence[str] | None = None) -> Diff:
    """What changed between `at(from_)` and `at(to)`, with the ids of the events that changed it."""
    before = {f.key: f for f in at(log, from_, known_at=known_at, aspects=aspects, subjects=subjects).facts}
    after = {f.key: f for f in at(log, to, known_at=known_at, aspects=aspects, subjects=subjects).facts}
    lo, hi = sorted((resolve_when(log, from_), resolve_when(log, to)))
    record = resolve_when(log, known_at) if known_at else None
    causes: dict[Key, list[str]] = {}
    for step in steps_for(log, record):
        if lo < step.instant <= hi:
            for key in step.keys:
                ids = causes.setdefault(key, [])
                if step.event.id not in ids:
                    ids.append(step.event.id)
    changes = []
    for key in sorted(before.keys() | after.keys()):
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        ids = causes.get(key) or [f.event for f in (new, old) if f is not None][:1]
        shown = new or old
        assert shown is not None
        changes.append(Change(key[0], key[1], shown.subject_name, old, new, tuple(ids)))
    order = {f.key: i for i, f in enumerate(_order([c.after or c.before for c in changes]))}
    changes.sort(key=lambda c: order[(c.aspect, c.subject)])
    return Diff(from_, to, known_at, tuple(changes))
