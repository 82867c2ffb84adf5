"""The fast JSON writer writes exactly what the standard library writes."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from statustrack.views.json import pretty

SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text()
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(), inner, max_size=4)
        | st.dictionaries(st.integers() | st.booleans(), inner, max_size=2)
    ),
    max_leaves=30,
)


@given(VALUES)
def test_pretty_is_json_dumps_indented(value: Any) -> None:
    """Any JSON value (and keys json turns into text): the same text, byte for byte."""
    assert pretty(value) == json.dumps(value, ensure_ascii=False, indent=2)


def test_pretty_on_tuples_controls_and_bidi() -> None:
    """Tuples write as lists; control, bidi and non-ASCII characters are escaped as json does."""
    value = {"a": ("x", 1, 2.5, None), "\u202e": "\x00\u2028é", "e": {}, "l": []}
    assert pretty(value) == json.dumps(value, ensure_ascii=False, indent=2)
