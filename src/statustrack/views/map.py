"""A map of control at a date: the ground (borders, coastlines), the places at their
coordinates coloured by holder, a legend and a scale bar, as SVG.

Offline by construction: the ground is a small cut of Natural Earth shipped in the package
(views/geo/caucasus.json, made by tools/cut_borders.py). The projection is
equirectangular, its x scaled by the cosine of the view's middle latitude, so distances
are true there and the scale bar is measured at that latitude.

A place whose holder is only possible at the date is drawn in the colour of the holder
certain by then (`otherwise`, white if none) inside a dashed ring in the possible
holder's colour; a place whose holder the accounts disagree on is drawn in stripes of each
account's holder (`palette.stripes_pattern`). A place without coordinates is drawn at its
parent area's point (`part_of`), dashed; with no such parent it is listed beside the map
with the reason. The explorer draws its map with the same functions.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Mapping, Sequence
from importlib import resources
from pathlib import Path

import attrs

from statustrack.api.query import at, steps_for
from statustrack.core.facts import Fact
from statustrack.core.history import versions
from statustrack.core.registry import Place
from statustrack.errors import StatustrackError
from statustrack.log.load import Log
from statustrack.views.palette import NO_HOLDER, NO_RECORD, Swatch, palette_for, stripes_pattern
from statustrack.views.svg import Node, canvas, element
from statustrack.views.timeline import FONT, runs_for

__all__ = [
    "ControlMap",
    "Ground",
    "MapError",
    "Marker",
    "Projection",
    "base_map",
    "control_map",
    "control_places",
    "disputed_swatches",
    "load_ground",
    "map",
    "map_legend",
    "place_labels",
    "positions",
    "projection",
    "render_map_svg",
]

MAP_W = 760
PAD = 30
MARGIN = 0.35  # degrees of ground shown around the outermost places
LAND = "#f3f1ea"
BORDER = "#6b6b6b"
COAST = "#4a90b8"
GROUND_FILE = "geo/caucasus.json"


class MapError(StatustrackError, ValueError):
    """The map cannot be drawn truthfully: its ground file is unreadable, or a place lies off it."""


@attrs.frozen
class Ground:
    """Country outlines, borders and coastlines (lon/lat lines) covering `bbox` (west, south, east, north)."""

    path: str
    bbox: tuple[float, float, float, float]
    countries: tuple[tuple[str, tuple[tuple[tuple[float, float], ...], ...]], ...]
    borders: tuple[tuple[tuple[float, float], ...], ...]
    coast: tuple[tuple[tuple[float, float], ...], ...]
    source: str


def load_ground(path: Path | None = None) -> Ground:
    """The ground at `path` (default: the shipped cut); a file that does not parse is a MapError naming it."""
    where = str(path) if path is not None else f"statustrack/views/{GROUND_FILE}"
    try:
        if path is None:
            text = resources.files("statustrack.views").joinpath(GROUND_FILE).read_text(encoding="utf-8")
        else:
            text = path.read_text(encoding="utf-8")
        data = json.loads(text)
        west, south, east, north = (float(v) for v in data["bbox"])
        countries = tuple((str(c["name"]), tuple(_line(r) for r in c["rings"])) for c in data["countries"])
        return Ground(
            where,
            (west, south, east, north),
            countries,
            tuple(_line(b) for b in data["borders"]),
            tuple(_line(c) for c in data["coast"]),
            str(data.get("source", "")),
        )
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as e:
        msg = f"the map's outline file {where} cannot be read: {type(e).__name__}: {e}"
        raise MapError(msg) from e


def _line(points: Sequence[Sequence[float]]) -> tuple[tuple[float, float], ...]:
    return tuple((float(x), float(y)) for x, y in points)


@functools.cache
def _shipped_ground() -> Ground:
    """The shipped cut, read once per process (it does not depend on the log)."""
    return load_ground()


@attrs.frozen
class Projection:
    """Equirectangular projection of a lon/lat box onto a `width` x `height` canvas, x scaled by
    cos(middle latitude)."""

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

    def km_per_px(self) -> float:
        """Kilometres per pixel along the middle latitude (the scale bar's scale)."""
        middle = math.radians((self.north + self.south) / 2)
        return (self.east - self.west) * 111.32 * math.cos(middle) / (self.width - 2 * PAD)


def projection(places: Sequence[Place], width: float = MAP_W, ground: Ground | None = None) -> Projection:
    """A projection of the places (those with coordinates) with a margin of ground around them,
    kept inside `ground`'s box; with no places, the whole ground."""
    lats = [p.lat for p in places if p.lat is not None]
    lons = [p.lon for p in places if p.lon is not None]
    if lats:
        south, north, west, east = min(lats) - MARGIN, max(lats) + MARGIN, min(lons) - MARGIN, max(lons) + MARGIN
    elif ground is not None:
        west, south, east, north = ground.bbox
    else:
        return Projection(0.0, 1.0, 0.0, 1.0, width, width * 0.6)
    squash = math.cos(math.radians((north + south) / 2))
    inner_w = width - 2 * PAD
    inner_h = inner_w * (north - south) / ((east - west) * squash)
    if inner_h > inner_w * 1.1:  # a tall box: fit the height instead and widen the longitudes
        inner_h = inner_w * 1.1
        extra = (inner_w * (north - south) / (inner_h * squash) - (east - west)) / 2
        west, east = west - extra, east + extra
    elif inner_h < inner_w * 0.5:
        extra = (inner_w * 0.5 * (east - west) * squash / inner_w - (north - south)) / 2
        south, north = south - extra, north + extra
        inner_h = inner_w * 0.5
    return Projection(west, east, south, north, width, inner_h + 2 * PAD)


def _check_on_ground(places: Sequence[Place], ground: Ground) -> None:
    west, south, east, north = ground.bbox
    for p in places:
        if p.lat is not None and p.lon is not None and not (south <= p.lat <= north and west <= p.lon <= east):
            msg = (
                f"place {p.name!r} ({p.id}) at {p.lat}, {p.lon} lies outside the map's ground {ground.path} "
                f"(longitude {west} to {east}, latitude {south} to {north})"
            )
            raise MapError(msg)


def positions(
    places: Sequence[Place], project: Projection, parents: Mapping[str, Place] | None = None
) -> dict[str, tuple[float, float]]:
    """Where each place is drawn: at its coordinates, else at its parent's (`parents`); a place on top
    of an earlier one (a town and its district) moves 18 px aside, so both stay visible."""
    out: dict[str, tuple[float, float]] = {}
    for place in places:
        at_ = place if place.lat is not None else (parents or {}).get(place.id)
        if at_ is None or at_.lat is None or at_.lon is None:
            continue
        x, y = project(at_.lat, at_.lon)
        turn = 0
        while any(math.hypot(x - ox, y - oy) < 18 for ox, oy in out.values()) and turn < 8:
            angle = math.pi / 4 * turn
            x, y = round(x + 18 * math.cos(angle), 2), round(y + 18 * math.sin(angle), 2)
            turn += 1
        out[place.id] = (x, y)
    return out


def parent_points(log: Log, places: Sequence[Place]) -> dict[str, Place]:
    """For each place without coordinates, its nearest enclosing area (`part_of`, followed up) that has them."""
    out = {}
    for place in places:
        seen, up = {place.id}, place.part_of
        while place.lat is None and up and up not in seen and up in log.registry.places:
            parent = log.registry.places[up]
            if parent.lat is not None and parent.lon is not None:
                out[place.id] = parent
                break
            seen.add(up)
            up = parent.part_of
    return out


def control_places(log: Log) -> tuple[Place, ...]:
    """The places whose control the log tracks (any control fact names them), by name."""
    ids = {dict(r.fact.about).get("place") for r in runs_for(log, None) if r.key.aspect == "control"}
    places = [log.registry.places[i] for i in ids if i is not None and i in log.registry.places]
    return tuple(sorted(places, key=lambda p: (p.name.casefold(), p.id)))


def disputed_swatches(log: Log) -> tuple[Swatch, ...]:
    """Every disputed swatch any control fact of the log can have (the explorer needs them all)."""
    palette = palette_for(log)
    found = {}
    for v in versions(steps_for(log)):
        if v.fact.aspect == "control":
            s = palette.swatch(v.fact)
            if s.stripes:
                found[s.ident] = s
    return tuple(found[k] for k in sorted(found))


@attrs.frozen
class Marker:
    """One place on the map: where (None when not drawn), who holds it, and the fact saying so.

    `parent` is the area whose point it is drawn at, when it has no coordinates of its own."""

    place: Place
    x: float | None
    y: float | None
    fact: Fact | None
    fill: str
    ring: str | None
    swatch: Swatch | None
    otherwise: Swatch | None
    parent: Place | None = None

    @property
    def drawn(self) -> bool:
        """True when the place is on the map."""
        return self.x is not None


@attrs.frozen
class ControlMap:
    """The map at one date: the ground, markers, the legend and a title."""

    title: str
    when: str
    projection: Projection
    markers: tuple[Marker, ...]
    legend: tuple[Swatch, ...]
    ground: Ground


def control_map(
    log: Log,
    when: str,
    *,
    known_at: str | None = None,
    subjects: Sequence[str] | None = None,
    ground: Ground | None = None,
) -> ControlMap:
    """The map of control at `when` (as `at` answers it), of the places about `subjects`, drawn
    over `ground` (default: the shipped cut of Natural Earth)."""
    answer = at(log, when, known_at=known_at, aspects=["control"], subjects=subjects)
    palette = palette_for(log)
    facts: Mapping[str, Fact] = {dict(f.about).get("place", ""): f for f in answer.facts if not f.pending}
    places = control_places(log)
    if subjects:
        places = tuple(p for p in places if p.id in facts)
    ground = ground if ground is not None else _shipped_ground()
    _check_on_ground(places, ground)
    parents = parent_points(log, places)
    project = projection(places, ground=ground)
    points = positions(places, project, parents)
    markers = []
    for place in places:
        x, y = points.get(place.id, (None, None))
        parent = parents.get(place.id)
        fact = facts.get(place.id)
        if fact is None:
            markers.append(Marker(place, x, y, None, NO_RECORD, None, None, None, parent))
            continue
        swatch = palette.swatch(fact)
        if fact.certainty == "possible":
            previous = fact.settled_before(answer.instant)
            before = palette.swatch(previous) if previous is not None else None
            markers.append(
                Marker(place, x, y, fact, before.paint if before else NO_HOLDER, swatch.colour, swatch, before, parent)
            )
        else:
            markers.append(Marker(place, x, y, fact, swatch.paint, None, swatch, None, parent))
    legend = palette.legend([s for m in markers for s in (m.swatch, m.otherwise) if s is not None])
    known = f", as recorded by {known_at}" if known_at else ""
    title = f"{log.name}: control at {when} ({log.timezone}{known})"
    return ControlMap(title, when, project, tuple(markers), legend, ground)


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
        options = [
            (x + 11, y + 4, "start", (x + 10, y - 8, x + 12 + w, y + 6)),
            (x - 11, y + 4, "end", (x - 12 - w, y - 8, x - 10, y + 6)),
            (x, y + 22, "middle", (x - w / 2, y + 10, x + w / 2, y + 24)),
            (x, y - 14, "middle", (x - w / 2, y - 26, x + w / 2, y - 12)),
        ]
        choice = next((o for o in options if not any(_boxes_overlap(o[3], t) for t in taken)), options[0])
        taken.append(choice[3])
        out.append((choice[0], choice[1], choice[2]))
    return out


def _path(points: Sequence[tuple[float, float]], p: Projection, close: bool) -> str:
    xy = [p(lat, lon) for lon, lat in points]
    text = "M" + " L".join(f"{x:g} {y:g}" for x, y in xy)
    return text + (" Z" if close else "")


def _ground_layer(parent: Node, g: Ground, p: Projection, avoid: Sequence[tuple[float, float]]) -> None:
    """Land, coastlines, borders and country names (placed away from the `avoid` points), clipped to
    the frame."""
    layer = parent.add(element("g", class_="ground", clip_path="url(#frame)"))
    land = layer.add(element("g", class_="land", fill=LAND, stroke="none"))
    for name, rings in g.countries:
        land.add(element("path", d=" ".join(_path(r, p, True) for r in rings), data_country=name))
    lines = layer.add(element("g", fill="none", stroke_linejoin="round"))
    for coast in g.coast:
        lines.add(element("path", d=_path(coast, p, False), stroke=COAST, stroke_width="1.2", class_="coast"))
    for border in g.borders:
        lines.add(
            element(
                "path",
                d=_path(border, p, False),
                stroke=BORDER,
                stroke_width="1.2",
                stroke_dasharray="6 2 1.5 2",
                class_="border",
            )
        )
    names = layer.add(
        element(
            "g",
            class_="country-names",
            font_size=13,
            fill="#8a8578",
            font_style="italic",
            text_anchor="middle",
            letter_spacing="2",
        )
    )
    taken = list(avoid)
    for name, rings in g.countries:
        spot = _label_spot([[p(lat, lon) for lon, lat in r] for r in rings], p, taken, len(name) * 10)
        if spot is not None:
            names.add(element("text", name.upper(), x=spot[0], y=spot[1] + 4))
            taken += [(spot[0] + dx, spot[1]) for dx in (-len(name) * 5, 0, len(name) * 5)]


def _inside(x: float, y: float, ring: Sequence[tuple[float, float]]) -> bool:
    """Ray casting: is (x, y) inside the ring?"""
    hit = False
    for (ax, ay), (bx, by) in zip(ring, (*ring[1:], ring[0]), strict=True):
        if (ay > y) != (by > y) and x < ax + (y - ay) * (bx - ax) / (by - ay):
            hit = not hit
    return hit


def _edge_distance(x: float, y: float, rings: Sequence[Sequence[tuple[float, float]]]) -> float:
    """The distance from (x, y) to the nearest vertex of the rings (close enough for placing a name)."""
    return min(math.hypot(x - ax, y - ay) for r in rings for ax, ay in r)


def _label_spot(
    rings: Sequence[Sequence[tuple[float, float]]], p: Projection, avoid: Sequence[tuple[float, float]], text_w: float
) -> tuple[float, float] | None:
    """A point inside the country, in the frame, as far as possible from the `avoid` points (at least
    40 px), so its name covers no place; None when there is no such point."""
    best: tuple[float, float, float] | None = None
    step = 16
    for gx in range(int(PAD + text_w / 2), int(p.width - PAD - text_w / 2), step):
        for gy in range(PAD + 20, int(p.height - PAD - 20), step):
            x, y = float(gx), float(gy)
            if not any(_inside(x, y, r) for r in rings):
                continue
            clear_ = min((math.hypot((x - ax) / (text_w / 2 + 20), (y - ay) / 24) for ax, ay in avoid), default=9.0)
            if clear_ < 1.0 or (best is not None and min(clear_, 3.0) + 2 <= best[0]):
                continue
            score = min(clear_, 3.0) + min(_edge_distance(x, y, rings) / 40, 2.0)
            if best is None or score > best[0]:
                best = (score, x, y)
    return None if best is None else (best[1], best[2])


def _scale_bar(parent: Node, p: Projection) -> None:
    """A bar of a round number of kilometres, true at the middle latitude."""
    km_per_px = p.km_per_px()
    length = next((k for k in (1, 2, 5, 10, 20, 25, 50, 100, 200, 500, 1000) if k / km_per_px >= p.width / 8), 1000)
    px = length / km_per_px
    x, y = p.width - PAD - px, p.height - 14
    bar = parent.add(element("g", class_="scale", data_km=str(length), data_px=round(px, 2)))
    bar.add(element("rect", x=x - 6, y=y - 16, width=px + 12, height=24.0, fill="#ffffff", fill_opacity="0.8"))
    bar.add(element("rect", x=x, y=y, width=px / 2, height=4.0, fill="#222222"))
    bar.add(
        element(
            "rect", x=x + px / 2, y=y, width=px / 2, height=4.0, fill="#ffffff", stroke="#222222", stroke_width="0.8"
        )
    )
    bar.add(
        element(
            "text",
            f"{length} km (at {(p.north + p.south) / 2:.1f}°N)",
            x=x + px / 2,
            y=y - 4,
            text_anchor="middle",
            font_size=10,
        )
    )


def _graticule(parent: Node, p: Projection) -> None:
    """Faint lines every half degree, labelled."""
    group = parent.add(
        element("g", class_="graticule", stroke="#d8dde2", stroke_width="0.6", font_size=9, fill="#8899aa")
    )
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
        group.add(element("text", f"{lon:.1f}°E", x=x + 2, y=12.0, stroke="none"))
        lon += 0.5


def base_map(m: ControlMap, patterns: Sequence[Swatch] = ()) -> Node:
    """The map drawing (ground, graticule, markers, scale) as an `<svg>` element of the projection's size;
    `patterns` adds the stripes of disputed swatches not on this map (the explorer needs all)."""
    p = m.projection
    root = element(
        "svg",
        xmlns="http://www.w3.org/2000/svg",
        width=p.width,
        height=p.height,
        viewBox=f"0 0 {p.width:g} {p.height:g}",
        font_family=FONT,
        font_size=12,
        class_="map-frame",
    )
    defs = root.add(element("defs"))
    clip = defs.add(element("clipPath", id="frame"))
    clip.add(element("rect", x=0.0, y=0.0, width=p.width, height=p.height))
    stripes = {s.ident: s for s in (*patterns, *(s for mk in m.markers for s in (mk.swatch, mk.otherwise) if s))}
    for s in sorted(stripes.values(), key=lambda s: s.ident):
        if s.stripes:
            defs.add(stripes_pattern(s))
    root.add(element("rect", x=0.0, y=0.0, width=p.width, height=p.height, fill="#dfe9f0", class_="sea"))
    _ground_layer(root, m.ground, p, [(mk.x, mk.y) for mk in m.markers if mk.x is not None and mk.y is not None])
    _graticule(root, p)
    root.add(element("rect", x=0.5, y=0.5, width=p.width - 1, height=p.height - 1, fill="none", stroke="#999999"))
    drawn = sorted(
        ((mk, mk.x, mk.y) for mk in m.markers if mk.x is not None and mk.y is not None),
        key=lambda item: (item[2], item[1]),
    )
    labels = place_labels([(_name(mk), x, y) for mk, x, y in drawn])
    places = root.add(element("g", class_="places"))
    for (mk, _, _), (lx, ly, anchor) in zip(drawn, labels, strict=True):
        _marker(places, mk, lx, ly, anchor)
    _scale_bar(root, p)
    return root


def render_map_svg(m: ControlMap) -> str:
    """The map as a standalone SVG document: title, the map, and beside it the legend and the unplaced."""
    frame = base_map(m)
    missing = [mk for mk in m.markers if not mk.drawn]
    side = 380
    width = m.projection.width + side + 20
    legend = map_legend(m.legend, width=side, unplaced=missing)
    height = max(m.projection.height, _legend_height(len(m.legend), len(missing), 1)) + 56
    root = canvas(width, height, FONT, 12, "statustrack-map")
    root.add(element("rect", width=width, height=height, fill="#ffffff"))
    root.add(element("text", m.title, x=10, y=22, font_size=14, font_weight="bold"))
    frame.attrs.update({"x": 10.0, "y": 34.0})
    root.add(frame)
    legend.attrs.update({"x": m.projection.width + 20, "y": 34.0})
    root.add(legend)
    note = f"Ground: {m.ground.source}; public domain."
    root.add(element("text", note, x=10, y=height - 8, font_size=10, fill="#666666"))
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + root.markup()


def _name(mk: Marker) -> str:
    possible = " ?" if mk.fact is not None and mk.fact.certainty == "possible" else ""
    return mk.place.name + possible


def _describe(mk: Marker) -> str:
    where = f" (no coordinates: drawn at {mk.parent.name})" if mk.parent is not None else ""
    if mk.fact is None:
        return f"{mk.place.name}{where}: no control fact on record"
    fact = mk.fact
    text = f"{mk.place.name}{where}: {fact.value}, since {fact.since} ({fact.event})"
    if fact.certainty == "possible":
        text += f"; possible: if not yet, {fact.otherwise or 'nothing on record'}"
    return text


def _marker(parent: Node, mk: Marker, lx: float, ly: float, anchor: str) -> None:
    fact = mk.fact
    group = parent.add(
        element(
            "g",
            class_="place",
            data_place=mk.place.id,
            data_holder=mk.swatch.ident if mk.swatch else "",
            data_certainty=fact.certainty if fact else "none",
            data_disputed="true" if mk.swatch is not None and mk.swatch.stripes else "false",
            data_parent=mk.parent.id if mk.parent else None,
            data_event=fact.event if fact else "",
        )
    )
    group.add(element("title", _describe(mk)))
    group.add(
        element(
            "circle",
            cx=mk.x,
            cy=mk.y,
            r=11.0,
            fill="none",
            stroke=mk.ring or "none",
            stroke_width=3,
            stroke_dasharray="4 3",
            class_="possible-ring",
        )
    )
    group.add(
        element(
            "circle",
            cx=mk.x,
            cy=mk.y,
            r=7.0,
            fill=mk.fill,
            stroke="#222222",
            stroke_width="1.2",
            stroke_dasharray="2 1.5" if mk.parent else None,
            class_="marker",
        )
    )
    group.add(
        element(
            "text",
            _name(mk),
            x=lx,
            y=ly,
            text_anchor=anchor,
            stroke="#ffffff",
            stroke_width=3,
            paint_order="stroke",
            fill="#111111",
            class_="name",
        )
    )


_FIXED_ENTRIES = 5  # the ring, no record, drawn at its area, border, coastline


def _legend_height(swatches: int, unplaced: int, columns: int) -> float:
    rows = (swatches + _FIXED_ENTRIES + columns - 1) // columns
    return float(24 + rows * 20 + (18 * unplaced + 26 if unplaced else 0))


def map_legend(
    legend: Sequence[Swatch], *, width: float = 380, unplaced: Sequence[Marker] = (), columns: int = 1
) -> Node:
    """The map's legend as an `<svg>` element: every holder and dispute, the possible ring, no record,
    the place drawn at its parent's point, the ground's lines, and the places not drawn."""
    entries: list[tuple[str, dict[str, object], str]] = []
    defs = element("defs")
    for s in legend:
        if s.stripes:
            defs.add(stripes_pattern(s))
        entries.append(("swatch", {"fill": s.paint, "data_swatch": f"{s.group}:{s.ident}"}, s.label))
    entries += [
        ("ring", {}, "dashed ring: possible holder; fill: holder if not yet"),
        ("swatch", {"fill": NO_RECORD, "data_swatch": "none:no-record"}, "no control fact on record"),
        ("parent", {}, "dashed outline: drawn at its area's point"),
        ("line", {"stroke": BORDER, "stroke_dasharray": "6 2 1.5 2"}, "international border"),
        ("line", {"stroke": COAST}, "coastline"),
    ]
    col_w = width / columns
    rows = (len(entries) + columns - 1) // columns
    height = _legend_height(len(legend), len(unplaced), columns)
    root = canvas(width, height, FONT, 12, "map-legend")
    root.add(defs)
    root.add(element("text", "held by", x=4, y=14, font_weight="bold"))
    for i, (kind, style, label) in enumerate(entries):
        x, y = 4 + (i // rows) * col_w, 34 + (i % rows) * 20
        entry = root.add(element("g", class_="legend-entry", data_label=label))
        if kind == "swatch":
            entry.add(element("circle", cx=x + 7, cy=y - 4, r=6.5, stroke="#222222", **style))
        elif kind == "ring":
            entry.add(
                element(
                    "circle",
                    cx=x + 7,
                    cy=y - 4,
                    r=7.0,
                    fill="none",
                    stroke="#555555",
                    stroke_width=2.5,
                    stroke_dasharray="3 2",
                )
            )
        elif kind == "parent":
            entry.add(
                element("circle", cx=x + 7, cy=y - 4, r=6.5, fill=NO_HOLDER, stroke="#222222", stroke_dasharray="2 1.5")
            )
        else:
            entry.add(element("line", x1=x, x2=x + 16, y1=y - 4, y2=y - 4, stroke_width="1.5", **style))
        entry.add(element("text", label, x=x + 22, y=y))
    if unplaced:
        y = 34 + rows * 20 + 8
        root.add(element("text", "not drawn (no coordinates, no area with any):", x=4, y=y, font_weight="bold"))
        for mk in unplaced:
            y += 18
            holder = mk.swatch.label if mk.swatch else "no record"
            entry = root.add(
                element(
                    "g", class_="unplaced", data_place=mk.place.id, data_holder=mk.swatch.ident if mk.swatch else ""
                )
            )
            entry.add(element("rect", x=4, y=y - 10, width=10.0, height=10.0, fill=mk.fill, stroke="#222222"))
            entry.add(element("text", f"{mk.place.name}: {holder}", x=20, y=y))
    return root


def map(
    log: Log,
    when: str,
    *,
    known_at: str | None = None,  # named after its command; no builtin map here
    subjects: Sequence[str] | None = None,
) -> str:
    """The `map` command's picture: the `control_map` at `when` as a standalone SVG document."""
    return render_map_svg(control_map(log, when, known_at=known_at, subjects=subjects))
