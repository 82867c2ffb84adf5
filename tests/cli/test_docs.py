"""docs/ is real: transcripts are the commands' exact output on the shipped log (in every
docs/*.md page), refusals (`<!-- error -->` blocks, in the README too) their exact
stderr, every `statustrack` line of a page's shell block runs, the pandas and DuckDB
examples run, and so does every Python block.

Refresh the transcripts and refusals with `python -m tests.cli.test_docs`. The examples need the
optional extra `statustrack[analysis]` (pyarrow, duckdb, pandas): they are skipped
without it, except under CI=true, where a missing package fails the test.
"""

from __future__ import annotations

import importlib
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from ..support import run_cli
from .test_readme import BLOCK, DOCS, _output, refresh

ROOT = Path(__file__).resolve().parents[2]
EXPLORE = ROOT / "docs" / "explore.md"
EXPORT = ROOT / "docs" / "export.md"
PYTHON = re.compile(r"<!-- example: (\w+) -->\n```python\n(.*?)```\n", re.DOTALL)
#: The pages whose transcripts no other test reads.
PAGES = tuple(p for p in sorted((ROOT / "docs").glob("*.md")) if p not in (EXPLORE, *DOCS))
#: A refusal: the command and exactly what it prints on stderr (exit status 2).
ERROR = re.compile(r"<!-- error -->\n```text\n\$ (statustrack [^\n]*)\n(.*?)```\n", re.DOTALL)
SHELL = re.compile(r"```sh\n(.*?)```\n", re.DOTALL)
ANY_PYTHON = re.compile(r"```python\n(.*?)```\n", re.DOTALL)


def _page_blocks() -> list[tuple[str, str, str]]:
    return [(p.name, m[1], m[2]) for p in PAGES for m in BLOCK.finditer(p.read_text(encoding="utf-8"))]


@pytest.mark.parametrize(("page", "command", "shown"), _page_blocks(), ids=[f"{p}: {c}" for p, c, _ in _page_blocks()])
def test_page_transcript(page: str, command: str, shown: str) -> None:
    """Every other docs/*.md page shows exactly what each of its commands prints."""
    assert shown == _output(command)


def _refusal(command: str) -> str:
    result = run_cli(*shlex.split(command)[1:])
    assert (result.status, result.out) == (2, ""), result.err
    return result.err


def _errors() -> list[tuple[str, str, str]]:
    return [
        (p.name, m[1], m[2]) for p in (*DOCS, *PAGES, EXPLORE) for m in ERROR.finditer(p.read_text(encoding="utf-8"))
    ]


@pytest.mark.parametrize(("page", "command", "shown"), _errors(), ids=[f"{p}: {c}" for p, c, _ in _errors()])
def test_refusal_transcript(page: str, command: str, shown: str) -> None:
    """The docs show exactly what a refused command prints (one `statustrack: error:` line)."""
    assert shown == _refusal(command)


def test_docs_show_refusals() -> None:
    """The README shows did-you-mean and a missing argument's example."""
    commands = {c for _, c, _ in _errors()}
    assert {"statustrack at --aspect recognitions", "statustrack at"} <= commands


def _shell_lines() -> list[tuple[str, list[str]]]:
    """Every `statustrack` command of a shell block of a docs/*.md page (not the README's
    recording walk-through, which test_readme runs in order), as argument lists."""
    found = []
    for page in (*PAGES, EXPLORE):
        for block in SHELL.findall(page.read_text(encoding="utf-8")):
            for line in block.replace("\\\n", " ").splitlines():
                if line.startswith("statustrack "):
                    found.append((page.name, shlex.split(line, comments=True)))
    return found


@pytest.mark.parametrize(("page", "words"), _shell_lines(), ids=[f"{p}: {' '.join(w)}" for p, w in _shell_lines()])
def test_shell_examples_run(page: str, words: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each statustrack command of a docs page's shell block runs as written, in a scratch directory."""
    if "parquet" in words:
        need("pyarrow")
    monkeypatch.chdir(tmp_path)
    result = run_cli(*words[1:])
    assert result.status == 0, result.err


def _python_blocks() -> list[tuple[str, str]]:
    return [
        (p.name, code)
        for p in (*PAGES, EXPLORE)
        for code in ANY_PYTHON.findall(p.read_text(encoding="utf-8"))
        if p != EXPORT
    ]


@pytest.mark.parametrize(("page", "code"), _python_blocks(), ids=[p for p, _ in _python_blocks()])
def test_python_blocks_run(page: str, code: str, tmp_path: Path) -> None:
    """Each Python block of a docs page (docs/export.md's have their own test) runs as written."""
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


def refresh_pages() -> None:
    """Write the transcripts of the other pages, and every refusal, again as printed now."""
    refresh(PAGES)
    for page in (*DOCS, *PAGES, EXPLORE):
        text = page.read_text(encoding="utf-8")
        text = ERROR.sub(lambda m: f"<!-- error -->\n```text\n$ {m[1]}\n{_refusal(m[1])}```\n", text)
        page.write_text(text, encoding="utf-8")


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
        done = subprocess.run(
            [*cli, "export", "--format", fmt, "-o", target], cwd=tmp_path, capture_output=True, text=True, check=False
        )
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
    refresh_pages()
    sys.exit(0)
