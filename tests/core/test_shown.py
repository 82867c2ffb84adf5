"""`core.shown.local_day` (the stdlib local date both paths' summary table shows) gives the
date pendulum's `core.dates.in_zone` gives, for any instant, in any zone, pendulum's or not."""

from __future__ import annotations

import datetime as dt

import pendulum
from hypothesis import given, settings
from hypothesis import strategies as st

from statustrack.core.dates import in_zone
from statustrack.core.shown import local_day

ZONES = ("UTC", "Asia/Baku", "America/Santiago", "Pacific/Kiritimati", "Pacific/Pago_Pago", "Europe/Moscow")


@settings(max_examples=300, deadline=None)
@given(
    st.datetimes(min_value=dt.datetime(1, 1, 1), max_value=dt.datetime(9999, 12, 31, 23, 59, 59, 999999)),
    st.sampled_from(ZONES),
    st.sampled_from(ZONES),
)
def test_local_day_is_pendulums(naive: dt.datetime, held: str, tz: str) -> None:
    """The same local date as `in_zone`, for an instant as a plain datetime in UTC and as a
    pendulum instant held in another zone (what `api.summary` hands the summary table)."""
    instant = naive.replace(tzinfo=dt.UTC)
    expected = in_zone(pendulum.instance(instant), tz).date()
    assert local_day(instant, tz) == expected
    if dt.datetime(1, 1, 3) < naive < dt.datetime(9999, 12, 29):
        assert local_day(pendulum.instance(instant).in_tz(held), tz) == expected


def test_the_ends_of_the_calendar_do_not_overflow() -> None:
    """An instant at either end of the calendar is shown at the last day every zone can show."""
    first = dt.datetime(1, 1, 1, tzinfo=dt.UTC)
    last = dt.datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=dt.UTC)
    assert local_day(first, "Pacific/Pago_Pago") == in_zone(pendulum.instance(first), "Pacific/Pago_Pago").date()
    assert local_day(last, "Asia/Baku") == in_zone(pendulum.instance(last), "Asia/Baku").date()
