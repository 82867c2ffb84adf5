"""The engine knows no region: an invented one goes through every verb.

tests/data/marenza is a small, sealed log about an invented region (the Marenza highlands,
the Republic of Upper Marenza, its claimant Kestrovia), with its own registries, time zone
(America/Santiago) and horizon (1950/2010). Each test runs the command line on a copy of
it in a temporary folder, so no index is written into the checkout.

To refresh the transcripts after a deliberate output change, run
`python -m tests.cli.test_invented_region` and review `git diff tests/cli/golden/marenza`.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import sys
from pathlib import Path

import pytest

from ..support import MARENZA, Run, run_cli

GOLDEN = Path(__file__).parent / "golden" / "marenza"
SHOWN_AS = "tests/data/marenza"

#: Names of the shipped log's region: none may appear in anything the invented log prints.
SHIPPED_NAMES = re.compile(r"artsakh|karabakh|azerbaijan|armenia|baku|stepanakert|shusha|khankendi", re.IGNORECASE)

CASES: dict[str, list[str]] = {
    "validate": ["validate"],
    "at-truce": ["at", "1963-04-30", "--all"],
    "at-summary": ["at", "1972-06-01"],
    "at-before-truce": ["at", "1963-04-30T22:59-04:00", "--aspect", "conflict"],
    "at-pending-decree": ["at", "2003-08-28", "--all"],
    "at-dissolved": ["at", "2005-01-01", "--all"],
    "at-json": ["at", "1972-06-01", "--format", "json"],
    "at-stance": ["at", "1972-06-01", "--stance", "recognizes"],
    "diff-war": ["diff", "1961-01-01", "1964-01-01"],
    "diff-dissolution-json": ["diff", "2003-08-01", "2003-09-02", "--format", "json"],
    "diff-backward": ["diff", "2005-01-01", "2003-08-01", "--summary"],
}


def _copy(tmp: Path) -> Path:
    root = tmp / "marenza"
    shutil.copytree(MARENZA, root)
    return root


@pytest.fixture
def marenza(tmp_path: Path) -> Path:
    """A copy of the invented log in a temporary folder."""
    return _copy(tmp_path)


def _run(root: Path, *args: str) -> Run:
    result = run_cli(*args, "--log", str(root))
    assert result.status == 0, result.err
    return result


def _transcript(root: Path, name: str) -> str:
    return _run(root, *CASES[name]).out.replace(str(root), SHOWN_AS)


@pytest.mark.parametrize("name", sorted(CASES))
def test_output(name: str, marenza: Path) -> None:
    """Each command on the invented log prints exactly its reviewed transcript."""
    assert _transcript(marenza, name) == (GOLDEN / f"{name}.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(CASES))
def test_no_shipped_name_in_any_answer(name: str, marenza: Path) -> None:
    """Nothing the engine adds to an answer about another region names the shipped one."""
    result = _run(marenza, *CASES[name])
    assert not SHIPPED_NAMES.search(result.out + result.err)


def test_the_log_is_sealed(marenza: Path) -> None:
    """The invented log is sealed the way the shipped log is: verify finds every event sealed."""
    result = _run(marenza, "verify")
    assert result.out.startswith("verified: 26 events sealed, none edited, deleted, moved or reordered"), result.out


def test_history_keeps_both_accounts_and_the_vacancy(marenza: Path) -> None:
    """history lists the post's runs in order, a vacancy, an acting holder, and the dissolution."""
    out = _run(marenza, "history", "President of Upper Marenza", "--format", "json").out
    runs = json.loads(out)["runs"]
    assert [r["value"] for r in runs] == [
        "Ilse Varga",
        "Tomas Brel",
        "vacant (Tomas Brel resigned)",
        "Anja Korsik (acting)",
        "vacant: the republic's institutions dissolved",
    ]
    assert not SHIPPED_NAMES.search(out)
    valley = _run(marenza, "history", "Dark Valley", "--format", "json").out
    (run,) = json.loads(valley)["runs"]
    assert run["display"] == "Upper Marenza (per chronicle); Dalmaris (per gazette)"
    assert run["value"] is None  # the accounts name different holders (issue 19: accounts are data)
    assert [(a["value"], a["holder"]) for a in run["accounts"]] == [
        ("Upper Marenza", "upper-marenza"),
        ("Dalmaris", "dalmaris"),
    ]
    assert run["disputed"] is True


def test_export_has_one_row_per_run(marenza: Path, tmp_path: Path) -> None:
    """export writes the whole history, every run with its events (a run whose accounts differ: one
    row per account), and names no shipped place."""
    target = tmp_path / "marenza.csv"
    _run(marenza, "export", "--format", "csv", "-o", str(target))
    text = target.read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    officeholders = [r["value"] for r in rows if r["aspect"] == "officeholder"]
    assert len(officeholders) == 5
    control = {(r["subject"], r["value"]) for r in rows if r["aspect"] == "control"}
    assert control == {
        ("port-aldo", "Upper Marenza"),
        ("port-aldo", "Kestrovia"),
        ("valle-oscuro", "Upper Marenza"),
        ("valle-oscuro", "Dalmaris"),
    }
    valley = [r["account"] for r in rows if r["subject"] == "valle-oscuro"]
    assert valley == ["1", "2"]
    assert not SHIPPED_NAMES.search(text)


def test_html_explorer_is_about_the_invented_region(marenza: Path, tmp_path: Path) -> None:
    """html writes the explorer for the invented log: its name, places and zone, nothing shipped."""
    target = tmp_path / "marenza.html"
    _run(marenza, "html", "-o", str(target))
    page = target.read_text(encoding="utf-8")
    for expected in ("Marenza highlands (invented)", "Port Aldo", "Norhaven truce", "America/Santiago"):
        assert expected in page
    assert not SHIPPED_NAMES.search(page)


def _refresh() -> None:
    import tempfile

    GOLDEN.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        root = _copy(Path(tmp))
        for name in CASES:
            (GOLDEN / f"{name}.txt").write_text(_transcript(root, name), encoding="utf-8")


if __name__ == "__main__":
    _refresh()
    sys.exit(0)
