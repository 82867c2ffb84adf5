"""Loading a log directory: records are read, checked and built into a `Log`.

Every problem in every file is collected in one pass and raised together as
`LogInvalid`; a log either loads whole or not at all.
"""

from __future__ import annotations

import contextlib
import difflib
import functools
import gc
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence, Set
from pathlib import Path
from typing import Any

import attrs
import pendulum

from statustrack.core.checks import check_events
from statustrack.core.dates import Interval, parse_edtf
from statustrack.core.events import ENDABLE, FORMAT_VERSION, KINDS, SPAN_KINDS, Event, SourceRef, ref_fields
from statustrack.core.model import ENV_VAR, Log, Origins, default_log_path
from statustrack.core.registry import LEVELS, OFFICE_TYPES, Actor, OfficeEntry, Place, Registry, Source
from statustrack.core.replay import Replay
from statustrack.core.standing import STANCE_STANDING, is_act
from statustrack.errors import UNSAFE, DateError, LogInvalid, Problem
from statustrack.log.parse import Raw, entries, file_text, log_files

__all__ = ["ENV_VAR", "Log", "build_events", "collector_paused", "default_log_path", "give_back", "load_log"]

ID = re.compile(r"[a-z0-9][a-z0-9._-]*")
_MAX_TEXT = 4000
_CONTROL = UNSAFE  # controls (tab and newline too), bidi, invisible characters, lone surrogates
_COMMON = {"id", "kind", "date", "effective", "sources", "recorded", "note", "replaces", "account_of"}


#: Ids are checked only for these here: `ID` then allows nothing but [a-z0-9._-] and says so.
_ID_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
#: A note is prose no output prints: it may break lines (and hold tabs), nothing else of UNSAFE.
_NOTE_CONTROL = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ud800-\udfff]"
)
_UNSAFE_IN = {"id": _ID_CONTROL, "note": _NOTE_CONTROL}  # per field; any other field: _CONTROL
_REF_KEYS = frozenset({"id", "at"})
_LISTS = frozenset({"actors", "events", "aspects"})
_NAMES = frozenset({"place", "actor", "party"})


def _unsafe(value: str, field: str = "") -> str | None:
    """What makes `value` (of `field`) unfit to print, if anything: "a control character" or another kind."""
    match = _UNSAFE_IN.get(field, _CONTROL).search(value)
    if match is None:
        return None
    code = ord(match[0])
    if code < 0x20 or 0x7F <= code <= 0x9F:
        return "a control character"
    if 0xD800 <= code <= 0xDFFF:
        return f"a lone surrogate (U+{code:04X}), which is not a character"
    return f"an invisible or text-direction character (U+{code:04X})"


def _remove(unsafe: str) -> str:
    """The hint for a text holding `unsafe` (as `_unsafe` names it)."""
    what = unsafe.split(" (")[0].split(", ")[0]
    return "remove " + ("the " + what.split(" ", 1)[1] if what.startswith(("a ", "an ")) else what)


class _Checker:
    """Collects problems while converting raw records; one per file, line and event.

    It also keeps, once each, the texts and source references that passed their checks
    (which depend on nothing else): a repeated one is neither checked nor stored again;
    and each list of references once, so the events that cite alike share it.
    """

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.texts: dict[str, str] = {}  # texts fit for any field but an id or a note
        self.refs: dict[tuple[str, str], SourceRef] = {}  # (id, at) fit to print
        self.dates: dict[tuple[str, str, int], Interval] = {}  # (text, zone, format) parsed once per load
        self.sourced: dict[tuple[SourceRef, ...], tuple[SourceRef, ...]] = {}  # events citing alike share one tuple

    def forget(self) -> None:
        """Let go of the texts, references and dates kept so far (the problems stay)."""
        self.texts, self.refs, self.dates, self.sourced = {}, {}, {}, {}

    def add(
        self,
        raw: Raw,
        field: str | None,
        message: str,
        hint: str,
        *,
        fix: str | None = None,
        nearest: Sequence[str] = (),
    ) -> None:
        ident = raw.fields.get("id") if raw.table == "event" else None
        line = raw.line_of(field) if field else raw.line
        self.problems.append(
            Problem(
                raw.file,
                line,
                ident if isinstance(ident, str) else None,
                message,
                hint,
                fix=fix,
                nearest=tuple(nearest),
            )
        )


def _nearest(value: str, known: Iterable[str]) -> list[str]:
    """The known values nearest `value` (did you mean), best first, at most three."""
    return difflib.get_close_matches(value, list(known), n=3, cutoff=0.6)


def _unknown_choice(ck: _Checker, raw: Raw, field: str, value: str, allowed: Iterable[str]) -> None:
    """The problem of a `field` whose `value` is none of `allowed`: the nearest, then the list."""
    allowed = list(allowed)
    near = _nearest(value, allowed)
    ck.add(
        raw,
        field,
        f"unknown {field} {value!r}",
        _did_you_mean(near, field) + f"use one of: {', '.join(allowed)}",
        fix=field,
        nearest=near,
    )


def _did_you_mean(nearest: Sequence[str], field: str | None) -> str:
    """`did you mean 'x'? write field = "x"; otherwise ` for the nearest values (without
    `field`, a list's item: no line to write), or nothing."""
    if not nearest:
        return ""
    write = f' write {field} = "{nearest[0]}";' if field else ""
    return f"did you mean {' or '.join(repr(n) for n in nearest)}?{write} otherwise "


def _text(ck: _Checker, raw: Raw, field: str, *, optional: bool = False) -> str | None:
    value = raw.fields.get(field)
    if type(value) is str:
        if field not in _UNSAFE_IN and (known := ck.texts.get(value)) is not None:
            return known
        if 0 < len(value) <= _MAX_TEXT and not value.isspace() and _unsafe(value, field) is None:
            if field not in _UNSAFE_IN:
                ck.texts[value] = value
            return value
    if value is None:
        if not optional:
            ck.add(raw, None, f"missing field {field!r}", f'add {field} = "..."', fix=field)
        return None
    if not isinstance(value, str):
        ck.add(
            raw,
            field,
            f"field {field!r} must be a string, got {type(value).__name__}",
            f'write {field} = "..." in double quotes',
        )
        return None
    if not value.strip():
        ck.add(raw, field, f"field {field!r} is empty", f"give {field} a value or leave it out")
        return None
    if len(value) > _MAX_TEXT:
        ck.add(
            raw,
            field,
            f"field {field!r} is {len(value)} characters long (at most {_MAX_TEXT})",
            "shorten it; long explanations belong in the docs",
        )
        return None
    if (unsafe := _unsafe(value, field)) is not None:
        ck.add(raw, field, f"field {field!r} contains {unsafe}", _remove(unsafe))
        return None
    return value


def _ident(ck: _Checker, raw: Raw) -> str | None:
    ident = _text(ck, raw, "id")
    if ident is not None and not ID.fullmatch(ident):
        ck.add(
            raw,
            "id",
            f"id {ident!r} is not a valid id",
            "use lower-case letters, digits, '.', '_' and '-', starting with a letter or digit",
        )
        return None
    return ident


def _date(
    ck: _Checker,
    raw: Raw,
    field: str,
    tz: str,
    *,
    optional: bool = False,
    version: int = FORMAT_VERSION,
    span: bool = False,
    act: str | None = None,
) -> Interval | None:
    """Read a date field; a span `A/B` only where `span` allows it (format 2). `act` names the
    kind when the event is an act, which is refused an end with that reason."""
    text = _text(ck, raw, field, optional=optional)
    if text is None:
        return None
    interval = ck.dates.get((text, tz, version))
    if interval is None:
        try:
            interval = parse_edtf(text, tz, version)
        except DateError as e:
            ck.add(raw, field, f"field {field!r}: {e}", "write the date in one of the accepted forms")
            return None
        ck.dates[text, tz, version] = interval
    if interval.is_span and not span:
        left, _, right = text.partition("/")
        ranged = f"[{'' if left in ('', '..') else left}..{'' if right in ('', '..') else right}]"
        if act is not None:
            ck.add(
                raw,
                field,
                f"field {field!r}: {text!r} gives an end, but a {act} is an act: it happened on "
                "its date and never stays in force, so it has no end (docs/claims.md)",
                f"write the one day it happened, or {ranged!r} for one day in that range",
            )
            return None
        ck.add(
            raw,
            field,
            f"field {field!r}: {text!r} is a span (A/B: holds from A until B), which this field cannot take",
            f"for one day somewhere in that range write {ranged!r} (EDTF set notation)",
        )
        return None
    return interval


def _unknown(ck: _Checker, raw: Raw, allowed: Set[str]) -> None:
    if raw.fields.keys() <= allowed:
        return
    table = "[log]" if raw.table == "log" else f"[[{raw.table}]]"
    for field in raw.fields:
        if field not in allowed:
            ck.add(
                raw,
                field,
                f"unknown field {field!r} in {table}",
                f"remove it or use one of: {', '.join(sorted(allowed))}",
            )


def _aliases(ck: _Checker, raw: Raw) -> tuple[str, ...]:
    value = raw.fields.get("aliases", [])
    if not isinstance(value, list) or not all(isinstance(a, str) and a.strip() for a in value):
        ck.add(raw, "aliases", "field 'aliases' must be a list of non-empty strings", 'write aliases = ["...", "..."]')
        return ()
    if (unsafe := next(filter(None, map(_unsafe, value)), None)) is not None:
        ck.add(raw, "aliases", f"field 'aliases' contains {unsafe}", _remove(unsafe))
        return ()
    return tuple(value)


def _settings(ck: _Checker, records: list[Raw], root: str) -> Settings | None:
    tables = [r for r in records if r.table == "log"]
    if tables and not all(r.valid for r in tables):
        return None
    if not tables:
        ck.problems.append(
            Problem(
                root,
                None,
                None,
                "no [log] table found",
                'add log.toml with [log] format = 1 and timezone = "Area/City"',
            )
        )
        return None
    for extra in tables[1:]:
        ck.add(extra, None, f"a second [log] table (the first is in {tables[0].file})", "keep one [log] table per log")
    raw = tables[0]
    _unknown(ck, raw, {"format", "name", "timezone", "horizon", "polity", "claimant"})
    version = raw.fields.get("format")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        ck.add(raw, "format", "field 'format' must be a positive whole number", f"write format = {FORMAT_VERSION}")
        return None
    if version > FORMAT_VERSION:
        ck.add(
            raw,
            "format",
            f"log format {version} is newer than this statustrack reads ({FORMAT_VERSION})",
            "upgrade statustrack",
        )
        return None
    tz = _text(ck, raw, "timezone")
    if tz is None:
        return None
    try:
        pendulum.timezone(tz)
    except Exception:  # pendulum raises several types for an unknown zone
        ck.add(
            raw,
            "timezone",
            f"unknown time zone {tz!r}",
            'use an IANA name such as "Europe/Vienna" or "America/Santiago"',
        )
        return None
    name = _text(ck, raw, "name", optional=True) or Path(root).name
    horizon = _date(ck, raw, "horizon", tz, optional=True, span=True)
    if horizon is not None and not horizon.is_span:
        ck.add(raw, "horizon", "field 'horizon' must be a span", 'write horizon = "1923/2024" (from/until)')
        return None
    polity = _text(ck, raw, "polity", optional=True)
    claimant = _text(ck, raw, "claimant", optional=True)
    return Settings(name, tz, version, horizon, polity, claimant)


@attrs.frozen
class Settings:
    """The [log] table: name, time zone, format version, horizon, polity and claimant."""

    name: str
    timezone: str
    format: int
    horizon: Interval | None = None
    polity: str | None = None
    claimant: str | None = None


def _number(ck: _Checker, raw: Raw, field: str, low: float, high: float) -> float | None:
    value = raw.fields.get(field)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
        ck.add(
            raw,
            field,
            f"field {field!r} must be a number from {low} to {high} (decimal degrees)",
            f"write {field} = 39.7583",
        )
        return None
    return float(value)


def _located(ck: _Checker, raw: Raw, lat: float | None, lon: float | None) -> Any:
    value = raw.fields.get("located")
    if (lat is None) != (lon is None):
        ck.add(
            raw,
            "lat" if lat is None else "lon",
            "a place's coordinates need both lat and lon",
            "write lat = ... and lon = ... together",
        )
    if value is None:
        if lat is not None:
            ck.add(raw, "lat", "coordinates need a source", 'add located = { id = "<source id>", at = "<where>" }')
        return None
    if (
        not isinstance(value, dict)
        or not isinstance(value.get("id"), str)
        or set(value) - {"id", "at"}
        or not isinstance(value.get("at", ""), str)
    ):
        ck.add(
            raw,
            "located",
            'field \'located\' must be { id = "<source id>", at = "<where>" }',
            'write located = { id = "<source id>", at = "<where>" }',
        )
        return None
    return SourceRef(value["id"], value.get("at", ""))


def _registry(ck: _Checker, records: list[Raw], tz: str) -> Registry:
    sources: dict[str, Source] = {}
    places: dict[str, Place] = {}
    actors: dict[str, Actor] = {}
    seen: dict[str, Raw] = {}
    parents: list[tuple[Raw, str, dict[str, Any]]] = []
    located_refs: list[tuple[Raw, SourceRef]] = []
    for raw in records:
        if raw.table not in ("source", "place", "actor"):
            continue
        ident = _ident(ck, raw)
        if ident is None:
            continue
        if ident in seen:
            first = seen[ident]
            ck.add(
                raw,
                "id",
                f"id {ident!r} is already defined ({first.table} at {first.file}:{first.line})",
                "define each id once in the whole log",
            )
            continue
        seen[ident] = raw
        note = _text(ck, raw, "note", optional=True)
        if raw.table == "source":
            _unknown(ck, raw, {"id", "title", "url", "language", "captured", "note"})
            title, url = _text(ck, raw, "title"), _text(ck, raw, "url")
            language = _text(ck, raw, "language", optional=True) or ""
            captured = _text(ck, raw, "captured", optional=True)
            if captured is not None and _date(ck, raw, "captured", tz) is None:
                continue
            if title and url:
                sources[ident] = Source(ident, title, url, language, captured, note)
        elif raw.table == "place":
            _unknown(ck, raw, {"id", "name", "kind", "aliases", "part_of", "note", "lat", "lon", "located", "existed"})
            name, kind = _text(ck, raw, "name"), _text(ck, raw, "kind")
            part_of = _text(ck, raw, "part_of", optional=True)
            lat, lon = _number(ck, raw, "lat", -90, 90), _number(ck, raw, "lon", -180, 180)
            located = _located(ck, raw, lat, lon)
            existed = _date(ck, raw, "existed", tz, optional=True, span=True)
            if name and kind:
                places[ident] = Place(ident, name, kind, _aliases(ck, raw), part_of, note, lat, lon, located, existed)
                if located is not None:
                    located_refs.append((raw, located))
                if part_of:
                    parents.append((raw, part_of, places))
        else:
            _unknown(ck, raw, {"id", "name", "level", "aliases", "part_of", "note", "existed"})
            name, level = _text(ck, raw, "name"), _text(ck, raw, "level")
            part_of = _text(ck, raw, "part_of", optional=True)
            existed = _date(ck, raw, "existed", tz, optional=True, span=True)
            if level is not None and level not in LEVELS:
                _unknown_choice(ck, raw, "level", level, LEVELS)
                level = None
            if name and level:
                actors[ident] = Actor(ident, name, level, _aliases(ck, raw), part_of, note, existed)
                if part_of:
                    parents.append((raw, part_of, actors))
    for raw, ref in located_refs:
        if ref.id not in sources:
            ck.add(
                raw,
                "located",
                f"unknown source {ref.id!r}",
                f"add a [[source]] with id {ref.id!r} to the registry or fix the id",
            )
    for raw, parent, table in parents:
        what = "place" if table is places else "actor"
        # A place may be part of a place or of an actor (a city of its country); an actor of an actor.
        known = {**actors, **places} if table is places else actors
        if parent == raw.fields["id"]:
            ck.add(raw, "part_of", f"part_of names the {what} itself", f"name another {what}'s id")
        elif parent not in known:
            what_parent = "place or actor" if table is places else "actor"
            ck.add(
                raw,
                "part_of",
                f"part_of names unknown {what_parent} {parent!r}",
                f"define a [[{what}]] with id {parent!r} or fix the id",
            )
        else:
            chain: set[str] = {raw.fields["id"]}
            up: str | None = parent
            while up is not None and up not in chain:
                chain.add(up)
                entry = places.get(up) or actors.get(up)
                up = entry.part_of if entry is not None else None
            if up == raw.fields["id"]:
                ck.add(
                    raw,
                    "part_of",
                    f"part_of forms a cycle through {parent!r}",
                    "a place or actor cannot be part of itself, directly or not",
                )
    return Registry(sources, places, actors, offices=_offices(ck, records, sources, places, actors))


def _offices(
    ck: _Checker,
    records: list[Raw],
    sources: Mapping[str, Source],
    places: Mapping[str, Place],
    actors: Mapping[str, Actor],
) -> dict[str, OfficeEntry]:
    """The registry's `[[office]]` entries (the type of the office a polity keeps at a place), by place."""
    found: dict[str, OfficeEntry] = {}
    where: dict[str, Raw] = {}
    for raw in records:
        if raw.table != "office":
            continue
        _unknown(ck, raw, {"place", "polity", "type", "sources", "note"})
        place, polity, kind = _text(ck, raw, "place"), _text(ck, raw, "polity"), _text(ck, raw, "type")
        note = _text(ck, raw, "note", optional=True)
        if place is not None and place not in places:
            ck.add(raw, "place", f"unknown place {place!r}", f"define a [[place]] with id {place!r} or fix the id")
            place = None
        if polity is not None and polity not in actors:
            ck.add(raw, "polity", f"unknown actor {polity!r}", f"define an [[actor]] with id {polity!r} or fix the id")
            polity = None
        if kind is not None and kind not in OFFICE_TYPES:
            ck.add(raw, "type", f"unknown office type {kind!r}", f"use one of: {', '.join(OFFICE_TYPES)}")
            kind = None
        refs = raw.fields.get("sources")
        good = (
            isinstance(refs, list)
            and bool(refs)
            and all(
                isinstance(r, dict)
                and isinstance(r.get("id"), str)
                and isinstance(r.get("at", ""), str)
                and set(r) <= {"id", "at"}
                for r in refs
            )
        )
        if not good:
            ck.add(
                raw,
                "sources",
                "an [[office]] needs sources: a list of { id, at } tables",
                'write sources = [{ id = "<source id>", at = "<where in it>" }]',
            )
            continue
        assert isinstance(refs, list)
        missing = [r["id"] for r in refs if r["id"] not in sources]
        if missing:
            ck.add(
                raw,
                "sources",
                f"unknown source {missing[0]!r}",
                f"add a [[source]] with id {missing[0]!r} to the registry or fix the id",
            )
            continue
        if place is None or polity is None or kind is None:
            continue
        if place in where:
            first = where[place]
            ck.add(
                raw,
                "place",
                f"the office at {place!r} is already typed ({first.file}:{first.line})",
                "type each office once",
            )
            continue
        where[place] = raw
        found[place] = OfficeEntry(place, polity, kind, tuple(SourceRef(r["id"], r.get("at", "")) for r in refs), note)
    return found


def _ref(ck: _Checker, raw: Raw, field: str, value: str, holds: str, reg: Registry) -> bool:
    found = (
        value in reg.actors if holds == "actor" else value in reg.places or (holds == "party" and value in reg.actors)
    )
    if found:
        return True
    tables = {"place": (reg.places,), "actor": (reg.actors,), "party": (reg.places, reg.actors)}[holds]
    known = reg.resolve(value) & set().union(*tables)
    what = "place or actor" if holds == "party" else holds
    if known:
        ck.add(raw, field, f"{field!r} names {value!r}, an alias, not an id", f"use the id {sorted(known)[0]!r}")
    else:
        near = _nearest(value, [i for table in tables for i in table])
        single = not isinstance(raw.fields.get(field), list)
        ck.add(
            raw,
            field,
            f"unknown {what} {value!r} in field {field!r}",
            _did_you_mean(near, field if single else None)
            + f"define a [[{'place' if holds == 'place' else 'actor'}]] with id {value!r} or fix the id",
            fix=field,
            nearest=near,
        )
    return False


def _sources(ck: _Checker, raw: Raw, reg: Registry) -> tuple[SourceRef, ...] | None:
    value = raw.fields.get("sources")
    if value is None or value == []:
        ck.add(
            raw,
            None,
            "no sources: every event needs at least one",
            'add sources = [{ id = "<source id>", at = "<where in it>" }]',
            fix="sources",
        )
        return None
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        ck.add(
            raw,
            "sources",
            "field 'sources' must be a list of tables",
            'write sources = [{ id = "<source id>", at = "<where in it>" }]',
        )
        return None
    refs = []
    for entry in value:
        ident, at = entry.get("id"), entry.get("at", "")
        if (
            type(ident) is str
            and type(at) is str
            and entry.keys() <= _REF_KEYS
            and (ref := ck.refs.get((ident, at))) is not None
            and ident in reg.sources
        ):
            refs.append(ref)
            continue
        extra = set(entry) - {"id", "at"}
        if extra:
            ck.add(
                raw,
                "sources",
                f"unknown key {sorted(extra)[0]!r} in a source reference",
                "a source reference has only id and at",
            )
            return None
        if not isinstance(ident, str) or not isinstance(at, str):
            ck.add(
                raw,
                "sources",
                "a source reference needs a string id (and an optional string at)",
                'write { id = "<source id>", at = "<where in it>" }',
            )
            return None
        if (unsafe := _unsafe(ident) or _unsafe(at)) is not None:
            ck.add(raw, "sources", f"field 'sources' contains {unsafe}", _remove(unsafe))
            return None
        if ident not in reg.sources:
            near = _nearest(ident, reg.sources)
            ck.add(
                raw,
                "sources",
                f"unknown source {ident!r}",
                (f"did you mean {' or '.join(repr(n) for n in near)}? otherwise " if near else "")
                + f"add a [[source]] with id {ident!r} to the registry or fix the id",
                fix="sources",
                nearest=near,
            )
            return None
        refs.append(ck.refs.setdefault((ident, at), SourceRef(ident, at)))
    found = tuple(refs)
    return ck.sourced.setdefault(found, found)


def _list(ck: _Checker, raw: Raw, name: str, holds: str, optional: bool) -> list[str] | None:
    value = raw.fields.get(name)
    if value is None and optional:
        return None
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        what = {"actors": "actor ids", "events": "event ids", "aspects": "aspects"}[holds]
        ck.add(
            raw,
            name if name in raw.fields else None,
            f"field {name!r} must be a non-empty list of {what}",
            f'write {name} = ["id", ...]',
        )
        return None
    return value


@functools.cache
def _spec(cls: type[Event]) -> tuple[frozenset[str], tuple[tuple[str, str, Any, bool], ...]]:
    """The fields an event of `cls` may have, and its own ones as (name in the log, alias,
    what it holds, optional)."""
    specific: list[tuple[str, str, Any, bool]] = []
    for name, a in ref_fields(cls):  # type: ignore[arg-type]  # mypy#20409: a class is hashable
        assert a.alias is not None  # attrs gives every field its __init__ argument's name
        specific.append((name, a.alias, a.metadata["holds"], a.metadata["optional"]))
    return frozenset(_COMMON | {name for name, *_ in specific}), tuple(specific)


def _event(ck: _Checker, raw: Raw, reg: Registry, tz: str, version: int = FORMAT_VERSION) -> Event | None:
    before = len(ck.problems)
    ident = _ident(ck, raw)
    kind = raw.fields.get("kind")
    if kind is None:
        ck.add(raw, None, "missing field 'kind'", f"add kind = one of: {', '.join(KINDS)}", fix="kind")
        return None
    if not isinstance(kind, str):
        ck.add(
            raw,
            "kind",
            f"field 'kind' must be a string, got {type(kind).__name__}",
            'write kind = "..." in double quotes',
        )
        return None
    if kind not in KINDS:
        _unknown_choice(ck, raw, "kind", kind, KINDS)
        return None
    cls = KINDS[kind]
    allowed, specific = _spec(cls)  # type: ignore[arg-type]  # mypy#20409: a class is hashable
    _unknown(ck, raw, allowed)
    values: dict[str, Any] = {
        "id": ident,
        "date": _date(ck, raw, "date", tz, version=version, span=kind in SPAN_KINDS, act=_act(kind, raw)),
        "effective": _date(ck, raw, "effective", tz, optional=True, version=version),
        "recorded": _date(ck, raw, "recorded", tz, optional=True, version=version),
        "note": _text(ck, raw, "note", optional=True),
        "replaces": _text(ck, raw, "replaces", optional=True),
        "account_of": _text(ck, raw, "account_of", optional=True),
        "sources": _sources(ck, raw, reg),
    }
    for name, alias, holds, optional in specific:
        if holds in _LISTS:
            value = _list(ck, raw, name, holds, optional)
            if value is None:
                values[alias] = None
                continue
            if holds == "actors":
                known = [_ref(ck, raw, name, v, "actor", reg) for v in value]  # each id checked: all reported
                if not all(known):
                    continue
            if holds == "aspects" and (wrong := [v for v in value if v not in ENDABLE]):
                ck.add(
                    raw,
                    name,
                    f"field {name!r} names {wrong[0]!r}, which cannot end",
                    f"use some of: {', '.join(ENDABLE)}",
                )
                continue
            values[alias] = tuple(value)
            continue
        text = _text(ck, raw, name, optional=optional)
        if text is None:
            values[alias] = None
            continue
        if isinstance(holds, tuple) and text not in holds:
            ck.add(raw, name, f"field {name!r} is {text!r}", f"use one of: {', '.join(holds)}")
            continue
        if holds in _NAMES and not _ref(ck, raw, name, text, holds, reg):
            continue
        values[alias] = text
    if len(ck.problems) > before:
        return None
    return cls(**values)


def _act(kind: str, raw: Raw) -> str | None:
    """How to name the event in a refusal of an end, when it is an act (`core.standing`)."""
    stance = raw.fields.get("stance")
    stance = stance if isinstance(stance, str) and stance in STANCE_STANDING else None
    if not is_act(kind, stance):
        return None
    return f"{kind} of stance {stance!r}" if stance else kind


def build_events(raws: list[Raw], log: Log) -> tuple[list[Event], list[Problem]]:
    """Check and build raw event records against `log`'s registry and time zone, alone
    (cross-event checks need the whole log: see `load_log(..., overlay=...)`)."""
    ck = _Checker()
    settings = Settings(log.name, log.timezone, log.format, log.horizon, log.polity)
    built = [_event(ck, raw, log.registry, log.timezone, log.format) for raw in raws]
    for position, (event, raw) in enumerate(zip(built, raws, strict=True)):
        if event is not None:
            bounded, problem = bound_open_start(event, settings, log.registry)
            if problem:
                ck.add(raw, "date", problem, "check the date, or what the event names")
            built[position] = None if problem else bounded
    return [e for e in built if e is not None], ck.problems


def _named(event: Event) -> list[str]:
    """The ids of the places and actors an event names."""
    ids: list[str] = []
    for _, attribute in ref_fields(type(event)):  # type: ignore[arg-type]  # mypy#20409: a class is hashable
        if attribute.metadata["holds"] in ("place", "actor", "party", "actors"):
            value = getattr(event, attribute.name)
            ids.extend(value if isinstance(value, tuple) else [value] if value else [])
    return ids


def bound_open_start(event: Event, settings: Settings, reg: Registry) -> tuple[Event, str | None]:
    """`event` with an open start (`[..D]`, `../D`) bounded below: nothing is possible before
    the log's horizon, nor before what it names existed (a recognition names the log's polity).

    Returns the event, and a problem when the bound lies after the date's end (the event
    would have happened before what it names existed)."""
    if not event.date.open_start:  # not a first day that happens to be 0001-01-01: written open
        return event, None
    floors = [(settings.horizon.start, "the log's horizon")] if settings.horizon is not None else []
    named = _named(event) + ([settings.polity] if event.kind == "recognition" and settings.polity else [])
    for ident in named:
        entry = reg.entry(ident)
        if entry is not None and entry.existed is not None:
            floors.append((entry.existed.start, f"{ident!r} (existed {entry.existed.edtf})"))
    if not floors:
        return event, None
    floor, why = max(floors, key=lambda f: f[0])
    if floor > event.date.latest:
        return event, f"dated {event.date.edtf}, before {why} began"
    return attrs.evolve(event, date=event.date.bounded_below(floor)), None


def load_log(path: str | os.PathLike[str] | None = None, *, overlay: Mapping[str, str] | None = None) -> Log:
    """Load and validate the log at `path` (default: `default_log_path()`).

    `overlay` maps file paths relative to the log to texts read instead of the files
    (files it names that do not exist are added): how a write is validated before it
    touches the disk. Raises `LogInvalid` listing every problem found.
    """
    with collector_paused():
        log = _load(path, overlay)
    give_back()  # what only the load needed (records, tables, the checks' dicts) is free now
    return log


def give_back() -> None:
    """Return the C allocator's free memory to the system, where it can (glibc's
    `malloc_trim`; elsewhere nothing is done).

    Python keeps small objects in its own arenas, which it frees itself; bigger blocks
    (dict tables, lists, texts) come from the C allocator, which keeps what was freed in
    the middle of its heap. After a big load, that is a sixth of the process's memory
    (34 of 208 MiB at 1e5 events), and nothing the build allocates next reuses it."""
    global _trim
    if _trim is None:
        _trim = _malloc_trim()
    _trim()


def _malloc_trim() -> Callable[[], object]:
    """glibc's `malloc_trim(0)`, or a function doing nothing where there is none."""
    try:
        import ctypes  # only here: a load big enough to need it has the time to import it

        trim = ctypes.CDLL(None).malloc_trim
    except (ImportError, OSError, AttributeError):
        return lambda: None
    trim.argtypes, trim.restype = [ctypes.c_size_t], ctypes.c_int
    return lambda: trim(0)


_trim: Callable[[], object] | None = None


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for the block.

    A load makes millions of objects that live as long as the log and leaves next to no
    cycles behind, so each collection only walks them again: about a third of a load.
    The index build is the same (its rows and versions live until written, then go by
    reference counting): a fifth to a quarter of a build at 1e5 events.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _load(path: str | os.PathLike[str] | None, overlay: Mapping[str, str] | None) -> Log:
    root = Path(path) if path is not None else default_log_path()
    shown = str(path) if path is not None else os.environ.get(ENV_VAR) or "events"
    if not root.is_dir():
        raise LogInvalid(
            [
                Problem(
                    str(root),
                    None,
                    None,
                    "no such log directory",
                    f"point --log or ${ENV_VAR} at a directory holding log.toml",
                )
            ]
        )
    overlay = dict(overlay or {})
    rels = {file.relative_to(root).as_posix(): file for file in log_files(root)}
    prefix = f"{shown.rstrip('/')}/"
    files = [_File(rel, prefix + rel, overlay.get(rel), rels.get(rel)) for rel in sorted(rels.keys() | overlay.keys())]
    # TOML files hold the settings and the registry; JSON Lines only events, which are
    # built as each line is read (after the registry), so their records never pile up.
    curated = [f for f in files if not f.streamed]
    for file in curated:
        file.read()
    ck = _Checker()
    records = [raw for file in curated for raw in file.records]
    settings = _settings(ck, records, shown)
    if settings is None:
        for file in files:
            if file.streamed:
                file.read()
        raise LogInvalid([p for file in files for p in file.problems] + ck.problems)
    tz, version = settings.timezone, settings.format
    reg = attrs.evolve(_registry(ck, records, tz), claimant=settings.claimant)
    if settings.polity is not None and settings.polity not in reg.actors:
        ck.problems.append(
            Problem(
                shown,
                None,
                None,
                f"[log] polity names unknown actor {settings.polity!r}",
                "name the id of the [[actor]] the log is about",
            )
        )
    if settings.claimant is not None and settings.claimant not in reg.actors:
        ck.problems.append(
            Problem(
                shown,
                None,
                None,
                f"[log] claimant names unknown actor {settings.claimant!r}",
                "name the id of the [[actor]] whose territorial integrity is at stake",
            )
        )
    built: list[tuple[Event, Raw | _Line]] = []
    all_ids: set[str] = set()
    origins = Origins()
    for file in files:
        number = origins.file(file.name, file.rel)
        for raw in file.events():
            ident = raw.fields.get("id")
            if isinstance(ident, str):
                all_ids.add(ident)
            event = _event(ck, raw, reg, tz, version)
            if event is None:
                continue
            event, problem = bound_open_start(event, settings, reg)
            if problem:
                ck.add(raw, "date", problem, "check the date, or what the event names")
                continue
            built.append((event, _Line(raw.file, raw.line) if file.streamed else raw))  # where it stands
            origins.add(event.id, number, raw.line)
    ck.forget()  # every event is built: the tables that spared repeated checks can go
    known = frozenset(all_ids)
    all_ids.clear()
    steps: list[Any] = []
    ck.problems.extend(check_events(built, reg, known, steps))
    problems = [p for file in files for p in file.problems] + ck.problems
    if problems:
        raise LogInvalid(problems)
    events = tuple(e for e, _ in built)
    settings_file = next(r.file for r in records if r.table == "log").removeprefix(prefix)
    log = Log(
        settings.name,
        tz,
        version,
        shown,
        reg,
        events,
        origins.where,
        origins.paths,
        horizon=settings.horizon,
        polity=settings.polity,
        settings_file=settings_file,
        directory=root,
    )
    if steps:
        Replay.of(log, timeline=steps)  # validation built the timeline: keep it
    return log


class _Line:
    """Where an event of a JSON Lines file stands (a `core.checks.Position`): its file and
    line, which every field shares. Kept per event until the checks are done: lighter
    than the record, whose fields are let go as soon as the event is built."""

    __slots__ = ("file", "line")

    def __init__(self, file: str, line: int | None) -> None:
        self.file, self.line = file, line

    def line_of(self, field: str) -> int | None:
        """The event's line: a JSON Lines event is written on one line."""
        return self.line


class _File:
    """One file of a log: `rel` is its path in the log, `name` how problems name it; its
    text is `text` if given (an overlay), else read from `path`."""

    def __init__(self, rel: str, name: str, text: str | None, path: Path | None) -> None:
        self.rel, self.name, self.text, self.path = rel, name, text, path
        self.streamed = Path(rel).suffix == ".jsonl"
        self.records: list[Raw] = []
        self.problems: list[Problem] = []

    def read(self) -> None:
        """Read every record now (and keep them)."""
        self.records, self.problems = [], []
        for entry in self._entries():
            if isinstance(entry, Raw):
                self.records.append(entry)
            else:
                self.problems.append(entry)

    def events(self) -> Iterator[Raw]:
        """The file's event records, in order (a streamed file is read now, record by record)."""
        if not self.streamed:
            yield from (r for r in self.records if r.table == "event")
            return
        for entry in self._entries():
            if isinstance(entry, Raw):
                yield entry
            else:
                self.problems.append(entry)

    def _entries(self) -> Iterator[Raw | Problem]:
        text = self.text
        if text is None:
            assert self.path is not None
            text, problem = file_text(self.path, self.name)
            if text is None:
                if problem is not None:
                    yield problem
                return
        yield from entries(text, self.name, Path(self.rel).suffix)
