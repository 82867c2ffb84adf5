"""Hypothesis strategies: dates at every precision, events of every kind, whole logs.

Everything is drawn around a few subjects and a few years so that events collide on
keys and instants often, which is where replay bugs live. Events print as valid Python.
"""

from __future__ import annotations

from typing import Any

import attrs
from hypothesis import strategies as st

from statustrack.core import events as ev
from statustrack.core.dates import parse_edtf
from statustrack.core.events import SourceRef
from statustrack.log.load import Log, load_log

from . import MINI

TZ = "Asia/Baku"
BASE = load_log(MINI)
REGISTRY = BASE.registry
PLACES = ("shusha", "aghdam", "stepanakert")
ACTORS = ("nkr", "azerbaijan", "armenia", "new-south-wales")
SOURCES = (SourceRef("s004", "lead"), SourceRef("s002", ""))

years = st.integers(2019, 2021)
months = st.integers(1, 12)
days = st.integers(1, 28)


@st.composite
def plain_dates(draw: st.DrawFn) -> str:
    """A day, a month or a year."""
    y, m, d = draw(years), draw(months), draw(days)
    return draw(st.sampled_from([f"{y}-{m:02d}-{d:02d}", f"{y}-{m:02d}", f"{y}"]))


@st.composite
def instants(draw: st.DrawFn) -> str:
    """An instant with an offset, often near midnight."""
    y, m, d = draw(years), draw(months), draw(days)
    hour = draw(st.sampled_from([0, 1, 19, 20, 21, 23]))
    minute = draw(st.sampled_from([0, 30, 59]))
    offset = draw(st.sampled_from(["+03:00", "+04:00", "Z", "-05:00"]))
    return f"{y}-{m:02d}-{d:02d}T{hour:02d}:{minute:02d}{offset}"


@st.composite
def edtf_texts(draw: st.DrawFn) -> str:
    """A date at any precision the log accepts (format 2): day, month, year, instant, qualified,
    unspecified digits, on or before, between."""
    kind = draw(
        st.sampled_from(["plain", "plain", "plain", "instant", "before", "between", "qualified", "unspecified"])
    )
    if kind == "plain":
        return draw(plain_dates())
    if kind == "instant":
        return draw(instants())
    if kind == "qualified":
        return draw(plain_dates()) + draw(st.sampled_from("?~%"))
    if kind == "unspecified":
        y, m = draw(years), draw(months)
        return draw(st.sampled_from([f"{str(y)[:3]}X", f"{y}-XX", f"{y}-{m:02d}-XX"]))
    if kind == "before":
        return "[.." + draw(plain_dates()) + "]"
    a, b = sorted([draw(plain_dates()), draw(plain_dates())], key=lambda t: parse_edtf(t, TZ).start)
    if parse_edtf(b, TZ).end < parse_edtf(a, TZ).start:
        a, b = b, a
    return f"[{a}..{b}]"


def query_dates() -> st.SearchStrategy[str]:
    """What a user asks about: a plain date (its end) or an instant."""
    return st.one_of(plain_dates(), instants())


def _fields(kind: type[ev.Event]) -> st.SearchStrategy[dict[str, Any]]:
    place, actor = st.sampled_from(PLACES), st.sampled_from(ACTORS)
    text = st.sampled_from(["a", "b", "c"])
    shapes: dict[type[ev.Event], dict[str, Any]] = {
        ev.Declaration: {"polity": actor, "status": text},
        ev.Decree: {"polity": actor, "status": text, "issuer": actor},
        ev.Claim: {"polity": actor, "party": actor, "position": text},
        ev.War: {"theatre": place, "name": text, "parties": st.tuples(actor)},
        ev.Offensive: {"theatre": place, "name": text, "by": actor},
        ev.Blockade: {"place": place, "by": actor, "state": st.sampled_from(["imposed", "lifted"])},
        ev.Deployment: {"force": actor, "place": place, "state": st.sampled_from(["deployed", "withdrawn"])},
        ev.Capture: {"place": place, "by": actor},
        ev.Handover: {"place": place, "from_": actor, "to": actor},
        ev.Recognition: {"actor": actor, "stance": st.sampled_from(ev.STANCES)},
        ev.Resolution: {"body": actor, "ref": text, "summary": text},
        ev.Statement: {"actor": actor, "summary": text, "ref": text},
        ev.Office: {"place": place, "state": st.sampled_from(["open", "closed"]), "polity": actor},
        ev.Officeholder: {"post": text, "person": text, "polity": actor},
        ev.Relation: {
            "a": actor,
            "b": place,
            "type": st.sampled_from(ev.RELATION_TYPES),
            "state": st.sampled_from(["established", "ended"]),
        },
        ev.Founding: {"actor": actor},
        ev.Cessation: {
            "actor": actor,
            "how": st.sampled_from(ev.CESSATION_HOW),
            "successor": st.one_of(st.none(), actor),
        },
    }
    return st.fixed_dictionaries(shapes[kind])


@st.composite
def events(draw: st.DrawFn, ident: str = "e0") -> ev.Event:
    """One event of any kind that sets facts, sometimes with a later `effective`."""
    kind = draw(
        st.sampled_from([k for k in ev.KINDS.values() if k not in (ev.Retraction, ev.Ceasefire, ev.Dissolution)])
    )
    date = parse_edtf(draw(edtf_texts()), TZ)
    effective = None
    if draw(st.booleans()) and draw(st.booleans()):
        later = parse_edtf(draw(edtf_texts()), TZ)
        if later.start > date.start:
            effective = later
    return kind(
        id=ident, date=date, effective=effective, sources=(draw(st.sampled_from(SOURCES)),), **draw(_fields(kind))
    )


@st.composite
def event_lists(draw: st.DrawFn, max_size: int = 12) -> list[ev.Event]:
    """Events with unique ids e0, e1, ... in log order."""
    count = draw(st.integers(0, max_size))
    return [draw(events(f"e{i}")) for i in range(count)]


def log_of(items: list[ev.Event]) -> Log:
    """A log over the mini registry holding `items` in this order (all in one file)."""
    return Log("generated", TZ, 2, "generated", REGISTRY, tuple(items), {e.id: ("generated.toml", None) for e in items})


def logs(max_size: int = 12) -> st.SearchStrategy[Log]:
    """Whole valid logs."""
    return event_lists(max_size).map(log_of)


def stamp(items: list[ev.Event]) -> list[ev.Event]:
    """The same events, each recorded one minute after the one before it (from 2025-01-01)."""
    return [
        attrs.evolve(e, recorded=parse_edtf(f"2025-01-01T{i // 60:02d}:{i % 60:02d}Z", TZ)) for i, e in enumerate(items)
    ]


def record_stamps() -> st.SearchStrategy[str]:
    """A record-time query: some minute of the stamps `stamp` gives."""
    return st.integers(0, 30).map(lambda i: f"2025-01-01T{i // 60:02d}:{i % 60:02d}Z")


def retraction(ident: str, target: str) -> ev.Retraction:
    """A retraction of `target`."""
    return ev.Retraction(
        id=ident, date=parse_edtf("2024-12-31", TZ), sources=(SOURCES[0],), retracts=target, reason="test"
    )


@st.composite
def logs_with_undo(draw: st.DrawFn, max_size: int = 10) -> list[ev.Event]:
    """Events, then retractions and corrections of some of them (never of each other)."""
    items = draw(event_lists(max_size))
    extra: list[ev.Event] = []
    for target in draw(st.lists(st.sampled_from([e.id for e in items]), unique=True)) if items else []:
        if draw(st.booleans()):
            extra.append(retraction(f"r-{target}", target))
        else:
            extra.append(attrs.evolve(draw(events(f"c-{target}")), replaces=target))
    return items + extra


@st.composite
def logs_with_accounts(draw: st.DrawFn, max_size: int = 8) -> list[ev.Event]:
    """Events, then other sources' accounts of some of them (`account_of`), each on a date of
    its own and sometimes naming another holder: disputed dates and disputed values."""
    items = draw(event_lists(max_size))
    extra: list[ev.Event] = []
    for n, target in enumerate(draw(st.lists(st.sampled_from(items), max_size=3)) if items else []):
        other = draw(events(f"a{n}"))
        account = attrs.evolve(
            target,
            id=f"a{n}-{target.id}",
            date=other.date,
            effective=None,
            sources=(draw(st.sampled_from(SOURCES)),),
            account_of=target.id,
        )
        if isinstance(account, ev.Capture) and draw(st.booleans()):
            account = attrs.evolve(account, by=draw(st.sampled_from(ACTORS)))
        extra.append(account)
    return items + extra
