"""JSON text for people: what `json.dumps(data, ensure_ascii=False, indent=2)` writes,
several times faster.

The standard library encodes indented JSON in pure Python, one generator per level; this
walks the data once with the C string encoder, which is what a large answer's output
costs most.

Within `document_fields()`, fields given to `add_field` are added to every document (a
JSON object) written: how the command line adds a note (`known_at_note`) to whatever
JSON a command prints, without each renderer knowing of it.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from contextvars import ContextVar
from json.encoder import encode_basestring
from typing import Any

__all__ = ["add_field", "document", "document_fields", "pretty"]

_FIELDS: ContextVar[dict[str, Any] | None] = ContextVar("document_fields", default=None)


@contextlib.contextmanager
def document_fields() -> Iterator[None]:
    """Within the block, fields given to `add_field` go into every JSON document written."""
    token = _FIELDS.set({})
    try:
        yield
    finally:
        _FIELDS.reset(token)


def add_field(key: str, value: Any) -> None:
    """Add `key: value` to every JSON document written within the current `document_fields`
    block (outside one, nothing)."""
    fields = _FIELDS.get()
    if fields is not None:
        fields[key] = value


_STEP = "  "


def pretty(data: Any) -> str:
    """`data` as JSON text indented by two spaces, byte for byte as `json.dumps(data,
    ensure_ascii=False, indent=2)` writes it."""
    out: list[str] = []
    _emit(data, "\n", out)
    return "".join(out)


def document(data: Any) -> str:
    """`data` as a JSON document for standard output: `pretty` text and a final newline
    (an object with the fields of the current `document_fields` block added)."""
    fields = _FIELDS.get()
    if fields and isinstance(data, dict):
        data = {**data, **fields}
    return pretty(data) + "\n"


def _emit(value: Any, newline: str, out: list[str]) -> None:
    if isinstance(value, str):
        out.append(encode_basestring(value))
    elif value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, dict):
        if not value:
            out.append("{}")
        elif not all(isinstance(k, str) for k in value):
            out.append(json.dumps(value, ensure_ascii=False, indent=2).replace("\n", newline))
        else:
            inner = newline + _STEP
            separator = "{" + inner
            for key, item in value.items():
                out.append(separator)
                out.append(encode_basestring(key))
                out.append(": ")
                _emit(item, inner, out)
                separator = "," + inner
            out.append(newline + "}")
    elif isinstance(value, (list, tuple)):
        if not value:
            out.append("[]")
        else:
            inner = newline + _STEP
            separator = "[" + inner
            for item in value:
                out.append(separator)
                _emit(item, inner, out)
                separator = "," + inner
            out.append(newline + "]")
    else:
        out.append(json.dumps(value))  # numbers, and anything json itself refuses
