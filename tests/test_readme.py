"""The transcripts in the README and docs/transcripts.md are real: each marked block is the command's exact output.

A block is marked by a line `<!-- transcript -->` followed by a fenced block whose
first line is `$ statustrack ...`. Refresh them with `python -m tests.test_readme`.
"""

from __future__ import annotations

import re
import shlex
import sys
from pathlib import Path

import pytest

from .conftest import run_cli

ROOT = Path(__file__).resolve().parents[1]
DOCS = (ROOT / "README.md", ROOT / "docs" / "transcripts.md")
BLOCK = re.compile(r"<!-- transcript -->\n```text\n\$ (statustrack [^\n]*)\n(.*?)```\n", re.DOTALL)


def _output(command: str) -> str:
    result = run_cli(*shlex.split(command)[1:])
    assert result.status == 0, result.err
    return result.out


def _blocks() -> list[tuple[str, str, str]]:
    return [(doc.name, m[1], m[2]) for doc in DOCS for m in BLOCK.finditer(doc.read_text(encoding="utf-8"))]


@pytest.mark.parametrize(("doc", "command", "shown"), _blocks(), ids=[f"{d}: {c}" for d, c, _ in _blocks()])
def test_transcript(doc: str, command: str, shown: str) -> None:
    """The docs show exactly what the command prints on the shipped log."""
    assert shown == _output(command)


def test_docs_have_transcripts() -> None:
    """The README and docs/transcripts.md carry transcripts of at and diff."""
    commands = {c for _, c, _ in _blocks()}
    assert {"statustrack at 2020-11-10", "statustrack diff 2020-09-26 2020-11-10"} <= commands


def _refresh() -> None:
    for doc in DOCS:
        text = doc.read_text(encoding="utf-8")
        text = BLOCK.sub(lambda m: f"<!-- transcript -->\n```text\n$ {m[1]}\n{_output(m[1])}```\n", text)
        doc.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    _refresh()
    sys.exit(0)
