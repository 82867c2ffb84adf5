"""Export: the whole replayed history as one tidy table, one row per value run and per account.

This module makes the rows (a dict per row) and states the columns once (`COLUMNS`: name,
type, meaning); `views.export` writes them as CSV, JSON Lines, SQLite or Parquet, and
docs/export.md's column table is generated from `COLUMNS` (`columns_markdown`).

A run whose accounts agree is one row (`account` empty); a run whose accounts give
different values (a disputed run) is one row per account (`account` 1, 2, ...), each with
that account's value, date, event, sources and fields, and the run's span and certainty.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import attrs

from statustrack.api.explore import Period, periods, recorded_event
from statustrack.api.query import rank, resolve_when
from statustrack.core.facts import Fact, Support
from statustrack.core.registry import SourceRef
from statustrack.log.load import Log

if TYPE_CHECKING:
    from statustrack.api.reader import Source as Readable

__all__ = [
    "BASE_COLUMNS",
    "COLUMNS",
    "INSTANT_COLUMNS",
    "LIST_COLUMNS",
    "TIME_COLUMNS",
    "Column",
    "ColumnType",
    "column_names",
    "columns_markdown",
    "detail_columns",
    "export_rows",
    "period_rows",
    "table_of",
]


class ColumnType(enum.StrEnum):
    """What a column holds, which each format stores in its own type."""

    INTEGER = "integer"
    TEXT = "text"
    BOOLEAN = "boolean"
    #: An instant: ISO 8601 UTC text in CSV, JSON and SQLite (declared TIMESTAMP), a timestamp in Parquet.
    INSTANT = "instant"
    #: A list of ids: space-separated in CSV, a JSON array in SQLite, a list in JSON and Parquet.
    IDS = "ids"
    #: The sources: a JSON array of {id, at, title, url} in CSV and SQLite, a list of structs in Parquet.
    SOURCES = "sources"


@attrs.frozen
class Column:
    """One column of the export: its name, what it holds, and what it means."""

    name: str
    type: ColumnType
    meaning: str
    required: bool = False


_C = ColumnType
#: Every column of the export but the aspect fields, in order; the aspect fields (`detail_columns`)
#: follow `value`. The one statement of the schema: the writers, the docs and Datasette's
#: metadata are made from it.
COLUMNS: tuple[Column, ...] = (
    Column("row", _C.INTEGER, "the row's number, 1.. (SQLite: primary key)", True),
    Column("run", _C.INTEGER, "the value run's number, 1..: the rows of one disputed run share it", True),
    Column(
        "account",
        _C.INTEGER,
        "for a run whose accounts differ, which account the row is (1, 2, ..., in "
        "date order); empty for a run whose accounts agree (one row)",
    ),
    Column(
        "aspect", _C.TEXT, "status, conflict, control, recognition, office, officeholder, relation, resolution", True
    ),
    Column("subject", _C.TEXT, "the subject's identifier, as `at --format json` gives it", True),
    Column("subject_name", _C.TEXT, "the subject as tables print it", True),
    Column("value", _C.TEXT, "the value held (a disputed run: this account's value)", True),
    Column(
        "since",
        _C.TEXT,
        "the EDTF date the run (or this account) began, as the sources give it "
        "(`1993-04-02`, `2012-05`, `[..2015-01-01]`)",
        True,
    ),
    Column("since_start", _C.INSTANT, "the first instant `since` may denote", True),
    Column("since_end", _C.INSTANT, "the last instant `since` may denote", True),
    Column(
        "valid_from",
        _C.INSTANT,
        "the instant the replay starts holding the value (the run's first event's `since_start`)",
        True,
    ),
    Column("valid_to", _C.INSTANT, "the instant it stops (empty / NULL: still in force at the log's end)"),
    Column(
        "until",
        _C.TEXT,
        "the date text `valid_to` comes from: the next value's `since`, a span's end, the "
        "effective date of a pending fact",
    ),
    Column(
        "certain_from",
        _C.INSTANT,
        "the first instant at which the run is certain (empty: it ended before "
        "it ever was); before it, `at` shows the run as possible",
    ),
    Column("ended_by", _C.INSTANT, "the instant by which the run had certainly ended (empty while it holds)"),
    Column(
        "certainty",
        _C.TEXT,
        "`certain` when the run is ever certain (from `certain_from`), else `possible` "
        "(it ended while its start was still uncertain)",
        True,
    ),
    Column("pending", _C.BOOLEAN, "true for a fact announced and not yet in effect", True),
    Column("effective", _C.TEXT, "for a pending fact, when it takes effect (EDTF text)"),
    Column("effective_at", _C.INSTANT, "for a pending fact, the instant it takes effect"),
    Column(
        "disputed",
        _C.BOOLEAN,
        "true when accounts of the happening disagree on the value, or a claim contests the run's ending",
        True,
    ),
    Column(
        "act",
        _C.BOOLEAN,
        "true for an act (a statement, a vote, a rejected motion...): it happened on its "
        "date and is not a standing position (docs/claims.md)",
        True,
    ),
    Column(
        "lapsed",
        _C.TEXT,
        "why a standing position stopped without being changed (`holder ceased to exist`), else empty",
    ),
    Column("event", _C.TEXT, "the event that began the run (a disputed run: this account's event)", True),
    Column("event_date", _C.TEXT, "that event's `date` as written (EDTF)"),
    Column("events", _C.IDS, "every event behind the run: accounts and corroborations", True),
    Column("note", _C.TEXT, "the note of the row's event, in the curator's own words"),
    Column(
        "principal",
        _C.TEXT,
        "the place or actor the fact is chiefly about, whose level and country follow "
        "(the recognising actor, the resolving body, a tie's first end with a country, "
        "an office's place)",
    ),
    Column("level", _C.TEXT, "the principal actor's level (`un-member`, `regional-parliament`, `city`, ...)"),
    Column(
        "country",
        _C.TEXT,
        "the state the principal is or is part of (its `part_of` chain's first "
        "`un-member` or `non-un-state`, or the region's own polity); empty for an "
        "international body or a disputed place",
    ),
    Column("part_of", _C.IDS, "the principal's `part_of` chain, nearest first (`california united-states`)"),
    Column(
        "type",
        _C.TEXT,
        "a tie's type (`twinning`, `friendship`, ...) or an office's type "
        "(`permanent-representation`, `information-office`), from the registry",
    ),
    Column("sources", _C.SOURCES, "every source of the row: id, where in it (`at`), title and address (`url`)", True),
)
#: The columns before the aspect fields, and after them (kept for callers of the old names).
BASE_COLUMNS = tuple(c.name for c in COLUMNS[: COLUMNS.index(next(c for c in COLUMNS if c.name == "value")) + 1])
TIME_COLUMNS = tuple(c.name for c in COLUMNS[len(BASE_COLUMNS) :])
#: The columns that hold instants (pendulum instants in the rows).
INSTANT_COLUMNS = frozenset(c.name for c in COLUMNS if c.type is ColumnType.INSTANT)
#: The columns that hold lists of ids.
LIST_COLUMNS = frozenset(c.name for c in COLUMNS if c.type is ColumnType.IDS)
_OWN = frozenset(c.name for c in COLUMNS)


def detail_columns(items: Sequence[Period]) -> tuple[str, ...]:
    """The aspect fields found in `items` (accounts' too) that are not columns already, sorted."""
    found = {k for p in items for k, _ in p.fact.detail}
    found |= {k for p in items for account in p.fact.accounts for k, _ in account.detail}
    return tuple(sorted(found - _OWN))


def column_names(fields: Sequence[str]) -> tuple[str, ...]:
    """Every column in order, with the aspect fields `fields` after `value`."""
    return BASE_COLUMNS + tuple(fields) + TIME_COLUMNS


def _differs(fact: Fact) -> tuple[Support, ...]:
    """The accounts of a run whose accounts give different values (else none: one row)."""
    accounts = fact.accounts
    return accounts if len({a.value for a in accounts}) > 1 else ()


def _note(log: Readable, ident: str) -> tuple[str | None, str | None]:
    told = recorded_event(log, ident)
    if told is None:
        return None, None
    return told.note, (told.date.edtf if told.date is not None else None)


def period_rows(
    log: Readable, period: Period, number: int, fields: Sequence[str], first_row: int = 1
) -> list[dict[str, Any]]:
    """One run as export rows (one, or one per differing account), numbered from `first_row`:
    instants as pendulum instants, `sources` as dicts (id, at, title, url), lists as lists."""
    fact = period.fact
    reg = log.registry
    principal = reg.principal(fact.about)
    detail = dict(fact.detail)
    level = detail.get("level") or (reg.level(principal) if principal else None)
    kind = detail.get("type") or (
        reg.office_type(principal, dict(fact.about).get("polity")) if fact.aspect == "office" and principal else None
    )
    shared: dict[str, Any] = {
        "run": number,
        "aspect": fact.aspect,
        "subject": fact.subject,
        "subject_name": fact.subject_name,
        "valid_from": period.valid_from,
        "valid_to": period.valid_to,
        "until": period.until,
        "certain_from": period.certain_from,
        "ended_by": period.ended_by,
        "certainty": "certain" if period.certain_from is not None else "possible",
        "pending": fact.pending,
        "effective": str(fact.effective) if fact.pending and fact.effective is not None else None,
        "effective_at": fact.effective.start if fact.pending and fact.effective is not None else None,
        "disputed": fact.disputed,
        "events": list(fact.events),
        "principal": principal,
        "level": level,
        "act": fact.act,
        "lapsed": fact.lapsed.value if fact.lapsed is not None else None,
        "country": reg.country(principal) if principal else None,
        "part_of": list(reg.chain(principal)) if principal else [],
        "type": kind,
    }
    told: Sequence[Fact | Support] = _differs(fact) or (fact,)
    rows = []
    for position, one in enumerate(told, start=1):
        note, date = _note(log, one.event)
        own = dict(one.detail)
        row = {
            "row": first_row + position - 1,
            **shared,
            "account": position if len(told) > 1 else None,
            "value": one.value,
            "since": one.since,
            "since_start": one.interval.start,
            "since_end": one.interval.end,
            "event": one.event,
            "event_date": date,
            "note": note,
            "sources": [_source(log, s) for s in one.sources],
        }
        row.update({k: own.get(k) for k in fields})
        if len(told) > 1 and own.get("level"):
            row["level"] = own["level"]
        rows.append(row)
    return rows


def table_of(log: Readable, items: Sequence[Period]) -> tuple[tuple[str, ...], list[dict[str, Any]]]:
    """The columns and rows for `items`: runs numbered from 1 in the order given, rows too."""
    fields = detail_columns(items)
    rows: list[dict[str, Any]] = []
    for number, period in enumerate(items, 1):
        rows += period_rows(log, period, number, fields, len(rows) + 1)
    return column_names(fields), rows


def export_rows(log: Log, known_at: str | None = None) -> tuple[tuple[str, ...], list[dict[str, Any]]]:
    """The columns and rows of the export: one row per value run (per account where the
    accounts differ), ordered by aspect, subject name and time, numbered from 1."""
    record = resolve_when(log, known_at) if known_at else None
    return table_of(log, sorted(periods(log, record), key=lambda p: (rank(p.fact), p.valid_from)))


def _source(log: Readable, ref: SourceRef) -> dict[str, str | None]:
    entry = log.registry.sources.get(ref.id)
    return {"id": ref.id, "at": ref.at, "title": entry.title if entry else None, "url": entry.url if entry else None}


def columns_markdown() -> str:
    """docs/export.md's column table, made from `COLUMNS` (the docs test compares them)."""
    lines = ["| column | type | meaning |", "| --- | --- | --- |"]
    for column in COLUMNS:
        lines.append(f"| `{column.name}` | {column.type} | {column.meaning} |")
        if column.name == "value":
            lines.append(
                "| aspect fields | text | one column per field an aspect adds, sorted by name: for the "
                "shipped log `actor`, `body`, `by`, `ends`, `from`, `holder`, `how`, `instrument`, "
                "`issuer`, `parties`, `party`, `place`, `polity`, `stance`, `state` (empty where the "
                'aspect has no such field; `from` is an SQL keyword: quote it, `"from"`) |'
            )
    return "\n".join(lines)
