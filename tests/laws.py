"""The eight replay laws of DESIGN.md as checks: each raises AssertionError when broken.

tests/test_laws.py runs them as hypothesis properties; tests/test_mutations.py breaks
the engine on purpose and shows each law finding a counterexample.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from statustrack import events as ev
from statustrack.dates import Interval, parse_edtf
from statustrack.facts import Fact
from statustrack.log import Log, load_log
from statustrack.query import at, diff, resolve_when, state_at, steps_for
from statustrack.reducers import PENDING
from statustrack.writer import to_jsonl, to_toml

from .conftest import MINI
from .model import model_at, query_instant
from .strategies import log_of

Facts = dict[tuple[str, str], Fact]


def facts(log: Log, when: str, known_at: str | None = None) -> Facts:
    """The answer of `at` as a dict by key."""
    return {f.key: f for f in at(log, when, known_at=known_at).facts}


def settled(answer: Facts) -> Facts:
    """The facts that are not pending."""
    return {k: f for k, f in answer.items() if PENDING not in k[1]}


def check_prefix(log: Log, when: str) -> None:
    """1. at(D) is a replay of exactly the events on record by D; its settled facts are a
    replay of exactly the events effective by D."""
    q = resolve_when(log, when)
    assert facts(log_of([e for e in log.events if e.date.start <= q]), when) == facts(log, when)
    effective = log_of([e for e in log.events if (e.effective or e.date).start <= q])
    assert settled(facts(effective, when)) == settled(facts(log, when))


def check_incremental(log: Log, d1: str, d2: str) -> None:
    """2. Replaying from a snapshot taken at D1 through D2 equals replaying to D2."""
    q1, q2 = sorted((resolve_when(log, d1), resolve_when(log, d2)))
    snapshot = state_at(log, q1)
    assert state_at(log, q2, start=snapshot) == state_at(log, q2)


def check_diff(log: Log, d1: str, d2: str) -> None:
    """3. Applying diff(D1, D2) to at(D1) gives at(D2); diff(D, D) is empty."""
    state = facts(log, d1)
    for change in diff(log, d1, d2).changes:
        key = (change.aspect, change.subject)
        assert state.get(key) == change.before
        if change.after is None:
            del state[key]
        else:
            state[key] = change.after
    assert state == facts(log, d2)
    assert diff(log, d1, d1).changes == ()


def _write(root: Path, files: dict[str, list[ev.Event]], fmt: str = "toml") -> Path:
    (root / "registry").mkdir(parents=True)
    for name in ("log.toml", "registry/registry.toml"):
        (root / name).write_text((MINI / name).read_text(encoding="utf-8"), encoding="utf-8")
    for name, items in files.items():
        text = to_toml(items) if fmt == "toml" else to_jsonl(items)
        target = root / f"{name}.{fmt}"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return root


def check_file_order(log: Log, names: list[str], when: str) -> None:
    """4a. Spreading the events over files (read in whatever order their names give)
    changes no answer, unless the loader refuses an order that would depend on files."""
    files: dict[str, list[ev.Event]] = {}
    for event, name in zip(log.events, names, strict=True):
        files.setdefault(name, []).append(event)
    with tempfile.TemporaryDirectory() as tmp:
        root = _write(Path(tmp) / "log", files)
        try:
            loaded = load_log(root)
        except Exception as e:  # noqa: BLE001 - only the ordering refusal is acceptable
            assert "order is undefined" in str(e), e
            return
        assert facts(loaded, when) == facts(log, when)


def check_same_day_swaps(log: Log, swaps: list[int], when: str) -> None:
    """4b. Swapping neighbouring events that touch different subjects changes nothing."""
    items = list(log.events)
    keys = {s.event.id: set() for s in steps_for(log)}
    for step in steps_for(log):
        keys[step.event.id] |= {(k[0], k[1].split(PENDING)[0]) for k in step.keys}
    for i in swaps:
        if i + 1 < len(items) and not keys.get(items[i].id, set()) & keys.get(items[i + 1].id, set()):
            items[i], items[i + 1] = items[i + 1], items[i]
    assert facts(log_of(items), when) == facts(log, when)


def check_round_trip(log: Log, fmt: str) -> None:
    """5. Loading what the tool writes gives back the same events, in the same order."""
    with tempfile.TemporaryDirectory() as tmp:
        loaded = load_log(_write(Path(tmp) / "log", {"events": list(log.events)}, fmt))
    assert loaded.events == log.events


def check_valid_time_causality(log: Log, later: list[ev.Event], when: str) -> None:
    """6a. Appending events that happen after D never changes at(D)."""
    q = resolve_when(log, when)
    after = [e for e in later if e.date.start > q]
    assert facts(log_of([*log.events, *after]), when) == facts(log, when)


def check_record_time_causality(log: Log, late: list[ev.Event], when: str, known_at: str) -> None:
    """6b. Appending events recorded after T never changes --known-at T."""
    t = resolve_when(log, known_at)
    unseen = [e for e in late if e.recorded is not None and e.recorded.start > t]
    assert facts(log_of([*log.events, *unseen]), when, known_at) == facts(log, when, known_at)


def check_retraction(log: Log, target: int, when: str) -> None:
    """7. A log plus the retraction of e answers as the log without e."""
    if not log.events:
        return
    victim = log.events[target % len(log.events)]
    retracted = ev.Retraction(id="r-law", date=victim.date, sources=victim.sources, retracts=victim.id, reason="law")
    without = log_of([e for e in log.events if e is not victim])
    assert facts(log_of([*log.events, retracted]), when) == facts(without, when)


def check_oracle(log: Log, when: str, known_at: str | None = None) -> None:
    """8. The engine agrees with the brute-force model: key -> (event, since, certainty)."""
    q = query_instant(when, log.timezone)
    t = query_instant(known_at, log.timezone) if known_at else None
    engine = {k: (f.event, f.since, f.certainty) for k, f in facts(log, when, known_at).items()}
    assert engine == model_at(log.events, q, t)


def parse_stamp(n: int) -> Interval:
    """The record stamp of the n-th append, as `strategies.stamp` gives it."""

    return parse_edtf(f"2025-01-01T{n // 60:02d}:{n % 60:02d}Z", "Asia/Baku")
