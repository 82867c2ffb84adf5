"""The TOML scanner that finds records' and fields' line numbers: exact, and linear in the file.

`_string_lines` is checked against the straightforward character-by-character scanner it
replaced (kept here as the reference); `_read_toml`'s line numbers are checked on a
big file whose every line number is known because the test wrote it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from statustrack.errors import LogInvalid
from statustrack.log.load import load_log
from statustrack.log.parse import _block_end, _string_lines, read_text


def reference_string_lines(lines: list[str]) -> set[int]:
    """The scanner as first written (one character at a time): the oracle for `_string_lines`."""
    inside: set[int] = set()
    closing: str | None = None
    for number, content in enumerate(lines, start=1):
        if closing is not None:
            inside.add(number)
        i = 0
        while i < len(content):
            if closing is not None:
                if closing == '"""' and content[i] == "\\":
                    i += 2
                elif content.startswith(closing, i):
                    i += 3
                    while i < len(content) and content[i] == closing[0]:
                        i += 1
                    closing = None
                else:
                    i += 1
                continue
            char = content[i]
            if char == "#":
                break
            if content.startswith(('"""', "'''"), i):
                closing = content[i : i + 3]
                i += 3
            elif char == '"':
                i += 1
                while i < len(content) and content[i] != '"':
                    i += 2 if content[i] == "\\" else 1
                i += 1
            elif char == "'":
                end = content.find("'", i + 1)
                i = len(content) if end < 0 else end + 1
            else:
                i += 1
    return inside


SCANNER_TEXT = st.lists(
    st.sampled_from(['"', "'", '"""', "'''", "#", "\\", "\n", "a", " ", "=", "\r"]), max_size=60
).map("".join)


@given(text=SCANNER_TEXT)
def test_string_lines_matches_the_reference_scanner(text: str) -> None:
    """The regex-jumping scanner marks exactly the lines the character-by-character one marks."""
    lines = text.split("\n")
    expected = reference_string_lines(lines)
    assert _string_lines(lines) == expected
    assert _string_lines(lines, text) == expected


def test_block_end_is_the_line_before_the_next_header() -> None:
    """A block ends before the next header, or at the end of the file after the last one."""
    starts = [1, 5, 9]
    assert [_block_end(starts, line, 12) for line in starts] == [4, 8, 12]


def _put(out: list[str], lines: dict[str, int], text: str, field: str | None = None) -> None:
    """Append `text` to `out`; when it writes `field`, note its line in `lines` (the first one)."""
    out.append(text)
    if field is not None:
        lines.setdefault(field, len(out))


def _big_file(count: int) -> tuple[str, list[tuple[int, dict[str, int]]]]:
    """A TOML file of `count` events in varied layouts, and each event's header and field lines."""
    out: list[str] = ["# A generated file: comments, blank lines and multi-line strings between events", ""]
    expected: list[tuple[int, dict[str, int]]] = []
    for i in range(count):
        lines: dict[str, int] = {}
        put = functools.partial(_put, out, lines)
        put("[[event]]" if i % 3 else "  [[ event ]]  # indented, spaced, with a comment")
        header = len(out)
        put(f'id = "e{i}"', "id")
        put('kind = "statement"', "kind")
        if i % 5 == 0:
            put("# a comment line between fields")
        put(f'date = "{1990 + i % 30}-0{1 + i % 9}"', "date")
        put('actor = "armenia"', "actor")
        if i % 4 == 0:
            put('note = """a note over lines', "note")
            put("[[event]]")  # inside the string: not a header
            put('id = "not-a-field"')  # inside the string: not a field
            put('ends here"""')
        elif i % 4 == 1:
            put("note = '''literal", "note")
            put("kind = 'still the note'")
            put("'''")
        elif i % 4 == 2:
            put('"summary" = "quoted key with # and \\" inside"', "summary")
        put(f'sources = [{{ id = "s004", at = "p. {i}" }}]', "sources")
        if i % 7 == 0:
            out.append("")
        if "summary" not in lines:
            put('summary = "said something"', "summary")
        out.append("")
        expected.append((header, lines))
    return "\n".join(out), expected


def test_line_numbers_on_a_big_generated_file() -> None:
    """Every record's header line and every field's line is exact in a file of thousands of events."""
    text, expected = _big_file(3000)
    raws, problems = read_text(text, "big.toml", ".toml")
    assert problems == []
    assert len(raws) == len(expected)
    for raw, (header, lines) in zip(raws, expected, strict=True):
        assert raw.line == header, raw.fields["id"]
        assert {field: raw.line_of(field) for field in lines} == lines, raw.fields["id"]
        assert raw.line_of("no-such-field") == header
        assert dict(raw.lines) == lines


def test_a_problem_deep_in_a_big_file_names_its_line(make_log: Callable[..., Path]) -> None:
    """A bad field in the last of thousands of events is reported on its own line."""
    text, expected = _big_file(2000)
    lines = expected[-1][1]
    broken = text.split("\n")
    broken[lines["actor"] - 1] = 'actor = "nowhere"'
    log = make_log({"big.toml": "\n".join(broken)})
    try:
        load_log(log)
    except LogInvalid as e:
        found = [(p.line, p.event) for p in e.problems if p.file.endswith("big.toml")]
    else:
        raise AssertionError("the broken log loaded")
    assert found == [(lines["actor"], "e1999")]
