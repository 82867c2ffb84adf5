"""Time at the edges: offsets around midnight, the region's historic offsets and daylight
saving, leap days, the first and last instants of months and years, open and closed
intervals, effective dates, and two events at one instant.

Each case builds a tiny log over the mini registry and asks the engine, so what is
checked is the answer a user gets, not only the date parser.
"""

from __future__ import annotations

import pendulum
import pytest

from statustrack.api.query import at
from statustrack.core import events as ev
from statustrack.core.dates import parse_edtf
from statustrack.errors import DateError
from statustrack.log.load import Log

from ..support import MINI
from ..support.strategies import REGISTRY, SOURCES

BAKU = "Asia/Baku"
YEREVAN = "Asia/Yerevan"


def utc(*args: int) -> pendulum.DateTime:
    return pendulum.datetime(*args, tz="UTC")


def capture(
    ident: str, date: str, by: str = "azerbaijan", place: str = "shusha", tz: str = BAKU, effective: str | None = None
) -> ev.Capture:
    """A capture of `place` by `by` dated `date` (EDTF, in `tz`)."""
    return ev.Capture(
        id=ident,
        date=parse_edtf(date, tz),
        sources=(SOURCES[0],),
        place=place,
        by=by,
        effective=parse_edtf(effective, tz) if effective else None,
    )


def log(*items: ev.Event, tz: str = BAKU) -> Log:
    """A log in time zone `tz` holding `items` in this order."""
    return Log("edges", tz, 2, "edges", REGISTRY, items, {e.id: ("edges.toml", None) for e in items})


def holder(answer_log: Log, when: str, place: str = "shusha") -> tuple[str, str] | None:
    """(value, certainty) of the control fact about `place` at `when`, or None."""
    found = [f for f in at(answer_log, when, aspects=["control"]).facts if f.subject == place]
    return (found[0].value, found[0].certainty) if found else None


AZ = ("Azerbaijan", "certain")
AZ_MAYBE = ("Azerbaijan", "possible")


# --- instants around midnight, across +03:00 and +04:00 -------------------------------------

CEASEFIRE = log(capture("e1", "2020-11-10T00:00+03:00"))


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        ("2020-11-09T23:59:59.999999+03:00", None),
        ("2020-11-10T00:00+03:00", AZ),
        ("2020-11-10T00:59:59.999999+04:00", None),  # the same instant as 23:59:59.999999 Moscow time
        ("2020-11-10T01:00+04:00", AZ),
        ("2020-11-09T20:59:59.999999Z", None),
        ("2020-11-09T21:00Z", AZ),
        ("2020-11-09", None),  # the end of 9 November in Baku is 20:00 UTC
        ("2020-11-10", AZ),
    ],
)
def test_an_instant_applies_from_itself_in_any_offset(when: str, expected: tuple[str, str] | None) -> None:
    """An event at 00:00 Moscow time applies from that instant, however the query writes it."""
    assert holder(CEASEFIRE, when) == expected


DAY = log(capture("e1", "2020-11-10"))


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        ("2020-11-09T23:59:59.999999+04:00", None),
        ("2020-11-10T00:00+04:00", AZ_MAYBE),  # the Baku day has begun: possible
        ("2020-11-09T23:30+03:00", AZ_MAYBE),  # 00:30 in Baku, though still the 9th in Moscow
        ("2020-11-10T23:59:59.999999+04:00", AZ),  # the last instant of the Baku day: certain
        ("2020-11-10T23:30+03:00", AZ),  # 00:30 on the 11th in Baku
        ("2020-11-10T22:00+03:00", AZ_MAYBE),  # 23:00 in Baku
    ],
)
def test_a_day_is_the_day_in_the_log_zone(when: str, expected: tuple[str, str] | None) -> None:
    """A plain day means the Baku day: possible from its first instant, certain at its last."""
    assert holder(DAY, when) == expected


# --- the region's historic offsets and daylight-saving years ---------------------------------


@pytest.mark.parametrize(
    ("text", "tz", "start", "hours"),
    [
        ("1923-07-08", BAKU, utc(1923, 7, 7, 20, 40, 36), 24),  # Baku local mean time, +03:19:24
        ("1991-12-10", BAKU, utc(1991, 12, 9, 21), 24),  # +03:00 in the winter of 1991-92
        ("2012-07-01", BAKU, utc(2012, 6, 30, 19), 24),  # summer time, +05:00
        ("2012-03-25", BAKU, utc(2012, 3, 24, 20), 23),  # clocks forward: a 23-hour day
        ("2012-10-28", BAKU, utc(2012, 10, 27, 19), 25),  # clocks back: a 25-hour day
        ("2015-10-25", BAKU, utc(2015, 10, 24, 19), 25),  # the last change in Baku
        ("2016-07-01", BAKU, utc(2016, 6, 30, 20), 24),  # no summer time from 2016
        ("2011-07-01", YEREVAN, utc(2011, 6, 30, 19), 24),  # Yerevan's last summer time
        ("2011-10-30", YEREVAN, utc(2011, 10, 29, 19), 25),
        ("2012-07-01", YEREVAN, utc(2012, 6, 30, 20), 24),  # none from 2012 in Yerevan
        ("2012-03-25", YEREVAN, utc(2012, 3, 24, 20), 24),  # Baku's short day is a full one in Yerevan
    ],
)
def test_days_follow_the_zone_history(text: str, tz: str, start: pendulum.DateTime, hours: int) -> None:
    """A day runs from local midnight to local midnight with the offsets of its date, DST days included."""
    day = parse_edtf(text, tz)
    assert day.start == start
    assert day.end - day.start == pendulum.duration(hours=hours) - pendulum.duration(microseconds=1)


def test_the_log_zone_decides_the_day() -> None:
    """A day is the log zone's day: on 2012-03-25 Baku moved to +05:00 and Yerevan stayed at +04:00."""
    yerevan = log(capture("e1", "2012-03-25", tz=YEREVAN), tz=YEREVAN)
    baku = log(capture("e1", "2012-03-25", tz=BAKU), tz=BAKU)
    assert holder(baku, "2012-03-24T20:30Z") == AZ_MAYBE  # 00:30 in Baku
    assert holder(yerevan, "2012-03-24T20:30Z") == AZ_MAYBE  # 00:30 in Yerevan
    assert holder(baku, "2012-03-25T19:30Z") == AZ  # 00:30 on the 26th in Baku (+05:00)
    assert holder(yerevan, "2012-03-25T19:30Z") == AZ_MAYBE  # 23:30 in Yerevan (+04:00)


# --- leap days ----------------------------------------------------------------------------


def test_leap_days() -> None:
    """29 February exists in 2000 and 2020, not in 1900 or 2021; February 2020 ends on the 29th."""
    assert parse_edtf("2020-02-29", BAKU).start == utc(2020, 2, 28, 20)
    assert parse_edtf("2000-02-29", BAKU).start == utc(2000, 2, 28, 20)
    for text in ("1900-02-29", "2021-02-29"):
        with pytest.raises(DateError, match="no such day"):
            parse_edtf(text, BAKU)
    february = log(capture("e1", "2020-02"))
    assert holder(february, "2020-02-28") == AZ_MAYBE
    assert holder(february, "2020-02-29") == AZ
    assert holder(february, "2020-02-29T23:59:59.999998+04:00") == AZ_MAYBE


# --- months and years at their first and last instants ---------------------------------------


@pytest.mark.parametrize(
    ("date", "first", "last"),
    [
        ("2012-05", "2012-05-01T00:00+05:00", "2012-05-31T23:59:59.999999+05:00"),
        ("2012", "2012-01-01T00:00+04:00", "2012-12-31T23:59:59.999999+04:00"),
        ("2012-03", "2012-03-01T00:00+04:00", "2012-03-31T23:59:59.999999+05:00"),  # DST starts inside
    ],
)
def test_month_and_year_at_their_edges(date: str, first: str, last: str) -> None:
    """Absent a microsecond before the first instant, possible from it, certain only at the last."""
    one = pendulum.duration(microseconds=1)
    logged = log(capture("e1", date))
    before = pendulum.parse(first) - one
    just_before_last = pendulum.parse(last) - one
    assert holder(logged, before.isoformat()) is None
    assert holder(logged, first) == AZ_MAYBE
    assert holder(logged, just_before_last.isoformat()) == AZ_MAYBE
    assert holder(logged, last) == AZ


# --- on or before, and between -------------------------------------------------------------


def test_on_or_before_is_possible_from_the_start_of_time() -> None:
    """`[..D]` may already hold at any earlier instant, and holds for certain from the end of D."""
    logged = log(capture("e1", "[..2001-07-04]"))
    assert holder(logged, "1923-07-07") == AZ_MAYBE
    assert holder(logged, "2001-07-03") == AZ_MAYBE
    assert holder(logged, "2001-07-04") == AZ


def test_between_is_possible_inside_and_certain_after() -> None:
    """`[D1..D2]` is absent before D1, possible from D1's first instant, certain at the end of D2."""
    logged = log(capture("e1", "[1991-09-02..2001-07]"))
    assert holder(logged, "1991-09-01") is None
    assert holder(logged, "1991-09-02T00:00+04:00") == AZ_MAYBE
    assert holder(logged, "2001-07-30") == AZ_MAYBE
    assert holder(logged, "2001-07-31") == AZ


def test_an_earlier_certain_fact_shows_under_a_possible_one() -> None:
    """While a later event is only possible, the answer names what holds if it has not happened."""
    logged = log(capture("e1", "1992-05-08", by="nkr"), capture("e2", "2020-11"))
    found = next(f for f in at(logged, "2020-11-15", aspects=["control"]).facts if f.subject == "shusha")
    assert (found.value, found.certainty, found.otherwise) == ("Azerbaijan", "possible", "Artsakh")


# --- effective dates -------------------------------------------------------------------------


def decree(effective: str | None) -> ev.Decree:
    """A dissolution decree signed 2023-09-28, taking effect on `effective`."""
    return ev.Decree(
        id="d1",
        date=parse_edtf("2023-09-28", BAKU),
        sources=(SOURCES[0],),
        polity="nkr",
        status="dissolved",
        issuer="nkr",
        effective=parse_edtf(effective, BAKU) if effective else None,
    )


def status(logged: Log, when: str) -> list[tuple[str, str, str]]:
    """(subject, value, certainty) of every status fact at `when`."""
    return [(f.subject, f.value, f.certainty, f.pending) for f in at(logged, when, aspects=["status"]).facts]


def test_effective_after_the_announcement_is_pending_until_it_takes_effect() -> None:
    """Signed 2023-09-28, effective 2024-01-01: nothing before, pending from the signing, real from the effect."""
    logged = log(decree("2024-01-01"))
    assert status(logged, "2023-09-27") == []
    assert status(logged, "2023-09-28") == [("nkr", "dissolved", "certain", True)]
    assert status(logged, "2023-12-31T23:59:59.999999+04:00") == [("nkr", "dissolved", "certain", True)]
    assert status(logged, "2024-01-01T00:00+04:00") == [("nkr", "dissolved", "possible", False)]
    assert status(logged, "2024-01-01") == [("nkr", "dissolved", "certain", False)]


def test_effective_the_same_day_is_not_pending() -> None:
    """An effective date equal to the date is no announcement: the fact simply applies."""
    logged = log(decree("2023-09-28"))
    assert status(logged, "2023-09-28") == [("nkr", "dissolved", "certain", False)]


def test_effective_before_the_announcement_is_refused(make_log, cli) -> None:
    """A decree that takes effect before it was made is a mistake in the log, reported on one line."""
    text = (MINI / "events.toml").read_text(encoding="utf-8") + (
        '\n[[event]]\nid = "d1"\nkind = "decree"\ndate = "2023-09-28"\neffective = "2023-09-01"\n'
        'polity = "nkr"\nstatus = "dissolved"\nissuer = "nkr"\nsources = [{ id = "s004", at = "lead" }]\n'
    )
    root = make_log({"events.toml": text})
    result = cli("validate", "--log", str(root))
    assert result.status == 2
    assert len(result.err.splitlines()) == 1
    assert "event d1" in result.err and "effective" in result.err


# --- two events at one instant ------------------------------------------------------------


def test_same_instant_same_subject_follows_log_order() -> None:
    """Two events at one instant about one subject: the later in the log wins."""
    first = capture("e1", "2020-11-10T00:00+03:00", by="nkr")
    second = capture("e2", "2020-11-10T01:00+04:00", by="azerbaijan")  # the same instant
    assert holder(log(first, second), "2020-11-10") == AZ
    assert holder(log(second, first), "2020-11-10") == ("Artsakh", "certain")


def test_same_instant_different_subjects_both_apply() -> None:
    """Two events at one instant about different subjects both hold, whatever their order."""
    shusha = capture("e1", "2020-11-10T00:00+03:00", place="shusha")
    aghdam = capture("e2", "2020-11-09T21:00Z", place="aghdam")
    for logged in (log(shusha, aghdam), log(aghdam, shusha)):
        assert holder(logged, "2020-11-10", "shusha") == AZ
        assert holder(logged, "2020-11-10", "aghdam") == AZ
    assert at(log(shusha, aghdam), "2020-11-10").facts == at(log(aghdam, shusha), "2020-11-10").facts


def test_a_retraction_at_the_same_instant_still_removes() -> None:
    """A retraction counts whatever its date: the retracted capture never shows."""
    target = capture("e1", "2020-11-10T00:00+03:00")
    retraction = ev.Retraction(id="r1", date=target.date, sources=(SOURCES[0],), retracts="e1", reason="test")
    assert holder(log(target, retraction), "2020-11-10") is None
    assert holder(log(retraction, target), "2020-11-10") is None
