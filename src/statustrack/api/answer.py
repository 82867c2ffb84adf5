"""What the query verbs answer (`Answer`, `Change`, `Diff`), and how an answer shows and
orders its facts: each as seen at the instant asked about, sorted by `rank`. Shared by the
verbs (`api.query`) and the readers they read through (`api.reader`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence

import attrs
import pendulum

from statustrack.core.facts import Fact, Key, Rank, rank
from statustrack.core.registry import SourceRef

__all__ = [
    "ACTS_WINDOW",
    "Answer",
    "Change",
    "Diff",
    "Keep",
    "Sides",
    "changes",
    "differing",
    "kept",
    "order",
    "rank",
    "seen_at",
    "split",
    "visible",
]


#: How far back, in days, `at` lists acts by default (docs/claims.md, "Acts and standing positions").
ACTS_WINDOW = 365


@attrs.frozen
class Answer:
    """The facts in force at `at`, as the log stood at `known_at` (None: everything recorded),
    and `acts`: the acts of the recent past (the window `at` was asked with), newest first."""

    at: str
    known_at: str | None
    instant: pendulum.DateTime
    facts: tuple[Fact, ...]
    outside: str | None = None
    acts: tuple[Fact, ...] = ()

    @property
    def beyond_horizon(self) -> bool:
        """True when the query instant lies outside the span the log covers."""
        return self.outside is not None


@attrs.frozen
class Change:
    """One fact that differs between two instants, and the events between them that did it."""

    aspect: str
    subject: str
    subject_name: str
    before: Fact | None
    after: Fact | None
    events: tuple[str, ...]
    pending: bool = False
    #: When the change happened: the new value's `since`, else the date of the event that ended it.
    date: str | None = None
    #: Each event of `events` with its date (EDTF; None when the answer does not know it).
    event_dates: tuple[tuple[str, str | None], ...] = ()
    #: The level, country and `part_of` chain of the place or actor the fact is chiefly about.
    level: str | None = None
    country: str | None = None
    part_of: tuple[str, ...] = ()
    #: The sources of the events that made the change.
    sources: tuple[SourceRef, ...] = ()

    @property
    def kind(self) -> str:
        """`added`, `ended` (no fact after) or `changed`."""
        return "added" if self.before is None else "ended" if self.after is None else "changed"


@attrs.frozen
class Diff:
    """Every change from `at(from_)` to `at(to)`. `backward` when `from_` is the later date:
    the journey goes back in time, each change undoing the events it names."""

    from_: str
    to: str
    known_at: str | None
    changes: tuple[Change, ...]
    backward: bool = False
    from_instant: pendulum.DateTime | None = attrs.field(default=None, eq=False)
    to_instant: pendulum.DateTime | None = attrs.field(default=None, eq=False)


def seen_at(fact: Fact, instant: pendulum.DateTime) -> Fact:
    """`fact` as seen at `instant`: certain, or possible with what holds if not yet."""
    if fact.certain_by(instant):
        return fact
    before = fact.settled_before(instant)
    return attrs.evolve(
        fact,
        certainty="possible",
        otherwise=before.value if before else None,
        otherwise_event=before.event if before else None,
    )


def split(
    facts: Iterable[Fact], instant: pendulum.DateTime, window: int | None = ACTS_WINDOW
) -> tuple[tuple[Fact, ...], tuple[Fact, ...]]:
    """The facts of a state, as an answer lists them: those in force (in their order), and
    the acts that may have happened in the `window` days up to `instant` (None: every act),
    newest first. A lapsed position (its holder ceased to exist) is in neither."""
    in_force: list[Fact] = []
    acts: list[Fact] = []
    start = None
    if window is not None:
        try:
            start = instant.subtract(days=window)
        except OverflowError:  # a window reaching before year 1 holds every act
            start = None
    for fact in facts:
        if fact.lapsed is not None:
            continue
        if fact.act and not fact.pending:
            if start is None or fact.interval.end > start:
                acts.append(fact)
        else:
            in_force.append(fact)
    acts.sort(key=lambda f: (f.interval.start, f.interval.end), reverse=True)
    return tuple(in_force), tuple(acts)


def visible(facts: Mapping[Key, Fact]) -> dict[Key, Fact]:
    """The facts of a state a `diff` compares: every fact but a lapsed position (it has ended)."""
    return {k: f for k, f in facts.items() if f.lapsed is None}


def order(facts: Iterable[Fact]) -> tuple[Fact, ...]:
    """Facts in the order answers list them: by aspect, then subject name, pending last."""
    return tuple(sorted(facts, key=rank))


def differing(
    before: Mapping[Key, Fact],
    after: Mapping[Key, Fact],
    causes: Mapping[Key, Sequence[str]],
    *,
    backward: bool = False,
) -> list[tuple[Key, Fact | None, Fact | None, tuple[str, ...]]]:
    """The keys whose facts differ between two states, each with its fact before and after
    and the events that changed it, in answer order: what `changes` makes its `Change`s of.
    `backward`: `before` is the later state, so the events are those the change undoes."""
    found = []
    before, after = visible(before), visible(after)
    for key in before.keys() | after.keys():
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        later = (old, new) if backward else (new, old)
        ids = causes.get(key) or [f.event for f in later if f is not None][:1]
        shown = later[0] or later[1]  # the later fact, as the forward journey shows it
        assert shown is not None
        found.append((rank(shown), key, old, new, tuple(ids)))
    found.sort(key=_first)  # ranks differ by key: no tie
    return [(key, old, new, ids) for _, key, old, new, ids in found]


def _first(item: tuple[Rank, Key, Fact | None, Fact | None, tuple[str, ...]]) -> Rank:
    return item[0]


def changes(
    before: Mapping[Key, Fact],
    after: Mapping[Key, Fact],
    causes: Mapping[Key, Sequence[str]],
    *,
    backward: bool = False,
) -> tuple[Change, ...]:
    """The facts that differ between two states, with the events that changed each, in answer
    order. `backward`: `before` is the later state, so the events are those the change undoes."""
    return tuple(
        Change(
            key.aspect,
            key.subject,
            ((old or new) if backward else (new or old)).subject_name,  # type: ignore[union-attr]
            old,
            new,
            ids,
            key.pending,
        )
        for key, old, new, ids in differing(before, after, causes, backward=backward)
    )


#: Keeps the facts an answer lists (None: every fact).
Keep = Callable[[Fact], bool] | None
#: Both sides of a step from one instant to a later one, each fact as seen there, and for
#: each key the events of the steps in between that changed its fact, in order.
Sides = tuple[dict[Key, Fact], dict[Key, Fact], dict[Key, list[str]]]


def kept(keep: Keep, fact: Fact) -> bool:
    """Whether `keep` keeps `fact` (None keeps every fact)."""
    return keep is None or keep(fact)
