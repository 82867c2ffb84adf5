"""Appending to an indexed log without reading it: check new events against the fact
index, and fold them into it in place.

When the index of a log is current (built from exactly the files on disk, by this code)
and remembers the ledger the log verified against, `record` needs nothing else: the
index keeps every event's record, its links to other events and the keys its facts set.
New events are checked by the loader's own builder and by `core.checks.check_events`, run on
the new events together with every indexed event they can interact with; the fold is
separable per key, so only the keys the new events can change are replayed again (from
the events that touch them, rebuilt from their records) and their rows replaced, with the
entries of the catalogue of subjects the new events and the events whose standing changed
give. What the new events can change, and what replaying it needs, is `core.reach`'s rule;
this module answers its questions about the indexed events in SQL (`_Indexed`).

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

from statustrack.core.checks import _links, check_events
from statustrack.core.events import Cessation, Dissolution, Event, Founding
from statustrack.core.facts import ID_ROLES, Key
from statustrack.core.model import Log
from statustrack.core.reach import ACCOUNT, reach
from statustrack.core.reducers import facts_of
from statustrack.core.registry import fold
from statustrack.core.replay import counted_events
from statustrack.errors import LogInvalid
from statustrack.index.build import EventRows, Rows, event_rows, history_rows, insert_rows, write_meta
from statustrack.index.codec import interval_of, registry_of
from statustrack.index.keys import stale
from statustrack.index.read import REQUIRED
from statustrack.index.shown import write_shown
from statustrack.index.trust import Refused, header
from statustrack.log.ledger import LedgerState
from statustrack.log.load import build_events
from statustrack.log.parse import Raw

__all__ = ["Extension", "Opened", "commit", "open_for_record", "plan", "remember_ledger"]


@attrs.define
class Opened:
    """A current index opened for writing, in a write transaction, with its meta keys."""

    db: sqlite3.Connection
    meta: dict[str, Any]
    path: Path
    written: int = 0  # the commit count the header shows once this transaction commits

    @property
    def ledger(self) -> LedgerState | None:
        """The ledger the log verified against when the index was last written, if any."""
        return LedgerState.from_json(self.meta.get("ledger"))

    def settings(self, shown: str, directory: Path) -> Log:
        """The log's settings and registry as the index keeps them, with no events: what
        checking new events against the indexed ones needs of the log itself."""
        meta = self.meta
        return Log(
            meta["name"],
            meta["timezone"],
            meta["format"],
            shown,
            registry_of(meta["registry"]),
            (),
            {},
            horizon=interval_of(meta["horizon"]),
            polity=meta["polity"],
            settings_file=meta["settings_file"],
            directory=directory,
        )

    def records(self, ids: Iterable[str]) -> dict[str, tuple[str, int, dict[str, Any]]]:
        """The indexed events among `ids`: file, line and record."""
        found = {}
        for chunk in _chunks(list(dict.fromkeys(ids))):
            for ident, file, line, record in self.db.execute(
                f"SELECT id, file, line, record FROM events WHERE id IN ({_marks(chunk)})", chunk
            ):
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
    if isinstance(header(path), Refused):  # missing, or not to be trusted (index.trust)
        return None
    try:
        db = sqlite3.connect(path, timeout=30, isolation_level=None)
    except sqlite3.Error:
        return None
    try:
        db.execute("BEGIN IMMEDIATE")
        found = header(path)  # read again under the write lock: no other commit can come now
        if isinstance(found, Refused):
            raise LookupError(found.why)
        meta = {k: json.loads(v) for k, v in db.execute("SELECT key, value FROM meta")}
        if (verified and LedgerState.from_json(meta.get("ledger")) is None) or REQUIRED - {
            r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'index')")
        }:
            raise LookupError
        if stale(meta, root, found.counter):
            raise LookupError
    except (sqlite3.Error, ValueError, LookupError):
        db.close()
        return None
    return Opened(db, meta, path, found.counter + 1)


def remember_ledger(root: Path, path: Path, ledger: LedgerState) -> bool:
    """Record in the index at `path`, if it is current for the log at `root`, that the log
    verified against the ledger `ledger`, so records can take the
    indexed path. Call under the log's lock, right after verifying. True if it did."""
    opened = open_for_record(root, path, verified=False)
    if opened is None:
        return False
    try:
        write_meta(opened.db, {"ledger": ledger.as_json(), "written": opened.written})
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
        yield items[start : start + size]


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


class _Indexed:
    """The events already in the log, as the index knows them: what `core.reach` asks."""

    def __init__(self, opened: Opened, log: Log) -> None:
        self.db = opened.db
        self.opened = opened
        self.log = log
        self.built: dict[str, tuple[Event, Raw, str, int]] = {}

    def linking(self, targets: set[str], fields: tuple[str, ...]) -> set[str]:
        """The events that name one of `targets` by one of `fields`."""
        sql = f"SELECT event FROM event_links WHERE target IN ({{}}) AND field IN ({_marks(fields)})"
        return {e for (e,) in _select(self.db, sql, targets, *fields)}

    def linked(self, events: set[str], fields: tuple[str, ...]) -> set[str]:
        """What `events` name by one of `fields`."""
        sql = f"SELECT target FROM event_links WHERE event IN ({{}}) AND field IN ({_marks(fields)})"
        return {t for (t,) in _select(self.db, sql, events, *fields)}

    def accounts(self, events: set[str]) -> set[tuple[str, str]]:
        """The account links with either end among `events`."""
        pairs = _select(
            self.db, "SELECT event, target FROM event_links WHERE event IN ({}) AND field = ?", events, ACCOUNT
        )
        pairs += _select(
            self.db, "SELECT event, target FROM event_links WHERE target IN ({}) AND field = ?", events, ACCOUNT
        )
        return {(e, t) for e, t in pairs}

    def disputes(self) -> dict[str, set[str]]:
        """Each dissolution's disputing claims."""
        found: dict[str, set[str]] = {}
        for event, claim in self.db.execute("SELECT event, target FROM event_links WHERE field = 'disputed_by'"):
            found.setdefault(event, set()).add(claim)
        return found

    def dissolutions(self, ids: set[str]) -> list[Dissolution]:
        """The dissolutions among `ids`, rebuilt from their records."""
        ending = {i for (i,) in _select(self.db, "SELECT DISTINCT event FROM endings WHERE event IN ({})", ids)}
        self.build(ending)
        return [event for i in ending if isinstance(event := self.built[i][0], Dissolution)]

    def ending(self, aspects: set[str]) -> set[str]:
        """The dissolutions that end one of `aspects`."""
        return {e for (e,) in _select(self.db, "SELECT event FROM endings WHERE aspect IN ({})", aspects)}

    def keys_of(self, events: set[str]) -> set[Key]:
        """The keys the facts of `events` set."""
        return {
            Key(a, s, bool(p))
            for a, s, p in _select(
                self.db, "SELECT aspect, subject, pending FROM event_keys WHERE event IN ({})", events
            )
        }

    def touching(self, keys: set[Key]) -> set[str]:
        """The events whose facts set one of `keys`."""
        db = self.db
        db.execute("CREATE TEMP TABLE IF NOT EXISTS wanted_keys (aspect TEXT, subject TEXT, pending INTEGER)")
        db.execute("DELETE FROM wanted_keys")
        db.executemany(
            "INSERT INTO wanted_keys VALUES (?, ?, ?)", [(k.aspect, k.subject, int(k.pending)) for k in keys]
        )
        # CROSS JOIN keeps the few wanted keys outside, so each is one lookup in keys_by_key
        return {
            e
            for (e,) in db.execute(
                "SELECT DISTINCT k.event FROM wanted_keys w CROSS JOIN event_keys k "
                "ON k.aspect = w.aspect AND k.subject = w.subject AND k.pending = w.pending"
            )
        }

    def naming(self, owners: set[str]) -> set[Key]:
        """The settled keys whose facts refer to one of `owners`."""
        return {
            Key(a, s) for a, s in _select(self.db, "SELECT aspect, subject FROM key_refs WHERE ref IN ({})", owners)
        }

    def existing(self, ids: set[str]) -> set[str]:
        """The indexed events among `ids`."""
        return set(self.opened.records(ids)) if ids else set()

    def existence(self) -> list[Founding | Cessation]:
        """Every indexed founding and cessation, rebuilt from their records."""
        ids = {i for (i,) in self.db.execute("SELECT id FROM events WHERE kind IN ('founding', 'cessation')")}
        self.build(ids)
        return [event for i in ids if isinstance(event := self.built[i][0], (Founding, Cessation))]

    def aspect_keys(self, aspects: set[str]) -> set[Key]:
        """The settled keys of `aspects`."""
        return {
            Key(a, s)
            for a, s in _select(
                self.db, "SELECT DISTINCT aspect, subject FROM event_keys WHERE aspect IN ({}) AND pending = 0", aspects
            )
        }

    def build(self, ids: Iterable[str]) -> None:
        """Rebuild the indexed events `ids` from their records, as the loader builds them."""
        missing = set(ids) - set(self.built)
        if missing:
            self.built.update(_built(self.log, self.opened.records(missing)))


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
    known = _Indexed(opened, log)
    found = reach(fresh, known, log.registry)
    keys, changed, existing_targets = found.keys, found.standing, found.targets
    known.build(found.needed)
    loaded = {i: known.built[i] for i in found.needed}

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
    history = history_rows(
        steps, keys.__contains__, first_version=first_version, first_fact=first_fact, run_offset=last_run
    )
    runs = [r[13] for r in history.versions]
    rows = event_rows(((e, target, line) for e, _, _, line in placed_new.values()), log.registry, counted.__contains__)
    counts = {i: int(i in counted) for i in changed}
    catalogue = _catalogue(db, fresh, changed, log)
    return Extension(keys, history, rows, counts, catalogue, max([last_run, *runs]))


def _catalogue(
    db: sqlite3.Connection, fresh: Sequence[Event], changed: Iterable[str], log: Log
) -> tuple[set[str], set[str]]:
    """The entries of the catalogue of subjects the new events and the events whose standing
    changed can change: folded spellings and place or actor ids."""
    folds: set[str] = set()
    ids: set[str] = set()
    for event in fresh:
        for fact in facts_of(event, log.registry):
            folds.update((fold(fact.subject_name), fold(fact.subject)))
            ids.update(v for role, v in fact.about if role in ID_ROLES)
    for name, subject, own in _select(
        db, "SELECT subject_name, subject, own FROM event_keys WHERE event IN ({}) AND pending = 0", changed
    ):
        folds.update((fold(name), fold(subject)))
        ids.update(json.loads(own))
    return folds, ids


def _recatalogue(db: sqlite3.Connection, folds: Iterable[str], ids: Iterable[str]) -> None:
    """Work out these entries of the catalogue again from the events that count now, as
    `query.catalogue` does: an id is in while some counted fact names it; a folded spelling
    is spelled as the first counted fact to give it, in log order."""
    for folded in folds:
        first = db.execute(
            "SELECT s.spelling FROM catalogue_sources s JOIN events e ON e.id = s.event "
            "WHERE s.folded = ? AND e.counts = 1 ORDER BY e.file, e.line, s.seq LIMIT 1",
            (folded,),
        ).fetchone()
        if first is None:
            db.execute("DELETE FROM catalogue_names WHERE folded = ?", (folded,))
        else:
            db.execute("INSERT OR REPLACE INTO catalogue_names VALUES (?, ?)", (folded, first[0]))
    for ident in ids:
        if (
            db.execute(
                "SELECT 1 FROM catalogue_refs r JOIN events e ON e.id = r.event "
                "WHERE r.id = ? AND e.counts = 1 LIMIT 1",
                (ident,),
            ).fetchone()
            is None
        ):
            db.execute("DELETE FROM catalogue_ids WHERE id = ?", (ident,))
        else:
            db.execute("INSERT OR IGNORE INTO catalogue_ids VALUES (?)", (ident,))


def commit(opened: Opened, extension: Extension, files: list[list[Any]], ledger: LedgerState) -> None:
    """Replace the rows of the extension's keys, add its events, and set the meta keys
    (the files' manifest, the ledger's state): one transaction."""
    db = opened.db
    db.execute(
        "CREATE TEMP TABLE redo (aspect TEXT, subject TEXT, pending INTEGER, PRIMARY KEY (aspect, subject, pending))"
    )
    db.executemany("INSERT INTO redo VALUES (?, ?, ?)", [(k.aspect, k.subject, int(k.pending)) for k in extension.keys])
    matches = "(aspect, subject, pending) IN (SELECT aspect, subject, pending FROM redo)"
    db.execute(f"DELETE FROM shown WHERE version IN (SELECT id FROM versions WHERE {matches})")
    db.execute(f"DELETE FROM versions WHERE {matches}")
    db.execute(f"DELETE FROM changes WHERE {matches}")
    db.executemany("UPDATE events SET counts = ? WHERE id = ?", [(c, i) for i, c in extension.counts.items()])
    insert_rows(db, extension.history, extension.events)
    added = [v[0] for v in extension.history.versions]
    write_shown(db, registry_of(opened.meta["registry"]), min(added) if added else 1 << 62)
    _recatalogue(db, *extension.catalogue)
    write_meta(
        db, {"files": files, "ledger": ledger.as_json(), "last_run": extension.last_run, "written": opened.written}
    )
    db.execute("DROP TABLE temp.redo")
    db.execute("DROP TABLE IF EXISTS temp.wanted_keys")
    db.execute("COMMIT")
