"""Facts: the unit of state. A fact is `(aspect, subject) -> value`, with where it came from."""

from __future__ import annotations

import attrs

from .dates import Interval
from .events import SourceRef

__all__ = ["ASPECTS", "Fact", "Key"]

ASPECTS = (
    "status", "conflict", "control", "recognition", "office", "officeholder", "relation",
    "resolution",
)

Key = tuple[str, str]


@attrs.frozen
class Fact:
    """What one event says about one subject, and when.

    `since` is the date text the fact took effect from, at its source's precision;
    `interval` is the instants that date may mean, from which `certainty` is worked out
    at query time: `certain` once the whole interval lies on or before the query instant,
    `possible` while it straddles it; a possible fact names in `otherwise` the value that
    holds if it has not happened yet. `detail` holds aspect-specific extra fields;
    `previous` links to the fact it replaced in the replay.
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
    certainty: str = "certain"
    otherwise: str | None = None
    otherwise_event: str | None = None
    previous: Fact | None = attrs.field(default=None, eq=False, repr=False)

    def settled_before(self, instant: object) -> Fact | None:
        """The latest earlier fact on this key that is certain by `instant`: what holds
        if this (possible) fact has not happened yet."""
        earlier = self.previous
        while earlier is not None and not earlier.interval.certain_by(instant):
            earlier = earlier.previous
        return earlier

    @property
    def key(self) -> Key:
        """The fact's identity in a state: (aspect, subject)."""
        return (self.aspect, self.subject)
