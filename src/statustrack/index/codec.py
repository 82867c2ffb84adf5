"""The index's encodings: instants as microseconds, facts, intervals and the registry as
compact JSON, and the interval arithmetic the versions table is laid out by (a version
holds through its last microsecond; each sits at the fork node of the interval tree that
holds its span)."""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Sequence
from typing import Any

import attrs
import pendulum

from statustrack.core.dates import Interval, iso_fixed
from statustrack.core.facts import Fact, Lapse, Support
from statustrack.core.registry import Actor, OfficeEntry, Place, Registry, Source, SourceRef

__all__ = [
    "compact",
    "decode",
    "encode",
    "fork",
    "instant_of",
    "interval_data",
    "interval_of",
    "iso_of",
    "last_instant",
    "micros",
    "registry_data",
    "registry_of",
    "text_json",
]

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
#: Instants are microseconds in (-2**62, 2**62); a version that still holds lasts until `_LAST`.
_LAST = 2**62 - 1


def micros(instant: dt.datetime) -> int:
    """An instant as whole microseconds since 1970-01-01T00:00Z (negative before)."""
    delta = dt.datetime.__sub__(instant, _EPOCH)  # not pendulum's: it builds an Interval, ~30x slower
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


@functools.lru_cache(maxsize=65536)
def instant_of(value: int) -> pendulum.DateTime:
    """The UTC instant `value` microseconds after 1970-01-01T00:00Z."""
    d = _EPOCH + dt.timedelta(microseconds=value)
    return pendulum.DateTime(d.year, d.month, d.day, d.hour, d.minute, d.second, d.microsecond, tzinfo=pendulum.UTC)


def interval_data(value: Interval | None) -> list[Any] | None:
    """An interval as the JSON list the index keeps (None stays None)."""
    if value is None:
        return None
    return [
        value.text,
        micros(value.start),
        micros(value.end),
        value.precision,
        value.tz,
        value.edtf,
        value.qualifier,
        interval_data(value.until),
        value.format,
    ]


_INTERVALS: dict[tuple[Any, ...], Interval] = {}


def interval_of(data: list[Any] | None) -> Interval | None:
    """The interval `interval_data` wrote; equal ones are made once per process."""
    if data is None:
        return None
    text, start, end, precision, tz, edtf, qualifier, until, version = data
    slot = (
        text,
        start,
        end,
        precision,
        tz,
        edtf,
        qualifier,
        version,
        until[1] if until else None,
        until[2] if until else None,
    )
    found = _INTERVALS.get(slot)
    if found is None:
        found = _INTERVALS[slot] = Interval(
            text, instant_of(start), instant_of(end), precision, tz, edtf, qualifier, interval_of(until), version
        )
    return found


_SOURCE_REFS: dict[tuple[str, str | None], SourceRef] = {}


def _source_refs(pairs: list[list[Any]]) -> tuple[SourceRef, ...]:
    found = []
    for ident, where in pairs:
        ref = _SOURCE_REFS.get((ident, where))
        if ref is None:
            ref = _SOURCE_REFS[(ident, where)] = SourceRef(ident, where)
        found.append(ref)
    return tuple(found)


def _refs(sources: Sequence[SourceRef]) -> list[list[str]]:
    return [[s.id, s.at] for s in sources]


# One encoder each, made once (json.dumps with options makes a new encoder per call).
compact = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
text_json = json.JSONEncoder(ensure_ascii=False).encode


def encode(fact: Fact) -> str:
    """A fact (without its `previous` link) as compact JSON."""
    return compact(
        [
            fact.aspect,
            fact.subject,
            fact.subject_name,
            fact.value,
            fact.since,
            interval_data(fact.interval),
            fact.event,
            _refs(fact.sources),
            [list(p) for p in fact.detail],
            [list(p) for p in fact.about],
            sorted(fact.refs),
            fact.pending,
            interval_data(fact.effective),
            [
                [
                    s.role,
                    s.event,
                    s.value,
                    s.since,
                    interval_data(s.interval),
                    _refs(s.sources),
                    [list(p) for p in s.detail],
                ]
                for s in fact.supports
            ],
            fact.disputed,
            fact.ended,
            fact.act,
            fact.lapsed,
        ]
    )


def _held(data: list[Any]) -> Interval:
    """The interval a fact or an account held over (never None)."""
    found = interval_of(data)
    assert found is not None
    return found


def decode(text: str, previous: Fact | None = None) -> Fact:
    """The fact `encode` wrote."""
    (
        aspect,
        subject,
        name,
        value,
        since,
        interval,
        event,
        sources,
        detail,
        about,
        refs,
        pending,
        effective,
        supports,
        disputed,
        ended,
        act,
        lapsed,
    ) = json.loads(text)
    return Fact(
        aspect,
        subject,
        name,
        value,
        since,
        _held(interval),
        event,
        _source_refs(sources),
        tuple(map(tuple, detail)),
        tuple(map(tuple, about)),
        frozenset(refs),
        pending,
        interval_of(effective),
        tuple(
            Support(r, e, v, s, _held(iv), _source_refs(src), tuple(map(tuple, d)))
            for r, e, v, s, iv, src, d in supports
        ),
        disputed,
        ended,
        act=act,
        lapsed=Lapse(lapsed) if lapsed is not None else None,
        previous=previous,
    )


def registry_data(reg: Registry) -> dict[str, Any]:
    """A registry as the JSON the index keeps in its meta table."""
    return {
        "sources": [attrs.astuple(s, recurse=False) for s in reg.sources.values()],
        "places": [
            [
                p.id,
                p.name,
                p.kind,
                list(p.aliases),
                p.part_of,
                p.note,
                p.lat,
                p.lon,
                [p.located.id, p.located.at] if p.located else None,
                interval_data(p.existed),
            ]
            for p in reg.places.values()
        ],
        "actors": [
            [a.id, a.name, a.level, list(a.aliases), a.part_of, a.note, interval_data(a.existed)]
            for a in reg.actors.values()
        ],
        "claimant": reg.claimant,
        "offices": [
            [o.place, o.polity, o.type, [[r.id, r.at] for r in o.sources], o.note] for o in reg.offices.values()
        ],
    }


def registry_of(data: dict[str, Any]) -> Registry:
    """The registry `registry_data` wrote."""
    sources = {s[0]: Source(*s) for s in data["sources"]}
    places = {
        p[0]: Place(
            p[0], p[1], p[2], tuple(p[3]), p[4], p[5], p[6], p[7], SourceRef(*p[8]) if p[8] else None, interval_of(p[9])
        )
        for p in data["places"]
    }
    actors = {a[0]: Actor(a[0], a[1], a[2], tuple(a[3]), a[4], a[5], interval_of(a[6])) for a in data["actors"]}
    offices = {
        o[0]: OfficeEntry(o[0], o[1], o[2], tuple(SourceRef(*r) for r in o[3]), o[4]) for o in data.get("offices", ())
    }
    return Registry(sources, places, actors, data["claimant"], offices)


def iso_of(value: int | None) -> str | None:
    """Microseconds as a fixed-width ISO instant (None stays None)."""
    if value is None:
        return None
    return iso_fixed(instant_of(value))


def last_instant(end: int | None) -> int:
    """The last microsecond a version ending at `end` (None: still holding) holds."""
    return end - 1 if end is not None else _LAST


def fork(first: int, last: int) -> int:
    """The node of the interval tree that holds the span [first, last] (microseconds): of
    the nodes a descent from the root (0, children at +-2**61, ...) visits, the first
    inside the span, which is the number in it with the most trailing zero bits."""
    low, high = first + 2**62, last + 2**62  # the tree's nodes are 1 .. 2**63 - 1
    if low == high:
        return first
    width = (low ^ high).bit_length()
    if low & ((1 << width) - 1) == 0:
        return first
    return ((high >> (width - 1)) << (width - 1)) - 2**62
