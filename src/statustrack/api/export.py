"""Export: the whole replayed history as one tidy table, one row per value run.

Formats: CSV, JSON Lines, SQLite (stdlib `sqlite3`: a `runs` table and a `run_sources`
table) and Parquet (with the optional extra `statustrack[parquet]`; pyarrow is imported
only here). The schema is documented in docs/export.md. Instants are ISO 8601 in UTC
with six fractional digits (`2020-11-07T20:00:00.000000Z`), so their text order is their
time order and `valid_from <= D AND (valid_to IS NULL OR D < valid_to)` selects the runs
in force at D.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import sqlite3
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pendulum

from statustrack.core.dates import iso_fixed
from statustrack.api.explore import Period, periods
from statustrack.log.load import Log
from statustrack.api.query import rank, resolve_when

__all__ = ["EXPORT_FORMATS", "BASE_COLUMNS", "export", "export_rows", "period_row", "table_of", "instant_text", "rows_csv"]

EXPORT_FORMATS = ("csv", "jsonl", "sqlite", "parquet")

#: The columns every export has, in order; the aspect fields follow `value`.
BASE_COLUMNS = ("run", "aspect", "subject", "subject_name", "value")
TIME_COLUMNS = ("since", "since_start", "since_end", "valid_from", "valid_to", "until", "certain_from", "ended_by",
                "pending", "effective", "effective_at", "disputed", "event", "events")
_INSTANTS = frozenset({"since_start", "since_end", "valid_from", "valid_to", "certain_from", "ended_by",
                       "effective_at"})


def instant_text(instant: pendulum.DateTime | None) -> str | None:
    """An instant as fixed-width ISO 8601 UTC text (`2020-11-07T20:00:00.000000Z`), or None."""
    return None if instant is None else iso_fixed(instant)

def detail_columns(items: Sequence[Period]) -> tuple[str, ...]:
    """The aspect fields found in `items`, sorted: one column each."""
    taken = set(BASE_COLUMNS) | set(TIME_COLUMNS) | {"sources"}
    return tuple(sorted({k for p in items for k, _ in p.fact.detail} - taken))


def period_row(log: Log, period: Period, number: int, fields: Sequence[str]) -> dict[str, Any]:
    """One run as an export row (instants as pendulum instants, `sources` as dicts)."""
    fact = period.fact
    detail = dict(fact.detail)
    row: dict[str, Any] = {"run": number, "aspect": fact.aspect, "subject": fact.subject,
                           "subject_name": fact.subject_name, "value": fact.value}
    row.update({k: detail.get(k) for k in fields})
    row.update({
        "since": fact.since, "since_start": fact.interval.start, "since_end": fact.interval.end,
        "valid_from": period.valid_from, "valid_to": period.valid_to, "until": period.until,
        "certain_from": period.certain_from, "ended_by": period.ended_by, "pending": fact.pending,
        "effective": str(fact.effective) if fact.pending and fact.effective is not None else None,
        "effective_at": fact.effective.start if fact.pending and fact.effective is not None else None,
        "disputed": fact.disputed, "event": fact.event, "events": list(fact.events),
        "sources": [_source(log, s.id, s.at) for s in fact.sources],
    })
    return row


def table_of(log: Log, items: Sequence[Period]) -> tuple[tuple[str, ...], list[dict[str, Any]]]:
    """The columns and rows for `items`, numbered from 1 in the order given."""
    fields = detail_columns(items)
    return BASE_COLUMNS + fields + TIME_COLUMNS, [period_row(log, p, n, fields) for n, p in enumerate(items, 1)]


def export_rows(log: Log, known_at: str | None = None) -> tuple[tuple[str, ...], list[dict[str, Any]]]:
    """The columns and rows of the export: one row per value run, ordered by aspect, subject
    name and time, numbered from 1. `sources` holds dicts (id, at, title, url)."""
    record = resolve_when(log, known_at) if known_at else None
    return table_of(log, sorted(periods(log, record), key=lambda p: (rank(p.fact), p.valid_from)))


def _source(log: Log, ident: str, at: str) -> dict[str, str | None]:
    entry = log.registry.sources.get(ident)
    return {"id": ident, "at": at, "title": entry.title if entry else None, "url": entry.url if entry else None}


def _plain(column: str, value: Any) -> Any:
    """A cell as JSON or SQLite holds it: instants as text, the rest as is."""
    return instant_text(value) if column in _INSTANTS else value


def rows_csv(columns: Sequence[str], rows: Sequence[dict[str, Any]]) -> str:
    """Rows as CSV: booleans `true`/`false`, none as empty, `events` space-separated, and
    one column group (`source_N`, `source_N_at`) per source."""
    width = max((len(r["sources"]) for r in rows), default=1) or 1
    groups = [h for i in range(1, width + 1) for h in (f"source_{i}", f"source_{i}_at")]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([*columns, *groups])
    for row in rows:
        cells = []
        for column in columns:
            value = _plain(column, row[column])
            if isinstance(value, bool):
                value = "true" if value else "false"
            elif isinstance(value, list):
                value = " ".join(value)
            cells.append("" if value is None else str(value))
        refs = [v for s in row["sources"] for v in (s["id"], s["at"])]
        writer.writerow(cells + refs + [""] * (2 * width - len(refs)))
    return buffer.getvalue()


def _jsonl(columns: Sequence[str], rows: Sequence[dict[str, Any]]) -> str:
    return "".join(json.dumps({**{c: _plain(c, r[c]) for c in columns}, "sources": r["sources"]},
                              ensure_ascii=False) + "\n" for r in rows)


_SQL_TYPES = {"run": "INTEGER PRIMARY KEY", "pending": "INTEGER NOT NULL", "disputed": "INTEGER NOT NULL",
              "aspect": "TEXT NOT NULL", "subject": "TEXT NOT NULL", "subject_name": "TEXT NOT NULL",
              "value": "TEXT NOT NULL", "valid_from": "TEXT NOT NULL", "event": "TEXT NOT NULL"}


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sqlite(path: Path, columns: Sequence[str], rows: Sequence[dict[str, Any]]) -> None:
    db = sqlite3.connect(path)
    try:
        spec = ", ".join(f"{_quote(c)} {_SQL_TYPES.get(c, 'TEXT')}" for c in columns)
        db.execute(f"CREATE TABLE runs ({spec})")
        db.execute("CREATE TABLE run_sources (run INTEGER NOT NULL REFERENCES runs(run), position INTEGER NOT NULL, "
                   "source TEXT NOT NULL, \"at\" TEXT NOT NULL, title TEXT, url TEXT, PRIMARY KEY (run, position))")
        marks = ", ".join("?" for _ in columns)
        names = ", ".join(_quote(c) for c in columns)
        for row in rows:
            cells = [_plain(c, row[c]) for c in columns]
            cells = [json.dumps(v, ensure_ascii=False) if isinstance(v, list) else int(v) if isinstance(v, bool)
                     else v for v in cells]
            db.execute(f"INSERT INTO runs ({names}) VALUES ({marks})", cells)
            db.executemany("INSERT INTO run_sources VALUES (?, ?, ?, ?, ?, ?)",
                           [(row["run"], i, s["id"], s["at"], s["title"], s["url"])
                            for i, s in enumerate(row["sources"], start=1)])
        db.execute("CREATE INDEX runs_subject ON runs (aspect, subject)")
        db.execute("CREATE INDEX runs_valid ON runs (valid_from, valid_to)")
        db.execute("CREATE INDEX run_sources_source ON run_sources (source)")
        db.commit()
    finally:
        db.close()


def _parquet(path: Path, columns: Sequence[str], rows: Sequence[dict[str, Any]]) -> None:
    try:
        import pyarrow as pa  # noqa: PLC0415 - optional extra, imported only for parquet
        import pyarrow.parquet as pq  # noqa: PLC0415
    except ImportError as e:
        from statustrack.errors import StatustrackError
        msg = "parquet export needs pyarrow: pip install 'statustrack[parquet]'"
        raise StatustrackError(msg) from e
    stamp = pa.timestamp("us", tz="UTC")
    types = {"run": pa.int64(), "pending": pa.bool_(), "disputed": pa.bool_(), "events": pa.list_(pa.string())}
    fields = [pa.field(c, stamp if c in _INSTANTS else types.get(c, pa.string())) for c in columns]
    source = pa.struct([("id", pa.string()), ("at", pa.string()), ("title", pa.string()), ("url", pa.string())])
    fields.append(pa.field("sources", pa.list_(source)))
    data = {c: [r[c] for r in rows] for c in columns}
    for c in _INSTANTS & set(columns):
        data[c] = [None if v is None else _utc(v) for v in data[c]]
    data["sources"] = [r["sources"] for r in rows]
    table = pa.table(data, schema=pa.schema(fields))
    pq.write_table(table, path)


def _utc(instant: pendulum.DateTime) -> dt.datetime:
    """A plain `datetime` in UTC (what pyarrow takes) for a pendulum instant."""
    u = instant.in_tz("UTC")
    return dt.datetime(u.year, u.month, u.day, u.hour, u.minute, u.second, u.microsecond, tzinfo=dt.timezone.utc)


def export(log: Log, target: str | os.PathLike[str], fmt: str = "csv", *, known_at: str | None = None) -> int:
    """Write the whole replayed history to `target` (a file path; `-` is not a path: use
    `export_text`) in `fmt` (csv, jsonl, sqlite, parquet); returns the number of rows.

    The file is written beside the target and renamed over it, so a failed export
    leaves no half-written file.

        >>> import tempfile, sqlite3, pathlib
        >>> from statustrack import load_log, export
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "nk.db"
        >>> n = export(load_log(), path, "sqlite")
        >>> sqlite3.connect(path).execute("select count(*) from runs").fetchone()[0] == n
        True
    """
    if fmt not in EXPORT_FORMATS:
        from statustrack.errors import QueryError
        msg = f"unknown export format {fmt!r}; use one of: {', '.join(EXPORT_FORMATS)}"
        raise QueryError(msg)
    columns, rows = export_rows(log, known_at)
    target = Path(target)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent or ".")
    os.close(fd)
    scratch = Path(tmp)
    try:
        if fmt in ("csv", "jsonl"):
            text = rows_csv(columns, rows) if fmt == "csv" else _jsonl(columns, rows)
            scratch.write_text(text, encoding="utf-8")
        elif fmt == "sqlite":
            scratch.unlink()
            _sqlite(scratch, columns, rows)
        else:
            _parquet(scratch, columns, rows)
        os.replace(scratch, target)
    finally:
        scratch.unlink(missing_ok=True)
    return len(rows)


def export_text(log: Log, fmt: str = "csv", *, known_at: str | None = None) -> str:
    """The export as text (csv or jsonl), for standard output."""
    columns, rows = export_rows(log, known_at)
    if fmt == "csv":
        return rows_csv(columns, rows)
    if fmt == "jsonl":
        return _jsonl(columns, rows)
    from statustrack.errors import QueryError
    msg = f"{fmt} export needs a file: give -o FILE"
    raise QueryError(msg)
