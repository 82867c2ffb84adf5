"""One palette and legend for every picture: control by holder, everything else by event kind.

A colour means one thing across every chart of a log: a holder's colour depends only on
the log (holders in order of first appearance in its full timeline), an event kind's
colour only on the kind (conflict kinds fixed, the others in order of first appearance
in the log), and the two sets never share a colour. So Shusha's holder has the same
colour in the chart, on the map and in the explorer, and no resolution is drawn in the
colour of a deployment.

A control fact the sources' accounts disagree on is *disputed*: it is drawn in diagonal
stripes of each account's holder colour (the same pattern on the map, in the explorer and
on the timeline), with its own legend entry.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Iterable, Mapping

import attrs

from statustrack.api.query import steps_for
from statustrack.core.facts import Fact
from statustrack.core.registry import Registry
from statustrack.log.load import Log
from statustrack.views.svg import Node, element

__all__ = [
    "BAND_KINDS",
    "KIND_COLOURS",
    "NO_HOLDER",
    "NO_RECORD",
    "Palette",
    "Swatch",
    "palette_for",
    "stripes_pattern",
]

# Okabe-Ito, then further distinct hues: readable for the common colour-vision deficiencies.
HOLDER_COLOURS = (
    "#0072b2",
    "#e69f00",
    "#009e73",
    "#d55e00",
    "#cc79a7",
    "#56b4e9",
    "#8c564b",
    "#f0e442",
    "#7f7f7f",
    "#17becf",
    "#bcbd22",
    "#9467bd",
)
# Conflict kinds stay clear of the holder colours: dark red war, brick offensive, pale ceasefire.
KIND_COLOURS = {
    "war": "#7f0000",
    "offensive": "#c2524a",
    "ceasefire": "#d9f0d3",
    "blockade": "#762a83",
    "deployment": "#92c5de",
}
# Every other kind, in order of first appearance in the log: none equal to a colour above.
OTHER_KIND_COLOURS = (
    "#e7298a",
    "#b2df8a",
    "#fb9a99",
    "#fdbf6f",
    "#cab2d6",
    "#ffff99",
    "#01665e",
    "#8e0152",
    "#dfc27d",
    "#4d4d4d",
    "#666600",
    "#f1b6da",
    "#b35806",
    "#2d004b",
    "#7fbc41",
    "#bababa",
)
OTHER = "#999999"
NO_HOLDER = "#ffffff"
#: A place the log tracks with no control fact at the date.
NO_RECORD = "#dddddd"
BAND_KINDS = ("war", "offensive", "ceasefire")
_GROUPS = {"holder": 0, "disputed": 1, "kind": 2, "none": 3}


@attrs.frozen
class Swatch:
    """One legend entry: what a colour (or, when `stripes` is set, a striped pattern) means."""

    group: str  # "holder", "disputed", "kind" or "none"
    ident: str
    label: str
    colour: str
    stripes: tuple[str, ...] = ()

    @property
    def paint(self) -> str:
        """The SVG fill: the colour, or a reference to the stripes pattern."""
        return f"url(#{self.pattern})" if self.stripes else self.colour

    @property
    def pattern(self) -> str:
        """The id of the stripes pattern (`disputed-armenia-artsakh`)."""
        return "disputed-" + re.sub(r"[^A-Za-z0-9_-]", "_", self.ident.replace(" ", "-"))


def stripes_pattern(swatch: Swatch) -> Node:
    """The `<pattern>` drawing a disputed swatch: 4 px diagonal stripes, one per account's holder,
    each followed by a 1 px white line so that neighbouring hues stay apart."""
    width = 5 * len(swatch.stripes)
    pattern = element(
        "pattern",
        id=swatch.pattern,
        patternUnits="userSpaceOnUse",
        width=width,
        height=width,
        patternTransform="rotate(45)",
        class_="stripes",
        data_swatch=f"disputed:{swatch.ident}",
    )
    pattern.add(element("rect", x=0, y=0, width=width, height=width, fill=NO_HOLDER))
    for i, colour in enumerate(swatch.stripes):
        pattern.add(element("rect", x=5 * i, y=0, width=4, height=width, fill=colour))
    return pattern


@attrs.frozen
class Palette:
    """Colours for one log: `holders` maps each holder id to its colour, `kinds` each event id to its
    kind, `kind_colours` each kind to its colour."""

    holders: Mapping[str, str]
    kinds: Mapping[str, str]
    kind_colours: Mapping[str, str]
    registry: Registry = attrs.field(repr=False)

    def holder(self, ident: str) -> str:
        """The colour of holder `ident` (grey for one the log never names as a holder)."""
        return self.holders.get(ident, OTHER)

    def kind_of(self, fact: Fact) -> str:
        """The kind of the event that began `fact`."""
        return self.kinds.get(fact.event, "")

    def holder_swatch(self, ident: str) -> Swatch:
        """The legend entry of holder `ident`."""
        return Swatch("holder", ident, self.registry.name(ident), self.holder(ident))

    def kind_swatch(self, kind: str) -> Swatch:
        """The legend entry of event kind `kind`."""
        return Swatch("kind", kind, kind, self.kind_colours.get(kind, OTHER))

    def account_holders(self, fact: Fact) -> tuple[str, ...]:
        """The holders a control fact's accounts name: its own first, then each account's, once each."""
        own = dict(fact.detail).get("holder", "")
        by_name = {self.registry.name(h): h for h in self.holders}
        others = (by_name.get(s.value, "") for s in fact.supports if s.role == "account")
        return tuple(h for h in dict.fromkeys((own, *others)) if h)

    def swatch(self, fact: Fact) -> Swatch:
        """What colours `fact`: its holder (control; stripes when disputed), else its event's kind."""
        if fact.aspect == "control":
            holders = self.account_holders(fact)
            if fact.disputed and len(holders) > 1:
                names = " / ".join(self.registry.name(h) for h in holders)
                return Swatch(
                    "disputed",
                    "+".join(holders),
                    f"{names}: accounts differ",
                    OTHER,
                    tuple(self.holder(h) for h in holders),
                )
            return self.holder_swatch(dict(fact.detail).get("holder", ""))
        return self.kind_swatch(self.kind_of(fact))

    def legend(self, swatches: Iterable[Swatch]) -> tuple[Swatch, ...]:
        """The distinct swatches among `swatches`, with the holder of every stripe of a disputed
        one: holders in palette order, then disputes, then kinds, then the rest."""
        unique: dict[tuple[str, str], Swatch] = {}
        for s in swatches:
            unique[(s.group, s.ident)] = s
            if s.group == "disputed":
                for h in s.ident.split("+"):
                    unique.setdefault(("holder", h), self.holder_swatch(h))
        order = {h: i for i, h in enumerate((*self.holders, *self.kind_colours))}
        return tuple(
            sorted(unique.values(), key=lambda s: (_GROUPS.get(s.group, 9), order.get(s.ident, len(order)), s.label))
        )


_PALETTES: weakref.WeakKeyDictionary[Log, Palette] = weakref.WeakKeyDictionary()


def palette_for(log: Log) -> Palette:
    """The log's palette (cached on the log): holders in order of first appearance, then kinds."""
    if log not in _PALETTES:
        holders: dict[str, str] = {}
        for step in steps_for(log):
            for fact in step.sets:
                holder = dict(fact.detail).get("holder") if fact.aspect == "control" else None
                if holder and holder not in holders:
                    holders[holder] = HOLDER_COLOURS[len(holders) % len(HOLDER_COLOURS)]
        kinds = {e.id: e.kind for e in log.events}
        kind_colours = dict(KIND_COLOURS)
        free = [c for c in OTHER_KIND_COLOURS if c not in holders.values()]
        for kind in dict.fromkeys(kinds.values()):
            if kind not in kind_colours:
                kind_colours[kind] = free[(len(kind_colours) - len(KIND_COLOURS)) % len(free)]
        _PALETTES[log] = Palette(holders, kinds, kind_colours, log.registry)
    return _PALETTES[log]
