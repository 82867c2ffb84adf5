"""One palette and legend for every picture: control by holder, conflict by kind, the rest by value.

A holder's colour depends only on the log (holders in order of first appearance in its
full timeline), never on what a picture happens to show, so Shusha's holder has the same
colour in the chart, on the map and in the explorer.
"""

from __future__ import annotations

import hashlib
import weakref
from collections.abc import Iterable, Mapping

import attrs

from statustrack.core.facts import Fact
from statustrack.log.load import Log
from statustrack.api.query import steps_for
from statustrack.core.registry import Registry

__all__ = ["BAND_KINDS", "KIND_COLOURS", "NO_HOLDER", "Palette", "Swatch", "palette_for"]

# Okabe-Ito, then further distinct hues: readable for the common colour-vision deficiencies.
HOLDER_COLOURS = ("#0072b2", "#e69f00", "#009e73", "#d55e00", "#cc79a7", "#56b4e9", "#8c564b",
                  "#f0e442", "#7f7f7f", "#17becf", "#bcbd22", "#9467bd")
# Conflict kinds stay clear of the holder colours: dark red war, brick offensive, pale ceasefire.
KIND_COLOURS = {"war": "#7f0000", "offensive": "#c2524a", "ceasefire": "#d9f0d3", "blockade": "#762a83",
                "deployment": "#92c5de"}
VALUE_COLOURS = ("#8dd3c7", "#bebada", "#fb8072", "#80b1d3", "#fdb462", "#b3de69", "#fccde5", "#bc80bd",
                 "#ccebc5", "#ffed6f")
OTHER = "#999999"
NO_HOLDER = "#ffffff"
BAND_KINDS = ("war", "offensive", "ceasefire")


@attrs.frozen
class Swatch:
    """One legend entry: what a colour means."""

    group: str  # "holder", "kind" or "value"
    ident: str
    label: str
    colour: str


#: The colour of a place whose holder the sources' accounts disagree on (both are named on the bar).
DISPUTED = "#9e9e9e"


def _hashed(text: str, colours: tuple[str, ...]) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return colours[int.from_bytes(digest[:4], "big") % len(colours)]


@attrs.frozen
class Palette:
    """Colours for one log: `holders` maps each holder id to its colour, `kinds` each event id to its kind."""

    holders: Mapping[str, str]
    kinds: Mapping[str, str]
    registry: Registry = attrs.field(repr=False)

    def holder(self, ident: str) -> str:
        """The colour of holder `ident` (a stable hashed colour for one the log never names)."""
        return self.holders.get(ident) or _hashed(ident, HOLDER_COLOURS)

    def kind_of(self, fact: Fact) -> str:
        """The kind of the event that began `fact`."""
        return self.kinds.get(fact.event, "")

    def swatch(self, fact: Fact) -> Swatch:
        """What colours `fact`: its holder (control), its event's kind (conflict), else its value."""
        if fact.aspect == "control" and fact.disputed:
            holders = " / ".join(dict.fromkeys(s.value for s in fact.supports if s.role == "account"))
            return Swatch("disputed", "disputed", f"{holders} (accounts differ)", DISPUTED)
        if fact.aspect == "control":
            holder = dict(fact.detail).get("holder", "")
            return Swatch("holder", holder, self.registry.name(holder), self.holder(holder))
        if fact.aspect == "conflict":
            kind = self.kind_of(fact)
            return Swatch("kind", kind, kind, KIND_COLOURS.get(kind, OTHER))
        return Swatch("value", fact.value, fact.value, _hashed(fact.value, VALUE_COLOURS))

    def legend(self, swatches: Iterable[Swatch]) -> tuple[Swatch, ...]:
        """The distinct swatches among `swatches`: holders in palette order, then kinds, then values."""
        groups = {"holder": 0, "disputed": 1, "kind": 2, "value": 3}
        swatches = [Swatch(s.group, s.ident, "holder differs by account", s.colour) if s.group == "disputed" else s
                    for s in swatches]
        order = {h: i for i, h in enumerate(self.holders)}
        unique = {(s.group, s.ident): s for s in swatches}
        return tuple(sorted(unique.values(), key=lambda s: (groups[s.group], order.get(s.ident, len(order)),
                                                             s.label)))


_PALETTES: weakref.WeakKeyDictionary[Log, Palette] = weakref.WeakKeyDictionary()


def palette_for(log: Log) -> Palette:
    """The log's palette (cached on the log): holders in order of first appearance."""
    if log not in _PALETTES:
        holders: dict[str, str] = {}
        for step in steps_for(log):
            for fact in step.sets:
                holder = dict(fact.detail).get("holder") if fact.aspect == "control" else None
                if holder and holder not in holders:
                    holders[holder] = HOLDER_COLOURS[len(holders) % len(HOLDER_COLOURS)]
        kinds = {e.id: e.kind for e in log.events}
        _PALETTES[log] = Palette(holders, kinds, log.registry)
    return _PALETTES[log]
