"""Replay: events become a timeline of steps, and a state is the fold of the steps so far.

The timeline is ordered by the start of each step's interval; ties keep log order. An
event whose `effective` is later than its `date` makes two steps: at its date it puts
pending facts on record, at its effective date it clears them and sets its facts.
A state remembers the instant it was replayed to, so a replay can continue from it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from types import MappingProxyType

import attrs
import pendulum

from .events import Event, Retraction
from .facts import Fact, Key
from .reducers import announced, facts_of
from .registry import Registry

__all__ = ["EMPTY", "State", "Step", "counted_events", "replay", "timeline"]


@attrs.frozen
class Step:
    """One change to the state at `instant`: facts to clear, then facts to set."""

    instant: pendulum.DateTime
    order: int
    event: Event = attrs.field(repr=False)
    sets: tuple[Fact, ...] = attrs.field(repr=False)
    clears: tuple[Key, ...] = ()

    @property
    def keys(self) -> frozenset[Key]:
        """Every key this step touches."""
        return frozenset(self.clears) | {f.key for f in self.sets}


def counted_events(events: Sequence[Event], known_at: pendulum.DateTime | None = None) -> tuple[Event, ...]:
    """The events that count, in log order: recorded by `known_at`, not retracted, not replaced.

    A retraction or correction that is itself retracted no longer counts, so the event it
    named counts again.
    """
    known = [e for e in events if known_at is None or e.recorded is None or e.recorded.end <= known_at]
    by_id = {e.id: e for e in known}
    undone: dict[str, list[str]] = {}
    for e in known:
        target = e.retracts if isinstance(e, Retraction) else e.replaces
        if target is not None:
            undone.setdefault(target, []).append(e.id)
    memo: dict[str, bool] = {}

    def counts(ident: str) -> bool:
        if ident not in memo:
            memo[ident] = False  # a cycle counts as nothing; validation refuses cycles
            memo[ident] = not any(counts(u) for u in undone.get(ident, ()) if u in by_id)
        return memo[ident]

    return tuple(e for e in known if counts(e.id) and not isinstance(e, Retraction))


def timeline(events: Iterable[Event], reg: Registry) -> tuple[Step, ...]:
    """The steps of `events` (given in log order), sorted by instant, ties in log order."""
    steps: list[Step] = []
    for order, event in enumerate(events):
        sets = facts_of(event, reg)
        if event.announced_early:
            pending = announced(event, reg)
            steps.append(Step(event.date.start, order, event, pending))
            steps.append(Step(event.takes_effect.start, order, event, sets,
                              tuple(f.key for f in pending)))
        else:
            steps.append(Step(event.takes_effect.start, order, event, sets))
    steps.sort(key=lambda s: (s.instant, s.order))
    return tuple(steps)


@attrs.frozen
class State:
    """The facts in force after replaying every step up to and including `upto`
    (None: nothing replayed yet)."""

    upto: pendulum.DateTime | None
    facts: Mapping[Key, Fact] = attrs.field(converter=lambda m: MappingProxyType(dict(m)))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, State):
            return NotImplemented
        return self.upto == other.upto and dict(self.facts) == dict(other.facts)

    def __hash__(self) -> int:
        return hash((self.upto, frozenset(self.facts.items())))


EMPTY = State(None, {})


def replay(steps: Sequence[Step], upto: pendulum.DateTime, start: State = EMPTY) -> State:
    """Apply to `start` every step after `start.upto` and at or before `upto`."""
    if start.upto is not None and upto < start.upto:
        msg = f"cannot replay backwards: the snapshot is at {start.upto}, asked for {upto}"
        raise ValueError(msg)
    facts = dict(start.facts)
    for step in steps:
        if start.upto is not None and step.instant <= start.upto:
            continue
        if step.instant > upto:
            break
        for key in step.clears:
            facts.pop(key, None)
        for fact in step.sets:
            facts[fact.key] = attrs.evolve(fact, previous=facts.get(fact.key))
    return State(upto, facts)
