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

from collections.abc import Callable, Iterable, Sequence

import attrs
import pendulum

from statustrack.api.answer import Answer
from statustrack.core.facts import Fact
from statustrack.core.registry import LEVELS, Registry

__all__ = ["CLOSED", "DISPUTED", "NOTABLE", "RECENT", "Item", "StanceTally", "Summary", "Tally", "summarise"]

#: How far back "recent" reaches by default: control changes and acts of the preceding year.
RECENT = pendulum.duration(years=1)
#: The key under which a fact whose accounts name different values is counted.
DISPUTED = "disputed"
#: The key under which an ended office (closed, or closed by a dissolution) is counted.
CLOSED = "closed"
#: How many recognitions the summary names, the highest levels first (`LEVELS` order).
NOTABLE = 4
_LEVEL_ORDER = {level: i for i, level in enumerate(LEVELS)}


@attrs.frozen
class Item:
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
    def of(cls, fact: Fact, label: str | None = None) -> Item:
        """The item for `fact`, named `label` (default: its subject's name)."""
        return cls(
            fact.aspect, fact.subject, label or fact.subject_name, fact.value, fact.since, fact.certainty, fact.event
        )


@attrs.frozen
class Tally:
    """How many facts share one `key` (a holder's id, a state, a level, an aspect), how the
    key reads (`label`), and the subjects counted, in answer order."""

    key: str
    label: str
    count: int
    subjects: tuple[str, ...] = ()


@attrs.frozen
class StanceTally:
    """The recognition facts of one stance: how many, and how many per level of actor."""

    stance: str
    label: str
    count: int
    levels: tuple[Tally, ...]


@attrs.frozen
class Summary:
    """The summary of an answer at `at` (`instant`); `recent_from` starts the recent window.
    `control_possible` counts the places whose holder may not have taken them yet."""

    at: str
    instant: pendulum.DateTime
    recent_from: pendulum.DateTime
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


def _field(fact: Fact, name: str) -> str:
    """The fact's own field `name`, or DISPUTED when its accounts give different ones."""
    found = {dict(fact.detail).get(name, "")} | {dict(a.detail).get(name, "") for a in fact.accounts}
    return found.pop() if len(found) == 1 else DISPUTED


def _tallies(facts: Iterable[Fact], key: Callable[[Fact], str], label: Callable[[str, Fact], str]) -> tuple[Tally, ...]:
    """`facts` counted by `key`, largest first (ties by label), each with its subjects."""
    groups: dict[str, list[Fact]] = {}
    for fact in facts:
        groups.setdefault(key(fact), []).append(fact)
    tallies = [
        Tally(k, label(k, group[0]), len(group), tuple(f.subject_name for f in group)) for k, group in groups.items()
    ]
    return tuple(sorted(tallies, key=lambda t: (-t.count, t.key == DISPUTED, t.label.casefold())))


def _holder_label(registry: Registry) -> Callable[[str, Fact], str]:
    def label(key: str, fact: Fact) -> str:
        if key == DISPUTED:
            return "accounts differ"
        return registry.name(key) if key else fact.value

    return label


def _level_label(key: str, fact: Fact) -> str:
    return "accounts differ" if key == DISPUTED else key.replace("-", " ") if key else "level not recorded"


def _stances(facts: Sequence[Fact]) -> tuple[StanceTally, ...]:
    out = []
    for stance in _tallies(
        facts, lambda f: _field(f, "stance"), lambda k, f: "accounts differ" if k == DISPUTED else f.value
    ):
        members = [f for f in facts if _field(f, "stance") == stance.key]
        out.append(
            StanceTally(
                stance.key, stance.label, stance.count, _tallies(members, lambda f: _field(f, "level"), _level_label)
            )
        )
    return tuple(out)


def _notable(facts: Sequence[Fact]) -> tuple[Item, ...]:
    """The recognitions by the highest levels of actor (a UN member before a city), at most NOTABLE."""

    def level(fact: Fact) -> int:
        return _LEVEL_ORDER.get(_field(fact, "level"), len(LEVELS))

    ranked = sorted((f for f in facts if level(f) < _LEVEL_ORDER["parliament"]), key=level)
    return tuple(Item.of(f) for f in ranked[:NOTABLE])


def _stated_by(fact: Fact, registry: Registry) -> str:
    """Whose word a status fact is: `per <party>` for a party's claim, else the polity's name."""
    party = dict(fact.about).get("party")
    return f"per {registry.name(party)}" if party else fact.subject_name


def summarise(answer: Answer, registry: Registry, recent: pendulum.Duration = RECENT) -> Summary:
    """The summary of `answer`: every count over its facts (pending facts counted apart)."""
    settled = [f for f in answer.facts if not f.pending]
    by_aspect: dict[str, list[Fact]] = {}
    for fact in settled:
        by_aspect.setdefault(fact.aspect, []).append(fact)
    recent_from = answer.instant - recent

    def of(aspect: str) -> list[Fact]:
        return by_aspect.get(aspect, [])

    control = of("control")
    changed = sorted(
        (f for f in control if f.interval.start > recent_from), key=lambda f: f.interval.start, reverse=True
    )
    aspects = _tallies(settled, lambda f: f.aspect, lambda k, f: k)
    return Summary(
        at=answer.at,
        instant=answer.instant,
        recent_from=recent_from,
        facts=len(settled),
        aspects=aspects,
        pending=len(answer.facts) - len(settled),
        status=tuple(Item.of(f, _stated_by(f, registry)) for f in of("status")),
        control=_tallies(control, lambda f: _field(f, "holder"), _holder_label(registry)),
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
        acts=tuple(Item.of(f) for f in answer.acts),
    )
