"""The command line, output compared to the letter with reviewed transcripts in tests/cli/golden/.

To refresh a transcript after a deliberate output change, run
`python -m tests.cli.test_query` and review `git diff tests/cli/golden` before committing.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from ..support import MINI, run_cli, transcript

GOLDEN = Path(__file__).parent / "golden"
LOG = ["--log", str(MINI)]

CASES: dict[str, list[str]] = {
    "at-table": ["at", "2020-11-10", "--all"],
    "at-full": ["at", "2020-11-10", "--full"],
    "at-summary": ["at", "2020-11-10"],
    "at-json": ["at", "2020-11-10", "--format", "json"],
    "at-csv": ["at", "2020-11-10", "--format", "csv"],
    "at-before-ceasefire": ["at", "2020-11-09T23:00+04:00", "--aspect", "conflict"],
    "at-after-ceasefire": ["at", "2020-11-10T00:30+03:00", "--aspect", "conflict"],
    "at-month-possible": ["at", "2012-05-15", "--aspect", "recognition"],
    "at-month-certain": ["at", "2012-06-01", "--aspect", "recognition"],
    "at-pending-decree": ["at", "2023-10-01", "--aspect", "status"],
    "at-dissolved": ["at", "2024-01-01", "--aspect", "status", "--format", "json"],
    "at-alias": ["at", "2020-11-10", "--subject", "Shushi"],
    "at-empty": ["at", "1900-01-01", "--all"],
    "at-empty-summary": ["at", "1900-01-01"],
    "at-github": ["at", "2020-11-10", "--table-format", "github"],
    "diff-grid": ["diff", "2020-09-26", "2020-11-10", "--table-format", "grid"],
    "diff-table": ["diff", "2020-09-26", "2020-11-10"],
    "diff-json": ["diff", "2020-09-26", "2020-11-10", "--format", "json"],
    "diff-csv": ["diff", "2020-09-26", "2020-11-10", "--format", "csv"],
    "diff-same": ["diff", "2020-11-10", "2020-11-10"],
    "diff-backward": ["diff", "2020-11-10", "2020-09-26"],
    "diff-backward-json": ["diff", "2020-11-10", "2020-09-26", "--aspect", "control", "--format", "json"],
    "validate-table": ["validate"],
    "validate-json": ["validate", "--format", "json"],
    "validate-csv": ["validate", "--format", "csv"],
    "sources-table": ["sources"],
}


def _transcript(name: str) -> str:
    return transcript(*CASES[name], *LOG)


@pytest.mark.parametrize("name", sorted(CASES))
def test_output(name: str) -> None:
    """Each command prints exactly its reviewed transcript."""
    assert _transcript(name) == (GOLDEN / f"{name}.txt").read_text(encoding="utf-8")


def test_tables_fit_80_columns() -> None:
    """Table output reads in an 80-column terminal."""
    for name in CASES:
        if "json" not in name and "csv" not in name and name not in ("at-github", "diff-grid"):
            assert max(map(len, _transcript(name).splitlines())) <= 80, name


def test_json_shapes() -> None:
    """`at` and `diff` JSON carry DESIGN.md's public fields."""
    answer = json.loads(_transcript("at-json"))
    assert set(answer) >= {"at", "known_at", "facts"}
    for fact in answer["facts"]:
        assert set(fact) >= {"aspect", "subject", "value", "since", "certainty", "event", "sources"}
    changes = json.loads(_transcript("diff-json"))
    assert set(changes) >= {"from", "to", "changes"}
    for change in changes["changes"]:
        assert set(change) >= {"aspect", "subject", "before", "after", "events"}


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (
            ["at", "May 2012"],
            "statustrack: error: invalid date 'May 2012': not an EDTF date; accepted: a day 2020-11-10, "
            "a month 2012-05, a year 2012, or an instant 2020-11-10T00:00+03:00\n",
        ),
        (
            ["at", "2020-11-10", "--subject", "Atlantis"],
            "statustrack: error: no place, actor or subject is called 'Atlantis' (statustrack subjects lists them)\n",
        ),
        (
            ["at", "2020-11-10", "--subject", "Shusa"],
            "statustrack: error: no place, actor or subject is called 'Shusa'; "
            "did you mean 'Shusha' or 'Şuşa' or 'Shushi'? (statustrack subjects lists them)\n",
        ),
        (
            ["diff", "2020-02-30", "2020-11-10"],
            "statustrack: error: invalid date '2020-02-30': no such day (day is out "
            "of range for month); accepted: a day 2020-11-10, a month 2012-05, a year 2012, or an instant "
            "2020-11-10T00:00+03:00\n",
        ),
        (
            ["at", "2020-11-10", "--log", "/nonexistent"],
            "statustrack: error: /nonexistent: no such log directory; "
            "point --log or "
            "$STATUSTRACK_LOG at a directory holding log.toml\n",
        ),
    ],
)
def test_errors(args: list[str], error: str) -> None:
    """Bad queries get one clean line on stderr and exit status 2."""
    result = run_cli(*args, *([] if "--log" in args else LOG))
    assert (result.status, result.out, result.err) == (2, "", error)


@pytest.mark.parametrize("command", ["at", "diff", "validate", "sources"])
def test_help_has_an_example(command: str, cli: Callable[..., object]) -> None:
    """Every command's --help carries at least one example."""
    result = run_cli(command, "--help")
    assert result.status == 0
    assert re.search(rf"^\s+statustrack {command}\b", result.out, re.MULTILINE), result.out


def test_env_var_points_at_a_log(monkeypatch: pytest.MonkeyPatch) -> None:
    """$STATUSTRACK_LOG chooses the log when --log is not given."""
    monkeypatch.setenv("STATUSTRACK_LOG", str(MINI))
    assert run_cli("validate").out.startswith(f"valid: {MINI}:")


def _refresh() -> None:
    GOLDEN.mkdir(exist_ok=True)
    for name in CASES:
        (GOLDEN / f"{name}.txt").write_text(_transcript(name), encoding="utf-8")


def test_every_command_is_the_library_function_of_its_name() -> None:
    """Each command is a public function of `statustrack` by the same name; each picture a view of its name."""
    import importlib

    import statustrack
    from statustrack.cli import _COMMANDS

    pictures = {"timeline", "map", "html"}
    for name in _COMMANDS:
        if name == "completion":  # about the command line itself: statustrack.cli.completion
            from statustrack.cli import completion

            assert callable(completion)
        elif name in pictures:
            assert callable(getattr(importlib.import_module(f"statustrack.views.{name}"), name)), name
        else:
            assert name in statustrack.__all__ and callable(getattr(statustrack, name)), name


if __name__ == "__main__":
    _refresh()
    sys.exit(0)
