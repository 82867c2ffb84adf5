"""One CSV writer for every command: cells a spreadsheet would run as a formula get a
leading ', in `history` and `export` (to standard output and to -o) as in every other
command; --raw-csv writes them as they are; numbers stay numbers; the near misses are
decided in docs/decisions.md ("One CSV writer")."""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from statustrack.views.csv import FORMULA_LEADS, csv_text, neutralised, raw_csv

from ..support import MINI, run_cli

#: summary (the value of a statement's resolution fact) -> as the CSV writes it.
VALUES = {
    '=HYPERLINK("https://example.org","x")': '\'=HYPERLINK("https://example.org","x")',
    "+1+1": "'+1+1",
    "-2+3": "'-2+3",
    "@SUM(A1)": "'@SUM(A1)",
    " =1+1": "' =1+1",  # an importer may trim the space
    "\uff1d1+1": "'\uff1d1+1",  # full-width =, which NFKC folds to =
    ";=1+1": ";=1+1",  # text to a spreadsheet reading the file as comma-separated
}


@pytest.fixture
def formula_log(make_log: Callable[..., Path]) -> Path:
    """The mini log and one statement per value of VALUES, dated 2021-01-01 onwards; each
    cites its source at the same text."""
    events = "".join(
        f'\n[[event]]\nid = "formula-{n}"\nkind = "statement"\ndate = "2021-01-0{n}"\n'
        f'actor = "azerbaijan"\nsummary = {json.dumps(v)}\n'
        f'sources = [{{ id = "s004", at = {json.dumps(v)} }}]\n'
        for n, v in enumerate(VALUES, start=1)
    )
    return make_log({"events.toml": (MINI / "events.toml").read_text(encoding="utf-8") + events})


def _values(text: str) -> dict[str, tuple[str, str]]:
    """Each formula event's run: its value and its source's `at`, as the CSV text holds them."""
    return {
        r["event"]: (r["value"], r["source_1_at"])
        for r in csv.DictReader(io.StringIO(text))
        if r["event"].startswith("formula-")
    }


def _expected(*, raw: bool = False) -> dict[str, tuple[str, str]]:
    return {f"formula-{n}": (v, v) if raw else (safe, safe) for n, (v, safe) in enumerate(VALUES.items(), start=1)}


def test_history_csv_neutralises_a_formula(formula_log: Path) -> None:
    """`history --format csv` of a value starting with = writes it with a leading ', to the letter."""
    result = run_cli("history", "Azerbaijan: 2021-01-01", "--log", str(formula_log), "--format", "csv")
    assert result.status == 0, result.err
    assert result.out == (
        "row,run,account,aspect,subject,subject_name,value,actor,since,since_start,since_end,valid_from,valid_to,"
        "until,certain_from,ended_by,certainty,pending,effective,effective_at,disputed,act,lapsed,event,event_date,"
        "events,note,"
        "principal,level,country,part_of,type,sources,source_1,source_1_at\n"
        '1,1,,resolution,azerbaijan:2021-01-01,Azerbaijan: 2021-01-01,"\'=HYPERLINK(""https://example.org"",""x"")",'
        "azerbaijan,2021-01-01,2020-12-31T20:00:00.000000Z,2021-01-01T19:59:59.999999Z,2020-12-31T20:00:00.000000Z,"
        ",,2021-01-01T19:59:59.999999Z,,certain,false,,,false,true,,formula-1,2021-01-01,formula-1,,azerbaijan,"
        "un-member,"
        'azerbaijan,,,"[{""id"": ""s004"", '
        '""at"": ""=HYPERLINK(\\""https://example.org\\"",\\""x\\"")"", '
        '""title"": ""Political status of Nagorno-Karabakh"", '
        '""url"": ""https://en.wikipedia.org/wiki/Political_status_of_Nagorno-Karabakh""}]",'
        's004,"\'=HYPERLINK(""https://example.org"",""x"")"\n'
    )


def test_history_raw_csv_writes_the_formula(formula_log: Path) -> None:
    """`history --raw-csv` writes the value as it is."""
    result = run_cli("history", "Azerbaijan: 2021-01-01", "--log", str(formula_log), "--format", "csv", "--raw-csv")
    assert _values(result.out) == {"formula-1": (next(iter(VALUES)),) * 2}


def test_export_csv_to_stdout_neutralises_every_formula(formula_log: Path) -> None:
    """`export --format csv` to standard output: every formula cell gets its ', the near misses as decided."""
    result = run_cli("export", "--log", str(formula_log), "--format", "csv")
    assert result.status == 0, result.err
    assert _values(result.out) == _expected()


def test_export_csv_to_a_file_is_what_stdout_gets(formula_log: Path, tmp_path: Path) -> None:
    """`export -o FILE` writes what standard output gets, byte for byte, formulas neutralised."""
    out = tmp_path / "runs.csv"
    result = run_cli("export", "--log", str(formula_log), "--format", "csv", "-o", str(out))
    assert result.status == 0, result.err
    assert out.read_text(encoding="utf-8") == run_cli("export", "--log", str(formula_log), "--format", "csv").out
    assert _values(out.read_text(encoding="utf-8")) == _expected()


def test_export_takes_raw_csv(formula_log: Path, tmp_path: Path) -> None:
    """`export --raw-csv` writes every cell as it is, to standard output and to -o."""
    out = tmp_path / "raw.csv"
    stdout = run_cli("export", "--log", str(formula_log), "--format", "csv", "--raw-csv")
    assert run_cli("export", "--log", str(formula_log), "--format", "csv", "--raw-csv", "-o", str(out)).status == 0
    assert _values(stdout.out) == _values(out.read_text(encoding="utf-8")) == _expected(raw=True)


def test_export_run_numbers_are_numbers(formula_log: Path) -> None:
    """The `run` column holds numbers, written without a '."""
    rows = list(csv.DictReader(io.StringIO(run_cli("export", "--log", str(formula_log)).out)))
    assert [r["run"] for r in rows] == [str(n) for n in range(1, len(rows) + 1)]


def test_a_negative_number_stays_a_number() -> None:
    """The writer decides by type: the number -3 is written -3, the text "-3" '-3."""
    assert csv_text(["count", "text"], [[-3, "-3"], [-2.5, "-2.5"], [None, ""]]) == (
        "count,text\n-3,'-3\n-2.5,'-2.5\n,\n"
    )


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ("=1+1", "'=1+1"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("\tplain", "'\tplain"),
        (" =1+1", "' =1+1"),
        ("\u3000=1+1", "'\u3000=1+1"),
        ("\uff1d1+1", "'\uff1d1+1"),
        ("\uff0b1", "'\uff0b1"),
        ("\uff0d1", "'\uff0d1"),
        ("\uff201", "'\uff201"),
        (";=1+1", ";=1+1"),
        ("a=1+1", "a=1+1"),
        ("", ""),
        ("'=1+1", "'=1+1"),
        (7, 7),
        (-7, -7),
        (None, None),
    ],
)
def test_near_misses(cell: str | int | None, written: str | int | None) -> None:
    """Leading white space and full-width signs are neutralised; `;=` and inner signs are not."""
    assert neutralised(cell) == written


@given(st.text(max_size=8))
def test_no_text_cell_starts_a_formula(text: str) -> None:
    """Any text: either the writer prefixed it, or it starts with no sign, after white space or NFKC."""
    cell = neutralised(text)
    assert isinstance(cell, str)
    head = unicodedata.normalize("NFKC", cell.lstrip()[:1])
    assert cell.startswith("'") or not (cell.startswith(FORMULA_LEADS) or head.startswith(FORMULA_LEADS))


def test_raw_csv_writes_cells_as_they_are() -> None:
    """Inside raw_csv(), cells (and headers) are written as given; outside, neutralised again."""
    with raw_csv():
        assert csv_text(["=h"], [["=1"]]) == "=h\n=1\n"
    assert csv_text(["=h"], [["=1"]]) == "'=h\n'=1\n"
