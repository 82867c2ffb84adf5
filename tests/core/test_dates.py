"""EDTF dates as intervals of instants, and the instants queries mean."""

from __future__ import annotations

import pendulum
import pytest

from statustrack.core.dates import ACCEPTED, BEGINNING, END, parse_edtf, parse_when
from statustrack.errors import DateError

BAKU = "Asia/Baku"


def utc(*args: int) -> pendulum.DateTime:
    return pendulum.datetime(*args, tz="UTC")


@pytest.mark.parametrize(
    ("text", "start", "end", "precision"),
    [
        ("1991-12-10", utc(1991, 12, 9, 21), utc(1991, 12, 10, 20, 59, 59, 999999), "day"),
        ("2012-05", utc(2012, 4, 30, 19), utc(2012, 5, 31, 18, 59, 59, 999999), "month"),
        ("2012", utc(2011, 12, 31, 20), utc(2012, 12, 31, 19, 59, 59, 999999), "year"),
        ("2020-02", utc(2020, 1, 31, 20), utc(2020, 2, 29, 19, 59, 59, 999999), "month"),
        ("[..2001-07-04]", BEGINNING, utc(2001, 7, 4, 18, 59, 59, 999999), "range"),
        ("[2014-09..]", utc(2014, 8, 31, 19), END, "range"),
        ("[1991-09-02..2001-07-04]", utc(1991, 9, 1, 20), utc(2001, 7, 4, 18, 59, 59, 999999), "range"),
        ("[2012, 2014..2015]", utc(2011, 12, 31, 20), utc(2015, 12, 31, 19, 59, 59, 999999), "range"),
        ("2020-11-10T00:00+03:00", utc(2020, 11, 9, 21), utc(2020, 11, 9, 21), "instant"),
        ("2020-11-10T00:00:30.5Z", utc(2020, 11, 10, 0, 0, 30, 500000), utc(2020, 11, 10, 0, 0, 30, 500000), "instant"),
        ("2012-05?", utc(2012, 4, 30, 19), utc(2012, 5, 31, 18, 59, 59, 999999), "month"),
        ("2012~", utc(2011, 12, 31, 20), utc(2012, 12, 31, 19, 59, 59, 999999), "year"),
        ("2012-05-10%", utc(2012, 5, 9, 19), utc(2012, 5, 10, 18, 59, 59, 999999), "day"),
        ("201X", utc(2009, 12, 31, 20), utc(2019, 12, 31, 19, 59, 59, 999999), "decade"),
        ("19XX", utc(1899, 12, 31, 20, 40, 36), utc(1999, 12, 31, 19, 59, 59, 999999), "century"),
        ("2012-XX", utc(2011, 12, 31, 20), utc(2012, 12, 31, 19, 59, 59, 999999), "year"),
        ("2012-05-XX", utc(2012, 4, 30, 19), utc(2012, 5, 31, 18, 59, 59, 999999), "month"),
        ("2012-XX-XX", utc(2011, 12, 31, 20), utc(2012, 12, 31, 19, 59, 59, 999999), "year"),
    ],
)
def test_forms(text: str, start: pendulum.DateTime, end: pendulum.DateTime, precision: str) -> None:
    """Each accepted form denotes the instants of its days in Baku time (with its historic offsets)."""
    interval = parse_edtf(text, BAKU)
    assert (interval.start, interval.end, interval.precision) == (start, end, precision)
    assert interval.text == text


@pytest.mark.parametrize(
    ("text", "qualifier"),
    [
        ("2012-05?", "uncertain"),
        ("2012-05~", "approximate"),
        ("2012-05%", "uncertain and approximate"),
        ("2012-05", None),
    ],
)
def test_qualifiers(text: str, qualifier: str | None) -> None:
    """?, ~ and % keep the bounds of the date and say how it is qualified."""
    assert parse_edtf(text, BAKU).qualifier == qualifier


@pytest.mark.parametrize(
    ("v1", "v2"),
    [
        ("../2001-07-04", "[..2001-07-04]"),
        ("2014-09/..", "[2014-09..]"),
        ("1991-09-02/2001-07-04", "[1991-09-02..2001-07-04]"),
        ("2012-05", "2012-05"),
    ],
)
def test_format_1_reads_as_format_2(v1: str, v2: str) -> None:
    """Format 1's A/B and ../D mean format 2's [A..B] and [..D]: same bounds, standard spelling."""
    old, new = parse_edtf(v1, BAKU, 1), parse_edtf(v2, BAKU)
    assert (old.start, old.end, old.edtf) == (new.start, new.end, v2)
    assert old.text == v1


def test_span() -> None:
    """A span A/B (format 2) began in A and ended in B."""
    span = parse_edtf("2020-11-10/2023-09", BAKU)
    assert span.is_span and span.start == utc(2020, 11, 9, 20)
    assert span.until is not None and span.until.end == utc(2023, 9, 30, 19, 59, 59, 999999)
    assert parse_edtf("2020-11-10/..", BAKU).until is None


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("2020-02-30", "no such day (day is out of range for month)"),
        ("2021-02-29", "no such day (day is out of range for month)"),
        ("2020-13", "no such day (month must be in 1..12)"),
        ("May 2012", "not an EDTF date"),
        ("2012-5", "not an EDTF date"),
        ("[2020-05..2019]", "the range ends before it starts"),
        ("[..]", "a set member is a date or a range A..B with at least one end"),
        ("2020-11-10T00:00", "an instant needs its UTC offset (Z or +03:00)"),
        ("2020-11-10T24:30Z", "no such instant (hour must be in 0..23)"),
        ("2012?-05", "a qualifier ?, ~ or % goes at the end of the whole date (2004-06?)"),
        ("20X2", "unspecified digits X must be the last digits of the year (201X, 19XX)"),
        ("2012-XX-05", "only the trailing parts of a date may be unspecified (2012-XX-XX, not 2012-XX-05)"),
        ("2001-21", "seasons and quarters (2001-21) are not supported; write the months as [2001-03..2001-05]"),
        ("{2012,2013}", "{...} (all of a set) does not name one date; use [A..B] for one day in a range"),
        ("[2012..2013", "a set [..] must end with ]"),
    ],
)
def test_rejections(text: str, why: str) -> None:
    """An invalid date is refused with the reason and the forms that are accepted."""
    with pytest.raises(DateError) as info:
        parse_edtf(text, BAKU)
    assert str(info.value) == f"invalid date {text!r}: {why}; accepted: {ACCEPTED}"


def test_baku_offsets_follow_history() -> None:
    """A day in Baku is 24 hours from its local midnight, with the offset of its year
    (+5 in 2012 summer, +4 in 2020)."""
    assert parse_edtf("2012-07-01", BAKU).start == utc(2012, 6, 30, 19)
    assert parse_edtf("2020-07-01", BAKU).start == utc(2020, 6, 30, 20)


def test_query_means_end_of_day() -> None:
    """`at D` with a plain date is the last instant of D in the log's zone; an instant is itself."""
    assert parse_when("2020-11-10", BAKU) == utc(2020, 11, 10, 19, 59, 59, 999999)
    assert parse_when("2020-11-09T23:00+04:00", BAKU) == utc(2020, 11, 9, 19)
    for wrong in ("2020-11-09/2020-11-10", "[2020..2021]", "2020?", "", "202X"):
        with pytest.raises(DateError):
            parse_when(wrong, BAKU)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("2020-05/2019", "the span ends before it starts"),
        ("../..", "a span needs at least one end"),
        ("1/2/3", "a span has exactly one '/'"),
    ],
)
def test_span_rejections(text: str, why: str) -> None:
    """A malformed span is refused, naming the span form."""
    from statustrack.core.dates import SPAN

    with pytest.raises(DateError) as info:
        parse_edtf(text, BAKU)
    assert str(info.value) == f"invalid date {text!r}: {why}; accepted: {SPAN}"


def test_certainty_of_month_precision() -> None:
    """A month-precise date is possible inside the month and certain from its last instant."""
    may = parse_edtf("2012-05", BAKU)
    assert not may.certain_by(parse_when("2012-05-15", BAKU))
    assert may.begun_by(parse_when("2012-05-15", BAKU))
    assert may.certain_by(parse_when("2012-05-31", BAKU))
    assert not may.begun_by(parse_when("2012-04-30", BAKU))
