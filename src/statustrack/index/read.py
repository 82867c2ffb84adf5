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
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

import attrs
import pendulum

from statustrack.core.catalogue import Catalogue
from statustrack.core.dates import Interval
from statustrack.core.facts import Fact, Key
from statustrack.core.registry import Registry
from statustrack.index.codec import decode, interval_of, micros, registry_of
from statustrack.index.keys import stale
from statustrack.index.light import AT, REQUIRED, State, Verdict, opened, read_meta, ro

__all__ = [
    "REQUIRED",
    "HistoryRow",
    "Index",
    "IndexDamaged",
    "State",
    "Verdict",
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
_BATCH = 500


class Index:
    """An open, current index: the facts at an instant, and what changed them.

    Facts are decoded once per process: a certain fact stands alone, a possible one
    carries its chain of earlier facts (what holds if it has not happened yet)."""

    def __init__(self, db: sqlite3.Connection, meta: dict[str, Any]) -> None:
        self.db = db
        self.meta = meta
        self._plain: dict[int, Fact] = {}
        self._previous: dict[int, int | None] = {}
        self._chained: dict[int, Fact] = {}
        self._keys: dict[tuple[str, str, int], Key] = {}
        self._events: dict[str, tuple[str, ...]] = {}
        self._ranks: dict[int, Any] = {}
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

    def fact(self, fact_id: int, possible: bool) -> Fact:
        """The fact node `fact_id` (loaded already); with its `previous` chain if `possible`."""
        if not possible:
            return self._plain[fact_id]
        fact = self._chained.get(fact_id)
        if fact is not None:
            return fact
        chain = [fact_id]
        while self._previous[chain[-1]] is not None:
            earlier = self._previous[chain[-1]]
            assert earlier is not None
            if earlier in self._chained:
                break
            self._load([earlier])
            chain.append(earlier)
        above = self._previous[chain[-1]]
        linked = self._chained[above] if above is not None else None
        for node in reversed(chain):
            linked = self._chained[node] = attrs.evolve(self._plain[node], previous=linked)
        assert linked is not None
        return linked

    def _facts(self, query: str, q: int, *args: Any) -> list[tuple[int, Fact, bool]]:
        rows = self.db.execute(query, args).fetchall()
        self._load(f for f, _ in rows)
        return [(f, self.fact(f, certain > q), certain > q) for f, certain in rows]

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

    def answer(
        self,
        instant: pendulum.DateTime,
        keep: Callable[[Fact], bool] | None,
        rank: Callable[[Fact], Any],
        seen: Callable[[Fact, pendulum.DateTime], Fact],
    ) -> list[Fact]:
        """The facts in force at `instant` that `keep` keeps (None: all), each as `seen`
        shows it if possible at `instant`, sorted by `rank` (worked out once per fact)."""
        q = micros(instant)
        rows = self.db.execute(_AT, (q,)).fetchall()
        plain, ranks = self._plain, self._ranks
        if any(f not in plain for f, _ in rows):
            self._load(f for f, _ in rows)
        shown = []
        for fact_id, certain in rows:
            fact = plain[fact_id]
            if keep is not None and not keep(fact):
                continue
            order = ranks.get(fact_id)
            if order is None:
                order = ranks[fact_id] = rank(fact)
            shown.append((order, fact_id, certain > q))
        shown.sort()
        return [seen(self.fact(f, True), instant) if possible else plain[f] for _, f, possible in shown]

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
    be trusted, or damaged). Reading never changes the file."""
    found = opened(path)
    if isinstance(found, Verdict):
        return found
    db, meta, head = found
    if "written" in meta and meta["written"] != head.counter:
        db.close()
        return Verdict(State.ALTERED, "another program wrote to it after statustrack did")
    if stale(meta, root, head.counter):
        db.close()
        return Verdict(State.STALE, "the log, the code or the time-zone data changed since it was built")
    return Index(db, meta)


def open_current(root: Path, path: Path) -> Index | None:
    """The index at `path` if it may be trusted and is current for the log at `root`,
    else None (missing, stale, damaged, written by another program, or not to be trusted:
    the caller rebuilds it elsewhere or replays)."""
    found = assess(root, path)
    return found if isinstance(found, Index) else None


class HistoryRow(NamedTuple):
    """One version of one key as the `versions` table holds it (instants in microseconds;
    `valid_to` None: it still holds; `certain_from` the end of its fact's interval; `fact`
    the id of its node in the `facts` table)."""

    aspect: str
    subject: str
    pending: int
    run: int
    valid_from: int
    valid_to: int | None
    certain_from: int
    fact: int


_KEYS_BY_REF = "SELECT DISTINCT aspect, subject FROM key_refs WHERE ref IN ({})"
_KEYS_BY_NAME = (
    "SELECT DISTINCT k.aspect, k.subject, k.subject_name FROM catalogue_sources c "
    "JOIN event_keys k ON k.event = c.event WHERE c.folded IN ({}) AND k.pending = 0"
)
_VERSIONS_OF_KEY = (
    "SELECT aspect, subject, pending, run, valid_from, valid_to, certain_from, fact FROM versions "
    "INDEXED BY versions_by_key WHERE aspect = ? AND subject = ? ORDER BY pending, valid_from"
)


def history_rows(
    db: sqlite3.Connection,
    refs: Iterable[str],
    folded: Iterable[str],
    fold: Callable[[str], str],
) -> list[HistoryRow]:
    """Every version of every key a `history` of a subject may show, in key then time order:
    the keys whose facts name one of the place or actor ids `refs` (or a part of one), and
    those whose subject or printed name folds (`fold`) to one of `folded`. A superset of
    what a subject filter keeps: the caller keeps the runs it wants, whole keys read so each
    run's successor is at hand. Reads the index only through its key indexes."""
    ids, texts = sorted(set(refs)), sorted(set(folded))
    keys: set[tuple[str, str]] = set()
    for first in range(0, len(ids), _BATCH):
        chunk = ids[first : first + _BATCH]
        keys.update(db.execute(_KEYS_BY_REF.format(",".join("?" * len(chunk))), chunk))
    if texts:
        found = db.execute(_KEYS_BY_NAME.format(",".join("?" * len(texts))), texts)
        wanted = set(texts)
        keys.update((a, s) for a, s, name in found if fold(s) in wanted or fold(name or "") in wanted)
    rows: list[HistoryRow] = []
    for aspect, subject in sorted(keys):
        rows.extend(HistoryRow(*row) for row in db.execute(_VERSIONS_OF_KEY, (aspect, subject)))
    return rows


def history_facts(index: Index, rows: Iterable[HistoryRow]) -> dict[int, Fact]:
    """The facts of `rows` by id, decoded once per process on `index` (without their
    `previous` chains: a history shows each run as it stood)."""
    ids = [row.fact for row in rows]
    index._load(ids)
    return {i: index.fact(i, False) for i in ids}
