"""A CLI that helps before it refuses: did-you-mean, examples, one `statustrack: error:` line.

Exact output, as sqlite-utils' tests do: each case is the arguments and the whole of stderr.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ..support import MINI, run_cli

LOG = ["--log", str(MINI)]
ASPECTS = "status, conflict, control, recognition, office, officeholder, relation, resolution"


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (
            ["at", "--aspect", "recognitions"],
            "statustrack: error: at --aspect: unknown aspect 'recognitions'; did you mean 'recognition'? "
            f"(one of: {ASPECTS})\n",
        ),
        (
            ["at"],
            "statustrack: error: at: the following arguments are required: DATE; for example: statustrack at 2020-11-10 "
            "(statustrack at --help shows more)\n",
        ),
        (
            ["att", "2020-11-10"],
            "statustrack: error: unknown command 'att'; did you mean 'at'? (one of: at, diff, validate, record, verify, "
            "seal, sources, timeline, map, html, history, show, why, subjects, countries, export, recorded, completion)\n",
        ),
        (
            ["at", "2020-11-10", "--format", "jsn"],
            "statustrack: error: at --format: unknown format 'jsn'; did you mean 'json'? (one of: table, json, csv)\n",
        ),
        (
            ["at", "2020-11-10", "--format", "xml"],
            "statustrack: error: at --format: unknown format 'xml' (one of: table, json, csv)\n",
        ),
        (
            ["at", "2020-11-10", "--stance", "recognize"],
            "statustrack: error: at --stance: unknown stance 'recognize'; did you mean 'recognizes'? (one of: recognizes, "
            "calls-for-recognition, supports-self-determination, affirms-territorial-integrity, rejected-recognition, "
            "rejected-territorial-integrity, does-not-recognize, withdrew-recognition)\n",
        ),
        (
            ["at", "2020-11-10", "--aspects", "control"],
            "statustrack: error: at: unknown option '--aspects'; did you mean '--aspect'? "
            "(statustrack at --help lists them)\n",
        ),
        (
            ["diff", "2020"],
            "statustrack: error: diff: the following arguments are required: TO; for example: "
            "statustrack diff 2020-09-26 2020-11-10 (statustrack diff --help shows more)\n",
        ),
        (
            ["export", "--format", "parq"],
            "statustrack: error: export --format: unknown format 'parq'; did you mean 'parquet'? "
            "(one of: csv, jsonl, sqlite, parquet)\n",
        ),
        (
            ["at", "2020-11-10", "--table-format", "github", "--format", "json"],
            "statustrack: error: --table-format github sets how tables look: leave out --format json\n",
        ),
    ],
)
def test_refusals_help(args: list[str], error: str) -> None:
    """A bad command line gets one line naming the nearest choice, or an example; exit status 2."""
    result = run_cli(*args, *LOG)
    assert (result.status, result.out, result.err) == (2, "", error)


def test_level_did_you_mean() -> None:
    """An unknown --level names the nearest level."""
    result = run_cli("at", "2020-11-10", "--level", "un-membr", *LOG)
    assert result.err.startswith("statustrack: error: at --level: unknown level 'un-membr'; did you mean 'un-member'?")


def test_every_error_line_is_prefixed() -> None:
    """Several problems of a bad log: every stderr line starts with `statustrack: error:`."""
    result = run_cli("record", "--id", "x1", "--kind", "capture", "--date", "2020-11", *LOG)
    assert result.status == 2
    lines = result.err.splitlines()
    assert len(lines) >= 2
    assert all(line.startswith("statustrack: error: ") for line in lines), result.err


FLAGS = [
    "record",
    "--id",
    "x1",
    "--kind",
    "capture",
    "--date",
    "2020-11",
    "--set",
    "by=azerbaijan",
    "--set",
    "from=nkr",
    "--source",
    "s004@lead",
]


@pytest.fixture
def sealed(tmp_path: Path) -> list[str]:
    """--log naming a sealed copy of the mini log (record refuses an unsealed one)."""
    log = tmp_path / "log"
    shutil.copytree(MINI, log)
    assert run_cli("seal", "--log", str(log)).status == 0
    return ["--log", str(log)]


@pytest.mark.parametrize(
    ("change", "error"),
    [
        (
            {"place": "shushaa"},
            "statustrack: error: (flags): event x1: unknown place 'shushaa' in field 'place'; did you mean 'shusha'? "
            "give --set place=shusha (statustrack subjects lists them)\n",
        ),
        ({"--date": None}, "statustrack: error: (flags): event x1: missing field 'date'; give --date DATE\n"),
        (
            {"--source": "s04@lead"},
            "statustrack: error: (flags): event x1: unknown source 's04'; did you mean 's004'? "
            "give --source s004@WHERE (statustrack sources lists them)\n",
        ),
    ],
)
def test_record_flag_users_get_flag_hints(change: dict[str, str | None], error: str, sealed: list[str]) -> None:
    """`record` by flags: hints in flag syntax, with the nearest place or source; nothing is written."""
    args = [*FLAGS, "--set", "place=shusha"]
    for key, value in change.items():
        if key.startswith("--"):
            at = args.index(key)
            args[at : at + 2] = [] if value is None else [key, value]
        else:
            args[args.index(f"{key}=shusha")] = f"{key}={value}"
    result = run_cli(*args, *sealed)
    assert (result.status, result.out, result.err) == (2, "", error)


def test_record_file_users_get_toml_hints(tmp_path: Path, sealed: list[str]) -> None:
    """`record FILE`: the same problem's hint in TOML, with the nearest place."""
    events = tmp_path / "new.toml"
    events.write_text(
        '[[event]]\nid = "x1"\nkind = "capture"\ndate = "2020-11"\nplace = "shushaa"\n'
        'by = "azerbaijan"\nsources = [{ id = "s004", at = "lead" }]\n',
        encoding="utf-8",
    )
    result = run_cli("record", str(events), *sealed)
    assert (result.status, result.out, result.err) == (
        2,
        "",
        (
            f"statustrack: error: {events}:5: event x1: unknown place 'shushaa' in field 'place'; did you mean "
            "'shusha'? write place = \"shusha\"; otherwise define a [[place]] with id 'shushaa' or fix the id\n"
        ),
    )
