"""Replay: events become a timeline of steps, and a state is the fold of the steps so far.

The timeline is ordered by the start of each step's interval; ties keep log order.
Accounts of one happening (linked by `account_of`) make one step, at the earliest
account's start. An event whose `effective` is later than its `date` makes two steps: at
its date it puts pending facts on record, at its effective date it clears them and sets
its facts. A span (`A/B`) makes a step at A and one that stops its facts after B. An
offensive with no recorded end stops at the next recorded state of its theatre: a war or
a ceasefire there stops it when it applies. A dissolution ends, when it applies, every fact of its aspects that
belongs to its polity.

Who exists, when: a `cessation` ends, when it applies, every standing position its actor
holds (`core.standing.holders`), except the claims that dispute it: the fact becomes its
ending, `lapsed` "holder ceased to exist", which `at` never lists. A position set while
its holder has ceased to exist (a cessation, and no founding since) is set lapsed; one
stated before its holder's founding is refused by validation (the replay stays causal). At
one instant, foundings apply before every other step and cessations after them, so a
hand-over or a dissolution of the holder's last day applies first.

The fold keeps value runs: a fact that repeats the value in force joins its run as
corroboration instead of restarting it. A state remembers the instant it was replayed
to, so a replay can continue from it.
"""

from __future__ import annotations

import bisect
import datetime as dt
import weakref
from collections.abc import Iterable, Iterator, Mapping, MutableMapping, Sequence
from types import MappingProxyType
from typing import ClassVar

import attrs
import pendulum

from statustrack.core.catalogue import Catalogue, catalogue
from statustrack.core.dates import Interval, shifted
from statustrack.core.events import Ceasefire, Cessation, Dissolution, Event, Founding, Offensive, Retraction, War
from statustrack.core.facts import Fact, Key, Lapse, Support, SupportRole, accounts_value
from statustrack.core.model import Log
from statustrack.core.reducers import ENDED, announced, facts_of
from statustrack.core.registry import Registry
from statustrack.core.standing import holders

__all__ = [
    "EMPTY",
    "Announcement",
    "Ceasing",
    "Ending",
    "Existence",
    "Replay",
    "State",
    "Step",
    "apply",
    "counted_events",
    "disputed_date",
    "pending_at",
    "replay",
    "timeline",
]

_TICK = dt.timedelta(microseconds=1)
_NO_POOLS: Mapping[Key, list[Announcement]] = MappingProxyType({})  # a step with nothing pending


@attrs.frozen
class Ending:
    """What a dissolution ends: facts of `aspects` whose refs meet `owners`."""

    aspects: frozenset[str]
    owners: frozenset[str]
    summary: str
    disputes: tuple[Support, ...] = ()


@attrs.frozen
class Ceasing:
    """What a cessation ends: every standing position `actor` holds, but the claims in
    `exempt` (those that dispute the cessation), each ending showing `disputes`."""

    actor: str
    summary: str
    exempt: frozenset[str] = frozenset()
    disputes: tuple[Support, ...] = ()


@attrs.frozen
class Announcement:
    """A pending fact: on record from `start`, in effect (so no longer pending) from `effect`."""

    start: pendulum.DateTime
    order: int
    effect: pendulum.DateTime
    fact: Fact


@attrs.frozen
class Step:
    """One change to the state at `instant`: runs to stop, facts to set, pending keys to
    work out again, and an ending to apply. `events` are the ids of every account it
    stands for; `pools` holds, per pending key, every announcement of the timeline.
    `ceasing` is what a cessation ends; `closes` the theatre whose offensives without a
    recorded end a war or ceasefire stops, and `closing` the keys it can stop (those an
    open offensive of that theatre was set on since the theatre's previous such step:
    every other key holds none then); `orders_with` keys whose steps at the same
    instant this one must keep its order with (an open offensive: its theatre's)."""

    instant: pendulum.DateTime
    order: int
    event: Event = attrs.field(repr=False)
    sets: tuple[Fact, ...] = attrs.field(repr=False)
    pending: tuple[Key, ...] = ()
    stops: tuple[Key, ...] = ()
    ending: Ending | None = attrs.field(default=None, repr=False)
    events: tuple[str, ...] = ()
    ceasing: Ceasing | None = attrs.field(default=None, repr=False)
    closes: str | None = None
    orders_with: tuple[Key, ...] = ()
    closing: tuple[Key, ...] = attrs.field(default=(), repr=False)
    pools: Mapping[Key, list[Announcement]] = attrs.field(default=_NO_POOLS, eq=False, repr=False)

    @property
    def keys(self) -> frozenset[Key]:
        """Every key this step names (an ending's or a cessation's keys depend on the state: see `apply`)."""
        return (
            frozenset(self.pending) | frozenset(self.stops) | frozenset(self.orders_with) | {f.key for f in self.sets}
        )


def counted_events(events: Sequence[Event], known_at: pendulum.DateTime | None = None) -> tuple[Event, ...]:
    """The events that count, in log order: recorded by `known_at`, not retracted, not replaced.

    A retraction or correction that is itself retracted no longer counts, so the event it
    named counts again. A correction that is itself corrected still undoes what it
    corrected: the head of a chain of corrections replaces every earlier link.
    """
    known = [e for e in events if known_at is None or e.recorded is None or e.recorded.end <= known_at]
    by_id = {e.id: e for e in known}
    undone: dict[str, list[str]] = {}
    for e in known:
        target = e.retracts if isinstance(e, Retraction) else e.replaces
        if target is not None:
            undone.setdefault(target, []).append(e.id)
    memo: dict[str, bool] = {}

    def undoes(ident: str) -> bool:
        """Whether the retraction or correction `ident` still undoes what it names: unless a
        retraction that still undoes retracts it (being corrected, it stands through its correction)."""
        if ident not in memo:
            memo[ident] = False  # a cycle undoes nothing; validation refuses cycles
            memo[ident] = not any(
                undoes(u) for u in undone.get(ident, ()) if u in by_id and isinstance(by_id[u], Retraction)
            )
        return memo[ident]

    def counts(event: Event) -> bool:
        return not isinstance(event, Retraction) and not any(undoes(u) for u in undone.get(event.id, ()))

    return tuple(e for e in known if counts(e))


def _accounts(events: Sequence[Event], by_id: dict[str, Event] | None = None) -> _Happenings:
    """Events grouped by the happening they tell of (the root of their `account_of` links);
    `by_id` is `events` by id, if the caller has it already."""
    return _Happenings(events, by_id)


class _Happenings:
    """The groups of `_accounts`: `values()` gives each happening's events with their log
    order, groups in the order of their first event (as a dict keyed by happening would).

    Most events are the only account of their happening: only linked ones are gathered
    before the groups are given, the rest come one at a time."""

    def __init__(self, events: Sequence[Event], by_id: dict[str, Event] | None = None) -> None:
        self._events = events
        self._by_id = by_id

    def values(self) -> Iterator[list[tuple[int, Event]]]:
        """Each happening's group, in order."""
        events = self._events
        by_id = self._by_id if self._by_id is not None else {e.id: e for e in events}

        def root(event: Event) -> str:
            seen = {event.id}
            while event.account_of in by_id and event.account_of not in seen:
                event = by_id[event.account_of]
                seen.add(event.id)
            return event.id

        roots = {event.id: root(event) for event in events if event.account_of is not None}
        linked: dict[str, list[tuple[int, Event]]] = {ident: [] for ident in roots.values()}
        for order, event in enumerate(events):
            group = linked.get(roots.get(event.id, event.id))
            if group is not None:
                group.append((order, event))
        for order, event in enumerate(events):
            group = linked.get(roots.get(event.id, event.id))
            if group is None:
                yield [(order, event)]
            elif group[0][0] == order:
                yield group


def _combined(facts: list[Fact]) -> Fact:
    """One fact from the accounts of one happening (earliest first): each account kept, with
    its sources and fields; disputed when their values differ."""
    first = facts[0]
    if len(facts) == 1:
        return first
    accounts = tuple(f.support(SupportRole.ACCOUNT) for f in facts)
    sources = tuple(dict.fromkeys(s for f in facts for s in f.sources))
    interval = disputed_date([f.interval for f in facts])
    return attrs.evolve(
        first,
        value=accounts_value(accounts),
        sources=sources,
        supports=accounts,
        disputed=len({a.value for a in accounts}) > 1,
        since=str(interval),
        interval=interval,
    )


def disputed_date(dates: Sequence[Interval]) -> Interval:
    """When a happening told by accounts of `dates` (earliest first) may have happened: the
    one date they share, or the EDTF set of their dates (`[2001-05-03,2001-05-05]`) from the
    earliest start to the latest end, so it is certain only once every account has it happened."""
    first = dates[0]
    texts = list(dict.fromkeys(str(d) for d in dates))
    if len(texts) == 1:
        return first
    members = ",".join(_member(t) for t in texts)
    text = f"[{members}]"
    return Interval(text, min(d.start for d in dates), max(d.end for d in dates), "range", first.tz, text)


def _merge(per_event: list[tuple[Fact, ...]]) -> tuple[Fact, ...]:
    """The facts of a happening: per key, its accounts combined (in the given order)."""
    if len(per_event) == 1 and len(per_event[0]) < 2:
        return per_event[0]  # one account of one fact: nothing to combine
    by_key: dict[Key, list[Fact]] = {}
    for facts in per_event:
        for fact in facts:
            by_key.setdefault(fact.key, []).append(fact)
    return tuple(_combined(sorted(group, key=lambda f: f.interval.start)) for group in by_key.values())


def _member(text: str) -> str:
    """A date as a member of an EDTF set: a range without its brackets, a span by its start."""
    if text.startswith("[") and text.endswith("]"):
        return text[1:-1]
    return text.split("/")[0] or ".."


def _disputing(named: Sequence[str], counted: Mapping[str, Event]) -> list[Event]:
    """The counted claims `named` stands for: each, or its latest correction (retracted or not
    yet recorded: none)."""
    replacing = {e.replaces: e for e in counted.values() if e.replaces}
    found = []
    for ident in named:
        claim = counted.get(ident)
        while claim is None and ident in replacing:  # corrected since: the correction disputes it
            claim = replacing[ident]
            ident = claim.id
        if claim is not None:
            found.append(claim)
    return found


def _ending(event: Dissolution, reg: Registry, counted: Mapping[str, Event]) -> Ending:
    owners = {event.polity} | ({event.territory} if event.territory else set())
    disputes = [
        fact.support(SupportRole.DISPUTE)
        for claim in _disputing(event.disputed_by or (), counted)
        for fact in facts_of(claim, reg)
    ]
    return Ending(frozenset(event.ends), frozenset(owners), event.summary, tuple(disputes))


def _ceasing(event: Cessation, reg: Registry, counted: Mapping[str, Event]) -> Ceasing:
    claims = _disputing(event.disputed_by or (), counted)
    disputes = tuple(fact.support(SupportRole.DISPUTE) for claim in claims for fact in facts_of(claim, reg))
    how = f"{event.how}; succeeded by {reg.name(event.successor)}" if event.successor else event.how
    summary = f"{reg.name(event.actor)} ceased to exist ({how})"
    return Ceasing(event.actor, summary, frozenset(c.id for c in claims), disputes)


class Existence:
    """When each actor has ceased to exist, from the foundings and cessations among some
    events: at a moment when its latest founding or cessation before it is a cessation.

    Causal, as every answer is: what comes later never changes an earlier answer, so an
    actor counts as existing before its first founding (a position stated then is refused
    by validation: `core.checks`). Moments are (instant, rank) pairs, as steps sort."""

    def __init__(self, events: Iterable[Event]) -> None:
        marks: dict[str, list[tuple[pendulum.DateTime, int, bool]]] = {}
        for event in events:
            if isinstance(event, (Founding, Cessation)):
                marks.setdefault(event.actor, []).append((_effect(event), _rank(event), isinstance(event, Founding)))
        for items in marks.values():
            items.sort(key=lambda m: (m[0], m[1]))
        self._marks = marks

    def __bool__(self) -> bool:
        return bool(self._marks)

    def exists(self, actor: str, instant: pendulum.DateTime, rank: int = 0) -> bool:
        """Whether `actor` exists at `instant`, for a step of `rank` there."""
        items = self._marks.get(actor)
        if not items:
            return True
        before = [m for m in items if (m[0], m[1]) <= (instant, rank)]
        return before[-1][2] if before else True

    def absent(self, fact: Fact, instant: pendulum.DateTime) -> bool:
        """Whether a holder of `fact`, set at `instant`, does not exist then."""
        return any(not self.exists(h, instant) for h in holders(fact))


def _rank(event: Event) -> int:
    """Where a step of `event` goes among the steps of its instant: foundings first,
    cessations last, every other kind in log order between."""
    return -1 if isinstance(event, Founding) else 1 if isinstance(event, Cessation) else 0


def _lapse_absent(facts: tuple[Fact, ...], instant: pendulum.DateTime, existence: Existence) -> tuple[Fact, ...]:
    """`facts`, each position whose holder does not exist at `instant` marked lapsed."""
    if not existence:
        return facts
    return tuple(
        attrs.evolve(f, lapsed=Lapse.HOLDER_ABSENT) if not f.act and existence.absent(f, instant) else f for f in facts
    )


def _open_offensive(fact: Fact, theatre: str) -> bool:
    """Whether `fact` is an offensive of `theatre` whose end no source gives."""
    detail = dict(fact.detail)
    return detail.get("end") == "not-recorded" and detail.get("theatre") == theatre


def _close(facts: MutableMapping[Key, Fact], step: Step) -> list[Key]:
    """Stop every offensive of the step's theatre whose end no source gives: the theatre's
    next recorded state bounds it."""
    theatre = step.closes
    assert theatre is not None
    changed = [
        key
        for key in step.closing
        if key.aspect == "conflict"
        and not key.pending
        and (fact := facts.get(key)) is not None
        and _open_offensive(fact, theatre)
    ]
    if len(changed) > 1:  # in the state's own order, as a walk over every fact would give them
        found = set(changed)
        changed = [key for key in facts if key in found]
    for key in changed:
        del facts[key]
    return changed


def timeline(events: Iterable[Event], reg: Registry) -> tuple[Step, ...]:
    """The steps of `events` (given in log order), sorted by instant, ties in log order
    (foundings first and cessations last)."""
    events = list(events)
    counted = {e.id: e for e in events}
    existence = Existence(events)
    steps: list[Step] = []
    pools: dict[Key, list[Announcement]] = {}
    for group in _accounts(events, counted).values():  # one table by id for both
        order, primary = group[0]
        members = [e for _, e in group]
        ids = tuple(e.id for e in members)
        if len(members) > 1:
            primary = min(members, key=_effect)
        sets = _merge([facts_of(e, reg) for e in members])
        effect = _effect(primary)
        if isinstance(primary, Dissolution):
            ending = _ending(primary, reg, counted)
            steps.append(Step(effect, order, primary, (), ending=ending, events=ids))
            continue
        if isinstance(primary, Cessation):
            steps.append(Step(effect, order, primary, (), ceasing=_ceasing(primary, reg, counted), events=ids))
            continue
        sets = _lapse_absent(sets, effect, existence)
        early = [e for e in members if e.announced_early]
        pending: tuple[Key, ...] = ()
        if early:
            start = min(e.date.start for e in early)
            for fact in _merge([announced(e, reg) for e in early]):
                pools.setdefault(fact.key, []).append(Announcement(start, order, effect, fact))
                pending += (fact.key,)
            steps.append(Step(start, order, primary, (), pending, events=ids, pools=pools))
        closes, orders_with = _theatre(primary, sets)
        steps.append(
            Step(effect, order, primary, sets, pending, events=ids, pools=pools, closes=closes, orders_with=orders_with)
        )
        until = primary.date.until if primary.date.is_span else None
        if until is not None and sets:
            steps.append(
                Step(shifted(until.end, _TICK), order, primary, (), stops=tuple(f.key for f in sets), events=ids)
            )
    for pool in pools.values():
        pool.sort(key=lambda a: (a.start, a.order))
    steps.sort(key=_moment)  # stable, and steps were made in log order: ties keep it
    return tuple(_closings(steps))


def _closings(steps: list[Step]) -> list[Step]:
    """`steps` (in timeline order), each that closes a theatre given the keys it can stop:
    those an open offensive of the theatre was set on since its previous closing step
    (that step stopped every one before). `_close` then looks at these keys only, not at
    every fact of the state (a walk over the state per war or ceasefire was quadratic)."""
    since: dict[str, dict[Key, None]] = {}
    for position, step in enumerate(steps):
        for fact in step.sets:
            detail = dict(fact.detail)
            if detail.get("end") == "not-recorded" and (theatre := detail.get("theatre")) is not None:
                since.setdefault(theatre, {})[fact.key] = None
        if step.closes is not None:
            steps[position] = attrs.evolve(step, closing=tuple(since.pop(step.closes, ())))
    return steps


def _theatre(event: Event, sets: tuple[Fact, ...]) -> tuple[str | None, tuple[Key, ...]]:
    """A war's or ceasefire's theatre, whose open offensives its step stops; for an offensive
    with no recorded end, the theatre's key it keeps its order with."""
    if isinstance(event, (War, Ceasefire)) and sets:
        return event.theatre, ()
    if isinstance(event, Offensive) and sets and not event.date.is_span:
        return None, (Key("conflict", event.theatre),)
    return None, ()


def _effect(event: Event) -> pendulum.DateTime:
    return event.takes_effect.start


def _moment(step: Step) -> tuple[pendulum.DateTime, int]:
    return step.instant, _rank(step.event)


def _read_only(facts: Mapping[Key, Fact]) -> Mapping[Key, Fact]:
    """A read-only copy of `facts` (what a `State` holds)."""
    return MappingProxyType(dict(facts))


@attrs.frozen
class State:
    """The facts in force after replaying every step up to and including `upto`
    (None: nothing replayed yet)."""

    upto: pendulum.DateTime | None
    facts: Mapping[Key, Fact] = attrs.field(converter=_read_only)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, State):
            return NotImplemented
        return self.upto == other.upto and dict(self.facts) == dict(other.facts)

    def __hash__(self) -> int:
        return hash((self.upto, frozenset(self.facts.items())))


EMPTY = State(None, {})


def _end(facts: MutableMapping[Key, Fact], step: Step) -> list[Key]:
    ending = step.ending
    assert ending is not None
    since = step.event.takes_effect
    changed = []
    for key, fact in list(facts.items()):
        if key.pending or fact.aspect not in ending.aspects or not fact.refs & ending.owners or fact.ended:
            continue
        word = ENDED[fact.aspect]
        if fact.aspect == "relation":
            word = f"{dict(fact.detail).get('type', 'tie')} {word}"
        detail = (*((k, v) for k, v in fact.detail if k != "state"), ("state", "ended"))
        facts[key] = attrs.evolve(
            fact,
            value=f"{word}: {ending.summary}",
            since=str(since),
            interval=since,
            event=step.event.id,
            sources=step.event.sources,
            detail=detail,
            supports=ending.disputes,
            disputed=bool(ending.disputes),
            ended=True,
            previous=fact,
        )
        changed.append(key)
    return changed


def _cease(facts: MutableMapping[Key, Fact], step: Step) -> list[Key]:
    """End every standing position the ceasing actor holds (not those already ended, nor
    the claims disputing the cessation): each becomes its ending, lapsed."""
    ceasing = step.ceasing
    assert ceasing is not None
    since = step.event.takes_effect
    changed = []
    for key, fact in list(facts.items()):
        if key.pending or fact.act or fact.ended or fact.lapsed is not None or ceasing.actor not in holders(fact):
            continue
        if fact.event in ceasing.exempt or any(s.event in ceasing.exempt for s in fact.accounts):
            continue
        facts[key] = attrs.evolve(
            fact,
            value=f"ended: {ceasing.summary}",
            since=str(since),
            interval=since,
            event=step.event.id,
            sources=step.event.sources,
            supports=ceasing.disputes,
            disputed=bool(ceasing.disputes),
            ended=True,
            lapsed=Lapse.HOLDER_CEASED,
            certainty="certain",
            otherwise=None,
            otherwise_event=None,
            previous=fact,
        )
        changed.append(key)
    return changed


def _run(old: Fact | None, fact: Fact) -> Fact:
    """`fact` set over `old`: it joins old's run if it repeats the value, else starts one.
    An act never joins a run (each is its own happening), nor does a lapsed fact."""
    if (
        old is not None
        and old.value == fact.value
        and not old.disputed
        and not fact.disputed
        and not fact.act
        and old.lapsed is None
        and fact.lapsed is None
    ):
        return old.joined(fact)
    return fact.replacing(old)


def pending_at(pool: Sequence[Announcement], instant: pendulum.DateTime) -> Fact | None:
    """The pending fact of one key at `instant`: the runs of the announcements on record
    and not yet in effect, in order."""
    fact = None
    for item in pool:
        if item.start > instant:
            break
        if instant < item.effect:
            fact = _run(fact, item.fact)
    return fact


def apply(facts: MutableMapping[Key, Fact], step: Step) -> list[Key]:
    """Apply one step to `facts` in place; returns the keys whose fact changed."""
    changed: list[Key] = []
    for key in step.pending:
        fact = pending_at(step.pools[key], step.instant)
        if fact != facts.get(key):
            changed.append(key)
        if fact is None:
            facts.pop(key, None)
        else:
            facts[key] = fact
    for key in step.stops:
        current = facts.get(key)
        if current is not None and current.event in step.events:
            del facts[key]
            changed.append(key)
    for fact in step.sets:
        facts[fact.key] = _run(facts.get(fact.key), fact)
        changed.append(fact.key)
    if step.ending is not None:
        changed.extend(_end(facts, step))
    if step.closes is not None:
        changed.extend(_close(facts, step))
    if step.ceasing is not None:
        changed.extend(_cease(facts, step))
    return changed


def replay(steps: Sequence[Step], upto: pendulum.DateTime, start: State = EMPTY) -> State:
    """Apply to `start` every step after `start.upto` and at or before `upto`."""
    if start.upto is not None and upto < start.upto:
        msg = f"cannot replay backwards: the snapshot is at {start.upto}, asked for {upto}"
        raise ValueError(msg)
    facts = dict(start.facts)
    first = 0 if start.upto is None else bisect.bisect_right(steps, start.upto, key=lambda s: s.instant)
    for position in range(first, len(steps)):
        step = steps[position]
        if step.instant > upto:
            break
        apply(facts, step)
    return State(upto, facts)


class Replay:
    """A log's replay: its timeline at each record time and its catalogue of subjects, each
    worked out once. `Replay.of(log)` is the one replay of a log, kept while the log lives,
    so every query on the same log shares it.

    It holds its log weakly: a strong reference from the table's value to its key would
    keep every log ever replayed (and its timeline) alive for the whole process."""

    _made: ClassVar[weakref.WeakKeyDictionary[Log, Replay]] = weakref.WeakKeyDictionary()

    def __init__(self, log: Log) -> None:
        self._log = weakref.ref(log)
        self._steps: dict[pendulum.DateTime | None, tuple[Step, ...]] = {}
        self._catalogue: Catalogue | None = None

    @classmethod
    def of(cls, log: Log, timeline: Sequence[Step] | None = None) -> Replay:
        """The replay of `log`; `timeline`, if given, is its timeline of every counted
        event, already built (the loader's checks build it)."""
        found = cls._made.get(log)
        if found is None:
            found = cls._made[log] = cls(log)
        if timeline is not None:
            found._steps.setdefault(None, tuple(timeline))
        return found

    @property
    def log(self) -> Log:
        """The log replayed (alive while anyone but this replay holds it)."""
        log = self._log()
        assert log is not None, "a replay outlived its log"  # Replay.of's table drops it with the log
        return log

    def steps(self, known_at: pendulum.DateTime | None = None) -> tuple[Step, ...]:
        """The timeline of the events that count at record time `known_at` (None: now)."""
        found = self._steps.get(known_at)
        if found is None:
            log = self.log
            found = self._steps[known_at] = timeline(counted_events(log.events, known_at), log.registry)
        return found

    def state(
        self, instant: pendulum.DateTime, known_at: pendulum.DateTime | None = None, start: State = EMPTY
    ) -> State:
        """The state at `instant` as recorded by `known_at`, continuing from `start`."""
        return replay(self.steps(known_at), instant, start)

    def catalogue(self) -> Catalogue:
        """The catalogue of subjects the events that count give."""
        if self._catalogue is None:
            self._catalogue = catalogue(counted_events(self.log.events), self.log.registry)
        return self._catalogue
