"""The query verbs on a log: the facts at an instant (`at`), what changed between two
(`diff`), and walks through many (`slide`, `sweep`); and how a query names dates, subjects
and filters. Each verb reads through the `api.reader.Reader` of its log (the fact index,
or a replay); the CLI calls them by the same names.
"""

from __future__ import annotations

import difflib
import functools
import itertools
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

import pendulum

from statustrack.api.answer import ACTS_WINDOW, Answer, Change, Diff, differing, order, rank, seen_at, split
from statustrack.api.reader import Keep, Source, events_told, reader
from statustrack.core.dates import parse_when
from statustrack.core.facts import ASPECTS, ID_ROLES, Fact, Key
from statustrack.core.model import Log
from statustrack.core.names import Unnamed
from statustrack.core.names import subjects as names_of
from statustrack.core.registry import LEVELS, SourceRef, fold
from statustrack.errors import QueryError

if TYPE_CHECKING:
    from statustrack.core.replay import State, Step

__all__ = [
    "Answer",
    "Change",
    "Diff",
    "at",
    "country_ids",
    "diff",
    "order",
    "rank",
    "resolve_when",
    "seen_at",
    "slide",
    "steps_for",
    "sweep",
    "wanted",
]


@functools.lru_cache(maxsize=4096)  # a slider or a sweep asks for each date twice
def _instant(text: str, timezone: str) -> pendulum.DateTime:
    try:
        return parse_when(text, timezone)
    except ValueError as e:
        raise QueryError(str(e)) from e


def resolve_when(log: Source, text: str) -> pendulum.DateTime:
    """The instant a query date means in `log`'s time zone; QueryError if it is not a date."""
    return _instant(text, log.timezone)


def outside_horizon(log: Source, instant: pendulum.DateTime, when: str) -> str | None:
    """A note when `instant` lies outside the log's horizon, else None."""
    horizon = log.horizon
    if horizon is None:
        return None
    span = f"{horizon.edtf.replace('/', '–')}"
    if instant < horizon.start:
        return (
            f"{when} lies before the span this log covers ({span}): "
            "no facts means the log is silent, not that nothing held"
        )
    if horizon.until is not None and instant > horizon.until.end:
        return (
            f"{when} lies beyond the span this log covers ({span}): "
            "facts shown as in force are the log's last word, not news of that date"
        )
    return None


def steps_for(log: Log, known_at: pendulum.DateTime | None = None) -> tuple[Step, ...]:
    """The timeline of the events that count at record time `known_at` (worked out once per log)."""
    from statustrack.core.replay import Replay  # here, not above: `at` through the index never replays

    return Replay.of(log).steps(known_at)


def _did_you_mean(log: Source, spelling: str) -> str:
    """`; did you mean ...?` with the nearest names, aliases and subjects, or ``."""
    known = {**log.registry.spellings(), **reader(log).catalogue().names}
    close = difflib.get_close_matches(fold(spelling), list(known), n=3, cutoff=0.6)
    return f"; did you mean {' or '.join(repr(known[c]) for c in close)}?" if close else ""


def _check_choice(what: str, given: Sequence[str] | None, allowed: Sequence[str]) -> None:
    for item in given or ():
        if item not in allowed:
            close = difflib.get_close_matches(item, list(allowed), n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            msg = f"unknown {what} {item!r}; {hint}use one of: {', '.join(allowed)}"
            raise QueryError(msg)


def country_ids(log: Source, spellings: Sequence[str] | None) -> frozenset[str]:
    """The country ids `spellings` name (an id, name or alias of a state: `Registry.country`);
    QueryError with the nearest countries for a spelling that names none."""
    reg = log.registry
    known = reg.countries()
    out: set[str] = set()
    for spelling in spellings or ():
        found = reg.resolve(spelling) & set(known)
        if not found:
            names = {fold(n): n for c in known for n in (c, reg.name(c))}
            close = difflib.get_close_matches(fold(spelling), list(names), n=3, cutoff=0.6)
            hint = f"did you mean {' or '.join(repr(names[c]) for c in close)}? " if close else ""
            msg = f"no country is called {spelling!r}; {hint}use one of: {', '.join(known)}"
            raise QueryError(msg)
        out |= found
    return frozenset(out)


def _everything(fact: Fact) -> bool:
    return True


def wanted(
    log: Source,
    aspects: Sequence[str] | None,
    subjects: Sequence[str] | None,
    *,
    with_parts: bool = False,
    levels: Sequence[str] | None = None,
    stances: Sequence[str] | None = None,
    countries: Sequence[str] | None = None,
) -> Callable[[Fact], bool]:
    """A filter keeping facts of `aspects` about `subjects`, by actors of `levels`, with `stances`,
    naming a place or actor of one of `countries` (`country_ids` reads them).

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
    country_set = country_ids(log, countries)
    if not (aspects or subjects or levels or stances or countries):
        return _everything
    if stances:
        from statustrack.core.events import STANCES  # here, not above: the event classes cost start-up time

        _check_choice("stance", stances, STANCES)
    found_subjects = reader(log).catalogue() if subjects else None
    try:
        chosen = names_of(
            subjects or (),
            log.registry.resolve,
            found_subjects.own if found_subjects else frozenset(),
            found_subjects.names if found_subjects else {},
            with_parts,
        )
    except Unnamed as e:
        spelling = e.args[0]
        msg = (
            f"no place, actor or subject is called {spelling!r}{_did_you_mean(log, spelling)} "
            "(statustrack subjects lists them)"
        )
        raise QueryError(msg) from None
    level_set, stance_set = frozenset(levels or ()), frozenset(stances or ())

    def named(fact: Fact) -> set[str]:
        return {v for role, v in fact.about if role in ID_ROLES}

    def about(fact: Fact) -> bool:
        return not subjects or chosen.about(fact.refs, fact.about, fact.subject, fact.subject_name)

    def stances_of(fact: Fact) -> set[str]:
        """The fact's stance, and every account's (they differ when the accounts disagree)."""
        return {dict(detail).get("stance", "") for detail in (fact.detail, *(a.detail for a in fact.accounts))}

    def keep(fact: Fact) -> bool:
        if aspects and fact.aspect not in aspects:
            return False
        if stance_set and not stances_of(fact) & stance_set:
            return False
        if level_set and not any(log.registry.level(i) in level_set for i in named(fact)):
            return False
        if country_set and not any(log.registry.country(i) in country_set for i in named(fact)):
            return False
        return about(fact)

    return keep


def state_at(
    log: Log, instant: pendulum.DateTime, known_at: pendulum.DateTime | None = None, start: State | None = None
) -> State:
    """The replayed state at `instant`, continuing from `start` when given."""
    from statustrack.core.replay import EMPTY, Replay  # here, not above: `at` through the index never replays

    return Replay.of(log).state(instant, known_at, start or EMPTY)


def _keep(keep: Callable[[Fact], bool]) -> Keep:
    return None if keep is _everything else keep


def _answer(
    log: Source,
    when: str,
    known_at: str | None,
    instant: pendulum.DateTime,
    facts: Sequence[Fact],
    acts_window: int | None,
) -> Answer:
    """The answer at `instant` from the facts of the state there: those in force, and the
    recent acts (`answer.split`)."""
    in_force, acts = split(facts, instant, acts_window)
    return Answer(when, known_at, instant, in_force, outside_horizon(log, instant, when), acts)


def _window(acts_window: int | None) -> int | None:
    if acts_window is not None and (
        isinstance(acts_window, bool) or not isinstance(acts_window, int) or acts_window < 0
    ):
        msg = f"the acts window is a number of days, 0 or more, not {acts_window!r}"
        raise QueryError(msg)
    return acts_window


def at(
    log: Source,
    when: str,
    *,
    known_at: str | None = None,
    aspects: Sequence[str] | None = None,
    subjects: Sequence[str] | None = None,
    acts_window: int | None = ACTS_WINDOW,
    **filters: Any,
) -> Answer:
    """The facts in force at `when` (a day means its end), each marked certain or possible,
    and the acts of the `acts_window` days up to it (None: every act on record), newest first.

    `filters` are `wanted`'s: with_parts, levels, stances."""
    window = _window(acts_window)
    instant = resolve_when(log, when)
    record = resolve_when(log, known_at) if known_at else None
    keep = wanted(log, aspects, subjects, **filters)
    facts = reader(log, record).at(instant, _keep(keep))
    return _answer(log, when, known_at, instant, facts, window)


def sweep(
    log: Source,
    whens: Sequence[str],
    *,
    known_at: str | None = None,
    aspects: Sequence[str] | None = None,
    subjects: Sequence[str] | None = None,
    acts_window: int | None = ACTS_WINDOW,
) -> Iterator[Answer]:
    """The answers of `at` for each date of `whens` (in time order), in one pass: through
    the index, the first answer and then each step's changes applied to it; by replay,
    the state at the first date, then only the steps up to each next one."""
    window = _window(acts_window)
    record = resolve_when(log, known_at) if known_at else None
    keep = wanted(log, aspects, subjects)
    ordered = sorted(whens, key=lambda w: resolve_when(log, w))
    instants = [resolve_when(log, w) for w in ordered]
    for when, instant, facts in zip(ordered, instants, reader(log, record).sweep(instants, _keep(keep)), strict=False):
        yield _answer(log, when, known_at, instant, facts, window)


def diff(
    log: Source,
    from_: str,
    to: str,
    *,
    known_at: str | None = None,
    aspects: Sequence[str] | None = None,
    subjects: Sequence[str] | None = None,
    **filters: Any,
) -> Diff:
    """What changed between `at(from_)` and `at(to)`, with the ids of the events that changed it.

    With `from_` later than `to` the journey is backward (`Diff.backward`): each change names
    the events it undoes, and `diff(to, from_)` is the same changes with before and after swapped."""
    q_from, q_to = resolve_when(log, from_), resolve_when(log, to)
    record = resolve_when(log, known_at) if known_at else None
    keep = wanted(log, aspects, subjects, **filters)
    before, after, causes = reader(log, record).between(min(q_from, q_to), max(q_from, q_to), _keep(keep))
    backward = q_from > q_to
    if backward:
        before, after = after, before
    return Diff(
        from_,
        to,
        known_at,
        _placed(log, differing(before, after, causes, backward=backward), backward=backward),
        backward,
        q_from,
        q_to,
    )


def _placed(
    log: Source, found: Sequence[tuple[Key, Fact | None, Fact | None, tuple[str, ...]]], *, backward: bool = False
) -> tuple[Change, ...]:
    """The changes of `answer.differing`, each with its date, its events' dates, its level,
    country and sources: diff rows an analyst can paste as they are. The events that set
    no fact of their change (an ending) are looked up together, as the log records them.
    `backward`: `before` is the later state; a change reads the same either way (law 14):
    its date is the later fact's `since` when that fact's event made the change."""
    told_of = []
    unknown: set[str] = set()
    for _, old, new, events in found:
        told: dict[str, tuple[str | None, tuple[SourceRef, ...]]] = {}
        for fact in (new, old):
            if fact is None:
                continue
            told.setdefault(fact.event, (fact.since, fact.sources))
            for support in fact.supports:
                told.setdefault(support.event, (support.since, support.sources))
        unknown.update(i for i in events if i not in told)
        told_of.append(told)
    elsewhere = events_told(log, unknown) if unknown else {}
    reg = log.registry
    placed = []
    for (key, before, after, events), told in zip(found, told_of, strict=True):
        dates: list[tuple[str, str | None]] = []
        sources: list[SourceRef] = []
        for ident in events:
            since, refs = told.get(ident) or elsewhere[ident]
            dates.append((ident, since))
            sources += [r for r in refs if r not in sources]
        later, earlier = (before, after) if backward else (after, before)
        shown = later or earlier
        assert shown is not None
        principal, country, part_of = reg.placement(shown.about)
        date = (
            later.since
            if later is not None and later.event in events
            else (next((d for _, d in dates if d is not None), None))
        )
        placed.append(
            Change(
                key.aspect,
                key.subject,
                shown.subject_name,
                before,
                after,
                events,
                key.pending,
                date,
                tuple(dates),
                dict(shown.detail).get("level") or (reg.level(principal) if principal else None),
                country,
                part_of,
                tuple(sources),
            )
        )
    return tuple(placed)


def slide(
    log: Source,
    whens: Sequence[str],
    *,
    known_at: str | None = None,
    aspects: Sequence[str] | None = None,
    subjects: Sequence[str] | None = None,
    **filters: Any,
) -> Iterator[Answer | Diff]:
    """The answer at the earliest of `whens`, then the diff to each next one (in time
    order), as a date slider or a daily export walks them: through the index, one pass
    over the versions that begin or end in between, never a whole state again."""
    ordered = sorted(whens, key=lambda w: resolve_when(log, w))
    if not ordered:
        return
    yield at(log, ordered[0], known_at=known_at, aspects=aspects, subjects=subjects, **filters)
    record = resolve_when(log, known_at) if known_at else None
    keep = wanted(log, aspects, subjects, **filters)
    instants = [resolve_when(log, w) for w in ordered]
    for (a, b), sides in zip(
        itertools.pairwise(ordered), reader(log, record).slide(instants, _keep(keep)), strict=True
    ):
        yield Diff(
            a,
            b,
            known_at,
            _placed(log, differing(*sides)),
            False,
            resolve_when(log, a),
            resolve_when(log, b),
        )
