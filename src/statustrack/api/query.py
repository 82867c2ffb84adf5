"""Queries on a log: the state at an instant, the difference between two, what counts.

All pure functions of a `Log`; the CLI calls them by the same names.
"""

from __future__ import annotations

import bisect
import difflib
import heapq
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

import attrs
import pendulum

from statustrack.core.dates import parse_when
from statustrack.errors import QueryError
from statustrack.core.facts import ASPECTS, ID_ROLES, Fact, Key, rank
from statustrack.core.model import Log
from statustrack.core.registry import LEVELS, fold

if TYPE_CHECKING:
    from statustrack.core.replay import State, Step

__all__ = ["Answer", "Change", "Diff", "at", "diff", "rank", "resolve_when", "steps_for", "sweep"]


@attrs.frozen
class Answer:
    """The facts in force at `at`, as the log stood at `known_at` (None: everything recorded)."""

    at: str
    known_at: str | None
    instant: pendulum.DateTime
    facts: tuple[Fact, ...]
    outside: str | None = None

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

    @property
    def kind(self) -> str:
        """`added`, `ended` (no fact after) or `changed`."""
        return "added" if self.before is None else "ended" if self.after is None else "changed"


@attrs.frozen
class Diff:
    """Every change from `at(from_)` to `at(to)`."""

    from_: str
    to: str
    known_at: str | None
    changes: tuple[Change, ...]


def resolve_when(log: Log, text: str) -> pendulum.DateTime:
    """The instant a query date means in `log`'s time zone; QueryError if it is not a date."""
    known = log.cache.setdefault("when", {})  # a slider or a sweep asks for each date twice
    found = known.get(text) if isinstance(text, str) else None
    if found is not None:
        return found
    try:
        found = parse_when(text, log.timezone)
    except ValueError as e:
        raise QueryError(str(e)) from e
    known[text] = found
    return found


def outside_horizon(log: Log, instant: pendulum.DateTime, when: str) -> str | None:
    """A note when `instant` lies outside the log's horizon, else None."""
    horizon = log.horizon
    if horizon is None:
        return None
    span = f"{horizon.edtf.replace('/', '–')}"
    if instant < horizon.start:
        return (f"{when} lies before the span this log covers ({span}): "
                "no facts means the log is silent, not that nothing held")
    if horizon.until is not None and instant > horizon.until.end:
        return (f"{when} lies beyond the span this log covers ({span}): "
                "facts shown as in force are the log's last word, not news of that date")
    return None


def steps_for(log: Log, known_at: pendulum.DateTime | None = None) -> tuple[Step, ...]:
    """The timeline of the events that count at record time `known_at` (cached per log)."""
    from statustrack.core import replay as state

    key = ("steps", known_at)
    if key not in log.cache:
        log.cache[key] = state.timeline(state.counted_events(log.events, known_at), log.registry)
    return log.cache[key]


def seen_at(fact: Fact, instant: pendulum.DateTime) -> Fact:
    """`fact` as seen at `instant`: certain, or possible with what holds if not yet."""
    if fact.certain_by(instant):
        return fact
    before = fact.settled_before(instant)
    return attrs.evolve(fact, certainty="possible", otherwise=before.value if before else None,
                        otherwise_event=before.event if before else None)


def order(facts: Iterable[Fact]) -> tuple[Fact, ...]:
    """Facts in the order answers list them: by aspect, then subject name, pending last."""
    return tuple(sorted(facts, key=rank))


def catalogue(log: Log) -> tuple[frozenset[str], dict[str, str]]:
    """The place and actor ids some counted fact names in its own fields, and every subject
    the output prints (folded subject and subject name -> as printed), cached per log."""
    index = log.cache.get("index")
    if "catalogue" not in log.cache and index is not None:  # read only when a filter needs it
        from statustrack.index.build import read_catalogue

        log.cache["catalogue"] = read_catalogue(index.db)
    if "catalogue" not in log.cache:
        from statustrack.core.reducers import facts_of
        from statustrack.core.replay import counted_events

        own: set[str] = set()
        names: dict[str, str] = {}
        for event in counted_events(log.events):
            for fact in facts_of(event, log.registry):
                own.update(v for role, v in fact.about if role in ID_ROLES)
                names.setdefault(fold(fact.subject_name), fact.subject_name)
                names.setdefault(fold(fact.subject), fact.subject)
        log.cache["catalogue"] = (frozenset(own), names)
    return log.cache["catalogue"]


def _did_you_mean(log: Log, spelling: str) -> str:
    """`; did you mean ...?` with the nearest names, aliases and subjects, or ``."""
    known = {**log.registry.spellings(), **catalogue(log)[1]}
    close = difflib.get_close_matches(fold(spelling), list(known), n=3, cutoff=0.6)
    return f"; did you mean {' or '.join(repr(known[c]) for c in close)}?" if close else ""


def _check_choice(what: str, given: Sequence[str] | None, allowed: Sequence[str]) -> None:
    for item in given or ():
        if item not in allowed:
            close = difflib.get_close_matches(item, list(allowed), n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            msg = f"unknown {what} {item!r}; {hint}use one of: {', '.join(allowed)}"
            raise QueryError(msg)


def _everything(fact: Fact) -> bool:
    return True


def wanted(log: Log, aspects: Sequence[str] | None, subjects: Sequence[str] | None, *,
           with_parts: bool = False, levels: Sequence[str] | None = None,
           stances: Sequence[str] | None = None) -> Callable[[Fact], bool]:
    """A filter keeping facts of `aspects` about `subjects`, by actors of `levels`, with `stances`.

    A subject is any spelling of a place or actor (id, name or alias), or a subject as the
    output prints it ("President of Artsakh", "Artsakh, per Azerbaijan"), compared case-
    and accent-folded. A place or actor matches the facts that name it in their own
    fields; its parts' facts (what is `part_of` it, at any depth) are included when it has
    no facts of its own, or always with `with_parts`. `levels` keeps facts that name an
    actor of one of those levels; `stances` keeps recognition facts with one of those
    stances. No subject string is taken apart.
    """
    _check_choice("aspect", aspects, ASPECTS)
    _check_choice("level", levels, LEVELS)
    if not (aspects or subjects or levels or stances):
        return _everything
    if stances:
        from statustrack.core.events import STANCES

        _check_choice("stance", stances, STANCES)
    own, names = catalogue(log) if subjects else (frozenset(), {})
    direct: set[str] = set()
    whole: set[str] = set()
    texts: set[str] = set()
    for spelling in subjects or ():
        found = log.registry.resolve(spelling)
        folded = fold(spelling)
        if folded in names:
            texts.add(folded)
        elif not found:
            msg = (f"no place, actor or subject is called {spelling!r}{_did_you_mean(log, spelling)} "
                   "(statustrack subjects lists them)")
            raise QueryError(msg)
        for ident in found:
            (whole if with_parts or ident not in own else direct).add(ident)
    level_set, stance_set = frozenset(levels or ()), frozenset(stances or ())

    def named(fact: Fact) -> set[str]:
        return {v for role, v in fact.about if role in ID_ROLES}

    def about(fact: Fact) -> bool:
        if not subjects:
            return True
        if fact.refs & whole or named(fact) & direct:
            return True
        return bool(texts) and (fold(fact.subject_name) in texts or fold(fact.subject) in texts)

    def stances_of(fact: Fact) -> set[str]:
        """The fact's stance, and every account's (they differ when the accounts disagree)."""
        return {dict(told.detail).get("stance", "") for told in (fact, *fact.accounts)}

    def keep(fact: Fact) -> bool:
        if aspects and fact.aspect not in aspects:
            return False
        if stance_set and not stances_of(fact) & stance_set:
            return False
        if level_set and not any(log.registry.level(i) in level_set for i in named(fact)):
            return False
        return about(fact)

    return keep


def state_at(log: Log, instant: pendulum.DateTime, known_at: pendulum.DateTime | None = None,
             start: State | None = None) -> State:
    """The replayed state at `instant`, continuing from `start` when given."""
    from statustrack.core.replay import EMPTY, replay

    return replay(steps_for(log, known_at), instant, start or EMPTY)


def at(log: Log, when: str, *, known_at: str | None = None, aspects: Sequence[str] | None = None,
       subjects: Sequence[str] | None = None, **filters: Any) -> Answer:
    """The facts in force at `when` (a day means its end), each marked certain or possible.

    `filters` are `wanted`'s: with_parts, levels, stances."""
    instant = resolve_when(log, when)
    record = resolve_when(log, known_at) if known_at else None
    keep = wanted(log, aspects, subjects, **filters)
    index = log.cache.get("index") if record is None else None
    if index is not None:
        facts = _indexed_at(index, instant, keep)
    else:
        facts = order(seen_at(f, instant) for f in state_at(log, instant, record).facts.values() if keep(f))
    return Answer(when, known_at, instant, facts, outside_horizon(log, instant, when))


def _indexed_at(index: Any, instant: pendulum.DateTime, keep: Callable[[Fact], bool]) -> tuple[Fact, ...]:
    """`at` from the index: the versions in force at `instant`, in the answer's order."""
    return tuple(index.answer(instant, None if keep is _everything else keep, rank, seen_at))


def sweep(log: Log, whens: Sequence[str], *, known_at: str | None = None,
          aspects: Sequence[str] | None = None, subjects: Sequence[str] | None = None) -> Iterator[Answer]:
    """The answers of `at` for each date of `whens` (in time order), in one pass: with a
    current index, the first answer and then each `slide` step's changes applied to it;
    without one, the state at the first date, then only the steps up to each next one."""
    if log.cache.get("index") is not None and known_at is None:
        yield from _swept(log, slide(log, whens, aspects=aspects, subjects=subjects))
        return
    from statustrack.core.replay import EMPTY, replay

    record = resolve_when(log, known_at) if known_at else None
    keep = wanted(log, aspects, subjects)
    steps = steps_for(log, record)
    state = EMPTY
    for when in sorted(whens, key=lambda w: resolve_when(log, w)):
        instant = resolve_when(log, when)
        state = replay(steps, instant, state)
        facts = order(seen_at(f, instant) for f in state.facts.values() if keep(f))
        yield Answer(when, known_at, instant, facts, outside_horizon(log, instant, when))


def _swept(log: Log, steps: Iterator[Answer | Diff]) -> Iterator[Answer]:
    """Full answers from a slide: its first answer, then each diff applied to the last."""
    first = next(steps, None)
    if first is None:
        return
    assert isinstance(first, Answer)
    yield first
    ranks = [rank(f) for f in first.facts]
    facts = list(first.facts)
    for step in steps:
        assert isinstance(step, Diff)
        for change in step.changes:
            if change.before is not None:
                place = bisect.bisect_left(ranks, rank(change.before))
                del ranks[place], facts[place]
            if change.after is not None:
                mark = rank(change.after)
                place = bisect.bisect_left(ranks, mark)
                ranks.insert(place, mark)
                facts.insert(place, change.after)
        instant = resolve_when(log, step.to)
        yield Answer(step.to, step.known_at, instant, tuple(facts), outside_horizon(log, instant, step.to))


def _causes(log: Log, lo: pendulum.DateTime, hi: pendulum.DateTime,
            record: pendulum.DateTime | None) -> dict[Key, list[str]]:
    """For each key, the events of the steps in (lo, hi] that changed its fact."""
    from statustrack.core.replay import apply, replay

    steps = steps_for(log, record)
    facts = dict(replay(steps, lo).facts)
    causes: dict[Key, list[str]] = {}
    for step in steps:
        if step.instant <= lo:
            continue
        if step.instant > hi:
            break
        for key in apply(facts, step):
            ids = causes.setdefault(key, [])
            for ident in step.events:
                if ident not in ids:
                    ids.append(ident)
    return causes


def _indexed_step(index: Any, lo: pendulum.DateTime, hi: pendulum.DateTime, moving: dict[Key, Fact],
                  keep: Callable[[Fact], bool]) -> tuple[dict, dict, dict, set[Key], dict[Key, Fact]]:
    """Both sides of a diff from `lo` to `hi` (lo <= hi) from the index, looking only at
    what can differ: the versions that end or begin in between, and the facts possible at
    `lo` whose certainty may move by `hi` (`moving`). A key no version boundary separates
    holds one version at both ends. Also returns the keys changed in between and the facts
    begun in between that are possible at `hi`."""
    ended, begun = index.changed(lo, hi)
    changed = ended.keys() | begun.keys()
    at_lo, at_hi = dict(ended), dict(begun)
    for key, fact in moving.items():
        if key not in changed and (fact.certain_by(hi) or fact.settled_before(lo) is not fact.settled_before(hi)):
            at_lo[key] = at_hi[key] = fact
    sides = [{k: seen_at(f, q) for k, f in facts.items() if keep(f)} for q, facts in ((lo, at_lo), (hi, at_hi))]
    keys = sides[0].keys() | sides[1].keys()
    causes = index.causes(lo, hi, keys) if keys else {}
    return sides[0], sides[1], causes, changed, {k: f for k, f in begun.items() if not f.certain_by(hi)}


def _next_move(fact: Fact, instant: pendulum.DateTime) -> pendulum.DateTime:
    """When `fact`, possible at `instant`, may next be seen otherwise: when it or one of the
    earlier facts it would fall back to becomes certain."""
    moment = fact.interval.end
    earlier = fact.previous
    while earlier is not None and not earlier.certain_by(instant):
        moment = min(moment, earlier.interval.end)
        earlier = earlier.previous
    return moment


def _changes(before: dict[Key, Fact], after: dict[Key, Fact], causes: dict[Key, list[str]]) -> tuple[Change, ...]:
    """The facts that differ between two states, with the events that changed each, in answer order."""
    changes = []
    for key in before.keys() | after.keys():
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        ids = causes.get(key) or [f.event for f in (new, old) if f is not None][:1]
        shown = new or old
        assert shown is not None
        changes.append(Change(key.aspect, key.subject, shown.subject_name, old, new, tuple(ids), key.pending))
    changes.sort(key=lambda c: rank(c.after or c.before))  # type: ignore[arg-type]
    return tuple(changes)


def diff(log: Log, from_: str, to: str, *, known_at: str | None = None,
         aspects: Sequence[str] | None = None, subjects: Sequence[str] | None = None, **filters: Any) -> Diff:
    """What changed between `at(from_)` and `at(to)`, with the ids of the events that changed it."""
    q_from, q_to = resolve_when(log, from_), resolve_when(log, to)
    lo, hi = sorted((q_from, q_to))
    record = resolve_when(log, known_at) if known_at else None
    index = log.cache.get("index") if record is None else None
    if index is None:
        before = {f.key: f for f in at(log, from_, known_at=known_at, aspects=aspects, subjects=subjects,
                                       **filters).facts}
        after = {f.key: f for f in at(log, to, known_at=known_at, aspects=aspects, subjects=subjects,
                                      **filters).facts}
        causes = _causes(log, lo, hi, record)
    else:
        keep = wanted(log, aspects, subjects, **filters)
        with index.snapshot():
            before, after, causes, _, _ = _indexed_step(index, lo, hi, index.possible_at(lo), keep)
        if q_from > q_to:
            before, after = after, before
    return Diff(from_, to, known_at, _changes(before, after, causes))


def slide(log: Log, whens: Sequence[str], *, known_at: str | None = None, aspects: Sequence[str] | None = None,
         subjects: Sequence[str] | None = None, **filters: Any) -> Iterator[Answer | Diff]:
    """The answer at the earliest of `whens`, then the diff to each next one (in time
    order), as a date slider or a daily export walks them: with a current index, one pass
    over the versions that begin or end in between, never a whole state again."""
    ordered = sorted(whens, key=lambda w: resolve_when(log, w))
    if not ordered:
        return
    first = at(log, ordered[0], known_at=known_at, aspects=aspects, subjects=subjects, **filters)
    yield first
    index = log.cache.get("index") if known_at is None else None
    if index is None:
        for a, b in zip(ordered, ordered[1:]):  # noqa: B905
            yield diff(log, a, b, known_at=known_at, aspects=aspects, subjects=subjects, **filters)
        return
    keep = wanted(log, aspects, subjects, **filters)
    lo = first.instant
    possible = index.possible_at(lo)
    due: list[tuple[pendulum.DateTime, int, Key, Fact]] = []  # when each possible fact may move
    for number, (key, fact) in enumerate(possible.items()):
        heapq.heappush(due, (_next_move(fact, lo), number, key, fact))
    number = len(due)
    for a, b in zip(ordered, ordered[1:]):  # noqa: B905
        hi = resolve_when(log, b)
        moving: dict[Key, Fact] = {}
        while due and due[0][0] <= hi:
            _, _, key, fact = heapq.heappop(due)
            if possible.get(key) is fact:
                moving[key] = fact
        with index.snapshot():
            before, after, causes, changed, fresh = _indexed_step(index, lo, hi, moving, keep)
        yield Diff(a, b, known_at, _changes(before, after, causes))
        for key in changed:
            possible.pop(key, None)
        for key, fact in moving.items():
            if key in changed:
                continue
            if fact.certain_by(hi):
                del possible[key]
            else:
                number += 1
                heapq.heappush(due, (_next_move(fact, hi), number, key, fact))
        for key, fact in fresh.items():
            possible[key] = fact
            number += 1
            heapq.heappush(due, (_next_move(fact, hi), number, key, fact))
        lo = hi
