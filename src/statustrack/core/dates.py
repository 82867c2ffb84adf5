"""EDTF dates (ISO 8601-2, Level 0, Level 1 and the Level 2 set notation) as intervals of instants.

Every written date denotes the closed interval of instants it may mean: a day is its
first to its last microsecond in the log's time zone, a month or a year likewise, an
instant is itself, `201X` a decade, `[..2001-07-04]` any day up to that one,
`[1991-09-02..2001-07-04]` one day in that range. A span `A/B` (format 2) is something
that holds from A until B: its interval is when it began (A), and `until` is when it
ended (B). The qualifiers `?` (uncertain), `~` (approximate) and `%` (both) keep the
bounds of the date they qualify and are reported with it.

Log format 1 wrote "one day in a range" as `A/B` and "on or before" as `../D`; read with
`format=1`, those texts mean what format 2 writes `[A..B]` and `[..D]`, and `edtf` gives
the standard spelling.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re

import attrs
import pendulum

from statustrack.core.shown import SHOWABLE, iso
from statustrack.errors import DateError

__all__ = [
    "ACCEPTED",
    "BEGINNING",
    "END",
    "Interval",
    "in_zone",
    "iso",
    "iso_fixed",
    "parse_edtf",
    "parse_when",
    "upcast_v1",
]

BEGINNING = pendulum.datetime(1, 1, 1, tz="UTC")
END = pendulum.datetime(9999, 12, 31, 23, 59, 59, 999999, tz="UTC")
#: The instants every zone can show as a local date (`core.shown.SHOWABLE`), as pendulum's.
_SHOWABLE = (pendulum.instance(SHOWABLE[0]), pendulum.instance(SHOWABLE[1]))


def in_zone(instant: pendulum.DateTime, tz: str) -> pendulum.DateTime:
    """`instant` as a local time in `tz`, for display: an instant within a day of either end of
    the calendar (an open end, a date in year 9999) is shown at the last day every zone can
    show, never an overflow."""
    low, high = _SHOWABLE
    return min(max(instant, low), high).in_tz(tz)


_TICK = dt.timedelta(microseconds=1)

ACCEPTED = (
    "a day 1991-12-10, a month 2012-05, a year 2012 or 201X, qualified 2012-05? 2012-05~ 2012-05%, "
    "one day in a range [1991-09-02..2001-07-04], [..2001-07-04] or [2014-09..], "
    "or an instant 2020-11-10T00:00+03:00"
)
WHEN = "a day 2020-11-10, a month 2012-05, a year 2012, or an instant 2020-11-10T00:00+03:00"
SPAN = "a span from A to B, A/B (only for what holds over a span)"

_PLAIN = re.compile(r"(?P<y>[0-9X]{4})(?:-(?P<m>[0-9X]{2})(?:-(?P<d>[0-9X]{2}))?)?")
_INSTANT = re.compile(
    r"(?P<y>[0-9]{4})-(?P<m>[0-9]{2})-(?P<d>[0-9]{2})T(?P<H>[0-9]{2}):(?P<M>[0-9]{2})"
    r"(?::(?P<S>[0-9]{2})(?:\.(?P<f>[0-9]{1,6}))?)?(?P<z>Z|[+-][0-9]{2}:[0-9]{2})?"
)
_QUALIFIERS = {"?": "uncertain", "~": "approximate", "%": "uncertain and approximate"}


@attrs.frozen(order=False, repr=False)
class Interval:
    """The instants an EDTF text may denote: `start` to `end`, both included, in UTC.

    `text` is the date as written; `edtf` its standard ISO 8601-2 spelling. For a span
    (`A/B`), `start`..`end` is when it began and `until` the interval in which it ended
    (None: it has not ended). `qualifier` is "uncertain", "approximate", both, or None.
    Its repr is the call that makes it, so a failing example prints as runnable Python.
    """

    text: str
    start: pendulum.DateTime
    end: pendulum.DateTime
    precision: str  # "instant", "day", "month", "year", "decade", "century", "range", "span"
    tz: str = "UTC"
    edtf: str = attrs.field(default="", eq=False)
    qualifier: str | None = attrs.field(default=None, eq=False)
    until: Interval | None = attrs.field(default=None, eq=False)
    format: int = attrs.field(default=2, eq=False)
    open_start: bool = attrs.field(default=False, eq=False)  # written with no start: `[..D]`, `../D`

    def __repr__(self) -> str:
        extra = f", format={self.format}" if self.format != 2 else ""
        return f"parse_edtf({self.text!r}, {self.tz!r}{extra})"

    def certain_by(self, instant: pendulum.DateTime) -> bool:
        """True when every instant this date may mean lies on or before `instant`."""
        return self.end <= instant

    def begun_by(self, instant: pendulum.DateTime) -> bool:
        """True when some instant this date may mean lies on or before `instant`."""
        return self.start <= instant

    @property
    def is_span(self) -> bool:
        """True for `A/B`: something that held from A until B."""
        return self.precision == "span"

    @property
    def latest(self) -> pendulum.DateTime:
        """The last instant this date may mean; for a span, the last it may have ended."""
        if self.is_span:
            return self.until.end if self.until is not None else END
        return self.end

    def bounded_below(self, floor: pendulum.DateTime) -> Interval:
        """This date with instants before `floor` left out (an open start meets the log's
        horizon); a span with an open start begins at `floor` at the latest."""
        if floor <= self.start:
            return self
        moment = min(floor, self.latest)
        if self.is_span:
            return attrs.evolve(self, start=moment, end=max(self.end, moment))
        return attrs.evolve(self, start=moment)

    def written(self, format: int | None = None) -> str:
        """The date as a log of `format` writes it (None: as it was written)."""
        if format is None:
            return self.text
        if format == 1 and self.precision == "range" and "," not in self.edtf:
            left, right = self.edtf[1:-1].split("..")
            return f"{left or '..'}/{right or '..'}"
        return self.edtf or self.text

    def __str__(self) -> str:
        return self.edtf or self.text


def shifted(instant: pendulum.DateTime, delta: dt.timedelta) -> pendulum.DateTime:
    """`instant`, which is in UTC, moved by `delta`.

    Plain datetime arithmetic, which keeps pendulum's type and time zone: in UTC it gives
    pendulum's answer (`instant + delta`) some ten times faster.
    """
    return dt.datetime.__add__(instant, delta)


def _fail(text: str, why: str, accepted: str = ACCEPTED) -> DateError:
    msg = f"invalid date {text!r}: {why}; accepted: {accepted}"
    return DateError(msg)


@functools.lru_cache(maxsize=64)
def _zone(tz: str) -> pendulum.Timezone:
    """The time zone named `tz`, read once (pendulum re-reads its file on every lookup)."""
    return pendulum.timezone(tz)


@functools.lru_cache(maxsize=65536)
def _local_midnight(day: dt.date, tz: str, clamp: pendulum.DateTime) -> pendulum.DateTime:
    """The first instant of `day` in `tz`, in UTC; `clamp` where that falls outside years 1-9999.

    The steps of `pendulum.datetime(..., tz=tz).in_tz("UTC")`, without its wrappers: the
    zone reads the local time as pendulum does (`Timezone.datetime`), then plain
    `astimezone` (what pendulum's calls) gives the UTC instant.
    """
    try:
        u = _zone(tz).datetime(day.year, day.month, day.day).astimezone(pendulum.UTC)
        return pendulum.DateTime(
            u.year, u.month, u.day, u.hour, u.minute, u.second, u.microsecond, tzinfo=u.tzinfo, fold=u.fold
        )
    except (OverflowError, ValueError):
        return clamp


def _day_after(day: dt.date) -> dt.date | None:
    try:
        return day + dt.timedelta(days=1)
    except OverflowError:
        return None


def _days(text: str, whole: str) -> tuple[dt.date, dt.date, str]:
    """The first and last day a plain date (possibly with unspecified digits X) may mean."""
    match = _PLAIN.fullmatch(text)
    if match is None:
        raise _fail(whole, "not an EDTF date")
    year, month, day = match["y"], match["m"], match["d"]
    if "X" in year and not re.fullmatch(r"[0-9]*X*", year):
        raise _fail(whole, "unspecified digits X must be the last digits of the year (201X, 19XX)")
    if (month and "X" in month and month != "XX") or (day and "X" in day and day != "XX"):
        raise _fail(whole, "an unspecified month or day is written XX")
    if (month == "XX" and day and day != "XX") or ("X" in year and month and month != "XX"):
        raise _fail(whole, "only the trailing parts of a date may be unspecified (2012-XX-XX, not 2012-XX-05)")
    if year == "0000" or year.startswith("0000"):
        raise _fail(whole, "out of range (years 0001 to 9999)")
    if year == "XXXX":
        raise _fail(
            whole,
            "no digit of it is known (XXXX), so it says nothing of when; write what is known, "
            "as [..2020-11-10] or 19XX",
        )
    first_year, last_year = int(year.replace("X", "0")) or 1, int(year.replace("X", "9"))
    unspecified = year.count("X")
    try:
        if day is not None and day != "XX":
            first = last = dt.date(first_year, int(month), int(day))
            precision = "day"
        elif month is not None and month != "XX":
            first = dt.date(first_year, int(month), 1)
            last = first.replace(day=calendar.monthrange(first_year, first.month)[1])
            precision = "month"
        else:
            first, last = dt.date(first_year, 1, 1), dt.date(last_year, 12, 31)
            precision = {0: "year", 1: "decade", 2: "century"}.get(unspecified, "millennium")
    except ValueError as e:
        raise _fail(whole, f"no such day ({e})") from e
    return first, last, precision


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


def _one(part: str, whole: str, tz: str) -> tuple[pendulum.DateTime, pendulum.DateTime, str, str | None]:
    """Bounds, precision and qualifier of one date (no range, no span)."""
    qualifier = None
    if part and part[-1] in _QUALIFIERS:
        qualifier, part = _QUALIFIERS[part[-1]], part[:-1]
    if any(q in part for q in _QUALIFIERS):
        raise _fail(whole, "a qualifier ?, ~ or % goes at the end of the whole date (2004-06?)")
    if "T" in part:
        if "X" in part:
            raise _fail(whole, "an instant cannot have unspecified digits")
        moment = _instant(part, whole)
        return moment, moment, "instant", qualifier
    if re.fullmatch(r"[0-9]{4}-(2[1-9]|[3-4][0-9])", part):
        raise _fail(whole, "seasons and quarters (2001-21) are not supported; write the months as [2001-03..2001-05]")
    if part.startswith(("-", "Y")):
        raise _fail(whole, "years before 0001 or beyond 9999 are not supported")
    first, last, precision = _days(part, whole)
    start = _local_midnight(first, tz, BEGINNING)
    after = _day_after(last)
    end = END if after is None else _local_midnight(after, tz, END)
    return start, (END if end is END else shifted(end, -_TICK)), precision, qualifier


def upcast_v1(text: str) -> str:
    """A format 1 date in format 2 (standard EDTF) notation: `A/B` is `[A..B]`, `../D` is `[..D]`."""
    if not isinstance(text, str) or "/" not in text or text.count("/") != 1:
        return text
    left, right = text.split("/")
    left, right = ("" if left in ("..", "") else left), ("" if right in ("..", "") else right)
    return f"[{left}..{right}]"


def _range(body: str, whole: str, tz: str) -> tuple[pendulum.DateTime, pendulum.DateTime, bool]:
    """Bounds of a set `[A..B]`, `[..B]`, `[A..]` or a list `[A, B, C..D]`: its hull, and
    whether it is open at the start (some member has no start)."""
    if not body.strip():
        raise _fail(whole, "an empty set")
    starts, ends = [], []
    open_start = False
    for member in body.split(","):
        member = member.strip()
        if member.count("..") > 1 or member in ("", ".."):
            raise _fail(whole, "a set member is a date or a range A..B with at least one end")
        if ".." in member:
            left, right = member.split("..")
            open_start = open_start or not left
            starts.append(BEGINNING if not left else _one(left, whole, tz)[0])
            ends.append(END if not right else _one(right, whole, tz)[1])
            if ends[-1] < starts[-1]:
                raise _fail(whole, "the range ends before it starts")
        else:
            start, end, _, _ = _one(member, whole, tz)
            starts.append(start)
            ends.append(end)
    return min(starts), max(ends), open_start


@functools.lru_cache(maxsize=65536)
def parse_edtf(text: str, tz: str, format: int = 2) -> Interval:
    """Parse an EDTF text into the interval it denotes, plain dates being days in `tz`.

    With `format=1` (the first log format) `A/B` and `../D` mean one day in a range.

    >>> str(parse_edtf("2012-05", "Asia/Baku").start)
    '2012-04-30 20:00:00+00:00'
    >>> parse_edtf("1991-09-02/2008-04", "Asia/Baku", format=1).edtf
    '[1991-09-02..2008-04]'
    """
    if not isinstance(text, str):
        raise _fail(repr(text), "a date must be written as a string")
    written = text
    if format == 1 and "/" in text:
        if text.count("/") != 1:
            raise _fail(text, "an interval has exactly one '/'")
        if text in ("../..", "/", "../", "/.."):
            raise _fail(text, "an interval needs at least one end")
        text = upcast_v1(text)
    if "{" in text or "}" in text:
        raise _fail(written, "{...} (all of a set) does not name one date; use [A..B] for one day in a range")
    if text.startswith("["):
        if not text.endswith("]"):
            raise _fail(written, "a set [..] must end with ]")
        start, end, open_start = _range(text[1:-1], written, tz)
        return Interval(written, start, end, "range", tz, text, None, None, format, open_start)
    if "/" in text:
        return _span(text, written, tz)
    start, end, precision, qualifier = _one(text, written, tz)
    return Interval(written, start, end, precision, tz, text, qualifier, None, format)


def _span(text: str, written: str, tz: str) -> Interval:
    if text.count("/") != 1:
        raise _fail(written, "a span has exactly one '/'", SPAN)
    left, right = text.split("/")
    if left in ("..", "") and right in ("..", ""):
        raise _fail(written, "a span needs at least one end", SPAN)
    if left in ("..", ""):
        start, end, qualifier = BEGINNING, BEGINNING, None
    else:
        start, end, _, qualifier = _one(left, written, tz)
    until = None
    if right not in ("..", ""):
        u_start, u_end, u_precision, u_qualifier = _one(right, written, tz)
        until = Interval(right, u_start, u_end, u_precision, tz, right, u_qualifier)
        if u_end < start:
            raise _fail(written, "the span ends before it starts", SPAN)
    return Interval(written, start, end, "span", tz, text, qualifier, until, open_start=left in ("..", ""))


def iso_fixed(instant: pendulum.DateTime) -> str:
    """An instant as fixed-width ISO 8601 UTC text (`2020-11-07T20:00:00.000000Z`), so that
    text order is time order (for SQLite columns)."""
    u = dt.datetime.astimezone(instant, dt.UTC)
    return f"{u.year:04d}-{u.month:02d}-{u.day:02d}T{u.hour:02d}:{u.minute:02d}:{u.second:02d}.{u.microsecond:06d}Z"


def parse_when(text: str, tz: str) -> pendulum.DateTime:
    """The instant a query asks about: an instant itself, or the last instant of a plain date.

    `at 2020-11-10` means the end of that day in `tz`; `at 2012-05` the end of May 2012.
    """
    if not isinstance(text, str) or not text.strip():
        raise _fail(repr(text) if not isinstance(text, str) else text, "a query date cannot be empty", WHEN)
    if "/" in text or "[" in text or ".." in text:
        raise _fail(text, "a query date is one day, month, year or instant, not a range or span", WHEN)
    if text[-1:] in _QUALIFIERS or "X" in text:
        raise _fail(text, "a query date is exact: no qualifier and no unspecified digits", WHEN)
    try:
        return _one(text, text, tz)[1]
    except DateError as e:
        raise _fail(text, str(e).split(": ", 1)[1].split("; accepted: ")[0], WHEN) from e
