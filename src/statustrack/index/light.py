"""The light read path of the index: opening it (trusted, whole, current: the one check,
which `index.read` uses too) and what an answer shows of each version, stored when the
index is written (`index.shown.write_shown`) and read back without attrs, pendulum or the event
classes (`shown_at`).

Per version the `shown` table keeps the fact's JSON object as `at --format json` prints it
when the fact and its accounts are certain (`text`, pretty at the depth of an item of
`facts`), the instant-free base it was completed from (`base`, for the instants at which
it is possible: `core.shown.seen_json` completes it again), when its accounts become
certain, the earlier values that hold if it has not happened yet (`chain`), its summary
row (`row`, `core.shown.Row` without the certainty) and its place in an answer (`rank`).
"""

from __future__ import annotations

import enum
import json
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from statustrack.core.shown import Row, emit, seen_json
from statustrack.index.keys import SCHEMA, stale
from statustrack.index.trust import Header, Refused, file_refusal, header

__all__ = [
    "AT",
    "CHECKED",
    "DDL",
    "REQUIRED",
    "HistoryRow",
    "Shown",
    "State",
    "Verdict",
    "current",
    "history_rows",
    "opened",
    "read_meta",
    "ro",
    "shown_at",
]

#: The tables and indexes a query reads: an index without one of them is not read.
REQUIRED = frozenset(
    {
        "meta",
        "facts",
        "versions",
        "changes",
        "events",
        "event_links",
        "event_keys",
        "key_refs",
        "endings",
        "catalogue_ids",
        "catalogue_names",
        "catalogue_sources",
        "catalogue_refs",
        "versions_by_key",
        "versions_by_fork_from",
        "versions_by_fork_until",
        "versions_by_from",
        "versions_by_until",
        "changes_by_instant",
        "changes_by_key",
        "shown",
    }
)

DDL = """
CREATE TABLE shown (version INTEGER PRIMARY KEY, aspect_order INTEGER NOT NULL, aspect TEXT NOT NULL,
    pending INTEGER NOT NULL, folded TEXT NOT NULL, subject TEXT NOT NULL, act INTEGER NOT NULL,
    lapsed INTEGER NOT NULL, start INTEGER NOT NULL, end INTEGER NOT NULL, certain_from INTEGER NOT NULL,
    accounts TEXT NOT NULL, chain TEXT NOT NULL, text TEXT NOT NULL, base TEXT NOT NULL, row TEXT NOT NULL);
"""

# The versions in force at ?1: those whose fork node lies on the path from the root to ?1,
# and of those, at a node at or after ?1 the ones begun by then, at a node before it the
# ones lasting until then (the relational interval tree: O(log n + answer) index lookups).
AT = """
WITH RECURSIVE path(node, step) AS (
    SELECT 0, 2305843009213693952
    UNION ALL
    SELECT CASE WHEN ?1 < node THEN node - step ELSE node + step END, step / 2 FROM path
    WHERE step > 0 AND node != ?1)
SELECT {columns} FROM path JOIN versions v INDEXED BY versions_by_fork_from
    ON v.fork = path.node AND v.valid_from <= ?1 WHERE ?1 <= path.node {extra}
UNION ALL
SELECT {columns} FROM path JOIN versions v INDEXED BY versions_by_fork_until
    ON v.fork = path.node AND v.valid_until >= ?1 WHERE ?1 > path.node {extra}
"""
# The versions in force at ?1 in answer order, narrow: sorting the shown rows whole made
# SQLite's sorter carry every fact's text (12 MB at 1e5 events); their rows are then
# fetched by key, a chunk at a time (`_shown_rows`).
_ORDER_AT = (
    "SELECT s.version FROM (" + AT.format(columns="v.id AS id", extra="") + ") AS f JOIN shown s ON s.version = f.id "
    "ORDER BY s.aspect_order, s.aspect, s.pending, s.folded, s.subject"
)
_SHOWN_OF = (
    "SELECT version, act, lapsed, pending, start, end, certain_from, accounts, chain, text, base, row "
    "FROM shown WHERE version IN ({})"
)
#: How many shown rows one read fetches (and an answer holds at a time).
_CHUNK = 500
#: Where a fact's JSON object stands in `at --format json`: an item of `facts` or `acts`.
DEPTH = "\n    "


class State(enum.Enum):
    """What an index file is to the log it would answer for."""

    CURRENT = "current"  #: built by statustrack from the log as it is on disk: read
    MISSING = "missing"  #: no index yet: built on the next query
    STALE = "stale"  #: the log, the code or the time-zone data changed since: rebuilt
    ALTERED = "altered"  #: another program wrote to it since statustrack did: rebuilt
    UNTRUSTED = "untrusted"  #: a link, another user's or writable by others: never read
    DAMAGED = "damaged"  #: not an index statustrack can read (a table gone, a hot journal): rebuilt


class Verdict(NamedTuple):
    """What `assess` found of an index file: its `state` and, unless current, why."""

    state: State
    why: str = ""


#: The meta keys the currency check and an answer from the shown rows read (not, say, the
#: registry: 100 KB of JSON on the shipped log, a millisecond to decode).
CHECKED = ("schema", "written", "zone", "timezone", "code", "root", "files", "horizon")


def read_meta(db: sqlite3.Connection, keys: Sequence[str] | None = None) -> dict[str, Any]:
    """The index's meta keys, decoded: all, or those of `keys` it has."""
    if keys is None:
        return {k: json.loads(v) for k, v in db.execute("SELECT key, value FROM meta")}
    marks = ", ".join("?" * len(keys))
    return {k: json.loads(v) for k, v in db.execute(f"SELECT key, value FROM meta WHERE key IN ({marks})", keys)}


def ro(path: Path) -> str:
    """The read-only URI of `path` (characters that mean something in a URI escaped)."""
    from urllib.parse import quote

    return f"file:{quote(str(path))}?mode=ro"


def opened(
    path: Path, keys: Sequence[str] | None = None
) -> tuple[sqlite3.Connection, dict[str, Any], Header] | Verdict:
    """The index at `path` opened read-only with its meta keys (all, or `keys` and those of
    `CHECKED`) and header, if it may be trusted (`index.trust`), is whole (every table and
    index a query reads) and can be read (no hot journal); else why not. Never changes the
    file."""
    if not os.path.lexists(path):
        return Verdict(State.MISSING, "there is no index yet")
    why = file_refusal(path)
    if why is not None:
        return Verdict(State.UNTRUSTED, why)
    found = header(path)
    if isinstance(found, Refused):
        return Verdict(State.UNTRUSTED if found.untrusted else State.DAMAGED, found.why)
    try:
        db = sqlite3.connect(ro(path), uri=True)
    except sqlite3.Error as e:
        return Verdict(State.DAMAGED, f"cannot open it ({e})")
    try:
        names = {n for (n,) in db.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'index')")}
        if "meta" in names and read_meta(db, ("schema",)).get("schema") != SCHEMA:
            db.close()  # an index of another schema: rebuilt, as a stale one
            return Verdict(State.STALE, "the log, the code or the time-zone data changed since it was built")
        missing = sorted(REQUIRED - names)
        if missing:
            db.close()
            return Verdict(State.DAMAGED, f"it lacks {', '.join(missing)}")
        meta = read_meta(db, None if keys is None else tuple(dict.fromkeys((*CHECKED, *keys))))
    except (sqlite3.Error, ValueError) as e:
        db.close()
        return Verdict(State.DAMAGED, f"cannot read it ({e})")
    st = os.stat(path)
    if (st.st_dev, st.st_ino) != (found.device, found.inode):  # swapped since the header was read
        db.close()
        return Verdict(State.UNTRUSTED, "it was replaced while being opened")
    return db, meta, found


def current(
    root: Path, path: Path, keys: Sequence[str] | None = None
) -> tuple[sqlite3.Connection, dict[str, Any]] | Verdict:
    """The index at `path`, open, with its meta keys (all, or `keys` and those of `CHECKED`),
    if it may be trusted and is current for the log at `root`; else what it is and why
    (missing, stale, altered by another program, not to be trusted, or damaged). Reading
    never changes the file."""
    found = opened(path, keys)
    if isinstance(found, Verdict):
        return found
    db, meta, head = found
    if "written" in meta and meta["written"] != head.counter:
        db.close()
        return Verdict(State.ALTERED, "another program wrote to it after statustrack did")
    if stale(meta, root, head.counter):
        db.close()
        return Verdict(State.STALE, "the log, the code or the time-zone data changed since it was built")
    return db, meta


class Shown(NamedTuple):
    """What an answer at one instant shows of the versions in force, in answer order:
    each fact's JSON text (`facts`, `acts`: as `at --format json` prints each item) and
    summary row (`fact_rows`, `act_rows`), the acts those of the window, newest first."""

    facts: list[str]
    acts: list[str]
    fact_rows: list[Row]
    act_rows: list[Row]


def _item(q: int, certain_from: int, accounts: str, chain: str, text: str, base: str) -> tuple[str, str]:
    """The JSON text of one version at `q`, and its certainty there (`_certainty`)."""
    cuts = json.loads(accounts) if accounts != "[]" else []
    possible = _certainty(q, certain_from) == "possible"
    if not possible and all(c <= q for c in cuts):
        return text, "certain"
    otherwise = None
    if possible:
        otherwise = next(((value, event) for cut, value, event in json.loads(chain) if cut <= q), None)
    certainty = "possible" if possible else "certain"
    out: list[str] = []
    emit(
        seen_json(json.loads(base), certainty, ["certain" if c <= q else "possible" for c in cuts], otherwise),
        DEPTH,
        out,
    )
    return "".join(out), certainty


def _shown_rows(db: sqlite3.Connection, q: int) -> Iterator[tuple[Any, ...]]:
    """The shown rows (less the version) of the versions in force at `q`, in answer order,
    read in one transaction (one snapshot of the index)."""
    begun = not db.in_transaction
    if begun:
        db.execute("BEGIN")
    try:
        order = [version for (version,) in db.execute(_ORDER_AT, (q,))]
        for first in range(0, len(order), _CHUNK):
            chunk = order[first : first + _CHUNK]
            found = {row[0]: row for row in db.execute(_SHOWN_OF.format(",".join("?" * len(chunk))), chunk)}
            for version in chunk:
                yield found[version][1:]
    finally:
        if begun:
            db.execute("COMMIT")


def _certainty(q: int, certain_from: int) -> str:
    """A version's certainty at `q`: possible until its fact's interval has ended."""
    return "possible" if q < certain_from else "certain"


def shown_at(
    db: sqlite3.Connection,
    q: int,
    window_from: int | None,
    write: Callable[[str], object] | None = None,
    *,
    texts: bool = True,
) -> Shown:
    """What the answer at `q` (microseconds since 1970) shows: the facts in force but a
    lapsed position, and the acts not pending that may have happened after `window_from`
    (None: every act), newest first (`api.answer.split`'s rule, on stored rows). With
    `write`, each fact's text is handed to it as it is read, in answer order, instead of
    being kept in `facts` (an answer streamed: its text is never whole in memory). Without
    `texts`, only the rows (the summary's): `facts` and `acts` are left empty."""
    facts: list[str] = []
    fact_rows: list[str] = []
    fact_certainty: list[str] = []
    acts: list[tuple[int, int, str, str, str]] = []
    for act, lapsed, pending, start, end, certain_from, accounts, chain, text, base, row in _shown_rows(db, q):
        if lapsed:
            continue
        if texts:
            shown, certainty = _item(q, certain_from, accounts, chain, text, base)
        else:
            shown, certainty = "", _certainty(q, certain_from)
        if act and not pending:
            if window_from is None or end > window_from:
                acts.append((start, end, shown, row, certainty))
        else:
            if texts and write is not None:
                write(shown)
            elif texts:
                facts.append(shown)
            fact_rows.append(row)
            fact_certainty.append(certainty)
    acts.sort(key=lambda a: (a[0], a[1]), reverse=True)
    return Shown(
        facts,
        [a[2] for a in acts] if texts else [],
        _rows(fact_rows, fact_certainty),
        _rows([a[3] for a in acts], [a[4] for a in acts]),
    )


def _rows(texts: list[str], certainty: list[str]) -> list[Row]:
    """The summary rows stored as `texts` (JSON arrays), each with its certainty at the
    instant: decoded in one `json.loads` (a call per row costs more than the decoding)."""
    fields = json.loads("[" + ",".join(texts) + "]")
    out = []
    for values, seen in zip(fields, certainty, strict=True):
        values[5] = seen
        out.append(Row(*values))
    return out


class HistoryRow(NamedTuple):
    """One version of one key as the `versions` table holds it (instants in microseconds;
    `valid_to` None: it still holds; `certain_from` the end of its fact's interval; `fact`
    the id of its node in the `facts` table; `version` its row in `versions` and `shown`)."""

    aspect: str
    subject: str
    pending: int
    run: int
    valid_from: int
    valid_to: int | None
    certain_from: int
    fact: int
    version: int


_KEYS_BY_REF = "SELECT DISTINCT aspect, subject FROM key_refs WHERE ref IN ({})"
_KEYS_BY_NAME = (
    "SELECT DISTINCT k.aspect, k.subject, k.subject_name FROM catalogue_sources c "
    "JOIN event_keys k ON k.event = c.event WHERE c.folded IN ({}) AND k.pending = 0"
)
_VERSIONS_OF_KEY = (
    "SELECT aspect, subject, pending, run, valid_from, valid_to, certain_from, fact, id FROM versions "
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
    for first in range(0, len(ids), _CHUNK):
        chunk = ids[first : first + _CHUNK]
        keys.update(db.execute(_KEYS_BY_REF.format(",".join("?" * len(chunk))), chunk))
    if texts:
        found = db.execute(_KEYS_BY_NAME.format(",".join("?" * len(texts))), texts)
        wanted = set(texts)
        keys.update((a, s) for a, s, name in found if fold(s) in wanted or fold(name or "") in wanted)
    rows: list[HistoryRow] = []
    for aspect, subject in sorted(keys):
        rows.extend(HistoryRow(*row) for row in db.execute(_VERSIONS_OF_KEY, (aspect, subject)))
    return rows
