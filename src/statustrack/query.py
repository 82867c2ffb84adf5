"""Queries on a log: the state at an instant, the difference between two, what counts.

All pure functions of a `Log`; the CLI calls them by the same names.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

import attrs
import pendulum

from .dates import parse_when
from .errors import QueryError
from .facts import ASPECTS, ID_ROLES, Fact, Key
from .logmodel import Log
from .registry import LEVELS, fold

if TYPE_CHECKING:
    from .state import State, Step

__all__ = ["Answer", "Change", "Diff", "at", "diff", "resolve_when", "steps_for", "sweep"]


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
    try:
        return parse_when(text, log.timezone)
    except ValueError as e:
        raise QueryError(str(e)) from e


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
    from . import state

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


_RANK = {a: i for i, a in enumerate(ASPECTS)}


def _rank(fact: Fact) -> tuple:
    return (_RANK.get(fact.aspect, len(_RANK)), fact.aspect, fact.pending, fact.subject_name.casefold(), fact.subject)


def order(facts: Iterable[Fact]) -> tuple[Fact, ...]:
    """Facts in the order answers list them: by aspect, then subject name, pending last."""
    return tuple(sorted(facts, key=_rank))


def catalogue(log: Log) -> tuple[frozenset[str], dict[str, str]]:
    """The place and actor ids some counted fact names in its own fields, and every subject
    the output prints (folded subject and subject name -> as printed), cached per log."""
    if "catalogue" not in log.cache:
        from .reducers import facts_of
        from .state import counted_events

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
    if stances:
        from .events import STANCES

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
        """The fact's stance, and every account's when accounts disagree."""
        found = {dict(fact.detail).get("stance", "")}
        if fact.disputed:
            from .reducers import STANCE_LABELS

            codes = {label: code for code, label in STANCE_LABELS.items()}
            found |= {codes.get(s.value, "") for s in fact.supports if s.role == "account"}
        return found

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
    from .state import EMPTY, replay

    return replay(steps_for(log, known_at), instant, start or EMPTY)


def at(log: Log, when: str, *, known_at: str | None = None, aspects: Sequence[str] | None = None,
       subjects: Sequence[str] | None = None, **filters: Any) -> Answer:
    """The facts in force at `when` (a day means its end), each marked certain or possible.

    `filters` are `wanted`'s: with_parts, levels, stances."""
    instant = resolve_when(log, when)
    record = resolve_when(log, known_at) if known_at else None
    keep = wanted(log, aspects, subjects, **filters)
    index = log.cache.get("index") if record is None else None
    held = index.facts_at(instant).values() if index is not None else state_at(log, instant, record).facts.values()
    facts = order(seen_at(f, instant) for f in held if keep(f))
    return Answer(when, known_at, instant, facts, outside_horizon(log, instant, when))


def sweep(log: Log, whens: Sequence[str], *, known_at: str | None = None,
          aspects: Sequence[str] | None = None, subjects: Sequence[str] | None = None) -> Iterator[Answer]:
    """The answers of `at` for each date of `whens` (in any order), in one pass over the
    timeline: the state at the first date, then only the steps up to each next one, as a
    date slider or a daily export walks it."""
    from .state import EMPTY, replay

    record = resolve_when(log, known_at) if known_at else None
    keep = wanted(log, aspects, subjects)
    steps = steps_for(log, record)
    state = EMPTY
    for when in sorted(whens, key=lambda w: resolve_when(log, w)):
        instant = resolve_when(log, when)
        state = replay(steps, instant, state)
        facts = order(seen_at(f, instant) for f in state.facts.values() if keep(f))
        yield Answer(when, known_at, instant, facts, outside_horizon(log, instant, when))


def _causes(log: Log, lo: pendulum.DateTime, hi: pendulum.DateTime,
            record: pendulum.DateTime | None) -> dict[Key, list[str]]:
    """For each key, the events of the steps in (lo, hi] that changed its fact."""
    from .state import apply, replay

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


def _indexed_sides(log: Log, index: Any, from_: str, to: str, aspects: Sequence[str] | None,
                   subjects: Sequence[str] | None, filters: dict[str, Any]) -> tuple[dict, dict, dict]:
    """Both sides of a diff from the index, looking only at what can differ: the keys some step
    in between changed, and facts possible at either end (their certainty moves with time)."""
    keep = wanted(log, aspects, subjects, **filters)
    q_from, q_to = resolve_when(log, from_), resolve_when(log, to)
    lo, hi = sorted((q_from, q_to))
    causes = index.causes(lo, hi)
    held = [index.facts_at(q) for q in (q_from, q_to)]
    sides = [{k: seen_at(f, q) for k, f in facts.items() if (k in causes or not f.certain_by(q)) and keep(f)}
             for q, facts in zip((q_from, q_to), held, strict=True)]
    for key in set(sides[0]) ^ set(sides[1]):  # in one side only: it may be plain on the other
        for q, facts, side in zip((q_from, q_to), held, sides, strict=True):
            fact = facts.get(key)
            if key not in side and fact is not None and keep(fact):
                side[key] = seen_at(fact, q)
    return sides[0], sides[1], causes


def diff(log: Log, from_: str, to: str, *, known_at: str | None = None,
         aspects: Sequence[str] | None = None, subjects: Sequence[str] | None = None, **filters: Any) -> Diff:
    """What changed between `at(from_)` and `at(to)`, with the ids of the events that changed it."""
    lo, hi = sorted((resolve_when(log, from_), resolve_when(log, to)))
    record = resolve_when(log, known_at) if known_at else None
    index = log.cache.get("index") if record is None else None
    if index is None:
        before = {f.key: f for f in at(log, from_, known_at=known_at, aspects=aspects, subjects=subjects,
                                       **filters).facts}
        after = {f.key: f for f in at(log, to, known_at=known_at, aspects=aspects, subjects=subjects,
                                      **filters).facts}
        causes = _causes(log, lo, hi, record)
    else:
        before, after, causes = _indexed_sides(log, index, from_, to, aspects, subjects, filters)
    changes = []
    for key in sorted(before.keys() | after.keys()):
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        ids = causes.get(key) or [f.event for f in (new, old) if f is not None][:1]
        shown = new or old
        assert shown is not None
        changes.append(Change(key.aspect, key.subject, shown.subject_name, old, new, tuple(ids), key.pending))
    ranks = {f.key: i for i, f in enumerate(order([c.after or c.before for c in changes]))}
    changes.sort(key=lambda c: ranks[Key(c.aspect, c.subject, c.pending)])
    return Diff(from_, to, known_at, tuple(changes))
