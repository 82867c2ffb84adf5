"""The catalogue of subjects: what a query can name. Pure: a function of the events that
count and the registry, whether the replay works it out or the index keeps it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

import attrs

from statustrack.core.facts import ID_ROLES
from statustrack.core.registry import Registry, fold

if TYPE_CHECKING:
    from statustrack.core.events import Event
    from statustrack.core.facts import Fact

__all__ = ["Catalogue", "Gathering", "catalogue"]


@attrs.frozen
class Catalogue:
    """The place and actor ids some counted fact names in its own fields (`own`), and every
    subject the output prints, folded -> as printed (`names`: the first counted fact to
    give a spelling, in log order, spells it)."""

    own: frozenset[str]
    names: Mapping[str, str]


class Gathering:
    """A catalogue being gathered: the facts of each counted event are added in log order
    (`add`), then `done` gives the catalogue. What `catalogue` does, for a caller that
    already has each event's facts (the index build)."""

    def __init__(self) -> None:
        self._own: set[str] = set()
        self._names: dict[str, str] = {}

    def add(self, facts: Sequence[Fact]) -> None:
        """Add the facts of the next counted event."""
        own, names = self._own, self._names
        for fact in facts:
            own.update(v for role, v in fact.about if role in ID_ROLES)
            names.setdefault(fold(fact.subject_name), fact.subject_name)
            names.setdefault(fold(fact.subject), fact.subject)

    def done(self) -> Catalogue:
        """The catalogue of the facts added."""
        return Catalogue(frozenset(self._own), self._names)


def catalogue(counted: Iterable[Event], registry: Registry) -> Catalogue:
    """The catalogue the events `counted` (those that count, in log order) give."""
    from statustrack.core.reducers import facts_of  # here, not above: the index reads a `Catalogue` without it

    found = Gathering()
    for event in counted:
        found.add(facts_of(event, registry))
    return found.done()
