"""The export's four formats hold the same columns and cells (issue 22): each is read back
with the tool an analyst uses (pandas for CSV, DuckDB for Parquet, sqlite3 for SQLite, json
for JSON Lines) and compared cell by cell with the rows `api.export` made; the SQLite export
ships Datasette's metadata, which `datasette` serves."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

import pytest

from statustrack.api.export import COLUMNS, INSTANT_COLUMNS, LIST_COLUMNS, columns_markdown, export_rows
from statustrack.log.load import Log, load_log
from statustrack.views.export import export, instant_text, metadata_path

from ..cli.test_docs import need

ROOT = Path(__file__).parents[2]


@pytest.fixture(scope="module")
def shipped() -> Log:
    """The shipped log, loaded once."""
    return load_log()


@pytest.fixture(scope="module")
def expected(shipped: Log) -> tuple[tuple[str, ...], list[dict[str, Any]]]:
    """The export's columns and rows, as plain values: instants as text, lists as lists."""
    columns, rows = export_rows(shipped)
    plain = [{c: instant_text(r[c]) if c in INSTANT_COLUMNS else r[c] for c in columns} for r in rows]
    return columns, plain


def _text(value: Any) -> Any:
    """A read-back cell in the plain form: timestamps as the export's instant text, NaN as None."""
    if value is None:
        return None
    if isinstance(value, float) and value != value:  # NaN: pandas' empty cell
        return None
    if hasattr(value, "to_pydatetime"):
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if hasattr(value, "tolist"):
        return value.tolist()
    return value


def _compare(columns: tuple[str, ...], want: list[dict[str, Any]], got: list[dict[str, Any]], fmt: str) -> None:
    assert len(got) == len(want), fmt
    for w, g in zip(want, got, strict=True):
        for column in columns:
            assert _text(g[column]) == w[column], (fmt, w["row"], column, g[column], w[column])


def test_jsonl_reads_back(shipped: Log, expected: Any, tmp_path: Path) -> None:
    """JSON Lines read with json: every column, every cell."""
    columns, want = expected
    export(shipped, tmp_path / "nk.jsonl", "jsonl")
    got = [json.loads(line) for line in (tmp_path / "nk.jsonl").read_text(encoding="utf-8").splitlines()]
    assert all(tuple(g) == columns for g in got)
    _compare(columns, want, got, "jsonl")


def test_sqlite_reads_back(shipped: Log, expected: Any, tmp_path: Path) -> None:
    """SQLite read with sqlite3: lists as JSON arrays, booleans as 0/1, instants as TIMESTAMP text."""
    columns, want = expected
    export(shipped, tmp_path / "nk.db", "sqlite")
    db = sqlite3.connect(tmp_path / "nk.db")
    db.row_factory = sqlite3.Row
    declared = {r[1]: r[2] for r in db.execute("PRAGMA table_info(runs)")}
    assert all(declared[c] == "TIMESTAMP" or declared[c].startswith("TIMESTAMP") for c in INSTANT_COLUMNS)
    got = []
    for row in db.execute("SELECT * FROM runs ORDER BY row"):
        cells = dict(row)
        for c in (*LIST_COLUMNS, "sources"):
            cells[c] = json.loads(cells[c])
        for c in ("pending", "disputed", "act"):
            cells[c] = bool(cells[c])
        got.append(cells)
    assert tuple(got[0]) == columns
    _compare(columns, want, got, "sqlite")
    sources = db.execute("SELECT count(*) FROM run_sources").fetchone()[0]
    assert sources == sum(len(w["sources"]) for w in want)


def _pandas_rows(columns: tuple[str, ...], path: Path) -> list[dict[str, Any]]:
    import pandas as pd

    frame = pd.read_csv(path, keep_default_na=False, na_values=[""], dtype=str)
    assert tuple(frame.columns[: len(columns)]) == columns
    got = []
    for record in frame.to_dict("records"):
        cells: dict[str, Any] = {c: _text(record[c]) for c in columns}
        for c in ("row", "run", "account"):
            cells[c] = None if cells[c] is None else int(cells[c])
        for c in ("pending", "disputed", "act"):
            cells[c] = cells[c] == "true"
        for c in LIST_COLUMNS:
            cells[c] = cells[c].split(" ") if cells[c] else []
        cells["sources"] = json.loads(cells["sources"])
        got.append(cells)
    return got


@pytest.mark.extra
def test_csv_reads_back_with_pandas(shipped: Log, expected: Any, tmp_path: Path) -> None:
    """CSV read with pandas: the same cells (lists of ids space-separated, sources a JSON array)."""
    need("pandas")
    columns, want = expected
    export(shipped, tmp_path / "nk.csv", "csv")
    _compare(columns, want, _pandas_rows(columns, tmp_path / "nk.csv"), "csv")


@pytest.mark.extra
def test_parquet_reads_back_with_duckdb(shipped: Log, expected: Any, tmp_path: Path) -> None:
    """Parquet read with DuckDB: typed timestamps, booleans, lists and source structs, the same cells."""
    need("duckdb")
    need("pyarrow")
    import duckdb

    columns, want = expected
    export(shipped, tmp_path / "nk.parquet", "parquet")
    con = duckdb.connect()
    types = dict(
        con.execute(f"DESCRIBE SELECT * FROM '{tmp_path / 'nk.parquet'}'").fetchall()[i][:2]
        for i in range(len(columns))
    )
    assert types["valid_from"].startswith("TIMESTAMP") and types["pending"] == "BOOLEAN"
    cursor = con.execute(f"SELECT * FROM '{tmp_path / 'nk.parquet'}' ORDER BY row")
    names = [d[0] for d in cursor.description]
    got = [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]
    assert tuple(names) == columns
    _compare(columns, want, got, "parquet")


def _ids(value: Any) -> str:
    """A list-of-ids cell as CSV writes it: space-separated ('' for none)."""
    if isinstance(value, str):
        return value
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return " ".join(list(value))


@pytest.mark.extra
def test_csv_and_parquet_give_the_same_frame(shipped: Log, tmp_path: Path) -> None:
    """pandas on the CSV and DuckDB on the Parquet give identical frames (the issue's done-when),
    with certainty, accounts, notes, country and office type present."""
    need("pandas")
    need("duckdb")
    need("pyarrow")
    import duckdb
    import pandas as pd

    export(shipped, tmp_path / "nk.csv", "csv")
    export(shipped, tmp_path / "nk.parquet", "parquet")
    columns = export_rows(shipped)[0]
    instants = sorted(INSTANT_COLUMNS)
    csv_frame = pd.read_csv(tmp_path / "nk.csv", usecols=list(columns), parse_dates=instants)
    pq_frame = duckdb.sql(f"SELECT * FROM '{tmp_path / 'nk.parquet'}'").df()
    for frame in (csv_frame, pq_frame):
        for c in instants:
            frame[c] = pd.to_datetime(frame[c], utc=True).dt.as_unit("us")
        for c in ("events", "part_of"):
            frame[c] = [_ids(v) for v in frame[c]]
        frame["sources"] = [json.loads(v) if isinstance(v, str) else [dict(s) for s in v] for v in frame["sources"]]
        frame["account"] = frame["account"].astype("Int64")
    text = [
        c
        for c in columns
        if c not in (*instants, "events", "part_of", "sources", "row", "run", "account", "pending", "disputed", "act")
    ]
    for frame in (csv_frame, pq_frame):
        frame[text] = frame[text].astype(object).where(frame[text].notna(), None)
    pd.testing.assert_frame_equal(csv_frame[list(columns)], pq_frame[list(columns)], check_dtype=False)
    assert {"permanent-representation", "information-office"} <= set(pq_frame["type"].dropna())
    assert pq_frame["account"].notna().any() and pq_frame["note"].notna().any()
    assert set(pq_frame["certainty"]) == {"certain", "possible"} or set(pq_frame["certainty"]) == {"certain"}
    assert "united-states" in set(pq_frame["country"].dropna())


def test_sqlite_writes_datasette_metadata(shipped: Log, tmp_path: Path) -> None:
    """A SQLite export writes <name>.metadata.json: title, description, licence, source, every
    column's meaning, facets on aspect, level and country."""
    export(shipped, tmp_path / "nk.db", "sqlite")
    meta = json.loads(metadata_path(tmp_path / "nk.db").read_text(encoding="utf-8"))
    assert metadata_path(tmp_path / "nk.db").name == "nk.metadata.json"
    assert {"title", "description", "license", "license_url", "source"} <= set(meta)
    runs = meta["databases"]["nk"]["tables"]["runs"]
    assert runs["facets"] == ["aspect", "level", "country"]
    db = sqlite3.connect(tmp_path / "nk.db")
    assert [r[1] for r in db.execute("PRAGMA table_info(runs)")] == list(runs["columns"])
    assert all(runs["columns"].values())


@pytest.mark.slow
@pytest.mark.extra
def test_datasette_serves_the_export(shipped: Log, tmp_path: Path) -> None:
    """`datasette nk.db -m nk.metadata.json` serves the runs with the metadata's title and facets."""
    need("datasette")
    export(shipped, tmp_path / "nk.db", "sqlite")
    datasette = shutil.which("datasette") or str(Path(__import__("sys").executable).with_name("datasette"))
    got = subprocess.run(
        [datasette, "nk.db", "-m", "nk.metadata.json", "--get", "/nk/runs.json?_size=1"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    body = json.loads(got.stdout)
    assert body["table"] == "runs" and body["rows"]
    facets = body.get("facet_results", {})
    assert set(facets.get("results", facets)) >= {"aspect", "level", "country"}
    meta = subprocess.run(
        [datasette, "nk.db", "-m", "nk.metadata.json", "--get", "/-/metadata.json"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert json.loads(meta.stdout)["title"].endswith("the replayed history")


def test_docs_column_table_is_the_code() -> None:
    """docs/export.md's column table is the one `columns_markdown` makes from `COLUMNS`."""
    text = (ROOT / "docs" / "export.md").read_text(encoding="utf-8")
    assert columns_markdown() in text
    assert len(COLUMNS) == len({c.name for c in COLUMNS})
