"""Registries of sources, places and actors, and lookup of any spelling to its ids."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from statustrack.core.names import fold, resolve
from statustrack.core.shown import LEVELS

if TYPE_CHECKING:
    from statustrack.core.dates import Interval

__all__ = [
    "LEVELS",
    "OFFICE_TYPES",
    "PRINCIPAL_ROLES",
    "STATE_LEVELS",
    "Actor",
    "OfficeEntry",
    "Place",
    "Registry",
    "Source",
    "SourceRef",
    "fold",
]


#: The levels of an actor that is a state: what `Registry.country` climbs a `part_of` chain to.
#: A `polity` that is part of nothing (the region's own de facto state) counts as one too.
STATE_LEVELS = frozenset({"un-member", "non-un-state"})

#: What kind of representation an office is (a registry `[[office]]` entry's `type`), as the
#: sources call them: a permanent representation (an embassy-like mission), or an
#: information office (the Paris office, "permanent socio-political information office").
OFFICE_TYPES = ("permanent-representation", "information-office")

#: The roles of a fact's `about` in the order `Registry.principal` picks its principal from:
#: who acts (a recognising actor, a resolving body, a tie's ends), then where (an office's
#: place), then who holds or claims.
PRINCIPAL_ROLES = (
    "actor",
    "body",
    "a",
    "b",
    "place",
    "holder",
    "party",
    "force",
    "by",
    "polity",
    "theatre",
    "from",
    "parties",
)


@attrs.frozen
class SourceRef:
    """Where a fact comes from: a source id from the registry and where in it."""

    id: str
    at: str = ""


@attrs.frozen
class Source:
    """A document facts are taken from."""

    id: str
    title: str
    url: str
    language: str = ""
    captured: str | None = None
    note: str | None = None


@attrs.frozen
class Place:
    """A place whose control the log tracks or that takes part in a relation."""

    id: str
    name: str
    kind: str
    aliases: tuple[str, ...] = ()
    part_of: str | None = None
    note: str | None = None
    lat: float | None = None
    lon: float | None = None
    located: SourceRef | None = None
    existed: Interval | None = None


@attrs.frozen
class Actor:
    """A state, body, community, party or force, with its level."""

    id: str
    name: str
    level: str
    aliases: tuple[str, ...] = ()
    part_of: str | None = None
    note: str | None = None
    existed: Interval | None = None


@attrs.frozen
class OfficeEntry:
    """What kind of office `polity` keeps at `place` (one of `OFFICE_TYPES`), on whose word:
    a registry `[[office]]` entry, so the type is data and not a note's words."""

    place: str
    polity: str
    type: str
    sources: tuple[SourceRef, ...] = ()
    note: str | None = None


@attrs.frozen
class Registry:
    """Every source, place and actor of a log, by id.

    `claimant` is the actor whose territorial integrity a recognition stance can affirm
    (the log's `[log] claimant`; None when the log names none): the engine knows no region."""

    sources: Mapping[str, Source]
    places: Mapping[str, Place]
    actors: Mapping[str, Actor]
    claimant: str | None = None
    offices: Mapping[str, OfficeEntry] = attrs.field(factory=dict)
    _lineages: dict[str, tuple[str, ...]] = attrs.field(factory=dict, init=False, eq=False, repr=False)
    _cache: dict[str, Any] = attrs.field(factory=dict, init=False, eq=False, repr=False)

    def name(self, ident: str) -> str:
        """The display name of a place or actor id (the id itself if unknown)."""
        entry = self.places.get(ident) or self.actors.get(ident)
        return entry.name if entry is not None else ident

    def level(self, ident: str) -> str | None:
        """The level of an actor id, or None for places and unknown ids."""
        actor = self.actors.get(ident)
        return actor.level if actor is not None else None

    def _entries(self) -> Iterator[Place | Actor]:
        """Every place, then every actor."""
        yield from self.places.values()
        yield from self.actors.values()

    def entry(self, ident: str) -> Place | Actor | None:
        """The place or actor with id `ident`, or None."""
        return self.places.get(ident) or self.actors.get(ident)

    def lineage(self, ident: str) -> tuple[str, ...]:
        """`ident` and every place or actor it is part of, nearest first."""
        if ident in self._lineages:
            return self._lineages[ident]
        chain, current = [ident], self.entry(ident)
        while current is not None and current.part_of and current.part_of not in chain:
            chain.append(current.part_of)
            current = self.entry(current.part_of)
        self._lineages[ident] = tuple(chain)
        return self._lineages[ident]

    def chain(self, ident: str) -> tuple[str, ...]:
        """The places and actors `ident` is part of, nearest first (its `part_of` chain)."""
        return self.lineage(ident)[1:]

    def country(self, ident: str) -> str | None:
        """The state `ident` is, or is part of: the nearest actor of its `part_of` chain
        (itself first) whose level is in `STATE_LEVELS`, or a `polity` that is part of
        nothing; None for an international body, a disputed place, an unknown id."""
        for link in self.lineage(ident):
            actor = self.actors.get(link)
            if actor is not None and (actor.level in STATE_LEVELS or (actor.level == "polity" and not actor.part_of)):
                return link
        return None

    def countries(self) -> tuple[str, ...]:
        """The ids of every actor `country` can answer, sorted."""
        return tuple(sorted({c for a in self.actors for c in (self.country(a),) if c is not None}))

    def principal(self, about: Sequence[tuple[str, str]]) -> str | None:
        """The place or actor a fact with structured fields `about` is chiefly about, for
        its level and country: the first known id in the order of `PRINCIPAL_ROLES` that
        has a country, else the first known id (None: it names none)."""
        found = [v for role in PRINCIPAL_ROLES for r, v in about if r == role and self.entry(v) is not None]
        return next((v for v in found if self.country(v) is not None), found[0] if found else None)

    def placement(self, about: tuple[tuple[str, str], ...]) -> tuple[str | None, str | None, tuple[str, ...]]:
        """The `principal` of a fact with structured fields `about`, its `country` and its
        `chain` (None, None, () when it names none): worked out once per `about`."""
        made: dict[tuple[tuple[str, str], ...], tuple[str | None, str | None, tuple[str, ...]]]
        made = self._cache.setdefault("placements", {})
        found = made.get(about)
        if found is None:
            principal = self.principal(about)
            found = made[about] = (
                (principal, self.country(principal), self.chain(principal)) if principal else (None, None, ())
            )
        return found

    def office_type(self, place: str, polity: str | None = None) -> str | None:
        """The type of the office at `place` (of `polity`, when given), or None if the registry has none."""
        entry = self.offices.get(place)
        if entry is None or (polity is not None and entry.polity != polity):
            return None
        return entry.type

    def lineages(self, idents: tuple[str, ...]) -> frozenset[str]:
        """Every id of `idents` and every place or actor they are part of: one set, made once
        per distinct `idents` and shared."""
        made: dict[tuple[str, ...], frozenset[str]] = self._cache.setdefault("lineages", {})
        found = made.get(idents)
        if found is None:
            found = made[idents] = frozenset(i for ident in idents for i in self.lineage(ident))
        return found

    def parts(self, ident: str) -> tuple[str, ...]:
        """The ids of the places and actors directly part of `ident`, sorted."""
        made: dict[str, tuple[str, ...]] | None = self._cache.get("parts")
        if made is None:
            index: dict[str, list[str]] = {}
            for entry in self._entries():
                if entry.part_of:
                    index.setdefault(entry.part_of, []).append(entry.id)
            made = self._cache["parts"] = {k: tuple(sorted(v)) for k, v in index.items()}
        return made.get(ident, ())

    def spellings(self) -> dict[str, str]:
        """Every id, name and alias of a place or actor, folded, mapped to how it is written."""
        out: dict[str, str] = {}
        for entry in self._entries():
            for text in (entry.name, *entry.aliases, entry.id):
                out.setdefault(fold(text), text)
        return out

    def _known(self, ident: str) -> bool:
        return ident in self.places or ident in self.actors

    def resolve(self, spelling: str) -> frozenset[str]:
        """Every place and actor id that `spelling` names: its id, name or any alias. An
        exact id names that entry alone (ids are unique; a name or alias may be shared)."""
        return resolve(spelling, self._known, ((entry.id, entry.name, entry.aliases) for entry in self._entries()))
