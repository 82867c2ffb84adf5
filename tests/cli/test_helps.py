"""A CLI that helps before it refuses: did-you-mean, examples, one `statustrack: error:` line.

Exact output, as sqlite-utils' tests do: each case is the arguments and the whole of stderr.
"""

from __future__ import annotations

import pytest

from ..support import MINI, run_cli

LOG = ["--log", str(MINI)]
ASPECTS = "status, conflict, control, recognition, office, officeholder, relation, resolution"


@pytest.mark.parametrize(("args", "error"), [
    (["at", "--aspect", "recognitions"],
     "statustrack: error: at --aspect: unknown aspect 'recognitions'; did you mean 'recognition'? "
     f"(one of: {ASPECTS})\n"),
    (["at"],
     "statustrack: error: at: the following arguments are required: DATE; for example: statustrack at 2020-11-10 "
     "(statustrack at --help shows more)\n"),
    (["att", "2020-11-10"],
     "statustrack: error: unknown command 'att'; did you mean 'at'? (one of: at, diff, validate, record, verify, "
     "seal, sources, timeline, map, html, history, show, why, subjects, export, recorded, completion)\n"),
    (["at", "2020-11-10", "--format", "jsn"],
     "statustrack: error: at --format: unknown format 'jsn'; did you mean 'json'? (one of: table, json, csv)\n"),
    (["at", "2020-11-10", "--format", "xml"],
     "statustrack: error: at --format: unknown format 'xml' (one of: table, json, csv)\n"),
    (["at", "2020-11-10", "--stance", "recognize"],
     "statustrack: error: at --stance: unknown stance 'recognize'; did you mean 'recognizes'? (one of: recognizes, "
     "calls-for-recognition, supports-self-determination, affirms-territorial-integrity, rejected-recognition, "
     "rejected-territorial-integrity, does-not-recognize, withdrew-recognition)\n"),
    (["at", "2020-11-10", "--aspects", "control"],
     "statustrack: error: at: unknown option '--aspects'; did you mean '--aspect'? "
     "(statustrack at --help lists them)\n"),
    (["diff", "2020"],
     "statustrack: error: diff: the following arguments are required: TO; for example: "
     "statustrack diff 2020-09-26 2020-11-10 (statustrack diff --help shows more)\n"),
    (["export", "--format", "parq"],
     "statustrack: error: export --format: unknown format 'parq'; did you mean 'parquet'? "
     "(one of: csv, jsonl, sqlite, parquet)\n"),
    (["at", "2020-11-10", "--table-format", "github", "--format", "json"],
     "statustrack: error: --table-format github sets how tables look: leave out --format json\n"),
])
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
