"""Countries as data on the command line (issue 22): `countries` answers "which countries have
a body that recognises Artsakh on 2020-11-10" in one command, `--country` filters with a
did-you-mean, and `diff --format csv` carries dates, level, country and sources for pandas."""

from __future__ import annotations

import io
import json

import pytest

from ..support import run_cli
from .test_docs import need

RECOGNISING = [
    ("united-states", 28),
    ("italy", 8),
    ("australia", 4),
    ("france", 3),
    ("spain", 2),
    ("abkhazia", 1),
    ("canada", 1),
    ("czechia", 1),
    ("south-ossetia", 1),
    ("transnistria", 1),
]


def test_countries_recognising_artsakh() -> None:
    """One command names the countries with a body recognising Artsakh on 2020-11-10, with counts."""
    done = run_cli("countries", "2020-11-10", "--aspect", "recognition", "--stance", "recognizes", "--format", "json")
    assert done.status == 0, done.err
    answer = json.loads(done.out)
    assert [(c["country"], c["count"]) for c in answer["countries"]] == RECOGNISING
    assert answer["total"] == 50
    assert "California State Assembly" in answer["countries"][0]["subjects"]


def test_countries_table_of_offices() -> None:
    """The table: one line per country, most facts first, with the subjects."""
    done = run_cli("countries", "2020-11-10", "--aspect", "office")
    assert done.status == 0, done.err
    assert done.out == (
        "facts at 2020-11-10, by country: 7 facts in 7 groups\n\n"
        "country                  facts  subjects\n"
        "------------------------ -----  ----------------------------------------\n"
        "Armenia                      1  Yerevan\n"
        "Australia                    1  Sydney\n"
        "France                       1  Paris\n"
        "Germany                      1  Berlin\n"
        "Lebanon                      1  Beirut\n"
        "Russia                       1  Moscow\n"
        "United States                1  Washington, D.C.\n"
    )


def test_unknown_country_gets_did_you_mean() -> None:
    """An unknown --country names the nearest countries and exits 2."""
    done = run_cli("at", "2020-11-10", "--country", "United Sates")
    assert done.status == 2
    assert done.err.startswith(
        "statustrack: error: no country is called 'United Sates'; "
        "did you mean 'United States'? use one of: abkhazia, armenia, "
    )


def test_country_filter_and_chain_in_json() -> None:
    """--country keeps facts naming a place or actor of that country; JSON carries the chain."""
    done = run_cli("at", "2020-11-10", "--aspect", "recognition", "--country", "united-states", "--format", "json")
    facts = json.loads(done.out)["facts"]
    assembly = next(f for f in facts if f["subject"] == "california-state-assembly")
    assert (assembly["country"], assembly["part_of"]) == ("united-states", ["california", "united-states"])
    assert all(f["country"] == "united-states" for f in facts)


def test_subjects_and_history_by_country() -> None:
    """subjects --country lists what that country's facts name (its own entries, and what they
    are about); history --country filters runs."""
    listed = json.loads(run_cli("subjects", "--country", "france", "--format", "json").out)["subjects"]
    countries = {s["country"] for s in listed}
    assert "france" in countries and "italy" not in countries and "united-states" not in countries
    assert "Paris" in {s["name"] for s in listed}
    office = json.loads(run_cli("history", "Paris", "--country", "france", "--format", "json").out)["runs"]
    assert office and {r["aspect"] for r in office} == {"office"}


@pytest.mark.extra
def test_diff_csv_loads_in_pandas() -> None:
    """`diff --format csv` reads in pandas as is: one row per change with date, events' dates,
    level, country and sources."""
    need("pandas")
    import pandas as pd

    done = run_cli("diff", "2020-09-26", "2020-11-10", "--format", "csv")
    frame = pd.read_csv(io.StringIO(done.out))
    assert len(frame) == 35
    assert {"date", "event_dates", "level", "country", "part_of", "sources"} <= set(frame.columns)
    amposta = frame[frame.subject == "amposta"].iloc[0]
    assert (amposta.date, amposta.level, amposta.country, amposta.part_of) == (
        "2020-10-30",
        "city",
        "spain",
        "catalonia spain",
    )
    assert json.loads(amposta.sources)[0]["url"].startswith("https://")
    assert json.loads(amposta.event_dates) == [{"event": "2020-10-30-amposta-recognizes-artsakh", "date": "2020-10-30"}]


def test_diff_json_rows_carry_dates_and_places() -> None:
    """`diff --format json` changes carry the date, each event with its date, level, country and sources."""
    changes = json.loads(run_cli("diff", "2020-09-26", "2020-11-10", "--format", "json").out)["changes"]
    assert all(c["date"] and all(e["date"] for e in c["event_dates"]) for c in changes)
    assert all(s["title"] for c in changes for s in c["sources"])
