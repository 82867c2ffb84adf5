"""Facts: the unit of state. A fact is `(aspect, subject) -> value`, with where it came from.

A fact is a *value run*: `since` is when its value began (the date of the event that
began it), and later events that repeat the value join it as corroboration rather than
restart it. Accounts of one happening by different sources (another day, another holder)
make one fact that shows each account; its accounts stay data (`Fact.accounts`), and their
one-line display is made in one place (`accounts_value`). Whether a fact records an
ending (an office closed, a post vacant, a tie ended) is a field, `Fact.ended`.
"""

from __future__ import annotations

import enum
import functools
import operator
from collections.abc import Sequence

import attrs
import pendulum

from statustrack.core.dates import Interval
from statustrack.core.names import ID_ROLES
from statustrack.core.registry import SourceRef

__all__ = [
    "ASPECTS",
    "ID_ROLES",
    "STANCES",
    "Fact",
    "Key",
    "Lapse",
    "Rank",
    "Support",
    "SupportRole",
    "accounts_value",
    "rank",
]

ASPECTS = (
    "status",
    "conflict",
    "control",
    "recognition",
    "office",
    "officeholder",
    "relation",
    "resolution",
)

#: The stances a recognition fact can take.
STANCES = (
    "recognizes",
    "calls-for-recognition",
    "supports-self-determination",
    "affirms-territorial-integrity",
    "rejected-recognition",
    "rejected-territorial-integrity",
    "does-not-recognize",
    "withdrew-recognition",
)


@attrs.frozen(cache_hash=True)
class Key:
    """A fact's identity in a state: its aspect, its subject, and whether it is pending.

    A pending fact (announced, not yet in effect) never shares its key with the fact it
    will become. `subject` is an identifier built from the fact's structured fields
    (`Fact.about`); no code takes it apart. Keys order by aspect, subject, then pending.
    """

    aspect: str
    subject: str
    pending: bool = False

    # The order attrs would write (order=True), without its per-comparison walk over the
    # fields: sorting a history's versions compares keys some n log n times.
    def _rank(self) -> tuple[str, str, bool]:
        return (self.aspect, self.subject, self.pending)

    def __lt__(self, other: object) -> bool:
        return self._rank() < other._rank() if isinstance(other, Key) else NotImplemented

    def __le__(self, other: object) -> bool:
        return self._rank() <= other._rank() if isinstance(other, Key) else NotImplemented

    def __gt__(self, other: object) -> bool:
        return self._rank() > other._rank() if isinstance(other, Key) else NotImplemented

    def __ge__(self, other: object) -> bool:
        return self._rank() >= other._rank() if isinstance(other, Key) else NotImplemented


class SupportRole(enum.StrEnum):
    """How an event stands behind a fact (written as its value in JSON and the index)."""

    #: One source's account of the happening that began the fact (linked by `account_of`).
    ACCOUNT = "account"
    #: A later event repeating the value: it joins the run.
    CORROBORATION = "corroboration"
    #: A claim that contests an ending.
    DISPUTE = "dispute"


class Lapse(enum.StrEnum):
    """Why a position is no longer in force although nothing changed its value: its holder
    does not exist (docs/claims.md). A lapsed fact stays in the history (`history`, `why`,
    `diff` show where and why it ended); `at` never lists it."""

    #: Its holder ceased to exist (a `cessation`): the fact is the ending, set by that event.
    HOLDER_CEASED = "holder ceased to exist"
    #: It was stated after its holder ceased to exist (and no founding since): validation
    #: refuses such a log; the replay of one never shows the position.
    HOLDER_ABSENT = "holder did not exist"


@attrs.frozen
class Support:
    """One event behind a fact, in a `role`, with what it says: its value (as displayed),
    since when, its sources, and its own fields (`detail`, as a fact's: a stance, a holder)."""

    role: SupportRole = attrs.field(converter=SupportRole)
    event: str
    value: str
    since: str
    interval: Interval = attrs.field(repr=False)
    sources: tuple[SourceRef, ...]
    detail: tuple[tuple[str, str], ...] = ()

    def certain_by(self, instant: pendulum.DateTime) -> bool:
        """True when, by this event's account, it has certainly happened by `instant`."""
        return self.interval.certain_by(instant)


@attrs.frozen
class Fact:
    """What the log says holds about one subject, since when, and on whose word.

    `since` is the date text (standard EDTF) the value's run began, at its source's
    precision; `interval` is when that may have been: from the first instant of the
    first event of the run to the earliest instant by which one of its events certainly
    happened. `certainty` is worked out at query time: `certain` once the run has
    certainly begun, `possible` while it may not have; a possible fact names in
    `otherwise` the value that holds if it has not happened yet. `about` holds the
    subject's structured fields (role, id or text); `refs` every place or actor id the
    fact concerns, with what they are part of. `supports` lists the accounts and
    corroborations; `accounts` those of them that are accounts of the happening that began
    the run; `disputed` is true when accounts disagree on the value or a claim contests the
    fact's ending. `ended` is true when the fact records that a standing position ended
    (an office closed, a post vacant, a tie ended), so nothing can end it again. A pending
    fact (`pending`) takes effect at `effective`. `act` is true when the fact records an
    act (`core.standing`): on record, never in force. `lapsed` says why a position is no
    longer in force although nothing changed it (its holder ceased to exist). `previous`
    links to the fact it replaced in the replay.
    """

    aspect: str
    subject: str
    subject_name: str
    value: str
    since: str
    interval: Interval = attrs.field(repr=False)
    event: str
    sources: tuple[SourceRef, ...]
    detail: tuple[tuple[str, str], ...] = ()
    about: tuple[tuple[str, str], ...] = ()
    refs: frozenset[str] = attrs.field(default=frozenset(), repr=False)
    pending: bool = False
    effective: Interval | None = attrs.field(default=None, repr=False)
    supports: tuple[Support, ...] = ()
    disputed: bool = False
    ended: bool = False
    certainty: str = "certain"
    otherwise: str | None = None
    otherwise_event: str | None = None
    act: bool = False
    lapsed: Lapse | None = None
    previous: Fact | None = attrs.field(default=None, eq=False, repr=False)

    @functools.cached_property
    def key(self) -> Key:
        """The fact's identity in a state (made once per fact)."""
        return Key(self.aspect, self.subject, self.pending)

    @property
    def accounts(self) -> tuple[Support, ...]:
        """The accounts of the happening that began the fact, earliest first (none: one account)."""
        return tuple(s for s in self.supports if s.role is SupportRole.ACCOUNT)

    @property
    def agreed(self) -> str | None:
        """The value every account of the fact gives (its value when it has one account);
        None when the accounts name different values. What JSON's `value` holds."""
        accounts = self.accounts
        if accounts and len({a.value for a in accounts}) > 1:
            return None
        return self.value

    @property
    def dates_differ(self) -> bool:
        """True when the accounts of the happening that began the fact give different dates."""
        return len({str(a.interval) for a in self.accounts}) > 1

    @property
    def events(self) -> tuple[str, ...]:
        """Every event behind the fact: the one that began it, then its supports, in order."""
        seen = [self.event]
        for support in self.supports:
            if support.event not in seen and support.role is not SupportRole.DISPUTE:
                seen.append(support.event)
        return tuple(seen)

    @property
    def in_force(self) -> bool:
        """True when the fact is a standing position (or state) in force: not an act, not lapsed."""
        return not self.act and self.lapsed is None

    def certain_by(self, instant: pendulum.DateTime) -> bool:
        """True when the value has certainly begun by `instant`."""
        return self.interval.certain_by(instant)

    def replacing(self, previous: Fact | None) -> Fact:
        """This fact as the replay holds it after `previous`, the fact it replaced.

        `attrs.evolve(self, previous=previous)`, with every other field read in one call:
        `_OWN_FIELDS` reads every field but `previous`, the last, in order, so `previous`
        goes after them (one star argument: mypy cannot count the fields read)."""
        return Fact(*(*_OWN_FIELDS(self), previous))

    def joined(self, later: Fact) -> Fact:
        """This run with `later`, which repeats its value, joined as corroboration."""
        supports = (*self.supports, later.support(SupportRole.CORROBORATION), *later.supports)
        sources = self.sources + tuple(s for s in later.sources if s not in self.sources)
        interval = self.interval
        if later.interval.end < interval.end:
            interval = attrs.evolve(interval, end=max(later.interval.end, interval.start))
        return attrs.evolve(self, supports=supports, sources=sources, interval=interval)

    def support(self, role: SupportRole) -> Support:
        """What this fact says, as one event behind another fact, in `role`."""
        return Support(role, self.event, self.value, self.since, self.interval, self.sources, self.detail)

    def settled_before(self, instant: pendulum.DateTime) -> Fact | None:
        """The latest earlier fact on this key that is certain by `instant`: what holds
        if this (possible) fact has not happened yet."""
        earlier = self.previous
        while earlier is not None and not earlier.certain_by(instant):
            earlier = earlier.previous
        return earlier


def accounts_value(accounts: Sequence[Support]) -> str:
    """The value a fact shows for `accounts` of one happening: theirs if they agree, else
    each value with the sources that give it, in order (`Ruritania (per src-a); Borduria (per src-b)`).

    The one place accounts are joined into a line: everything else reads them as data."""
    values = list(dict.fromkeys(a.value for a in accounts))
    if len(values) == 1:
        return values[0]
    return "; ".join(
        f"{v} (per {', '.join(dict.fromkeys(s.id for a in accounts if a.value == v for s in a.sources))})"
        for v in values
    )


#: Every field of a fact but `previous` (its last), in order: what `Fact.replacing` copies.
_OWN_FIELDS = operator.attrgetter(*(a.name for a in attrs.fields(Fact) if a.name != "previous"))
assert attrs.fields(Fact)[-1].name == "previous"


#: Where a fact goes in an answer (see `rank`).
Rank = tuple[int, str, bool, str, str]
_ASPECT_ORDER = {a: i for i, a in enumerate(ASPECTS)}


def rank(fact: Fact) -> Rank:
    """Where `fact` goes in an answer: by aspect (in `ASPECTS` order, unknown aspects
    last), pending last, then subject name (case-folded), then subject."""
    return (
        _ASPECT_ORDER.get(fact.aspect, len(ASPECTS)),
        fact.aspect,
        fact.pending,
        fact.subject_name.casefold(),
        fact.subject,
    )
