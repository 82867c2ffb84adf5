"""Reading log files into raw records, each with the file and line it came from.

This is the edge: bytes in, plain dicts out, every failure a `Problem` naming the file
and line. Nothing here knows what an event means.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from pathlib import Path
from typing import Any

import attrs

from .errors import LogInvalid, Problem

__all__ = ["MAX_DEPTH", "TABLES", "Raw", "decode", "log_files", "read_file", "read_text"]

#: How deep folders may nest inside a log.
MAX_DEPTH = 32
TABLES = ("source", "place", "actor", "event")
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
    fields: dict[str, Any] = attrs.field(eq=False)
    file: str
    line: int | None
    lines: dict[str, int] = attrs.field(factory=dict, eq=False)
    valid: bool = True

    def line_of(self, field: str) -> int | None:
        """The line a field is written on, or the record's own line."""
        return self.lines.get(field, self.line)


def log_files(root: Path) -> list[Path]:
    """Every TOML and JSON Lines file below `root`, in a fixed order (by relative path).

    Refuses, raising `LogInvalid` with one problem, a directory without `log.toml` (before
    walking it: `--log /` is refused at once), a directory or file it cannot read (never
    skipped silently: a missing part changes answers), and folders nested more than
    `MAX_DEPTH` deep. Symbolic links to files are followed; links to directories are not.
    """
    if not (root / "log.toml").is_file():
        raise LogInvalid([Problem(str(root), None, None, "not a log directory: it has no log.toml",
                                  "point --log or $STATUSTRACK_LOG at a directory holding log.toml")])
    found: list[tuple[str, Path]] = []
    pending: list[tuple[Path, str, int]] = [(root, "", 0)]
    while pending:
        directory, rel, depth = pending.pop()
        if depth > MAX_DEPTH:
            raise LogInvalid([Problem(str(directory), None, None,
                                      f"folders nested more than {MAX_DEPTH} deep inside the log",
                                      "flatten the log's folders")])
        try:
            with os.scandir(directory) as entries:
                for entry in entries:
                    path, name = Path(entry.path), f"{rel}{entry.name}"
                    if entry.is_dir(follow_symlinks=False):
                        pending.append((path, f"{name}/", depth + 1))
                    elif path.suffix in (".toml", ".jsonl") and entry.is_file():
                        found.append((name, path))
        except OSError as e:
            raise LogInvalid([Problem(str(directory), None, None, f"cannot read this folder of the log ({e.strerror})",
                                      "check its permissions (every part of a log must be readable)")]) from e
    return [path for _, path in sorted(found)]


def decode(data: bytes, name: str) -> tuple[str | None, Problem | None]:
    """`data` decoded as strict UTF-8, or the problem (naming line and byte) if it is not."""
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        return None, Problem(name, line, None, f"not UTF-8 text ({e.reason} at byte {e.start})",
                             "save the file as UTF-8")


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


def _string_lines(lines: list[str]) -> set[int]:
    """Line numbers that begin inside a multi-line string (whose text is not TOML).

    A small scanner over TOML's four string forms and its comments, so that quotes inside
    a one-line string or a comment never open a multi-line string.
    """
    inside: set[int] = set()
    closing: str | None = None  # the delimiter that ends the multi-line string we are in
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
                        i += 1  # up to two more quotes belong to the string's text
                    closing = None
                else:
                    i += 1
                continue
            char = content[i]
            if char == "#":
                break
            if content.startswith(('"""', "'''"), i):
                closing = content[i:i + 3]
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
    inside = _string_lines(lines)
    headers: list[tuple[int, str]] = []
    for number, content in enumerate(lines, start=1):
        if number in inside:
            continue
        if (match := _HEADER.match(content)) is not None:
            headers.append((number, match[1]))
        elif _LOG_HEADER.match(content):
            headers.append((number, "log"))
    records: list[Raw] = []
    problems: list[Problem] = []
    for key, value in document.items():
        if key == "log":
            if not isinstance(value, dict):
                top = _field_lines(lines, 1, headers[0][0] - 1 if headers else len(lines), inside)
                problems.append(Problem(name, top.get("log"), None, "'log' must be a table",
                                        "write it as a [log] table"))
                records.append(Raw("log", {}, name, top.get("log"), {}, valid=False))
                continue
            where = [n for n, t in headers if t == "log"]
            line = where[0] if where else None
            records.append(Raw("log", value, name, line,
                               _field_lines(lines, line, _block_end(headers, line, len(lines)), inside) if line else {}))
            continue
        if key not in TABLES:
            problems.append(Problem(name, None, None, f"unknown table {key!r}",
                                    f"use only [log], {', '.join(f'[[{t}]]' for t in TABLES)}"))
            continue
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            problems.append(Problem(name, None, None, f"{key!r} must be written as [[{key}]] tables",
                                    f"start each entry with a [[{key}]] line"))
            continue
        where = [n for n, t in headers if t == key]
        for index, fields in enumerate(value):
            line = where[index] if index < len(where) else None
            spans = _field_lines(lines, line, _block_end(headers, line, len(lines)), inside) if line else {}
            records.append(Raw(key, fields, name, line, spans))
    return records, problems


def _block_end(headers: list[tuple[int, str]], line: int, total: int) -> int:
    later = [n for n, _ in headers if n > line]
    return (later[0] - 1) if later else total


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for key, value in pairs:
        if key in fields:
            raise _DuplicateKey(key)
        fields[key] = value
    return fields


class _DuplicateKey(ValueError):
    pass


_SURROGATE = re.compile("[\ud800-\udfff]")
_MAY_HOLD_SURROGATE = re.compile("\\\\u[dD][89a-fA-F]|[\ud800-\udfff]")  # a \\uD8..-\\uDF.. escape, or the character


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


def _read_jsonl(text: str, name: str) -> tuple[list[Raw], list[Problem]]:
    records: list[Raw] = []
    problems: list[Problem] = []
    for number, content in enumerate(text.split("\n"), start=1):
        if not content.strip():
            continue
        try:
            fields = json.loads(content, object_pairs_hook=_unique_keys)
        except json.JSONDecodeError as e:
            reason = e.msg
        except _DuplicateKey as e:
            reason = f"duplicate key {e.args[0]!r}"
        except RecursionError:
            reason = "nested too deeply"
        except ValueError as e:
            reason = "a number has more than 4300 digits" if "digits" in str(e) else str(e)
        else:
            reason = None
        if reason is not None:
            problems.append(Problem(name, number, None, f"not valid JSON: {reason}",
                                    "write one JSON object per line"))
            continue
        if _MAY_HOLD_SURROGATE.search(content) and (surrogate := _lone_surrogate(fields)) is not None:
            problems.append(Problem(name, number, None,
                                    f"not valid JSON: a lone surrogate {surrogate!r} is not a character",
                                    "write the character itself, or both halves of its surrogate pair"))
            continue
        if not isinstance(fields, dict):
            problems.append(Problem(name, number, None, "a JSON Lines entry must be an object",
                                    "write one event object per line"))
            continue
        records.append(Raw("event", fields, name, number))
    return records, problems


def read_file(path: Path, name: str) -> tuple[list[Raw], list[Problem]]:
    """Read one log file (`name` is how problems refer to it)."""
    try:
        data = path.read_bytes()
    except OSError as e:
        return [], [Problem(name, None, None, f"cannot read file ({e.strerror})",
                            "check the path and its permissions")]
    text, problem = decode(data, name)
    if text is None:
        return [], [problem] if problem else []
    return read_text(text, name, path.suffix)


def read_text(text: str, name: str, suffix: str) -> tuple[list[Raw], list[Problem]]:
    """Read the text of one log file; `suffix` (.toml or .jsonl) says which kind."""
    if text.startswith("\ufeff"):
        return [], [Problem(name, 1, None, "starts with a byte order mark (BOM)",
                            "save the file as UTF-8 without a BOM")]
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        return [], [Problem(name, line, None, "contains a NUL character",
                            "remove the binary data; a log file is text")]
    if suffix == ".jsonl":
        return _read_jsonl(text, name)
    return _read_toml(text, name)
