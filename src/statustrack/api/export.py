"""Export: the whole replayed history as one tidy table, one row per value run.

This module makes the rows (columns, and a dict per run); `views.export` writes them as
CSV, JSON Lines, SQLite or Parquet. The schema is documented in docs/export.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from statustrack.api.explore import Period, periods
from statustrack.api.query import rank, resolve_when
from statustrack.log.load import Log

__all__ = ["BASE_COLUMNS", "INSTANT_COLUMNS", "TIME_COLUMNS", "detail_columns", "export_rows", "period_row",
           "table_of"]

#: The columns every export has, in order; the aspect fields follow `value`.
BASE_COLUMNS = ("run", "aspect", "subject", "subject_name", "value")
TIME_COLUMNS = ("since", "since_start", "since_end", "valid_from", "valid_to", "until", "certain_from", "ended_by",
                "pending", "effective", "effective_at", "disputed", "event", "events", "act", "lapsed")
#: The columns that hold instants (pendulum instants in the rows).
INSTANT_COLUMNS = frozenset({"since_start", "since_end", "valid_from", "valid_to", "certain_from", "ended_by",
                             "effective_at"})


def detail_columns(items: Sequence[Period]) -> tuple[str, ...]:
    """The aspect fields found in `items`, sorted: one column each."""
    taken = set(BASE_COLUMNS) | set(TIME_COLUMNS) | {"sources"}
    return tuple(sorted({k for p in items for k, _ in p.fact.detail} - taken))


def period_row(log: Log, period: Period, number: int, fields: Sequence[str]) -> dict[str, Any]:
    """One run as an export row (instants as pendulum instants, `sources` as dicts)."""
    fact = period.fact
    detail = dict(fact.detail)
    row: dict[str, Any] = {"run": number, "aspect": fact.aspect, "subject": fact.subject,
                           "subject_name": fact.subject_name, "value": fact.value}
    row.update({k: detail.get(k) for k in fields})
    row.update({
        "since": fact.since, "since_start": fact.interval.start, "since_end": fact.interval.end,
        "valid_from": period.valid_from, "valid_to": period.valid_to, "until": period.until,
        "certain_from": period.certain_from, "ended_by": period.ended_by, "pending": fact.pending,
        "effective": str(fact.effective) if fact.pending and fact.effective is not None else None,
        "effective_at": fact.effective.start if fact.pending and fact.effective is not None else None,
        "disputed": fact.disputed, "event": fact.event, "events": list(fact.events),
        "act": fact.act, "lapsed": fact.lapsed.value if fact.lapsed is not None else None,
        "sources": [_source(log, s.id, s.at) for s in fact.sources],
    })
    return row


def table_of(log: Log, items: Sequence[Period]) -> tuple[tuple[str, ...], list[dict[str, Any]]]:
    """The columns and rows for `items`, numbered from 1 in the order given."""
    fields = detail_columns(items)
    return BASE_COLUMNS + fields + TIME_COLUMNS, [period_row(log, p, n, fields) for n, p in enumerate(items, 1)]


def export_rows(log: Log, known_at: str | None = None) -> tuple[tuple[str, ...], list[dict[str, Any]]]:
    """The columns and rows of the export: one row per value run, ordered by aspect, subject
    name and time, numbered from 1. `sources` holds dicts (id, at, title, url)."""
    record = resolve_when(log, known_at) if known_at else None
    return table_of(log, sorted(periods(log, record), key=lambda p: (rank(p.fact), p.valid_from)))


def _source(log: Log, ident: str, at: str) -> dict[str, str | None]:
    entry = log.registry.sources.get(ident)
    return {"id": ident, "at": at, "title": entry.title if entry else None, "url": entry.url if entry else None}
