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

from statustrack.api.export import COLUMNS, INSTANT_COLUMNS, ColumnType, export_rows
from statustrack.core.dates import iso_fixed
from statustrack.errors import QueryError, StatustrackError
from statustrack.log.load import Log
from statustrack.views.csv import Cell, csv_text

__all__ = [
    "EXPORT_FORMATS",
    "datasette_metadata",
    "export",
    "instant_text",
    "metadata_path",
    "new_file_mode",
    "runs_csv",
    "runs_jsonl",
]

_BY_NAME = {c.name: c for c in COLUMNS}
#: The export's formats; the first two are text, which can go to a stream.
EXPORT_FORMATS = ("csv", "jsonl", "sqlite", "parquet")


def export(log: Log, target: str | os.PathLike[str] | TextIO, fmt: str = "csv", *, known_at: str | None = None) -> int:
    """Write the whole replayed history, one row per value run, to `target` in `fmt`
    (csv, jsonl, sqlite, parquet); returns the number of rows.

    `target` is a file path, or for csv and jsonl also a text stream such as
    `sys.stdout`. A file is written beside the target and renamed over it, so a failed
    export leaves no half-written file. A SQLite export also writes Datasette's metadata
    beside it, `<name>.metadata.json` (`datasette nk.db -m nk.metadata.json`).

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
    if fmt == "sqlite":
        path = Path(target)
        text = json.dumps(datasette_metadata(log, path.stem, columns), ensure_ascii=False, indent=2) + "\n"
        metadata_path(path).write_text(text, encoding="utf-8")
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
        os.chmod(scratch, new_file_mode())  # mkstemp makes it owner-only; the file gets the user's umask
        os.replace(scratch, target)
    finally:
        scratch.unlink(missing_ok=True)


def new_file_mode() -> int:
    """The mode a new file gets from `open` under the process's umask: `0o666 & ~umask`
    (0o644 under the usual umask 022)."""
    umask = os.umask(0o022)  # the only portable way to read it is to set it, then set it back
    os.umask(umask)
    return 0o666 & ~umask


def instant_text(instant: pendulum.DateTime | None) -> str | None:
    """An instant as fixed-width ISO 8601 UTC text (`2020-11-07T20:00:00.000000Z`), or None."""
    return None if instant is None else iso_fixed(instant)


def _plain(column: str, value: Any) -> Any:
    """A cell as JSON holds it: instants as text, the rest as is."""
    return instant_text(value) if column in INSTANT_COLUMNS else value


def _csv_cell(column: str, value: Any) -> Cell:
    value = _plain(column, value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if column == "sources":
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return " ".join(value)
    return value if value is None or isinstance(value, (str, int, float)) else str(value)


def runs_csv(columns: Sequence[str], rows: Sequence[dict[str, Any]]) -> str:
    """Export rows as CSV: booleans `true`/`false`, none as empty, lists of ids space-separated,
    `sources` a JSON array of {id, at, title, url}; then, for spreadsheets, one column group
    (`source_N`, `source_N_at`) per source."""
    width = max((len(r["sources"]) for r in rows), default=1) or 1
    groups = [h for i in range(1, width + 1) for h in (f"source_{i}", f"source_{i}_at")]
    lines = []
    for row in rows:
        refs = [v for s in row["sources"] for v in (s["id"], s["at"])]
        lines.append([_csv_cell(c, row[c]) for c in columns] + refs + [""] * (2 * width - len(refs)))
    return csv_text([*columns, *groups], lines)


def runs_jsonl(columns: Sequence[str], rows: Sequence[dict[str, Any]]) -> str:
    """Export rows as JSON Lines: one object per row, instants as text, lists as lists."""
    return "".join(json.dumps({c: _plain(c, r[c]) for c in columns}, ensure_ascii=False) + "\n" for r in rows)


_SQL_TYPES = {
    ColumnType.INTEGER: "INTEGER",
    ColumnType.TEXT: "TEXT",
    ColumnType.BOOLEAN: "INTEGER",
    ColumnType.INSTANT: "TIMESTAMP",
    ColumnType.IDS: "TEXT",
    ColumnType.SOURCES: "TEXT",
}


def _sql_type(name: str) -> str:
    column = _BY_NAME.get(name)
    if column is None:
        return "TEXT"
    if name == "row":
        return "INTEGER PRIMARY KEY"
    return _SQL_TYPES[column.type] + (" NOT NULL" if column.required else "")


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sql_cell(column: str, value: Any) -> Any:
    value = _plain(column, value)
    if isinstance(value, list):
        return json.dumps(value, ensure_ascii=False)
    return int(value) if isinstance(value, bool) else value


def _sqlite(path: Path, columns: Sequence[str], rows: Sequence[dict[str, Any]]) -> None:
    db = sqlite3.connect(path)
    try:
        spec = ", ".join(f"{_quote(c)} {_sql_type(c)}" for c in columns)
        db.execute(f"CREATE TABLE runs ({spec})")
        db.execute(
            "CREATE TABLE run_sources (row INTEGER NOT NULL REFERENCES runs(row), run INTEGER NOT NULL, "
            'position INTEGER NOT NULL, source TEXT NOT NULL, "at" TEXT NOT NULL, title TEXT, url TEXT, '
            "PRIMARY KEY (row, position))"
        )
        marks = ", ".join("?" for _ in columns)
        names = ", ".join(_quote(c) for c in columns)
        db.executemany(
            f"INSERT INTO runs ({names}) VALUES ({marks})", [[_sql_cell(c, row[c]) for c in columns] for row in rows]
        )
        db.executemany(
            "INSERT INTO run_sources VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (row["row"], row["run"], i, s["id"], s["at"], s["title"], s["url"])
                for row in rows
                for i, s in enumerate(row["sources"], start=1)
            ],
        )
        db.execute("CREATE INDEX runs_subject ON runs (aspect, subject)")
        db.execute("CREATE INDEX runs_valid ON runs (valid_from, valid_to)")
        db.execute("CREATE INDEX runs_country ON runs (country)")
        db.execute("CREATE INDEX run_sources_source ON run_sources (source)")
        db.commit()
    finally:
        db.close()


def datasette_metadata(log: Log, database: str, columns: Sequence[str]) -> dict[str, Any]:
    """Datasette's metadata for the SQLite export named `database` (its file name without
    the suffix): title, description, licence, sources, each column's meaning, and facets
    on aspect, level and country."""
    meanings = {c.name: c.meaning for c in COLUMNS}
    return {
        "title": f"{log.name}: the replayed history",
        "description": (
            f"Every value run of the statustrack log {log.name!r}, one row per run and per account "
            f"where accounts differ, with its dates, certainty, events and sources "
            f"({len(log.registry.sources)} sources: see the run_sources table). Schema: docs/export.md."
        ),
        "license": "Data drawn from the cited sources under their own terms (many are Wikipedia articles, CC BY-SA "
        "4.0); statustrack itself is MIT",
        "license_url": "https://creativecommons.org/licenses/by-sa/4.0/",
        "source": "the sources each row cites (run_sources: id, where, title, address)",
        "databases": {
            database: {
                "tables": {
                    "runs": {
                        "description": "One row per value run, and per account where the accounts differ.",
                        "columns": {c: meanings.get(c, "an aspect field (docs/export.md)") for c in columns},
                        "facets": ["aspect", "level", "country"],
                        "sort": "row",
                    },
                    "run_sources": {
                        "description": "Every source of every row, in order, with title and address.",
                        "columns": {
                            "row": "the row of runs",
                            "run": "the value run",
                            "position": "1..",
                            "source": "the source id",
                            "at": "where in the source",
                            "title": "the source's title",
                            "url": "the source's address",
                        },
                        "facets": ["source"],
                    },
                }
            }
        },
    }


def metadata_path(target: Path) -> Path:
    """Where the Datasette metadata of the SQLite export `target` goes: `<name>.metadata.json` beside it."""
    return target.with_name(f"{target.stem}.metadata.json")


def _parquet(path: Path, columns: Sequence[str], rows: Sequence[dict[str, Any]]) -> None:
    try:
        import pyarrow as pa  # optional extra, imported only for parquet
        import pyarrow.parquet as pq
    except ImportError as e:
        msg = "parquet export needs pyarrow: pip install 'statustrack[parquet]'"
        raise StatustrackError(msg) from e
    source = pa.struct([("id", pa.string()), ("at", pa.string()), ("title", pa.string()), ("url", pa.string())])
    types = {
        ColumnType.INTEGER: pa.int64(),
        ColumnType.TEXT: pa.string(),
        ColumnType.BOOLEAN: pa.bool_(),
        ColumnType.INSTANT: pa.timestamp("us", tz="UTC"),
        ColumnType.IDS: pa.list_(pa.string()),
        ColumnType.SOURCES: pa.list_(source),
    }
    fields = [pa.field(c, types[_BY_NAME[c].type] if c in _BY_NAME else pa.string()) for c in columns]
    data = {c: [r[c] for r in rows] for c in columns}
    for c in INSTANT_COLUMNS & set(columns):
        data[c] = [None if v is None else _utc(v) for v in data[c]]
    table = pa.table(data, schema=pa.schema(fields))
    pq.write_table(table, path)


def _utc(instant: pendulum.DateTime) -> dt.datetime:
    """A plain `datetime` in UTC (what pyarrow takes) for a pendulum instant."""
    u = instant.in_tz("UTC")
    return dt.datetime(u.year, u.month, u.day, u.hour, u.minute, u.second, u.microsecond, tzinfo=dt.UTC)
