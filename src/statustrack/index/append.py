"""Appending to an indexed log without reading it: check new events against the fact
index, and fold them into it in place.

When the index of a log is current (built from exactly the files on disk, by this code)
and remembers the ledger the log verified against, `record` needs nothing else: the
index keeps every event's record, its links to other events and the keys its facts set.
New events are checked by the loader's own builder and by `validate.check_events`, run on
the new events together with every indexed event they can interact with; the fold is
separable per key, so only the keys the new events can change are replayed again (from
the events that touch them, rebuilt from their records) and their rows replaced. What
the new events can change:

- the keys their facts set (settled and pending);
- the keys of every event whose standing they change: what they retract or replace, and
  down the chain (retracting a retraction makes its target count again);
- for a dissolution, every key it can end (a fact of its aspects naming its polity or
  territory), and the same for a dissolution whose disputing claims they retract or correct;
- the keys of every account of one happening with any of those (accounts replay as one step);
- the entries of the catalogue of subjects the new events and the events whose standing
  changed give.

Replaying a key needs every event that touches it, every dissolution that can end it,
and, to tell which of those count, every event that retracts or replaces them.

The rows are written in one SQLite transaction on the index file: a reader sees the
index before or after it, never between (see docs/decisions.md).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import attrs

from statustrack.index.build import EventRows, Rows, event_rows, history_rows, insert_rows, write_meta
from statustrack.index.codec import interval_of, registry_of
from statustrack.index.keys import current_key
from statustrack.errors import LogInvalid
from statustrack.core.events import Dissolution, Event
from statustrack.core.facts import ID_ROLES, Key
from statustrack.log.ledger import LedgerState
from statustrack.log.load import build_events
from statustrack.core.model import Log
from statustrack.log.parse import Raw
from statustrack.core.reducers import facts_of
from statustrack.core.registry import fold
from statustrack.core.replay import counted_events
from statustrack.core.checks import _links, check_events

__all__ = ["Extension", "Opened", "commit", "open_for_record", "plan", "remember_ledger"]

_UNDO = ("retracts", "replaces")


@attrs.define
class Opened:
    """A current index opened for writing, in a write transaction, with its meta keys."""

    db: sqlite3.Connection
    meta: dict[str, Any]
    path: Path

    @property
    def ledger(self) -> LedgerState | None:
        """The ledger the log verified against when the index was last written, if any."""
        return LedgerState.from_json(self.meta.get("ledger"))

    def settings(self, shown: str, directory: Path) -> Log:
        """The log's settings and registry as the index keeps them, with no events: what
        checking new events against the indexed ones needs of the log itself."""
        meta = self.meta
        return Log(meta["name"], meta["timezone"], meta["format"], shown, registry_of(meta["registry"]), (), {},
                   horizon=interval_of(meta["horizon"]), polity=meta["polity"],
                   settings_file=meta["settings_file"], directory=directory)

    def records(self, ids: Iterable[str]) -> dict[str, tuple[str, int, dict[str, Any]]]:
        """The indexed events among `ids`: file, line and record."""
        found = {}
        for chunk in _chunks(list(dict.fromkeys(ids))):
            for ident, file, line, record in self.db.execute(
                    f"SELECT id, file, line, record FROM events WHERE id IN ({_marks(chunk)})", chunk):
                found[ident] = (file, line, json.loads(record))
        return found

    def close(self) -> None:
        """End the transaction (undoing anything not committed) and close the database."""
        try:
            self.db.rollback()
        finally:
            self.db.close()


def open_for_record(root: Path, path: Path, *, verified: bool = True) -> Opened | None:
    """The index at `path`, opened for writing inside a write transaction, if it is current
    for the log at `root` and (with `verified`) remembers a verified ledger; else None (the
    caller takes the whole-log path). Call under the log's lock: only writers of the log
    write the index in place, so a rollback journal beside it is a dead writer's, and the
    index is dropped with it."""
    journal = path.with_name(path.name + "-journal")
    if journal.exists():
        journal.unlink(missing_ok=True)
        path.unlink(missing_ok=True)
        return None
    if not path.is_file():
        return None
    try:
        db = sqlite3.connect(path, timeout=30, isolation_level=None)
    except sqlite3.Error:
        return None
    try:
        db.execute("BEGIN IMMEDIATE")
        meta = {k: json.loads(v) for k, v in db.execute("SELECT key, value FROM meta")}
        if (verified and LedgerState.from_json(meta.get("ledger")) is None) or "events" not in {
                r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}:
            raise LookupError
        if any(meta.get(k) != v for k, v in current_key(root).items()):
            raise LookupError
    except (sqlite3.Error, ValueError, LookupError):
        db.close()
        return None
    return Opened(db, meta, path)


def remember_ledger(root: Path, path: Path, ledger: LedgerState) -> bool:
    """Record in the index at `path`, if it is current for the log at `root`, that the log
    verified against the ledger `ledger`, so records can take the
    indexed path. Call under the log's lock, right after verifying. True if it did."""
    opened = open_for_record(root, path, verified=False)
    if opened is None:
        return False
    try:
        write_meta(opened.db, {"ledger": ledger.as_json()})
        opened.db.execute("COMMIT")
    except sqlite3.Error:
        return False
    finally:
        opened.close()
    return True


def _marks(items: Sequence[Any]) -> str:
    return ", ".join("?" * len(items))


def _chunks(items: list[Any], size: int = 500) -> Iterable[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _select(db: sqlite3.Connection, sql: str, items: Iterable[Any], *extra: Any) -> list[tuple[Any, ...]]:
    """Rows of `sql` (with `{}` standing for the placeholders of a chunk of `items`)."""
    rows: list[tuple[Any, ...]] = []
    for chunk in _chunks(list(items)):
        rows.extend(db.execute(sql.format(_marks(chunk)), [*chunk, *extra]))
    return rows


@attrs.frozen
class Extension:
    """What `plan` found: the validated new events with their places, the keys to replace
    and their new rows, and the meta keys that change."""

    keys: frozenset[Key]
    history: Rows
    events: EventRows
    counts: dict[str, int]
    catalogue: tuple[set[str], set[str]]
    last_run: int


def _linked_up(db: sqlite3.Connection, ids: set[str], fields: tuple[str, ...]) -> set[str]:
    """`ids` with every event that names one of them by one of `fields`, and so on up."""
    found, frontier = set(ids), set(ids)
    sql = f"SELECT event FROM event_links WHERE target IN ({{}}) AND field IN ({_marks(fields)})"
    while frontier:
        frontier = {e for (e,) in _select(db, sql, frontier, *fields)} - found
        found |= frontier
    return found


def _undoers(db: sqlite3.Connection, ids: set[str]) -> set[str]:
    """`ids` with every event that retracts or replaces one of them, and so on up."""
    return _linked_up(db, ids, ("retracts", "replaces"))


def _replacers(db: sqlite3.Connection, ids: set[str]) -> set[str]:
    """`ids` with every event that replaces one of them, and so on up (a dispute's claim
    stands as its latest correction)."""
    return _linked_up(db, ids, ("replaces",))


def _keys_of(db: sqlite3.Connection, ids: Iterable[str]) -> set[Key]:
    return {Key(a, s, bool(p)) for a, s, p in
            _select(db, "SELECT aspect, subject, pending FROM event_keys WHERE event IN ({})", ids)}


def _touching(db: sqlite3.Connection, keys: Iterable[Key]) -> set[str]:
    """The events whose facts set one of `keys`."""
    db.execute("CREATE TEMP TABLE IF NOT EXISTS wanted_keys (aspect TEXT, subject TEXT, pending INTEGER)")
    db.execute("DELETE FROM wanted_keys")
    db.executemany("INSERT INTO wanted_keys VALUES (?, ?, ?)", [(k.aspect, k.subject, int(k.pending)) for k in keys])
    # CROSS JOIN keeps the few wanted keys outside, so each is one lookup in keys_by_key
    return {e for (e,) in db.execute(
        "SELECT DISTINCT k.event FROM wanted_keys w CROSS JOIN event_keys k "
        "ON k.aspect = w.aspect AND k.subject = w.subject AND k.pending = w.pending")}


def _fact_keys(event: Event, log: Log) -> set[Key]:
    keys = set()
    for fact in facts_of(event, log.registry):
        keys.add(Key(fact.aspect, fact.subject))
        if event.announced_early:
            keys.add(Key(fact.aspect, fact.subject, True))
    return keys


def _endable(db: sqlite3.Connection, dissolution: Dissolution, fresh: Sequence[Event], log: Log) -> set[Key]:
    """Every key `dissolution` can end: a settled fact of its aspects naming its owners."""
    owners = {dissolution.polity} | ({dissolution.territory} if dissolution.territory else set())
    aspects = set(dissolution.ends)
    keys = {Key(a, s) for a, s in _select(db, "SELECT aspect, subject FROM key_refs WHERE ref IN ({})", owners)
            if a in aspects}
    for event in fresh:
        keys |= {Key(f.aspect, f.subject) for f in facts_of(event, log.registry)
                 if f.aspect in aspects and f.refs & owners}
    return keys


def _built(log: Log, found: dict[str, tuple[str, int, dict[str, Any]]]) -> dict[str, tuple[Event, Raw, str, int]]:
    """Indexed events rebuilt from their records, as the loader builds them."""
    raws = [Raw("event", record, log.file(file), line) for file, line, record in found.values()]
    events, problems = build_events(raws, log)
    if problems or len(events) != len(raws):
        msg = "an indexed event no longer builds"
        raise LookupError(msg)
    return {e.id: (e, raw, file, line) for e, raw, (file, line, _) in zip(events, raws, found.values(), strict=True)}


def plan(opened: Opened, log: Log, target: str, fresh: Sequence[Event], raws: Sequence[Raw]) -> Extension:
    """Check `fresh` (events about to be appended to `target`, read back from their lines
    `raws`) against the indexed log, as a whole-log validation would, and work out the
    index rows they change. Raises `LogInvalid` with the same problems a load of the log
    with the events appended would report; `LookupError` if the index cannot answer (the
    caller then takes the whole-log path)."""
    db = opened.db
    new_ids = {e.id for e in fresh}
    placed_new = {e.id: (e, raw, target, raw.line or 0) for e, raw in zip(fresh, raws, strict=True)}

    # Events whose standing the new events change, down their chains of retractions and corrections.
    changed: set[str] = set()
    frontier = {t for e in fresh for f, t in _links(e) if f in _UNDO} - new_ids
    while frontier:
        changed |= frontier
        frontier = {t for (t,) in _select(db, "SELECT target FROM event_links WHERE event IN ({}) "
                                              "AND field IN ('retracts', 'replaces')", frontier)} - changed

    # Dissolutions that may end other keys now: new ones, ones whose standing changed, and
    # ones whose disputing claims (or their corrections) changed standing.
    disputes: dict[str, set[str]] = {}
    for event, claim in db.execute("SELECT event, target FROM event_links WHERE field = 'disputed_by'"):
        disputes.setdefault(event, set()).add(claim)
    chains = {d: _replacers(db, claims) for d, claims in disputes.items()}
    ending_ids = {i for (i,) in _select(db, "SELECT DISTINCT event FROM endings WHERE event IN ({})", changed)}
    ending_ids |= {d for d, chain in chains.items() if chain & changed}
    loaded = _built(log, opened.records(ending_ids))
    dissolutions = [e for e in fresh if isinstance(e, Dissolution)]
    dissolutions += [loaded[i][0] for i in ending_ids if isinstance(loaded[i][0], Dissolution)]

    keys: set[Key] = set()
    for event in fresh:
        keys |= _fact_keys(event, log)
    keys |= _keys_of(db, changed)
    for dissolution in dissolutions:
        keys |= _endable(db, dissolution, fresh, log)

    # Every event touching those keys, every dissolution that can end them, and every account
    # of one happening with any of those (whose keys join).
    touching: set[str] = set()
    todo_keys, todo_events = set(keys), set(new_ids)
    aspects_seen: set[str] = set()
    while todo_keys or todo_events:
        if todo_keys:
            found = _touching(db, todo_keys)
            aspects = {k.aspect for k in todo_keys if not k.pending} - aspects_seen
            aspects_seen |= aspects
            found |= {e for (e,) in _select(db, "SELECT event FROM endings WHERE aspect IN ({})", aspects)}
            todo_keys = set()
            todo_events |= found - touching
            touching |= found
        if todo_events:
            old = todo_events - new_ids
            pairs = _select(db, "SELECT event, target FROM event_links WHERE event IN ({}) "
                                "AND field = 'account_of'", old)
            pairs += _select(db, "SELECT event, target FROM event_links WHERE target IN ({}) "
                                 "AND field = 'account_of'", old)
            pairs += [(e.id, e.account_of) for e in fresh if e.id in todo_events and e.account_of]
            grouped = {i for pair in pairs for i in pair} - new_ids
            todo_events = grouped - touching
            touching |= grouped
            # accounts replay as one step: every key of a group with an event involved is replayed
            more = _keys_of(db, grouped) - keys
            keys |= more
            todo_keys |= more
    touching -= new_ids

    # What the checks and the replay need besides: link targets of the new events, the claims
    # the dissolutions among them dispute, and, to tell what counts, whatever undoes any of it.
    targets = {t for e in fresh for _, t in _links(e)} - new_ids
    existing_targets = set(opened.records(targets)) if targets else set()
    wanted = touching | changed | existing_targets
    wanted |= {c for d in wanted | ending_ids if d in chains for c in chains[d]}
    wanted |= {c for e in fresh if isinstance(e, Dissolution) for c in _replacers(db, set(e.disputed_by or ()))}
    wanted = _undoers(db, wanted) - new_ids
    loaded.update(_built(log, opened.records(wanted - set(loaded))))
    loaded = {i: v for i, v in loaded.items() if i in wanted}

    combined = sorted([*loaded.values(), *placed_new.values()], key=lambda item: (item[2], item[3]))
    all_ids = set(loaded) | new_ids | existing_targets
    for event, _, _, _ in loaded.values():
        all_ids.update(t for _, t in _links(event))
    steps: list[Any] = []
    problems = check_events([(e, raw) for e, raw, _, _ in combined], log.registry, frozenset(all_ids), steps)
    if problems:
        raise LogInvalid(problems)

    counted = {e.id for e in counted_events([e for e, _, _, _ in combined])}
    last_run = int(opened.meta.get("last_run") or 0)
    first_version = (db.execute("SELECT max(id) FROM versions").fetchone()[0] or 0) + 1
    first_fact = (db.execute("SELECT max(id) FROM facts").fetchone()[0] or 0) + 1
    history = history_rows(steps, keys.__contains__, first_version=first_version, first_fact=first_fact,
                              run_offset=last_run)
    runs = [r[13] for r in history.versions]
    rows = event_rows(((e, target, line) for e, _, _, line in placed_new.values()), log.registry,
                         counted.__contains__)
    counts = {i: int(i in counted) for i in changed}
    catalogue = _catalogue(db, fresh, changed, log)
    return Extension(frozenset(keys), history, rows, counts, catalogue, max([last_run, *runs]))


def _catalogue(db: sqlite3.Connection, fresh: Sequence[Event], changed: set[str], log: Log) -> tuple[set[str],
                                                                                                 set[str]]:
    """The entries of the catalogue of subjects the new events and the events whose standing
    changed can change: folded spellings and place or actor ids."""
    folds: set[str] = set()
    ids: set[str] = set()
    for event in fresh:
        for fact in facts_of(event, log.registry):
            folds.update((fold(fact.subject_name), fold(fact.subject)))
            ids.update(v for role, v in fact.about if role in ID_ROLES)
    for name, subject, own in _select(db, "SELECT subject_name, subject, own FROM event_keys WHERE event IN ({}) "
                                          "AND pending = 0", changed):
        folds.update((fold(name), fold(subject)))
        ids.update(json.loads(own))
    return folds, ids


def _recatalogue(db: sqlite3.Connection, folds: Iterable[str], ids: Iterable[str]) -> None:
    """Work out these entries of the catalogue again from the events that count now, as
    `query.catalogue` does: an id is in while some counted fact names it; a folded spelling
    is spelled as the first counted fact to give it, in log order."""
    for folded in folds:
        first = db.execute("SELECT s.spelling FROM catalogue_sources s JOIN events e ON e.id = s.event "
                           "WHERE s.folded = ? AND e.counts = 1 ORDER BY e.file, e.line, s.seq LIMIT 1",
                           (folded,)).fetchone()
        if first is None:
            db.execute("DELETE FROM catalogue_names WHERE folded = ?", (folded,))
        else:
            db.execute("INSERT OR REPLACE INTO catalogue_names VALUES (?, ?)", (folded, first[0]))
    for ident in ids:
        if db.execute("SELECT 1 FROM catalogue_refs r JOIN events e ON e.id = r.event "
                      "WHERE r.id = ? AND e.counts = 1 LIMIT 1", (ident,)).fetchone() is None:
            db.execute("DELETE FROM catalogue_ids WHERE id = ?", (ident,))
        else:
            db.execute("INSERT OR IGNORE INTO catalogue_ids VALUES (?)", (ident,))


def commit(opened: Opened, extension: Extension, files: list[list[Any]], ledger: LedgerState) -> None:
    """Replace the rows of the extension's keys, add its events, and set the meta keys
    (the files' manifest, the ledger's state): one transaction."""
    db = opened.db
    db.execute("CREATE TEMP TABLE redo (aspect TEXT, subject TEXT, pending INTEGER, "
               "PRIMARY KEY (aspect, subject, pending))")
    db.executemany("INSERT INTO redo VALUES (?, ?, ?)",
                   [(k.aspect, k.subject, int(k.pending)) for k in extension.keys])
    matches = "(aspect, subject, pending) IN (SELECT aspect, subject, pending FROM redo)"
    db.execute(f"DELETE FROM versions WHERE {matches}")
    db.execute(f"DELETE FROM changes WHERE {matches}")
    db.executemany("UPDATE events SET counts = ? WHERE id = ?", [(c, i) for i, c in extension.counts.items()])
    insert_rows(db, extension.history, extension.events)
    _recatalogue(db, *extension.catalogue)
    write_meta(db, {"files": files, "ledger": ledger.as_json(), "last_run": extension.last_run})
    db.execute("DROP TABLE temp.redo")
    db.execute("DROP TABLE IF EXISTS temp.wanted_keys")
    db.execute("COMMIT")
