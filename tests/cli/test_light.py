"""The light path (`views.light`) answers `at DATE` (the summary table) and `at DATE --format
json` from a current index with the same bytes as the full path (`cli.main`), over many
dates of several logs."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from statustrack.cli import main
from statustrack.start import main as start
from statustrack.views import light
from statustrack.views.light import answer, respond

from ..api.test_history_index import _generated as generated
from ..support import MINI

ROOT = Path(__file__).resolve().parents[1] / "data"
#: Dates across the shipped log's span, around clock changes and leap days.
DATES = [
    "1988-02-20",
    "1991-09-02",
    "1992-02-29",
    "1994-05-12",
    "2008-02-29",
    "2016-04-02",
    "2020-09-27",
    "2020-10-10",
    "2020-11-09",
    "2020-11-10",
    "2021-03-28",
    "2023-09-20",
    "2023-12-31",
]


def _full(args: list[str]) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(args) == 0
    return out.getvalue()


@pytest.mark.parametrize("fmt", [["--format", "json"], [], ["--format", "table"]])
@pytest.mark.parametrize("log", [None, "marenza", "mini", "generated"])
def test_the_light_answer_is_the_full_answer(
    log: str | None, fmt: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """For every date, the light answer (when it answers) equals the full path's, byte for
    byte (the shipped log, tests/data/marenza, the mini log and a generated one, 55 dates
    from 1950 to 2031); it answers at least the dates inside the log's span."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("STATUSTRACK_LOG", raising=False)
    extra: list[str] = []
    if log is not None:
        root = tmp_path / "log"
        if log == "generated":
            root = generated(root)
        else:
            shutil.copytree(MINI if log == "mini" else ROOT / log, root)
        extra = ["--log", str(root)]
    answered = 0
    spread = [dt.date(2020, 1, 1) + dt.timedelta(days=37 * i) for i in range(12)]
    spread += [dt.date(1950, 3, 1) + dt.timedelta(days=997 * i) for i in range(30)]  # to 2031
    for when in DATES + [day.isoformat() for day in spread]:
        args = ["at", when, *fmt, *extra]
        full = _full(args)
        light = answer(args)
        if light is not None:
            answered += 1
            assert light == full, when
    assert answered >= 20  # at least the dates inside the log's span


def test_the_light_path_leaves_what_it_does_not_handle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Other formats, flags, dates that are not plain days and a missing index go to the full path."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    root = tmp_path / "log"
    shutil.copytree(MINI, root)
    assert answer(["at", "2020-11-10", "--format", "json", "--log", str(root)]) is None  # no index yet
    _full(["at", "2020-11-10", "--format", "json", "--log", str(root)])
    assert answer(["at", "2020-11-10", "--format", "json", "--log", str(root)]) is not None
    assert answer(["at", "2020-11-10", "--log", str(root)]) is not None
    for args in (
        ["at", "2020-11-10", "--all", "--log", str(root)],
        ["at", "2020-11-10", "--format", "csv", "--log", str(root)],
        ["at", "2020-11-10", "--table-format", "github", "--log", str(root)],
        ["at", "2020-11-10", "--aspect", "status", "--log", str(root)],
        ["at", "2020-11-10", "--acts-window", "30", "--log", str(root)],
        ["at", "2020-11-10", "--format=table", "--log", str(root)],
        ["at", "2020-11-10", "--format", "json", "--all", "--log", str(root)],
        ["at", "2020-11", "--format", "json", "--log", str(root)],
        ["at", "2020-11-10T12:00Z", "--format", "json", "--log", str(root)],
        ["at", "2020-11-10", "--format", "json", "--known-at", "2020-01-01", "--log", str(root)],
    ):
        assert answer(args) is None, args
    os.utime(next(root.glob("*.toml")))  # the log changed: the index is stale
    assert answer(["at", "2020-11-10", "--format", "json", "--log", str(root)]) is None


def test_an_error_after_the_answer_began_is_raised(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The light path streams: once a fact is written, an error is raised (said in one line by
    `statustrack.start`, exit 2), never left to the full path, which would print the answer again."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    root = tmp_path / "log"
    shutil.copytree(MINI, root)
    args = ["at", "2020-11-10", "--format", "json", "--log", str(root)]
    _full(args)
    pieces: list[str] = []

    def failing(text: str) -> None:
        if pieces:
            raise OSError("disk gone")
        pieces.append(text)

    with pytest.raises(OSError, match="disk gone"):
        respond(args, failing)
    assert len(pieces) == 1
    streamed: list[str] = []
    assert respond(args, streamed.append)
    assert len(streamed) > 3  # piece by piece, not one text
    assert "".join(streamed) == answer(args) == _full(args)


def test_the_entry_point_says_a_broken_stream_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`statustrack.start.main` ends a light answer cut short by an error with one line on stderr, exit 2."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    root = tmp_path / "log"
    shutil.copytree(MINI, root)
    args = ["at", "2020-11-10", "--format", "json", "--log", str(root)]
    _full(args)
    capsys.readouterr()

    def cut(db: object, q: int, window_from: int | None, write: Callable[[str], object]) -> None:
        write("x")
        raise sqlite3.DatabaseError("database disk image is malformed")

    monkeypatch.setattr(light, "shown_at", cut)
    assert start(args) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "malformed" in err
