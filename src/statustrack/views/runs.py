"""`history`'s table over plain values: a value run's lines from its fact's JSON object
(`run_lines`) and the whole text (`history_table`). The full path (`views.explore`) and the
light path (`views.light`) both call these, so how a run reads is written once. Imports
only the standard library and `views.table`'s wrapping.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from itertools import groupby
from typing import Any

from statustrack.views.table import wrap

__all__ = ["ACT", "HOLDS", "history_table", "per", "run_lines", "span"]

HOLDS = "(holds)"
#: How a run of an act shows: it happened on its date; it is not a position that holds.
ACT = "(an act)"


def span(fact: dict[str, Any], until: str | None) -> str:
    """When a run held (`from -> to`), or for an act the date it happened on, from its
    fact's JSON object and the date text it ended at (None: it holds)."""
    if fact.get("act"):
        return f"{fact['since']} {ACT}"
    return f"{fact['since']} -> {until if until is not None else HOLDS}"


def per(ids: Iterable[str]) -> str:
    """`per` and the source ids, each once, in order."""
    return "per " + ", ".join(dict.fromkeys(ids))


def _per(sources: Iterable[dict[str, Any]]) -> str:
    return per(r["id"] for r in sources)


def run_lines(fact: dict[str, Any], until: str | None, own: Callable[[], Sequence[str]]) -> list[str]:
    """A value run as lines, from its fact's JSON object (`core.shape.fact_json`) and the
    date text it ended at: from -> to and the value, then each account or event with its
    sources (`own`: the source ids of the event that began it, asked only when shown)."""
    effective = fact.get("effective")
    pending = f" [pending: from {effective}]" if fact["pending"] and effective is not None else ""
    supports = fact.get("supports", ())
    accounts = [s for s in supports if s["role"] == "account"]
    when = span(fact, until)
    lines = []
    if fact["disputed"] and accounts:
        lines += wrap(f"{when}  accounts differ:", "  ")
        for s in accounts:
            lines += wrap(f"{s['value']}, {s['since']}, {_per(s['sources'])}", "      ", hang="  ")
            lines += wrap(f"event {s['event']}", "        ")
    else:
        lines += wrap(f"{when}  {fact['display']}{pending}", "  ", hang="    ")
        if accounts:
            for s in accounts:
                lines += wrap(f"account {s['since']}, {_per(s['sources'])}", "      ", hang="  ")
                lines += wrap(f"event {s['event']}", "        ")
        else:
            lines += wrap(f"event {fact['event']}, {per(own())}", "      ", hang="  ")
    for s in supports:
        if s["role"] == "corroboration":
            lines += wrap(f"corroborated {s['since']} by {s['event']}, {_per(s['sources'])}", "      ", hang="  ")
        elif s["role"] == "dispute":
            lines += wrap(f"disputed: {s['value']} ({s['event']})", "      ", hang="  ")
    return lines


def history_table(
    name: str, timezone: str, subject: str, known_at: str | None, runs: Sequence[tuple[dict[str, Any], list[str]]]
) -> str:
    """`history`'s table: the log's `name` and `timezone`, then per key (aspect, printed
    subject, pending) its runs, each its fact's JSON object and its `run_lines`, in order."""
    known = f", as recorded by {known_at}" if known_at else ""
    head = "\n".join(wrap(f"{name}: history of {subject} ({timezone}{known})", "", hang="  "))
    if not runs:
        return f"{head}\n\nno facts.\n"
    blocks = []
    for (aspect, printed, pending), group in groupby(
        runs, key=lambda r: (r[0]["aspect"], r[0]["subject_name"], r[0]["pending"])
    ):
        lines = [f"{aspect}: {printed}" + (" (pending)" if pending else "")]
        for _, shown in group:
            lines += shown
        blocks.append("\n".join(lines))
    acts = f"{ACT}: happened on its date, not a position in force.\n" if any(r[0].get("act") for r in runs) else ""
    legend = (
        f"Dates are as the sources give them; {HOLDS}: still in force at the log's end.\n{acts}"
        "`statustrack show EVENT` shows an event, its note and its sources."
    )
    return f"{head}\n\n" + "\n\n".join(blocks) + f"\n\n{legend}\n"
