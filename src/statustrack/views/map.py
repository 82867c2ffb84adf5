"""A map of control at a date: places at their coordinates, coloured by holder, as SVG.

Offline by construction: no tiles, no outlines, no network; points and labels on an
equirectangular projection of the places' bounding box. A place whose holder is only
possible at the date is drawn in the colour of the holder certain by then (`otherwise`,
white if none) inside a dashed ring in the possible holder's colour. Places the log tracks
but without coordinates are listed beside the map, not drawn.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import attrs

from statustrack.core.facts import Fact
from statustrack.log.load import Log
from statustrack.api.query import at
from statustrack.core.registry import Place
from statustrack.views.palette import NO_HOLDER, Palette, Swatch, palette_for
from statustrack.views.svg import Node, element
from statustrack.views.timeline import FONT, runs_for

__all__ = ["Marker", "Projection", "control_map", "control_places", "map", "place_labels", "positions",
           "projection", "render_map_svg"]

MAP_W = 760
PAD = 60


@attrs.frozen
class Projection:
    """Equirectangular projection of a bounding box onto a `width` x `height` canvas."""

    west: float
    east: float
    south: float
    north: float
    width: float
    height: float

    def __call__(self, lat: float, lon: float) -> tuple[float, float]:
        """The (x, y) of a point."""
        x = PAD + (lon - self.west) / (self.east - self.west) * (self.width - 2 * PAD)
        y = PAD + (self.north - lat) / (self.north - self.south) * (self.height - 2 * PAD)
        return round(x, 2), round(y, 2)


def projection(places: Sequence[Place], width: float = MAP_W) -> Projection:
    """A projection fitting `places` (those with coordinates), keeping distances true at mid-latitude."""
    lats = [p.lat for p in places if p.lat is not None]
    lons = [p.lon for p in places if p.lon is not None]
    if not lats:
        return Projection(0.0, 1.0, 0.0, 1.0, width, width * 0.6)
    south, north, west, east = min(lats), max(lats), min(lons), max(lons)
    if north - south < 0.05:
        south, north = south - 0.05, north + 0.05
    if east - west < 0.05:
        west, east = west - 0.05, east + 0.05
    squash = math.cos(math.radians((north + south) / 2))
    inner_w = width - 2 * PAD
    inner_h = inner_w * (north - south) / ((east - west) * squash)
    if inner_h > inner_w * 1.2:  # a tall box: fit the height instead and widen the longitudes
        inner_h = inner_w * 1.2
        extra = (inner_w * (north - south) / (inner_h * squash) - (east - west)) / 2
        west, east = west - extra, east + extra
    elif inner_h < inner_w * 0.4:
        extra = (inner_w * 0.4 * (east - west) * squash / inner_w - (north - south)) / 2
        south, north = south - extra, north + extra
        inner_h = inner_w * 0.4
    return Projection(west, east, south, north, width, inner_h + 2 * PAD)


def positions(places: Sequence[Place], project: Projection) -> dict[str, tuple[float, float]]:
    """Where each place with coordinates is drawn; a place on top of an earlier one (a town and
    its district) moves 18 px aside, so both stay visible."""
    out: dict[str, tuple[float, float]] = {}
    for place in places:
        if place.lat is None or place.lon is None:
            continue
        x, y = project(place.lat, place.lon)
        turn = 0
        while any(math.hypot(x - ox, y - oy) < 18 for ox, oy in out.values()) and turn < 8:
            angle = math.pi / 4 * turn
            x, y = round(x + 18 * math.cos(angle), 2), round(y + 18 * math.sin(angle), 2)
            turn += 1
        out[place.id] = (x, y)
    return out


def control_places(log: Log) -> tuple[Place, ...]:
    """The places whose control the log tracks (any control fact names them), by name."""
    ids = {dict(r.fact.about).get("place") for r in runs_for(log, None) if r.key.aspect == "control"}
    places = [log.registry.places[i] for i in ids if i in log.registry.places]
    return tuple(sorted(places, key=lambda p: (p.name.casefold(), p.id)))


@attrs.frozen
class Marker:
    """One place on the map: where, who holds it (certainly or possibly), and the fact saying so."""

    place: Place
    x: float | None
    y: float | None
    fact: Fact | None
    fill: str
    ring: str | None
    swatch: Swatch | None
    otherwise: Swatch | None

    @property
    def drawn(self) -> bool:
        """True when the place has coordinates."""
        return self.x is not None


@attrs.frozen
class ControlMap:
    """The map at one date: markers, the legend and a title."""

    title: str
    when: str
    projection: Projection
    markers: tuple[Marker, ...]
    legend: tuple[Swatch, ...]


def _holder_swatch(palette: Palette, holder: str) -> Swatch:
    return Swatch("holder", holder, palette.registry.name(holder), palette.holder(holder))


def control_map(log: Log, when: str, *, known_at: str | None = None, subjects: Sequence[str] | None = None) -> ControlMap:
    """The map of control at `when` (as `at` answers it), of the places about `subjects`."""
    answer = at(log, when, known_at=known_at, aspects=["control"], subjects=subjects)
    palette = palette_for(log)
    facts: Mapping[str, Fact] = {dict(f.about).get("place", ""): f for f in answer.facts if not f.pending}
    places = control_places(log)
    if subjects:
        places = tuple(p for p in places if p.id in facts)
    project = projection(places)
    points = positions(places, project)
    markers = []
    for place in places:
        x, y = points.get(place.id, (None, None))
        fact = facts.get(place.id)
        if fact is None:
            markers.append(Marker(place, x, y, None, "#dddddd", None, None, None))
            continue
        swatch = palette.swatch(fact)
        if fact.certainty == "possible":
            previous = fact.settled_before(answer.instant)
            before = palette.swatch(previous) if previous is not None else None
            markers.append(Marker(place, x, y, fact, before.colour if before else NO_HOLDER, swatch.colour,
                                  swatch, before))
        else:
            markers.append(Marker(place, x, y, fact, swatch.colour, None, swatch, None))
    legend = palette.legend([s for m in markers for s in (m.swatch, m.otherwise) if s is not None])
    known = f", as recorded by {known_at}" if known_at else ""
    title = f"{log.name}: control at {when} ({log.timezone}{known})"
    return ControlMap(title, when, project, tuple(markers), legend)


def _boxes_overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def place_labels(points: Sequence[tuple[str, float, float]], char_w: float = 6.6) -> list[tuple[float, float, str]]:
    """Greedy label placement: right of the point, else left, below or above, avoiding markers and earlier labels.

    Returns (x, y, text-anchor) per point, in the given order.
    """
    taken: list[tuple[float, float, float, float]] = [(x - 9, y - 9, x + 9, y + 9) for _, x, y in points]
    out = []
    for name, x, y in points:
        w = len(name) * char_w
        options = [(x + 11, y + 4, "start", (x + 10, y - 8, x + 12 + w, y + 6)),
                   (x - 11, y + 4, "end", (x - 12 - w, y - 8, x - 10, y + 6)),
                   (x, y + 22, "middle", (x - w / 2, y + 10, x + w / 2, y + 24)),
                   (x, y - 14, "middle", (x - w / 2, y - 26, x + w / 2, y - 12))]
        choice = next((o for o in options if not any(_boxes_overlap(o[3], t) for t in taken)), options[0])
        taken.append(choice[3])
        out.append((choice[0], choice[1], choice[2]))
    return out


def render_map_svg(m: ControlMap) -> str:
    """The map as a standalone SVG document."""
    drawn = [mk for mk in m.markers if mk.drawn]
    missing = [mk for mk in m.markers if not mk.drawn]
    side = 260
    width = m.projection.width + side
    legend_h = 20 * (len(m.legend) + 3) + 30
    list_h = 18 * len(missing) + 40 if missing else 0
    height = max(m.projection.height + 40, 40 + legend_h + list_h)
    root = element("svg", xmlns="http://www.w3.org/2000/svg", width=width, height=height,
                   viewBox=f"0 0 {width:g} {height:g}", font_family=FONT, font_size=12, class_="statustrack-map")
    root.add(element("rect", width=width, height=height, fill="#ffffff"))
    root.add(element("text", m.title, x=10, y=22, font_size=14, font_weight="bold"))
    frame = root.add(element("g", transform="translate(0 30)"))
    frame.add(element("rect", x=1.0, y=1.0, width=m.projection.width - 2, height=m.projection.height - 2,
                      fill="#f4f7f9", stroke="#cccccc"))
    _graticule(frame, m.projection)
    order = sorted(drawn, key=lambda mk: (mk.y, mk.x))
    labels = place_labels([(mk.place.name, mk.x, mk.y) for mk in order])
    for mk, (lx, ly, anchor) in zip(order, labels, strict=True):
        _marker(frame, mk, lx, ly, anchor)
    _side(root, m, missing, m.projection.width + 10)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + root.markup()


def _graticule(parent: Node, p: Projection) -> None:
    """Faint lines every half degree, labelled, so the points have a frame of reference."""
    group = parent.add(element("g", class_="graticule", stroke="#dde3e8", stroke_width="0.8", font_size=9,
                               fill="#8899aa"))
    lat = math.ceil(p.south * 2) / 2
    while lat <= p.north:
        _, y = p(lat, p.west)
        group.add(element("line", x1=0.0, x2=p.width, y1=y, y2=y))
        group.add(element("text", f"{lat:.1f}°N", x=4.0, y=y - 2, stroke="none"))
        lat += 0.5
    lon = math.ceil(p.west * 2) / 2
    while lon <= p.east:
        x, _ = p(p.south, lon)
        group.add(element("line", x1=x, x2=x, y1=0.0, y2=p.height))
        group.add(element("text", f"{lon:.1f}°E", x=x + 2, y=p.height - 4, stroke="none"))
        lon += 0.5


def _describe(mk: Marker) -> str:
    if mk.fact is None:
        return f"{mk.place.name}: no control fact on record"
    fact = mk.fact
    text = f"{mk.place.name}: {fact.value}, since {fact.since} ({fact.event})"
    if fact.certainty == "possible":
        text += f"; possible: if not yet, {fact.otherwise or 'nothing on record'}"
    return text


def _marker(parent: Node, mk: Marker, lx: float, ly: float, anchor: str) -> None:
    fact = mk.fact
    group = parent.add(element("g", class_="place", data_place=mk.place.id,
                               data_holder=mk.swatch.ident if mk.swatch else "",
                               data_certainty=fact.certainty if fact else "none",
                               data_event=fact.event if fact else ""))
    group.add(element("title", _describe(mk)))
    if mk.ring is not None:
        group.add(element("circle", cx=mk.x, cy=mk.y, r=11.0, fill="none", stroke=mk.ring, stroke_width=3,
                          stroke_dasharray="4 3", class_="possible-ring"))
    group.add(element("circle", cx=mk.x, cy=mk.y, r=7.0, fill=mk.fill, stroke="#222222", stroke_width="1.2",
                      class_="marker"))
    if fact is not None and fact.disputed:
        group.add(element("circle", cx=mk.x, cy=mk.y, r=2.5, fill="#222222", class_="disputed"))
    group.add(element("text", mk.place.name + (" ?" if fact is not None and fact.certainty == "possible" else ""),
                      x=lx, y=ly, text_anchor=anchor, stroke="#ffffff", stroke_width=3, paint_order="stroke",
                      fill="#111111", class_="name"))


def _side(root: Node, m: ControlMap, missing: Sequence[Marker], x: float) -> None:
    group = root.add(element("g", class_="legend"))
    y = 52.0
    group.add(element("text", "held by", x=x, y=y, font_weight="bold"))
    for s in m.legend:
        y += 20
        group.add(element("circle", cx=x + 7, cy=y - 4, r=6.0, fill=s.colour, stroke="#222222",
                          data_swatch=f"{s.group}:{s.ident}"))
        group.add(element("text", s.label, x=x + 20, y=y))
    y += 24
    group.add(element("circle", cx=x + 7, cy=y - 4, r=9.0, fill="none", stroke="#555555", stroke_width=3,
                      stroke_dasharray="4 3"))
    group.add(element("text", "ring: possible holder", x=x + 22, y=y))
    y += 20
    group.add(element("text", "(fill: holder if not yet)", x=x + 22, y=y, fill="#555555"))
    y += 20
    group.add(element("circle", cx=x + 7, cy=y - 4, r=6.0, fill="#ffffff", stroke="#222222"))
    group.add(element("circle", cx=x + 7, cy=y - 4, r=2.5, fill="#222222"))
    group.add(element("text", "dot: sources disagree", x=x + 20, y=y))
    if missing:
        y += 32
        group.add(element("text", "not drawn (no coordinates):", x=x, y=y, font_weight="bold"))
        for mk in missing:
            y += 18
            holder = mk.swatch.label if mk.swatch else "no record"
            entry = group.add(element("g", class_="unplaced", data_place=mk.place.id,
                                      data_holder=mk.swatch.ident if mk.swatch else ""))
            entry.add(element("rect", x=x, y=y - 10, width=10.0, height=10.0, fill=mk.fill, stroke="#222222"))
            entry.add(element("text", f"{mk.place.name}: {holder}", x=x + 16, y=y))


def map(log: Log, when: str, *, known_at: str | None = None,  # noqa: A001 - named after its command; no builtin map here
        subjects: Sequence[str] | None = None) -> str:
    """The `map` command's picture: the `control_map` at `when` as a standalone SVG document."""
    return render_map_svg(control_map(log, when, known_at=known_at, subjects=subjects))
