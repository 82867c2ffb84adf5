"""The fact index: the replayed history (every version of every fact, with the instants it
held) kept in an embedded SQLite file, so `at` and `diff` are range lookups, not replays.

The fold stays the definition; the index is its materialised view, keyed by the log's
content: per file, its path, size, modification time and SHA-256, plus the log format and
the code that built it. An index whose key does not match is rebuilt, never trusted;
deleting it changes no answer, only the time of the next one. It lives beside a writable
log (`.statustrack-index.sqlite`) or, for a read-only or the shipped log, in the user's
cache directory. Its schema is public and documented in docs/index.md.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import json
import os
import sqlite3
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import attrs
import pendulum

from statustrack.core.dates import Interval, iso_fixed
from statustrack.core.facts import ID_ROLES, Fact, Key, Support
from statustrack.core.registry import Actor, Place, Registry, Source, SourceRef, fold
from statustrack.log.files import log_files

__all__ = ["INDEX_NAME", "SCHEMA", "Index", "build", "code_version", "index_path", "manifest", "open_current"]

INDEX_NAME = ".statustrack-index.sqlite"
SCHEMA = 2
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
#: Instants are microseconds in (-2**62, 2**62); a version that still holds lasts until `_LAST`.
_LAST = 2**62 - 1


def micros(instant: dt.datetime) -> int:
    """An instant as whole microseconds since 1970-01-01T00:00Z (negative before)."""
    delta = dt.datetime.__sub__(instant, _EPOCH)  # not pendulum's: it builds an Interval, ~30x slower
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


@functools.lru_cache(maxsize=65536)
def instant_of(value: int) -> pendulum.DateTime:
    """The UTC instant `value` microseconds after 1970-01-01T00:00Z."""
    d = _EPOCH + dt.timedelta(microseconds=value)
    return pendulum.DateTime(d.year, d.month, d.day, d.hour, d.minute, d.second, d.microsecond, tzinfo=pendulum.UTC)


def code_version() -> str:
    """A digest of the package's own source, every module in every sub-package: an index
    built by other code is not trusted."""
    digest = hashlib.sha256(f"schema {SCHEMA}".encode())
    package = Path(str(resources.files("statustrack")))
    for path in sorted(package.rglob("*.py")):
        if "data" in path.relative_to(package).parts:
            continue
        digest.update(path.relative_to(package).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _log_files(root: Path) -> list[tuple[str, os.stat_result]]:
    # The loader's own walk, so the index is keyed by exactly the files the loader reads, and
    # an unreadable folder, folders nested too deep or a directory without log.toml are the
    # same one-line refusal (exit 2) here as there; symlinked folders are not followed.
    return [(path.relative_to(root).as_posix(), path.stat()) for path in log_files(root)]


def manifest(root: Path) -> list[list[Any]]:
    """The log's files as `[path, size, mtime_ns]`, sorted: what the index is keyed by."""
    return [[rel, st.st_size, st.st_mtime_ns] for rel, st in _log_files(root)]


def _hashes(root: Path, files: Iterable[str]) -> dict[str, str]:
    return {rel: hashlib.sha256((root / rel).read_bytes()).hexdigest() for rel in files}


def index_path(root: Path, shipped: bool) -> Path:
    """Where the index of the log at `root` lives: beside it if it is writable and not the
    shipped log, else in the user's cache directory (one file per log directory)."""
    if not shipped and os.access(root, os.W_OK):
        return root / INDEX_NAME
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "statustrack"
    tag = hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:16]
    return cache / f"index-{tag}.sqlite"


# --- encoding facts ---------------------------------------------------------------------------

def _interval(value: Interval | None) -> list[Any] | None:
    if value is None:
        return None
    return [value.text, micros(value.start), micros(value.end), value.precision, value.tz, value.edtf,
            value.qualifier, _interval(value.until), value.format]


_INTERVALS: dict[tuple[Any, ...], Interval] = {}


def _uninterval(data: list[Any] | None) -> Interval | None:
    if data is None:
        return None
    text, start, end, precision, tz, edtf, qualifier, until, version = data
    slot = (text, start, end, precision, tz, edtf, qualifier, version, until[1] if until else None,
            until[2] if until else None)
    found = _INTERVALS.get(slot)
    if found is None:
        found = _INTERVALS[slot] = Interval(text, instant_of(start), instant_of(end), precision, tz, edtf,
                                            qualifier, _uninterval(until), version)
    return found


_SOURCE_REFS: dict[tuple[str, str | None], SourceRef] = {}


def _source_refs(pairs: list[list[Any]]) -> tuple[SourceRef, ...]:
    found = []
    for ident, where in pairs:
        ref = _SOURCE_REFS.get((ident, where))
        if ref is None:
            ref = _SOURCE_REFS[(ident, where)] = SourceRef(ident, where)
        found.append(ref)
    return tuple(found)


def _refs(sources: Sequence[SourceRef]) -> list[list[str]]:
    return [[s.id, s.at] for s in sources]


# One encoder each, made once (json.dumps with options makes a new encoder per call).
_compact = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_text = json.JSONEncoder(ensure_ascii=False).encode


def encode(fact: Fact) -> str:
    """A fact (without its `previous` link) as compact JSON."""
    return _compact([
        fact.aspect, fact.subject, fact.subject_name, fact.value, fact.since, _interval(fact.interval), fact.event,
        _refs(fact.sources), [list(p) for p in fact.detail], [list(p) for p in fact.about], sorted(fact.refs),
        fact.pending, _interval(fact.effective),
        [[s.role, s.event, s.value, s.since, _interval(s.interval), _refs(s.sources), [list(p) for p in s.detail]]
         for s in fact.supports],
        fact.disputed, fact.ended,
    ])


def decode(text: str, previous: Fact | None = None) -> Fact:
    """The fact `encode` wrote."""
    (aspect, subject, name, value, since, interval, event, sources, detail, about, refs, pending, effective,
     supports, disputed, ended) = json.loads(text)
    return Fact(aspect, subject, name, value, since, _uninterval(interval), event, _source_refs(sources),
                tuple(map(tuple, detail)), tuple(map(tuple, about)), frozenset(refs), pending,
                _uninterval(effective),
                tuple(Support(r, e, v, s, _uninterval(iv), _source_refs(src), tuple(map(tuple, d)))
                      for r, e, v, s, iv, src, d in supports),
                disputed, ended, previous=previous)


def _registry_data(reg: Registry) -> dict[str, Any]:
    return {
        "sources": [attrs.astuple(s, recurse=False) for s in reg.sources.values()],
        "places": [[p.id, p.name, p.kind, list(p.aliases), p.part_of, p.note, p.lat, p.lon,
                    [p.located.id, p.located.at] if p.located else None, _interval(p.existed)]
                   for p in reg.places.values()],
        "actors": [[a.id, a.name, a.level, list(a.aliases), a.part_of, a.note, _interval(a.existed)]
                   for a in reg.actors.values()],
        "claimant": reg.claimant,
    }


def _registry(data: dict[str, Any]) -> Registry:
    sources = {s[0]: Source(*s) for s in data["sources"]}
    places = {p[0]: Place(p[0], p[1], p[2], tuple(p[3]), p[4], p[5], p[6], p[7],
                          SourceRef(*p[8]) if p[8] else None, _uninterval(p[9])) for p in data["places"]}
    actors = {a[0]: Actor(a[0], a[1], a[2], tuple(a[3]), a[4], a[5], _uninterval(a[6])) for a in data["actors"]}
    return Registry(sources, places, actors, data["claimant"])


# --- building -------------------------------------------------------------------------------

_DDL = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE facts (id INTEGER PRIMARY KEY, previous INTEGER REFERENCES facts(id), body TEXT NOT NULL);
CREATE TABLE versions (
    id INTEGER PRIMARY KEY,
    aspect TEXT NOT NULL, subject TEXT NOT NULL, pending INTEGER NOT NULL,
    subject_name TEXT NOT NULL, value TEXT NOT NULL, since TEXT NOT NULL, event TEXT NOT NULL,
    valid_from INTEGER NOT NULL, valid_to INTEGER,
    valid_from_iso TEXT NOT NULL, valid_to_iso TEXT,
    certain_from INTEGER NOT NULL,
    run INTEGER NOT NULL, fact INTEGER NOT NULL REFERENCES facts(id),
    valid_until INTEGER NOT NULL, fork INTEGER NOT NULL);
CREATE TABLE changes (aspect TEXT NOT NULL, subject TEXT NOT NULL, pending INTEGER NOT NULL,
    instant INTEGER NOT NULL, events TEXT NOT NULL);
CREATE TABLE events (id TEXT PRIMARY KEY, file TEXT NOT NULL, line INTEGER NOT NULL, kind TEXT NOT NULL,
    counts INTEGER NOT NULL, record TEXT NOT NULL);
CREATE TABLE event_links (event TEXT NOT NULL, field TEXT NOT NULL, target TEXT NOT NULL);
CREATE TABLE event_keys (event TEXT NOT NULL, aspect TEXT NOT NULL, subject TEXT NOT NULL,
    pending INTEGER NOT NULL, subject_name TEXT, own TEXT);
CREATE TABLE key_refs (ref TEXT NOT NULL, aspect TEXT NOT NULL, subject TEXT NOT NULL,
    PRIMARY KEY (ref, aspect, subject)) WITHOUT ROWID;
CREATE TABLE endings (event TEXT NOT NULL, aspect TEXT NOT NULL);
CREATE TABLE catalogue_ids (id TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE catalogue_names (folded TEXT PRIMARY KEY, spelling TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE catalogue_sources (event TEXT NOT NULL, seq INTEGER NOT NULL, folded TEXT NOT NULL,
    spelling TEXT NOT NULL);
CREATE TABLE catalogue_refs (event TEXT NOT NULL, id TEXT NOT NULL);
CREATE INDEX versions_by_key ON versions (aspect, subject, pending, valid_from);
CREATE INDEX versions_by_fork_from ON versions (fork, valid_from, fact, certain_from);
CREATE INDEX versions_by_fork_until ON versions (fork, valid_until, fact, certain_from);
CREATE INDEX versions_by_from ON versions (valid_from, valid_until, fact, certain_from);
CREATE INDEX versions_by_until ON versions (valid_until, valid_from, fact, certain_from);
CREATE INDEX changes_by_instant ON changes (instant);
CREATE INDEX changes_by_key ON changes (aspect, subject, pending);
CREATE INDEX links_by_target ON event_links (target, field);
CREATE INDEX links_by_field ON event_links (field);
CREATE INDEX links_by_event ON event_links (event);
CREATE INDEX keys_by_key ON event_keys (aspect, subject, pending);
CREATE INDEX keys_by_event ON event_keys (event);
CREATE INDEX endings_by_aspect ON endings (aspect);
CREATE INDEX catalogue_sources_by_fold ON catalogue_sources (folded);
CREATE INDEX catalogue_refs_by_id ON catalogue_refs (id);
"""


def _iso(value: int | None) -> str | None:
    if value is None:
        return None
    return iso_fixed(instant_of(value))


def last_instant(end: int | None) -> int:
    """The last microsecond a version ending at `end` (None: still holding) holds."""
    return end - 1 if end is not None else _LAST


def fork(first: int, last: int) -> int:
    """The node of the interval tree that holds the span [first, last] (microseconds): of
    the nodes a descent from the root (0, children at +-2**61, ...) visits, the first
    inside the span, which is the number in it with the most trailing zero bits."""
    low, high = first + 2**62, last + 2**62  # the tree's nodes are 1 .. 2**63 - 1
    if low == high:
        return first
    width = (low ^ high).bit_length()
    if low & ((1 << width) - 1) == 0:
        return first
    return ((high >> (width - 1)) << (width - 1)) - 2**62


@attrs.frozen
class Rows:
    """Rows of the history tables for some keys: `versions` (each row's `id`, `run` and
    `fact` numbered from the offsets given), the `facts` nodes they point to, and `changes`."""

    versions: list[tuple[Any, ...]]
    facts: list[tuple[int, int | None, str]]
    changes: list[tuple[str, str, int, int, str]]


def history_rows(steps: Sequence[Any], keep: Callable[[Key], bool] | None = None, *, first_version: int = 1,
                 first_fact: int = 1, run_offset: int = 0) -> Rows:
    """The rows of versions, facts and changes of the keys `keep` accepts (None: all) that the
    timeline `steps` gives. A full build passes every step; an extension passes every step
    that touches the keys it recomputes, and keeps only those keys."""
    from statustrack.core.history import sweep, versions

    table = [v for v in versions(steps) if keep is None or keep(v.key)]
    ids: dict[int, int] = {}
    nodes: list[tuple[int, int | None, str]] = []

    def node(fact: Fact) -> int:
        chain = []
        current: Fact | None = fact
        while current is not None and id(current) not in ids:
            chain.append(current)
            current = current.previous
        for item in reversed(chain):
            ids[id(item)] = first_fact + len(ids)
            previous = ids[id(item.previous)] if item.previous is not None else None
            nodes.append((ids[id(item)], previous, encode(item)))
        return ids[id(fact)]

    rows = []
    for number, version in enumerate(table, start=first_version):
        fact = version.fact
        start = micros(version.valid_from)
        end = micros(version.valid_to) if version.valid_to is not None else None
        until = last_instant(end)
        rows.append((number, fact.aspect, fact.subject, int(fact.pending), fact.subject_name, fact.value,
                     fact.since, fact.event, start, end, _iso(start), _iso(end), micros(fact.interval.end),
                     version.run + run_offset, node(fact), until, fork(start, until)))
    touches = []
    for step, _facts, changed in sweep(steps):
        events = json.dumps(list(step.events))
        instant = micros(step.instant)
        touches.extend((k.aspect, k.subject, int(k.pending), instant, events) for k in dict.fromkeys(changed)
                       if keep is None or keep(k))
    return Rows(rows, nodes, touches)


@attrs.frozen
class EventRows:
    """What the index keeps of events so an append can be checked and folded in without
    reading the log: each event's record and place, its links to other events, the keys
    its facts set, the ids its facts refer to, what a dissolution can end, and what each
    gives the catalogue of subjects (spellings with their folded form, in order, and the
    place and actor ids its facts name in their own fields)."""

    events: list[tuple[str, str, int, str, int, str]] = attrs.field(factory=list)
    links: list[tuple[str, str, str]] = attrs.field(factory=list)
    keys: list[tuple[str, str, str, int, str | None, str | None]] = attrs.field(factory=list)
    refs: list[tuple[str, str, str]] = attrs.field(factory=list)
    endings: list[tuple[str, str]] = attrs.field(factory=list)
    spellings: list[tuple[str, int, str, str]] = attrs.field(factory=list)
    own: list[tuple[str, str]] = attrs.field(factory=list)


def event_rows(placed: Iterable[tuple[Any, str, int]], reg: Registry, counted: Callable[[str], bool]) -> EventRows:
    """The rows of `placed` events (each with its log-relative file and line), in log order."""
    from statustrack.core.events import Dissolution
    from statustrack.core.reducers import facts_of
    from statustrack.core.checks import _links
    from statustrack.log.write import event_record

    rows = EventRows()
    for event, file, line in placed:
        rows.events.append((event.id, file, line, event.kind, int(counted(event.id)),
                            _compact(event_record(event))))
        rows.links.extend((event.id, field, target) for field, target in _links(event))
        if isinstance(event, Dissolution):
            rows.endings.extend((event.id, aspect) for aspect in event.ends)
        named: set[str] = set()
        for number, fact in enumerate(facts_of(event, reg)):
            own = sorted({v for role, v in fact.about if role in ID_ROLES})
            named.update(own)
            rows.spellings.extend(((event.id, 2 * number, fold(fact.subject_name), fact.subject_name),
                                   (event.id, 2 * number + 1, fold(fact.subject), fact.subject)))
            rows.keys.append((event.id, fact.aspect, fact.subject, 0, fact.subject_name,
                              _text(own)))
            if event.announced_early:
                rows.keys.append((event.id, fact.aspect, fact.subject, 1, None, None))
            rows.refs.extend((ref, fact.aspect, fact.subject) for ref in fact.refs)
        rows.own.extend((event.id, ident) for ident in sorted(named))
    return rows


def placement(log: Any, event: Any, position: int) -> tuple[Any, str, int]:
    """`event` with its log-relative file and line: what orders it in the log (files by
    path, then lines). A log built in memory (no files) orders by `position`."""
    file, line = log.where[event.id]
    return event, log.paths.get(event.id, file), line if line is not None else position


def insert_rows(db: sqlite3.Connection, history: Rows, events: EventRows) -> None:
    """Add `history` and `events` to the index's tables."""
    db.executemany("INSERT INTO facts VALUES (?, ?, ?)", history.facts)
    db.executemany("INSERT INTO versions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", history.versions)
    db.executemany("INSERT INTO changes VALUES (?, ?, ?, ?, ?)", history.changes)
    db.executemany("INSERT INTO events VALUES (?, ?, ?, ?, ?, ?)", events.events)
    db.executemany("INSERT INTO event_links VALUES (?, ?, ?)", events.links)
    db.executemany("INSERT INTO event_keys VALUES (?, ?, ?, ?, ?, ?)", events.keys)
    db.executemany("INSERT OR IGNORE INTO key_refs VALUES (?, ?, ?)", events.refs)
    db.executemany("INSERT INTO endings VALUES (?, ?)", events.endings)
    db.executemany("INSERT INTO catalogue_sources VALUES (?, ?, ?, ?)", events.spellings)
    db.executemany("INSERT INTO catalogue_refs VALUES (?, ?)", events.own)


def insert_catalogue(db: sqlite3.Connection, own: Iterable[str], names: dict[str, str]) -> None:
    """Add to the catalogue tables the place and actor ids `own` and the subject spellings
    `names` (folded -> as printed); entries already there stay."""
    db.executemany("INSERT OR IGNORE INTO catalogue_ids VALUES (?)", ((i,) for i in own))
    db.executemany("INSERT OR IGNORE INTO catalogue_names VALUES (?, ?)", names.items())


def read_catalogue(db: sqlite3.Connection) -> tuple[frozenset[str], dict[str, str]]:
    """The catalogue the index keeps: what `query.catalogue` gives for the log."""
    return (frozenset(i for (i,) in db.execute("SELECT id FROM catalogue_ids")),
            dict(db.execute("SELECT folded, spelling FROM catalogue_names")))


def log_meta(log: Any) -> dict[str, Any]:
    """The settings and registry of `log` as the index keeps them (see `indexed_log`)."""
    return {"name": log.name, "timezone": log.timezone, "format": log.format,
            "horizon": _interval(log.horizon), "polity": log.polity, "settings_file": log.settings_file,
            "registry": _registry_data(log.registry)}


def write_meta(db: sqlite3.Connection, meta: dict[str, Any]) -> None:
    """Set the meta keys of `meta` (others stay)."""
    db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                   [(k, json.dumps(v, ensure_ascii=False)) for k, v in meta.items()])


def build(log: Any, steps: Sequence[Any], path: Path, key: dict[str, Any],
          ledger: dict[str, Any] | None = None) -> None:
    """Write the index of `log` (its timeline `steps`) to `path`, atomically: a reader sees
    the old file or the new one, never half of one; two builders leave one good index.

    `ledger` is the state of the log's ledger when `log` was verified against it (see
    `statustrack.index.append`); None when it was not, so a `record` verifies the whole log."""
    from statustrack.core.replay import counted_events

    history = history_rows(steps)
    counted = {e.id for e in counted_events(log.events)}
    placed = (placement(log, e, position) for position, e in enumerate(log.events, start=1))
    rows = event_rows(placed, log.registry, counted.__contains__)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(handle)
    try:
        db = sqlite3.connect(temporary)
        try:
            db.executescript(_DDL)
            from statustrack.api.query import catalogue

            write_meta(db, {**key, **log_meta(log), "ledger": ledger,
                            "last_run": max((r[13] for r in history.versions), default=0)})
            insert_rows(db, history, rows)
            insert_catalogue(db, *catalogue(log))
            db.commit()
        finally:
            db.close()
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


# --- reading --------------------------------------------------------------------------------

# The versions in force at ?1: those whose fork node lies on the path from the root to ?1,
# and of those, at a node at or after ?1 the ones begun by then, at a node before it the
# ones lasting until then (the relational interval tree: O(log n + answer) index lookups).
_AT = """
WITH RECURSIVE path(node, step) AS (
    SELECT 0, 2305843009213693952
    UNION ALL
    SELECT CASE WHEN ?1 < node THEN node - step ELSE node + step END, step / 2 FROM path
    WHERE step > 0 AND node != ?1)
SELECT v.fact, v.certain_from FROM path JOIN versions v INDEXED BY versions_by_fork_from
    ON v.fork = path.node AND v.valid_from <= ?1 WHERE ?1 <= path.node {extra}
UNION ALL
SELECT v.fact, v.certain_from FROM path JOIN versions v INDEXED BY versions_by_fork_until
    ON v.fork = path.node AND v.valid_until >= ?1 WHERE ?1 > path.node {extra}
"""
_POSSIBLE = _AT.format(extra="AND v.certain_from > ?1")
_AT = _AT.format(extra="")
_ENDED = ("SELECT fact, certain_from FROM versions INDEXED BY versions_by_until "
          "WHERE valid_until >= ?1 AND valid_until < ?2 AND valid_from <= ?1")
_BEGUN = ("SELECT fact, certain_from FROM versions INDEXED BY versions_by_from "
          "WHERE valid_from > ?1 AND valid_from <= ?2 AND valid_until >= ?2")
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

    def registry(self) -> Registry:
        """The log's registry, as it was when the index was built."""
        return _registry(self.meta["registry"])

    def _load(self, ids: Iterable[int]) -> None:
        plain = self._plain
        missing = list(dict.fromkeys(i for i in ids if i not in plain))
        for first in range(0, len(missing), _BATCH):
            chunk = missing[first:first + _BATCH]
            marks = ",".join("?" * len(chunk))
            for fact_id, previous, body in self.db.execute(
                    f"SELECT id, previous, body FROM facts WHERE id IN ({marks})", chunk):  # noqa: S608
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

    def answer(self, instant: pendulum.DateTime, keep: Callable[[Fact], bool] | None,
               rank: Callable[[Fact], Any], seen: Callable[[Fact, pendulum.DateTime], Fact]) -> list[Fact]:
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

    def causes(self, lo: pendulum.DateTime, hi: pendulum.DateTime,
               keys: Iterable[Key] | None = None) -> dict[Key, list[str]]:
        """For each key (of `keys`, if given), the events of the steps in (lo, hi] that
        changed its fact, in order."""
        wanted = None if keys is None else {(k.aspect, k.subject, int(k.pending)): k for k in keys}
        found: dict[Key, list[str]] = {}
        events = self._events
        for aspect, subject, pending, text in self.db.execute(
                "SELECT aspect, subject, pending, events FROM changes WHERE instant > ? AND instant <= ? "
                "ORDER BY instant, rowid", (micros(lo), micros(hi))):
            if wanted is None:
                key = self._key(aspect, subject, pending)
            else:
                key = wanted.get((aspect, subject, pending))
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


def _read_meta(db: sqlite3.Connection) -> dict[str, Any]:
    return {k: json.loads(v) for k, v in db.execute("SELECT key, value FROM meta")}


def current_key(root: Path) -> dict[str, Any]:
    """What an index of the log at `root` must have been built from to be current."""
    return {"schema": SCHEMA, "code": code_version(), "root": str(root.resolve()), "files": manifest(root)}


def open_file(path: Path) -> Index:
    """The index at `path`, whatever it was built from (for tests and tools)."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    return Index(db, _read_meta(db))


def open_current(root: Path, path: Path) -> Index | None:
    """The index at `path` if it is current for the log at `root`, else None (stale,
    missing, corrupt or foreign: the caller rebuilds it)."""
    if not path.is_file():
        return None
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            meta = _read_meta(db)
        except (sqlite3.Error, ValueError):
            db.close()
            return None
    except sqlite3.Error:
        return None
    if any(meta.get(k) != v for k, v in current_key(root).items()):
        db.close()
        return None
    return Index(db, meta)


def _root(path: str | os.PathLike[str] | None) -> tuple[Path, bool]:
    from statustrack.core.model import ENV_VAR, default_log_path

    if path is not None:
        return Path(path), False
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR]), False
    return default_log_path(), True


def load_indexed(path: str | os.PathLike[str] | None = None) -> Any:
    """A log whose `at` and `diff` read the current index, building it first if needed.

    With a current index nothing of the log is parsed: the returned `Log` carries the
    registry and settings the index was built from and no events (use `load_log` for
    anything that needs the events). If the index cannot be written, the log is loaded
    and answers come from the replay, as they would anyway.
    """
    from statustrack.core.model import ENV_VAR, Log

    root, shipped = _root(path)
    shown = str(path) if path is not None else os.environ.get(ENV_VAR) or "events"
    where = index_path(root, shipped)
    if root.is_dir():
        index = open_current(root, where)
        if index is not None:
            meta = index.meta
            return Log(meta["name"], meta["timezone"], meta["format"], shown, index.registry(), (), {},
                       cache={"index": index},
                       horizon=_uninterval(meta["horizon"]), polity=meta["polity"])
    from statustrack.log.load import load_log
    from statustrack.api.query import steps_for

    key = current_key(root) if root.is_dir() else None
    log = load_log(path)
    assert key is not None
    try:
        build(log, steps_for(log), where, key)
    except (OSError, sqlite3.Error):
        return log
    index = open_current(root, where)
    if index is not None:
        log.cache["index"] = index
    return log
