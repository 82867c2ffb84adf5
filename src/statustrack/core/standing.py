"""Acts and standing positions, and who holds a position: each stated once, as values.

A *standing position* (a claim, a recognition stance, a body's resolution, control, an
office, a post, a tie, the state of a theatre) holds from its date until something changes
or ends it. An *act* (a statement, a vote that rejected a motion, a dissolution, a
retraction, a founding or a cessation) happened on its date: it is on record for ever
(`history`, `why`, `diff`, exports) but never "in force"; `at` lists recent acts in a
section of their own. `STANDING` declares every kind one or the other, `STANCE_STANDING`
the recognition stances that differ from their kind; docs/claims.md gives the reasons.

A position has a *holder*: the actor whose position it is (`holders`). A position holds
only while its holder exists (`core.replay`); `HOLDER_ROLES` names, per aspect, the
fields of a fact (`Fact.about`, or `Fact.detail` for control) that hold it.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from types import MappingProxyType

from statustrack.core.facts import Fact

__all__ = ["HOLDER_ROLES", "STANCE_STANDING", "STANDING", "Standing", "holders", "is_act", "standing_of"]


class Standing(enum.StrEnum):
    """Whether an event records an act (it happened on its date) or a standing position
    (it holds until changed or ended)."""

    ACT = "act"
    POSITION = "position"


#: Every kind of the vocabulary, declared an act or a standing position (docs/claims.md,
#: "Acts and standing positions", says why for each). The one table of it.
STANDING: Mapping[str, Standing] = MappingProxyType(
    {
        "declaration": Standing.POSITION,  # what a polity declares itself stands until changed
        "decree": Standing.POSITION,  # a polity's status set by decree stands until changed
        "claim": Standing.POSITION,  # a party's claim on the status stands until it says otherwise
        "war": Standing.POSITION,  # the state of a theatre
        "offensive": Standing.POSITION,  # an operation: its own fact, over its own span
        "ceasefire": Standing.POSITION,  # the state of a theatre
        "blockade": Standing.POSITION,  # imposed until lifted
        "deployment": Standing.POSITION,  # deployed until withdrawn
        "capture": Standing.POSITION,  # control of a place, held until it changes
        "handover": Standing.POSITION,  # the same
        "recognition": Standing.POSITION,  # a stance, held until changed (but see STANCE_STANDING)
        "resolution": Standing.POSITION,  # a body's resolution stays on its record until rescinded
        "statement": Standing.ACT,  # a single statement: said on its day
        "office": Standing.POSITION,  # open until closed
        "officeholder": Standing.POSITION,  # in post until someone else is, or the post falls vacant
        "relation": Standing.POSITION,  # a tie, until ended
        "dissolution": Standing.ACT,  # happened on its day; the endings it makes stand
        "retraction": Standing.ACT,  # a record-keeping act: sets no fact
        "founding": Standing.ACT,  # an actor comes into existence on its day
        "cessation": Standing.ACT,  # an actor ceases to exist on its day
    }
)

#: Recognition stances that are acts although recognition is a standing kind: a vote that
#: rejected a motion happened on its day, and says nothing of the chamber's stance after.
STANCE_STANDING: Mapping[str, Standing] = MappingProxyType(
    {
        "rejected-recognition": Standing.ACT,
        "rejected-territorial-integrity": Standing.ACT,
    }
)


def standing_of(kind: str, stance: str | None = None) -> Standing:
    """Whether an event of `kind` (with recognition `stance`) is an act or a standing position."""
    if stance is not None and stance in STANCE_STANDING:
        return STANCE_STANDING[stance]
    return STANDING[kind]


def is_act(kind: str, stance: str | None = None) -> bool:
    """True when an event of `kind` (with recognition `stance`) records an act."""
    return standing_of(kind, stance) is Standing.ACT


#: Per aspect, the roles of a fact's fields that name its holder: whose position it is.
#: `status` facts of a declaration or decree describe what the polity is, not a party's
#: position, and have none; a claim's is its party. Conflict facts are states of a theatre,
#: a place or a force, and have none. Control's holder is in its `detail` (the holder each
#: account names).
HOLDER_ROLES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "status": ("party",),
        "conflict": (),
        "control": ("holder",),
        "recognition": ("actor",),
        "resolution": ("body", "actor"),
        "office": ("polity",),
        "officeholder": ("polity",),
        "relation": ("a", "b"),
    }
)


def holders(fact: Fact) -> frozenset[str]:
    """The actors whose position `fact` is (none for a state of the world): the ids its
    `HOLDER_ROLES` fields hold, in its own fields and in each of its accounts'."""
    roles = HOLDER_ROLES.get(fact.aspect, ())
    if not roles:
        return frozenset()
    found = {value for role, value in fact.about if role in roles}
    found.update(value for role, value in fact.detail if role in roles)
    for account in fact.accounts:
        found.update(value for role, value in account.detail if role in roles)
    return frozenset(found)
