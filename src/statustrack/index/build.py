"""Building the fact index: its tables, and the rows a log's timeline gives them.

The fold stays the definition; the index is its materialised view (every version of every
fact, with the instants it held), keyed by the log's content (see `index.keys`), written
atomically beside the log or in the user's cache. Its schema is public and documented in
docs/index.md; `index.read` answers from it and `index.append` folds new events into it.
"""

from __future__ import annotations

import itertools
import json
import os
import sqlite3
import tempfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import attrs

from statustrack.core.catalogue import Catalogue, Gathering
from statustrack.core.checks import _links
from statustrack.core.events import Dissolution, Event
from statustrack.core.facts import ID_ROLES, Fact, Key
from statustrack.core.history import versions
from statustrack.core.model import Log
from statustrack.core.reducers import facts_of
from statustrack.core.registry import Registry, fold
from statustrack.core.replay import Step, counted_events
from statustrack.index.codec import (
    compact,
    encode,
    fork,
    interval_data,
    iso_of,
    last_instant,
    micros,
    registry_data,
    text_json,
)
from statustrack.index.keys import zone_key
from statustrack.index.light import DDL as SHOWN_DDL
from statustrack.index.shown import write_shown
from statustrack.index.trust import UnsafePlace, dir_refusal, drop_journal, stamp
from statustrack.log.ledger import LEDGER, LedgerState, ledger_state, read_ledger, verify
from statustrack.log.load import collector_paused, give_back
from statustrack.log.store import PENDING
from statustrack.log.write import event_record

__all__ = [
    "BATCH",
    "EventRows",
    "Rows",
    "build",
    "event_rows",
    "history_rows",
    "insert_catalogue",
    "insert_events",
    "insert_history",
    "insert_rows",
    "log_meta",
    "placement",
    "verified_ledger",
    "write_meta",
]

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
"""
#: The indexes of those tables, made once their rows are in (one sort each, not a B-tree
#: insert per row), in the build's one transaction.
_INDEXES = """
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


@attrs.frozen
class Rows:
    """Rows of the history tables for some keys: `versions` (each row's `id`, `run` and
    `fact` numbered from the offsets given), the `facts` nodes they point to, and `changes`."""

    versions: list[tuple[Any, ...]]
    facts: list[tuple[int, int | None, str]]
    changes: list[tuple[str, str, int, int, str]]


#: Rows a build writes per `executemany`: the build keeps at most this many rows of a table
#: in memory before handing them to SQLite (see docs/decisions.md, "The build in bounded memory").
BATCH = 20_000

_INSERT_FACTS = "INSERT INTO facts VALUES (?, ?, ?)"
_INSERT_VERSIONS = "INSERT INTO versions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
_INSERT_CHANGES = "INSERT INTO changes VALUES (?, ?, ?, ?, ?)"


def history_rows(
    steps: Sequence[Step],
    keep: Callable[[Key], bool] | None = None,
    *,
    first_version: int = 1,
    first_fact: int = 1,
    run_offset: int = 0,
) -> Rows:
    """The rows of versions, facts and changes of the keys `keep` accepts (None: all) that the
    timeline `steps` gives. A full build passes every step; an extension passes every step
    that touches the keys it recomputes, and keeps only those keys."""
    rows = Rows([], [], [])
    _history(steps, keep, rows, None, first_version=first_version, first_fact=first_fact, run_offset=run_offset)
    return rows


def _history(
    steps: Sequence[Step],
    keep: Callable[[Key], bool] | None,
    rows: Rows,
    flush: Callable[[Rows], None] | None,
    *,
    first_version: int = 1,
    first_fact: int = 1,
    run_offset: int = 0,
) -> int:
    """Fill `rows` with the history of `steps` (see `history_rows`); with `flush`, hand them
    over and empty them each time a table has `BATCH` rows, and once at the end. Returns
    the highest run number written (0: none)."""
    ids: dict[int, int] = {}  # the number of each fact node written, for the key at hand
    numbers = itertools.count(first_fact)
    nodes, versions_out, touches = rows.facts, rows.versions, rows.changes

    def node(fact: Fact) -> int:
        chain = []
        current: Fact | None = fact
        while current is not None and id(current) not in ids:
            chain.append(current)
            current = current.previous
        for item in reversed(chain):
            ids[id(item)] = next(numbers)
            previous = ids[id(item.previous)] if item.previous is not None else None
            nodes.append((ids[id(item)], previous, encode(item)))
        return ids[id(fact)]

    def spill() -> None:
        if flush is not None:
            flush(rows)
            nodes.clear()
            versions_out.clear()
            touches.clear()

    def touched(step: Step, changed: list[Key]) -> None:
        if not changed:
            return
        events = json.dumps(list(step.events))
        instant = micros(step.instant)
        touches.extend(
            (k.aspect, k.subject, int(k.pending), instant, events)
            for k in dict.fromkeys(changed)
            if keep is None or keep(k)
        )
        if len(touches) >= BATCH:
            spill()

    last_run = 0
    number = first_version
    key: Key | None = None
    for version in versions(steps, touched):  # one sweep gives the versions and the changes
        if keep is not None and not keep(version.key):
            continue
        if version.key != key:  # versions come key by key, and a fact's `previous` is of its key:
            key = version.key  # the numbers of the facts of the keys before are never asked for again
            ids.clear()
        fact = version.fact
        start = micros(version.valid_from)
        end = micros(version.valid_to) if version.valid_to is not None else None
        until = last_instant(end)
        run = version.run + run_offset
        last_run = max(last_run, run)
        versions_out.append(
            (
                number,
                fact.aspect,
                fact.subject,
                int(fact.pending),
                fact.subject_name,
                fact.value,
                fact.since,
                fact.event,
                start,
                end,
                iso_of(start),
                iso_of(end),
                micros(fact.interval.end),
                run,
                node(fact),
                until,
                fork(start, until),
            )
        )
        number += 1
        if len(versions_out) >= BATCH or len(nodes) >= BATCH:
            spill()
    spill()
    return last_run


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


def event_rows(
    placed: Iterable[tuple[Event, str, int]],
    reg: Registry,
    counted: Callable[[str], bool],
    gathering: Gathering | None = None,
) -> EventRows:
    """The rows of `placed` events (each with its log-relative file and line), in log order;
    the facts of those that count are added to `gathering`, if given (the catalogue)."""
    rows = EventRows()
    for event, file, line in placed:
        counts = counted(event.id)
        rows.events.append((event.id, file, line, event.kind, int(counts), compact(event_record(event))))
        rows.links.extend((event.id, field, target) for field, target in _links(event))
        if isinstance(event, Dissolution):
            rows.endings.extend((event.id, aspect) for aspect in event.ends)
        named: set[str] = set()
        facts = facts_of(event, reg)
        if counts and gathering is not None:
            gathering.add(facts)
        for number, fact in enumerate(facts):
            own = sorted({v for role, v in fact.about if role in ID_ROLES})
            named.update(own)
            rows.spellings.extend(
                (
                    (event.id, 2 * number, fold(fact.subject_name), fact.subject_name),
                    (event.id, 2 * number + 1, fold(fact.subject), fact.subject),
                )
            )
            rows.keys.append((event.id, fact.aspect, fact.subject, 0, fact.subject_name, text_json(own)))
            if event.announced_early:
                rows.keys.append((event.id, fact.aspect, fact.subject, 1, None, None))
            rows.refs.extend((ref, fact.aspect, fact.subject) for ref in fact.refs)
        rows.own.extend((event.id, ident) for ident in sorted(named))
    return rows


def placement(log: Log, event: Event, position: int) -> tuple[Event, str, int]:
    """`event` with its log-relative file and line: what orders it in the log (files by
    path, then lines). A log built in memory (no files) orders by `position`."""
    file, line = log.where[event.id]
    return event, log.paths.get(event.id, file), line if line is not None else position


def insert_rows(db: sqlite3.Connection, history: Rows, events: EventRows) -> None:
    """Add `history` and `events` to the index's tables."""
    insert_history(db, history)
    insert_events(db, events)


def insert_history(db: sqlite3.Connection, history: Rows) -> None:
    """Add the rows of `history` to the facts, versions and changes tables."""
    db.executemany(_INSERT_FACTS, history.facts)
    db.executemany(_INSERT_VERSIONS, history.versions)
    db.executemany(_INSERT_CHANGES, history.changes)


def insert_events(db: sqlite3.Connection, events: EventRows) -> None:
    """Add the rows of `events` to the tables of events, their links, keys and catalogue entries."""
    db.executemany("INSERT INTO events VALUES (?, ?, ?, ?, ?, ?)", events.events)
    db.executemany("INSERT INTO event_links VALUES (?, ?, ?)", events.links)
    db.executemany("INSERT INTO event_keys VALUES (?, ?, ?, ?, ?, ?)", events.keys)
    db.executemany("INSERT OR IGNORE INTO key_refs VALUES (?, ?, ?)", events.refs)
    db.executemany("INSERT INTO endings VALUES (?, ?)", events.endings)
    db.executemany("INSERT INTO catalogue_sources VALUES (?, ?, ?, ?)", events.spellings)
    db.executemany("INSERT INTO catalogue_refs VALUES (?, ?)", events.own)


def insert_catalogue(db: sqlite3.Connection, found: Catalogue) -> None:
    """Add `found` to the catalogue tables; entries already there stay."""
    db.executemany("INSERT OR IGNORE INTO catalogue_ids VALUES (?)", ((i,) for i in found.own))
    db.executemany("INSERT OR IGNORE INTO catalogue_names VALUES (?, ?)", found.names.items())


def log_meta(log: Log) -> dict[str, Any]:
    """The settings and registry of `log` as the index keeps them (see `index.read.Index`)."""
    return {
        "name": log.name,
        "timezone": log.timezone,
        "format": log.format,
        "horizon": interval_data(log.horizon),
        "polity": log.polity,
        "settings_file": log.settings_file,
        "registry": registry_data(log.registry),
        "zone": zone_key(log.timezone),
    }


def write_meta(db: sqlite3.Connection, meta: dict[str, Any]) -> None:
    """Set the meta keys of `meta` (others stay)."""
    db.executemany(
        "INSERT OR REPLACE INTO meta VALUES (?, ?)", [(k, json.dumps(v, ensure_ascii=False)) for k, v in meta.items()]
    )


def verified_ledger(log: Log) -> LedgerState | None:
    """The state of the ledger of `log` if the log, as loaded, verifies against it with no
    problem at all (every event sealed as it stands, the settings as sealed), else None.

    What a build from a query leaves for the first `record` after it: an index that
    remembers a verified ledger lets `record` read only what is new. Nothing is repaired
    or written here: an interrupted write (its journal on disk), a torn or unreadable
    ledger, or any difference is None, and `record` then verifies the whole log itself,
    under the log's lock. The ledger is stat'ed after it is read, so a ledger changed in
    between is told apart by `ledger_unchanged`; the log's files are covered by the
    index's key, taken before they were read."""
    root = log.directory
    if root is None or (root / PENDING).exists() or not (root / LEDGER).is_file():
        return None
    try:
        seals, problems = read_ledger(root, log.shown)
    except OSError:
        return None
    if problems or verify(log, seals):
        return None
    return ledger_state(root, seals)


def _sync(path: str) -> None:
    """Flush the file at `path` to disk (the build writes it with `synchronous = OFF`)."""
    handle = os.open(path, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def build(log: Log, steps: Sequence[Step], path: Path, key: dict[str, Any], ledger: LedgerState | None = None) -> None:
    """Write the index of `log` (its timeline `steps`) to `path`, atomically: a reader sees
    the old file or the new one, never half of one; two builders leave one good index.

    `ledger` is the state of the log's ledger when `log` was verified against it (see
    `statustrack.index.append`); None: the build checks `log` against its ledger itself
    (`verified_ledger`), and remembers the ledger if the log verifies, so the first
    `record` reads only what is new; if not, that `record` verifies the whole log.

    Rows go to SQLite in batches of `BATCH` as they are made: the build holds the log and
    its timeline, never every row of a table as well. Never written into a folder others
    can write (`index.trust`). Python's cyclic collector is paused meanwhile (see
    `collector_paused`)."""
    with collector_paused():
        _build(log, steps, path, key, ledger)


def _build(log: Log, steps: Sequence[Step], path: Path, key: dict[str, Any], ledger: LedgerState | None) -> None:
    if ledger is None:
        ledger = verified_ledger(log)
        give_back()  # the ledger's seals, let go
    counted = {e.id for e in counted_events(log.events)}
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    unsafe = dir_refusal(path.parent)  # never write where others can (index.trust)
    if unsafe is not None:
        raise UnsafePlace(f"not writing the index into {path.parent} ({unsafe}): answering without an index")
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(handle)
    try:
        db = sqlite3.connect(temporary)
        try:
            # A private file nobody reads until it is renamed into place: no rollback journal,
            # no sync per write (the file is synced once, below, before the rename).
            db.execute("PRAGMA journal_mode = OFF")
            db.execute("PRAGMA synchronous = OFF")
            db.executescript(_DDL + SHOWN_DDL)
            stamped = stamp(Path(temporary))  # before anything of this transaction is written
            last_run = _history(steps, None, Rows([], [], []), lambda rows: insert_history(db, rows))
            give_back()  # the sorted versions and the facts only they held, let go
            write_shown(db, log.registry)
            write_meta(
                db,
                {
                    **key,
                    **log_meta(log),
                    **stamped,
                    "ledger": ledger.as_json() if ledger is not None else None,
                    "last_run": last_run,
                },
            )
            placed = (placement(log, e, position) for position, e in enumerate(log.events, start=1))
            gathering = Gathering()  # the catalogue, from the facts the event rows work out anyway
            while batch := list(itertools.islice(placed, BATCH)):
                insert_events(db, event_rows(batch, log.registry, counted.__contains__, gathering))
            insert_catalogue(db, gathering.done())
            for statement in filter(str.strip, _INDEXES.split(";")):
                db.execute(statement)  # inside the transaction: one commit, as `stamp` counted
            db.commit()
        finally:
            db.close()
        _sync(temporary)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
        drop_journal(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
