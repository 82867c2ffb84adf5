"""More of the bad-input corpus: wrong types, registries, log settings, links, encodings, JSON Lines.

Each broken log gets its exact one-line problems and exit status 2. The cases in `FOUND`
were bugs when this corpus was written (crashes, wrong or missing lines, split lines, bad
inputs accepted), each kept with what the tool printed before its fix; the loader hardening
of commit 9ff4a26 and the string-aware TOML scanner in parse.py fixed them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from statustrack.core.dates import ACCEPTED

from ..support import Run
from .test_bad_input import CORPUS as FIRST_CORPUS


class Toml(str):
    """A value written into the TOML as it stands: a number, a boolean, a list or a table."""


def event(**fields: object) -> str:
    """A [[event]] table of a valid capture with these fields replaced (None drops a field)."""
    base: dict[str, object] = {
        "id": "e1",
        "kind": "capture",
        "date": "2020-11-08",
        "place": "shusha",
        "by": "azerbaijan",
        "sources": Toml('[{ id = "s004", at = "lead" }]'),
    }
    base.update(fields)
    lines = ["[[event]]"]
    for key, value in base.items():
        if value is None:
            continue
        lines.append(f"{key} = {value if isinstance(value, Toml) else json.dumps(value, ensure_ascii=False)}")
    return "\n".join(lines) + "\n"


def jsonl(**fields: object) -> str:
    """One JSON Lines entry of a valid capture with these fields replaced (None drops a field)."""
    base: dict[str, object] = {
        "id": "j1",
        "kind": "capture",
        "date": "2020-11-09",
        "place": "shusha",
        "by": "nkr",
        "sources": [{"id": "s004", "at": "lead"}],
    }
    base.update(fields)
    return json.dumps({k: v for k, v in base.items() if v is not None}, ensure_ascii=False) + "\n"


def registry(table: str, **fields: object) -> str:
    """One registry entry ([[place]], [[actor]] or [[source]]) with these fields, in this order."""
    lines = [f"[[{table}]]"]
    lines += [f"{k} = {v if isinstance(v, Toml) else json.dumps(v, ensure_ascii=False)}" for k, v in fields.items()]
    return "\n".join(lines) + "\n"


NO_CAPTURE = {"place": None, "by": None}
WAR = event(
    id="war",
    kind="war",
    date="2020-09-27",
    theatre="nagorno-karabakh",
    name="second war",
    parties=Toml('["azerbaijan", "armenia"]'),
    sources=Toml('[{ id = "s002" }]'),
    **NO_CAPTURE,
)
LOG_TOML = '[log]\nformat = 1\ntimezone = "Asia/Baku"\n'
KIND_HINT = (
    "use one of: declaration, decree, claim, war, offensive, ceasefire, blockade, deployment, capture, "
    "handover, recognition, resolution, statement, office, officeholder, relation, dissolution, retraction, "
    "founding, cessation"
)
SOURCES_HINT = 'write sources = [{ id = "<source id>", at = "<where in it>" }]'
PARTIES = "field 'parties' must be a non-empty list of actor ids; write parties = [\"id\", ...]"
ALIASES = 'field \'aliases\' must be a list of non-empty strings; write aliases = ["...", "..."]'
CYCLE = (
    "retractions, corrections or accounts form a cycle; a correction, retraction or account_of must name an older event"
)


def bad_date(field: str, text: str, why: str) -> str:
    """The problem text after `event e1:` for an invalid date in `field`."""
    return (
        f"field {field!r}: invalid date {text!r}: {why}; accepted: {ACCEPTED}; "
        "write the date in one of the accepted forms"
    )


def string(field: str, got: str) -> str:
    """The problem text for a field that holds a `got` where a string belongs."""
    return f'field {field!r} must be a string, got {got}; write {field} = "..." in double quotes'


CORPUS: list[tuple[str, dict[str, str | bytes], str]] = [
    # Wrong types: a number, a boolean, a list or a table where a string belongs.
    ("note is a number", {"e.toml": event(note=Toml("5"))}, f"log/e.toml:8: event e1: {string('note', 'int')}"),
    (
        "place is a list",
        {"e.toml": event(place=Toml('["shusha"]'))},
        f"log/e.toml:5: event e1: {string('place', 'list')}",
    ),
    (
        "place is an inline table",
        {"e.toml": event(place=Toml('{ id = "shusha" }'))},
        f"log/e.toml:5: event e1: {string('place', 'dict')}",
    ),
    ("by is a boolean", {"e.toml": event(by=Toml("true"))}, f"log/e.toml:6: event e1: {string('by', 'bool')}"),
    (
        "effective is a boolean",
        {"e.toml": event(effective=Toml("false"))},
        f"log/e.toml:8: event e1: {string('effective', 'bool')}",
    ),
    (
        "replaces is a float",
        {"e.toml": event(replaces=Toml("1.5"))},
        f"log/e.toml:8: event e1: {string('replaces', 'float')}",
    ),
    ("id is a number", {"e.toml": event(id=Toml("1"))}, f"log/e.toml:2: {string('id', 'int')}"),
    (
        "date is a TOML date",
        {"e.toml": event(date=Toml("2020-11-08"))},
        f"log/e.toml:4: event e1: {string('date', 'date')}",
    ),
    (
        "level is a list",
        {"r.toml": registry("actor", id="x", name="X", level=Toml('["city"]'))},
        f"log/r.toml:4: {string('level', 'list')}",
    ),
    (
        "timezone is a number",
        {"log.toml": "[log]\nformat = 1\ntimezone = 4\n"},
        f"log/log.toml:3: {string('timezone', 'int')}",
    ),
    # sources: a table, a string, strings, unknown keys, a non-string `at`.
    (
        "sources is an inline table",
        {"e.toml": event(sources=Toml('{ id = "s004" }'))},
        f"log/e.toml:7: event e1: field 'sources' must be a list of tables; {SOURCES_HINT}",
    ),
    (
        "sources is a bare string",
        {"e.toml": event(sources="s004")},
        f"log/e.toml:7: event e1: field 'sources' must be a list of tables; {SOURCES_HINT}",
    ),
    (
        "sources lists bare strings",
        {"e.toml": event(sources=Toml('["s004"]'))},
        f"log/e.toml:7: event e1: field 'sources' must be a list of tables; {SOURCES_HINT}",
    ),
    (
        "source reference with an unknown key",
        {"e.toml": event(sources=Toml('[{ id = "s004", page = 3 }]'))},
        "log/e.toml:7: event e1: unknown key 'page' in a source reference; a source reference has only id and at",
    ),
    (
        "source reference with a number at",
        {"e.toml": event(sources=Toml('[{ id = "s004", at = 12 }]'))},
        "log/e.toml:7: event e1: a source reference needs a string id (and an optional string at); "
        'write { id = "<source id>", at = "<where in it>" }',
    ),
    (
        "source reference without id",
        {"e.toml": event(sources=Toml('[{ at = "lead" }]'))},
        "log/e.toml:7: event e1: a source reference needs a string id (and an optional string at); "
        'write { id = "<source id>", at = "<where in it>" }',
    ),
    # parties: a table, numbers, nothing, a string, an unknown actor.
    (
        "parties is a table",
        {"e.toml": WAR.replace('["azerbaijan", "armenia"]', '{ a = "azerbaijan" }')},
        f"log/e.toml:8: event war: {PARTIES}",
    ),
    (
        "parties holds numbers",
        {"e.toml": WAR.replace('["azerbaijan", "armenia"]', "[1, 2]")},
        f"log/e.toml:8: event war: {PARTIES}",
    ),
    (
        "parties is empty",
        {"e.toml": WAR.replace('["azerbaijan", "armenia"]', "[]")},
        f"log/e.toml:8: event war: {PARTIES}",
    ),
    (
        "parties is one string",
        {"e.toml": WAR.replace('["azerbaijan", "armenia"]', '"azerbaijan"')},
        f"log/e.toml:8: event war: {PARTIES}",
    ),
    (
        "parties names an unknown actor",
        {"e.toml": WAR.replace('"armenia"', '"armenja"')},
        "log/e.toml:8: event war: unknown actor 'armenja' in field 'parties'; "
        "did you mean 'armenia'? otherwise define a [[actor]] with id 'armenja' or fix the id",
    ),
    # The [log] table.
    (
        "a second [log] table",
        {"x.toml": LOG_TOML},
        "log/x.toml:1: a second [log] table (the first is in log/log.toml); keep one [log] table per log",
    ),
    (
        "format 0",
        {"log.toml": LOG_TOML.replace("1", "0")},
        "log/log.toml:2: field 'format' must be a positive whole number; write format = 2",
    ),
    (
        "format as a string",
        {"log.toml": LOG_TOML.replace("1", '"1"')},
        "log/log.toml:2: field 'format' must be a positive whole number; write format = 2",
    ),
    (
        "format true",
        {"log.toml": LOG_TOML.replace("1", "true")},
        "log/log.toml:2: field 'format' must be a positive whole number; write format = 2",
    ),
    (
        "format missing",
        {"log.toml": '[log]\ntimezone = "Asia/Baku"\n'},
        "log/log.toml:1: field 'format' must be a positive whole number; write format = 2",
    ),
    (
        "timezone missing",
        {"log.toml": "[log]\nformat = 1\n"},
        "log/log.toml:1: missing field 'timezone'; add timezone = \"...\"",
    ),
    # Registries.
    (
        "place without name",
        {"r.toml": registry("place", id="x", kind="city")},
        "log/r.toml:1: missing field 'name'; add name = \"...\"",
    ),
    (
        "place without kind",
        {"r.toml": registry("place", id="x", name="X")},
        "log/r.toml:1: missing field 'kind'; add kind = \"...\"",
    ),
    (
        "actor without level",
        {"r.toml": registry("actor", id="x", name="X")},
        "log/r.toml:1: missing field 'level'; add level = \"...\"",
    ),
    (
        "actor without name",
        {"r.toml": registry("actor", id="x", level="city")},
        "log/r.toml:1: missing field 'name'; add name = \"...\"",
    ),
    (
        "source without title",
        {"r.toml": registry("source", id="s9", url="https://example.org")},
        "log/r.toml:1: missing field 'title'; add title = \"...\"",
    ),
    (
        "source without url",
        {"r.toml": registry("source", id="s9", title="X")},
        "log/r.toml:1: missing field 'url'; add url = \"...\"",
    ),
    (
        "aliases is a string",
        {"r.toml": registry("place", id="x", name="X", kind="city", aliases="Ex")},
        f"log/r.toml:5: {ALIASES}",
    ),
    (
        "aliases is a table",
        {"r.toml": registry("place", id="x", name="X", kind="city", aliases=Toml('{ en = "Ex" }'))},
        f"log/r.toml:5: {ALIASES}",
    ),
    (
        "aliases holds a number",
        {"r.toml": registry("actor", id="x", name="X", level="city", aliases=Toml("[1]"))},
        f"log/r.toml:5: {ALIASES}",
    ),
    (
        "part_of names an unknown place",
        {"r.toml": registry("place", id="x", name="X", kind="city", part_of="atlantis")},
        "log/r.toml:5: part_of names unknown place or actor 'atlantis'; define a [[place]] with id 'atlantis' or fix "
        "the id",
    ),
    (
        "part_of names an unknown actor",
        {"r.toml": registry("actor", id="x", name="X", level="city", part_of="atlantis")},
        "log/r.toml:5: part_of names unknown actor 'atlantis'; define a [[actor]] with id 'atlantis' or fix the id",
    ),
    (
        "a place's part_of names a place that names an unknown actor",
        {
            "r.toml": registry("place", id="x", name="X", kind="city", part_of="shusha")
            + registry("actor", id="y", name="Y", level="city", part_of="x")
        },
        "log/r.toml:10: part_of names unknown actor 'x'; define a [[actor]] with id 'x' or fix the id",
    ),
    (
        "part_of forms a cycle",
        {
            "r.toml": registry("actor", id="x", name="X", level="city", part_of="y")
            + registry("actor", id="y", name="Y", level="city", part_of="x")
        },
        "log/r.toml:5: part_of forms a cycle through 'y'; a place or actor cannot be part of itself, directly or not\n"
        "log/r.toml:10: part_of forms a cycle through 'x'; a place or actor cannot be part of itself, directly or not",
    ),
    (
        "an office of an unknown type",
        {"r.toml": registry("office", place="shusha", polity="nkr", type="embassy", sources=Toml('[{ id = "s002" }]'))},
        "log/r.toml:4: unknown office type 'embassy'; use one of: permanent-representation, information-office",
    ),
    (
        "an office without sources",
        {"r.toml": registry("office", place="shusha", polity="nkr", type="information-office")},
        "log/r.toml:1: an [[office]] needs sources: a list of { id, at } tables; "
        'write sources = [{ id = "<source id>", at = "<where in it>" }]',
    ),
    (
        "an office at an unknown place",
        {
            "r.toml": registry(
                "office", place="atlantis", polity="nkr", type="information-office", sources=Toml('[{ id = "s002" }]')
            )
        },
        "log/r.toml:2: unknown place 'atlantis'; define a [[place]] with id 'atlantis' or fix the id",
    ),
    (
        "a place and an actor share an id",
        {"z.toml": registry("place", id="armenia", name="Armenia", kind="country")},
        "log/z.toml:2: id 'armenia' is already defined (actor at log/registry/registry.toml:53); "
        "define each id once in the whole log",
    ),
    (
        "event id is a place id",
        {"e.toml": event(id="shusha")},
        "log/e.toml:2: event shusha: id is already used by a registry entry; give the event an id of its own",
    ),
    (
        "event id is a source id",
        {"e.toml": event(id="s004")},
        "log/e.toml:2: event s004: id is already used by a registry entry; give the event an id of its own",
    ),
    # Huge values and control characters in fields other than `note`.
    (
        "a 5,000-character note",
        {"e.toml": event(note="x" * 5000)},
        "log/e.toml:8: event e1: field 'note' is 5000 characters long (at most 4000); "
        "shorten it; long explanations belong in the docs",
    ),
    (
        "escape character in a place name",
        {"r.toml": registry("place", id="x", name="X\x1b[31m", kind="city")},
        "log/r.toml:3: field 'name' contains a control character; remove the control character",
    ),
    (
        "carriage return in a source title",
        {"r.toml": registry("source", id="s9", title="X\r", url="u")},
        "log/r.toml:3: field 'title' contains a control character; remove the control character",
    ),
    (
        "DEL in a status",
        {"e.toml": event(kind="declaration", polity="nkr", status=Toml('"free\\u007f"'), **NO_CAPTURE)},
        "log/e.toml:7: event e1: field 'status' contains a control character; remove the control character",
    ),
    # Encodings.
    (
        "UTF-16 TOML file",
        {"e.toml": event().encode("utf-16")},
        "log/e.toml:1: not UTF-8 text (invalid start byte at byte 0); save the file as UTF-8",
    ),
    (
        "UTF-16 JSON Lines file",
        {"e.jsonl": jsonl().encode("utf-16")},
        "log/e.jsonl:1: not UTF-8 text (invalid start byte at byte 0); save the file as UTF-8",
    ),
    (
        "Latin-1 on a later line",
        {"e.toml": event(note="café").encode("latin-1")},
        "log/e.toml:8: not UTF-8 text (invalid continuation byte at byte 144); save the file as UTF-8",
    ),
    # Links between events.
    (
        "replaces names an unknown event",
        {"e.toml": event(replaces="ghost")},
        "log/e.toml:8: event e1: replaces names unknown event 'ghost'; name the id of an event in the log",
    ),
    (
        "replaces names itself",
        {"e.toml": event(replaces="e1")},
        "log/e.toml:8: event e1: replaces names the event itself; name another event's id",
    ),
    (
        "ceasefire ends a war in another theatre",
        {"e.toml": WAR + event(id="cf", kind="ceasefire", theatre="aghdam", ends="war", name="truce", **NO_CAPTURE)},
        "log/e.toml:15: event cf: ends a war in 'nagorno-karabakh', not in 'aghdam'; name a war of the same theatre",
    ),
    (
        "annuls names an unknown event",
        {"e.toml": event(kind="decree", polity="nkr", status="dissolved", issuer="nkr", annuls="ghost", **NO_CAPTURE)},
        "log/e.toml:9: event e1: annuls names unknown event 'ghost'; name the id of an event in the log",
    ),
    (
        "annuls names itself",
        {"e.toml": event(kind="decree", polity="nkr", status="dissolved", issuer="nkr", annuls="e1", **NO_CAPTURE)},
        "log/e.toml:9: event e1: annuls names the event itself; name another event's id",
    ),
    # Dates in other fields and other forms.
    (
        "effective is not EDTF",
        {"e.toml": event(effective="2020-11-31")},
        f"log/e.toml:8: event e1: {bad_date('effective', '2020-11-31', 'no such day (day is out of range for month)')}",
    ),
    (
        "recorded is not a date",
        {"e.toml": event(recorded="2021-13")},
        f"log/e.toml:8: event e1: {bad_date('recorded', '2021-13', 'no such day (month must be in 1..12)')}",
    ),
    (
        "recorded is an instant without offset",
        {"e.toml": event(recorded="2021-01-01T10:00")},
        f"log/e.toml:8: event e1: "
        f"{bad_date('recorded', '2021-01-01T10:00', 'an instant needs its UTC offset (Z or +03:00)')}",
    ),
    (
        "interval ends before it starts",
        {"e.toml": event(date="2020-11-08/2020-11-01")},
        f"log/e.toml:4: event e1: {bad_date('date', '2020-11-08/2020-11-01', 'the range ends before it starts')}",
    ),
    (
        "interval with two slashes",
        {"e.toml": event(date="2020/2021/2022")},
        "log/e.toml:4: event e1: " + bad_date("date", "2020/2021/2022", "an interval has exactly one '/'"),
    ),
    # JSON Lines.
    (
        "JSON line is a string",
        {"e.jsonl": '"capture"\n'},
        "log/e.jsonl:1: a JSON Lines entry must be an object; write one event object per line",
    ),
    (
        "JSON line is a number",
        {"e.jsonl": "\n42\n"},
        "log/e.jsonl:2: a JSON Lines entry must be an object; write one event object per line",
    ),
    (
        "JSON nested 100,000 deep",
        {"e.jsonl": "[" * 100_000 + "]" * 100_000 + "\n"},
        "log/e.jsonl:1: not valid JSON: nested too deeply; write one JSON object per line",
    ),
    (
        "JSON event of unknown kind",
        {"e.jsonl": jsonl(kind="coup")},
        f"log/e.jsonl:1: event j1: unknown kind 'coup'; {KIND_HINT}",
    ),
    (
        "JSON id also used in a TOML file",
        {"a.toml": event(), "b.jsonl": jsonl(id="e1")},
        "log/b.jsonl:1: event e1: duplicate id (first used at log/a.toml:1); "
        "give this event a new id; ids are permanent and unique",
    ),
    (
        "JSON event id is an actor id",
        {"e.jsonl": jsonl(id="nkr")},
        "log/e.jsonl:1: event nkr: id is already used by a registry entry; give the event an id of its own",
    ),
    (
        "JSON date is a number, after blank lines",
        {"e.jsonl": "\n\n" + jsonl(date=2020)},
        f"log/e.jsonl:3: event j1: {string('date', 'int')}",
    ),
]

# Bugs found by this corpus: (name, files, what the tool prints, what it printed before its fix).
FOUND: list[tuple[str, dict[str, str | bytes], str, str]] = [
    (
        "kind is a list",
        {"e.toml": event(kind=Toml('["capture"]'))},
        f"log/e.toml:3: event e1: {string('kind', 'list')}",
        "crashes: exit 3, 'internal error: TypeError: unhashable type: list' (kind is used as a dict key)",
    ),
    (
        "JSON kind is an object",
        {"e.jsonl": jsonl(kind={"name": "capture"})},
        f"log/e.jsonl:1: event j1: {string('kind', 'dict')}",
        "crashes: exit 3, 'internal error: TypeError: unhashable type: dict'",
    ),
    (
        "kind is a boolean",
        {"e.toml": event(kind=Toml("true"))},
        f"log/e.toml:3: event e1: {string('kind', 'bool')}",
        'says "unknown kind True", Python\'s spelling, not the TOML the user wrote',
    ),
    (
        "log is not a table",
        {"log.toml": "log = 3\n"},
        "log/log.toml:1: 'log' must be a table; write it as a [log] table",
        "prints no line number, then a second, misleading problem: "
        "'log: no [log] table found; add log.toml with [log] ...' though log.toml exists",
    ),
    (
        "unknown field in [log]",
        {"log.toml": LOG_TOML + 'zone = "Asia/Baku"\n'},
        "log/log.toml:4: unknown field 'zone' in [log]; "
        "remove it or use one of: claimant, format, horizon, name, polity, timezone",
        "says 'in [[log]]', an array-of-tables header that is itself refused",
    ),
    (
        "control character in an alias",
        {"r.toml": registry("place", id="x", name="X", kind="city", aliases=["X\x07"])},
        "log/r.toml:5: field 'aliases' contains a control character; remove the control character",
        "accepted: aliases are not checked for control characters",
    ),
    (
        "control character in a source reference's at",
        {"e.toml": event(sources=Toml('[{ id = "s004", at = "le\\bad" }]'))},
        "log/e.toml:7: event e1: field 'sources' contains a control character; remove the control character",
        "accepted: `at` is not checked for control characters",
    ),
    (
        "escape sequence in an id",
        {"e.toml": event(id="e1\x1b[2J")},
        "log/e.toml:2: event e1\\x1b[2J: field 'id' contains a control character; remove the control character",
        "the event label prints the raw ESC [2J (clears the terminal): 'event e1\\x1b[2J:' is written unescaped",
    ),
    (
        "newline in an id",
        {"e.toml": event(id="e1\nx")},
        "log/e.toml:2: event e1\\nx: id 'e1\\nx' is not a valid id; use lower-case letters, digits, '.', '_' and '-', "
        "starting with a letter or digit",
        "the event label prints the raw newline, so the problem spans two lines",
    ),
    (
        "retraction cycle",
        {
            "e.toml": event(id="a", kind="retraction", retracts="b", reason="x", **NO_CAPTURE)
            + "\n"
            + event(id="b", kind="retraction", retracts="a", reason="y", **NO_CAPTURE)
        },
        f"log/e.toml:1: event a: {CYCLE}\nlog/e.toml:9: event b: {CYCLE}",
        "accepted (exit 0): validate._cycles stops when the walk returns to its start, so no cycle is ever reported",
    ),
    (
        "correction cycle",
        {"e.toml": event(id="a", replaces="b") + "\n" + event(id="b", date="2020-11-09", replaces="a")},
        f"log/e.toml:1: event a: {CYCLE}\nlog/e.toml:10: event b: {CYCLE}",
        "accepted (exit 0), as the retraction cycle",
    ),
    (
        "full-width digits in a date",
        {"e.toml": event(date="２０２０")},
        f"log/e.toml:4: event e1: {bad_date('date', '２０２０', 'not an EDTF date')}",
        "accepted as 2020: the date patterns use \\d, which matches any Unicode digit",
    ),
    (
        "source captured is not EDTF",
        {"r.toml": registry("source", id="s9", title="X", url="u", captured="yesterday")},
        f"log/r.toml:5: {bad_date('captured', 'yesterday', 'not an EDTF date')}",
        "accepted: `captured` (documented as EDTF) is only checked to be text",
    ),
    (
        "[[event]] inside a multi-line string",
        {"e.toml": event(note=Toml('"""\n[[event]]\n"""')) + "\n" + event(id="e2", place="nowhere")},
        "log/e.toml:16: event e2: unknown place 'nowhere' in field 'place'; "
        "define a [[place]] with id 'nowhere' or fix the id",
        "names line 9 (the text inside e1's note): table headers are found by scanning lines, strings included",
    ),
    (
        "quoted key",
        {"e.toml": event(by=None) + '"by" = "azerbaijn"\n'},
        "log/e.toml:7: event e1: unknown actor 'azerbaijn' in field 'by'; "
        "did you mean 'azerbaijan'? write by = \"azerbaijan\"; "
        "otherwise define a [[actor]] with id 'azerbaijn' or fix the id",
        "names line 1 (the [[event]] line): field lines are found only for bare keys",
    ),
    (
        "line separator in a TOML string",
        {"e.toml": event(note="a\u2028b") + "\n" + event(id="e2", place="nowhere")},
        "log/e.toml:14: event e2: unknown place 'nowhere' in field 'place'; "
        "define a [[place]] with id 'nowhere' or fix the id",
        "names line 15: lines are counted with str.splitlines, which also breaks at U+2028, U+0085 and others",
    ),
    (
        "line separator in a JSON string",
        {"e.jsonl": jsonl(note="a\u2028b") + jsonl(id="j2", place="nowhere")},
        "log/e.jsonl:2: event j2: unknown place 'nowhere' in field 'place'; "
        "define a [[place]] with id 'nowhere' or fix the id",
        "splits the valid first line at U+2028 into two bogus 'not valid JSON' problems (lines 1 and 2) "
        "and then names line 3 for j2",
    ),
    (
        "JSON key given twice",
        {"e.jsonl": jsonl().replace('"id": "j1"', '"id": "j1", "id": "j2"')},
        "log/e.jsonl:1: not valid JSON: duplicate key 'id'; write one JSON object per line",
        "accepted: the later value silently wins (TOML refuses a repeated key)",
    ),
    (
        "TOML nested 100,000 deep",
        {"e.toml": "x = " + "[" * 100_000 + "]" * 100_000 + "\n"},
        "log/e.toml: not valid TOML: nested too deeply; fix the TOML syntax (strings in double quotes, one key per line)",
        "crashes: exit 3, 'internal error: RecursionError: maximum recursion depth exceeded'",
    ),
    (
        "TOML integer of 5,000 digits",
        {"e.toml": event(note=Toml("9" * 5000))},
        "log/e.toml: not valid TOML: a number has more than 4300 digits; "
        "fix the TOML syntax (strings in double quotes, one key per line)",
        "crashes: exit 3, 'internal error: ValueError: Exceeds the limit (4300 digits) for integer string conversion'",
    ),
    (
        "JSON integer of 5,000 digits",
        {"e.jsonl": jsonl(date="N").replace('"N"', "9" * 5000)},
        "log/e.jsonl:1: not valid JSON: a number has more than 4300 digits; write one JSON object per line",
        "crashes: exit 3, 'internal error: ValueError: Exceeds the limit (4300 digits) for integer string conversion'",
    ),
    (
        "byte order mark in a TOML file",
        {"e.toml": "\ufeff" + event()},
        "log/e.toml:1: starts with a byte order mark (BOM); save the file as UTF-8 without a BOM",
        "says 'log/e.toml:1: not valid TOML: Invalid statement': the BOM is invisible in an editor",
    ),
    (
        "byte order mark in a JSON Lines file",
        {"e.jsonl": "\ufeff" + jsonl()},
        "log/e.jsonl:1: starts with a byte order mark (BOM); save the file as UTF-8 without a BOM",
        "says 'not valid JSON: Unexpected UTF-8 BOM (decode using utf-8-sig)': Python advice, not a fix for the file",
    ),
    (
        "ceasefire ends itself",
        {"e.toml": event(kind="ceasefire", theatre="nagorno-karabakh", ends="e1", name="t", **NO_CAPTURE)},
        "log/e.toml:7: event e1: ends names the event itself; name another event's id",
        "adds a second problem for the same mistake: \"a ceasefire with no war to end: 'e1' is a ceasefire\"",
    ),
    (
        "part_of names itself",
        {"r.toml": registry("place", id="x", name="X", kind="city", part_of="x")},
        "log/r.toml:5: part_of names the place itself; name another place's id",
        "accepted, as is a part_of cycle (x in y, y in x); docs/log-format.md says part_of is 'another place id'",
    ),
    (
        "instant before year 1 in UTC",
        {"e.toml": event(date="0001-01-01T00:00+05:00")},
        f"log/e.toml:4: event e1: "
        f"{bad_date('date', '0001-01-01T00:00+05:00', 'out of range (years 0001 to 9999 in UTC)')}",
        "crashes: exit 3, 'internal error: OverflowError: date value out of range'",
    ),
    (
        "triple quote inside a literal string",
        {"e.toml": event(note=Toml('\'he said """ here\'')) + "\n" + event(id="e2", place="nowhere")},
        "log/e.toml:14: event e2: unknown place 'nowhere' in field 'place'; "
        "define a [[place]] with id 'nowhere' or fix the id",
        'names no line (\'log/e.toml: event e2: ...\'): parse._string_lines takes the """ inside the one-line '
        "literal string for the start of a multi-line string, so the rest of the file, e2's header included, "
        "is skipped",
    ),
    (
        "dotted key",
        {"e.toml": event(place=None) + 'place.id = "shusha"\n'},
        f"log/e.toml:7: event e1: {string('place', 'dict')}",
        "names line 1 (the [[event]] line): field lines are found for bare and quoted keys, not dotted ones",
    ),
]


@pytest.mark.parametrize(
    ("files", "expected"),
    [pytest.param(files, expected, id=name) for name, files, expected in CORPUS]
    + [pytest.param(files, expected, id=name) for name, files, expected, _ in FOUND],
)
def test_bad_input(validate_files: Callable[..., Run], files: dict[str, str | bytes], expected: str) -> None:
    """A broken log is refused with exactly the expected one-line problems and exit status 2."""
    result = validate_files(files)
    assert (result.status, result.out, result.err) == (
        2,
        "",
        "".join(f"statustrack: error: {line}\n" for line in expected.split("\n")),
    )


def test_corpus_is_large_enough_and_new() -> None:
    """This corpus holds at least thirty broken inputs, each named once and none repeating the first corpus."""
    names = [c[0] for c in CORPUS] + [f[0] for f in FOUND]
    first = {name for name, _, _ in FIRST_CORPUS}
    first_files = [files for _, files, _ in FIRST_CORPUS]
    assert len(set(names)) == len(names) >= 30
    assert not first & set(names)
    assert not [files for _, files, *_ in CORPUS + FOUND if files in first_files]


CRLF_FILES = {"e.toml": event().replace("\n", "\r\n"), "e.jsonl": jsonl().replace("\n", "\r\n")}


def test_crlf_line_endings_are_accepted(
    make_log: Callable[..., Path], cli: Callable[..., object], monkeypatch: pytest.MonkeyPatch
) -> None:
    """TOML and JSON Lines files with Windows (CRLF) line endings load like LF files."""
    root = make_log(CRLF_FILES)
    monkeypatch.chdir(root.parent)
    result = cli("validate", "--log", "log")
    assert (result.status, result.out, result.err) == (0, "valid: log: 2 events, 2 sources, 5 places, 6 actors\n", "")


def test_crlf_problems_name_the_right_line(
    make_log: Callable[..., Path], cli: Callable[..., object], monkeypatch: pytest.MonkeyPatch
) -> None:
    """In CRLF files a problem names the same line as in the LF file."""
    root = make_log(
        {
            "e.toml": event(place="nowhere").replace("\n", "\r\n"),
            "e.jsonl": ("\n" + jsonl(place="nowhere")).replace("\n", "\r\n"),
        }
    )
    monkeypatch.chdir(root.parent)
    result = cli("validate", "--log", "log")
    assert (result.status, result.out) == (2, "")
    assert result.err.splitlines() == [
        "statustrack: error: log/e.jsonl:2: event j1: unknown place 'nowhere' in field 'place'; "
        "define a [[place]] with id 'nowhere' or fix the id",
        "statustrack: error: log/e.toml:5: event e1: unknown place 'nowhere' in field 'place'; "
        "define a [[place]] with id 'nowhere' or fix the id",
    ]


# Before 9ff4a26 these crashed (OverflowError) or were refused as "no such day (year 10000 is out of range)".
@pytest.mark.parametrize("date", ["0001", "0001-01-01", "9999", "9999-12", "9999-12-31", "../9999-12-31"])
def test_first_and_last_years_load(
    make_log: Callable[..., Path], cli: Callable[..., object], date: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A date in year 1 or year 9999 (the EDTF range the parser accepts) loads, clamped to the ends of time."""
    root = make_log({"e.toml": event(date=date)})
    monkeypatch.chdir(root.parent)
    result = cli("validate", "--log", "log")
    assert (result.status, result.out, result.err) == (0, "valid: log: 1 events, 2 sources, 5 places, 6 actors\n", "")
