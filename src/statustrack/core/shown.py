"""What an answer shows of a fact, in pieces that need neither attrs nor pendulum: the
JSON text encoder (`pretty`), how a fact's JSON object is completed for the instant asked
about (`seen_json`), the row the summary counts (`Row`), and the date arithmetic of a
plain query date (`end_of_day`, `year_before`, `iso_micros`, `local_day`).

Both the full path (facts replayed or decoded from the index) and the light path (rows the
index stores per version, `index.light`) go through these functions, so a rule of how a
fact reads is written once. Nothing here imports more than the standard library.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Container, Hashable, Iterable, Sequence
from json.encoder import encode_basestring
from typing import Any, NamedTuple, Protocol, TypeVar

__all__ = [
    "DISPUTED",
    "LEVELS",
    "OTHERWISE",
    "PLACEMENT",
    "SHOWABLE",
    "Row",
    "cited_json",
    "emit",
    "end_of_day",
    "iso",
    "iso_micros",
    "local_day",
    "micros_of",
    "pretty",
    "run_ends",
    "run_json",
    "runs_in",
    "seen_json",
    "unplaced",
    "until_of",
    "year_before",
]

_STEP = "  "
#: The key of a fact's JSON base that stands where `otherwise` and `otherwise_event` go
#: when the fact is possible at the instant asked about (dropped when it is certain).
OTHERWISE = "\x00otherwise"
#: The key under which a fact whose accounts disagree on a field is counted (the summary's).
DISPUTED = "disputed"
#: The levels of actor, the highest first (the registry's and the summary's order).
LEVELS = (
    "un-member",
    "non-un-state",
    "polity",
    "un-body",
    "international-body",
    "parliament",
    "regional-parliament",
    "state-region",
    "county",
    "city",
    "party",
    "government-body",
    "armed-force",
    "person",
)
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
#: The instants every zone can show as a local date: a day inside each end of the calendar.
SHOWABLE = (dt.datetime(1, 1, 2, tzinfo=dt.UTC), dt.datetime(9999, 12, 30, tzinfo=dt.UTC))


def pretty(data: Any) -> str:
    """`data` as JSON text indented by two spaces, byte for byte as `json.dumps(data,
    ensure_ascii=False, indent=2)` writes it."""
    out: list[str] = []
    emit(data, "\n", out)
    return "".join(out)


def emit(value: Any, newline: str, out: list[str]) -> None:
    """Append `value` as `pretty` writes it to `out`, as if nested where a line break and
    its indent read `newline` (`"\\n    "`: an item of a list in a top-level object)."""
    if isinstance(value, str):
        out.append(encode_basestring(value))
    elif value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, dict):
        if not value:
            out.append("{}")
        elif not all(isinstance(k, str) for k in value):
            out.append(json.dumps(value, ensure_ascii=False, indent=2).replace("\n", newline))
        else:
            inner = newline + _STEP
            separator = "{" + inner
            for key, item in value.items():
                out.append(separator)
                out.append(encode_basestring(key))
                out.append(": ")
                emit(item, inner, out)
                separator = "," + inner
            out.append(newline + "}")
    elif isinstance(value, (list, tuple)):
        if not value:
            out.append("[]")
        else:
            inner = newline + _STEP
            separator = "[" + inner
            for item in value:
                out.append(separator)
                emit(item, inner, out)
                separator = "," + inner
            out.append(newline + "]")
    else:
        out.append(json.dumps(value))  # numbers, and anything json itself refuses


def seen_json(
    base: dict[str, Any],
    certainty: str,
    accounts: list[str | None],
    otherwise: tuple[str | None, str | None] | None,
) -> dict[str, Any]:
    """A fact's JSON object from its `base` (every field that does not depend on the
    instant, in order, `certainty` and each account's `certainty` as placeholders, and
    `OTHERWISE` where the fallback goes): `certainty` at the instant, each account's
    (`accounts`, in order), and, when possible, what holds if it has not happened yet
    (`otherwise`: its value and event)."""
    out: dict[str, Any] = {}
    for key, value in base.items():
        if key == "certainty":
            out[key] = certainty
        elif key == "accounts":
            out[key] = [{**a, "certainty": c} for a, c in zip(value, accounts, strict=True)]
        elif key == OTHERWISE:
            if certainty == "possible":
                out["otherwise"], out["otherwise_event"] = otherwise or (None, None)
        else:
            out.setdefault(key, value)
    return out


#: The fields `core.shape.fact_base` adds from the registry, where the fact's own fields
#: do not have them: the country and `part_of` chain of what the fact is chiefly about.
PLACEMENT = ("country", "part_of")


def unplaced(base: dict[str, Any], own: Container[str]) -> dict[str, Any]:
    """A fact's JSON base (`core.shape.fact_base`) made with the registry, as made without
    it: the `PLACEMENT` fields dropped unless they are among the fact's `own` fields."""
    return {k: v for k, v in base.items() if k not in PLACEMENT or k in own}


class Row(NamedTuple):
    """One fact as the summary counts it: what it names, its value, since when (`start`:
    the first instant it may have begun, as microseconds since 1970), how certain at the
    instant, and the fields the summary groups by (each `disputed` when accounts differ)."""

    aspect: str
    subject: str
    name: str
    value: str
    since: str
    certainty: str
    event: str
    pending: bool
    start: int
    ended: bool
    agreed: str | None
    holder: str
    holder_name: str
    stance: str
    level: str
    stated: str


def micros_of(instant: dt.datetime) -> int:
    """An aware instant as whole microseconds since 1970-01-01T00:00Z."""
    delta = dt.datetime.__sub__(instant, _EPOCH)
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def iso(instant: dt.datetime) -> str:
    """An instant as ISO 8601 in UTC (`2020-11-07T20:00:00Z`), microseconds only when present."""
    u = dt.datetime.astimezone(instant, dt.UTC)  # the C method: pendulum's in_tz costs 20x more
    text = f"{u.year:04d}-{u.month:02d}-{u.day:02d}T{u.hour:02d}:{u.minute:02d}:{u.second:02d}"
    return text + (f".{u.microsecond:06d}" if u.microsecond else "") + "Z"


def iso_micros(value: int) -> str:
    """The instant `value` microseconds after 1970 as `core.dates.iso` writes it."""
    u = _EPOCH + dt.timedelta(microseconds=value)
    text = f"{u.year:04d}-{u.month:02d}-{u.day:02d}T{u.hour:02d}:{u.minute:02d}:{u.second:02d}"
    return text + (f".{u.microsecond:06d}" if u.microsecond else "") + "Z"


def year_before(instant: dt.datetime) -> dt.datetime:
    """The same wall time one year earlier in the instant's own zone (29 February to the
    28th): what `pendulum`'s `instant - duration(years=1)` gives for a UTC instant."""
    year = instant.year - 1
    try:
        return instant.replace(year=year)
    except ValueError:
        return instant.replace(year=year, day=28)


def local_day(instant: dt.datetime, tz: str) -> dt.date:
    """The date an aware `instant` falls on in time zone `tz` (as `zoneinfo`, and so
    pendulum, reads the zone); an instant within a day of either end of the calendar is
    taken at the last day every zone can show (`SHOWABLE`), never an overflow."""
    import zoneinfo

    low, high = SHOWABLE
    held = low if instant < low else high if instant > high else instant
    plain = _EPOCH + dt.timedelta(microseconds=micros_of(held))  # not a subclass's arithmetic (pendulum's)
    return plain.astimezone(zoneinfo.ZoneInfo(tz)).date()


def end_of_day(day: dt.date, tz: str) -> int | None:
    """The last instant (microseconds since 1970) of `day` in time zone `tz`, when the
    midnight that ends it is one unambiguous local time there; else None (a midnight that a
    clock change skips or repeats, an unknown zone, the end of the calendar): the caller
    then works it out the full way."""
    import zoneinfo

    try:
        after = day + dt.timedelta(days=1)
        zone = zoneinfo.ZoneInfo(tz)
        first = dt.datetime(after.year, after.month, after.day, tzinfo=zone)
        second = first.replace(fold=1)
        if first.utcoffset() != second.utcoffset():
            return None  # repeated midnight
        utc = first.astimezone(dt.UTC)
        if utc.astimezone(zone).replace(tzinfo=None) != first.replace(tzinfo=None):
            return None  # skipped midnight
        return micros_of(utc) - 1
    except (OverflowError, ValueError, zoneinfo.ZoneInfoNotFoundError, OSError):
        return None


class _Ordered(Protocol):
    def __lt__(self, other: Any, /) -> bool: ...


_T = TypeVar("_T", bound=_Ordered)


def run_ends(
    runs: Sequence[tuple[Hashable, _T, _T | None, Sequence[tuple[_T, _T | None, _T]]]],
) -> list[tuple[_T | None, int | None, _T | None]]:
    """How the value runs `runs` (each its key, `valid_from`, `valid_to` and versions as
    (`valid_from`, `valid_to`, the end of the version's fact's interval); in key then time
    order, every run of each key) are bounded: per run, the first instant a version of it
    is certain (None: never), the position of the run after it (same key, beginning as it
    ends; None), and the instant by which it had certainly ended (None while it holds).
    Instants are any ordered values: pendulum's on the full path, microseconds on the light."""
    certain: list[_T | None] = []
    for _, _, _, versions in runs:
        found = [s for start, until, end in versions for s in (max(start, end),) if until is None or s < until]
        certain.append(min(found, default=None))
    out: list[tuple[_T | None, int | None, _T | None]] = []
    for i, (key, _, valid_to, _) in enumerate(runs):
        after = i + 1 if i + 1 < len(runs) and runs[i + 1][0] == key and runs[i + 1][1] == valid_to else None
        ended_by = None if valid_to is None else certain[after] if after is not None else valid_to
        out.append((certain[i], after, ended_by))
    return out


_V = TypeVar("_V")


def runs_in(versions: Iterable[_V], run: Callable[[_V], int]) -> list[list[_V]]:
    """`versions` grouped into value runs (those with one `run` number), in order of each
    run's first version (the caller sorts the runs)."""
    grouped: dict[int, list[_V]] = {}
    for version in versions:
        grouped.setdefault(run(version), []).append(version)
    return list(grouped.values())


def until_of(
    valid_to: _T | None,
    after_since: str | None,
    effective: str | None,
    removed: Callable[[], str | None],
    iso: Callable[[_T], str],
) -> str | None:
    """The date text a run's end comes from: None while it holds; else the `since` of the
    run after it, the date a pending fact takes `effective`, the end of the date of the
    event that removed it (`removed`, asked only then), or its end instant (`iso`)."""
    if valid_to is None:
        return None
    if after_since is not None:
        return after_since
    if effective is not None:
        return effective
    ended = removed()
    return ended if ended is not None else iso(valid_to)


def cited_json(ident: str, at: str, title: str | None, url: str | None) -> dict[str, Any]:
    """A source reference with the registry's title and address (None: not in it)."""
    return {"id": ident, "at": at, "title": title, "url": url}


def run_json(
    fact: dict[str, Any],
    sources: list[dict[str, Any]],
    valid_from: str,
    valid_to: str | None,
    until: str | None,
    certain_from: str | None,
    ended_by: str | None,
) -> dict[str, Any]:
    """A value run as `history --format json` prints it, from its fact's JSON object (as no
    instant sees it; changed in place): no certainty, the `sources` cited (`cited_json`),
    then when it held and how certain its bounds are."""
    for name in ("certainty", "otherwise", "otherwise_event"):
        fact.pop(name, None)
    fact["sources"] = sources
    fact.update(
        {
            "valid_from": valid_from,
            "valid_to": valid_to,
            "until": until,
            "certain_from": certain_from,
            "ended_by": ended_by,
        }
    )
    return fact
