"""Cut the map's ground (country borders and coastlines) out of Natural Earth, once.

    cd /tmp && npm install world-atlas@2.0.2
    python tools/cut_borders.py /tmp/node_modules/world-atlas/countries-10m.json

reads the TopoJSON of Natural Earth's 1:10m admin-0 countries (public domain, packaged
by world-atlas), decodes its quantized, delta-encoded arcs, keeps what crosses the
region's box, simplifies every line (Douglas-Peucker) and writes
src/statustrack/views/geo/caucasus.json: the box, each country's rings clipped to the box
(for the fill), the borders (arcs two countries share) and the coastlines (arcs only one
country uses). The output is deterministic: rerunning the script gives the same bytes.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Sequence
from pathlib import Path

Point = tuple[float, float]
Line = list[Point]

#: west, south, east, north: the South Caucasus with a margin around Nagorno-Karabakh.
REGION = (43.0, 38.0, 49.0, 42.0)
TOLERANCE = 0.003  # degrees (about 300 m): finer than a pixel at the maps' scale
OUT = Path(__file__).resolve().parent.parent / "src" / "statustrack" / "views" / "geo" / "caucasus.json"


def decode_arcs(topology: dict) -> list[Line]:
    """The topology's arcs as lon/lat lines (undoing quantization and delta encoding)."""
    transform = topology.get("transform")
    arcs = []
    for arc in topology["arcs"]:
        if transform is None:
            arcs.append([(float(x), float(y)) for x, y, *_ in arc])
            continue
        (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
        x = y = 0
        line = []
        for dx, dy, *_ in arc:
            x, y = x + dx, y + dy
            line.append((x * sx + tx, y * sy + ty))
        arcs.append(line)
    return arcs


def ring_of(indices: Sequence[int], arcs: Sequence[Line]) -> Line:
    """A ring stitched from arc indices (a negative index ~i is arc i reversed)."""
    ring: Line = []
    for i in indices:
        arc = arcs[i] if i >= 0 else arcs[~i][::-1]
        ring.extend(arc if not ring else arc[1:])
    return ring


def inside(p: Point, box: Sequence[float]) -> bool:
    """True when `p` lies in the box."""
    return box[0] <= p[0] <= box[2] and box[1] <= p[1] <= box[3]


def clip_ring(ring: Line, box: Sequence[float]) -> Line:
    """Sutherland-Hodgman: the part of a polygon ring inside the box (good for a fill)."""
    west, south, east, north = box
    edges = [
        (lambda p: p[0] >= west, lambda a, b: _at_x(a, b, west)),
        (lambda p: p[0] <= east, lambda a, b: _at_x(a, b, east)),
        (lambda p: p[1] >= south, lambda a, b: _at_y(a, b, south)),
        (lambda p: p[1] <= north, lambda a, b: _at_y(a, b, north)),
    ]
    out = ring
    for keep, cross in edges:
        if not out:
            break
        points, out = out, []
        prev = points[-1]
        for p in points:
            if keep(p):
                if not keep(prev):
                    out.append(cross(prev, p))
                out.append(p)
            elif keep(prev):
                out.append(cross(prev, p))
            prev = p
    return out


def _at_x(a: Point, b: Point, x: float) -> Point:
    t = (x - a[0]) / (b[0] - a[0])
    return x, a[1] + t * (b[1] - a[1])


def _at_y(a: Point, b: Point, y: float) -> Point:
    t = (y - a[1]) / (b[1] - a[1])
    return a[0] + t * (b[0] - a[0]), y


def clip_line(line: Line, box: Sequence[float]) -> list[Line]:
    """The pieces of a polyline inside the box, each extended by one point beyond it (the
    drawing clips to its frame, so the piece still reaches the edge)."""
    pieces: list[Line] = []
    current: Line = []
    for i, p in enumerate(line):
        if inside(p, box):
            if not current and i > 0:
                current.append(line[i - 1])
            current.append(p)
        elif current:
            current.append(p)
            pieces.append(current)
            current = []
    if current:
        pieces.append(current)
    return [piece for piece in pieces if len(piece) > 1]


def simplify(line: Line, tolerance: float) -> Line:
    """Douglas-Peucker, iteratively (rings close on themselves: their ends are kept)."""
    if len(line) < 3:
        return line
    keep = [False] * len(line)
    keep[0] = keep[-1] = True
    stack = [(0, len(line) - 1)]
    while stack:
        first, last = stack.pop()
        (ax, ay), (bx, by) = line[first], line[last]
        length = math.hypot(bx - ax, by - ay)
        worst, where = 0.0, -1
        for i in range(first + 1, last):
            px, py = line[i]
            if length == 0:
                d = math.hypot(px - ax, py - ay)
            else:
                d = abs((bx - ax) * (ay - py) - (ax - px) * (by - ay)) / length
            if d > worst:
                worst, where = d, i
        if worst > tolerance:
            keep[where] = True
            stack += [(first, where), (where, last)]
    return [p for p, k in zip(line, keep, strict=True) if k]


def _rounded(line: Line) -> list[list[float]]:
    out: list[list[float]] = []
    for x, y in line:
        point = [round(x, 4), round(y, 4)]
        if not out or out[-1] != point:
            out.append(point)
    return out


def cut(topology: dict, box: Sequence[float], tolerance: float) -> dict:
    """The ground inside `box`: countries (clipped rings), borders and coastlines."""
    arcs = decode_arcs(topology)
    uses: dict[int, int] = {}
    countries = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        polygons = {"Polygon": [geometry.get("arcs", [])], "MultiPolygon": geometry.get("arcs", [])}.get(
            geometry["type"], []
        )
        rings = []
        for polygon in polygons:
            for indices in polygon:
                for i in indices:
                    uses[i if i >= 0 else ~i] = uses.get(i if i >= 0 else ~i, 0) + 1
                clipped = clip_ring(simplify(ring_of(indices, arcs), tolerance), box)
                if len(clipped) >= 3:
                    rings.append(_rounded(clipped))
        if rings:
            countries.append({"name": geometry.get("properties", {}).get("name", ""), "rings": rings})
    borders, coast = [], []
    for i, arc in enumerate(arcs):
        for piece in clip_line(simplify(arc, tolerance), box):
            (borders if uses.get(i, 0) > 1 else coast).append(_rounded(piece))
    countries.sort(key=lambda c: c["name"])
    return {"bbox": list(box), "countries": countries, "borders": borders, "coast": coast}


def main(argv: Sequence[str] | None = None) -> int:
    """Read the TopoJSON named on the command line, write the cut."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("topojson", type=Path, help="world-atlas's countries-10m.json")
    parser.add_argument("-o", "--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    topology = json.loads(args.topojson.read_text(encoding="utf-8"))
    ground = cut(topology, REGION, TOLERANCE)
    ground = {
        "about": "Country borders and coastlines of the South Caucasus, cut by tools/cut_borders.py",
        "source": "Natural Earth 1:10m Admin 0 - Countries (v5), via the npm package world-atlas 2.0.2 "
        "(countries-10m.json)",
        "licence": "public domain (Natural Earth terms of use: https://www.naturalearthdata.com/about/terms-of-use/)",
        **ground,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(ground, separators=(",", ":"), ensure_ascii=False) + "\n", encoding="utf-8")
    points = sum(len(r) for c in ground["countries"] for r in c["rings"]) + sum(
        len(line) for line in ground["borders"] + ground["coast"]
    )
    print(
        f"wrote {args.out}: {len(ground['countries'])} countries, {len(ground['borders'])} border lines, "
        f"{len(ground['coast'])} coast lines, {points} points, {args.out.stat().st_size} bytes"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
