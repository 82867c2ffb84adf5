"""Output: one render function per format (table, json, csv) for answers, diffs and checks."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from itertools import groupby
from typing import Any

from statustrack.api.query import Answer, Change, Diff
from statustrack.api.summary import Summary
from statustrack.core.dates import iso
from statustrack.core.facts import Fact
from statustrack.core.registry import Registry
from statustrack.core.shape import account_json, fact_json
from statustrack.errors import Problem
from statustrack.views.csv import csv_text
from statustrack.views.json import document
from statustrack.views.summary import render_summary_table, summary_json
from statustrack.views.table import simple_table, wrap_cell

__all__ = [
    "DIFF_CSV_COLUMNS",
    "account_json",
    "fact_json",
    "facts_csv",
    "render_answer",
    "render_diff",
    "render_problems",
]
_POSSIBLE = "?"
#: The heading of the section of recent acts in a table answer (docs/claims.md).
_ACTS = "recent acts (newest first)"
_LEGEND = f"{_POSSIBLE} possible: the event's date straddles this instant; it may not hold yet."


def _since(fact: Fact) -> str:
    return fact.since + (f" {_POSSIBLE}" if fact.certainty == "possible" else "")


def _cell(fact: Fact) -> str:
    """The value column of a fact: value, event, then accounts, corroboration and disputes."""
    lines = [f"{fact.value}{_otherwise(fact)}"]
    if fact.pending and fact.effective is not None:
        lines[0] = f"{lines[0]} [pending: from {fact.effective}]"
    lines.append(f"({fact.event})")
    accounts = [s for s in fact.supports if s.role == "account"]
    if accounts and fact.disputed:
        lines.append("accounts: " + "; ".join(f"{s.value} {s.since}" for s in accounts))
    elif accounts:
        lines.append("accounts: " + "; ".join(f"{s.since} per {', '.join(r.id for r in s.sources)}" for s in accounts))
    corroborated = [s for s in fact.supports if s.role == "corroboration"]
    if corroborated:
        lines.append(f"+{len(corroborated)} corroborating: {', '.join(s.event for s in corroborated)}")
    for s in fact.supports:
        if s.role == "dispute":
            lines.append(f"disputed: {s.value} ({s.event})")
    return "\n".join(lines)


def _grouped(
    items: Sequence[Any],
    aspect: Callable[[Any], str],
    headers: Sequence[str],
    row: Callable[[Any], Sequence[str]],
    widths: Sequence[int],
) -> str:
    blocks = []
    for name, group in groupby(items, key=aspect):
        rows = [[wrap_cell(cell, width) for cell, width in zip(row(i), widths, strict=True)] for i in group]
        table = simple_table(rows, headers)
        blocks.append(name + "\n" + "\n".join("  " + line for line in table.splitlines()))
    return "\n\n".join(blocks)


def render_answer(
    answer: Answer, fmt: str, log_name: str, tz: str, summary: Summary | None = None, registry: Registry | None = None
) -> str:
    """An `at` answer in `fmt`. With `summary`, JSON carries it beside every fact and the
    table is the summary alone (one screen); without, the table lists every fact. With
    `registry`, JSON facts carry their country and `part_of` chain."""
    if fmt == "json":
        out: dict[str, Any] = {
            "at": answer.at,
            "known_at": answer.known_at,
            "instant": iso(answer.instant),
            "beyond_horizon": answer.beyond_horizon,
            "facts": [fact_json(f, answer.instant, registry) for f in answer.facts],
            "acts": [fact_json(f, answer.instant, registry) for f in answer.acts],
        }
        if summary is not None:
            out["summary"] = summary_json(summary)
        return document(out)
    if fmt == "csv":
        return facts_csv(answer.facts)
    known = f", as recorded by {answer.known_at}" if answer.known_at else ""
    if summary is not None:
        return render_summary_table(summary, log_name, tz, known)
    head = f"{log_name} at {answer.at} ({tz}{known})"
    acts = ""
    if answer.acts:
        table = _grouped(
            answer.acts,
            lambda f: _ACTS,
            ["subject", "act (event)", "date"],
            lambda f: [f.subject_name, _cell(f), _since(f)],
            [16, 32, 24],
        )
        acts = f"\n\n{table}"
    if not answer.facts:
        return f"{head}\n\nno facts in force.{acts}\n"
    body = _grouped(
        answer.facts,
        lambda f: f.aspect,
        ["subject", "value (event)", "since"],
        lambda f: [f.subject_name, _cell(f), _since(f)],
        [16, 32, 24],
    )
    legend = f"\n\n{_LEGEND}" if any(f.certainty == "possible" for f in (*answer.facts, *answer.acts)) else ""
    return f"{head}\n\n{body}{acts}{legend}\n"


def _otherwise(fact: Fact) -> str:
    if fact.certainty != "possible" or fact.otherwise is None:
        return ""
    return f"; if not yet: {fact.otherwise}"


def _brief(fact: Fact | None) -> str:
    if fact is None:
        return "-"
    pending = f" [pending: from {fact.effective}]" if fact.pending and fact.effective is not None else ""
    return fact.value + pending + (f" ({_POSSIBLE})" if fact.certainty == "possible" else "")


def _change_sources(change: Change, registry: Registry | None) -> list[dict[str, Any]]:
    out = []
    for ref in change.sources:
        entry = registry.sources.get(ref.id) if registry is not None else None
        out.append(
            {"id": ref.id, "at": ref.at, "title": entry.title if entry else None, "url": entry.url if entry else None}
        )
    return out


#: The columns of `diff --format csv`, in order (docs/explore.md).
DIFF_CSV_COLUMNS = (
    "aspect",
    "subject",
    "subject_name",
    "before",
    "after",
    "before_certainty",
    "after_certainty",
    "events",
    "pending",
    "change",
    "date",
    "event_dates",
    "level",
    "country",
    "part_of",
    "sources",
)


def render_diff(result: Diff, fmt: str, log_name: str, tz: str, registry: Registry | None = None) -> str:
    """A `diff` result in `fmt`; with `registry`, sources carry their titles and addresses."""
    if fmt == "json":
        return document(
            {
                "from": result.from_,
                "to": result.to,
                "known_at": result.known_at,
                "backward": result.backward,
                "changes": [
                    {
                        "aspect": c.aspect,
                        "subject": c.subject,
                        "subject_name": c.subject_name,
                        "before": fact_json(c.before, result.from_instant) if c.before else None,
                        "after": fact_json(c.after, result.to_instant) if c.after else None,
                        "pending": c.pending,
                        "change": c.kind,
                        "events": list(c.events),
                        "undoes": list(c.events) if result.backward else [],
                        "date": c.date,
                        "event_dates": [{"event": e, "date": d} for e, d in c.event_dates],
                        "level": c.level,
                        "country": c.country,
                        "part_of": list(c.part_of),
                        "sources": _change_sources(c, registry),
                    }
                    for c in result.changes
                ],
            }
        )
    if fmt == "csv":
        return csv_text(
            list(DIFF_CSV_COLUMNS),
            (
                [
                    c.aspect,
                    c.subject,
                    c.subject_name,
                    c.before.value if c.before else "",
                    c.after.value if c.after else "",
                    c.before.certainty if c.before else "",
                    c.after.certainty if c.after else "",
                    " ".join(c.events),
                    "true" if c.pending else "false",
                    c.kind,
                    c.date or "",
                    json.dumps([{"event": e, "date": d} for e, d in c.event_dates], ensure_ascii=False),
                    c.level or "",
                    c.country or "",
                    " ".join(c.part_of),
                    json.dumps(_change_sources(c, registry), ensure_ascii=False),
                ]
                for c in result.changes
            ),
        )
    known = f", as recorded by {result.known_at}" if result.known_at else ""
    head = f"{log_name}: changes from {result.from_} to {result.to} ({tz}{known})"
    if result.backward:
        head = (
            f"{log_name}: backward from {result.from_} to {result.to} ({tz}{known})\n"
            "going back in time: each change undoes the events it names"
        )
    if not result.changes:
        return f"{head}\n\nno changes.\n"
    verb = "undoes " if result.backward else ""
    body = _grouped(
        result.changes,
        lambda c: c.aspect,
        ["subject", "before", "after (undoes)" if result.backward else "after (events)"],
        lambda c: [c.subject_name, _brief(c.before), _brief(c.after) + "".join(f"\n({verb}{e})" for e in c.events)],
        [20, 24, 30],
    )
    possible = any(f is not None and f.certainty == "possible" for c in result.changes for f in (c.before, c.after))
    legend = f"\n\n{_LEGEND}" if possible else ""
    return f"{head}\n\n{body}{legend}\n"


def render_problems(problems: Sequence[Problem], fmt: str) -> str:
    """Problems found in a log, one line each (or JSON / CSV records)."""
    if fmt == "json":
        return document(
            {
                "valid": not problems,
                "problems": [
                    {"file": p.file, "line": p.line, "event": p.event, "message": p.message, "hint": p.hint}
                    for p in problems
                ],
            }
        )
    if fmt == "csv":
        return csv_text(
            ["file", "line", "event", "message", "hint"],
            ([p.file, p.line, p.event or "", p.message, p.hint] for p in problems),
        )
    return "".join(f"{p}\n" for p in problems)


_CSV_HEAD = [
    "aspect",
    "subject",
    "subject_name",
    "value",
    "since",
    "since_start",
    "since_end",
    "certainty",
    "pending",
    "effective_at",
    "event",
    "events",
    "disputed",
]


def facts_csv(facts: Sequence[Fact]) -> str:
    """Facts as CSV: the public fields, the aspect fields as columns, one source per column group."""
    fields = list(dict.fromkeys(k for f in facts for k, _ in f.detail if k not in _CSV_HEAD))
    width = max((len(f.sources) for f in facts), default=1)
    groups = [h for i in range(1, width + 1) for h in (f"source_{i}", f"source_{i}_at")]
    rows = []
    for f in facts:
        detail = dict(f.detail)
        refs = [v for s in f.sources for v in (s.id, s.at)]
        rows.append(
            [
                f.aspect,
                f.subject,
                f.subject_name,
                f.value,
                f.since,
                iso(f.interval.start),
                iso(f.interval.end),
                f.certainty,
                "true" if f.pending else "false",
                iso(f.effective.start) if f.pending and f.effective else "",
                f.event,
                " ".join(f.events),
                "true" if f.disputed else "false",
            ]
            + [detail.get(k, "") for k in fields]
            + refs
            + [""] * (2 * width - len(refs))
        )
    return csv_text(_CSV_HEAD + fields + groups, rows)
