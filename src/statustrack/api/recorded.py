"""Record time: when each event entered the log, and what `--known-at T` can see.

An event's record time is its `recorded` stamp (set by `statustrack record`); an event
without one counts as recorded from the start of the log (docs/decisions.md, "Record
time"). The ledger adds where each event was sealed: its line, in sealing order.
"""

from __future__ import annotations

import attrs
import pendulum

from statustrack.api.query import resolve_when
from statustrack.core.dates import iso, parse_edtf
from statustrack.core.model import Log
from statustrack.log.ledger import read_ledger

__all__ = ["Entry", "Recorded", "known_at_note", "recorded"]


@attrs.frozen
class Entry:
    """One event and when it entered the log: `recorded` its stamp as written (None: no
    stamp, so recorded from the start), `start` and `end` the instants the stamp spans,
    `file` the log-relative file, `sealed` its ledger line (None: not sealed yet)."""

    recorded: str | None
    start: pendulum.DateTime | None
    end: pendulum.DateTime | None
    event: str
    kind: str
    file: str
    sealed: int | None

    def as_json(self) -> dict[str, object]:
        """The entry as a JSON object (instants as ISO 8601 text)."""
        return {
            "recorded": self.recorded,
            "recorded_start": iso(self.start) if self.start else None,
            "recorded_end": iso(self.end) if self.end else None,
            "event": self.event,
            "kind": self.kind,
            "file": self.file,
            "sealed": self.sealed,
        }


@attrs.frozen
class Recorded:
    """The entries of `recorded` (stamped ones in record-time order, then, unless a date
    filter excludes them, the unstamped ones in log order), how many of the log's events
    carry no stamp, and the first and last record times of the log (None: no stamp)."""

    entries: tuple[Entry, ...]
    unstamped: int
    first: pendulum.DateTime | None
    last: pendulum.DateTime | None
    since: str | None
    until: str | None


def _entries(log: Log) -> list[Entry]:
    seals, _ = read_ledger(log.directory, log.shown) if log.directory is not None else ([], [])
    line = {s.id: s.line for s in seals}
    return [
        Entry(
            e.recorded.text if e.recorded else None,
            e.recorded.start if e.recorded else None,
            e.recorded.end if e.recorded else None,
            e.id,
            e.kind,
            log.paths.get(e.id, ""),
            line.get(e.id),
        )
        for e in log.events
    ]


def recorded(log: Log, *, since: str | None = None, until: str | None = None) -> Recorded:
    """When each event of `log` entered it, oldest first: stamped events by record time
    (ties in log order), then those without a stamp. `since` and `until` (dates or
    instants, read as `at` reads them: a plain date is its whole day) keep the events
    recorded within them; a filter leaves out the unstamped events, whose time is unknown.

        >>> from statustrack import load_log
        >>> from statustrack.api.recorded import recorded
        >>> found = recorded(load_log(), since="2026-12-07")
        >>> {e.recorded for e in found.entries}
        {'2026-12-07'}
    """
    entries = _entries(log)
    stamped = sorted((e for e in entries if e.start is not None), key=lambda e: e.start)  # type: ignore[arg-type, return-value]
    unstamped = [e for e in entries if e.start is None]
    first = min((e.start for e in stamped if e.start), default=None)
    last = max((e.end for e in stamped if e.end), default=None)
    kept: list[Entry] = stamped
    if since is not None:
        resolve_when(log, since)  # refuses what is not a query date, as `at` does
        lo = parse_edtf(since, log.timezone).start
        kept = [e for e in kept if e.end is not None and e.end >= lo]
    if until is not None:
        hi = resolve_when(log, until)
        kept = [e for e in kept if e.start is not None and e.start <= hi]
    if since is None and until is None:
        kept = [*kept, *unstamped]
    return Recorded(tuple(kept), len(unstamped), first, last, since, until)


def known_at_note(log: Log, known_at: str | None) -> str | None:
    """A note when `known_at` lies before the log's first record time (only the events
    without a stamp count) or on or after its last (every event counts, as without
    --known-at), or when no event carries a stamp; None otherwise or without `known_at`."""
    if known_at is None:
        return None
    stamps = [e.recorded for e in log.events if e.recorded is not None]
    if not stamps:
        return (
            f"--known-at {known_at}: no event of this log carries a `recorded` stamp, so every event counts "
            "as recorded from the start: the answer is the log as it stands"
        )
    instant = resolve_when(log, known_at)
    first = min(stamps, key=lambda s: s.end)
    last = max(stamps, key=lambda s: s.end)
    unstamped = len(log.events) - len(stamps)
    if instant < first.end:
        return (
            f"--known-at {known_at} is before the log's first record time ({first.text}): only the "
            f"{unstamped} events without a `recorded` stamp count (statustrack recorded lists record times)"
        )
    if instant >= last.end:
        return (
            f"--known-at {known_at} is on or after the log's last record time ({last.text}): every event "
            "counts, as without --known-at (statustrack recorded lists record times)"
        )
    return None
