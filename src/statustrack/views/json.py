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
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any

from statustrack.core.shown import pretty

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


def document(data: Any) -> str:
    """`data` as a JSON document for standard output: `pretty` text and a final newline
    (an object with the fields of the current `document_fields` block added)."""
    fields = _FIELDS.get()
    if fields and isinstance(data, dict):
        data = {**data, **fields}
    return pretty(data) + "\n"
