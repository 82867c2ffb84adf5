"""EDTF dates as intervals of instants, and the instants queries mean."""

from __future__ import annotations

import pendulum
import pytest

from statustrack.dates import ACCEPTED, BEGINNING, END, parse_edtf, parse_when
from statustrack.errors import DateError

BAKU = "Asia/Baku"


def utc(*args: int) -> pendulum.DateTime:
    return pendulum.datetime(*args, tz="UTC")


@pytest.mark.parametrize(("text", "start", "end", "precision"), [
    ("1991-12-10", utc(1991, 12, 9, 21), utc(1991, 12, 10, 20, 59, 59, 999999), "day"),
    ("2012-05", utc(2012, 4, 30, 19), utc(2012, 5, 31, 18, 59, 59, 999999), "month"),
    ("2012", utc(2011, 12, 31, 20), utc(2012, 12, 31, 19, 59, 59, 999999), "year"),
    ("2020-02", utc(2020, 1, 31, 20), utc(2020, 2, 29, 19, 59, 59, 999999), "month"),
    ("../2001-07-04", BEGINNING, utc(2001, 7, 4, 18, 59, 59, 999999), "open"),
    ("2014-09/..", utc(2014, 8, 31, 19), END, "open"),
    ("1991-09-02/2001-07-04", utc(1991, 9, 1, 20), utc(2001, 7, 4, 18, 59, 59, 999999), "open"),
    ("2020-11-10T00:00+03:00", utc(2020, 11, 9, 21), utc(2020, 11, 9, 21), "instant"),
    ("2020-11-10T00:00:30.5Z", utc(2020, 11, 10, 0, 0, 30, 500000), utc(2020, 11, 10, 0, 0, 30, 500000), "instant"),
])
def test_forms(text: str, start: pendulum.DateTime, end: pendulum.DateTime, precision: str) -> None:
    """Each accepted form denotes the instants of its days in Baku time (with its historic offsets)."""
    interval = parse_edtf(text, BAKU)
    assert (interval.start, interval.end, interval.precision) == (start, end, precision)
    assert interval.text == text


@pytest.mark.parametrize(("text", "why"), [
    ("2020-02-30", "no such day (day is out of range for month)"),
    ("2021-02-29", "no such day (day is out of range for month)"),
    ("2020-13", "no such day (month must be in 1..12)"),
    ("May 2012", "not an EDTF date"),
    ("2012-5", "not an EDTF date"),
    ("2020-05/2019", "the interval ends before it starts"),
    ("../..", "an interval needs at least one end"),
    ("2020-11-10T00:00", "an instant needs its UTC offset (Z or +03:00)"),
    ("2020-11-10T24:30Z", "no such instant (hour must be in 0..23)"),
    ("2012?", "not an EDTF date"),
    ("1/2/3", "an interval has exactly one '/'"),
])
def test_rejections(text: str, why: str) -> None:
    """An invalid date is refused with the reason and the forms that are accepted."""
    with pytest.raises(DateError) as info:
        parse_edtf(text, BAKU)
    assert str(info.value) == f"invalid date {text!r}: {why}; accepted: {ACCEPTED}"


def test_baku_offsets_follow_history() -> None:
    """A day in Baku is 24 hours from its local midnight, with the offset of its year (+5 in 2012 summer, +4 in 2020)."""
    assert parse_edtf("2012-07-01", BAKU).start == utc(2012, 6, 30, 19)
    assert parse_edtf("2020-07-01", BAKU).start == utc(2020, 6, 30, 20)


def test_query_means_end_of_day() -> None:
    """`at D` with a plain date is the last instant of D in the log's zone; an instant is itself."""
    assert parse_when("2020-11-10", BAKU) == utc(2020, 11, 10, 19, 59, 59, 999999)
    assert parse_when("2020-11-09T23:00+04:00", BAKU) == utc(2020, 11, 9, 19)
    with pytest.raises(DateError):
        parse_when("2020-11-09/2020-11-10", BAKU)


def test_certainty_of_month_precision() -> None:
    """A month-precise date is possible inside the month and certain from its last instant."""
    may = parse_edtf("2012-05", BAKU)
    assert not may.certain_by(parse_when("2012-05-15", BAKU))
    assert may.begun_by(parse_when("2012-05-15", BAKU))
    assert may.certain_by(parse_when("2012-05-31", BAKU))
    assert not may.begun_by(parse_when("2012-04-30", BAKU))
