"""Law 10 (history) over random logs: runs tile time, history is at, the export is at,
and diff --summary counts what diff lists."""

from __future__ import annotations

import pytest
from hypothesis import given

from statustrack.core import events as ev
from statustrack.log.load import Log

from ..support import history_laws as laws
from ..support.strategies import log_of, logs, logs_with_undo, query_dates

pytestmark = pytest.mark.slow  # Hypothesis searches of random logs


@given(logs_with_undo())
def test_history_runs_tile_time(items: list[ev.Event]) -> None:
    """Runs of one key never overlap and tile the time from its first event on."""
    laws.check_history_tiles(log_of(items))


@given(logs_with_undo(), query_dates())
def test_history_is_at(items: list[ev.Event], when: str) -> None:
    """For every subject, at(D) is exactly the runs of history that contain D."""
    laws.check_history_is_at(log_of(items), when)


@given(logs(), query_dates())
def test_export_is_at(log: Log, when: str) -> None:
    """Querying the SQLite export for the rows valid at D gives at(D)."""
    laws.check_export_is_at(log, when)


@given(logs(), query_dates(), query_dates())
def test_summary_counts_the_changes(log: Log, d1: str, d2: str) -> None:
    """diff --summary counts exactly the changes diff lists."""
    laws.check_summary_counts(log, d1, d2)
