"""Law 10 (history) as the exploring commands see it, as checks that raise AssertionError.

tests/laws/test_history_laws.py runs them as hypothesis properties; tests/laws/test_history_mutations.py
breaks a piece on purpose and shows each law finding a counterexample.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import sqlite3
import tempfile
from pathlib import Path

from statustrack.api.explore import history, periods
from statustrack.api.query import at, diff, resolve_when, state_at
from statustrack.core import dates
from statustrack.core.facts import Key
from statustrack.log.load import Log
from statustrack.views.explore import render_summary
from statustrack.views.export import export
from statustrack.views.facts import render_diff

from .strategies import ACTORS, PLACES

_TICK = dt.timedelta(microseconds=1)


def _present(log: Log, key: Key, instant: object) -> bool:
    return key in state_at(log, instant).facts  # type: ignore[arg-type]


def check_history_tiles(log: Log) -> None:
    """History: the runs of one key never overlap, and tile the time from its first event
    on: between two runs, and before the first or after a closed last one, the key holds
    no fact; within a run it holds the run's value."""
    by_key: dict[Key, list] = {}
    for period in periods(log):
        by_key.setdefault(period.key, []).append(period)
    for key, runs in by_key.items():
        runs.sort(key=lambda p: p.valid_from)
        if runs[0].valid_from > dates.BEGINNING:
            assert not _present(log, key, runs[0].valid_from - _TICK), (key, "held before its first run")
        for run, after in itertools.pairwise(runs):
            assert run.valid_to is not None and run.valid_to <= after.valid_from, (key, "runs overlap")
            if run.valid_to < after.valid_from:
                assert not _present(log, key, run.valid_to), (key, "a gap between runs while the key holds")
        for run in runs:
            held = state_at(log, run.valid_from).facts.get(key)
            assert held is not None and (held.value, held.event) == (run.fact.value, run.fact.event), (key, run)
        last = runs[-1]
        assert _present(log, key, dates.END) == (last.valid_to is None), (key, "the last run's end")
        if last.valid_to is not None:
            assert not _present(log, key, last.valid_to), (key, "held after its last run")


def _seen(facts: object) -> dict:
    return {f.key: (f.value, f.event, f.since, f.certainty, f.events) for f in facts}  # type: ignore[attr-defined]


def check_history_is_at(log: Log, when: str) -> None:
    """History: for every subject, at(D) is exactly the runs of `history` that contain D,
    with the certainty and events they had at D."""
    q = resolve_when(log, when)
    names = {f.subject_name for p in periods(log) for f in [p.fact]}
    for subject in (*PLACES, *ACTORS, *sorted(names)):
        try:
            answer = at(log, when, subjects=[subject]).facts
        except ValueError:  # a spelling this log has nothing about
            continue
        runs = [p for p in history(log, subject).periods if p.holds_at(q) and _listed(p.fact_at(q))]
        from_history = {
            p.key: (p.fact_at(q).value, p.fact_at(q).event, p.fact_at(q).since, p.certainty_at(q), p.fact_at(q).events)
            for p in runs
        }
        assert from_history == _seen(answer), subject


def _listed(fact: object) -> bool:
    """Whether `at` lists a fact of the history among the facts in force: not an act (unless
    pending), not a position whose holder ceased to exist (issue 19)."""
    return fact.lapsed is None and (not fact.act or fact.pending)  # type: ignore[attr-defined]


def _utc_text(instant: object) -> str:
    """An instant as fixed-width UTC text, written here independently of the exporter."""
    u = instant.in_tz("UTC")  # type: ignore[attr-defined]
    return f"{u.year:04d}-{u.month:02d}-{u.day:02d}T{u.hour:02d}:{u.minute:02d}:{u.second:02d}.{u.microsecond:06d}Z"


def check_export_is_at(log: Log, when: str) -> None:
    """History: exporting to SQLite and selecting the rows with valid_from <= D < valid_to
    gives at(D): the same keys, values, events, since and certainty; a run whose accounts
    differ is one row per account, each with that account's value and event."""
    q = _utc_text(resolve_when(log, when))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "export.db"
        export(log, path, "sqlite")
        db = sqlite3.connect(path)
        try:
            rows = db.execute(
                "SELECT aspect, subject, pending, account, value, event, since, "
                "CASE WHEN certain_from IS NOT NULL AND certain_from <= ? THEN 'certain' ELSE 'possible' END "
                "FROM runs WHERE valid_from <= ? AND (valid_to IS NULL OR ? < valid_to) "
                "AND lapsed IS NULL AND (NOT act OR pending) ORDER BY row",
                (q, q, q),
            ).fetchall()
        finally:
            db.close()
    exported: dict[Key, list[tuple[object, ...]]] = {}
    for a, s, p, account, v, e, since, c in rows:
        exported.setdefault(Key(a, s, bool(p)), []).append((account, v, e, since, c))
    expected: dict[Key, list[tuple[object, ...]]] = {}
    for f in at(log, when).facts:
        accounts = f.accounts if len({t.value for t in f.accounts}) > 1 else ()
        expected[f.key] = [(n, t.value, t.event, t.since, f.certainty) for n, t in enumerate(accounts, 1)] or [
            (None, f.value, f.event, f.since, f.certainty)
        ]
    assert exported == expected


def check_summary_counts(log: Log, d1: str, d2: str) -> None:
    """`diff --summary` counts, per aspect and kind, exactly the changes `diff` lists."""
    result = diff(log, d1, d2)
    listed: dict[str, dict[str, int]] = {}
    for change in json.loads(render_diff(result, "json", log.name, log.timezone))["changes"]:
        counts = listed.setdefault(change["aspect"], {"added": 0, "changed": 0, "ended": 0})
        counts[change["change"]] += 1
    summary = json.loads(render_summary(log, result, "json"))
    assert summary["summary"] == listed
    assert sum(summary["total"].values()) == len(result.changes)
