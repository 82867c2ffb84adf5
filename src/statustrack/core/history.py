"""The replayed history as a temporal table: every fact with the instants it held.

One sweep over the timeline gives, per key, the *versions* of its fact: each a fact as the
replay held it from `valid_from` up to (not including) `valid_to`. A version changes when
a step changes the fact (a new value, a corroboration joining, an ending, a pending fact
worked out again). Versions of one value run share a `run` number. `at(D)` is exactly the
versions containing D; the fold stays the definition and this is its materialised view.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING

import attrs
import pendulum

from statustrack.core.facts import Fact, Key
from statustrack.core.shown import runs_in

if TYPE_CHECKING:  # the replay only where a sweep runs: versions read from the index need none of it
    from statustrack.core.replay import Step

__all__ = ["Run", "Version", "runs_of", "sweep", "versions"]


@attrs.frozen
class Version:
    """A fact as it held from `valid_from` to `valid_to` (None: still holds at the log's end).

    `run` numbers the value run the version belongs to (unique across the log)."""

    key: Key
    fact: Fact
    valid_from: pendulum.DateTime
    valid_to: pendulum.DateTime | None
    run: int

    def holds_at(self, instant: pendulum.DateTime) -> bool:
        """True when the version is the fact in force at `instant`."""
        return self.valid_from <= instant and (self.valid_to is None or instant < self.valid_to)


@attrs.frozen
class Run:
    """One value held by one key: from, to, and the versions that make it up (the last is
    the fullest: every corroboration and account that joined it)."""

    key: Key
    run: int
    valid_from: pendulum.DateTime
    valid_to: pendulum.DateTime | None
    versions: tuple[Version, ...]

    @property
    def fact(self) -> Fact:
        """The run's fact as it stood when the run ended (or at the log's end)."""
        return self.versions[-1].fact


def _same_run(old: Fact, new: Fact) -> bool:
    return old.event == new.event and old.value == new.value and old.pending == new.pending


def sweep(steps: Sequence[Step]) -> Iterator[tuple[Step, dict[Key, Fact], list[Key]]]:
    """Replay every step once, yielding the step, the facts after it and the keys it changed.

    The facts dict is the same object throughout (mutated in place); copy it to keep it.
    """
    from statustrack.core.replay import apply

    facts: dict[Key, Fact] = {}
    for step in steps:
        yield step, facts, apply(facts, step)


def versions(steps: Sequence[Step], each: Callable[[Step, list[Key]], object] | None = None) -> tuple[Version, ...]:
    """Every version of every fact over the whole timeline, ordered by key then time.

    `each`, if given, is called with every step and the keys it changed (as `sweep` gives
    them), so a caller that needs both walks the timeline once."""
    open_: dict[Key, tuple[Fact, pendulum.DateTime, int]] = {}
    done: list[Version] = []
    counter = 0
    for step, facts, changed in sweep(steps):
        if each is not None:
            each(step, changed)
        for key in dict.fromkeys(changed):
            current = open_.get(key)
            new = facts.get(key)
            if current is not None and new is current[0]:
                continue
            if current is not None:
                old, start, run = current
                if step.instant > start:
                    done.append(Version(key, old, start, step.instant, run))
                if new is not None and _same_run(old, new):
                    open_[key] = (new, step.instant, run)
                    continue
            if new is None:
                open_.pop(key, None)
            else:
                counter += 1
                open_[key] = (new, step.instant, counter)
    done.extend(Version(key, fact, start, None, run) for key, (fact, start, run) in open_.items())
    # Key's own order, field by field, then time: two stable sorts (by time, then by each
    # key's place among the keys), so no tuple is made per version (a million of them at 1e6)
    place = {
        key: n for n, key in enumerate(sorted({v.key for v in done}, key=lambda k: (k.aspect, k.subject, k.pending)))
    }
    done.sort(key=lambda v: v.valid_from)
    done.sort(key=lambda v: place[v.key])
    return tuple(done)


def runs_of(all_versions: Sequence[Version]) -> tuple[Run, ...]:
    """The value runs: consecutive versions of one key with one run number."""
    grouped = runs_in(all_versions, operator.attrgetter("run"))
    runs = [Run(vs[0].key, vs[0].run, vs[0].valid_from, vs[-1].valid_to, tuple(vs)) for vs in grouped]
    runs.sort(key=lambda r: (r.key.aspect, r.key.subject, r.key.pending, r.valid_from))
    return tuple(runs)
