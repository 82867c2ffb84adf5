"""The bad-input corpus: each broken log gets exact one-line problems and exit status 2."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from statustrack.core.dates import ACCEPTED
from statustrack.core.events import KINDS

from ..support import Run

GOOD = """
[[event]]
id = "e1"
kind = "capture"
date = "2020-11-08"
place = "shusha"
by = "azerbaijan"
sources = [{ id = "s004", at = "lead" }]
"""

WAR = """
[[event]]
id = "war"
kind = "war"
date = "2020-09-27"
theatre = "nagorno-karabakh"
name = "second war"
parties = ["azerbaijan", "armenia"]
sources = [{ id = "s002" }]
"""


def event(**fields: object) -> str:
    """A [[event]] table: GOOD's fields with these replaced (None drops a field)."""
    base: dict[str, object] = {
        "id": "e1",
        "kind": "capture",
        "date": "2020-11-08",
        "place": "shusha",
        "by": "azerbaijan",
        "sources": '[{ id = "s004", at = "lead" }]',
    }
    base.update(fields)
    lines = ["[[event]]"]
    for key, value in base.items():
        if value is None:
            continue
        if isinstance(value, str) and not value.startswith("["):
            value = f'"{value}"'
        lines.append(f"{key} = {value}")
    return "\n".join(lines) + "\n"


KIND_LIST = ", ".join(KINDS)
CORPUS: list[tuple[str, dict[str, str | bytes], str]] = [
    (
        "bad TOML",
        {"e.toml": 'x = "unterminated\n'},
        "log/e.toml:1: not valid TOML: Illegal character '\\n'; "
        "fix the TOML syntax (strings in double quotes, one key per line)",
    ),
    (
        "not UTF-8",
        {"e.toml": b"# caf\xe9\n"},
        "log/e.toml:1: not UTF-8 text (invalid continuation byte at byte 5); save the file as UTF-8",
    ),
    (
        "NUL byte",
        {"e.toml": "a = 1\n\x00"},
        "log/e.toml:2: contains a NUL character; remove the binary data; a log file is text",
    ),
    (
        "bad JSON line",
        {"e.jsonl": '{"id": "x"\n'},
        "log/e.jsonl:1: not valid JSON: Expecting ',' delimiter; write one JSON object per line",
    ),
    (
        "JSON line not an object",
        {"e.jsonl": "[1, 2]\n"},
        "log/e.jsonl:1: a JSON Lines entry must be an object; write one event object per line",
    ),
    (
        "unknown table",
        {"e.toml": '[[events]]\nid = "x"\n'},
        "log/e.toml: unknown table 'events'; use only [log], [[source]], [[place]], [[actor]], [[office]], [[event]]",
    ),
    (
        "bad date",
        {"e.toml": event(date="2020-02-30")},
        "log/e.toml:4: event e1: field 'date': invalid date '2020-02-30': no such day (day is out of range for month); "
        f"accepted: {ACCEPTED}; write the date in one of the accepted forms",
    ),
    (
        "words for a date",
        {"e.toml": event(date="May 2012")},
        "log/e.toml:4: event e1: field 'date': invalid date 'May 2012': not an EDTF date; "
        f"accepted: {ACCEPTED}; write the date in one of the accepted forms",
    ),
    (
        "date not a string",
        {"e.toml": event(date=2020)},
        "log/e.toml:4: event e1: field 'date' must be a string, got int; write date = \"...\" in double quotes",
    ),
    (
        "unknown kind",
        {"e.toml": event(kind="coup")},
        f"log/e.toml:3: event e1: unknown kind 'coup'; use one of: {KIND_LIST}",
    ),
    (
        "missing kind",
        {"e.toml": event(kind=None)},
        f"log/e.toml:1: event e1: missing field 'kind'; add kind = one of: {KIND_LIST}",
    ),
    (
        "unknown place",
        {"e.toml": event(place="shusa")},
        "log/e.toml:5: event e1: unknown place 'shusa' in field 'place'; did you mean 'shusha'? "
        "write place = \"shusha\"; otherwise define a [[place]] with id 'shusa' or fix the id",
    ),
    (
        "alias instead of id",
        {"e.toml": event(place="Shushi")},
        "log/e.toml:5: event e1: 'place' names 'Shushi', an alias, not an id; use the id 'shusha'",
    ),
    (
        "unknown actor",
        {"e.toml": event(by="azerbaijn")},
        "log/e.toml:6: event e1: unknown actor 'azerbaijn' in field 'by'; did you mean 'azerbaijan'? "
        "write by = \"azerbaijan\"; otherwise define a [[actor]] with id 'azerbaijn' or fix the id",
    ),
    (
        "unknown source",
        {"e.toml": event(sources='[{ id = "s999" }]')},
        "log/e.toml:7: event e1: unknown source 's999'; add a [[source]] with id 's999' to the registry or fix the id",
    ),
    (
        "missing sources",
        {"e.toml": event(sources=None)},
        "log/e.toml:1: event e1: no sources: every event needs at least one; "
        'add sources = [{ id = "<source id>", at = "<where in it>" }]',
    ),
    (
        "empty sources",
        {"e.toml": event(sources="[]")},
        "log/e.toml:1: event e1: no sources: every event needs at least one; "
        'add sources = [{ id = "<source id>", at = "<where in it>" }]',
    ),
    (
        "duplicate id",
        {"e.toml": GOOD + GOOD},
        "log/e.toml:11: event e1: duplicate id (first used at log/e.toml:2); "
        "give this event a new id; ids are permanent and unique",
    ),
    (
        "bad id",
        {"e.toml": event(id="E 1")},
        "log/e.toml:2: event E 1: id 'E 1' is not a valid id; use lower-case letters, digits, '.', '_' and '-', "
        "starting with a letter or digit",
    ),
    (
        "unknown field",
        {"e.toml": event(plcae="shusha")},
        "log/e.toml:8: event e1: unknown field 'plcae' in [[event]]; remove it or use one of: account_of, by, date, "
        "effective, from, id, kind, note, place, recorded, replaces, sources",
    ),
    ("missing field", {"e.toml": event(by=None)}, "log/e.toml:1: event e1: missing field 'by'; add by = \"...\""),
    (
        "bad stance",
        {"e.toml": event(kind="recognition", place=None, by=None, actor="new-south-wales", stance="likes")},
        "log/e.toml:7: event e1: field 'stance' is 'likes'; use one of: recognizes, calls-for-recognition, "
        "supports-self-determination, affirms-territorial-integrity, rejected-recognition, "
        "rejected-territorial-integrity, does-not-recognize, withdrew-recognition",
    ),
    (
        "effective before date",
        {"e.toml": event(effective="2020-11-01")},
        "log/e.toml:8: event e1: effective 2020-11-01 starts before date 2020-11-08; "
        "an event cannot take effect before it happens: fix one of the dates",
    ),
    (
        "ceasefire with no war",
        {
            "e.toml": GOOD
            + event(id="cf", kind="ceasefire", place=None, by=None, theatre="nagorno-karabakh", ends="e1", name="truce")
        },
        "log/e.toml:15: event cf: a ceasefire with no war to end: 'e1' is a capture; "
        "name the war or offensive event this ceasefire ends",
    ),
    (
        "ceasefire ends unknown war",
        {
            "e.toml": event(
                id="cf", kind="ceasefire", place=None, by=None, theatre="nagorno-karabakh", ends="nowar", name="truce"
            )
        },
        "log/e.toml:7: event cf: ends names unknown event 'nowar'; name the id of an event in the log",
    ),
    (
        "ceasefire before its war",
        {
            "e.toml": WAR
            + event(
                id="cf",
                kind="ceasefire",
                place=None,
                by=None,
                date="2020-09-01",
                theatre="nagorno-karabakh",
                ends="war",
                name="truce",
            )
        },
        "log/e.toml:16: event cf: ends 'war', which starts after the ceasefire; check both dates",
    ),
    (
        "retraction of unknown id",
        {"e.toml": event(kind="retraction", place=None, by=None, retracts="ghost", reason="typo")},
        "log/e.toml:6: event e1: retracts names unknown event 'ghost'; name the id of an event in the log",
    ),
    (
        "retraction of itself",
        {"e.toml": event(kind="retraction", place=None, by=None, retracts="e1", reason="typo")},
        "log/e.toml:6: event e1: retracts names the event itself; name another event's id",
    ),
    (
        "no log table",
        {"e.toml": GOOD, "log.toml": "# empty\n"},
        'log: no [log] table found; add log.toml with [log] format = 1 and timezone = "Area/City"',
    ),
    (
        "newer format",
        {"log.toml": '[log]\nformat = 9\ntimezone = "Asia/Baku"\n'},
        "log/log.toml:2: log format 9 is newer than this statustrack reads (2); upgrade statustrack",
    ),
    (
        "unknown time zone",
        {"log.toml": '[log]\nformat = 1\ntimezone = "Asia/Stepanakert"\n'},
        'log/log.toml:3: unknown time zone \'Asia/Stepanakert\'; use an IANA name such as "Europe/Vienna" or "America/Santiago"',
    ),
    (
        "unknown level",
        {"r.toml": '[[actor]]\nid = "x"\nname = "X"\nlevel = "empire"\n'},
        "log/r.toml:4: unknown level 'empire'; use one of: un-member, non-un-state, polity, un-body, international-body, "
        "parliament, regional-parliament, state-region, county, city, party, government-body, armed-force, person",
    ),
    (
        "registry id twice",
        {"z.toml": '[[place]]\nid = "shusha"\nname = "Shusha"\nkind = "city"\n'},
        "log/z.toml:2: id 'shusha' is already defined (place at log/registry/registry.toml:19); "
        "define each id once in the whole log",
    ),
    (
        "control character",
        {"e.toml": event(note="bell\\u0007")},
        "log/e.toml:8: event e1: field 'note' contains a control character; remove the control character",
    ),
    (
        "ambiguous order across files",
        {"a.toml": GOOD, "b.toml": GOOD.replace('"e1"', '"e2"').replace("azerbaijan", "nkr")},
        "log/b.toml:5: event e2: changes control of 'shusha' from the same instant as 'e1' in log/a.toml, so their "
        "order is undefined; put both events in one file (file order decides) or give one a more precise date",
    ),
]


@pytest.mark.parametrize(("files", "expected"), [c[1:] for c in CORPUS], ids=[c[0] for c in CORPUS])
def test_bad_input(validate_files: Callable[..., Run], files: dict[str, str | bytes], expected: str) -> None:
    """A broken log is refused with exactly the expected one-line problem and exit status 2."""
    result = validate_files(files)
    assert (result.status, result.out, result.err) == (
        2,
        "",
        "".join(f"statustrack: error: {line}\n" for line in expected.split("\n")),
    )


def test_corpus_is_large_enough() -> None:
    """The corpus holds at least twenty distinct broken inputs."""
    assert len({name for name, _, _ in CORPUS}) >= 20


def test_all_problems_in_one_run(
    make_log: Callable[..., Path], cli: Callable[..., object], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every problem of every file is reported in one run, one line each."""
    root = make_log({"a.toml": event(place="nowhere"), "b.toml": event(id="e2", date="2020-13")})
    monkeypatch.chdir(root.parent)
    result = cli("validate", "--log", "log")
    assert result.status == 2
    assert [line.removeprefix("statustrack: error: ").split(":")[0] for line in result.err.splitlines()] == [
        "log/a.toml",
        "log/b.toml",
    ]


def test_query_on_broken_log_fails_cleanly(
    make_log: Callable[..., Path], cli: Callable[..., object], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`at` on a broken log prints the problems, not a traceback, and exits 2."""
    root = make_log({"a.toml": event(place="nowhere")})
    monkeypatch.chdir(root.parent)
    result = cli("at", "2020-11-10", "--log", "log")
    assert result.status == 2
    assert "Traceback" not in result.err
    assert result.err.startswith("statustrack: error: log/a.toml:5: event e1: unknown place 'nowhere'")
