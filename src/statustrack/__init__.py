"""statustrack: a temporal, event-sourced tracker of a region's political status.

Load a log, then ask what held on a date and according to whom::

    >>> from statustrack import load_log, at
    >>> answer = at(load_log(), "2020-11-10")

Explore the record as the CLI does, by the same names: `history` (every value a subject
held), `show` (an event as recorded), `why` (one fact on a date, explained), `subjects`
(what can be asked about) and `export` (the whole history, one row per value run).

The names below are imported when first used, so that `statustrack at` pays only for
what it needs.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.2.0"

_WHERE = {
    "Interval": "dates", "parse_edtf": "dates", "parse_when": "dates",
    "DateError": "errors", "LogInvalid": "errors", "Problem": "errors", "QueryError": "errors",
    "StatustrackError": "errors",
    "FORMAT_VERSION": "events", "KINDS": "events", "Event": "events",
    "SourceRef": "registry",
    "ASPECTS": "facts", "Fact": "facts", "Key": "facts",
    "Log": "logmodel", "default_log_path": "log", "load_log": "log",
    "Answer": "query", "Change": "query", "Diff": "query", "at": "query", "diff": "query", "slide": "query", "sweep": "query",
    "counted_events": "state", "State": "state", "replay": "state", "timeline": "state",
    "Version": "runs", "Run": "runs", "versions": "runs", "runs_of": "runs",
    "load_indexed": "index",
    "history": "explore", "show": "explore", "subjects": "explore", "why": "explore", "export": "exporting",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        value = getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)
        globals()[name] = value
        return value
    msg = f"module 'statustrack' has no attribute {name!r}"
    raise AttributeError(msg)
