"""Registries of sources, places and actors, and lookup of any spelling to its ids."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import TYPE_CHECKING

import attrs

if TYPE_CHECKING:
    from .dates import Interval
    from .events import SourceRef

__all__ = ["LEVELS", "Actor", "Place", "Registry", "Source", "fold"]

LEVELS = (
    "un-member", "non-un-state", "polity", "un-body", "international-body", "parliament",
    "regional-parliament", "state-region", "county", "city", "party", "government-body",
    "armed-force", "person",
)


def fold(name: str) -> str:
    """A spelling reduced for matching: case-folded, accents and punctuation spacing ignored."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.replace("-", " ").replace("_", " ").split())


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
    """Every source, place and actor of a log, by id."""

    sources: Mapping[str, Source]
    places: Mapping[str, Place]
    actors: Mapping[str, Actor]

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
        chain, current = [ident], self.entry(ident)
        while current is not None and current.part_of and current.part_of not in chain:
            chain.append(current.part_of)
            current = self.entry(current.part_of)
        return tuple(chain)

    def resolve(self, spelling: str) -> frozenset[str]:
        """Every place and actor id that `spelling` names: its id, name or any alias."""
        wanted = fold(spelling)
        return frozenset(
            entry.id
            for entry in (*self.places.values(), *self.actors.values())
            if wanted in {fold(entry.id), fold(entry.name), *map(fold, entry.aliases)}
        )
