"""How the query verbs read a log: through its fact index when one is current, else by
replaying its events. Both readers answer the same four questions (`Reader`): the facts at
an instant, both sides of a step between two instants with what changed them, a walk
through several instants one step at a time, and the full answer at each of several
instants. The verbs in `api.query` ask them and never look at which reader they hold.

The choice is made in one place, `reader`: a log opened through its index (`open_log`
gives an `Indexed`) is read through it unless a record time is asked for, which only a
replay can answer; a loaded `Log` is replayed. What each reader works out once lives on
it: the replay's timelines and catalogue on `core.replay.Replay`, decoded facts and the
catalogue on the `index.read.Index` handle.
"""

from __future__ import annotations

import bisect
import heapq
import os
import sqlite3
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Protocol

import pendulum

from statustrack.api.answer import Keep, Sides, changes, kept, rank, seen_at
from statustrack.core.catalogue import Catalogue
from statustrack.core.dates import Interval, parse_edtf
from statustrack.core.facts import Fact, Key
from statustrack.core.model import Log
from statustrack.core.registry import Registry, SourceRef
from statustrack.index.keys import current_key, index_place, log_root
from statustrack.index.read import Index, State, Verdict, assess, open_current

__all__ = [
    "DAMAGE",
    "Indexed",
    "Keep",
    "Reader",
    "Sides",
    "Source",
    "damaged",
    "event_told",
    "events_told",
    "kept",
    "load_indexed",
    "open_log",
    "reader",
]


class Reader(Protocol):
    """What the query verbs read a log through: its settings, and four questions."""

    @property
    def name(self) -> str:
        """The log's name."""

    @property
    def timezone(self) -> str:
        """The log's time zone, in which a query date is read."""

    @property
    def horizon(self) -> Interval | None:
        """The span the log covers (None: unbounded)."""

    @property
    def registry(self) -> Registry:
        """The log's sources, places and actors."""

    def catalogue(self) -> Catalogue:
        """The subjects a query can name."""

    def at(self, instant: pendulum.DateTime, keep: Keep) -> tuple[Fact, ...]:
        """The facts in force at `instant` that `keep` keeps, as seen then, in answer order."""

    def between(self, lo: pendulum.DateTime, hi: pendulum.DateTime, keep: Keep) -> Sides:
        """Both sides of the step from `lo` to `hi` (lo <= hi), of the facts `keep` keeps."""

    def slide(self, instants: Sequence[pendulum.DateTime], keep: Keep) -> Iterator[Sides]:
        """The sides of each step from one of `instants` (in time order) to the next."""

    def sweep(self, instants: Sequence[pendulum.DateTime], keep: Keep) -> Iterator[tuple[Fact, ...]]:
        """`at` each of `instants` (in time order), in one pass."""


class Indexed:
    """A log read through its current fact index (`index`): nothing of the log is parsed
    unless `load` is called. `path` is the log as `open_log` was given it; `log` the log
    itself when it was loaded anyway (to build the index)."""

    def __init__(self, index: Index, path: str | os.PathLike[str] | None, log: Log | None = None) -> None:
        self.index = index
        self._path = path
        self._log = log
        self.horizon = index.horizon
        self._told: dict[str, tuple[str | None, tuple[SourceRef, ...]]] = {}

    @property
    def name(self) -> str:
        """The log's name, as the index was built from it."""
        return str(self.index.meta["name"])

    @property
    def timezone(self) -> str:
        """The log's time zone."""
        return str(self.index.meta["timezone"])

    @property
    def registry(self) -> Registry:
        """The log's registry."""
        return self.index.registry()

    def load(self) -> Log:
        """The log itself (parsed on first use): for what the index does not keep."""
        if self._log is None:
            from statustrack.log.load import load_log  # only here: the indexed path parses nothing

            self._log = load_log(self._path)
        return self._log

    def catalogue(self) -> Catalogue:
        """The catalogue the index keeps."""
        return self.index.catalogue()

    def _replayed(self, error: Exception) -> Reader:
        """The replay, for a question the index failed to answer (it was damaged after it
        was opened: a row or table gone): said once, never an internal error."""
        from statustrack.api.replayed import Replayed  # only here: reading through the index never replays

        damaged(error)
        return Replayed(self.load(), None)

    def at(self, instant: pendulum.DateTime, keep: Keep) -> tuple[Fact, ...]:
        """The versions in force at `instant`."""
        try:
            return tuple(self.index.answer(instant, keep, seen_at))
        except _DAMAGE as e:
            return self._replayed(e).at(instant, keep)

    def between(self, lo: pendulum.DateTime, hi: pendulum.DateTime, keep: Keep) -> Sides:
        """Only what can differ: the versions that end or begin in between, and the facts
        possible at `lo` whose certainty may move by `hi`."""
        try:
            index = self.index
            with index.snapshot():
                ended, begun = index.changed(lo, hi)
                before, after, causes, _, _ = _indexed_step(
                    lo, hi, ended, begun, lambda keys: index.causes(lo, hi, keys), index.possible_at(lo), keep
                )
        except _DAMAGE as e:
            return self._replayed(e).between(lo, hi, keep)
        return before, after, causes

    def slide(self, instants: Sequence[pendulum.DateTime], keep: Keep) -> Iterator[Sides]:
        """One pass over the versions that begin or end in between (read together, then
        put in their steps), never a whole state again; the facts possible at each instant
        are kept by when they may next move."""
        if not instants:
            return
        index = self.index
        lo = instants[0]
        with index.snapshot():
            possible = index.possible_at(lo)
            walked = index.walk(instants)
        due: list[tuple[pendulum.DateTime, int, Key, Fact]] = []  # when each possible fact may move
        for number, (key, fact) in enumerate(possible.items()):
            heapq.heappush(due, (_next_move(fact, lo), number, key, fact))
        number = len(due)
        for hi, (ended, begun, every) in zip(instants[1:], walked, strict=True):
            moving: dict[Key, Fact] = {}
            while due and due[0][0] <= hi:
                _, _, key, fact = heapq.heappop(due)
                if possible.get(key) is fact:
                    moving[key] = fact
            before, after, causes, changed, fresh = _indexed_step(lo, hi, ended, begun, _among(every), moving, keep)
            yield before, after, causes
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

    def sweep(self, instants: Sequence[pendulum.DateTime], keep: Keep) -> Iterator[tuple[Fact, ...]]:
        """The first answer, then each step of `slide` applied to the last."""
        if not instants:
            return
        facts = list(self.at(instants[0], keep))
        yield tuple(facts)
        ranks = [rank(f) for f in facts]
        for sides in self.slide(instants, keep):
            for change in changes(*sides):
                if change.before is not None:
                    place = bisect.bisect_left(ranks, rank(change.before))
                    del ranks[place], facts[place]
                if change.after is not None:
                    mark = rank(change.after)
                    place = bisect.bisect_left(ranks, mark)
                    ranks.insert(place, mark)
                    facts.insert(place, change.after)
            yield tuple(facts)

    def told(self, idents: Iterable[str]) -> dict[str, tuple[str | None, tuple[SourceRef, ...]]]:
        """Each event's date (its effective date when it has one, as EDTF) and sources, from
        the index's copy of its record (None, () for an unknown id): the ones not asked
        before read together, and kept."""
        told = self._told
        missing = [i for i in dict.fromkeys(idents) if i not in told]
        if missing:
            records = self.index.event_records(missing)
            tz, version = self.timezone, int(self.index.meta["format"])
            for ident in missing:
                record = records.get(ident)
                if record is None:
                    told[ident] = (None, ())
                    continue
                written = record.get("effective") or record["date"]
                told[ident] = (
                    parse_edtf(written, tz, version).edtf,
                    tuple(SourceRef(s["id"], s.get("at", "")) for s in record["sources"]),
                )
        return {i: told[i] for i in idents}

    def close(self) -> None:
        """Close the index."""
        self.index.close()


def _indexed_step(
    lo: pendulum.DateTime,
    hi: pendulum.DateTime,
    ended: dict[Key, Fact],
    begun: dict[Key, Fact],
    causes_of: Callable[[set[Key]], dict[Key, list[str]]],
    moving: dict[Key, Fact],
    keep: Keep,
) -> tuple[dict[Key, Fact], dict[Key, Fact], dict[Key, list[str]], set[Key], dict[Key, Fact]]:
    """Both sides of a step from `lo` to `hi` (lo <= hi) from the index, looking only at
    what can differ: the versions that end (`ended`) or begin (`begun`) in between
    (`Index.changed`), and the facts possible at `lo` whose certainty may move by `hi`
    (`moving`). A key no version boundary separates holds one version at both ends.
    `causes_of` gives the events that changed each of some keys in between. Also returns
    the keys changed in between and the facts begun in between that are possible at `hi`."""
    changed = ended.keys() | begun.keys()
    at_lo, at_hi = dict(ended), dict(begun)
    for key, fact in moving.items():
        if key not in changed and (fact.certain_by(hi) or fact.settled_before(lo) is not fact.settled_before(hi)):
            at_lo[key] = at_hi[key] = fact
    sides = [{k: seen_at(f, q) for k, f in facts.items() if kept(keep, f)} for q, facts in ((lo, at_lo), (hi, at_hi))]
    keys = sides[0].keys() | sides[1].keys()
    causes = causes_of(keys) if keys else {}
    return sides[0], sides[1], causes, set(changed), {k: f for k, f in begun.items() if not f.certain_by(hi)}


def _among(causes: dict[Key, list[str]]) -> Callable[[set[Key]], dict[Key, list[str]]]:
    """What `causes` (of every key) says of some keys."""
    return lambda keys: {k: causes[k] for k in keys if k in causes}


def _next_move(fact: Fact, instant: pendulum.DateTime) -> pendulum.DateTime:
    """When `fact`, possible at `instant`, may next be seen otherwise: when it or one of the
    earlier facts it would fall back to becomes certain."""
    moment = fact.interval.end
    earlier = fact.previous
    while earlier is not None and not earlier.certain_by(instant):
        moment = min(moment, earlier.interval.end)
        earlier = earlier.previous
    return moment


#: What a damaged index raises when a query reads it.
DAMAGE = _DAMAGE = (sqlite3.Error, KeyError, ValueError)
_SAID: set[str] = set()


def damaged(error: Exception) -> None:
    """Say once that the index failed a query (`error`, one of `DAMAGE`) and the log is replayed."""
    say(f"the index could not be read ({type(error).__name__}: {error}); answering by replaying the log")


def say(text: str) -> None:
    """Write `text` on stderr as a note, once per process (`statustrack: note: ...`)."""
    if text not in _SAID:
        _SAID.add(text)
        sys.stderr.write(f"statustrack: note: {text}\n")


#: What the query verbs accept: a loaded log, or one opened through its index.
Source = Log | Indexed


def event_told(source: Source, ident: str) -> tuple[str | None, tuple[SourceRef, ...]]:
    """Event `ident`'s date (its effective date when it has one, as EDTF) and its sources, from
    the log or, through a current index, from the index's copy of the event record (so a
    diff's rows never make the indexed path parse the log); (None, ()) for an unknown id."""
    return events_told(source, (ident,))[ident]


def events_told(source: Source, idents: Iterable[str]) -> dict[str, tuple[str | None, tuple[SourceRef, ...]]]:
    """`event_told` of each of `idents`, by id: through a current index, the records not
    met before in one read (what is told is kept on the reader)."""
    if isinstance(source, Indexed):
        return source.told(idents)
    found: dict[str, tuple[str | None, tuple[SourceRef, ...]]] = {}
    for ident in idents:
        try:
            event = source.event(ident)
        except KeyError:
            found[ident] = (None, ())
            continue
        found[ident] = ((event.effective or event.date).edtf, event.sources)
    return found


def reader(source: Source, known_at: pendulum.DateTime | None = None) -> Reader:
    """The reader of `source` as recorded by `known_at` (None: everything recorded): its
    index when it was opened through a current one and no record time is asked for (the
    index keeps only the present record), else a replay of its events. The one place the
    choice between the two is made."""
    if isinstance(source, Indexed) and known_at is None:
        return source
    from statustrack.api.replayed import Replayed  # only here: reading through the index never replays

    return Replayed(source.load() if isinstance(source, Indexed) else source, known_at)


def open_log(path: str | os.PathLike[str] | None = None) -> Source:
    """The log at `path` (None: $STATUSTRACK_LOG, else the shipped log), opened through its
    fact index, which is built first if it is missing or stale.

    With a current index nothing of the log is parsed. If the index cannot be written, the
    loaded log is returned and queries replay it, as they would anyway."""
    directory, shipped = log_root(path)
    place = index_place(directory, shipped)
    where = place.path
    for text in place.ignored:
        say(text)
    if directory.is_dir():
        found = assess(directory, where)
        if isinstance(found, Index):
            return Indexed(found, path)
        if isinstance(found, Verdict) and found.state in (State.ALTERED, State.DAMAGED, State.UNTRUSTED):
            say(f"not reading the index {where} ({found.why}): rebuilding it")
    # Only here: with a current index, the loader and the builder are never imported.
    from statustrack.core.replay import Replay
    from statustrack.index.build import build
    from statustrack.index.trust import UnsafePlace
    from statustrack.log.load import give_back, load_log

    key = current_key(directory) if directory.is_dir() else None  # keyed by the files as they were before reading
    log = load_log(path)  # refuses, as it always has, what is not a log directory
    assert key is not None
    try:
        build(log, Replay.of(log).steps(), where, key)
    except UnsafePlace as e:
        say(str(e))
        return log
    except (OSError, sqlite3.Error):
        return log
    index = open_current(directory, where)
    if index is None:
        return log
    # The answer comes from the index just built: the log and its timeline are let go
    # (most of a cold process's memory), and parsed again only if something asks for them.
    del log
    give_back()
    return Indexed(index, path)


#: The name `open_log` had: a log whose `at` and `diff` read the current index.
load_indexed = open_log
