"""Adversarial input and output (issue 12): unreadable parts, text that crashes or lies,
spreadsheet formulas, unbounded output, options that were silently ignored, Ctrl-C.

Each test failed on the code before the fix; the comment above it says how.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

import statustrack.cli

from ..support import MINI, Run, run_cli

GOOD = (
    '{"id": "j1", "kind": "statement", "date": "2021-01-01", "actor": "azerbaijan", '
    '"summary": "SUMMARY", "sources": [{"id": "s004", "at": "lead"}]}\n'
)


@pytest.fixture
def log(sealed_mini: Path) -> Path:
    """A sealed copy of the mini log."""
    return sealed_mini


def refuse_scandir(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """Make listing any folder called `name` fail as an unreadable folder does (root reads everything)."""
    real = os.scandir

    def scandir(path: object = ".") -> object:
        if Path(os.fsdecode(path)).name == name:  # type: ignore[arg-type]
            raise PermissionError(13, "Permission denied", os.fsdecode(path))  # type: ignore[arg-type]
        return real(path)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "scandir", scandir)


# 6. Unreadable parts. Before: an unreadable folder was skipped; validate said valid.


@pytest.mark.parametrize("folder", ["sub", "registry"])
def test_an_unreadable_folder_is_one_error(
    make_log: Callable[..., Path], monkeypatch: pytest.MonkeyPatch, folder: str
) -> None:
    """A folder of the log that cannot be read is one problem line, exit 2, never skipped."""
    root = make_log({"sub/e.jsonl": GOOD})
    refuse_scandir(monkeypatch, folder)
    for command in (["validate"], ["at", "2021-02-01"]):
        result = run_cli(*command, "--log", str(root))
        assert (result.status, result.out) == (2, "")
        assert result.err == (
            f"statustrack: error: {root / folder}: cannot read this folder of the log "
            "(Permission denied); "
            "check its permissions (every part of a log must be readable)\n"
        )


# 7. Text that validates but crashes later. Before: validate passed, then at/record exited 3.


def test_a_lone_surrogate_in_json_lines_is_refused(validate_files: Callable[..., Run]) -> None:
    """A JSON escape for half a surrogate pair is refused at validation, naming the line."""
    result = validate_files({"e.jsonl": GOOD.replace("SUMMARY", "a\\ud800b")})
    assert (result.status, result.err) == (
        2,
        "statustrack: error: log/e.jsonl:1: not valid JSON: "
        "a lone surrogate '\\ud800' is not a "
        "character; write the character itself, or both halves of its "
        "surrogate pair\n",
    )


def test_a_surrogate_pair_is_fine(validate_files: Callable[..., Run]) -> None:
    """Both halves of a pair make one character, which is accepted."""
    assert validate_files({"e.jsonl": GOOD.replace("SUMMARY", "a\\ud83d\\ude00b")}).status == 0


def test_record_refuses_a_lone_surrogate_from_flags(log: Path) -> None:
    """An undecodable command-line byte (a lone surrogate in Python) is refused at validation, not at writing."""
    result = run_cli(
        "record",
        "--log",
        str(log),
        "--id",
        "a1",
        "--kind",
        "statement",
        "--date",
        "2021-01-01",
        "--set",
        "actor=azerbaijan",
        "--set",
        "summary=caf\udce9",
        "--source",
        "s004",
    )
    assert result.status == 2
    assert "field 'summary' contains a lone surrogate (U+DCE9), which is not a character" in result.err
    assert not (log / "recorded.jsonl").exists()


def test_record_stdin_must_be_utf8(log: Path) -> None:
    """Latin-1 bytes on `record -` are refused as not UTF-8 (naming the line), exit 2."""
    data = GOOD.replace("SUMMARY", "caf\xe9").encode("latin-1")
    result = subprocess.run(
        [sys.executable, "-m", "statustrack", "record", "-", "--log", str(log)],
        input=data,
        capture_output=True,
        check=False,
    )
    assert result.returncode == 2, result.stderr
    assert (
        result.stderr.decode() == "statustrack: error: (stdin):1: not UTF-8 text "
        "(invalid continuation byte at byte 94); "
        "save the file as UTF-8\n"
    )
    assert not (log / "recorded.jsonl").exists()


# 8. Output that lies. Before: these characters passed validation and printed raw.

LIARS = ["\n", "\t", "\r", "\x1b", "\x9b", "\u202e", "\u2066", "\u200b", "\u200f", "\ufeff", "\u2060", "\u2028"]
REGISTRY = (MINI / "registry" / "registry.toml").read_text(encoding="utf-8")


def _field_cases() -> list[tuple[str, Callable[[str], dict[str, str]]]]:
    def toml(text: str) -> str:
        return json.dumps(text, ensure_ascii=True)  # a TOML basic string with every character escaped

    return [
        ("event text", lambda c: {"e.jsonl": GOOD.replace('"SUMMARY"', json.dumps(f"a{c}b"))}),
        ("place name", lambda c: {"registry/registry.toml": REGISTRY.replace('"Shusha"', toml(f"Shu{c}sha"), 1)}),
        (
            "alias",
            lambda c: {"r.toml": f'[[place]]\nid = "x"\nname = "X"\nkind = "city"\naliases = [{toml(f"X{c}")}]\n'},
        ),
        ("source title", lambda c: {"r.toml": f'[[source]]\nid = "sx"\ntitle = {toml(f"T{c}")}\nurl = "https://x"\n'}),
        ("source url", lambda c: {"r.toml": f'[[source]]\nid = "sx"\ntitle = "T"\nurl = {toml(f"https://x{c}")}\n'}),
        ("source at", lambda c: {"e.jsonl": GOOD.replace('"lead"', json.dumps(f"p{c}1"))}),
        ("log name", lambda c: {"log.toml": f'[log]\nformat = 1\ntimezone = "Asia/Baku"\nname = {toml(f"N{c}")}\n'}),
    ]


@pytest.mark.parametrize("char", LIARS, ids=[f"U+{ord(c):04X}" for c in LIARS])
@pytest.mark.parametrize(("field", "files"), _field_cases(), ids=[name for name, _ in _field_cases()])
def test_characters_that_make_output_lie_are_refused(
    validate_files: Callable[..., Run], field: str, files: Callable[[str], dict[str, str]], char: str
) -> None:
    """Controls (newline and tab too), bidi, zero-width and separator characters are refused in every printed field."""
    result = validate_files(files(char))
    assert result.status == 2, (field, result.out)
    assert " contains a" in result.err and result.err.count("\n") == 1, result.err
    assert char not in result.err[:-1]  # the problem line itself shows it escaped


def test_a_note_may_break_lines(validate_files: Callable[..., Run]) -> None:
    """A note (prose no output prints) may span lines, but not hide bidi overrides."""
    note = GOOD.replace('"sources"', '"note": "line one\\nline two", "sources"')
    assert validate_files({"e.jsonl": note}).status == 0
    assert validate_files({"e.jsonl": note.replace("line two", "line \\u202etwo")}).status == 2


@pytest.mark.parametrize("lead", ["=", "+", "-", "@"])
def test_csv_neutralises_formulas(log: Path, lead: str) -> None:
    """A CSV cell starting like a formula gets a leading ' (OWASP); --raw-csv writes it as it is."""
    formula = f'{lead}HYPERLINK("https://example.org","x")'
    # a resolution, a standing position: a statement is an act, which `at` lists apart (issue 19)
    result = run_cli(
        "record",
        "--log",
        str(log),
        "--id",
        "a1",
        "--kind",
        "resolution",
        "--date",
        "2021-01-01",
        "--set",
        "body=azerbaijan",
        "--set",
        "ref=1",
        "--set",
        f"summary={formula}",
        "--source",
        "s004",
    )
    assert result.status == 0, result.err
    args = ["at", "2021-02-01", "--log", str(log), "--aspect", "resolution", "--format", "csv"]
    safe, raw = run_cli(*args), run_cli(*args, "--raw-csv")
    assert safe.status == raw.status == 0
    assert f",\"'{lead}HYPERLINK(" in safe.out and f',"{lead}HYPERLINK(' not in safe.out
    assert f',"{lead}HYPERLINK(' in raw.out


# 10. Unbounded output and walks. Before: a 1 MB id was echoed whole, every problem was
# printed, and a directory without log.toml was walked in full.


def test_a_huge_id_is_clipped(validate_files: Callable[..., Run]) -> None:
    """A problem quotes at most a few hundred characters of a megabyte id."""
    result = validate_files({"e.jsonl": GOOD.replace('"j1"', json.dumps("x" * 1_000_000))})
    assert result.status == 2
    assert len(result.err) < 1500 and "characters cut" in result.err


def test_problems_stop_at_max_problems(validate_files: Callable[..., Run], make_log: Callable[..., Path]) -> None:
    """After --max-problems (default 100) problems, one line counts the rest; 0 shows all."""
    files = {"e.jsonl": "{\n" * 1000}
    result = validate_files(files)
    lines = result.err.splitlines()
    assert result.status == 2 and len(lines) == 101
    assert lines[-1] == "statustrack: error: ... and 900 more problems (--max-problems 0 shows all)"
    assert len(run_cli("validate", "--log", "log", "--max-problems", "0").err.splitlines()) == 1000
    assert len(run_cli("validate", "--log", "log", "--max-problems", "3").err.splitlines()) == 4
    as_json = run_cli("validate", "--log", "log", "--format", "json")
    assert len(json.loads(as_json.out)["problems"]) == 100


def test_a_directory_without_log_toml_is_refused_before_walking(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`validate --log DIR` with no DIR/log.toml answers at once, without listing DIR."""
    (tmp_path / "deep").mkdir()
    (tmp_path / "deep" / "x.toml").write_text("", encoding="utf-8")

    def no_walk(*args: object) -> object:
        raise AssertionError("walked a directory that is not a log")

    monkeypatch.setattr(os, "scandir", no_walk)
    result = run_cli("validate", "--log", str(tmp_path))
    assert (result.status, result.err) == (
        2,
        f"statustrack: error: {tmp_path}: not a log directory: "
        "it has no log.toml; point --log "
        "or $STATUSTRACK_LOG at a directory holding log.toml\n",
    )


def test_a_deeply_nested_log_is_one_error(make_log: Callable[..., Path]) -> None:
    """Folders nested 1,100 deep are one problem line, exit 2 (it was a RecursionError, exit 3)."""
    root = make_log({})
    deepest = root
    for _ in range(1100):  # Path.mkdir(parents=True) recurses, and would fail this deep
        deepest = deepest / "d"
        deepest.mkdir()
    try:
        result = run_cli("validate", "--log", str(root))
        assert result.status == 2
        assert result.err.endswith(": folders nested more than 32 deep inside the log; flatten the log's folders\n")
    finally:
        while deepest != root:  # shutil.rmtree recurses, and would fail this deep
            deepest.rmdir()
            deepest = deepest.parent


# 11. Silent surprises. Before: each was accepted, and quietly did something else.


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (["at", "2020-11-10", "--known-at", ""], "--known-at is empty: give it a value, or leave the option out"),
        (["at", "2020-11-10", "--log", ""], "--log is empty: give it a value, or leave the option out"),
        (["validate", "--log", " "], "--log is empty: give it a value, or leave the option out"),
        (
            ["record", "--id", "a1", "--kind", "statement", "--set", "id=a2"],
            "--set id=... is refused: give the id with --id",
        ),
        (["record", "--id", "a1", "--set", "kind=war"], "--set kind=... is refused: give the kind with --kind"),
        (
            ["record", "--id", "a1", "--set", "sources=s004"],
            "--set sources=... is refused: give the sources with --source",
        ),
        (
            ["record", "--id", "a1", "--set", "recorded=2020"],
            "--set recorded=... is refused: statustrack record stamps recorded itself",
        ),
        (
            ["record", "--id", "a1", "--set", "actor=x", "--set", "actor=y"],
            "--set actor=... is given twice: give each field once",
        ),
        (
            ["record", "events.toml", "--id", "a1"],
            "events.toml gives the events, so --id would be ignored: use either a file or flags",
        ),
        (["at", "2020-11-10", "--max-problems", "-1"], "--max-problems takes a count (0 for all), not -1"),
    ],
)
def test_options_that_were_silently_ignored(log: Path, args: list[str], error: str) -> None:
    """An empty option, or a --set that would override a field with its own flag, is refused in one line."""
    extra = [] if "--log" in args else ["--log", str(log)]
    result = run_cli(*args, *extra)
    assert (result.status, result.err) == (2, f"statustrack: error: {error}\n")
    assert not (log / "recorded.jsonl").exists()


# 9 (the rest). Ctrl-C. Before: a traceback.


def test_ctrl_c_is_one_line_and_exit_130(monkeypatch: pytest.MonkeyPatch) -> None:
    """Interrupting any command prints one line and exits 130."""

    def interrupted(args: object) -> int:
        raise KeyboardInterrupt

    at = statustrack.cli._COMMANDS["at"]
    monkeypatch.setitem(statustrack.cli._COMMANDS, "at", at._replace(run=interrupted))
    result = run_cli("at", "2020-11-10")
    assert (result.status, result.out) == (130, "")
    assert result.err.startswith("statustrack: error: interrupted") and result.err.count("\n") == 1
