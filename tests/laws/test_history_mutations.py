"""Each history law can fail: break one piece on purpose and show the law finding a counterexample."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from hypothesis import strategies as st

from statustrack.api import explore
from statustrack.core import shown
from statustrack.core.history import Run, runs_of
from statustrack.views import explore as render_explore
from statustrack.views import export as exporting

from ..support import history_laws as laws
from ..support.laws import breaks
from ..support.strategies import log_of, logs, logs_with_undo, query_dates

pytestmark = pytest.mark.slow  # each test searches up to 3,000 examples for a counterexample


def test_tiling_catches_runs_that_end_at_their_first_version(monkeypatch: pytest.MonkeyPatch) -> None:
    """Runs that take their end from their first version (not their last) leave gaps while the key holds."""

    def early_end(all_versions: Any) -> tuple[Run, ...]:
        return tuple(Run(r.key, r.run, r.valid_from, r.versions[0].valid_to, r.versions) for r in runs_of(all_versions))

    monkeypatch.setattr(explore, "runs_of", early_end)
    breaks(laws.check_history_tiles, st.tuples(logs_with_undo(8).map(log_of)))


def test_history_is_at_catches_certainty_that_ignores_corroboration(monkeypatch: pytest.MonkeyPatch) -> None:
    """Taking a run's certainty from the event that began it, ignoring the more precise
    events that joined it, disagrees with at(D)."""
    first_only = shown.run_ends

    def from_the_first(runs: Any) -> Any:
        return first_only(
            [(key, start, end, [(start, versions[0][1], versions[0][2])]) for key, start, end, versions in runs]
        )

    monkeypatch.setattr(explore, "run_ends", from_the_first)
    breaks(laws.check_history_is_at, st.tuples(logs(8), query_dates()))


def test_export_catches_local_time_instants(monkeypatch: pytest.MonkeyPatch) -> None:
    """An export that writes instants in the region's local time (not UTC) selects the wrong rows."""
    monkeypatch.setattr(
        exporting, "instant_text", lambda instant: None if instant is None else instant.in_tz("Asia/Baku").isoformat()
    )
    breaks(laws.check_export_is_at, st.tuples(logs(8), query_dates()))


def test_summary_catches_a_summary_that_drops_pending_changes(monkeypatch: pytest.MonkeyPatch) -> None:
    """A summary that leaves out pending facts (to show a decree once) no longer counts what diff lists."""

    def settled_only(result: Any) -> dict[str, Counter[str]]:
        counts: dict[str, Counter[str]] = {}
        for change in result.changes:
            if not change.pending:
                counts.setdefault(change.aspect, Counter())[change.kind] += 1
        return counts

    monkeypatch.setattr(render_explore, "summary_counts", settled_only)
    breaks(laws.check_summary_counts, st.tuples(logs(8), query_dates(), query_dates()))
