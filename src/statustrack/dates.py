"""EDTF dates (the ISO 8601-2 subset in docs/log-format.md) as intervals of instants.

Every written date denotes the closed interval of instants it may mean: a day is its
first to its last microsecond in the log's time zone, a month or a year likewise, an
instant is itself. `../D` starts at the beginning of time, `D/..` never ends.
"""

from __future__ import annotations

import datetime as dt
import functools
import re

import attrs
import pendulum

from .errors import DateError

__all__ = ["BEGINNING", "END", "Interval", "parse_edtf", "parse_when", "ACCEPTED"]

BEGINNING = pendulum.datetime(1, 1, 1, tz="UTC")
END = pendulum.datetime(9999, 12, 31, 23, 59, 59, 999999, tz="UTC")
_TICK = dt.timedelta(microseconds=1)

ACCEPTED = (
    "a day 1991-12-10, a month 2012-05, a year 2012, on or before ../2001-07-04, "
    "between 1991-09-02/2001-07-04, or an instant 2020-11-10T00:00+03:00"
)

_PLAIN = re.compile(r"(?P<y>[0-9]{4})(?:-(?P<m>[0-9]{2})(?:-(?P<d>[0-9]{2}))?)?")
_INSTANT = re.compile(
    r"(?P<y>[0-9]{4})-(?P<m>[0-9]{2})-(?P<d>[0-9]{2})T(?P<H>[0-9]{2}):(?P<M>[0-9]{2})"
    r"(?::(?P<S>[0-9]{2})(?:\.(?P<f>[0-9]{1,6}))?)?(?P<z>Z|[+-][0-9]{2}:[0-9]{2})?"
)


@attrs.frozen(order=False, repr=False)
class Interval:
    """The instants an EDTF text may denote: `start` to `end`, both included, in UTC.

    Its repr is the call that makes it, so a failing example prints as runnable Python.
    """

    text: str
    start: pendulum.DateTime
    end: pendulum.DateTime
    precision: str  # "instant", "day", "month", "year", "open"
    tz: str = "UTC"

    def __repr__(self) -> str:
        return f"parse_edtf({self.text!r}, {self.tz!r})"

    def certain_by(self, instant: pendulum.DateTime) -> bool:
        """True when every instant this date may mean lies on or before `instant`."""
        return self.end <= instant

    def begun_by(self, instant: pendulum.DateTime) -> bool:
        """True when some instant this date may mean lies on or before `instant`."""
        return self.start <= instant

    def __str__(self) -> str:
        return self.text


def _fail(text: str, why: str) -> DateError:
    msg = f"invalid date {text!r}: {why}; accepted: {ACCEPTED}"
    return DateError(msg)


def _local_midnight(day: dt.date, tz: str, clamp: pendulum.DateTime) -> pendulum.DateTime:
    """The first instant of `day` in `tz`, in UTC; `clamp` where that falls outside years 1-9999."""
    try:
        return pendulum.datetime(day.year, day.month, day.day, tz=tz).in_tz("UTC")
    except (OverflowError, ValueError):
        return clamp


def _plain_bounds(text: str, whole: str, tz: str) -> tuple[pendulum.DateTime, pendulum.DateTime, str]:
    match = _PLAIN.fullmatch(text)
    if match is None:
        raise _fail(whole, "not an EDTF date")
    year, month, day = int(match["y"]), match["m"], match["d"]
    try:
        if day is not None:
            first = dt.date(year, int(month), int(day))
            precision, after = "day", (year, int(month), int(day) + 1)
        elif month is not None:
            first = dt.date(year, int(month), 1)
            precision, after = "month", (year + first.month // 12, first.month % 12 + 1, 1)
        else:
            first = dt.date(year, 1, 1)
            precision, after = "year", (year + 1, 1, 1)
    except ValueError as e:
        raise _fail(whole, f"no such day ({e})") from e
    start = _local_midnight(first, tz, BEGINNING)
    try:
        following = dt.date(*after) if precision != "day" else first + dt.timedelta(days=1)
    except (ValueError, OverflowError):
        return start, END, precision
    next_start = _local_midnight(following, tz, END)
    return start, (END if next_start is END else next_start - _TICK), precision


def _instant(text: str, whole: str) -> pendulum.DateTime:
    match = _INSTANT.fullmatch(text)
    if match is None:
        raise _fail(whole, "not an EDTF instant")
    if match["z"] is None:
        raise _fail(whole, "an instant needs its UTC offset (Z or +03:00)")
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as e:
        raise _fail(whole, f"no such instant ({e})") from e
    try:
        return pendulum.instance(moment).in_tz("UTC")
    except (OverflowError, ValueError) as e:
        raise _fail(whole, "out of range (years 0001 to 9999 in UTC)") from e


def _bounds(part: str, whole: str, tz: str) -> tuple[pendulum.DateTime, pendulum.DateTime, str]:
    if "T" in part:
        moment = _instant(part, whole)
        return moment, moment, "instant"
    return _plain_bounds(part, whole, tz)


@functools.lru_cache(maxsize=65536)
def parse_edtf(text: str, tz: str) -> Interval:
    """Parse an EDTF text into the interval it denotes, plain dates being days in `tz`.

    >>> str(parse_edtf("2012-05", "Asia/Baku").start)
    '2012-04-30 20:00:00+00:00'
    """
    if not isinstance(text, str):
        raise _fail(repr(text), "a date must be written as a string")
    if "/" not in text:
        start, end, precision = _bounds(text, text, tz)
        return Interval(text, start, end, precision, tz)
    if text.count("/") != 1:
        raise _fail(text, "an interval has exactly one '/'")
    left, right = text.split("/")
    start = BEGINNING if left in ("..", "") else _bounds(left, text, tz)[0]
    end = END if right in ("..", "") else _bounds(right, text, tz)[1]
    if left in ("..", "") and right in ("..", ""):
        raise _fail(text, "an interval needs at least one end")
    if end < start:
        raise _fail(text, "the interval ends before it starts")
    return Interval(text, start, end, "open", tz)


def parse_when(text: str, tz: str) -> pendulum.DateTime:
    """The instant a query asks about: an instant itself, or the last instant of a plain date.

    `at 2020-11-10` means the end of that day in `tz`; `at 2012-05` the end of May 2012.
    """
    if "/" in text:
        raise _fail(text, "a query date is one day, month, year or instant, not an interval")
    return _bounds(text, text, tz)[1]
