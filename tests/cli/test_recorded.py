"""`statustrack recorded` lists record times; --known-at outside them says so on stderr and in JSON."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from ..support import MINI, run_cli

LATER = """
[[event]]
id = "2020-11-shusha-per-late-source"
kind = "capture"
date = "2020-11"
place = "shusha"
by = "azerbaijan"
from = "nkr"
sources = [{ id = "s004", at = "lead" }]
recorded = "2021-06-01"

[[event]]
id = "2020-11-shusha-early-note"
kind = "capture"
date = "2020-11-09"
place = "shusha"
by = "azerbaijan"
from = "nkr"
sources = [{ id = "s002", at = "lead" }]
recorded = "2021-01-05T10:00:00Z"
"""


@pytest.fixture
def stamped(tmp_path: Path) -> Path:
    """The mini log plus two events stamped `recorded` (2021-01-05T10:00Z and 2021-06-01), not sealed."""
    log = tmp_path / "log"
    shutil.copytree(MINI, log)
    (log / "later.toml").write_text(LATER, encoding="utf-8")
    return log


def test_recorded_table(stamped: Path) -> None:
    """Stamped events in record-time order, then the unstamped ones; exact output."""
    result = run_cli("recorded", "--log", str(stamped), "--since", "2021")
    assert (result.status, result.err) == (0, "")
    assert result.out == (
        "Mini Karabakh: 2 events with a record time from 2021\n"
        "\n"
        "recorded              event                           file        sealed\n"
        "--------------------  ------------------------------  ----------  --------\n"
        "2021-01-05T10:00:00Z  2020-11-shusha-early-note       later.toml\n"
        "2021-06-01            2020-11-shusha-per-late-source  later.toml\n"
        "\n"
        "sealed: the event's line in the ledger (empty: not sealed yet)\n"
    )


def test_recorded_lists_unstamped_last(stamped: Path) -> None:
    """Without a filter every event is listed, the 13 unstamped ones last, as JSON."""
    data = json.loads(run_cli("recorded", "--log", str(stamped), "--format", "json").out)
    assert [e["recorded"] for e in data["events"]] == ["2021-01-05T10:00:00Z", "2021-06-01"] + [None] * 13
    assert data["unstamped"] == 13
    assert data["first_recorded"] == "2021-01-05T10:00:00Z"
    assert data["events"][1] == {
        "recorded": "2021-06-01",
        "recorded_start": "2021-05-31T20:00:00Z",
        "recorded_end": "2021-06-01T19:59:59.999999Z",
        "event": "2020-11-shusha-per-late-source",
        "kind": "capture",
        "file": "later.toml",
        "sealed": None,
    }


@pytest.mark.parametrize(
    ("since", "until", "ids"),
    [
        ("2021-01-05", None, ["2020-11-shusha-early-note", "2020-11-shusha-per-late-source"]),
        ("2021-01-06", None, ["2020-11-shusha-per-late-source"]),
        (None, "2021-01-05", ["2020-11-shusha-early-note"]),
        (None, "2021-01-05T09:00Z", []),
        ("2021-06-01T12:00+04:00", "2021-06", ["2020-11-shusha-per-late-source"]),
    ],
)
def test_recorded_filters(stamped: Path, since: str | None, until: str | None, ids: list[str]) -> None:
    """--since keeps stamps ending on or after its start, --until stamps starting on or before its end."""
    args = ["recorded", "--log", str(stamped), "--format", "csv"]
    args += ["--since", since] if since else []
    args += ["--until", until] if until else []
    result = run_cli(*args)
    assert result.status == 0, result.err
    assert [line.split(",")[3] for line in result.out.splitlines()[1:]] == ids


BEFORE = (
    "statustrack: note: --known-at 2020-12-31 is before the log's first record time (2021-01-05T10:00:00Z): "
    "only the 13 events without a `recorded` stamp count (statustrack recorded lists record times)\n"
)
AFTER = (
    "statustrack: note: --known-at 2030 is on or after the log's last record time (2021-06-01): every event "
    "counts, as without --known-at (statustrack recorded lists record times)\n"
)


@pytest.mark.parametrize(
    ("command", "json_out"),
    [
        (["at", "2020-11-10"], True),
        (["diff", "2020-11-01", "2020-11-10"], True),
        (["history", "Shusha"], True),
        (["why", "control", "Shusha", "2020-11-10"], True),
        (["export"], False),
    ],
)
@pytest.mark.parametrize(("known_at", "note"), [("2020-12-31", BEFORE), ("2030", AFTER), ("2021-03-01", "")])
def test_known_at_outside_the_record_says_so(
    stamped: Path, command: list[str], json_out: bool, known_at: str, note: str
) -> None:
    """Each command taking --known-at notes on stderr and in JSON a time before the first record or after the last."""
    fmt = ["--format", "json"] if json_out else []
    result = run_cli(*command, "--log", str(stamped), "--known-at", known_at, *fmt)
    assert (result.status, result.err) == (0, note)
    if json_out:
        data = json.loads(result.out)
        assert data.get("known_at_note") == (note.removeprefix("statustrack: note: ").rstrip("\n") or None)


def test_known_at_before_the_first_record_answers_without_the_stamped(stamped: Path) -> None:
    """Before the first record time the stamped events do not count (what the note says)."""
    before = json.loads(
        run_cli(
            "at",
            "2020-11-30",
            "--log",
            str(stamped),
            "--known-at",
            "2020-12-31",
            "--aspect",
            "control",
            "--subject",
            "Shusha",
            "--format",
            "json",
        ).out
    )
    now = json.loads(
        run_cli(
            "at", "2020-11-30", "--log", str(stamped), "--aspect", "control", "--subject", "Shusha", "--format", "json"
        ).out
    )
    assert [f["events"] for f in before["facts"]] == [["2020-11-08-shusha"]]
    assert [f["events"] for f in now["facts"]] != [["2020-11-08-shusha"]]
