"""One count everywhere (issue 22): subjects, history, at, countries and the export agree,
on random logs and on the shipped log; and the check can fail."""

from __future__ import annotations

from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from statustrack.api import explore
from statustrack.log.load import Log, load_log

from ..support import count_laws as laws
from ..support.laws import breaks
from ..support.strategies import logs, query_dates


@pytest.mark.slow
@given(logs())
def test_subjects_are_history(log: Log) -> None:
    """Every subjects entry counts the runs history gives for it."""
    laws.check_subjects_are_history(log)


@pytest.mark.slow
@given(logs(), query_dates())
def test_counts_agree(log: Log, when: str) -> None:
    """at, its JSON, countries and the export count the same facts at any date."""
    laws.check_counts_agree(log, when)


def test_shipped_log_counts_agree() -> None:
    """On the shipped log: subjects is history, and the counts agree on the dates the issue names."""
    log = load_log()
    laws.check_subjects_are_history(log)
    for when in ("2020-11-10", "2024-06-01"):
        laws.check_counts_agree(log, when)


@pytest.mark.slow
def test_subjects_law_catches_leaving_out_pending_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """A subjects that leaves out pending runs (as it once did) no longer counts what history gives."""
    real = explore.subjects

    def settled_only(log: Log, **options: Any) -> tuple[explore.SubjectEntry, ...]:
        pending = [p for p in explore.periods(log) if p.key.pending]
        out = []
        for entry in real(log, **options):
            mine = sum(
                1 for p in pending if p.key.subject in entry.idents or entry.ident in {v for _, v in p.fact.about}
            )
            out.append(attrs.evolve(entry, runs=max(entry.runs - mine, 0)))
        return tuple(out)

    monkeypatch.setattr(laws, "subjects", settled_only)
    breaks(laws.check_subjects_are_history, st.tuples(logs(8)))


def test_count_law_catches_one_row_per_disputed_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """An export with one row per run (the first account's stance only, as before) undercounts a
    stance that `at --stance` finds through a differing account: Alfortville on the shipped log."""
    from statustrack.api import export

    monkeypatch.setattr(export, "_differs", lambda fact: ())
    with pytest.raises(AssertionError):
        laws.check_counts_agree(load_log(), "2020-11-10")
