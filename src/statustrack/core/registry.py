"""Registries of sources, places and actors, and lookup of any spelling to its ids."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs

if TYPE_CHECKING:
    from statustrack.core.dates import Interval

__all__ = ["LEVELS", "Actor", "Place", "Registry", "Source", "SourceRef", "fold"]

LEVELS = (
    "un-member", "non-un-state", "polity", "un-body", "international-body", "parliament",
    "regional-parliament", "state-region", "county", "city", "party", "government-body",
    "armed-force", "person",
)


def fold(name: str) -> str:
    """A spelling reduced for matching: case-folded, accents and punctuation spacing ignored."""
    bare = name.casefold()
    if not bare.isascii():  # ASCII decomposes to itself and has no accents
        bare = "".join(c for c in unicodedata.normalize("NFKD", bare) if not unicodedata.combining(c))
    return " ".join(bare.replace("-", " ").replace("_", " ").split())


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
class Registry:
    """Every source, place and actor of a log, by id.

    `claimant` is the actor whose territorial integrity a recognition stance can affirm
    (the log's `[log] claimant`; None when the log names none): the engine knows no region."""

    sources: Mapping[str, Source]
    places: Mapping[str, Place]
    actors: Mapping[str, Actor]
    claimant: str | None = None
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

    def lineages(self, idents: tuple[str, ...]) -> frozenset[str]:
        """Every id of `idents` and every place or actor they are part of: one set, made once
        per distinct `idents` and shared."""
        made = self._cache.setdefault("lineages", {})
        found = made.get(idents)
        if found is None:
            found = made[idents] = frozenset(i for ident in idents for i in self.lineage(ident))
        return found

    def parts(self, ident: str) -> tuple[str, ...]:
        """The ids of the places and actors directly part of `ident`, sorted."""
        if "parts" not in self._cache:
            index: dict[str, list[str]] = {}
            for entry in (*self.places.values(), *self.actors.values()):
                if entry.part_of:
                    index.setdefault(entry.part_of, []).append(entry.id)
            self._cache["parts"] = {k: tuple(sorted(v)) for k, v in index.items()}
        return self._cache["parts"].get(ident, ())

    def spellings(self) -> dict[str, str]:
        """Every id, name and alias of a place or actor, folded, mapped to how it is written."""
        out: dict[str, str] = {}
        for entry in (*self.places.values(), *self.actors.values()):
            for text in (entry.name, *entry.aliases, entry.id):
                out.setdefault(fold(text), text)
        return out

    def resolve(self, spelling: str) -> frozenset[str]:
        """Every place and actor id that `spelling` names: its id, name or any alias."""
        wanted = fold(spelling)
        return frozenset(
            entry.id
            for entry in (*self.places.values(), *self.actors.values())
            if wanted in {fold(entry.id), fold(entry.name), *map(fold, entry.aliases)}
        )
