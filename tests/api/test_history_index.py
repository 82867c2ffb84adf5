"""`history` from a current index equals `history` by replay, run for run and byte for byte.

The index answers `history` from its versions table (`index.read.history_rows`); a replay
is the definition. For every subject `subjects` lists (and filters that narrow by aspect,
stance and parts) on the shipped log, tests/data/marenza and a generated log, both give
equal periods (every field, the instants as instants) and the same table, JSON and CSV.
"""

from __future__ import annotations

import importlib.util
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from statustrack.api.explore import History, history, subjects
from statustrack.api.reader import Indexed, open_log
from statustrack.log.load import Log, load_log
from statustrack.views.explore import render_history

DATA = Path(__file__).resolve().parents[1] / "data"
GENERATE = Path(__file__).resolve().parents[2] / "bench" / "generate.py"


def _generated(root: Path) -> Path:
    spec = importlib.util.spec_from_file_location("bench_generate", GENERATE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return Path(module.generate(root, 1200, seed=3))


def _fields(result: History) -> list[tuple[object, ...]]:
    return [
        (p.key, p.fact, p.valid_from, p.valid_to, p.certain_from, p.ended_by, p.until, p.run, len(p.versions))
        for p in result.periods
    ]


def _pairs(root: Path | None) -> tuple[Indexed, Log]:
    indexed = open_log(root)
    assert isinstance(indexed, Indexed), "the index could not be built"
    fresh = open_log(root)  # opened again: current, so nothing of the log is parsed
    assert isinstance(fresh, Indexed)
    return fresh, load_log(root)


def _spellings(log: Log) -> Iterator[str]:
    for entry in subjects(log):
        yield entry.name
        yield entry.ident


def _check(indexed: Indexed, log: Log, limit: int | None = None) -> int:
    """Compare every subject (the first `limit` spellings): the number compared."""
    compared = 0
    for spelling in list(_spellings(log))[:limit]:
        for options in ({}, {"aspects": ["control", "status"]}, {"with_parts": True}):
            expected = history(log, spelling, **options)  # type: ignore[arg-type]
            found = history(indexed, spelling, **options)  # type: ignore[arg-type]
            assert _fields(found) == _fields(expected), (spelling, options)
            for fmt in ("table", "json", "csv"):
                assert render_history(indexed, found, fmt) == render_history(log, expected, fmt), (spelling, fmt)
            compared += 1
    return compared


@pytest.mark.slow
def test_history_from_the_index_is_the_replay_on_the_shipped_log() -> None:
    """Every subject of the shipped log, three filters each, three formats."""
    indexed, log = _pairs(None)
    assert _check(indexed, log) > 300


def test_history_from_the_index_is_the_replay_on_marenza(tmp_path: Path) -> None:
    """Every subject of the Marenza test log (its index beside a copy of it)."""
    root = tmp_path / "marenza"
    shutil.copytree(DATA / "marenza", root)
    indexed, log = _pairs(root)
    assert _check(indexed, log) > 10


@pytest.mark.slow
def test_history_from_the_index_is_the_replay_on_a_generated_log(tmp_path: Path) -> None:
    """The first 150 subjects of a generated log of 1,200 events of every kind."""
    root = _generated(tmp_path / "log")
    indexed, log = _pairs(root)
    assert _check(indexed, log, 150) > 100


def test_history_by_stance_and_record_time_on_the_shipped_log() -> None:
    """A stance filter drops runs but not their successors' dates (`until` is read from the
    whole key); with --known-at, the replay answers (the index keeps only the present)."""
    indexed, log = _pairs(None)
    for spelling in ("Artsakh", "Armenia", "Nagorno-Karabakh"):
        options = {"aspects": ["recognition"], "stances": ["recognizes"]}
        assert _fields(history(indexed, spelling, **options)) == _fields(history(log, spelling, **options))  # type: ignore[arg-type]
        dated = history(indexed, spelling, known_at="2026-12-01")
        assert _fields(dated) == _fields(history(log, spelling, known_at="2026-12-01"))
