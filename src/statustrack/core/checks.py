"""Checks across events: ids, references between events, dates that make sense, order.

Pure: takes built events with where each was read (a `Position`), returns problems.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from statustrack.core.events import (
    Ceasefire,
    Cessation,
    Decree,
    Dissolution,
    Event,
    Founding,
    Offensive,
    Retraction,
    War,
)
from statustrack.core.facts import Key
from statustrack.core.reducers import facts_of
from statustrack.core.registry import Registry
from statustrack.core.replay import Step, counted_events, timeline
from statustrack.core.standing import holders
from statustrack.errors import Problem, ProblemCode

__all__ = ["Position", "check_events"]


class Position(Protocol):
    """Where an event was read: its file, its line, and the line of each of its fields.

    The log layer's record (`statustrack.log.parse.Raw`) is one; the core names only what
    a problem report needs, so it never imports the layer that reads files."""

    @property
    def file(self) -> str:
        """The file, as problems name it."""

    @property
    def line(self) -> int | None:
        """The event's first line (None: unknown)."""

    def line_of(self, field: str) -> int | None:
        """The line `field` is written on, or the event's own line."""


def _problem(
    event: Event, raw: Position, field: str | None, message: str, hint: str, code: ProblemCode = ProblemCode.INVALID
) -> Problem:
    """A problem with `event`, which stands where `raw` says."""
    return Problem(raw.file, raw.line_of(field) if field else raw.line, event.id, message, hint, code=code)


def _links(event: Event) -> list[tuple[str, str]]:
    links = []
    if event.replaces:
        links.append(("replaces", event.replaces))
    if isinstance(event, Retraction):
        links.append(("retracts", event.retracts))
    if isinstance(event, Ceasefire):
        links.append(("ends", event.ends))
    if isinstance(event, Decree) and event.annuls:
        links.append(("annuls", event.annuls))
    if event.account_of:
        links.append(("account_of", event.account_of))
    if isinstance(event, (Dissolution, Cessation)):
        links.extend(("disputed_by", target) for target in event.disputed_by or ())
    return links


def check_events(
    built: Sequence[tuple[Event, Position]],
    reg: Registry,
    all_ids: frozenset[str] = frozenset(),
    steps: list[Any] | None = None,
) -> list[Problem]:
    """Every problem that involves more than one event, or an event's dates together.

    When the events pass every other check, their timeline is built to check its order;
    pass a list as `steps` to receive it (so a loader need not build it again)."""
    problems: list[Problem] = []
    by_id: dict[str, tuple[Event, Position]] = {}
    for event, raw in built:
        if event.id in by_id:
            first = by_id[event.id][1]
            problems.append(
                _problem(
                    event,
                    raw,
                    "id",
                    f"duplicate id (first used at {first.file}:{first.line})",
                    "give this event a new id; ids are permanent and unique",
                )
            )
            continue
        if event.id in reg.sources or event.id in reg.places or event.id in reg.actors:
            problems.append(
                _problem(event, raw, "id", "id is already used by a registry entry", "give the event an id of its own")
            )
        by_id[event.id] = (event, raw)
        if event.effective is not None and event.effective.start < event.date.start:
            problems.append(
                _problem(
                    event,
                    raw,
                    "effective",
                    f"effective {event.effective.text} starts before date {event.date.text}",
                    "an event cannot take effect before it happens: fix one of the dates",
                )
            )
    for event, raw in by_id.values():
        for field, target in _links(event):
            if target == event.id:
                problems.append(
                    _problem(event, raw, field, f"{field} names the event itself", "name another event's id")
                )
            elif target not in by_id and target not in all_ids:
                problems.append(
                    _problem(
                        event,
                        raw,
                        field,
                        f"{field} names unknown event {target!r}",
                        "name the id of an event in the log",
                    )
                )
        if isinstance(event, Ceasefire) and event.ends in by_id and event.ends != event.id:
            ended = by_id[event.ends][0]
            if not isinstance(ended, (War, Offensive)):
                problems.append(
                    _problem(
                        event,
                        raw,
                        "ends",
                        f"a ceasefire with no war to end: {event.ends!r} is a {ended.kind}",
                        "name the war or offensive event this ceasefire ends",
                    )
                )
            elif ended.theatre != event.theatre:
                problems.append(
                    _problem(
                        event,
                        raw,
                        "ends",
                        f"ends a war in {ended.theatre!r}, not in {event.theatre!r}",
                        "name a war of the same theatre",
                    )
                )
            elif ended.takes_effect.start > event.takes_effect.start:
                problems.append(
                    _problem(
                        event, raw, "ends", f"ends {event.ends!r}, which starts after the ceasefire", "check both dates"
                    )
                )
        if event.account_of and event.account_of in by_id and event.account_of != event.id:
            problems.extend(_account_problems(event, raw, by_id[event.account_of][0], reg))
    problems.extend(_cycles(by_id))
    if not problems:
        out: list[Any] = []
        problems.extend(_ambiguous_order(built, reg, out))
        problems.extend(_outside_existence(out, {e.id: raw for e, raw in built}))
        if steps is not None:
            steps.extend(out)
    return problems


def _outside_existence(steps: Sequence[Step], raws: dict[str, Position]) -> list[Problem]:
    """A position (or act) dated when its holder did not exist: after the holder's cessation
    (with no founding since), or before its first founding. Names both events."""
    marks: dict[str, list[tuple[Any, int, Event]]] = {}
    for step in steps:
        if isinstance(step.event, (Founding, Cessation)):
            rank = -1 if isinstance(step.event, Founding) else 1
            marks.setdefault(step.event.actor, []).append((step.instant, rank, step.event))
    if not marks:
        return []
    problems = []
    for step in steps:
        event = step.event
        raw = raws.get(event.id)
        if raw is None:
            continue
        for fact in step.sets:
            for holder in sorted(holders(fact) & marks.keys()):
                items = marks[holder]
                before = [m for m in items if (m[0], m[1]) <= (step.instant, 0)]
                other: Event
                if before and isinstance(before[-1][2], Cessation):
                    other, relation = before[-1][2], "after its holder {holder!r} ceased to exist ({other!r}, {date})"
                elif not before and isinstance(items[0][2], Founding):
                    other, relation = items[0][2], "before its holder {holder!r} was founded ({other!r}, {date})"
                else:
                    continue
                what = "an act" if fact.act else "a position"
                message = f"{what} dated {event.takes_effect.text}, " + relation.format(
                    holder=holder, other=other.id, date=other.takes_effect.text
                )
                problems.append(
                    _problem(
                        event,
                        raw,
                        "date",
                        message,
                        "check both dates: a holder holds positions only while it exists (docs/claims.md)",
                        ProblemCode.HOLDER_NOT_EXISTING,
                    )
                )
    return problems


def _account_problems(event: Event, raw: Position, other: Event, reg: Registry) -> list[Problem]:
    """An account must tell of the same happening: same kind, setting the same facts."""
    if other.kind != event.kind:
        return [
            _problem(
                event,
                raw,
                "account_of",
                f"account_of names a {other.kind}, but this is a {event.kind}",
                "accounts of one happening are events of the same kind",
            )
        ]
    mine = {(f.aspect, f.subject) for f in facts_of(event, reg)}
    theirs = {(f.aspect, f.subject) for f in facts_of(other, reg)}
    if mine != theirs:
        return [
            _problem(
                event,
                raw,
                "account_of",
                f"account_of names {other.id!r}, which is about another subject",
                "link only accounts of the same happening (same place, actor or post)",
            )
        ]
    return []


def _cycles(by_id: dict[str, tuple[Event, Position]]) -> list[Problem]:
    problems = []
    for start, (event, raw) in by_id.items():
        if not (event.replaces or event.account_of or isinstance(event, Retraction)):
            continue  # replaces, retracts and tells of no event: starts no cycle
        seen = {start}
        current = event
        while True:
            targets = [t for f, t in _links(current) if f in ("replaces", "retracts", "account_of")]
            if not targets or targets[0] not in by_id or targets[0] == current.id:
                break
            if targets[0] in seen:
                problems.append(
                    _problem(
                        event,
                        raw,
                        None,
                        "retractions, corrections or accounts form a cycle",
                        "a correction, retraction or account_of must name an older event",
                    )
                )
                break
            seen.add(targets[0])
            current = by_id[targets[0]][0]
    return problems


def _ambiguous_order(
    built: Sequence[tuple[Event, Position]], reg: Registry, out: list[Any] | None = None
) -> list[Problem]:
    """Two events in different files changing one fact from one instant have no order.

    Only events that count are compared, so a correction may keep the date of the
    event it replaces."""
    steps = timeline(counted_events([e for e, _ in built]), reg)
    if out is not None:
        out.extend(steps)
    if len({raw.file for _, raw in built}) < 2:
        return []  # one file: its order decides every tie
    raws = {e.id: raw for e, raw in built}
    problems = []
    seen: dict[tuple[object, Key], tuple[Event, Position]] = {}
    for step in steps:
        for key in step.keys:
            slot = (step.instant, key)
            if slot in seen and seen[slot][1].file != raws[step.event.id].file:
                other, other_raw = seen[slot]
                problems.append(
                    _problem(
                        step.event,
                        raws[step.event.id],
                        "date",
                        f"changes {key.aspect} of {key.subject!r} from the same instant as {other.id!r} "
                        f"in {other_raw.file}, so their order is undefined",
                        "put both events in one file (file order decides) or give one a more precise date",
                        ProblemCode.UNDEFINED_ORDER,
                    )
                )
            seen.setdefault(slot, (step.event, raws[step.event.id]))
    return problems
