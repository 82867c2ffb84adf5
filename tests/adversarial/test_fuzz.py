"""Fuzzing the loader: whatever a file holds, `load_log` loads or raises `LogInvalid`, one line per problem.

Each example copies the mini log into a fresh temporary directory (function-scoped
fixtures are not reset between Hypothesis examples) and adds or replaces one file.

The fuzzers found two bugs, fixed in 9ff4a26 and kept in test_bad_values_and_files.py ("kind is a
list", "newline in an id"): a `kind` that is a list crashed, and an invalid id holding a
line break split its problem over two lines.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
import tomllib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from statustrack.errors import LogInvalid
from statustrack.log.load import load_log

from ..support import MINI

pytestmark = pytest.mark.slow  # Hypothesis writes and loads a log per example

EVENTS = (MINI / "events.toml").read_text(encoding="utf-8")
REGISTRY = (MINI / "registry" / "registry.toml").read_text(encoding="utf-8")

#: Pieces of text that matter to TOML, JSON, EDTF and the loader, so inserted text often means something.
TOKENS = (
    "[",
    "]",
    "[[",
    "]]",
    "{",
    "}",
    '"',
    "'",
    '"""',
    "=",
    ",",
    ".",
    "#",
    "\\",
    "\\n",
    "\\u0007",
    "\\u001b",
    "\n",
    "\r\n",
    "\t",
    " ",
    "\ufeff",
    "\u2028",
    "\x85",
    "\x7f",
    "\x00",
    "\x1b",
    "é",
    "２",
    "-",
    "/",
    "..",
    "T00:00Z",
    "+03:00",
    "0",
    "1",
    "9999",
    "0001",
    "true",
    "1e999",
    "nan",
    "[]",
    "{}",
    '[""]',
    "[[event]]\n",
    "[[place]]\n",
    "[[actor]]\n",
    "[[source]]\n",
    "[log]\n",
    "[events]\n",
    'id = "x"\n',
    'kind = "war"\n',
    'kind = ["war"]\n',
    "kind = 1\n",
    'replaces = "1923-07-07-oblast"\n',
    'retracts = "2020-11-08-shusha"\n',
    'ends = "2020-11-20-aghdam"\n',
    'sources = [{ id = "s004", at = 1 }]\n',
    "parties = []\n",
    'place = "Shushi"\n',
    'by = "nowhere"\n',
    'date = "2020-02-30"\n',
    'effective = "1900"\n',
    'recorded = "2020/2019"\n',
    'note = """\n[[event]]\n"""\n',
)

MUTATIONS = ("delete", "duplicate", "replace", "insert", "overwrite", "swap", "truncate")


def _load(files: dict[str, str | bytes]) -> None:
    """Load a copy of the mini log with `files` (relative path: content) written over it.

    Passes when the log loads or is refused with `LogInvalid` whose every problem is one
    line; any other exception propagates and fails the test.
    """
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "log"
        shutil.copytree(MINI, root)
        for rel, content in files.items():
            data = content if isinstance(content, bytes) else content.encode("utf-8", "surrogatepass")
            (root / rel).write_bytes(data)  # a lone surrogate becomes bytes that are not UTF-8
        try:
            load_log(root)
        except LogInvalid as e:
            assert e.problems, "LogInvalid without any problem"
            for problem in e.problems:
                text = str(problem)
                assert text.splitlines() == [text], f"problem is not exactly one line: {text!r}"


def _inserted() -> st.SearchStrategy[str]:
    """Text to insert: a meaningful token, or any short text."""
    return st.one_of(st.sampled_from(TOKENS), st.text(max_size=20))


@st.composite
def mutated(draw: st.DrawFn, text: str) -> str:
    """`text` after one to four random edits (delete a span, duplicate, overwrite or swap lines,
    replace a character, insert text, truncate)."""
    for kind in draw(st.lists(st.sampled_from(MUTATIONS), min_size=1, max_size=4)):
        lines = text.split("\n")
        if kind == "delete":
            start = draw(st.integers(0, len(text)))
            text = text[:start] + text[start + draw(st.integers(1, 200)) :]
        elif kind == "duplicate":
            at = draw(st.integers(0, len(lines) - 1))
            text = "\n".join([*lines[: at + 1], lines[at], *lines[at + 1 :]])
        elif kind == "replace" and text:
            at = draw(st.integers(0, len(text) - 1))
            text = text[:at] + draw(st.one_of(st.sampled_from(TOKENS), st.characters())) + text[at + 1 :]
        elif kind == "insert":
            at = draw(st.integers(0, len(text)))
            text = text[:at] + draw(_inserted()) + text[at:]
        elif kind == "overwrite":
            at = draw(st.integers(0, len(lines) - 1))
            lines[at] = draw(_inserted()).rstrip("\n")
            text = "\n".join(lines)
        elif kind == "swap":
            i, j = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
            text = "\n".join(lines)
        elif kind == "truncate":
            text = text[: draw(st.integers(0, len(text)))]
    return text


ANY_BYTES = st.one_of(
    st.binary(max_size=300),
    st.text(max_size=300).map(str.encode),
    st.lists(_inserted(), max_size=30).map(lambda parts: "".join(parts).encode()),
)


@given(data=ANY_BYTES)
def test_random_bytes_as_toml(data: bytes) -> None:
    """Any bytes in an extra .toml file load or are refused with one-line problems, never a crash."""
    _load({"fuzz.toml": data})


@given(data=ANY_BYTES)
def test_random_bytes_as_jsonl(data: bytes) -> None:
    """Any bytes in an extra .jsonl file load or are refused with one-line problems, never a crash."""
    _load({"fuzz.jsonl": data})


@given(text=mutated(EVENTS))
def test_mutated_events(text: str) -> None:
    """A randomly edited events.toml loads or is refused with one-line problems, never a crash."""
    _load({"events.toml": text})


@given(text=mutated(REGISTRY))
def test_mutated_registry(text: str) -> None:
    """A randomly edited registry loads or is refused with one-line problems, never a crash."""
    _load({"registry/registry.toml": text})


VALUES = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(),
        st.text(max_size=20),
        st.sampled_from(["capture", "nkr", "shusha", "s004", "2020", "2020-11-08", "../2020", "1993-unsc-822"]),
    ),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=5), inner, max_size=3)),
    max_leaves=8,
)
FIELD = re.compile(r"^(\w+ = )(.*)$")
FIELD_LINES = [number for number, line in enumerate(EVENTS.split("\n")) if FIELD.match(line)]
EVENT_TABLES = tomllib.loads(EVENTS)["event"]
EVENT_FIELDS = (
    "id",
    "kind",
    "date",
    "effective",
    "recorded",
    "sources",
    "note",
    "replaces",
    "place",
    "by",
    "parties",
    "ends",
    "retracts",
    "polity",
    "status",
    "stance",
)


def toml_value(value: object) -> str:
    """`value` written as a TOML value; None, which TOML lacks, becomes an empty inline table."""
    if value is None:
        return "{}"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)  # inf and nan are TOML too
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(map(toml_value, value)) + "]"
    assert isinstance(value, dict)
    return "{ " + ", ".join(f"{json.dumps(k, ensure_ascii=False)} = {toml_value(v)}" for k, v in value.items()) + " }"


@given(line=st.sampled_from(FIELD_LINES), value=VALUES)
def test_any_value_in_a_toml_field(line: int, value: object) -> None:
    """Any TOML value in any field of events.toml loads or is refused with one-line problems, never a crash."""
    lines = EVENTS.split("\n")
    match = FIELD.match(lines[line])
    assert match is not None
    lines[line] = match[1] + toml_value(value)
    _load({"events.toml": "\n".join(lines)})


@given(index=st.integers(0, len(EVENT_TABLES) - 1), field=st.sampled_from(EVENT_FIELDS), value=VALUES)
def test_any_value_in_a_json_field(index: int, field: str, value: object) -> None:
    """Any JSON value in any field of a JSON Lines event loads or is refused with one-line problems, never a crash."""
    entry = {**EVENT_TABLES[index], "id": "fuzz", field: value}
    _load({"fuzz.jsonl": json.dumps(entry, ensure_ascii=False) + "\n"})
