"""No live formula in any CSV (issue 23, "Why" 6): every command that writes CSV, given a
log whose values, sources' places and names are formulas, writes no cell a spreadsheet
would run. The writer's own cases (history, export to stdout and -o, --raw-csv, the near
misses) are in tests/cli/test_csv.py; this is the sweep over every command."""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest

from statustrack.views.csv import FORMULA_LEADS

from ..support import MINI, run_cli

#: Payloads of the adversarial test: each would run in a spreadsheet if left as it is (a
#: leading TAB or CR is a control character the loader refuses before any CSV is written).
PAYLOADS = ('=HYPERLINK("https://example.org","x")', "+1+1", "-2+3", "@SUM(A1)", " =1+1", "\uff1d1+1")


@pytest.fixture
def formula_log(make_log: Callable[..., Path]) -> Path:
    """The mini log and one statement per payload: its summary, and its source's `at`."""
    events = "".join(
        f'\n[[event]]\nid = "formula-{n}"\nkind = "statement"\ndate = "2021-01-{n + 10:02d}"\n'
        f'actor = "azerbaijan"\nsummary = {json.dumps(v)}\n'
        f'sources = [{{ id = "s004", at = {json.dumps(v)} }}]\n'
        for n, v in enumerate(PAYLOADS, start=1)
    )
    return make_log({"events.toml": (MINI / "events.toml").read_text(encoding="utf-8") + events})


def live(cell: str) -> bool:
    """True when a spreadsheet could run `cell` as a formula: it starts with a formula sign,
    also after white space or as a full-width sign, and has no leading '."""
    if cell.startswith("'"):
        return False
    head = unicodedata.normalize("NFKC", cell.lstrip()[:1])
    return cell.startswith(FORMULA_LEADS) or head.startswith(FORMULA_LEADS)


@pytest.mark.parametrize(
    "command",
    [
        ("at", "2021-02-01"),
        ("diff", "2020-12-31", "2021-02-01"),
        ("history", "Azerbaijan: 2021-01-11"),
        ("why", "resolution", "Azerbaijan: 2021-01-11", "2021-02-01"),
        ("show", "formula-1"),
        ("subjects",),
        ("sources",),
        ("export",),
    ],
)
def test_no_command_writes_a_live_formula(formula_log: Path, command: tuple[str, ...]) -> None:
    """Every cell of every row, numbers apart, is safe; and the payloads did reach the CSV."""
    result = run_cli(*command, "--log", str(formula_log), "--format", "csv")
    assert result.status == 0, result.err
    cells = [cell for row in csv.reader(io.StringIO(result.out)) for cell in row]
    numbers = {c for c in cells if c.lstrip("-").replace(".", "", 1).isdigit()}
    assert [c for c in cells if live(c) and c not in numbers] == []


def test_the_payloads_reach_the_export(formula_log: Path, tmp_path: Path) -> None:
    """The sweep is not vacuous: export to -o holds each payload, neutralised, and
    --raw-csv writes them live (what the flag is for)."""
    out = tmp_path / "runs.csv"
    assert run_cli("export", "--log", str(formula_log), "--format", "csv", "-o", str(out)).status == 0
    text = out.read_text(encoding="utf-8")
    cells = {c for row in csv.reader(io.StringIO(text)) for c in row}
    assert {"'" + p for p in PAYLOADS} <= cells
    raw = run_cli("export", "--log", str(formula_log), "--format", "csv", "--raw-csv").out
    assert set(PAYLOADS) <= {c for row in csv.reader(io.StringIO(raw)) for c in row}
