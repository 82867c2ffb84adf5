"""What an answer says, for a reader: the summary that opens `statustrack at`.

Built once from an `Answer` (every fact in force at one instant) as data, so the table, the
JSON and the HTML explorer show the same content: the polity's status as each party states
it; who controls which places (counted per holder) and which places changed hands in the
recent window; the offices and who holds the posts; recognition counted by stance and by
level, with the most notable actors named; the state of the conflicts; the recent acts.
Every count is a count of the answer's facts (a law checks it); nothing reads a display
string: holders, stances and levels are the facts' own fields, and a fact whose accounts
disagree is counted under `DISPUTED`, never under one account's value.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, NamedTuple

from statustrack.core.shown import DISPUTED, LEVELS, Row, micros_of, year_before

if TYPE_CHECKING:
    from statustrack.api.answer import Answer
    from statustrack.core.registry import Registry

__all__ = ["CLOSED", "DISPUTED", "NOTABLE", "Item", "StanceTally", "Summary", "Tally", "summarise", "summarise_rows"]

#: The key under which an ended office (closed, or closed by a dissolution) is counted.
CLOSED = "closed"
#: How many recognitions the summary names, the highest levels first (`LEVELS` order).
NOTABLE = 4
_LEVEL_ORDER = {level: i for i, level in enumerate(LEVELS)}


class Item(NamedTuple):
    """One fact as the summary names it: its subject, its value (the readable line), since
    when, how certain at the instant, and the event that began it."""

    aspect: str
    subject: str
    label: str
    value: str
    since: str
    certainty: str
    event: str

    @classmethod
    def of(cls, row: Row, label: str | None = None) -> Item:
        """The item for the fact `row`, named `label` (default: its subject's name)."""
        return cls(row.aspect, row.subject, label or row.name, row.value, row.since, row.certainty, row.event)


class Tally(NamedTuple):
    """How many facts share one `key` (a holder's id, a state, a level, an aspect), how the
    key reads (`label`), and the subjects counted, in answer order."""

    key: str
    label: str
    count: int  # type: ignore[assignment]  # the field, not tuple.count: the JSON key
    subjects: tuple[str, ...] = ()


class StanceTally(NamedTuple):
    """The recognition facts of one stance: how many, and how many per level of actor."""

    stance: str
    label: str
    count: int  # type: ignore[assignment]  # the field, not tuple.count: the JSON key
    levels: tuple[Tally, ...]


class Summary(NamedTuple):
    """The summary of an answer at `at` (`instant`); `recent_from` starts the recent window.
    `control_possible` counts the places whose holder may not have taken them yet."""

    at: str
    instant: dt.datetime
    recent_from: dt.datetime
    facts: int
    aspects: tuple[Tally, ...]
    pending: int
    status: tuple[Item, ...]
    control: tuple[Tally, ...]
    control_possible: int
    control_changed: tuple[Item, ...]
    offices: tuple[Tally, ...]
    officeholders: tuple[Item, ...]
    recognition: tuple[StanceTally, ...]
    notable: tuple[Item, ...]
    conflict: tuple[Item, ...]
    acts: tuple[Item, ...]

    @property
    def places(self) -> int:
        """How many places the control tallies count."""
        return sum(t.count for t in self.control)

    @property
    def recognitions(self) -> int:
        """How many recognition facts the stance tallies count."""
        return sum(t.count for t in self.recognition)


def _tallies(rows: Iterable[Row], key: Callable[[Row], str], label: Callable[[str, Row], str]) -> tuple[Tally, ...]:
    """`rows` counted by `key`, largest first (ties by label), each with its subjects."""
    groups: dict[str, list[Row]] = {}
    for row in rows:
        groups.setdefault(key(row), []).append(row)
    tallies = [Tally(k, label(k, group[0]), len(group), tuple(f.name for f in group)) for k, group in groups.items()]
    return tuple(sorted(tallies, key=lambda t: (-t.count, t.key == DISPUTED, t.label.casefold())))


def _holder_label(key: str, row: Row) -> str:
    if key == DISPUTED:
        return "accounts differ"
    return row.holder_name if key else row.value


def _level_label(key: str, row: Row) -> str:
    return "accounts differ" if key == DISPUTED else key.replace("-", " ") if key else "level not recorded"


def _stances(rows: Sequence[Row]) -> tuple[StanceTally, ...]:
    out = []
    for stance in _tallies(rows, lambda f: f.stance, lambda k, f: "accounts differ" if k == DISPUTED else f.value):
        members = [f for f in rows if f.stance == stance.key]
        out.append(
            StanceTally(stance.key, stance.label, stance.count, _tallies(members, lambda f: f.level, _level_label))
        )
    return tuple(out)


def _notable(rows: Sequence[Row]) -> tuple[Item, ...]:
    """The recognitions by the highest levels of actor (a UN member before a city), at most NOTABLE."""

    def level(row: Row) -> int:
        return _LEVEL_ORDER.get(row.level, len(LEVELS))

    ranked = sorted((f for f in rows if level(f) < _LEVEL_ORDER["parliament"]), key=level)
    return tuple(Item.of(f) for f in ranked[:NOTABLE])


def summarise(answer: Answer, registry: Registry) -> Summary:
    """The summary of `answer`: every count over its facts (pending facts counted apart)."""
    from statustrack.core.shape import row_of

    return summarise_rows(
        answer.at,
        answer.instant,
        [row_of(f, registry) for f in answer.facts],
        [row_of(f, registry) for f in answer.acts],
    )


def summarise_rows(at: str, instant: dt.datetime, facts: Sequence[Row], acts: Sequence[Row]) -> Summary:
    """The summary at `instant` (asked as `at`) of the facts in force and the recent acts,
    as rows in answer order: what `summarise` counts, from an answer or from the index."""
    settled = [f for f in facts if not f.pending]
    by_aspect: dict[str, list[Row]] = {}
    for row in settled:
        by_aspect.setdefault(row.aspect, []).append(row)
    recent_from = year_before(instant)
    recent = micros_of(recent_from)

    def of(aspect: str) -> list[Row]:
        return by_aspect.get(aspect, [])

    control = of("control")
    changed = sorted((f for f in control if f.start > recent), key=lambda f: f.start, reverse=True)
    aspects = _tallies(settled, lambda f: f.aspect, lambda k, f: k)
    return Summary(
        at=at,
        instant=instant,
        recent_from=recent_from,
        facts=len(settled),
        aspects=aspects,
        pending=len(facts) - len(settled),
        status=tuple(Item.of(f, f.stated) for f in of("status")),
        control=_tallies(control, lambda f: f.holder, _holder_label),
        control_possible=sum(f.certainty == "possible" for f in control),
        control_changed=tuple(Item.of(f) for f in changed),
        offices=_tallies(
            of("office"),
            lambda f: CLOSED if f.ended else f.agreed or DISPUTED,
            lambda k, f: "accounts differ" if k == DISPUTED else k,
        ),
        officeholders=tuple(Item.of(f) for f in of("officeholder")),
        recognition=_stances(of("recognition")),
        notable=_notable(of("recognition")),
        conflict=tuple(Item.of(f) for f in of("conflict")),
        acts=tuple(Item.of(f) for f in acts),
    )
