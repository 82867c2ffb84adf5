"""Event classes: one frozen attrs class per kind, with the fields docs/log-format.md lists.

Each kind-specific field carries metadata saying what it holds (`text`, `place`,
`actor`, `party` (place or actor), `event`, `actors`, `events`, `aspects`, or a tuple
of allowed words),
which the loader uses to check and convert raw records at the edge.
"""

from __future__ import annotations

import functools
from typing import Any, ClassVar

import attrs

from statustrack.core.dates import Interval
from statustrack.core.facts import STANCES
from statustrack.core.registry import SourceRef

__all__ = [
    "CESSATION_HOW",
    "ENDABLE",
    "FORMAT_VERSION",
    "KINDS",
    "RELATION_TYPES",
    "SPAN_KINDS",
    "STANCES",
    "Blockade",
    "Capture",
    "Ceasefire",
    "Cessation",
    "Claim",
    "Declaration",
    "Decree",
    "Deployment",
    "Dissolution",
    "Event",
    "Founding",
    "Handover",
    "Offensive",
    "Office",
    "Officeholder",
    "Recognition",
    "Relation",
    "Resolution",
    "Retraction",
    "SourceRef",
    "Statement",
    "War",
    "ref_fields",
]

FORMAT_VERSION = 2

RELATION_TYPES = (
    "twinning",
    "friendship",
    "cooperation",
    "friendship-group",
    "visa-free",
    "membership",
    "declaration",
)


def _is(what: Any, *, optional: bool = False) -> Any:
    """A kind-specific field holding `what` (see the module docstring)."""
    if optional:
        return attrs.field(default=None, metadata={"holds": what, "optional": True})
    return attrs.field(metadata={"holds": what, "optional": False})


@attrs.frozen(kw_only=True)
class Event:
    """The fields every event has. `date` and `effective` are parsed EDTF intervals."""

    KIND: ClassVar[str] = ""

    id: str
    date: Interval
    sources: tuple[SourceRef, ...]
    effective: Interval | None = None
    recorded: Interval | None = None
    note: str | None = None
    replaces: str | None = None
    account_of: str | None = None

    @property
    def kind(self) -> str:
        """The kind's name as written in the log."""
        return self.KIND

    @property
    def takes_effect(self) -> Interval:
        """When the event changes the state: `effective` if given, else `date`."""
        return self.effective if self.effective is not None else self.date

    @property
    def announced_early(self) -> bool:
        """True when the event is on record before it takes effect (a later `effective`)."""
        return self.effective is not None and self.effective.start > self.date.start


@attrs.frozen(kw_only=True)
class Declaration(Event):
    """A polity declares what it is (a proclamation, a referendum's result)."""

    KIND = "declaration"
    polity: str = _is("actor")
    status: str = _is("text")
    by: str | None = _is("actor", optional=True)


@attrs.frozen(kw_only=True)
class Decree(Event):
    """A decree that sets a polity's status, possibly effective later, possibly annulling another."""

    KIND = "decree"
    polity: str = _is("actor")
    status: str = _is("text")
    issuer: str = _is("actor")
    annuls: str | None = _is("event", optional=True)


@attrs.frozen(kw_only=True)
class Claim(Event):
    """A party's position on what the polity is."""

    KIND = "claim"
    polity: str = _is("actor")
    party: str = _is("actor")
    position: str = _is("text")


@attrs.frozen(kw_only=True)
class War(Event):
    """A war breaks out in a theatre."""

    KIND = "war"
    theatre: str = _is("place")
    name: str = _is("text")
    parties: tuple[str, ...] = _is("actors")


@attrs.frozen(kw_only=True)
class Offensive(Event):
    """An offensive by one side in a theatre."""

    KIND = "offensive"
    theatre: str = _is("place")
    name: str = _is("text")
    by: str = _is("actor")


@attrs.frozen(kw_only=True)
class Ceasefire(Event):
    """A ceasefire ending a recorded war or offensive."""

    KIND = "ceasefire"
    theatre: str = _is("place")
    ends: str = _is("event")
    name: str = _is("text")


@attrs.frozen(kw_only=True)
class Blockade(Event):
    """A blockade of a place is imposed or lifted."""

    KIND = "blockade"
    place: str = _is("place")
    by: str = _is("actor")
    state: str = _is(("imposed", "lifted"))


@attrs.frozen(kw_only=True)
class Deployment(Event):
    """A force deploys to, or withdraws from, a place."""

    KIND = "deployment"
    force: str = _is("actor")
    place: str = _is("place")
    state: str = _is(("deployed", "withdrawn"))
    strength: str | None = _is("text", optional=True)


@attrs.frozen(kw_only=True)
class Capture(Event):
    """A place is taken by force."""

    KIND = "capture"
    place: str = _is("place")
    by: str = _is("actor")
    from_: str | None = attrs.field(
        default=None, alias="from_", metadata={"holds": "actor", "optional": True, "name": "from"}
    )


@attrs.frozen(kw_only=True)
class Handover(Event):
    """A place is handed from one holder to another by agreement."""

    KIND = "handover"
    place: str = _is("place")
    from_: str = attrs.field(alias="from_", metadata={"holds": "actor", "optional": False, "name": "from"})
    to: str = _is("actor")


@attrs.frozen(kw_only=True)
class Recognition(Event):
    """An actor takes a stance on the polity's independence."""

    KIND = "recognition"
    actor: str = _is("actor")
    stance: str = _is(STANCES)
    instrument: str | None = _is("text", optional=True)


@attrs.frozen(kw_only=True)
class Resolution(Event):
    """A body adopts a resolution."""

    KIND = "resolution"
    body: str = _is("actor")
    ref: str = _is("text")
    summary: str = _is("text")


@attrs.frozen(kw_only=True)
class Statement(Event):
    """An actor makes a statement on the record."""

    KIND = "statement"
    actor: str = _is("actor")
    summary: str = _is("text")
    ref: str | None = _is("text", optional=True)


@attrs.frozen(kw_only=True)
class Office(Event):
    """A representative office of the polity abroad is open or closed."""

    KIND = "office"
    place: str = _is("place")
    state: str = _is(("open", "closed"))
    polity: str = _is("actor")


@attrs.frozen(kw_only=True)
class Officeholder(Event):
    """Someone takes a post."""

    KIND = "officeholder"
    post: str = _is("text")
    person: str = _is("text")
    polity: str = _is("actor")

    @property
    def vacant(self) -> bool:
        """True when the event says the post fell vacant: its person is written `vacant (...)`
        (docs/officeholders.md), so the post is ended until someone takes it."""
        return self.person.startswith("vacant")


@attrs.frozen(kw_only=True)
class Relation(Event):
    """A tie between two communities or bodies is established or ended."""

    KIND = "relation"
    a: str = _is("party")
    b: str = _is("party")
    type: str = _is(RELATION_TYPES)
    state: str = _is(("established", "ended"))


@attrs.frozen(kw_only=True)
class Dissolution(Event):
    """A polity's institutions are dissolved: its facts of the aspects in `ends` end.

    A fact belongs to the polity when it names the polity, or a place within `territory`.

    `disputed_by` names claims (events) that contest the dissolution; the ended facts
    show them, so what is disputed shows both sides.
    """

    KIND = "dissolution"
    polity: str = _is("actor")
    ends: tuple[str, ...] = _is("aspects")
    summary: str = _is("text")
    territory: str | None = _is("place", optional=True)
    disputed_by: tuple[str, ...] | None = _is("events", optional=True)


#: How an actor can cease to exist (a cessation's `how`).
CESSATION_HOW = ("dissolved", "abolished", "merged", "disbanded", "superseded")


@attrs.frozen(kw_only=True)
class Founding(Event):
    """An actor comes into existence: it can hold positions from this date on.

    Sets no fact of its own; a position its holder states before it (docs/claims.md) is a
    validation problem, and the replay never shows it."""

    KIND = "founding"
    actor: str = _is("actor")


@attrs.frozen(kw_only=True)
class Cessation(Event):
    """An actor ceases to exist (`how`): every standing position it holds ends then, with
    the reason "holder ceased to exist" (docs/claims.md).

    `successor` names the actor that took its place, if a source says so; it inherits no
    position. `disputed_by` names claims that contest the cessation: they are not ended by
    it, and the ended positions show them, as a dissolution's do."""

    KIND = "cessation"
    actor: str = _is("actor")
    how: str = _is(CESSATION_HOW)
    successor: str | None = _is("actor", optional=True)
    disputed_by: tuple[str, ...] | None = _is("events", optional=True)


@attrs.frozen(kw_only=True)
class Retraction(Event):
    """Withdraws an earlier event: the log then answers as if it had never been recorded."""

    KIND = "retraction"
    retracts: str = _is("event")
    reason: str = _is("text")


KINDS: dict[str, type[Event]] = {
    cls.KIND: cls
    for cls in (
        Declaration,
        Decree,
        Claim,
        War,
        Offensive,
        Ceasefire,
        Blockade,
        Deployment,
        Capture,
        Handover,
        Recognition,
        Resolution,
        Statement,
        Office,
        Officeholder,
        Relation,
        Dissolution,
        Retraction,
        Founding,
        Cessation,
    )
}

#: Kinds whose `date` may be a span `A/B` (log format 2): they hold from A until B.
SPAN_KINDS = frozenset({"war", "offensive", "blockade", "deployment", "office", "officeholder", "relation"})

#: The aspects a dissolution may end.
ENDABLE = ("office", "officeholder", "relation")


@functools.cache
def ref_fields(cls: type[Event]) -> tuple[tuple[str, attrs.Attribute[Any]], ...]:
    """The kind-specific fields of `cls` as (name in the log, attribute) pairs."""
    base = {a.name for a in attrs.fields(Event)}
    return tuple((a.metadata.get("name", a.name), a) for a in attrs.fields(cls) if a.name not in base)
