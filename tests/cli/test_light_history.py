"""The light `history` (`views.light.respond_history`) answers `history NAME` (the table and
`--format json`) from a current index with the same bytes as the full path (`cli.main`),
for every subject `subjects` lists (its name and its id) of several logs, and leaves
anything else to the full path."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
from pathlib import Path

import pytest

from statustrack.api.explore import subjects
from statustrack.cli import main
from statustrack.log.load import load_log
from statustrack.start import main as start
from statustrack.views.light import respond_history

from ..api.test_history_index import _generated as generated

ROOT = Path(__file__).resolve().parents[1] / "data"


def _full(args: list[str]) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        try:
            status = main(args)
        except SystemExit as e:
            status = int(e.code or 0)
    return status, out.getvalue()


def _light(args: list[str]) -> str | None:
    pieces: list[str] = []
    return "".join(pieces) if respond_history(args, pieces.append) else None


def _spellings(root: Path | None) -> list[str]:
    found = []
    for entry in subjects(load_log(root)):
        found += [entry.name, entry.ident]
    return found


def _compare(root: Path | None, limit: int | None = None) -> tuple[int, int]:
    """Every subject's history, light and full, in both formats: (compared, answered light)."""
    extra = [] if root is None else ["--log", str(root)]
    assert _full(["at", "2020-11-10", *extra])[0] == 0  # the index, built
    compared = answered = 0
    for spelling in [*_spellings(root)[:limit], "Shusha", "shusha", "SHUSHA", "Artsakh", "no such place"]:
        for fmt in (["--format", "json"], [], ["--format", "table"]):
            args = ["history", spelling, *fmt, *extra]
            light = _light(args)
            status, full = _full(args)
            compared += 1
            if light is not None:
                answered += 1
                assert status == 0, args
                assert light == full, args
    return compared, answered


@pytest.fixture(autouse=True)
def _own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("STATUSTRACK_LOG", raising=False)


@pytest.mark.slow
def test_the_light_history_is_the_full_history_on_the_shipped_log() -> None:
    """Every subject of the shipped log, by name and by id, table and JSON."""
    compared, answered = _compare(None)
    assert answered >= compared * 95 // 100  # it declines a name that names nothing, a span's end


def test_the_light_history_is_the_full_history_on_marenza(tmp_path: Path) -> None:
    """Every subject of the Marenza test log (its index beside a copy of it)."""
    root = tmp_path / "marenza"
    shutil.copytree(ROOT / "marenza", root)
    compared, answered = _compare(root)
    assert answered >= compared * 8 // 10


@pytest.mark.slow
def test_the_light_history_is_the_full_history_on_a_generated_log(tmp_path: Path) -> None:
    """The first 150 spellings of a generated log of 1,200 events of every kind."""
    root = generated(tmp_path / "log")
    compared, answered = _compare(root, 150)
    assert answered >= compared * 9 // 10


def test_the_light_history_leaves_what_it_does_not_handle(tmp_path: Path) -> None:
    """Other formats and flags, a name that names nothing, a missing or stale index: the
    full path answers (its errors included); the entry point then gives the full answer."""
    root = tmp_path / "log"
    shutil.copytree(ROOT / "marenza", root)
    log = ["--log", str(root)]
    name = _spellings(root)[0]
    assert _light(["history", name, *log]) is None  # no index yet
    status, full = _full(["history", name, *log])
    assert status == 0
    assert _light(["history", name, *log]) == full
    for args in (
        ["history", name, "--format", "csv"],
        ["history", name, "--aspect", "control"],
        ["history", name, "--with-parts"],
        ["history", name, "--known-at", "2020-01-01"],
        ["history", name, "--format=json"],
        ["history", "no such place at all"],
        ["history"],
        ["history", name, "extra"],
    ):
        assert _light([*args, *log]) is None, args
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        assert start(["history", name, "--format", "csv", *log]) == 0
    assert out.getvalue() == _full(["history", name, "--format", "csv", *log])[1]
    os.utime(next(root.glob("*.toml")))  # the log changed: the index is stale
    assert _light(["history", name, *log]) is None


def test_a_run_ended_by_its_span_is_left_to_the_full_path(tmp_path: Path) -> None:
    """A run whose end is the end of its event's span (`A/B`, log format 2) takes its `until`
    from an EDTF parse: the light history leaves it to the full path, and answers the rest."""
    from ..support import MINI

    root = tmp_path / "log"
    (root / "registry").mkdir(parents=True)
    for name in ("log.toml", "registry/registry.toml"):
        (root / name).write_text((MINI / name).read_text(encoding="utf-8"), encoding="utf-8")
    settings = (root / "log.toml").read_text(encoding="utf-8").replace("format = 1", "format = 2")
    (root / "log.toml").write_text(settings, encoding="utf-8")
    (root / "e.toml").write_text(
        '[[event]]\nid = "tie"\nkind = "relation"\ndate = "2001-01-01/2010-06-01"\na = "villeurbanne"\n'
        'b = "stepanakert"\ntype = "twinning"\nstate = "established"\nsources = [{ id = "s004" }]\n'
        '\n[[event]]\nid = "claim"\nkind = "declaration"\ndate = "1991-09-02"\npolity = "nkr"\n'
        'status = "declared independence"\nsources = [{ id = "s004" }]\n',
        encoding="utf-8",
    )
    log = ["--log", str(root)]
    status, full = _full(["history", "Villeurbanne", *log])
    assert status == 0 and "-> 2010-06-01" in full
    assert _light(["history", "Villeurbanne", *log]) is None
    assert _light(["history", "Villeurbanne", "--format", "json", *log]) is None
    assert _light(["history", "nkr", *log]) == _full(["history", "nkr", *log])[1]
