"""The safe log under stress (issue 12): concurrent writers with `verify` looping alongside,
and writers killed at each fixed point of `record`.

The default sizes keep the suite fast (8 writers x 12 appends; 17 kills at each of the
three points); `HYPOTHESIS_PROFILE=deep` or `STATUSTRACK_STRESS=full` runs the issue's
full sizes (8 writers x 100 appends; 50 kills at each point).

Before the fix, `verify` read the ledger and the files without the writers' lock and
raised false alarms ("deleted: sealed ... but no longer in the log") during appends, and
`record` had no journal, so a kill between its renames could only be mended by `seal`.
"""

from __future__ import annotations

import io
import json
import multiprocessing
import os
import shutil
import signal
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from statustrack.api.write import record, seal
from statustrack.cli import main
from statustrack.log.ledger import LEDGER, read_ledger, verify
from statustrack.log.load import load_log
from statustrack.log.parse import read_text

from ..support import MINI

pytestmark = pytest.mark.slow  # forked writers, readers and kills

FULL = os.environ.get("HYPOTHESIS_PROFILE") == "deep" or os.environ.get("STATUSTRACK_STRESS") == "full"
WRITERS, EACH = 8, (100 if FULL else 12)
KILLS_PER_POINT = 50 if FULL else 17
POINTS = ("before", "between", "after")
CONTEXT = multiprocessing.get_context("fork")


def statement(ident: str) -> list:
    """One statement event with this id, as raw records ready to record."""
    line = (
        json.dumps(
            {
                "id": ident,
                "kind": "statement",
                "date": "2021-01-01",
                "actor": "azerbaijan",
                "ref": ident,
                "summary": "load test",
                "sources": [{"id": "s004"}],
            }
        )
        + "\n"
    )
    raws, problems = read_text(line, "(test)", ".jsonl")
    assert not problems
    return raws


def sealed_copy(tmp: Path) -> Path:
    """A sealed copy of the mini log."""
    root = tmp / "log"
    shutil.copytree(MINI, root)
    seal(root)
    return root


def _writer(root: str, worker: int) -> None:
    for n in range(EACH):
        record(root, statement(f"w{worker}-{n}"))


def _verifier(root: str, stop: object, runs: object, alarms: object) -> None:
    while not stop.is_set():  # type: ignore[attr-defined]
        with redirect_stdout(io.StringIO()), redirect_stderr(io.StringIO()) as err:
            status = main(["verify", "--log", root])
        with runs.get_lock():  # type: ignore[attr-defined]
            runs.value += 1  # type: ignore[attr-defined]
        if status != 0:
            with alarms.get_lock():  # type: ignore[attr-defined]
                alarms.value += 1  # type: ignore[attr-defined]
            print(err.getvalue(), flush=True)


def test_concurrent_writers_and_verify(tmp_path: Path) -> None:
    """8 writers appending while verify loops: none lost, none duplicated, no false alarm."""
    root = sealed_copy(tmp_path)
    stop, runs, alarms = CONTEXT.Event(), CONTEXT.Value("i", 0), CONTEXT.Value("i", 0)
    checker = CONTEXT.Process(target=_verifier, args=(str(root), stop, runs, alarms))
    checker.start()
    workers = [CONTEXT.Process(target=_writer, args=(str(root), w)) for w in range(WRITERS)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    stop.set()
    checker.join()
    assert [w.exitcode for w in workers] == [0] * WRITERS
    assert checker.exitcode == 0
    assert alarms.value == 0, f"{alarms.value} false alarms in {runs.value} verify runs"
    assert runs.value >= 3, "verify did not run alongside the writers"
    log = load_log(root)
    ids = [e.id for e in log.events if e.id.startswith("w")]
    assert len(ids) == len(set(ids)) == WRITERS * EACH
    seals, problems = read_ledger(root, log.shown)
    assert problems + verify(log, seals) == []
    assert sorted(s.id for s in seals if s.id.startswith("w")) == sorted(ids)


def _killed_at(root: str, point: str, ident: str) -> None:
    import statustrack.log.store  # the child's own copy of the module

    def crash(step: str) -> None:
        if step == point:
            os.kill(os.getpid(), signal.SIGKILL)

    statustrack.log.store.checkpoint = crash  # type: ignore[assignment]
    record(root, statement(ident))


def test_writers_killed_at_each_fixed_point(tmp_path: Path) -> None:
    """A writer killed before, between or after the renames leaves a log that loads; verify passes or
    names exactly the killed writer's event as unsealed; the next record cleans up and seals it."""
    root = sealed_copy(tmp_path)
    reached: set[str] = set()
    for trial in range(KILLS_PER_POINT * len(POINTS)):
        point, ident = POINTS[trial % len(POINTS)], f"k{trial}"
        child = CONTEXT.Process(target=_killed_at, args=(str(root), point, ident))
        child.start()
        child.join()
        assert child.exitcode == -signal.SIGKILL, f"trial {trial}: the writer was not killed at {point!r}"
        log = load_log(root)  # never half a file: this must not raise
        present = {e.id for e in log.events}
        assert reached <= present  # nothing that reached the log is ever lost
        seals, problems = read_ledger(root, log.shown)
        problems += verify(log, seals)
        leftovers = sorted(p.name for p in root.glob(".*.tmp"))
        if point == "before":
            assert ident not in present and problems == []
            assert leftovers == [f".recorded.jsonl.{child.pid}.tmp"]
        elif point == "between":
            assert [(p.event, p.message) for p in problems] == [(ident, "not sealed yet")]
            assert leftovers == [f".{LEDGER}.{child.pid}.tmp"]
        else:
            assert ident in present and problems == [] and leftovers == []
        if point != "before":
            reached.add(ident)
    done = record(root, statement("last"))
    assert set(done.recovered) <= reached and done.appended == ("last",)
    log = load_log(root)
    seals, problems = read_ledger(root, log.shown)
    assert problems + verify(log, seals) == []
    assert {s.id for s in seals if s.id.startswith("k")} == reached
    assert list(root.glob(".*.tmp")) == [] and not (root / ".statustrack.pending").exists()
