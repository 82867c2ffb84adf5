"""The export files: the rows of `api.export` written as CSV, JSON Lines, SQLite or Parquet.

SQLite uses the standard library's `sqlite3` (a `runs` table and a `run_sources` table);
Parquet needs the optional extra `statustrack[parquet]` (pyarrow is imported only here).
The schema is documented in docs/export.md. Instants are ISO 8601 in UTC with six
fractional digits (`2020-11-07T20:00:00.000000Z`), so their text order is their time
order and `valid_from <= D AND (valid_to IS NULL OR D < valid_to)` selects the runs in
force at D. CSV goes through the one CSV writer (`views.csv`), formulas neutralised.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

import pendulum

from statustrack.api.export import INSTANT_COLUMNS, export_rows
from statustrack.core.dates import iso_fixed
from statustrack.errors import QueryError, StatustrackError
from statustrack.log.load import Log
from statustrack.views.csv import Cell, csv_text

__all__ = ["EXPORT_FORMATS", "export", "instant_text", "runs_csv", "runs_jsonl"]

#: The export's formats; the first two are text, which can go to a stream.
EXPORT_FORMATS = ("csv", "jsonl", "sqlite", "parquet")


def export(log: Log, target: str | os.PathLike[str] | TextIO, fmt: str = "csv", *,
           known_at: str | None = None) -> int:
    """Write the whole replayed history, one row per value run, to `target` in `fmt`
    (csv, jsonl, sqlite, parquet); returns the number of rows.

    `target` is a file path, or for csv and jsonl also a text stream such as
    `sys.stdout`. A file is written beside the target and renamed over it, so a failed
    export leaves no half-written file.

        >>> import tempfile, sqlite3, pathlib
        >>> from statustrack import load_log, export
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "nk.db"
        >>> n = export(load_log(), path, "sqlite")
        >>> sqlite3.connect(path).execute("select count(*) from runs").fetchone()[0] == n
        True
    """
    if fmt not in EXPORT_FORMATS:
        msg = f"unknown export format {fmt!r}; use one of: {', '.join(EXPORT_FORMATS)}"
        raise QueryError(msg)
    if not isinstance(target, (str, os.PathLike)):
        if fmt not in ("csv", "jsonl"):
            msg = f"{fmt} export needs a file: give -o FILE"
            raise QueryError(msg)
        columns, rows = export_rows(log, known_at)
        target.write(runs_csv(columns, rows) if fmt == "csv" else runs_jsonl(columns, rows))
        return len(rows)
    columns, rows = export_rows(log, known_at)
    _replace(Path(target), fmt, columns, rows)
    return len(rows)


def _replace(target: Path, fmt: str, columns: Sequence[str], rows: Sequence[dict[str, Any]]) -> None:
    """Write `target` whole: a scratch file beside it, renamed over it once complete."""
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent or ".")
    os.close(fd)
    scratch = Path(tmp)
    try:
        if fmt in ("csv", "jsonl"):
            text = runs_csv(columns, rows) if fmt == "csv" else runs_jsonl(columns, rows)
            scratch.write_text(text, encoding="utf-8")
        elif fmt == "sqlite":
            scratch.unlink()
            _sqlite(scratch, columns, rows)
        else:
            _parquet(scratch, columns, rows)
        os.replace(scratch, target)
    finally:
        scratch.unlink(missing_ok=True)


def instant_text(instant: pendulum.DateTime | None) -> str | None:
    """An instant as fixed-width ISO 8601 UTC text (`2020-11-07T20:00:00.000000Z`), or None."""
    return None if instant is None else iso_fixed(instant)


def _plain(column: str, value: Any) -> Any:
    """A cell as JSON or SQLite holds it: instants as text, the rest as is."""
    return instant_text(value) if column in INSTANT_COLUMNS else value


def _csv_cell(value: Any) -> Cell:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return " ".join(value)
    return value if value is None or isinstance(value, (str, int, float)) else str(value)


def runs_csv(columns: Sequence[str], rows: Sequence[dict[str, Any]]) -> str:
    """Export rows as CSV: booleans `true`/`false`, none as empty, `events` space-separated,
    and one column group (`source_N`, `source_N_at`) per source."""
    width = max((len(r["sources"]) for r in rows), default=1) or 1
    groups = [h for i in range(1, width + 1) for h in (f"source_{i}", f"source_{i}_at")]
    lines = []
    for row in rows:
        refs = [v for s in row["sources"] for v in (s["id"], s["at"])]
        lines.append([_csv_cell(_plain(c, row[c])) for c in columns] + refs + [""] * (2 * width - len(refs)))
    return csv_text([*columns, *groups], lines)


def runs_jsonl(columns: Sequence[str], rows: Sequence[dict[str, Any]]) -> str:
    """Export rows as JSON Lines: one object per run, instants as text, `sources` a list."""
    return "".join(json.dumps({**{c: _plain(c, r[c]) for c in columns}, "sources": r["sources"]},
                              ensure_ascii=False) + "\n" for r in rows)


_SQL_TYPES = {"run": "INTEGER PRIMARY KEY", "pending": "INTEGER NOT NULL", "disputed": "INTEGER NOT NULL",
              "act": "INTEGER NOT NULL",
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
        msg = "parquet export needs pyarrow: pip install 'statustrack[parquet]'"
        raise StatustrackError(msg) from e
    stamp = pa.timestamp("us", tz="UTC")
    types = {"run": pa.int64(), "pending": pa.bool_(), "disputed": pa.bool_(), "act": pa.bool_(),
             "events": pa.list_(pa.string())}
    fields = [pa.field(c, stamp if c in INSTANT_COLUMNS else types.get(c, pa.string())) for c in columns]
    source = pa.struct([("id", pa.string()), ("at", pa.string()), ("title", pa.string()), ("url", pa.string())])
    fields.append(pa.field("sources", pa.list_(source)))
    data = {c: [r[c] for r in rows] for c in columns}
    for c in INSTANT_COLUMNS & set(columns):
        data[c] = [None if v is None else _utc(v) for v in data[c]]
    data["sources"] = [r["sources"] for r in rows]
    table = pa.table(data, schema=pa.schema(fields))
    pq.write_table(table, path)


def _utc(instant: pendulum.DateTime) -> dt.datetime:
    """A plain `datetime` in UTC (what pyarrow takes) for a pendulum instant."""
    u = instant.in_tz("UTC")
    return dt.datetime(u.year, u.month, u.day, u.hour, u.minute, u.second, u.microsecond, tzinfo=dt.timezone.utc)
