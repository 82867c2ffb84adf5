"""statustrack: a temporal, event-sourced tracker of a region's political status.

Load a log, then ask what held on a date and according to whom::

    >>> from statustrack import load_log, at
    >>> answer = at(load_log(), "2020-11-10")

Every command of the CLI is the function of the same name: `at` and `diff` (what held,
what changed), `history` (every value a subject held), `show` (an event as recorded),
`why` (one fact on a date, explained), `subjects` (what can be asked about), `countries`
(facts at a date counted by country), `sources` (how the events are sourced), `export` (the
whole history, one row per value run and per account), `recorded` (when each event entered
the log), and those that write or check the log: `record`, `seal`, `verify` and `validate`.

The names below are imported when first used, so that `statustrack at` pays only for
what it needs.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.2.0"

_WHERE = {
    # The verbs, each named as its command: read, explore, export, write.
    "at": "api.query",
    "diff": "api.query",
    "slide": "api.query",
    "sweep": "api.query",
    "history": "api.explore",
    "show": "api.explore",
    "subjects": "api.explore",
    "why": "api.explore",
    "countries": "api.explore",
    "sources": "api.sources",
    "export": "views.export",
    "recorded": "api.recorded",
    "known_at_note": "api.recorded",
    "record": "api.write",
    "seal": "api.write",
    "verify": "api.write",
    "validate": "api.validate",
    # Loading a log, and the values the verbs return.
    "Log": "core.model",
    "default_log_path": "log.load",
    "load_log": "log.load",
    "open_log": "api.reader",
    "load_indexed": "api.reader",
    "Answer": "api.query",
    "Change": "api.query",
    "Diff": "api.query",
    "Interval": "core.dates",
    "parse_edtf": "core.dates",
    "parse_when": "core.dates",
    "FORMAT_VERSION": "core.events",
    "KINDS": "core.events",
    "Event": "core.events",
    "SourceRef": "core.registry",
    "ASPECTS": "core.facts",
    "Fact": "core.facts",
    "Key": "core.facts",
    "counted_events": "core.replay",
    "State": "core.replay",
    "replay": "core.replay",
    "timeline": "core.replay",
    "Version": "core.history",
    "Run": "core.history",
    "versions": "core.history",
    "runs_of": "core.history",
    "DateError": "errors",
    "LogInvalid": "errors",
    "Problem": "errors",
    "QueryError": "errors",
    "StatustrackError": "errors",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        value = getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)
        globals()[name] = value
        return value
    msg = f"module 'statustrack' has no attribute {name!r}"
    raise AttributeError(msg)
