"""What a careful reader of the sources would say: value runs, accounts, endings, pending
facts and bounds, asked of the shipped log (issue 8's exact answers)."""

from __future__ import annotations

from statustrack.api.query import at, diff
from statustrack.log.load import load_log

from ..support import run_cli

LOG = load_log()


def one(when: str, aspect: str, subject: str):
    """The settled fact of `aspect` about `subject` (an id) at `when`."""
    found = [f for f in at(LOG, when, aspects=[aspect]).facts if f.subject == subject and not f.pending]
    assert len(found) == 1, found
    return found[0]


def test_shusha_2020_since_the_capture_with_both_accounts() -> None:
    """Shusha on 2020-11-10: Azerbaijan since 2020-11-08 (Aliyev's announcement) or 11-09 (Artsakh's admission):
    possible on 11-08, when one account has it not happened yet, certain from the end of 11-09 (issue 19)."""
    shusha = one("2020-11-10", "control", "shusha")
    assert (shusha.value, shusha.since, shusha.certainty, shusha.disputed) == (
        "Azerbaijan",
        "[2020-11-08,2020-11-09]",
        "certain",
        False,
    )
    assert [one(d, "control", "shusha").certainty for d in ("2020-11-08", "2020-11-09")] == ["possible", "certain"]
    accounts = [(s.event, s.since) for s in shusha.supports if s.role == "account"]
    assert accounts == [
        ("2020-11-08-shusha-taken-per-aliyev", "2020-11-08"),
        ("2020-11-09-shusha-loss-admitted-by-artsakh.account", "2020-11-09"),
    ]


def test_kalbajar_1993_shows_both_accounts_and_never_flaps() -> None:
    """Kalbajar on 1993-04-02 and 1993-04-05: one fact since 04-02 or 04-03 naming both holders, each with its
    sources, possible until both accounts have it happened."""
    for when in ("1993-04-02", "1993-04-03", "1993-04-05"):
        kalbajar = one(when, "control", "kalbajar")
        assert kalbajar.since == "[1993-04-02,1993-04-03]" and kalbajar.disputed
        assert kalbajar.certainty == ("possible" if when == "1993-04-02" else "certain")
        assert [(s.value, s.since) for s in kalbajar.supports] == [
            ("Armenia", "1993-04-02"),
            ("Artsakh (NKAO/NKR)", "1993-04-03"),
        ]
    assert not [c for c in diff(LOG, "1993-04-03", "1993-04-05").changes if c.subject == "kalbajar"]
    (settling,) = [c for c in diff(LOG, "1993-04-02", "1993-04-05").changes if c.subject == "kalbajar"]
    assert settling.before and settling.after and settling.before.value == settling.after.value
    assert (settling.before.certainty, settling.after.certainty) == ("possible", "certain")


def test_no_office_simply_open_after_the_dissolution() -> None:
    """On 2025-06-01 every office of the republic reads closed by the dissolution, with the exile claim beside it."""
    offices = list(at(LOG, "2025-06-01", aspects=["office"]).facts)
    assert offices
    for office in offices:
        assert office.value.startswith("closed"), office
        assert office.disputed and {s.role for s in office.supports} == {"dispute"}
    holders = [f for f in at(LOG, "2025-06-01", aspects=["officeholder"]).facts if dict(f.about)["polity"] == "artsakh"]
    assert holders and all(f.value.startswith("vacant") for f in holders)


def test_the_decree_is_listed_once() -> None:
    """diff 2023-09-18 2023-10-01 lists the dissolution decree once: one pending fact, both dates as accounts."""
    decree = [c for c in diff(LOG, "2023-09-18", "2023-10-01", aspects=["status"]).changes if c.pending]
    assert len(decree) == 1
    assert decree[0].subject == "artsakh" and decree[0].after is not None
    assert str(decree[0].after.effective) == "2024-01-01"
    assert set(decree[0].events) == {
        "2023-09-26-dissolution-decree-date-per-caucasian-knot",
        "2023-09-28-shahramanyan-dissolution-decree.account",
    }


def test_sayaxche_not_before_the_republic() -> None:
    """Sayaxché's support, dated on or before 2020-10-24, is absent in 1990, before the republic existed."""
    assert not at(LOG, "1990-01-01", subjects=["Sayaxché"]).facts
    support = one("2020-10-01", "recognition", "sayaxche")
    assert (support.certainty, support.since) == ("possible", "[..2020-10-24]")
    assert str(support.interval.start.in_tz("Asia/Baku").date()) == "1991-09-02"


def test_year_only_stances_take_the_day_of_their_resolution() -> None:
    """The UNSC's and PACE's territorial-integrity stances are certain from the day of resolutions 853 and 1416."""
    assert one("1993-07-29", "recognition", "un-security-council").certainty == "certain"
    assert one("2005-01-25", "recognition", "pace").certainty == "certain"


def test_a_query_beyond_the_horizon_says_so() -> None:
    """A date after the log's horizon answers, with a note on stderr that this is the log's last word."""
    result = run_cli("at", "2030-01-01", "--aspect", "status")
    assert result.status == 0
    assert result.err == (
        "statustrack: note: 2030-01-01 lies beyond the span this log covers (1923–2024): "
        "facts shown as in force are the log's last word, not news of that date\n"
    )


def test_output_prints_standard_edtf() -> None:
    """A format 1 range (1991-09-02/2001-07-04 style) prints in the standard set notation."""
    texts = {f.since for f in at(LOG, "2024-01-01").facts}
    assert not [t for t in texts if "/" in t]
    assert any(t.startswith("[") for t in texts)
