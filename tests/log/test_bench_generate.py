"""The benchmark's synthetic log generator (bench/generate.py) writes a valid, sealed log."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from statustrack.api.query import at
from statustrack.log.ledger import read_ledger, verify
from statustrack.log.load import load_log

GENERATE = Path(__file__).resolve().parents[2] / "bench" / "generate.py"


def _generate():
    spec = importlib.util.spec_from_file_location("bench_generate", GENERATE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.generate


def test_generated_log_loads_and_its_ledger_verifies(tmp_path: Path) -> None:
    """A generated log of every kind of event loads, answers, and verifies against its ledger."""
    root = _generate()(tmp_path / "log", 1500, seed=7)
    log = load_log(root)
    assert len(log.events) == 1500
    assert {e.kind for e in log.events} >= {
        "capture",
        "handover",
        "recognition",
        "retraction",
        "ceasefire",
        "officeholder",
        "relation",
        "claim",
        "statement",
        "office",
    }
    assert any(e.replaces for e in log.events) and any(e.announced_early for e in log.events)
    assert at(log, "2020-11-10").facts
    seals, problems = read_ledger(root, log.shown)
    assert problems == [] and verify(log, seals) == []


def test_generated_log_is_deterministic(tmp_path: Path) -> None:
    """The same seed and size write the same bytes."""
    generate = _generate()
    first, second = generate(tmp_path / "a", 300, seed=3), generate(tmp_path / "b", 300, seed=3)
    assert (first / "events.jsonl").read_bytes() == (second / "events.jsonl").read_bytes()
