"""Reading a loaded log by replaying its events: the `api.reader.Reader` that answers
every query the index cannot (a record time) or when there is no index. Its own module
so that reading through the index never imports the replay."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from itertools import pairwise

import pendulum

from statustrack.api.answer import Keep, Sides, kept, order, seen_at
from statustrack.core.catalogue import Catalogue
from statustrack.core.dates import Interval
from statustrack.core.facts import Fact, Key
from statustrack.core.model import Log
from statustrack.core.registry import Registry
from statustrack.core.replay import EMPTY, Replay, apply

__all__ = ["Replayed"]


class Replayed:
    """A loaded log read by replaying its events, as recorded by `known_at` (None: all)."""

    def __init__(self, log: Log, known_at: pendulum.DateTime | None = None) -> None:
        self.log = log
        self.known_at = known_at
        self._replay = Replay.of(log)

    @property
    def name(self) -> str:
        """The log's name."""
        return self.log.name

    @property
    def timezone(self) -> str:
        """The log's time zone."""
        return self.log.timezone

    @property
    def horizon(self) -> Interval | None:
        """The span the log covers."""
        return self.log.horizon

    @property
    def registry(self) -> Registry:
        """The log's registry."""
        return self.log.registry

    def catalogue(self) -> Catalogue:
        """The subjects the events that count give."""
        return self._replay.catalogue()

    def at(self, instant: pendulum.DateTime, keep: Keep) -> tuple[Fact, ...]:
        """The replayed state at `instant`, filtered and ordered."""
        state = self._replay.state(instant, self.known_at)
        return order(seen_at(f, instant) for f in state.facts.values() if kept(keep, f))

    def between(self, lo: pendulum.DateTime, hi: pendulum.DateTime, keep: Keep) -> Sides:
        """The states at `lo` and `hi`, and the steps in between replayed once more for
        what changed each key."""
        before = {f.key: f for f in self.at(lo, keep)}
        after = {f.key: f for f in self.at(hi, keep)}
        steps = self._replay.steps(self.known_at)
        facts = dict(self._replay.state(lo, self.known_at).facts)
        causes: dict[Key, list[str]] = {}
        for step in steps:
            if step.instant <= lo:
                continue
            if step.instant > hi:
                break
            for key in apply(facts, step):
                ids = causes.setdefault(key, [])
                ids.extend(i for i in step.events if i not in ids)
        return before, after, causes

    def slide(self, instants: Sequence[pendulum.DateTime], keep: Keep) -> Iterator[Sides]:
        """Each step between consecutive instants, on its own."""
        for lo, hi in pairwise(instants):
            yield self.between(lo, hi, keep)

    def sweep(self, instants: Sequence[pendulum.DateTime], keep: Keep) -> Iterator[tuple[Fact, ...]]:
        """The state at the first instant, then only the steps up to each next one."""
        state = EMPTY
        for instant in instants:
            state = self._replay.state(instant, self.known_at, state)
            yield order(seen_at(f, instant) for f in state.facts.values() if kept(keep, f))
