"""The safe log under stress: concurrent writers, writers killed mid-append, tampering."""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from statustrack.ledger import read_ledger, verify
from statustrack.log import load_log
from statustrack.parse import read_text
from statustrack.store import record, seal

from .conftest import MINI

WRITERS, EACH = 8, 250


def statement(ident: str) -> str:
    """A JSON line recording one statement with this id."""
    return json.dumps({"id": ident, "kind": "statement", "date": "2021-01-01", "actor": "azerbaijan",
                       "ref": ident, "summary": "load test", "sources": [{"id": "s004"}]}) + "\n"


def sealed_copy(tmp: Path) -> Path:
    """A sealed copy of the mini log."""
    root = tmp / "log"
    shutil.copytree(MINI, root)
    seal(root)
    return root


def _writer(root: str, worker: int) -> None:
    for n in range(EACH):
        raws, _ = read_text(statement(f"w{worker}-{n}"), "(test)", ".jsonl")
        record(root, raws)


def test_concurrent_writers(tmp_path: Path) -> None:
    """8 processes recording 250 events each: all 2,000 present once, the log valid and verified."""
    root = sealed_copy(tmp_path)
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_writer, args=(str(root), w)) for w in range(WRITERS)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert [w.exitcode for w in workers] == [0] * WRITERS
    log = load_log(root)
    ids = [e.id for e in log.events if e.id.startswith("w")]
    assert len(ids) == len(set(ids)) == WRITERS * EACH
    seals, problems = read_ledger(root, log.root)
    assert problems + verify(log, seals) == []


KILLER = """
import sys
from statustrack.parse import read_text
from statustrack.store import record
from tests.test_reliability import statement
root, start = sys.argv[1], int(sys.argv[2])
for n in range(start, start + 1000):
    raws, _ = read_text(statement(f"k{n}"), "(test)", ".jsonl")
    record(root, raws)
    print(f"k{n}", flush=True)
"""


def test_writer_killed_mid_append(tmp_path: Path) -> None:
    """A writer killed with SIGKILL at random points: the log always loads, and every
    append reported as done is present (100 trials)."""
    root = sealed_copy(tmp_path)
    rng = random.Random(20201110)
    done: list[str] = []
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    for trial in range(100):
        writer = subprocess.Popen([sys.executable, "-c", KILLER, str(root), str(trial * 1000)],
                                  stdout=subprocess.PIPE, text=True, env=env)
        time.sleep(rng.uniform(0.15, 0.6))
        writer.send_signal(signal.SIGKILL)
        out, _ = writer.communicate()
        done += out.split()
        log = load_log(root)  # never half a file: this must not raise
        present = {e.id for e in log.events}
        assert set(done) <= present
        seal(root)  # an append killed between its events and its ledger line is sealed on recovery
    assert len(done) > 100, "the writer was killed before it could append anything"


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_verify_catches_any_single_tampering(data: st.DataObject) -> None:
    """Any single edit, deletion or reordering of a recorded event is named by verify."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "log"
        shutil.copytree(MINI, root)
        seal(root)
        path = root / "events.toml"
        blocks = path.read_text(encoding="utf-8").split("\n[[event]]\n")
        blocks = [blocks[0]] + ["[[event]]\n" + b for b in blocks[1:]]
        index = data.draw(st.integers(0, len(blocks) - 1))
        action = data.draw(st.sampled_from(["edit", "delete", "swap"]))
        if action == "edit":
            lines = blocks[index].splitlines(keepends=True)
            field = data.draw(st.sampled_from([i for i, l in enumerate(lines) if " = " in l and not l.startswith("id ")]))
            key, _, value = lines[field].partition(" = ")
            lines[field] = f"{key} = {value.rstrip()[:-1]}x\"\n" if value.strip().startswith('"') else lines[field]
            if lines[field] == blocks[index].splitlines(keepends=True)[field]:
                return  # a non-string field: covered by other draws
            blocks[index] = "".join(lines)
        elif action == "delete":
            del blocks[index]
        else:
            other = data.draw(st.integers(0, len(blocks) - 1).filter(lambda i: i != index))
            blocks[index], blocks[other] = blocks[other], blocks[index]
        path.write_text("\n".join(b.rstrip("\n") + "\n" for b in blocks), encoding="utf-8")
        try:
            log = load_log(root)
        except Exception:  # an edit that breaks validation is caught by validate already
            return
        seals, problems = read_ledger(root, log.root)
        assert problems + verify(log, seals), f"{action} of block {index} went unnoticed"
