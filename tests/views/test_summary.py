"""The summary that opens `at` fits one screen (40 lines of 80 columns) on every year's end and
every date with an event in the shipped log, and names what a reader looks for first."""

from __future__ import annotations

import pytest

from statustrack.api.query import sweep
from statustrack.api.reader import open_log
from statustrack.api.summary import summarise
from statustrack.log.load import load_log
from statustrack.views.summary import LINES, WIDTH, render_summary_table

from ..support import run_cli


def _dates() -> list[str]:
    """Every year's end of the log's horizon and every local day an event's date begins or ends."""
    log = load_log()
    days = {str(year) for year in range(1923, 2025)}
    for event in log.events:
        when = event.takes_effect
        for instant in (when.start, when.end):
            if 1923 <= instant.year <= 2100:
                days.add(instant.in_tz(log.timezone).date().isoformat())
    return sorted(days)


@pytest.mark.slow
def test_the_summary_fits_one_screen_on_every_date() -> None:
    """At most 40 lines of at most 80 columns, at every year's end and every event's day."""
    log = open_log(None)
    dates = _dates()
    assert len(dates) > 400
    seen = 0
    for answer in sweep(log, dates):
        lines = render_summary_table(summarise(answer, log.registry), log.name, log.timezone).splitlines()
        assert len(lines) <= LINES, (answer.at, len(lines))
        assert max(map(len, lines)) <= WIDTH, answer.at
        seen += 1
    assert seen == len(dates)


def test_the_summary_of_2020_11_10() -> None:
    """`statustrack at 2020-11-10` fits 40 lines and names the ceasefire, Azerbaijan's control of
    Shusha since 2020-11-08 (or the 9th, by the Artsakh side's account) and the presidency."""
    result = run_cli("at", "2020-11-10")
    assert result.status == 0, result.err
    lines = result.out.splitlines()
    assert len(lines) <= LINES and max(map(len, lines)) <= WIDTH
    assert any(line.strip().startswith("Nagorno-Karabakh: ceasefire: trilateral") for line in lines)
    assert "    Shusha: Azerbaijan, since [2020-11-08,2020-11-09]" in lines
    assert "  President of Artsakh: Arayik Harutyunyan, since 2020-05-21" in lines


def test_all_and_full_list_every_fact() -> None:
    """`--all` (and its alias `--full`) prints every fact, grouped by aspect, as `at` did before the summary."""
    every = run_cli("at", "2020-11-10", "--all").out
    assert every == run_cli("at", "2020-11-10", "--full").out
    assert every.count("\n") > 600  # every fact in force (acts and lapsed positions are not)
    assert "\nrecognition\n" in every and "\nresolution\n" in every
