"""docs/explore.md and docs/export.md are real: transcripts are the commands' exact
output on the shipped log, and the pandas and DuckDB examples run.

Refresh the transcripts with `python -m tests.cli.test_docs`. The examples need the
optional extra `statustrack[analysis]` (pyarrow, duckdb, pandas): they are skipped
without it, except under CI=true, where a missing package fails the test.
"""

from __future__ import annotations

import importlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from .test_readme import BLOCK, _output, refresh

ROOT = Path(__file__).resolve().parents[2]
EXPLORE = ROOT / "docs" / "explore.md"
EXPORT = ROOT / "docs" / "export.md"
PYTHON = re.compile(r"<!-- example: (\w+) -->\n```python\n(.*?)```\n", re.DOTALL)


def _blocks() -> list[tuple[str, str]]:
    return [(m[1], m[2]) for m in BLOCK.finditer(EXPLORE.read_text(encoding="utf-8"))]


@pytest.mark.parametrize(("command", "shown"), _blocks(), ids=[c for c, _ in _blocks()])
def test_transcript(command: str, shown: str) -> None:
    """docs/explore.md shows exactly what each command prints on the shipped log."""
    assert shown == _output(command)


def test_nine_questions() -> None:
    """docs/explore.md answers each of the issues' nine questions in one command."""
    assert len(_blocks()) == 9


def need(module: str) -> None:
    """Import `module` or skip; under CI=true a missing optional package fails instead."""
    try:
        importlib.import_module(module)
    except ImportError:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{module} is missing: CI must install the extra statustrack[analysis]")
        pytest.skip(f"{module} not installed (pip install 'statustrack[analysis]')")


def _examples() -> list[tuple[str, str]]:
    return [(m[1], m[2]) for m in PYTHON.finditer(EXPORT.read_text(encoding="utf-8"))]


@pytest.mark.slow
@pytest.mark.extra
@pytest.mark.parametrize(("name", "code"), _examples(), ids=[n for n, _ in _examples()])
def test_export_examples_run(name: str, code: str, tmp_path: Path) -> None:
    """docs/export.md's shell and Python examples run as written, in a scratch directory."""
    for module in ("pyarrow", "duckdb", "pandas"):
        need(module)
    cli = [sys.executable, "-m", "statustrack"]
    for fmt, target in (("sqlite", "nk.db"), ("parquet", "nk.parquet"), ("csv", "nk.csv")):
        done = subprocess.run([*cli, "export", "--format", fmt, "-o", target], cwd=tmp_path, capture_output=True,
                              text=True, check=False)
        assert done.returncode == 0, done.stderr
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "ok" in done.stdout.split(), done.stdout


def test_export_schema_documented() -> None:
    """Every column the export writes is named in docs/export.md."""
    from statustrack import load_log
    from statustrack.api.export import export_rows

    text = EXPORT.read_text(encoding="utf-8")
    columns, _ = export_rows(load_log())
    missing = [c for c in columns if f"`{c}`" not in text]
    assert not missing


if __name__ == "__main__":
    refresh((EXPLORE,))
    sys.exit(0)
