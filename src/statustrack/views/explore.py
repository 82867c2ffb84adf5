"""Output of the exploring commands (history, show, why, subjects, diff --summary, sources),
one render branch per format (table, json, csv), beside `facts` for at and diff."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from statustrack.api.explore import Cited, Countries, History, Period, Shown, SubjectEntry, Why, recorded_event
from statustrack.api.reader import Source
from statustrack.core.dates import iso
from statustrack.core.facts import Fact
from statustrack.core.shown import cited_json, run_json
from statustrack.views.csv import Cell, csv_text
from statustrack.views.facts import fact_json
from statustrack.views.json import document
from statustrack.views.runs import HOLDS, history_table, per, run_lines
from statustrack.views.table import wrap

if TYPE_CHECKING:
    from statustrack.api.query import Diff
    from statustrack.core.model import Log

__all__ = [
    "period_json",
    "render_countries",
    "render_history",
    "render_show",
    "render_sources",
    "render_subjects",
    "render_summary",
    "render_why",
    "summary_counts",
]


def _opt(instant: Any) -> str | None:
    return None if instant is None else iso(instant)


def _cited_json(cited: Cited) -> dict[str, Any]:
    s = cited.source
    return cited_json(cited.ref.id, cited.ref.at, s.title if s else None, s.url if s else None)


def _sources_json(log: Source, fact: Fact) -> list[dict[str, Any]]:
    return [_cited_json(Cited(r, log.registry.sources.get(r.id))) for r in fact.sources]


def period_json(log: Source, period: Period) -> dict[str, Any]:
    """A value run as a JSON object: the fact's public fields (sources with title and
    address), then when it held and how certain its bounds are (`core.shown.run_json`)."""
    return run_json(
        fact_json(period.fact),
        _sources_json(log, period.fact),
        iso(period.valid_from),
        _opt(period.valid_to),
        period.until,
        _opt(period.certain_from),
        _opt(period.ended_by),
    )


def _from(period: Period) -> str:
    return period.fact.since


def _to(period: Period) -> str:
    return period.until if period.until is not None else HOLDS


def _own_sources(log: Source, fact: Fact) -> list[str]:
    """The source ids of the event that began a run (its corroborations list their own)."""
    told = recorded_event(log, fact.event)
    return [r.id for r in (told.sources if told is not None else fact.sources)]


def _run_lines(log: Source, period: Period) -> tuple[dict[str, Any], list[str]]:
    """A value run's fact as a JSON object, and the run as lines (`views.runs.run_lines`)."""
    fact = fact_json(period.fact)
    return fact, run_lines(fact, period.until, lambda: _own_sources(log, period.fact))


def render_history(log: Source, result: History, fmt: str) -> str:
    """A `history` result in `fmt`: one row (or object) per value run."""
    if fmt == "json":
        return document(
            {
                "subject": result.subject,
                "known_at": result.known_at,
                "runs": [period_json(log, p) for p in result.periods],
            }
        )
    if fmt == "csv":
        from statustrack.api.export import table_of  # only here: the export's columns cost start-up time
        from statustrack.views.export import runs_csv

        return runs_csv(*table_of(log, result.periods))
    runs = [_run_lines(log, p) for p in result.periods]
    return history_table(log.name, log.timezone, result.subject, result.known_at, runs)


def _cited_lines(items: Sequence[Cited], indent: str = "  ") -> list[str]:
    lines = []
    for c in items:
        title = f"{c.source.title}" if c.source else "(not in the registry)"
        lines += wrap(f"{c.ref.id}: {title}", indent, hang="  ")
        if c.source:
            lines.append(f"{indent}  {c.source.url}")
        if c.ref.at:
            lines += wrap(f"at: {c.ref.at}", indent + "  ", hang="  ")
    return lines


def _fit(lines: Sequence[str]) -> list[str]:
    """Lines longer than 80 columns wrapped at spaces, keeping their indent."""
    out: list[str] = []
    for line in lines:
        if len(line) <= 80:
            out.append(line)
        else:
            indent = line[: len(line) - len(line.lstrip())]
            out += wrap(line.strip(), indent, hang="  ")
    return out


def render_why(log: Log, result: Why, fmt: str) -> str:
    """A `why` answer in `fmt`."""
    if fmt == "json":
        return document(
            {
                "aspect": result.aspect,
                "subject": result.subject,
                "at": result.at,
                "known_at": result.known_at,
                "instant": iso(result.instant),
                "beyond_horizon": result.outside is not None,
                "facts": [
                    {
                        **fact_json(r.fact, result.instant),
                        "sources": [_cited_json(c) for c in r.sources],
                        "note": r.event.note,
                        "kind": r.event.kind,
                        "date": str(r.event.date),
                        "run": period_json(log, r.period),
                        "before": period_json(log, r.before) if r.before else None,
                        "decides": r.decides,
                    }
                    for r in result.reasons
                ],
                "first": period_json(log, result.first) if result.first else None,
            }
        )
    if fmt == "csv":
        return csv_text(
            [
                "aspect",
                "subject",
                "subject_name",
                "value",
                "since",
                "certainty",
                "event",
                "before",
                "before_since",
                "before_event",
                "sources",
            ],
            (
                [
                    r.fact.aspect,
                    r.fact.subject,
                    r.fact.subject_name,
                    r.fact.value,
                    r.fact.since,
                    r.fact.certainty,
                    r.fact.event,
                    r.before.fact.value if r.before else "",
                    r.before.fact.since if r.before else "",
                    r.before.fact.event if r.before else "",
                    " ".join(c.ref.id for c in r.sources),
                ]
                for r in result.reasons
            ),
        )
    known = f", as recorded by {result.known_at}" if result.known_at else ""
    head = "\n".join(
        wrap(
            f"{log.name}: why {result.aspect} of {result.subject} at {result.at} ({log.timezone}{known})", "", hang="  "
        )
    )
    if not result.reasons:
        later = (
            (f"; the first begins {result.first.fact.since}: {result.first.fact.value} ({result.first.fact.event})")
            if result.first
            else ""
        )
        text = f"no {result.aspect} fact about {result.subject} is in force{later}."
        return f"{head}\n\n" + "\n".join(wrap(text, "")) + "\n"
    blocks = []
    for r in result.reasons:
        f = r.fact
        mark = " (possible)" if f.certainty == "possible" else ""
        if f.pending and f.effective is not None:
            mark += f" [pending: takes effect {f.effective}]"
        lines = [
            *wrap(f"{f.subject_name}: {f.value}{mark}", "", hang="  "),
            f"  since {f.since}, until {_to(r.period)}",
        ]
        lines.append(
            f"  event: {r.event.id} ({r.event.kind}, dated {r.event.date}"
            + (f", effective {r.event.effective}" if r.event.effective else "")
            + ")"
        )
        if r.event.note:
            lines += wrap(f"note: {r.event.note}", "  ", hang="  ")
        if f.accounts:
            lines += wrap("accounts (certain once every one has it happened):", "  ")
        for s in f.accounts:
            mark = "" if s.certain_by(result.instant) else " (possible)"
            lines += wrap(f"{s.value}, {s.since}{mark}, {per(r.id for r in s.sources)} ({s.event})", "    ", hang="  ")
        for s in f.supports:
            if s.role == "corroboration":
                lines.append(f"  corroborated by {s.event} ({s.since})")
        lines.append("  sources:")
        lines += _cited_lines(r.sources, "    ")
        if r.before is not None:
            lines.append(f"  before: {r.before.fact.value}, since {r.before.fact.since} ({r.before.fact.event})")
        else:
            lines.append("  before: nothing on record")
        if r.decides:
            lines += wrap(f"what decides it: {r.decides}", "  ")
        blocks.append("\n".join(_fit(lines)))
    return f"{head}\n\n" + "\n\n".join(blocks) + "\n"


def render_show(log: Log, result: Shown, fmt: str) -> str:
    """A `show` result in `fmt`."""
    e = result.event
    if fmt == "json":
        return document(
            {
                "event": result.record,
                "file": result.file,
                "line": result.line,
                "date_start": iso(e.date.start),
                "date_end": iso(e.date.end),
                "effective_at": _opt(e.effective.start if e.effective else None),
                "sources": [_cited_json(c) for c in result.sources],
                "counts": result.counts,
                "corrected_by": list(result.corrected_by),
                "retracted_by": list(result.retracted_by),
                "corrects": result.corrects,
                "retracts": result.retracts,
                "accounts": list(result.accounts),
                "runs": [{"role": r.role, **period_json(log, r.period)} for r in result.runs],
                "sealed": result.seal is not None,
                "seal_matches": result.seal_matches,
                "ledger_line": result.seal.line if result.seal else None,
            }
        )
    if fmt == "csv":
        return csv_text(
            ["field", "value"],
            ([k, json.dumps(v, ensure_ascii=False) if not isinstance(v, str) else v] for k, v in result.record.items()),
        )
    where = f"{result.file}:{result.line}" if result.line else result.file
    lines = wrap(f"{e.id}  ({e.kind}, {where})", "", hang="  ")
    for key, value in result.record.items():
        if key in ("id", "kind", "sources", "note"):
            continue
        text = ", ".join(value) if isinstance(value, list) else str(value)
        lines += wrap(f"{key}: {text}", "  ")
    if e.note:
        lines.append("note:")
        lines += wrap(e.note, "  ")
    lines.append("sources:")
    lines += _cited_lines(result.sources)
    status = "counts" if result.counts else "does not count"
    lines.append(
        f"status: {status}"
        + "".join(f"; retracted by {i}" for i in result.retracted_by)
        + "".join(f"; corrected by {i}" for i in result.corrected_by)
    )
    for label, ident in (("corrects", result.corrects), ("retracts", result.retracts)):
        if ident:
            lines.append(f"{label}: {ident}")
    for ident in result.accounts:
        lines.append(f"account of the same happening: {ident}")
    if result.seal is None:
        lines.append("sealed: no (statustrack seal adds it to the ledger)")
    elif result.seal_matches:
        lines.append(f"sealed: yes, ledger line {result.seal.line}, unchanged")
    else:
        lines.append(f"sealed: ledger line {result.seal.line}, but the event differs (statustrack verify)")
    if result.runs:
        lines.append("facts:")
        for r in result.runs:
            f = r.period.fact
            role = "announced (pending)" if f.pending else r.role
            lines += wrap(
                f"{role}: {f.aspect} of {f.subject_name}: {f.value}, {_from(r.period)} -> {_to(r.period)}",
                "  ",
                hang="    ",
            )
    else:
        lines.append("facts: none in force at any time")
    return "\n".join(_fit(lines)) + "\n"


def render_subjects(entries: Sequence[SubjectEntry], fmt: str) -> str:
    """The `subjects` listing in `fmt`."""
    if fmt == "json":
        return document(
            {
                "subjects": [
                    {
                        "name": s.name,
                        "id": s.ident,
                        "what": s.what,
                        "aspects": list(s.aspects),
                        "runs": s.runs,
                        "runs_of_parts": s.via_parts,
                        "aliases": list(s.aliases),
                        "ids": list(s.idents),
                        "country": s.country,
                    }
                    for s in entries
                ]
            }
        )
    if fmt == "csv":
        return csv_text(
            ["name", "id", "what", "aspects", "runs", "runs_of_parts", "aliases"],
            (
                [s.name, s.ident, s.what, " ".join(s.aspects), s.runs, s.via_parts, "; ".join(s.aliases)]
                for s in entries
            ),
        )
    lines = [f"{'subject':<30} {'what':<19} {'runs':>4}  aspects", f"{'-' * 30} {'-' * 19} {'-' * 4}  {'-' * 22}"]
    for e in entries:
        runs = f"{e.runs}" if not e.via_parts else f"{e.runs}+{e.via_parts}"
        name = e.name
        if len(name) > 30:
            lines += wrap(name, "")
            name = ""
        lines += wrap(f"{name:<30} {e.what:<19} {runs:>4}  {', '.join(e.aspects)}", "", hang=" " * 57)
        if e.aliases:
            lines += wrap("also: " + "; ".join(e.aliases), "    ", hang="  ")
    legend = (
        "runs: value runs of its own facts (+N: of its parts, which --subject gives\n"
        "when it has none of its own, or with --with-parts)"
    )
    return "\n".join(lines) + f"\n\n{legend}\n"


def render_countries(result: Countries, fmt: str) -> str:
    """The `countries` answer in `fmt`: each country with how many facts, most first."""
    if fmt == "json":
        return document(
            {
                "at": result.at,
                "known_at": result.known_at,
                "beyond_horizon": result.outside is not None,
                "total": result.total,
                "countries": [
                    {"country": c.country, "name": c.name, "count": c.count, "subjects": list(c.subjects)}
                    for c in result.countries
                ],
            }
        )
    if fmt == "csv":
        return csv_text(
            ["country", "name", "count", "subjects"],
            ([c.country or "", c.name, c.count, "; ".join(c.subjects)] for c in result.countries),
        )
    known = f", as recorded by {result.known_at}" if result.known_at else ""
    lines = [
        f"facts at {result.at}{known}, by country: {result.total} facts in {len(result.countries)} "
        f"group{'s' if len(result.countries) != 1 else ''}",
        "",
        f"{'country':<24} {'facts':>5}  subjects",
        f"{'-' * 24} {'-' * 5}  {'-' * 40}",
    ]
    for c in result.countries:
        lines += wrap(f"{c.name:<24} {c.count:>5}  {', '.join(c.subjects)}", "", hang=" " * 32)
    return "\n".join(lines) + "\n"


def summary_counts(result: Diff) -> dict[str, Counter[str]]:
    """Per aspect, how many facts were added, changed and ended (pending facts included)."""
    counts: dict[str, Counter[str]] = {}
    for change in result.changes:
        counts.setdefault(change.aspect, Counter())[change.kind] += 1
    return counts


def render_summary(log: Source, result: Diff, fmt: str) -> str:
    """`diff --summary`: counts per aspect, like `git diff --stat`."""
    counts = summary_counts(result)
    kinds = ("added", "changed", "ended")
    if fmt == "json":
        return document(
            {
                "from": result.from_,
                "to": result.to,
                "known_at": result.known_at,
                "summary": {a: {k: c[k] for k in kinds} for a, c in counts.items()},
                "total": {k: sum(c[k] for c in counts.values()) for k in kinds},
            }
        )
    if fmt == "csv":
        return csv_text(["aspect", *kinds], ([a, *(c[k] for k in kinds)] for a, c in counts.items()))
    known = f", as recorded by {result.known_at}" if result.known_at else ""
    head = "\n".join(
        wrap(f"{log.name}: changes from {result.from_} to {result.to} ({log.timezone}{known})", "", hang="  ")
    )
    if not counts:
        return f"{head}\n\nno changes.\n"
    width = max(len(a) for a in counts)
    lines = [
        f"  {a:<{width}}  {sum(c.values()):>3}  " + ", ".join(f"{c[k]} {k}" for k in kinds if c[k])
        for a, c in counts.items()
    ]
    total = sum(sum(c.values()) for c in counts.values())
    parts = ", ".join(f"{sum(c[k] for c in counts.values())} {k}" for k in kinds)
    return f"{head}\n\n" + "\n".join(lines) + f"\n\n{total} facts changed: {parts}\n"


def render_sources(headers: Sequence[str], rows: Sequence[Sequence[Any]], fmt: str) -> str:
    """The `sources` report: numbers stay numbers in JSON; the table puts the address under the title."""
    if fmt == "json":
        return document({"sources": [dict(zip(headers, r, strict=True)) for r in rows]})
    if fmt == "csv":
        return csv_text(list(headers), ([_cell(v) for v in r] for r in rows))
    lines = []
    for r in rows:
        d = dict(zip(headers, r, strict=True))
        undone = f"; {d['not_counted']} retracted or replaced" if d["not_counted"] else ""
        by = f" ({_flat(d['by_aspect'])})" if d["by_aspect"] else ""
        n = d["events"]
        lines += wrap(f"{d['source']}: {n} event{'' if n == 1 else 's'}{by}{undone}", "", hang="    ")
        for text in (d["title"], d["url"]):
            if text:
                lines += wrap(text, "  ", hang="  ")
    return "\n".join(lines) + "\n"


def _cell(value: Any) -> Cell:
    """A `sources` value as a CSV cell: counts stay numbers."""
    return value if isinstance(value, int) else _flat(value)


def _flat(value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k} {v}" for k, v in value.items())
    return "" if value is None else str(value)
