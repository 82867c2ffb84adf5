"""The SQLite baseline: what a user would build instead of statustrack, from the same JSON Lines.

Read every event, drop the retracted and the replaced (a retracted retraction or
correction lets its target count again), replay the latest value per fact key in
Python, ordered by the start of each event's effective interval (ties in log order),
and keep one row per value run with `valid_from`/`valid_to` (and `certain_from`, the end
of the interval of the event that began the run) in an SQLite table with an index on
(valid_from, valid_to) and one on valid_to. `at` is then one range query; `diff` two
indexed range queries (runs that begin or end between the dates); a sweep is `at` on
the first day and a `diff` to each next day.

Instants are kept as sortable local-time text (`YYYY-MM-DD` for a day, `YYYY-MM-DDTHH:MM`
for an instant, in the log's time zone); "at D" means "valid_from <= D + 'T99'", the end of
day D. Simplifications against statustrack: no pending facts (an event counts from its
`effective`), no accounts and no known-at. Keys and values follow statustrack's reducers.

    python bench/baseline.py build LOG DB        # prints the build time
    python bench/baseline.py at DB 2020-11-10    # prints the facts as JSON
    python bench/baseline.py append DB EVENT.json
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import sqlite3
import sys
import time
import tomllib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

__all__ = ["at", "build", "diff", "facts_of", "sweep"]

OPEN_END = "9999-12-31T99"
SCHEMA = """
CREATE TABLE runs (
    aspect TEXT NOT NULL, subject TEXT NOT NULL, value TEXT NOT NULL,
    valid_from TEXT NOT NULL, valid_to TEXT NOT NULL, certain_from TEXT NOT NULL,
    event TEXT NOT NULL, events TEXT NOT NULL, sources TEXT NOT NULL, previous TEXT
);
"""
INDEXES = """
CREATE INDEX runs_valid ON runs (valid_from, valid_to);
CREATE INDEX runs_valid_to ON runs (valid_to);
CREATE INDEX runs_key ON runs (aspect, subject, valid_from);
"""
COLUMNS = "aspect, subject, value, valid_from, valid_to, certain_from, event, sources"


def _pad_start(text: str) -> str:
    return text if len(text) == 10 else f"{text}-01-01" if len(text) == 4 else f"{text}-01"


def _pad_end(text: str) -> str:
    if len(text) == 10:
        return text + "T99"
    if len(text) == 4:
        return f"{text}-12-31T99"
    return f"{text}-31T99"  # the end of any month sorts before the next month's first day


class _Clock:
    """EDTF texts as sortable local-time bounds (format 1 and format 2 notations)."""

    def __init__(self, tz: str) -> None:
        self.zone = ZoneInfo(tz)

    def _instant(self, text: str) -> str:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(self.zone)
        return moment.strftime("%Y-%m-%dT%H:%M")

    def bounds(self, text: str) -> tuple[str, str]:
        """The first and last local instant `text` may mean."""
        if text.startswith("["):
            left, _, right = text[1:-1].partition("..")
        elif "/" in text:
            left, _, right = text.partition("/")
        elif "T" in text:
            moment = self._instant(text)
            return moment, moment
        else:
            return _pad_start(text), _pad_end(text)
        start = "0001-01-01" if left in ("", "..") else self.bounds(left)[0]
        end = OPEN_END if right in ("", "..") else self.bounds(right)[1]
        return start, end


def facts_of(e: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(aspect, subject, value) of each fact an event sets, as statustrack's reducers key them."""
    kind = e["kind"]
    if kind in ("declaration", "decree"):
        return [("status", e["polity"], e["status"])]
    if kind == "claim":
        return [("status", f"{e['polity']}/{e['party']}", e["position"])]
    if kind == "war":
        return [("conflict", e["theatre"], f"war: {e['name']}")]
    if kind == "offensive":
        return [("conflict", e["theatre"], f"offensive by {e['by']}: {e['name']}")]
    if kind == "ceasefire":
        return [("conflict", e["theatre"], f"ceasefire: {e['name']}")]
    if kind == "blockade":
        return [("conflict", e["place"], f"blockade by {e['by']} {e['state']}")]
    if kind == "deployment":
        return [("conflict", e["force"], f"{e['state']} in {e['place']}")]
    if kind == "capture":
        return [("control", e["place"], e["by"])]
    if kind == "handover":
        return [("control", e["place"], e["to"])]
    if kind == "recognition":
        return [("recognition", e["actor"], e["stance"])]
    if kind == "resolution":
        return [("resolution", f"{e['body']}:{e['ref']}", e["summary"])]
    if kind == "statement":
        return [("resolution", f"{e['actor']}:{e.get('ref') or e['date']}", e["summary"])]
    if kind == "office":
        return [("office", e["place"], e["state"])]
    if kind == "officeholder":
        return [("officeholder", e["post"], e["person"])]
    if kind == "relation":
        value = e["type"] if e["state"] == "established" else f"{e['type']} ended"
        return [("relation", f"{e['type']}:{e['a']}~{e['b']}", value)]
    return []


def _read(log: Path) -> tuple[list[dict[str, Any]], str]:
    settings = tomllib.loads((log / "log.toml").read_text(encoding="utf-8"))
    events = []
    for path in sorted(log.rglob("*.jsonl")):
        with open(path, encoding="utf-8") as handle:
            events.extend(json.loads(line) for line in handle if line.strip())
    return events, settings["log"]["timezone"]


def _counted(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    undone: dict[str, list[str]] = {}
    for e in events:
        target = e.get("retracts") or e.get("replaces")
        if target:
            undone.setdefault(target, []).append(e["id"])
    memo: dict[str, bool] = {}

    def counts(ident: str) -> bool:
        if ident not in memo:
            memo[ident] = False  # a cycle counts as nothing
            memo[ident] = not any(counts(u) for u in undone.get(ident, ()))
        return memo[ident]

    return [e for e in events if e["kind"] != "retraction" and (e["id"] not in undone or counts(e["id"]))]


def _runs(events: list[dict[str, Any]], clock: _Clock) -> Iterator[tuple[Any, ...]]:
    timed = []
    for order, e in enumerate(events):
        start, end = clock.bounds(e.get("effective") or e["date"])
        timed.append((start, order, end, e))
    timed.sort(key=lambda t: (t[0], t[1]))
    current: dict[tuple[str, str], list[Any]] = {}
    for start, _, end, e in timed:
        sources = e["sources"]
        for aspect, subject, value in facts_of(e):
            run = current.get((aspect, subject))
            if run is not None and run[2] == value:
                run[7].append(e["id"])  # corroboration joins the run
                run[8].extend(sources)
                continue
            if run is not None:
                run[4] = start
                yield _row(run)
            current[(aspect, subject)] = [
                aspect,
                subject,
                value,
                start,
                OPEN_END,
                end,
                e["id"],
                [e["id"]],
                list(sources),
                run[2] if run else None,
            ]
    for run in current.values():
        yield _row(run)


def _row(run: list[Any]) -> tuple[Any, ...]:
    return (*run[:7], json.dumps(run[7]), json.dumps(run[8]), run[9])


def build(log: Path, db: Path) -> int:
    """Build the run table of the JSON Lines events of `log` into a new SQLite file `db`; returns its rows."""
    events, tz = _read(log)
    connection = sqlite3.connect(db)
    connection.executescript("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;" + SCHEMA)
    with connection:
        connection.executemany(
            "INSERT INTO runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", _runs(_counted(events), _Clock(tz))
        )
        connection.executescript(INDEXES)
        connection.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
        connection.execute("INSERT INTO meta VALUES ('timezone', ?)", (tz,))
    rows = connection.execute("SELECT count(*) FROM runs").fetchone()[0]
    connection.close()
    return rows


def _end_of(day: str) -> str:
    return f"{day}T99" if len(day) == 10 else day


def at(connection: sqlite3.Connection, day: str) -> list[tuple[Any, ...]]:
    """Every run in force at the end of `day`, with its certainty: one range query."""
    when = _end_of(day)
    return connection.execute(
        f"SELECT {COLUMNS}, CASE WHEN certain_from <= ?1 THEN 'certain' ELSE 'possible' END "
        "FROM runs WHERE valid_from <= ?1 AND valid_to > ?1",
        (when,),
    ).fetchall()


def diff(connection: sqlite3.Connection, first: str, second: str) -> dict[tuple[str, str], tuple[Any, Any]]:
    """(before, after) value per key whose run changed between the two days: runs beginning or ending between."""
    lo, hi = sorted((_end_of(first), _end_of(second)))
    rows = connection.execute(
        f"SELECT {COLUMNS} FROM runs WHERE valid_from > ?1 AND valid_from <= ?2 "
        f"UNION ALL SELECT {COLUMNS} FROM runs WHERE valid_to > ?1 AND valid_to <= ?2",
        (lo, hi),
    ).fetchall()
    changes: dict[tuple[str, str], list[Any]] = {}
    for row in rows:
        change = changes.setdefault((row[0], row[1]), [None, None])
        if row[3] <= lo < row[4]:
            change[0] = row[2]
        if row[3] <= hi < row[4]:
            change[1] = row[2]
    return {k: (v[0], v[1]) for k, v in changes.items() if v[0] != v[1]}


def sweep(connection: sqlite3.Connection, days: Iterable[str]) -> int:
    """The state on the first day, then each next day's changes applied: one pass. Returns the changes seen."""
    days = list(days)
    state = {(r[0], r[1]): r[2] for r in at(connection, days[0])}
    seen = 0
    for before, after in itertools.pairwise(days):
        for key, (_, value) in diff(connection, before, after).items():
            seen += 1
            if value is None:
                state.pop(key, None)
            else:
                state[key] = value
    return seen


def append(connection: sqlite3.Connection, event: dict[str, Any]) -> None:
    """Record one new event: end the run it interrupts and start its own, in one transaction."""
    tz = connection.execute("SELECT value FROM meta WHERE key = 'timezone'").fetchone()[0]
    start, end = _Clock(tz).bounds(event.get("effective") or event["date"])
    with connection:
        for aspect, subject, value in facts_of(event):
            current = connection.execute(
                "SELECT rowid, value, valid_to FROM runs WHERE aspect = ? AND subject = ? AND valid_from <= ? "
                "ORDER BY valid_from DESC LIMIT 1",
                (aspect, subject, start),
            ).fetchone()
            valid_to = current[2] if current else OPEN_END
            if current is not None:
                connection.execute("UPDATE runs SET valid_to = ? WHERE rowid = ?", (start, current[0]))
            connection.execute(
                "INSERT INTO runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    aspect,
                    subject,
                    value,
                    start,
                    valid_to,
                    end,
                    event["id"],
                    json.dumps([event["id"]]),
                    json.dumps(event["sources"]),
                    current[1] if current else None,
                ),
            )


def main(argv: list[str]) -> int:
    """The baseline's command line: build, at or append (see the module docstring)."""
    command, *rest = argv
    if command == "build":
        started = time.perf_counter()
        rows = build(Path(rest[0]), Path(rest[1]))
        sys.stdout.write(json.dumps({"rows": rows, "seconds": time.perf_counter() - started}) + "\n")
    elif command == "at":
        connection = sqlite3.connect(rest[0])
        facts = at(connection, rest[1])
        sys.stdout.write(json.dumps({"at": rest[1], "facts": [list(f) for f in facts]}) + "\n")
    elif command == "append":
        connection = sqlite3.connect(rest[0])
        append(connection, json.loads(Path(rest[1]).read_text(encoding="utf-8")))
        connection.close()
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
