"""The catalogue of subjects: what a query can name. Pure: a function of the events that
count and the registry, whether the replay works it out or the index keeps it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

import attrs

from statustrack.core.facts import ID_ROLES
from statustrack.core.registry import Registry, fold

if TYPE_CHECKING:
    from statustrack.core.events import Event

__all__ = ["Catalogue", "catalogue"]


@attrs.frozen
class Catalogue:
    """The place and actor ids some counted fact names in its own fields (`own`), and every
    subject the output prints, folded -> as printed (`names`: the first counted fact to
    give a spelling, in log order, spells it)."""

    own: frozenset[str]
    names: Mapping[str, str]


def catalogue(counted: Iterable[Event], registry: Registry) -> Catalogue:
    """The catalogue the events `counted` (those that count, in log order) give."""
    from statustrack.core.reducers import facts_of  # here, not above: the index reads a `Catalogue` without it

    own: set[str] = set()
    names: dict[str, str] = {}
    for event in counted:
        for fact in facts_of(event, registry):
            own.update(v for role, v in fact.about if role in ID_ROLES)
            names.setdefault(fold(fact.subject_name), fact.subject_name)
            names.setdefault(fold(fact.subject), fact.subject)
    return Catalogue(frozenset(own), names)
