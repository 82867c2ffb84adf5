"""Reading log files into raw records, each with the file and line it came from.

This is the edge: bytes in, plain dicts out, every failure a `Problem` naming the file
and line. Nothing here knows what an event means.
"""

from __future__ import annotations

import bisect
import json
import re
import tomllib
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

import attrs

from statustrack.errors import Problem
from statustrack.log.files import MAX_DEPTH, log_files

__all__ = ["MAX_DEPTH", "TABLES", "Raw", "decode", "entries", "file_text", "log_files", "read_file", "read_text"]

TABLES = ("source", "place", "actor", "office", "event")
_NO_LINES: Mapping[str, int] = MappingProxyType({})
_HEADER = re.compile(r"^\s*\[\[\s*(\w+)\s*\]\]\s*(?:#.*)?$")
_LOG_HEADER = re.compile(r"^\s*\[\s*log\s*\]\s*(?:#.*)?$")
_TOML_LINE = re.compile(r"at line ([0-9]+)")
_PART = r"""(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')"""
# A key line: its first part (bare, "quoted" or 'literal'), any dotted parts, then "=".
_KEY = re.compile(rf"""\s*(?:([A-Za-z0-9_-]+)|"([^"]+)"|'([^']+)')\s*(?:\.\s*{_PART}\s*)*=""")
_TOML_HINT = "fix the TOML syntax (strings in double quotes, one key per line)"


@attrs.frozen
class Raw:
    """One record as written: its table (`log`, `source`, `place`, `actor` or `event`),
    its fields, and where it stands. `lines` maps field names to their line numbers."""

    table: str
    fields: Mapping[str, Any] = attrs.field(eq=False)
    file: str
    line: int | None
    lines: Mapping[str, int] = attrs.field(default=_NO_LINES, eq=False)
    valid: bool = True

    def line_of(self, field: str) -> int | None:
        """The line a field is written on, or the record's own line."""
        return self.lines.get(field, self.line)


def decode(data: bytes, name: str) -> tuple[str | None, Problem | None]:
    """`data` decoded as strict UTF-8, or the problem (naming line and byte) if it is not."""
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        return None, Problem(
            name, line, None, f"not UTF-8 text ({e.reason} at byte {e.start})", "save the file as UTF-8"
        )


def _field_lines(lines: list[str], first: int, last: int, inside: set[int]) -> dict[str, int]:
    found: dict[str, int] = {}
    for number in range(first, last + 1):
        if number in inside:
            continue
        match = _KEY.match(lines[number - 1])
        if match:
            key = next(g for g in match.groups() if g is not None)
            found.setdefault(key, number)
    return found


class _FieldLines(Mapping[str, int]):
    """A record's field lines (`_field_lines` of its block), found only when first asked for.

    Most records never need one: a line is looked up only to report a problem."""

    __slots__ = ("_first", "_found", "_inside", "_last", "_lines")

    def __init__(self, lines: list[str], first: int, last: int, inside: set[int]) -> None:
        self._lines, self._first, self._last, self._inside = lines, first, last, inside
        self._found: dict[str, int] | None = None

    def _get(self) -> dict[str, int]:
        if self._found is None:
            self._found = _field_lines(self._lines, self._first, self._last, self._inside)
        return self._found

    def __getitem__(self, key: str) -> int:
        return self._get()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._get())

    def __len__(self) -> int:
        return len(self._get())

    def __repr__(self) -> str:
        return repr(self._get())


# Where the scanner of `_string_lines` stops next: outside a string, at a comment or a
# quote; in a one-line or multi-line basic string, just after its unescaped closing quotes.
_INTERESTING = re.compile(r"""[#"']""")
_BASIC_REST = re.compile(r'(?:[^"\\]|\\.)*"', re.S)
_MULTI_BASIC_REST = re.compile(r'(?:[^"\\]|\\.|"(?!""))*"""', re.S)


def _closed(content: str, i: int, closing: str) -> int:
    """Where the multi-line string ended by `closing` ends on this line (after any extra
    quotes, which belong to its text), or -1 when it goes on to the next line."""
    if closing == '"""':
        match = _MULTI_BASIC_REST.match(content, i)
        if match is None:
            return -1
        i = match.end()
    else:
        end = content.find("'''", i)
        if end < 0:
            return -1
        i = end + 3
    while i < len(content) and content[i] == closing[0]:
        i += 1
    return i


def _string_lines(lines: list[str], text: str | None = None) -> set[int]:
    """Line numbers that begin inside a multi-line string (whose text is not TOML).

    A small scanner over TOML's four string forms and its comments, so that quotes inside
    a one-line string or a comment never open a multi-line string. It jumps from quote to
    quote with regular expressions. `text` (the lines joined) lets a file with no triple
    quotes, so no multi-line string, skip the scan.
    """
    if text is not None and '"""' not in text and "'''" not in text:
        return set()
    inside: set[int] = set()
    closing: str | None = None  # the delimiter that ends the multi-line string we are in
    for number, content in enumerate(lines, start=1):
        i = 0
        if closing is not None:
            inside.add(number)
            i = _closed(content, 0, closing)
            if i < 0:
                continue
            closing = None
        while (found := _INTERESTING.search(content, i)) is not None:
            i = found.start()
            if content[i] == "#":
                break
            if content.startswith(('"""', "'''"), i):
                closing = content[i : i + 3]
                i = _closed(content, i + 3, closing)
                if i < 0:
                    break
                closing = None
            elif content[i] == '"':
                match = _BASIC_REST.match(content, i + 1)
                if match is None:
                    break
                i = match.end()
            else:
                i = content.find("'", i + 1) + 1
                if i == 0:
                    break
    return inside


def _read_toml(text: str, name: str) -> tuple[list[Raw], list[Problem]]:
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        match = _TOML_LINE.search(str(e))
        line = int(match[1]) if match else None
        reason = str(e).split(" (at ")[0]
        return [], [Problem(name, line, None, f"not valid TOML: {reason}", _TOML_HINT)]
    except RecursionError:
        return [], [Problem(name, None, None, "not valid TOML: nested too deeply", _TOML_HINT)]
    except ValueError as e:
        reason = "a number has more than 4300 digits" if "digits" in str(e) else str(e)
        return [], [Problem(name, None, None, f"not valid TOML: {reason}", _TOML_HINT)]
    lines = text.split("\n")
    inside = _string_lines(lines, text)
    starts: list[int] = []  # every header's line, in order
    by_table: dict[str, list[int]] = {}  # each table's header lines, in order
    for number, content in enumerate(lines, start=1):
        if "[" not in content or number in inside:
            continue
        if (match := _HEADER.match(content)) is not None:
            table = match[1]
        elif _LOG_HEADER.match(content):
            table = "log"
        else:
            continue
        starts.append(number)
        by_table.setdefault(table, []).append(number)
    total = len(lines)
    records: list[Raw] = []
    problems: list[Problem] = []
    for key, value in document.items():
        if key == "log":
            if not isinstance(value, dict):
                top = _field_lines(lines, 1, starts[0] - 1 if starts else total, inside)
                problems.append(
                    Problem(name, top.get("log"), None, "'log' must be a table", "write it as a [log] table")
                )
                records.append(Raw("log", {}, name, top.get("log"), {}, valid=False))
                continue
            where = by_table.get("log", [])
            line = where[0] if where else None
            records.append(
                Raw(
                    "log",
                    value,
                    name,
                    line,
                    _field_lines(lines, line, _block_end(starts, line, total), inside) if line else {},
                )
            )
            continue
        if key not in TABLES:
            problems.append(
                Problem(
                    name,
                    None,
                    None,
                    f"unknown table {key!r}",
                    f"use only [log], {', '.join(f'[[{t}]]' for t in TABLES)}",
                )
            )
            continue
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            problems.append(
                Problem(
                    name,
                    None,
                    None,
                    f"{key!r} must be written as [[{key}]] tables",
                    f"start each entry with a [[{key}]] line",
                )
            )
            continue
        where = by_table.get(key, [])
        for index, fields in enumerate(value):
            line = where[index] if index < len(where) else None
            spans = _FieldLines(lines, line, _block_end(starts, line, total), inside) if line else {}
            records.append(Raw(key, fields, name, line, spans))
    return records, problems


def _block_end(starts: list[int], line: int, total: int) -> int:
    """The last line of the block whose header is on `line`: the line before the next
    header (`starts` holds every header's line, in order), else the file's last line."""
    later = bisect.bisect_right(starts, line)
    return (starts[later] - 1) if later < len(starts) else total


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    fields = dict(pairs)
    if len(fields) < len(pairs):  # a key repeats: name the first repeat
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKey(key)
            seen.add(key)
    return fields


class _DuplicateKey(ValueError):
    pass


#: `json.loads(text, object_pairs_hook=_unique_keys)`, with the decoder made once.
_decode = json.JSONDecoder(object_pairs_hook=_unique_keys).decode


_SURROGATE = re.compile("[\ud800-\udfff]")


def _lone_surrogate(value: Any) -> str | None:
    """The first lone surrogate in a JSON value's strings and keys (JSON's `\\ud800`)."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if (match := _SURROGATE.search(item)) is not None:
                return match[0]
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return None


def _lines(text: str) -> Iterator[str]:
    """`text.split("\n")`, one line at a time."""
    start = 0
    while (end := text.find("\n", start)) >= 0:
        yield text[start:end]
        start = end + 1
    yield text[start:]


def _jsonl_entries(text: str, name: str) -> Iterator[Raw | Problem]:
    for number, content in enumerate(_lines(text), start=1):
        if not content.strip():
            continue
        reason: str | None = None
        try:
            fields = _decode(content)
        except json.JSONDecodeError as e:
            reason = e.msg
        except _DuplicateKey as e:
            reason = f"duplicate key {e.args[0]!r}"
        except RecursionError:
            reason = "nested too deeply"
        except ValueError as e:
            reason = "a number has more than 4300 digits" if "digits" in str(e) else str(e)
        if reason is not None:
            yield Problem(name, number, None, f"not valid JSON: {reason}", "write one JSON object per line")
            continue
        # A lone surrogate is written as a \u escape, or (in a text not read from bytes) as itself.
        may_hold = "\\u" in content or not content.isascii()
        if may_hold and (surrogate := _lone_surrogate(fields)) is not None:
            yield Problem(
                name,
                number,
                None,
                f"not valid JSON: a lone surrogate {surrogate!r} is not a character",
                "write the character itself, or both halves of its surrogate pair",
            )
            continue
        if not isinstance(fields, dict):
            yield Problem(name, number, None, "a JSON Lines entry must be an object", "write one event object per line")
            continue
        yield Raw("event", fields, name, number)


def file_text(path: Path, name: str) -> tuple[str | None, Problem | None]:
    """The text of one log file, or the problem reading it (`name` is how problems refer to it)."""
    try:
        data = path.read_bytes()
    except OSError as e:
        return None, Problem(name, None, None, f"cannot read file ({e.strerror})", "check the path and its permissions")
    return decode(data, name)


def read_file(path: Path, name: str) -> tuple[list[Raw], list[Problem]]:
    """Read one log file (`name` is how problems refer to it)."""
    text, problem = file_text(path, name)
    if text is None:
        return [], [problem] if problem else []
    return read_text(text, name, path.suffix)


def read_text(text: str, name: str, suffix: str) -> tuple[list[Raw], list[Problem]]:
    """Read the text of one log file; `suffix` (.toml or .jsonl) says which kind."""
    records: list[Raw] = []
    problems: list[Problem] = []
    for entry in entries(text, name, suffix):
        if isinstance(entry, Raw):
            records.append(entry)
        else:
            problems.append(entry)
    return records, problems


def entries(text: str, name: str, suffix: str) -> Iterator[Raw | Problem]:
    """The records of one log file's text and its problems, in the order they stand.

    JSON Lines are read a line at a time, so a caller that builds each record as it comes
    never holds every record of a big file at once."""
    if text.startswith("\ufeff"):
        yield Problem(name, 1, None, "starts with a byte order mark (BOM)", "save the file as UTF-8 without a BOM")
    elif "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        yield Problem(name, line, None, "contains a NUL character", "remove the binary data; a log file is text")
    elif suffix == ".jsonl":
        yield from _jsonl_entries(text, name)
    else:
        records, problems = _read_toml(text, name)
        yield from records
        yield from problems
