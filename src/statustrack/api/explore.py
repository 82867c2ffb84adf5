"""Exploring the record: a subject's whole history, an event as recorded, why a fact holds.

Everything here reads the replayed history (`query.steps_for`, `runs.versions`): the
value runs of every key, each with the instants it held. `history`, `show`, `why` and
`subjects` are pure functions of a `Log`; the CLI calls them by the same names.
"""

from __future__ import annotations

import difflib
import weakref
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import attrs
import pendulum

from statustrack.api.query import at, outside_horizon, rank, resolve_when, seen_at, steps_for, wanted
from statustrack.core.dates import Interval, iso, parse_edtf
from statustrack.core.facts import ASPECTS, ID_ROLES, Fact, Key
from statustrack.core.history import Run, Version, runs_of, versions
from statustrack.core.model import Log
from statustrack.core.registry import Actor, Source, SourceRef, fold
from statustrack.core.shown import run_ends, until_of
from statustrack.errors import QueryError
from statustrack.index.codec import instant_of
from statustrack.index.read import history_facts, history_rows

# Only for types: a history from the index imports neither the event classes nor the ledger.
if TYPE_CHECKING:
    from statustrack.api.reader import Indexed
    from statustrack.api.reader import Source as Readable
    from statustrack.core.events import Event
    from statustrack.log.ledger import Seal

__all__ = [
    "Cited",
    "Countries",
    "CountryCount",
    "History",
    "Period",
    "Reason",
    "Recorded",
    "Shown",
    "SubjectEntry",
    "Why",
    "countries",
    "first_in_filter",
    "history",
    "indexed_periods",
    "periods",
    "recorded_event",
    "show",
    "subjects",
    "why",
]


@attrs.frozen
class Period:
    """One value run of one key, with the instants it held and how certain its bounds are.

    `valid_from`..`valid_to` (None: still holds at the log's end) are the instants the
    replay holds the value; `since` (on `fact`) and `until` are the date texts they come
    from. `certain_from` is the first instant at which the run is certain (None: it ends
    before it ever is); `ended_by` the instant by which it had certainly ended (None while
    it holds, or when the value after it is never certain). `fact` is the run's fullest
    version: every account and corroboration that joined it.
    """

    key: Key
    fact: Fact
    valid_from: pendulum.DateTime
    valid_to: pendulum.DateTime | None
    certain_from: pendulum.DateTime | None
    ended_by: pendulum.DateTime | None
    until: str | None
    run: int
    versions: tuple[Version, ...] = attrs.field(default=(), eq=False, repr=False)

    def fact_at(self, instant: pendulum.DateTime) -> Fact:
        """The run's fact as the replay held it at `instant` (corroborations joined by then)."""
        return next((v.fact for v in self.versions if v.holds_at(instant)), self.fact)

    def holds_at(self, instant: pendulum.DateTime) -> bool:
        """True when the run is the value in force at `instant`."""
        return self.valid_from <= instant and (self.valid_to is None or instant < self.valid_to)

    def certainty_at(self, instant: pendulum.DateTime) -> str:
        """`certain` or `possible` at an instant the run holds."""
        return "certain" if self.certain_from is not None and self.certain_from <= instant else "possible"


class Recorded(NamedTuple):
    """What the views of a run read of the event behind it: its date, sources and note."""

    date: Interval | None
    sources: tuple[SourceRef, ...]
    note: str | None


def recorded_event(source: Readable, ident: str) -> Recorded | None:
    """Event `ident`'s date, sources and note, from the log or, through a current index,
    from the index's copy of its record (so nothing of the log is parsed); None if unknown."""
    from statustrack.api.reader import Indexed

    if isinstance(source, Indexed):
        record = source.index.event_record(ident)
        if record is None:
            return None
        written = record.get("date")
        date = parse_edtf(written, source.timezone, int(source.index.meta["format"])) if written else None
        refs = tuple(SourceRef(s["id"], s.get("at", "")) for s in record.get("sources", ()))
        return Recorded(date, refs, record.get("note"))
    try:
        event = source.event(ident)
    except KeyError:
        return None
    return Recorded(event.date, event.sources, event.note)


def _until(log: Readable, run: Run, after: Period | None) -> str | None:
    """The date text a run's end comes from (`core.shown.until_of`)."""
    fact = run.fact

    def removed() -> str | None:
        told = recorded_event(log, fact.event)
        date = told.date if told is not None else None
        return str(date.until) if date is not None and date.until is not None else None

    effective = str(fact.effective) if fact.pending and fact.effective is not None else None
    return until_of(run.valid_to, after.fact.since if after is not None else None, effective, removed, iso)


_PERIODS: weakref.WeakKeyDictionary[Log, dict[pendulum.DateTime | None, tuple[Period, ...]]] = (
    weakref.WeakKeyDictionary()
)


def periods(log: Log, known_at: pendulum.DateTime | None = None) -> tuple[Period, ...]:
    """Every value run of every key, in key then time order (cached per log and record time)."""
    known = _PERIODS.setdefault(log, {})
    if known_at in known:
        return known[known_at]
    result = _periods_of(log, runs_of(versions(steps_for(log, known_at))))
    known[known_at] = result
    return result


def _periods_of(log: Readable, runs: Sequence[Run]) -> tuple[Period, ...]:
    """`runs` (in key then time order, every run of each key they hold) as periods."""
    ends = run_ends(
        [
            (
                run.key,
                run.valid_from,
                run.valid_to,
                [(v.valid_from, v.valid_to, v.fact.interval.end) for v in run.versions],
            )
            for run in runs
        ]
    )
    out: list[Period | None] = [None] * len(runs)
    for i in reversed(range(len(runs))):  # backwards, so the run after each is built first
        run, (certain_from, after, ended_by) = runs[i], ends[i]
        later = out[after] if after is not None else None
        out[i] = Period(
            run.key,
            run.fact,
            run.valid_from,
            run.valid_to,
            certain_from,
            ended_by,
            _until(log, run, later),
            run.run,
            run.versions,
        )
    return tuple(p for p in out if p is not None)


def indexed_periods(source: Indexed, subject: str) -> tuple[Period, ...]:
    """Every value run of every key a history of `subject` may show, read from the index
    (`index.read.history_rows`: whole keys, a superset the caller filters), in key then
    time order; what `periods` gives for those keys, without replaying the log."""
    rows = history_rows(source.index.db, source.registry.resolve(subject), [fold(subject)], fold)
    facts = history_facts(source.index, rows)
    keys: dict[tuple[str, str, int], Key] = {}
    found = []
    for row in rows:
        key = keys.get((row.aspect, row.subject, row.pending))
        if key is None:
            key = keys[(row.aspect, row.subject, row.pending)] = Key(row.aspect, row.subject, bool(row.pending))
        valid_to = instant_of(row.valid_to) if row.valid_to is not None else None
        found.append(Version(key, facts[row.fact], instant_of(row.valid_from), valid_to, row.run))
    return _periods_of(source, runs_of(found))


def _order(items: Sequence[Period]) -> tuple[Period, ...]:
    return tuple(sorted(items, key=lambda p: (rank(p.fact), p.valid_from)))


@attrs.frozen
class History:
    """Every value the facts about `subject` held, as runs (see `Period`), grouped by key."""

    subject: str
    known_at: str | None
    periods: tuple[Period, ...]


def _record(log: Readable, known_at: str | None) -> pendulum.DateTime | None:
    return resolve_when(log, known_at) if known_at else None


def history(
    log: Readable,
    subject: str,
    *,
    aspects: Sequence[str] | None = None,
    known_at: str | None = None,
    **filters: Any,
) -> History:
    """Every value `subject` held, run by run: from, to, value, certainty, events and sources.

    `subject` is any spelling `--subject` takes (a place or actor, or a subject as printed);
    `filters` are `query.wanted`'s (with_parts, levels, stances). A log opened through its
    current index (`open_log`) is answered from the index's versions, unless a record time
    is asked for (`reader` makes that choice); else by replaying it.

        >>> from statustrack import load_log, history
        >>> [p.fact.value for p in history(load_log(), "Kalbajar", aspects=["control"]).periods][-1]
        'Azerbaijan'
    """
    from statustrack.api.reader import DAMAGE, Indexed, damaged, reader

    keep = wanted(log, aspects, [subject], **filters)
    record = resolve_when(log, known_at) if known_at else None
    if isinstance(reader(log, record), Indexed):
        assert isinstance(log, Indexed)
        try:
            table = indexed_periods(log, subject)
        except DAMAGE as e:
            damaged(e)
            table = periods(log.load())
    else:
        table = periods(log.load() if isinstance(log, Indexed) else log, record)
    return History(subject, known_at, _order([p for p in table if keep(p.fact)]))


@attrs.frozen
class Cited:
    """A source reference with the registry's entry for it (None if unknown)."""

    ref: SourceRef
    source: Source | None


def _cited(log: Log, refs: Sequence[SourceRef]) -> tuple[Cited, ...]:
    return tuple(Cited(r, log.registry.sources.get(r.id)) for r in refs)


@attrs.frozen
class Reason:
    """Why one fact holds at an instant: the fact as seen then, its run, the run before it,
    the event that began it and its sources, and, when it is only possible, what decides it."""

    fact: Fact
    period: Period
    before: Period | None
    event: Event
    sources: tuple[Cited, ...]
    decides: str | None


@attrs.frozen
class Why:
    """The answer to `why`: one `Reason` per fact in force; `first` is the first run that
    matches when none is in force yet; `outside` says when the date is beyond the log."""

    aspect: str
    subject: str
    at: str
    known_at: str | None
    instant: pendulum.DateTime
    reasons: tuple[Reason, ...]
    first: Period | None = None
    outside: str | None = None


def _decides(log: Log, fact: Fact, period: Period, instant: pendulum.DateTime) -> str | None:
    if fact.certainty != "possible":
        return None
    otherwise = (
        f"if it has not happened yet, {fact.otherwise!r} holds ({fact.otherwise_event})"
        if fact.otherwise is not None
        else "if it has not happened yet, the log has no value before it"
    )
    certain = (
        f"the log makes it certain from {iso(period.certain_from)}"
        if period.certain_from is not None
        else "the log never makes it certain"
    )
    return (
        f"its date, {fact.since}, straddles this instant: {otherwise}; {certain}. "
        "A source that dates the event more precisely decides it."
    )


def why(log: Log, aspect: str, subject: str, when: str, *, known_at: str | None = None) -> Why:
    """Why `aspect` of `subject` is what it is at `when`: the fact in force, the event and
    sources behind it (with titles and addresses), the value before it, and, if the fact is
    only possible, what decides it. When some facts have `subject` itself as their subject,
    only those are explained (not, say, every party's claim about it).

        >>> from statustrack import load_log, why
        >>> why(load_log(), "control", "Shusha", "2020-11-07").reasons[0].before.fact.value
        'Azerbaijan SSR'
    """
    instant = resolve_when(log, when)
    record = _record(log, known_at)
    keep = wanted(log, [aspect], [subject])
    table = [p for p in periods(log, record) if keep(p.fact)]
    ids, folded = log.registry.resolve(subject), fold(subject)
    exact = [p for p in table if p.key.subject in ids or folded in (fold(p.key.subject), fold(p.fact.subject_name))]
    table = exact or table  # a polity's own status, not every party's claim about it
    reasons = []
    for period in _order([p for p in table if p.holds_at(instant)]):
        chain = [p for p in table if p.key == period.key and p.valid_from < period.valid_from]
        fact = seen_at(period.fact_at(instant), instant)
        event = log.event(fact.event)
        reasons.append(
            Reason(
                fact,
                period,
                chain[-1] if chain else None,
                event,
                _cited(log, fact.sources),
                _decides(log, fact, period, instant),
            )
        )
    later = [p for p in table if p.valid_from > instant]
    first = min(later, key=lambda p: p.valid_from) if not reasons and later else None
    return Why(aspect, subject, when, known_at, instant, tuple(reasons), first, outside_horizon(log, instant, when))


@attrs.frozen
class Role:
    """A value run an event takes part in, and how: `began` it, an `account` of it, a
    `corroboration`, or a `dispute` of its ending."""

    role: str
    period: Period


@attrs.frozen
class Shown:
    """An event as recorded, and everything the log says about it.

    `record` holds its fields as written; `counts` is False when it is retracted or
    replaced (`retracted_by`, `corrected_by`); `corrects` and `retracts` are what it
    undoes; `accounts` the other accounts of the same happening (`account_of`, both ways);
    `runs` the value runs it took part in; `seal` its ledger line (None: not sealed) and
    `seal_matches` whether the event is unchanged since it was sealed.
    """

    event: Event
    record: dict[str, Any]
    file: str
    line: int | None
    sources: tuple[Cited, ...]
    counts: bool
    corrected_by: tuple[str, ...]
    retracted_by: tuple[str, ...]
    corrects: str | None
    retracts: str | None
    accounts: tuple[str, ...]
    runs: tuple[Role, ...]
    seal: Seal | None
    seal_matches: bool


def _log_dir(log: Log) -> Path:
    """The directory `log` was loaded from (a log built in memory: its name, as before)."""
    return log.directory if log.directory is not None else Path(log.shown)


def _unknown_event(log: Log, ident: str) -> QueryError:
    close = difflib.get_close_matches(ident, [e.id for e in log.events], n=3, cutoff=0.5)
    hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    return QueryError(f"no event has id {ident!r}{hint}")


def show(log: Log, ident: str) -> Shown:
    """The event `ident` as recorded: its fields, note and sources (with titles and
    addresses), the value runs it set and from when to when, what corrects or retracts it
    and what it corrects, retracts or gives an account of, and whether it is sealed.

        >>> from statustrack import load_log, show
        >>> show(load_log(), "2020-11-10-lachin-corridor-to-russian-peacekeepers").event.kind
        'handover'
    """
    from statustrack.core.events import Retraction
    from statustrack.core.replay import counted_events
    from statustrack.log.ledger import digest, read_ledger
    from statustrack.log.write import event_record

    try:
        event = log.event(ident)
    except KeyError:
        raise _unknown_event(log, ident) from None
    counted = {e.id for e in counted_events(log.events)}
    retracted_by = tuple(e.id for e in log.events if isinstance(e, Retraction) and e.retracts == ident)
    corrected_by = tuple(e.id for e in log.events if e.replaces == ident)
    accounts = tuple(
        dict.fromkeys(
            ([event.account_of] if event.account_of else []) + [e.id for e in log.events if e.account_of == ident]
        )
    )
    roles = []
    for period in periods(log):
        fact = period.fact
        if fact.event == ident:
            roles.append(Role("began", period))
            continue
        for support in fact.supports:
            if support.event == ident:
                roles.append(Role(support.role, period))
                break
    seals, _ = read_ledger(_log_dir(log), log.shown)
    seal = next((s for s in reversed(seals) if s.id == ident), None)
    file, line = log.where.get(ident, ("", None))
    file = log.paths.get(ident, file)  # relative to the log, as the ledger names it
    return Shown(
        event,
        event_record(event),
        file,
        line,
        _cited(log, event.sources),
        ident in counted,
        corrected_by,
        retracted_by,
        event.replaces,
        getattr(event, "retracts", None),
        accounts,
        tuple(sorted(roles, key=lambda r: (rank(r.period.fact), r.period.valid_from))),
        seal,
        seal is not None and seal.digest == digest(event),
    )


@attrs.frozen
class SubjectEntry:
    """Something the log can be asked about: how it is printed, what it is, its aspects,
    how many value runs it has (its own, and its parts'), and its other spellings."""

    name: str
    ident: str
    what: str
    aspects: tuple[str, ...]
    runs: int
    via_parts: int
    aliases: tuple[str, ...]
    #: Every subject id the name covers (several ties between one pair: twinning and friendship).
    idents: tuple[str, ...] = ()
    #: The country of the place or actor (`Registry.country`), else of the subject's principal.
    country: str | None = None


def subjects(
    log: Log, *, aspects: Sequence[str] | None = None, countries: Sequence[str] | None = None
) -> tuple[SubjectEntry, ...]:
    """What `--subject` can name: every subject with facts (places and actors with their
    aliases, posts, claims, resolutions, ties) and every place or actor whose parts have
    facts, sorted by name. `runs` counts every value run (pending ones too), exactly what
    `history` of the entry gives; subjects printed alike (two ties between one pair) are
    one entry, as `--subject` by that name gives them all (`idents` lists their ids).

        >>> from statustrack import load_log, subjects
        >>> next(s for s in subjects(load_log()) if s.name == "Maine").via_parts
        2
    """
    keep = wanted(log, aspects, None, countries=countries)
    table = [p for p in periods(log) if keep(p.fact)]
    reg = log.registry
    keyed: dict[str, list[Period]] = {}
    own: dict[str, list[Period]] = {}
    parts: dict[str, list[Period]] = {}
    for period in table:
        keyed.setdefault(period.key.subject, []).append(period)
        named = {v for role, v in period.fact.about if role in ID_ROLES}
        for ident in named:
            own.setdefault(ident, []).append(period)
        for ident in period.fact.refs - named:
            parts.setdefault(ident, []).append(period)
    entries: dict[str, SubjectEntry] = {}

    def what(ident: str) -> str:
        entry = reg.entry(ident)
        if entry is None:
            return ""
        return entry.level if isinstance(entry, Actor) else entry.kind

    for ident in own.keys() | parts.keys():
        entry = reg.entry(ident)
        if entry is None:
            continue
        mine, theirs = own.get(ident, []), parts.get(ident, [])
        aspects_of = tuple(a for a in ASPECTS if any(p.fact.aspect == a for p in mine + theirs))
        entries[ident] = SubjectEntry(
            entry.name,
            ident,
            what(ident),
            aspects_of,
            len(mine),
            len(theirs),
            entry.aliases,
            (ident,),
            reg.country(ident),
        )
    by_name: dict[str, SubjectEntry] = {}
    for subject, items in sorted(keyed.items()):
        if subject in entries:
            continue
        fact = items[-1].fact
        kind = {
            "officeholder": "post",
            "status": "claim" if "/" in subject else "polity",
            "relation": "tie",
            "resolution": "resolution",
        }.get(fact.aspect, fact.aspect)
        principal = reg.principal(fact.about)
        found = SubjectEntry(
            fact.subject_name,
            subject,
            kind,
            (fact.aspect,),
            len(items),
            0,
            (),
            (subject,),
            reg.country(principal) if principal else None,
        )
        same = by_name.get(fold(found.name))
        if same is not None:  # printed alike: one entry, as --subject by the name gives both
            found = attrs.evolve(
                same,
                aspects=tuple(a for a in ASPECTS if a in {*same.aspects, fact.aspect}),
                runs=same.runs + found.runs,
                idents=(*same.idents, subject),
            )
        by_name[fold(found.name)] = found
    shown = list(entries.values()) + list(by_name.values())
    return tuple(sorted(shown, key=lambda e: (e.name.casefold(), e.ident)))


@attrs.frozen
class CountryCount:
    """One country's facts in an answer: its id (None: facts whose actor has no country,
    such as an international body), its name, how many facts, and their subjects."""

    country: str | None
    name: str
    count: int
    subjects: tuple[str, ...]


@attrs.frozen
class Countries:
    """The facts in force at `at`, counted by the country of the actor each is chiefly
    about (`Registry.principal`), most facts first."""

    at: str
    known_at: str | None
    total: int
    countries: tuple[CountryCount, ...]
    outside: str | None = None


def countries(
    log: Readable,
    when: str,
    *,
    known_at: str | None = None,
    aspects: Sequence[str] | None = None,
    subjects: Sequence[str] | None = None,
    **filters: Any,
) -> Countries:
    """The facts `at` finds at `when` (with the same filters), counted by country: "which
    countries have a body that recognises Artsakh on 2020-11-10" is
    `countries(log, "2020-11-10", aspects=["recognition"], stances=["recognizes"])`.

        >>> from statustrack import load_log
        >>> found = countries(load_log(), "2020-11-10", aspects=["recognition"], stances=["recognizes"])
        >>> found.countries[0].name
        'United States'
    """
    answer = at(log, when, known_at=known_at, aspects=aspects, subjects=subjects, **filters)
    reg = log.registry
    groups: dict[str | None, list[str]] = {}
    for fact in answer.facts:
        principal = reg.principal(fact.about)
        groups.setdefault(reg.country(principal) if principal else None, []).append(fact.subject_name)
    counted = [
        CountryCount(c, reg.name(c) if c else "(no country)", len(names), tuple(names)) for c, names in groups.items()
    ]
    counted.sort(key=lambda c: (c.country is None, -c.count, c.name.casefold()))
    return Countries(when, known_at, len(answer.facts), tuple(counted), answer.outside)


def first_in_filter(
    log: Log, instant: pendulum.DateTime, keep: Callable[[Fact], bool], known_at: pendulum.DateTime | None = None
) -> Period | None:
    """The earliest run `keep` accepts, when none holds at `instant` and some begins later."""
    table = [p for p in periods(log, known_at) if keep(p.fact)]
    if any(p.holds_at(instant) for p in table):
        return None
    later = [p for p in table if p.valid_from > instant]
    return min(later, key=lambda p: (p.valid_from, rank(p.fact))) if later else None
