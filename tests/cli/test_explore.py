"""The exploring commands (history, show, why, subjects, export, diff --summary, sources),
output compared to the letter with reviewed transcripts in tests/cli/golden/.

Cases run on the mini log (a possible fact, a pending decree) and on the shipped log (a
fact with several sources, disputed accounts, a retracted event, sealed events). Refresh
after a deliberate change with `python -m tests.cli.test_explore` and review
`git diff tests/cli/golden`.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
import sys
from pathlib import Path

import pytest

from ..support import MINI, run_cli, transcript

GOLDEN = Path(__file__).parent / "golden"
MINI_LOG = ["--log", str(MINI)]

#: name -> (arguments, log arguments); [] means the shipped log.
CASES: dict[str, tuple[list[str], list[str]]] = {
    "history-table": (["history", "Shusha"], MINI_LOG),
    "history-json": (["history", "Shusha", "--format", "json"], MINI_LOG),
    "history-csv": (["history", "Shusha", "--format", "csv"], MINI_LOG),
    "history-pending": (["history", "Artsakh", "--aspect", "status"], MINI_LOG),
    "history-possible": (["history", "New South Wales"], MINI_LOG),
    "history-post": (["history", "President of Artsakh"], []),
    "history-accounts": (["history", "Kalbajar", "--aspect", "control"], []),
    "history-accounts-json": (["history", "Kalbajar", "--aspect", "control", "--format", "json"], []),
    "history-sources-csv": (["history", "Lachin corridor", "--aspect", "control", "--format", "csv"], []),
    "show-table": (["show", "2020-11-10-ceasefire"], MINI_LOG),
    "show-json": (["show", "2023-09-28-decree", "--format", "json"], MINI_LOG),
    "show-csv": (["show", "2023-09-28-decree", "--format", "csv"], MINI_LOG),
    "show-retracted": (["show", "2012-05-united-states-resolution-per-000"], []),
    "show-sealed-sources": (["show", "2020-11-10-lachin-corridor-to-russian-peacekeepers"], []),
    "show-account": (["show", "1993-04-03-kalbajar-captured-per-wikipedia.account"], []),
    "why-table": (["why", "control", "Shushi", "2020-11-10"], MINI_LOG),
    "why-possible": (["why", "recognition", "New South Wales", "2012-05-15"], MINI_LOG),
    "why-possible-json": (["why", "recognition", "New South Wales", "2012-05-15", "--format", "json"], MINI_LOG),
    "why-csv": (["why", "control", "Shusha", "2020-11-10", "--format", "csv"], MINI_LOG),
    "why-pending": (["why", "status", "Artsakh", "2023-10-01"], MINI_LOG),
    "why-none-yet": (["why", "officeholder", "President of Artsakh", "2000"], MINI_LOG),
    "why-disputed": (["why", "control", "Shusha", "2020-11-07"], []),
    "subjects-table": (["subjects"], MINI_LOG),
    "subjects-json": (["subjects", "--aspect", "control", "--format", "json"], MINI_LOG),
    "subjects-csv": (["subjects", "--format", "csv"], MINI_LOG),
    "subjects-officeholder": (["subjects", "--aspect", "officeholder"], []),
    "diff-summary": (["diff", "2020-09-26", "2020-11-10", "--summary"], MINI_LOG),
    "diff-summary-json": (["diff", "2020-09-26", "2024-01-01", "--summary", "--format", "json"], MINI_LOG),
    "diff-summary-csv": (["diff", "2020-09-26", "2024-01-01", "--summary", "--format", "csv"], MINI_LOG),
    "sources-json": (["sources", "--format", "json"], MINI_LOG),
    "sources-csv": (["sources", "--format", "csv"], MINI_LOG),
    "export-csv": (["export", "--format", "csv"], MINI_LOG),
    "export-jsonl": (["export", "--format", "jsonl"], MINI_LOG),
    "at-with-parts": (["at", "2014", "--subject", "Maine"], []),
    "at-level-stance": (
        [
            "at",
            "2014",
            "--subject",
            "United States",
            "--with-parts",
            "--level",
            "regional-parliament",
            "--stance",
            "calls-for-recognition",
        ],
        [],
    ),
    "at-printed-subject": (["at", "2010", "--subject", "President of Artsakh"], []),
}


def _transcript(name: str) -> str:
    args, log = CASES[name]
    return transcript(*args, *log)


@pytest.mark.parametrize("name", sorted(CASES))
def test_output(name: str) -> None:
    """Each exploring command prints exactly its reviewed transcript."""
    assert _transcript(name) == (GOLDEN / f"{name}.txt").read_text(encoding="utf-8")


def test_tables_fit_80_columns() -> None:
    """Table output reads in an 80-column terminal, an address or id longer than a line aside."""
    for name in CASES:
        if not re.search(r"json|csv|jsonl", name):
            for line in _transcript(name).splitlines():
                assert len(line) <= 80 or len(line.split()[-1]) > 40, (name, line)


@pytest.mark.parametrize("command", ["history", "show", "why", "subjects", "export"])
def test_help_has_an_example(command: str) -> None:
    """Every new command's --help carries at least one example."""
    result = run_cli(command, "--help")
    assert result.status == 0
    assert re.search(rf"^\s+statustrack {command}\b", result.out, re.MULTILINE), result.out


def test_diff_exit_code() -> None:
    """`diff --exit-code` exits 1 when there are changes and 0 when there are none."""
    assert run_cli("diff", "2020-09-26", "2020-11-10", "--exit-code", "--summary", *MINI_LOG).status == 1
    assert run_cli("diff", "2020-11-10", "2020-11-10", "--exit-code", *MINI_LOG).status == 0


def test_at_says_when_a_filtered_aspect_begins() -> None:
    """`at` before the first fact of a filter says on stderr when the log's facts of it begin."""
    result = run_cli("at", "2000", "--aspect", "officeholder", *MINI_LOG)
    assert result.err == (
        "statustrack: note: the log records no officeholder facts before 2018 "
        "(first: President of Artsakh: Bako Sahakyan, 2018-president)\n"
    )
    assert result.out.endswith("no facts in force.\n")


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (
            ["show", "2020-11-10-cease"],
            "statustrack: error: no event has id '2020-11-10-cease'; "
            "did you mean '2020-11-10-ceasefire' or '2020-11-20-aghdam' or '2020-11-08-shusha'?\n",
        ),
        (
            ["history", "Shusa"],
            "statustrack: error: no place, actor or subject is called 'Shusa'; did you mean 'Shusha' "
            "or 'Şuşa' or 'Shushi'? (statustrack subjects lists them)\n",
        ),
        (["export", "--format", "sqlite"], "statustrack: error: sqlite export needs a file: give -o FILE\n"),
    ],
)
def test_errors(args: list[str], error: str) -> None:
    """Bad requests get one clean line on stderr and exit status 2."""
    result = run_cli(*args, *MINI_LOG)
    assert (result.status, result.out, result.err) == (2, "", error)


def test_export_sqlite_file(tmp_path: Path) -> None:
    """`export --format sqlite -o FILE` writes a runs table with one row per value run, and a
    run_sources table, that sqlite3 opens as is; the row count matches the CSV export."""
    target = tmp_path / "nk.db"
    result = run_cli("export", "--format", "sqlite", "-o", str(target), *MINI_LOG)
    assert result.status == 0, result.err
    rows = list(csv.DictReader(io.StringIO(_transcript("export-csv"))))
    db = sqlite3.connect(target)
    assert db.execute("select count(*) from runs").fetchone()[0] == len(rows)
    assert result.err == f"exported {len(rows)} rows to {target}\n"
    titles = db.execute("select distinct title from run_sources order by title").fetchall()
    assert titles == [("Encyclopedia entry on Nagorno-Karabakh",), ("Political status of Nagorno-Karabakh",)]


def test_history_json_is_one_object_per_run() -> None:
    """`history --format json` carries each run's bounds as ISO 8601 instants."""
    data = json.loads(_transcript("history-json"))
    assert [r["value"] for r in data["runs"]] == ["Artsakh", "Azerbaijan"]
    assert data["runs"][0]["valid_to"] == data["runs"][1]["valid_from"] == "2020-11-07T20:00:00Z"


def _refresh() -> None:
    GOLDEN.mkdir(exist_ok=True)
    for name in CASES:
        (GOLDEN / f"{name}.txt").write_text(_transcript(name), encoding="utf-8")


if __name__ == "__main__":
    _refresh()
    sys.exit(0)


def test_history_shows_an_act_on_its_date_not_as_holding() -> None:
    """An act's run in `history` reads "DATE (an act)", never "-> (holds)", and the legend says
    what that means; a standing position still holds."""
    result = run_cli("history", "China", "--aspect", "resolution")
    assert result.status == 0, result.err
    assert "  2023-08-16 (an act)  disputes over the Lachin corridor" in result.out
    assert "2023-08-16 -> (holds)" not in result.out
    assert "-> (holds)" not in result.out  # China's statements are all acts
    standing = run_cli("history", "Shusha", "--aspect", "control")
    assert "-> (holds)" in standing.out and "(an act)" not in standing.out
    assert "(an act): happened on its date, not a position in force.\n" in result.out
