"""The `recorded` listing (when each event entered the log) as a table, JSON or CSV."""

from __future__ import annotations

from statustrack.api.recorded import Recorded
from statustrack.core.dates import iso
from statustrack.views.csv import csv_text
from statustrack.views.json import document
from statustrack.views.table import simple_table, wrap, wrap_cell

__all__ = ["render_recorded"]

_HEADERS = ["recorded", "event", "file", "sealed"]
_WIDTH = 80
_NO_STAMP = "-"


def render_recorded(result: Recorded, fmt: str, log_name: str) -> str:
    """`statustrack recorded` in `fmt` (table, json or csv; the table leaves out the kind)."""
    if fmt == "json":
        return document(
            {
                "since": result.since,
                "until": result.until,
                "first_recorded": iso(result.first) if result.first else None,
                "last_recorded": iso(result.last) if result.last else None,
                "unstamped": result.unstamped,
                "events": [e.as_json() for e in result.entries],
            }
        )
    if fmt == "csv":
        return csv_text(
            ["recorded", "recorded_start", "recorded_end", "event", "kind", "file", "sealed"],
            (
                [
                    e.recorded,
                    iso(e.start) if e.start else None,
                    iso(e.end) if e.end else None,
                    e.event,
                    e.kind,
                    e.file,
                    e.sealed,
                ]
                for e in result.entries
            ),
        )
    stamped = len(result.entries) - (0 if result.since or result.until else result.unstamped)
    span = (f" from {result.since}" if result.since else "") + (f" to {result.until}" if result.until else "")
    head = f"{log_name}: {stamped} events with a record time{span}"
    if not (result.since or result.until):
        head += f"; {result.unstamped} without one count as recorded from the start (listed last, '{_NO_STAMP}')"
    lines = wrap(head, "", hang="  ")
    if not result.entries:
        return "\n".join(lines) + "\n\nnone.\n"
    stamp = max(len(_HEADERS[0]), *(len(e.recorded or _NO_STAMP) for e in result.entries))
    file = min(24, max(len(_HEADERS[2]), *(len(e.file) for e in result.entries)))
    sealed = len(_HEADERS[3]) + 2
    widths = [stamp, max(20, _WIDTH - stamp - file - sealed - 3 * 2 - 2), file, sealed]  # 2 for the header's margin
    rows = [
        [
            wrap_cell(cell, width)
            for cell, width in zip(
                [e.recorded or _NO_STAMP, e.event, e.file, "" if e.sealed is None else str(e.sealed)],
                widths,
                strict=True,
            )
        ]
        for e in result.entries
    ]
    legend = "sealed: the event's line in the ledger (empty: not sealed yet)"
    return "\n".join(lines) + "\n\n" + simple_table(rows, _HEADERS) + f"\n\n{legend}\n"
