"""Output: one render function per format (table, json, csv) for answers, diffs and checks."""

from __future__ import annotations

import contextlib
import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextvars import ContextVar
from itertools import groupby
from typing import Any

from tabulate import tabulate

from .errors import Problem
from .facts import Fact
from .query import Answer, Diff

__all__ = ["FORMATS", "fact_json", "raw_csv", "render_answer", "render_diff", "render_problems", "render_rows"]

FORMATS = ("table", "json", "csv")
_POSSIBLE = "?"
_LEGEND = f"{_POSSIBLE} possible: the event's date straddles this instant; it may not hold yet."


def fact_json(fact: Fact) -> dict[str, Any]:
    """A fact as a JSON object: the public fields, then the aspect's own fields."""
    out: dict[str, Any] = {
        "aspect": fact.aspect,
        "subject": fact.subject,
        "subject_name": fact.subject_name,
        "value": fact.value,
        "since": fact.since,
        "certainty": fact.certainty,
        "event": fact.event,
        "sources": [{"id": s.id, "at": s.at} for s in fact.sources],
    }
    if fact.certainty == "possible":
        out["otherwise"] = fact.otherwise
        out["otherwise_event"] = fact.otherwise_event
    for key, value in fact.detail:
        out.setdefault(key, value)
    return out


def _dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _since(fact: Fact) -> str:
    return fact.since + (f" {_POSSIBLE}" if fact.certainty == "possible" else "")


def _grouped(items: Sequence[Any], aspect: Callable[[Any], str], headers: Sequence[str],
             row: Callable[[Any], Sequence[str]], widths: Sequence[int]) -> str:
    blocks = []
    for name, group in groupby(items, key=aspect):
        table = tabulate([row(i) for i in group], headers=headers, tablefmt="simple",
                         maxcolwidths=list(widths), disable_numparse=True)
        blocks.append(name + "\n" + "\n".join("  " + line for line in table.splitlines()))
    return "\n\n".join(blocks)


def render_answer(answer: Answer, fmt: str, log_name: str, tz: str) -> str:
    """An `at` answer in `fmt`."""
    if fmt == "json":
        return _dumps({"at": answer.at, "known_at": answer.known_at,
                       "facts": [fact_json(f) for f in answer.facts]})
    if fmt == "csv":
        return _csv(["aspect", "subject", "subject_name", "value", "since", "certainty", "event", "sources"],
                    ([f.aspect, f.subject, f.subject_name, f.value, f.since, f.certainty, f.event,
                      _sources(f)] for f in answer.facts))
    known = f", as recorded by {answer.known_at}" if answer.known_at else ""
    head = f"{log_name} at {answer.at} ({tz}{known})"
    if not answer.facts:
        return f"{head}\n\nno facts in force.\n"
    body = _grouped(answer.facts, lambda f: f.aspect, ["subject", "value (event)", "since"],
                    lambda f: [f.subject_name, f"{f.value}{_otherwise(f)}\n({f.event})", _since(f)], [18, 32, 22])
    legend = f"\n\n{_LEGEND}" if any(f.certainty == "possible" for f in answer.facts) else ""
    return f"{head}\n\n{body}{legend}\n"


def _otherwise(fact: Fact) -> str:
    if fact.certainty != "possible" or fact.otherwise is None:
        return ""
    return f"; if not yet: {fact.otherwise}"


def _brief(fact: Fact | None) -> str:
    if fact is None:
        return "-"
    return fact.value + (f" ({_POSSIBLE})" if fact.certainty == "possible" else "")


def render_diff(result: Diff, fmt: str, log_name: str, tz: str) -> str:
    """A `diff` result in `fmt`."""
    if fmt == "json":
        return _dumps({"from": result.from_, "to": result.to, "known_at": result.known_at, "changes": [
            {"aspect": c.aspect, "subject": c.subject, "subject_name": c.subject_name,
             "before": fact_json(c.before) if c.before else None,
             "after": fact_json(c.after) if c.after else None,
             "events": list(c.events)} for c in result.changes]})
    if fmt == "csv":
        return _csv(["aspect", "subject", "subject_name", "before", "after", "before_certainty",
                     "after_certainty", "events"],
                    ([c.aspect, c.subject, c.subject_name, c.before.value if c.before else "",
                      c.after.value if c.after else "", c.before.certainty if c.before else "",
                      c.after.certainty if c.after else "", " ".join(c.events)] for c in result.changes))
    known = f", as recorded by {result.known_at}" if result.known_at else ""
    head = f"{log_name}: changes from {result.from_} to {result.to} ({tz}{known})"
    if not result.changes:
        return f"{head}\n\nno changes.\n"
    body = _grouped(result.changes, lambda c: c.aspect, ["subject", "before", "after (events)"],
                    lambda c: [c.subject_name, _brief(c.before),
                               _brief(c.after) + "".join(f"\n({e})" for e in c.events)],
                    [20, 24, 30])
    possible = any(f is not None and f.certainty == "possible" for c in result.changes for f in (c.before, c.after))
    legend = f"\n\n{_LEGEND}" if possible else ""
    return f"{head}\n\n{body}{legend}\n"


def render_problems(problems: Sequence[Problem], fmt: str) -> str:
    """Problems found in a log, one line each (or JSON / CSV records)."""
    if fmt == "json":
        return _dumps({"valid": not problems, "problems": [
            {"file": p.file, "line": p.line, "event": p.event, "message": p.message, "hint": p.hint}
            for p in problems]})
    if fmt == "csv":
        return _csv(["file", "line", "event", "message", "hint"],
                    ([p.file, "" if p.line is None else str(p.line), p.event or "", p.message, p.hint]
                     for p in problems))
    return "".join(f"{p}\n" for p in problems)


def render_rows(headers: Sequence[str], rows: Sequence[Sequence[Any]], fmt: str, key: str) -> str:
    """A plain table of rows (for summaries) in `fmt`; JSON is a list of objects under `key`."""
    if fmt == "json":
        return _dumps({key: [dict(zip(headers, r, strict=True)) for r in rows]})
    if fmt == "csv":
        return _csv(list(headers), ([str(v) for v in r] for r in rows))
    widths = [None] * (len(headers) - 1) + [44]
    return tabulate(rows, headers=headers, tablefmt="simple", maxcolwidths=widths, disable_numparse=True) + "\n"


def _sources(fact: Fact) -> str:
    return "; ".join(f"{s.id} ({s.at})" if s.at else s.id for s in fact.sources)


#: Cells a spreadsheet would run as a formula (OWASP, "CSV Injection"); `_csv` prefixes them with '.
_FORMULA = ("=", "+", "-", "@", "\t", "\r")
_RAW_CSV: ContextVar[bool] = ContextVar("raw_csv", default=False)


@contextlib.contextmanager
def raw_csv(raw: bool = True) -> Iterator[None]:
    """Within the block, CSV output writes cells as they are, formula-leading ones included."""
    token = _RAW_CSV.set(raw)
    try:
        yield
    finally:
        _RAW_CSV.reset(token)


def _cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA):
        return "'" + value
    return value


def _csv(headers: list[str], rows: Iterable[list[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(headers)
    if _RAW_CSV.get():
        writer.writerows(rows)
    else:
        writer.writerows([_cell(v) for v in row] for row in rows)
    return buffer.getvalue()
