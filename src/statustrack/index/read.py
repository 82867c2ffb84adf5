"""Reading the fact index: the `Index` handle, an open current index and the queries on it
(the facts at an instant, the versions that begin or end between two, what changed them).

Decoded facts, keys and the catalogue are kept on the handle, once per process: it is
the layer that owns them. `open_current` opens an index only if it is current for the log
on disk (see `index.keys`) and may be trusted (see `index.trust`), read-only: reading never changes the
file. The choice between it and a replay is the API's (`api.reader`).
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pendulum

from statustrack.core.catalogue import Catalogue
from statustrack.core.dates import Interval
from statustrack.core.facts import Fact, Key, Rank, rank
from statustrack.core.registry import Registry
from statustrack.index.codec import decode, instant_of, interval_of, micros, registry_of
from statustrack.index.light import (
    AT,
    REQUIRED,
    HistoryRow,
    State,
    Verdict,
    current,
    history_rows,
    read_meta,
    ro,
)

__all__ = [
    "REQUIRED",
    "HistoryRow",
    "Index",
    "IndexDamaged",
    "State",
    "Verdict",
    "WalkStep",
    "assess",
    "history_facts",
    "history_rows",
    "open_current",
    "open_file",
    "read_meta",
]


class IndexDamaged(Exception):
    """An index that passed the checks at opening turned out unreadable or inconsistent
    while a query read it (a row missing, a table gone): the caller replays instead."""


_AT = AT.replace("{columns}", "v.fact, v.certain_from")
_POSSIBLE = _AT.format(extra="AND v.certain_from > ?1")
_AT = _AT.format(extra="")
_ENDED = (
    "SELECT fact, certain_from FROM versions INDEXED BY versions_by_until "
    "WHERE valid_until >= ?1 AND valid_until < ?2 AND valid_from <= ?1"
)
_BEGUN = (
    "SELECT fact, certain_from FROM versions INDEXED BY versions_by_from "
    "WHERE valid_from > ?1 AND valid_from <= ?2 AND valid_until >= ?2"
)
#: What `walk` reads: the versions ending, the versions beginning and the changes in (?1, ?2].
_ENDED_IN = (
    "SELECT fact, certain_from, valid_from, valid_until FROM versions INDEXED BY versions_by_until "
    "WHERE valid_until >= ?1 AND valid_until < ?2"
)
_BEGUN_IN = (
    "SELECT fact, certain_from, valid_from, valid_until FROM versions INDEXED BY versions_by_from "
    "WHERE valid_from > ?1 AND valid_from <= ?2"
)
_CHANGES_IN = (
    "SELECT instant, aspect, subject, pending, events FROM changes WHERE instant > ?1 AND instant <= ?2 "
    "ORDER BY instant, rowid"
)
_BATCH = 500
#: Below every instant: a chain kept whole serves any instant.
_NO_FLOOR = -(2**63)

#: One step of a walk: the facts in force at its start whose version ends in it, those in
#: force at its end whose version began in it, and the events that changed each key in it.
WalkStep = tuple[dict[Key, Fact], dict[Key, Fact], dict[Key, list[str]]]


class Index:
    """An open, current index: the facts at an instant, and what changed them.

    Facts are decoded once per process: a certain fact stands alone, a possible one
    carries its chain of earlier facts (what holds if it has not happened yet)."""

    def __init__(self, db: sqlite3.Connection, meta: dict[str, Any]) -> None:
        self.db = db
        self.meta = meta
        self._plain: dict[int, Fact] = {}
        self._previous: dict[int, int | None] = {}
        self._chained: dict[int, tuple[int, Fact]] = {}  # id -> (from when its chain serves, the fact)
        self._keys: dict[tuple[str, str, int], Key] = {}
        self._events: dict[str, tuple[str, ...]] = {}
        self._places: dict[int, int] = {}  # fact id -> its place in answer order
        self._ranked: list[tuple[Rank, int]] = []  # (rank, id) of the facts placed, sorted
        self._in_order: list[int] = []  # the ids of `_ranked`, in order
        self._shown: dict[tuple[int, int | None], Fact] = {}  # (possible fact, settled fact) -> as seen
        self._fact_keys: dict[int, Key] = {}
        self._registry: Registry | None = None
        self._catalogue: Catalogue | None = None

    def registry(self) -> Registry:
        """The log's registry, as it was when the index was built (decoded once)."""
        if self._registry is None:
            self._registry = registry_of(self.meta["registry"])
        return self._registry

    @property
    def horizon(self) -> Interval | None:
        """The span the log covers, as it was when the index was built."""
        return interval_of(self.meta["horizon"])

    def catalogue(self) -> Catalogue:
        """The catalogue of subjects the index keeps (read once): what the replay's gives."""
        if self._catalogue is None:
            self._catalogue = Catalogue(
                frozenset(i for (i,) in self.db.execute("SELECT id FROM catalogue_ids")),
                dict(self.db.execute("SELECT folded, spelling FROM catalogue_names")),
            )
        return self._catalogue

    def _load(self, ids: Iterable[int]) -> None:
        plain = self._plain
        missing = list(dict.fromkeys(i for i in ids if i not in plain))
        for first in range(0, len(missing), _BATCH):
            chunk = missing[first : first + _BATCH]
            marks = ",".join("?" * len(chunk))
            for fact_id, previous, body in self.db.execute(
                f"SELECT id, previous, body FROM facts WHERE id IN ({marks})", chunk
            ):
                plain[fact_id] = decode(body)
                self._previous[fact_id] = previous

    def fact(self, fact_id: int, possible: bool, at: int | None = None) -> Fact:
        """The fact node `fact_id` (loaded already); if `possible`, with its `previous` chain
        as far as any instant from `at` (microseconds) on can need it: down to the first
        earlier fact certain by `at` (what holds if the fact has not happened yet, and
        nothing older can be), or the whole chain when `at` is None. Certainty only grows
        with time, so a chain cut for `at` serves every later instant."""
        if not possible:
            return self._plain[fact_id]
        floor = _NO_FLOOR if at is None else at
        found = self._chained.get(fact_id)
        if found is not None and found[0] <= floor:
            return found[1]
        instant = None if at is None else instant_of(at)
        plain, previous, chained = self._plain, self._previous, self._chained
        chain = [fact_id]
        linked: Fact | None = None
        node = previous[fact_id]
        while node is not None:
            have = chained.get(node)
            if have is not None and have[0] <= floor:
                linked = have[1]
                break
            if node not in plain:
                self._load([node])
            if instant is not None and plain[node].certain_by(instant):
                linked = plain[node]  # certain from `at` on: the walk stops here
                break
            chain.append(node)
            node = previous[node]
        for node in reversed(chain):
            linked = plain[node].replacing(linked)
            have = chained.get(node)
            if have is None or have[0] > floor:
                chained[node] = (floor, linked)
        assert linked is not None
        return linked

    def _facts(self, query: str, q: int, *args: Any) -> list[tuple[int, Fact, bool]]:
        rows = self.db.execute(query, args).fetchall()
        self._load(f for f, _ in rows)
        return [(f, self.fact(f, certain > q, q), certain > q) for f, certain in rows]

    def _keyed(self, query: str, q: int, *args: Any) -> dict[Key, Fact]:
        keys = self._fact_keys
        found = {}
        for fact_id, fact, _ in self._facts(query, q, *args):
            key = keys.get(fact_id)
            if key is None:
                key = keys[fact_id] = fact.key
            found[key] = fact
        return found

    def facts_at(self, instant: pendulum.DateTime) -> dict[Key, Fact]:
        """The facts in force at `instant`, by key."""
        q = micros(instant)
        return self._keyed(_AT, q, q)

    def _place(self, ids: Iterable[int]) -> None:
        """Give each fact of `ids` without one its place in answer order (`rank`, then its
        id): the facts placed so far stay one sorted list, and the new ones are merged in."""
        plain, places = self._plain, self._places
        new = sorted((rank(plain[i]), i) for i in dict.fromkeys(i for i in ids if i not in places))
        if not new:
            return
        merged = self._ranked + new
        merged.sort()  # two sorted runs: one merge
        self._ranked = merged
        self._in_order = [i for _, i in merged]
        places.clear()
        places.update((i, n) for n, i in enumerate(self._in_order))

    def answer(
        self,
        instant: pendulum.DateTime,
        keep: Callable[[Fact], bool] | None,
        seen: Callable[[Fact, pendulum.DateTime], Fact],
    ) -> list[Fact]:
        """The facts in force at `instant` that `keep` keeps (None: all), in answer order
        (`core.facts.rank`), each possible one as `seen` shows it at `instant`. `seen` must
        depend only on the fact and on the latest earlier fact certain by `instant` (what
        holds if it has not happened yet): its result is kept for that pair."""
        q = micros(instant)
        rows = self.db.execute(_AT, (q,)).fetchall()
        plain, places = self._plain, self._places
        try:  # every fact met before has its place: one lookup each
            shown = [places[f] for f, _ in rows] if keep is None else [places[f] for f, _ in rows if keep(plain[f])]
        except KeyError:
            self._load(f for f, _ in rows)
            self._place(f for f, _ in rows)
            shown = [places[f] for f, _ in rows if keep is None or keep(plain[f])]
        possible = {f for f, certain in rows if certain > q}
        shown.sort()
        in_order = self._in_order
        facts = [plain[in_order[n]] for n in shown]
        if possible:
            for n, place in enumerate(shown):
                fact_id = in_order[place]
                if fact_id in possible:
                    facts[n] = self._seen(fact_id, instant, q, seen)
        return facts

    def _seen(
        self, fact_id: int, instant: pendulum.DateTime, q: int, seen: Callable[[Fact, pendulum.DateTime], Fact]
    ) -> Fact:
        """Fact `fact_id`, possible at `instant` (`q`), as `seen` shows it there: made once
        per fact and latest earlier fact certain by then."""
        fact = self.fact(fact_id, True, q)
        if fact.certain_by(instant):  # its version says otherwise: nothing to keep
            return seen(fact, instant)
        settled = self._previous[fact_id]
        while settled is not None and not self._plain[settled].certain_by(instant):
            settled = self._previous[settled]
        shown = self._shown.get((fact_id, settled))
        if shown is None:
            shown = self._shown[(fact_id, settled)] = seen(fact, instant)
        return shown

    def possible_at(self, instant: pendulum.DateTime) -> dict[Key, Fact]:
        """The facts in force at `instant` that have not certainly begun by then."""
        q = micros(instant)
        return self._keyed(_POSSIBLE, q, q)

    def changed(self, lo: pendulum.DateTime, hi: pendulum.DateTime) -> tuple[dict[Key, Fact], dict[Key, Fact]]:
        """The facts in force at `lo` whose version ends in (lo, hi], and those in force at
        `hi` whose version began in (lo, hi]: every key a step in between changed."""
        a, b = micros(lo), micros(hi)
        ended = self._keyed(_ENDED, a, a, b)
        begun = self._keyed(_BEGUN, b, a, b)
        return ended, begun

    def walk(self, instants: Sequence[pendulum.DateTime]) -> list[WalkStep]:
        """`changed` and `causes` (for every key) of each step from one of `instants` (in
        time order) to the next, read in three queries over the whole span, each row put in
        the one step it belongs to: a step a day costs no query of its own."""
        qs = [micros(i) for i in instants]
        count = len(qs) - 1
        if count < 1:
            return []
        sides: tuple[list[dict[Key, Fact]], list[dict[Key, Fact]]] = ([{} for _ in qs[1:]], [{} for _ in qs[1:]])
        steps_causes: list[dict[Key, list[str]]] = [{} for _ in qs[1:]]
        first, last = qs[0], qs[-1]
        ended: list[tuple[int, int, int]] = []  # (step, fact, certain_from)
        for fact, certain, start, until in self.db.execute(_ENDED_IN, (first, last)):
            step = bisect_right(qs, until) - 1  # lo <= until < hi
            if step < count and start <= qs[step]:
                ended.append((step, fact, certain))
        begun: list[tuple[int, int, int]] = []
        for fact, certain, start, until in self.db.execute(_BEGUN_IN, (first, last)):
            step = bisect_left(qs, start) - 1  # lo < start <= hi
            if step >= 0 and until >= qs[step + 1]:
                begun.append((step, fact, certain))
        self._load(f for _, f, _ in ended)
        self._load(f for _, f, _ in begun)
        keys = self._fact_keys
        for side, found, later in ((0, ended, 0), (1, begun, 1)):
            for step, fact_id, certain in found:
                q = qs[step + later]
                fact = self.fact(fact_id, certain > q, q)
                key = keys.get(fact_id)
                if key is None:
                    key = keys[fact_id] = fact.key
                sides[side][step][key] = fact
        events = self._events
        for instant, aspect, subject, pending, text in self.db.execute(_CHANGES_IN, (first, last)):
            step = bisect_left(qs, instant) - 1
            if step < 0 or step >= count:
                continue
            key = self._key(aspect, subject, pending)
            ids = events.get(text)
            if ids is None:
                ids = events[text] = tuple(json.loads(text))
            causes = steps_causes[step]
            have = causes.get(key)
            if have is None:
                causes[key] = list(ids)
            else:
                have.extend(i for i in ids if i not in have)
        return list(zip(*sides, steps_causes, strict=True))

    def _key(self, aspect: str, subject: str, pending: int) -> Key:
        found = self._keys.get((aspect, subject, pending))
        if found is None:
            found = self._keys[(aspect, subject, pending)] = Key(aspect, subject, bool(pending))
        return found

    def causes(
        self, lo: pendulum.DateTime, hi: pendulum.DateTime, keys: Iterable[Key] | None = None
    ) -> dict[Key, list[str]]:
        """For each key (of `keys`, if given), the events of the steps in (lo, hi] that
        changed its fact, in order."""
        wanted = None if keys is None else {(k.aspect, k.subject, int(k.pending)): k for k in keys}
        found: dict[Key, list[str]] = {}
        events = self._events
        for aspect, subject, pending, text in self.db.execute(
            "SELECT aspect, subject, pending, events FROM changes WHERE instant > ? AND instant <= ? "
            "ORDER BY instant, rowid",
            (micros(lo), micros(hi)),
        ):
            key = self._key(aspect, subject, pending) if wanted is None else wanted.get((aspect, subject, pending))
            if key is None:
                continue
            ids = events.get(text)
            if ids is None:
                ids = events[text] = tuple(json.loads(text))
            have = found.get(key)
            if have is None:
                found[key] = list(ids)
            else:
                have.extend(i for i in ids if i not in have)
        return found

    def event_record(self, ident: str) -> dict[str, Any] | None:
        """Event `ident` as the log records it (its fields as written), or None."""
        row = self.db.execute("SELECT record FROM events WHERE id = ?", (ident,)).fetchone()
        return None if row is None else dict(json.loads(row[0]))

    def event_records(self, idents: Sequence[str]) -> dict[str, dict[str, Any]]:
        """The events of `idents` the index holds, as the log records them, by id (in one
        read per 500 ids)."""
        found: dict[str, dict[str, Any]] = {}
        for first in range(0, len(idents), _BATCH):
            chunk = idents[first : first + _BATCH]
            marks = ",".join("?" * len(chunk))
            for ident, record in self.db.execute(f"SELECT id, record FROM events WHERE id IN ({marks})", chunk):
                found[ident] = dict(json.loads(record))
        return found

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[None]:
        """Read as of one moment: the reads inside see no record that commits meanwhile
        (a diff reads several times; each would otherwise see the index as it then is)."""
        if self.db.in_transaction:
            yield
            return
        self.db.execute("BEGIN")
        try:
            yield
        finally:
            self.db.execute("COMMIT")

    def close(self) -> None:
        """Close the database."""
        self.db.close()


def open_file(path: Path) -> Index:
    """The index at `path`, whatever it was built from (for tests and tools)."""
    db = sqlite3.connect(ro(path), uri=True)
    return Index(db, read_meta(db))


def assess(root: Path, path: Path) -> Index | Verdict:
    """The index at `path`, open, if it may be trusted and is current for the log at
    `root`; else what it is and why (missing, stale, altered by another program, not to
    be trusted, or damaged): `index.light.current`'s verdict, as an `Index` handle.
    Reading never changes the file."""
    found = current(root, path)
    return found if isinstance(found, Verdict) else Index(*found)


def open_current(root: Path, path: Path) -> Index | None:
    """The index at `path` if it may be trusted and is current for the log at `root`,
    else None (missing, stale, damaged, written by another program, or not to be trusted:
    the caller rebuilds it elsewhere or replays)."""
    found = assess(root, path)
    return found if isinstance(found, Index) else None


def history_facts(index: Index, rows: Iterable[HistoryRow]) -> dict[int, Fact]:
    """The facts of `rows` by id, decoded once per process on `index` (without their
    `previous` chains: a history shows each run as it stood)."""
    ids = [row.fact for row in rows]
    index._load(ids)
    return {i: index.fact(i, False) for i in ids}
