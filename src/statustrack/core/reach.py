"""What new events can change in a log's replayed history: the one statement of it.

The fold is separable per key, so appending events changes only the facts of some keys,
and only the events that touch those keys need replaying again. Which keys, following the
replay's own rules (`core.replay`):

- the keys the new events' facts set (settled, and pending for an event announced early);
- the keys of every event whose standing the new events change: what they retract or
  replace, and down the chain (retracting a retraction makes its target count again);
- for a dissolution, every key it can end (a settled fact of its aspects naming its
  polity or territory), and the same for a dissolution whose disputing claims (or their
  corrections) changed standing;
- for a founding or cessation (new, or whose standing or disputing claims changed), every
  key its actor can hold (a settled fact naming it, and every control key: control's
  holder is not among a fact's named fields);
- when any conflict key is among them, every conflict key (a war or ceasefire stops the
  open offensives of its theatre);
- the keys of every account of one happening with an event involved (accounts replay as
  one step), and, again, of every event touching those keys, until nothing is added.

Replaying those keys needs every event that touches them, every dissolution that can end
them, every founding and cessation (whether a holder exists decides what shows), the
claims their dissolutions and cessations dispute, and, to tell which of those count,
every event that retracts or replaces any of them.

The rule reads the events already in the log through `Known`, so it is the same whether
they are in memory or in the fact index (`index.append` answers it in SQL).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import attrs

from statustrack.core.checks import _links
from statustrack.core.events import Cessation, Dissolution, Event, Founding
from statustrack.core.facts import Key
from statustrack.core.reducers import facts_of
from statustrack.core.registry import Registry

__all__ = ["ACCOUNT", "CORRECTS", "UNDO", "Known", "Reach", "endable", "fact_keys", "held", "reach"]

#: The links by which an event changes whether another counts.
UNDO = ("retracts", "replaces")
#: The link by which a claim stands as its latest correction.
CORRECTS = ("replaces",)
#: The link that joins accounts of one happening into one step.
ACCOUNT = "account_of"


class Known(Protocol):
    """What the rule asks of the events already in a log."""

    def linking(self, targets: set[str], fields: tuple[str, ...]) -> set[str]:
        """The events that name one of `targets` by one of `fields`."""

    def linked(self, events: set[str], fields: tuple[str, ...]) -> set[str]:
        """What `events` name by one of `fields`."""

    def accounts(self, events: set[str]) -> set[tuple[str, str]]:
        """The (account, happening) links with either end among `events`."""

    def disputes(self) -> dict[str, set[str]]:
        """For each dissolution naming claims that dispute it, those claims."""

    def dissolutions(self, ids: set[str]) -> list[Dissolution]:
        """The dissolutions among `ids`."""

    def ending(self, aspects: set[str]) -> set[str]:
        """The dissolutions that end one of `aspects`."""

    def keys_of(self, events: set[str]) -> set[Key]:
        """The keys the facts of `events` set."""

    def touching(self, keys: set[Key]) -> set[str]:
        """The events whose facts set one of `keys`."""

    def naming(self, owners: set[str]) -> set[Key]:
        """The settled keys whose facts refer to one of `owners`."""

    def existing(self, ids: set[str]) -> set[str]:
        """The ids among `ids` of events in the log."""

    def existence(self) -> list[Founding | Cessation]:
        """Every founding and cessation in the log."""

    def aspect_keys(self, aspects: set[str]) -> set[Key]:
        """The settled keys of `aspects`."""


@attrs.frozen
class Reach:
    """What new events can change: the `keys` to replay again, the old events whose
    standing changes (`standing`), those a replay of the keys and the checks need
    (`needed`), and the old events the new ones link to (`targets`)."""

    keys: frozenset[Key]
    standing: frozenset[str]
    needed: frozenset[str]
    targets: frozenset[str]


def fact_keys(event: Event, registry: Registry) -> set[Key]:
    """The keys `event`'s facts set: settled, and pending too if it is announced early."""
    keys = set()
    for fact in facts_of(event, registry):
        keys.add(Key(fact.aspect, fact.subject))
        if event.announced_early:
            keys.add(Key(fact.aspect, fact.subject, True))
    return keys


def endable(dissolution: Dissolution, fresh: Sequence[Event], known: Known, registry: Registry) -> set[Key]:
    """Every key `dissolution` can end: a settled fact of its aspects naming its owners,
    among the known events and the new ones (`fresh`)."""
    owners = {dissolution.polity} | ({dissolution.territory} if dissolution.territory else set())
    aspects = set(dissolution.ends)
    keys = {k for k in known.naming(owners) if k.aspect in aspects}
    for event in fresh:
        keys |= {Key(f.aspect, f.subject) for f in facts_of(event, registry) if f.aspect in aspects and f.refs & owners}
    return keys


def held(actors: set[str], fresh: Sequence[Event], known: Known, registry: Registry) -> set[Key]:
    """Every key whose fact one of `actors` can hold (`core.standing`): a settled fact naming
    it, every control key, and the keys of the new events' facts that name it."""
    keys = {k for k in known.naming(actors) if k.aspect != "conflict"} | known.aspect_keys({"control"})
    for event in fresh:
        keys |= {
            Key(f.aspect, f.subject) for f in facts_of(event, registry) if f.refs & actors or f.aspect == "control"
        }
    return keys


def _theatres(keys: set[Key], known: Known) -> set[Key]:
    """Every conflict key, when `keys` hold one (a war stops its theatre's open offensives)."""
    return known.aspect_keys({"conflict"}) if any(k.aspect == "conflict" for k in keys) else set()


def _closure(known: Known, ids: set[str], fields: tuple[str, ...]) -> set[str]:
    """`ids` with every event that names one of them by one of `fields`, and so on up."""
    found, frontier = set(ids), set(ids)
    while frontier:
        frontier = known.linking(frontier, fields) - found
        found |= frontier
    return found


def reach(fresh: Sequence[Event], known: Known, registry: Registry) -> Reach:
    """What appending `fresh` to the log `known` describes can change (see the module)."""
    new_ids = {e.id for e in fresh}

    # Events whose standing the new events change, down their chains of retractions and corrections.
    standing: set[str] = set()
    frontier = {t for e in fresh for f, t in _links(e) if f in UNDO} - new_ids
    while frontier:
        standing |= frontier
        frontier = known.linked(frontier, UNDO) - standing

    # Dissolutions that may end other keys now: new ones, ones whose standing changed, and
    # ones whose disputing claims (or their corrections) changed standing.
    chains = {d: _closure(known, claims, CORRECTS) for d, claims in known.disputes().items()}
    ending = {d.id for d in known.dissolutions(standing)}
    ending |= {d for d, chain in chains.items() if chain & standing}
    dissolutions = [e for e in fresh if isinstance(e, Dissolution)] + known.dissolutions(ending)

    keys: set[Key] = set()
    for event in fresh:
        keys |= fact_keys(event, registry)
    keys |= known.keys_of(standing)
    for dissolution in dissolutions:
        keys |= endable(dissolution, fresh, known, registry)

    # Foundings and cessations whose actors' positions may show or not now: new ones, ones
    # whose standing changed, and cessations whose disputing claims changed standing.
    existence = known.existence()
    actors = {e.actor for e in fresh if isinstance(e, (Founding, Cessation))}
    actors |= {e.actor for e in existence if e.id in standing or chains.get(e.id, set()) & standing}
    if actors:
        keys |= held(actors, fresh, known, registry)
    keys |= _theatres(keys, known)

    # Every event touching those keys, every dissolution that can end them, and every account
    # of one happening with any of those (whose keys join).
    touching: set[str] = set()
    todo_keys, todo_events = set(keys), set(new_ids)
    aspects_seen: set[str] = set()
    while todo_keys or todo_events:
        if todo_keys:
            found = known.touching(todo_keys)
            aspects = {k.aspect for k in todo_keys if not k.pending} - aspects_seen
            aspects_seen |= aspects
            found |= known.ending(aspects)
            todo_keys = set()
            todo_events |= found - touching
            touching |= found
        if todo_events:
            pairs = known.accounts(todo_events - new_ids)
            pairs |= {(e.id, e.account_of) for e in fresh if e.id in todo_events and e.account_of}
            grouped = {i for pair in pairs for i in pair} - new_ids
            todo_events = grouped - touching
            touching |= grouped
            # accounts replay as one step: every key of a group with an event involved is replayed
            more = known.keys_of(grouped) - keys
            more |= _theatres(more, known) - keys
            keys |= more
            todo_keys |= more
    touching -= new_ids

    # What the checks and the replay need besides: link targets of the new events, the claims
    # the dissolutions among them dispute, and, to tell what counts, whatever undoes any of it.
    targets = known.existing({t for e in fresh for _, t in _links(e)} - new_ids)
    needed = touching | standing | targets | {e.id for e in existence}
    needed |= {c for d in needed | ending if d in chains for c in chains[d]}
    needed |= {
        c
        for e in fresh
        if isinstance(e, (Dissolution, Cessation))
        for c in _closure(known, set(e.disputed_by or ()), CORRECTS)
    }
    needed = _closure(known, needed, UNDO) - new_ids
    return Reach(frozenset(keys), frozenset(standing), frozenset(needed), frozenset(targets))
