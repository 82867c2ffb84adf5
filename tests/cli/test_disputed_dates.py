"""Issue 19 on a two-event log (tests/data/accounts): two sources put one capture of Shusha a
day apart. Between the dates the capture is possible, after both it is certain, and `since` is
the set of both dates; JSON carries each account as data; `why` shows each account's date and
sources."""

from __future__ import annotations

import json

import pytest

from ..support import DATA, run_cli

LOG = ["--log", str(DATA / "accounts")]

HEAD = """\
Shusha accounts at {when} (Asia/Baku)

control
  subject    value (event)                     since
  ---------  --------------------------------  -----------------------
"""
CELL = """\
  Shusha     Azerbaijan                        [2020-11-08,2020-11-09]{mark}
             (2020-11-08-shusha-taken-per-{tail}
             aliyev)
             accounts: 2020-11-08 per web-
             alarabiya-shusha-2020-11-08;
             2020-11-09 per web-trend-shusha-
             loss-admitted-2020-11-09
"""
LEGEND = "\n? possible: the event's date straddles this instant; it may not hold yet.\n"


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        ("2020-11-07", "Shusha accounts at 2020-11-07 (Asia/Baku)\n\nno facts in force.\n"),
        ("2020-11-08", HEAD.format(when="2020-11-08") + CELL.format(mark="", tail="     ?") + LEGEND),
        ("2020-11-09", HEAD.format(when="2020-11-09") + CELL.format(mark="", tail="")),
        ("2020-11-10", HEAD.format(when="2020-11-10") + CELL.format(mark="", tail="")),
    ],
)
def test_possible_between_the_accounts_certain_after(when: str, expected: str) -> None:
    """Possible on the 8th (one account has it not happened yet), certain from the end of the 9th."""
    result = run_cli("at", when, "--all", *LOG)
    assert result.status == 0, result.err
    assert result.out == expected


def test_json_carries_each_account() -> None:
    """JSON: `since` the set with its bounds, `value` the agreed holder, each account with its own
    date, certainty at the instant, event and sources."""
    facts = json.loads(run_cli("at", "2020-11-08", "--format", "json", *LOG).out)["facts"]
    (fact,) = facts
    assert (
        fact["value"],
        fact["display"],
        fact["since"],
        fact["certainty"],
        fact["disputed"],
        fact["dates_differ"],
    ) == ("Azerbaijan", "Azerbaijan", "[2020-11-08,2020-11-09]", "possible", False, True)
    assert (fact["since_start"], fact["since_end"]) == ("2020-11-07T20:00:00Z", "2020-11-09T19:59:59.999999Z")
    assert [(a["since"], a["certainty"], a["event"], [s["id"] for s in a["sources"]]) for a in fact["accounts"]] == [
        ("2020-11-08", "certain", "2020-11-08-shusha-taken-per-aliyev", ["web-alarabiya-shusha-2020-11-08"]),
        (
            "2020-11-09",
            "possible",
            "2020-11-09-shusha-loss-admitted-by-artsakh",
            ["web-trend-shusha-loss-admitted-2020-11-09"],
        ),
    ]
    after = json.loads(run_cli("at", "2020-11-09", "--format", "json", *LOG).out)["facts"][0]
    assert after["certainty"] == "certain" and {a["certainty"] for a in after["accounts"]} == {"certain"}


def test_why_shows_each_account() -> None:
    """`why` lists each account with its date, whether it has happened yet, and its sources."""
    out = run_cli("why", "control", "Shusha", "2020-11-08", *LOG).out
    assert (
        """\
Shusha: Azerbaijan (possible)
  since [2020-11-08,2020-11-09], until (holds)
  event: 2020-11-08-shusha-taken-per-aliyev (capture, dated 2020-11-08)
  accounts (certain once every one has it happened):
    Azerbaijan, 2020-11-08, per web-alarabiya-shusha-2020-11-08
      (2020-11-08-shusha-taken-per-aliyev)
    Azerbaijan, 2020-11-09 (possible), per
      web-trend-shusha-loss-admitted-2020-11-09
      (2020-11-09-shusha-loss-admitted-by-artsakh)
"""
        in out
    )
