"""Writing events back as log records: the exact inverse of loading them.

`event_record` gives the plain fields a loader reads; `to_toml` and `to_jsonl` give the
text of a file. TOML is written by hand because the standard library only reads it;
the writer needs only strings, lists of strings and inline tables of strings, each
escaped as a TOML basic string (JSON's escapes, plus DEL, which TOML forbids raw).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import attrs

from statustrack.core.events import Event, ref_fields

__all__ = ["event_record", "to_jsonl", "to_toml"]

_COMMON_ORDER = ("id", "kind", "date", "effective")
_TAIL_ORDER = ("sources", "recorded", "replaces", "account_of", "note")


def event_record(event: Event, format: int | None = None) -> dict[str, Any]:
    """The fields of `event` as written in a log, in a stable, readable order; dates as
    written, or as a log of `format` (1 or 2) writes them."""
    record: dict[str, Any] = {"id": event.id, "kind": event.kind, "date": event.date.written(format)}
    if event.effective is not None:
        record["effective"] = event.effective.written(format)
    # mypy checks a class object against Hashable with its instances' __hash__ (python/mypy#20409); classes hash.
    for name, attribute in ref_fields(type(event)):  # type: ignore[arg-type]
        value = getattr(event, attribute.name)
        if value is not None:
            record[name] = list(value) if isinstance(value, tuple) else value
    record["sources"] = [{"id": s.id, "at": s.at} if s.at else {"id": s.id} for s in event.sources]
    if event.recorded is not None:
        record["recorded"] = event.recorded.written(format)
    for name in ("replaces", "account_of", "note"):
        if getattr(event, name) is not None:
            record[name] = getattr(event, name)
    return record


def _toml_value(value: Any) -> str:
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml_value(v)}" for k, v in value.items()) + " }"
    msg = f"cannot write {type(value).__name__} as TOML"
    raise TypeError(msg)


def to_toml(events: Iterable[Event], format: int | None = None) -> str:
    """Events as `[[event]]` tables, one blank line apart (dates as a log of `format` writes them)."""
    blocks = []
    for event in events:
        lines = ["[[event]]"] + [f"{k} = {_toml_value(v)}" for k, v in event_record(event, format).items()]
        blocks.append("\n".join(lines) + "\n")
    return "\n".join(blocks)


def to_jsonl(events: Iterable[Event], format: int | None = None) -> str:
    """Events as JSON Lines, one object a line (dates as a log of `format` writes them)."""
    return "".join(json.dumps(event_record(e, format), ensure_ascii=False) + "\n" for e in events)


def same_event(a: Event, b: Event) -> bool:
    """True when two events say the same thing (compares their written records)."""
    return attrs.has(type(a)) and type(a) is type(b) and event_record(a) == event_record(b)
