"""The pictures without a browser: the timeline and map SVGs read back as data, the explorer's
data, escaping, and the import cost of `at`."""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pendulum
import pytest

from statustrack.core.dates import parse_when
from statustrack.log.load import load_log
from statustrack.views.html import _json_for_script, day_ends, html, micros, payload
from statustrack.views.map import MapError, control_map, load_ground, render_map_svg
from statustrack.views.palette import palette_for
from statustrack.views.timeline import LABEL_W, RIGHT, WIDTH, chart, render_svg, runs_for

from ..support import GEO

NS = {"s": "http://www.w3.org/2000/svg"}


def _x(day: str, lo: str, hi: str, tz: str = "Asia/Baku") -> float:
    """The x an independent reading of the chart's scale gives the start of local day `day`."""
    start = pendulum.parse(day, tz=tz)
    a, b = pendulum.parse(lo, tz=tz), pendulum.parse(hi, tz=tz).end_of("day")
    share = (start - a).total_seconds() / (b - a).total_seconds()
    return LABEL_W + share * (WIDTH - LABEL_W - RIGHT)


@pytest.fixture(scope="module")
def geo():
    """The geo fixture log."""
    return load_log(GEO)


def test_timeline_has_one_bar_per_run_at_its_dates_in_its_holders_colour(geo) -> None:
    """Each control run is one rect.run from its first day to its end, filled with its holder's colour."""
    svg = render_svg(chart(geo, aspects=["control"], from_="2000", to="2003"))
    root = ET.fromstring(svg)
    bars = root.findall(".//s:rect[@class='run']", NS)
    runs = [r for r in runs_for(geo, None) if r.key.aspect == "control" and not r.key.pending]
    assert len(bars) == len(runs) == 7
    palette = palette_for(geo)
    groups = root.findall(".//s:g[@class='run-group']", NS)
    found = {g.get("data-event"): g.find("s:rect[@class='run']", NS) for g in groups}
    expected = {  # event: (first day, last day or None, holder)
        "2000-01-10-north-red": ("2000-01-10", "2001-05-01", "red"),
        "2001-05-north-blue": ("2001-05-01", None, "blue"),
        "2000-01-10-south-red": ("2000-01-10", "2001-06-15", "red"),
        "2001-06-15-south-blue": ("2001-06-15", None, "blue"),
        "2000-01-10-hill-red": ("2000-01-10", None, "red"),
        "2000-01-10-west-red": ("2000-01-10", "2002-03-01", "red"),
        "2002-02-01-west-to-green": ("2002-03-01", None, "green"),
    }
    assert set(found) == set(expected)
    for event, (start, end, holder) in expected.items():
        rect = found[event]
        x0 = float(rect.get("x"))
        assert x0 == pytest.approx(_x(start, "2000-01-01", "2003-12-31"), abs=0.02), event
        x1 = x0 + float(rect.get("width"))
        right = _x(end, "2000-01-01", "2003-12-31") if end else WIDTH - RIGHT
        assert x1 == pytest.approx(right, abs=0.02), event
        assert rect.get("fill") == palette.holder(holder)
    assert palette.holder("red") != palette.holder("blue")


def test_timeline_marks_possible_and_pending_spans(geo) -> None:
    """The month-precision capture is hatched over May 2001; the announced hand-over is a pending bar."""
    root = ET.fromstring(render_svg(chart(geo, aspects=["control"], from_="2000", to="2003")))
    hatched = {
        g.get("data-event"): g.find("s:rect[@class='possible']", NS)
        for g in root.findall(".//s:g[@class='run-group']", NS)
    }
    spans = {  # a day is possible during itself; a month during the whole month
        "2001-05-north-blue": ("2001-05-01", "2001-06-01"),
        "2001-06-15-south-blue": ("2001-06-15", "2001-06-16"),
        "2002-02-01-west-to-green": ("2002-03-01", "2002-03-02"),
    }
    for event, (first, after) in spans.items():
        hatch = hatched[event]
        assert hatch.get("fill") in ("url(#possible)", "url(#possible-dark)")
        left, right = float(hatch.get("x")), float(hatch.get("x")) + float(hatch.get("width"))
        assert left == pytest.approx(_x(first, "2000-01-01", "2003-12-31"), abs=0.02), event
        assert right == pytest.approx(max(_x(after, "2000-01-01", "2003-12-31"), left + 1), abs=0.02), event
    pending = root.findall(".//s:rect[@class='pending']", NS)
    assert len(pending) == 1
    assert pending[0].get("data-from").startswith("2002-01-31T20:00")  # 2002-02-01 00:00 Baku (+04)


def test_timeline_band_shows_war_and_ceasefire(geo) -> None:
    """The conflict band above the rows holds the war and then the ceasefire, in their kinds' colours."""
    root = ET.fromstring(render_svg(chart(geo, aspects=["control"])))
    band = root.find(".//s:g[@class='band']", NS)
    events = [g.get("data-event") for g in band.findall("s:g", NS)]
    assert events == ["2001-03-01-war", "2001-07-01-ceasefire"]


def test_timeline_zoom_and_ticks(geo) -> None:
    """--from/--to narrow the chart; ticks at the zoomed span are months."""
    root = ET.fromstring(render_svg(chart(geo, aspects=["control"], from_="2001-04", to="2001-07")))
    ticks = [t.text for t in root.findall(".//s:text[@class='tick']", NS)]
    assert ticks == ["Apr", "May", "Jun", "Jul"]


def test_map_colours_places_by_holder_and_marks_possible_ones(geo) -> None:
    """On 2001-05-20 North Town's Blue capture is possible: Red fill, Blue dashed ring; The Hill has no
    coordinates and is drawn, dashed, at its area's point."""
    palette = palette_for(geo)
    root = ET.fromstring(render_map_svg(control_map(geo, "2001-05-20")))
    places = {g.get("data-place"): g for g in root.findall(".//s:g[@class='place']", NS)}
    assert set(places) == {"north-town", "south-town", "west-town", "hill"}
    assert places["hill"].get("data-parent") == "region"
    assert places["hill"].find("s:circle[@class='marker']", NS).get("stroke-dasharray") is not None
    north = places["north-town"]
    assert north.get("data-certainty") == "possible"
    assert north.find("s:circle[@class='marker']", NS).get("fill") == palette.holder("red")
    assert north.find("s:circle[@class='possible-ring']", NS).get("stroke") == palette.holder("blue")
    south = places["south-town"]
    assert south.find("s:circle[@class='marker']", NS).get("fill") == palette.holder("red")
    assert south.find("s:circle[@class='possible-ring']", NS).get("stroke") == "none"
    assert root.findall(".//s:g[@class='unplaced']", NS) == []
    later = ET.fromstring(render_map_svg(control_map(geo, "2001-06-15")))
    south_later = next(g for g in later.findall(".//s:g[@class='place']", NS) if g.get("data-place") == "south-town")
    assert south_later.find("s:circle[@class='marker']", NS).get("fill") == palette.holder("blue")


def test_map_of_a_log_without_coordinates_lists_every_place(mini) -> None:
    """A log without coordinates still gives a map: every place listed beside it."""
    root = ET.fromstring(render_map_svg(control_map(load_log(mini), "2020-11-10")))
    assert root.findall(".//s:g[@class='place']", NS) == []
    assert {u.get("data-place") for u in root.findall(".//s:g[@class='unplaced']", NS)} >= {"shusha"}


def test_day_ends_match_at_for_offset_changes_and_samples() -> None:
    """The explorer's table of day ends gives parse_when's instant on every offset change and on samples."""
    tz, first, last = "Asia/Baku", dt.date(1923, 1, 1), dt.date(2024, 12, 31)
    table = day_ends(tz, first, last)
    assert len(table) > 10  # Baku's offsets changed many times

    def end(i: int) -> int:
        offset = [o for start, o in table if start <= i][-1]
        return ((first - dt.date(1970, 1, 1)).days + i + 1) * 86_400_000_000 - 1 - offset

    days = {start + d for start, _ in table for d in (-1, 0, 1)} | set(range(0, (last - first).days, 997))
    for i in sorted(d for d in days if 0 <= d <= (last - first).days):
        day = first + dt.timedelta(days=i)
        assert end(i) == micros(parse_when(day.isoformat(), tz)), day


def test_script_json_cannot_close_its_element() -> None:
    """Embedded JSON escapes <, >, & and the JS line separators, and still parses to the same data."""
    data = {"note": "</script><script>alert(1)</script> & \u2028\u2029 <!--"}
    text = _json_for_script(data)
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == data


def test_svg_outputs_hold_markup_as_escaped_text(evil_log: Path) -> None:
    """Timeline and map SVGs parse as XML, keep every payload as text, and contain no script element."""
    log = load_log(evil_log)
    for svg in (render_svg(chart(log)), render_map_svg(control_map(log, "2001-12-31"))):
        root = ET.fromstring(svg)
        assert not [e for e in root.iter() if e.tag.rsplit("}", 1)[-1] in ("script", "img", "foreignObject")]
        assert not [k for e in root.iter() for k in e.attrib if k.startswith("on")]
        texts = " ".join("".join(e.itertext()) for e in root.iter())
        assert "<script>window.__pwned=1</script>" in texts
        assert "<script" not in svg and "<img" not in svg


def test_explorer_html_has_no_markup_from_the_log(evil_log: Path) -> None:
    """The explorer page carries the payloads only inside escaped JSON or escaped SVG text."""
    page = html(load_log(evil_log))
    assert page.count("<script") == 2  # the data element and the page's own script
    assert "<img" not in page
    assert "window.__pwned" in page  # present, but only as escaped text
    data = re.search(r'<script type="application/json" id="statustrack-data">(.*?)</script>', page, re.S)
    assert data is not None
    assert "North <script>" in json.loads(data.group(1))["place_info"]["north-town"]["name"]


def test_payload_versions_are_the_answers_of_at(geo) -> None:
    """Per sampled date, the versions holding at the day's end are exactly the facts `at` gives."""
    from statustrack.api.query import at
    from statustrack.views.facts import fact_json

    data = payload(geo)
    for day in ("2000-01-10", "2001-05-20", "2001-06-15", "2002-02-10", "2002-03-01"):
        t = micros(parse_when(day, geo.timezone))
        held = sorted(
            (v for v in data["versions"] if v["from"] <= t and (v["to"] is None or t < v["to"])),
            key=lambda v: v["rank"],
        )
        want = [fact_json(f) for f in at(geo, day).facts]
        assert [v["fact"]["event"] for v in held] == [f["event"] for f in want], day


def test_at_does_not_import_the_pictures() -> None:
    """`statustrack at` imports only the views it writes with (no picture, no browser driver, no tabulate,
    no completion writer)."""
    code = (
        "import sys, io, contextlib\nfrom statustrack.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n    main(['at', '2020-11-10'])\n"
        "print(sorted(m for m in sys.modules if m.startswith(('statustrack.views', 'playwright', 'tabulate', "
        "'shtab'))))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == str(
        [
            "statustrack.views",
            "statustrack.views.csv",
            "statustrack.views.facts",
            "statustrack.views.json",
            "statustrack.views.summary",
            "statustrack.views.table",
        ]
    )


def test_cli_writes_svgs_and_refuses_other_suffixes(cli, tmp_path: Path) -> None:
    """timeline/map write SVG files; a wrong suffix is one clean error line."""
    out = tmp_path / "t.svg"
    result = cli("timeline", "--log", str(GEO), "--aspect", "control", "-o", str(out))
    assert result.status == 0, result.err
    assert ET.parse(out).getroot().get("class") == "statustrack-timeline"
    result = cli("map", "2001-05-20", "--log", str(GEO), "-o", str(tmp_path / "m.svg"))
    assert result.status == 0, result.err
    result = cli("timeline", "--log", str(GEO), "-o", str(tmp_path / "t.pdf"))
    assert (result.status, result.err) == (
        2,
        f"statustrack: error: timeline writes .svg or .png files, not '{tmp_path / 't.pdf'}'\n",
    )
    result = cli("html", "--log", str(GEO), "-o", str(tmp_path / "e.html"))
    assert result.status == 0, result.err
    assert (tmp_path / "e.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


# --- the pictures tell the truth: ground, disputes, one legend for every colour (issue 21) ---

# Places whose accounts name different holders (since the issue-24 audit, Aghdam and Lachin too: their
# captures are accounts of one happening, by Armenia per some pages and by Artsakh per others).
SHIPPED_DISPUTED = {
    "1994-05-12": {"aghdam", "kalbajar", "lachin", "shusha"},
    "2020-11-10": {"aghdam", "kalbajar", "lachin"},
}


@pytest.fixture(scope="module")
def shipped():
    """The shipped log."""
    return load_log(None)


def _patterns(root: ET.Element) -> dict[str, set[str]]:
    """Each pattern id with the fills of its stripes."""
    return {p.get("id"): {r.get("fill") for r in p.findall("s:rect", NS)} for p in root.iter(f"{{{NS['s']}}}pattern")}


def _colours(paints: list[str | None], patterns: dict[str, set[str]]) -> set[str]:
    """The colours behind SVG paints, a pattern reference standing for its stripes' colours."""
    out: set[str] = set()
    for paint in paints:
        if not paint or paint == "none":
            continue
        found = re.fullmatch(r"url\(#(.+)\)", paint)
        out |= patterns[found.group(1)] if found else {paint}
    return out


@pytest.mark.parametrize("day", sorted(SHIPPED_DISPUTED))
def test_cli_map_draws_disputed_places_in_stripes_with_a_legend_entry(shipped, day: str) -> None:
    """Kalbajar (and Shusha in 1994), whose accounts name different holders, are striped, and so is
    their legend entry."""
    root = ET.fromstring(render_map_svg(control_map(shipped, day)))
    places = {g.get("data-place"): g for g in root.iter(f"{{{NS['s']}}}g") if g.get("class") == "place"}
    striped = {p for p, g in places.items() if g.get("data-disputed") == "true"}
    assert striped == SHIPPED_DISPUTED[day]
    for place in striped:
        fill = places[place].find("s:circle[@class='marker']", NS).get("fill")
        assert fill == "url(#disputed-armenia_artsakh)"
    legend = root.find(".//s:svg[@class='map-legend']", NS)
    assert any(c.get("fill") == "url(#disputed-armenia_artsakh)" for c in legend.iter(f"{{{NS['s']}}}circle"))


def test_cli_map_has_ground_a_scale_and_no_colour_outside_its_legend(shipped) -> None:
    """Borders from the shipped cut, a scale bar true at the middle latitude, every marker colour in the legend."""
    m = control_map(shipped, "1994-05-12")
    root = ET.fromstring(render_map_svg(m))
    assert len(root.findall(".//s:path[@class='border']", NS)) >= 3
    scale = root.find(".//s:g[@class='scale']", NS)
    km = float(scale.get("data-km"))
    assert float(scale.get("data-px")) * m.projection.km_per_px() == pytest.approx(km, abs=0.01)
    lat = (m.projection.north + m.projection.south) / 2  # 1 degree of longitude there, in km, by hand
    km_per_degree = 111.32 * math.cos(math.radians(lat))
    px_per_degree = (m.projection.width - 60) / (m.projection.east - m.projection.west)
    assert m.projection.km_per_px() == pytest.approx(km_per_degree / px_per_degree)
    patterns = _patterns(root)
    used = _colours(
        [c.get("fill") for c in root.iter(f"{{{NS['s']}}}circle") if c.get("class") == "marker"]
        + [c.get("stroke") for c in root.iter(f"{{{NS['s']}}}circle") if c.get("class") == "possible-ring"],
        patterns,
    )
    legend = root.find(".//s:svg[@class='map-legend']", NS)
    shown = _colours([c.get("fill") for c in legend.iter(f"{{{NS['s']}}}circle")], patterns)
    assert used and used <= shown


def test_all_aspects_timeline_uses_no_colour_outside_its_legend_and_draws_acts_as_marks(shipped) -> None:
    """`statustrack timeline` with every aspect: each bar's and mark's colour is a legend entry's; acts are marks."""
    root = ET.fromstring(render_svg(chart(shipped)))
    patterns = _patterns(root)
    drawn = [e for e in root.iter() if e.get("class") in ("run", "band", "act", "pending")]
    used = _colours([e.get("fill") for e in drawn], patterns)
    legend = root.find(".//s:g[@class='legend']", NS)
    shown = _colours([e.get("fill") for e in legend.iter() if e.get("fill")], patterns)
    assert used <= shown, used - shown
    acts = [e for e in drawn if e.get("class") == "act"]
    assert acts
    for group in root.iter(f"{{{NS['s']}}}g"):
        if group.get("data-aspect") in ("resolution", "recognition"):
            assert group.get("class") == "act-group"
    runs = [r for r in runs_for(shipped, None) if r.key.aspect in ("resolution", "recognition")]
    assert len(acts) == len(runs)


def test_all_aspects_timeline_labels_are_never_cut_into_duplicates(shipped) -> None:
    """Two rows with different names never show the same (shortened) label."""
    root = ET.fromstring(render_svg(chart(shipped)))
    labels = [
        (t.text, t.find("s:title", NS).text) for t in root.iter(f"{{{NS['s']}}}text") if t.get("class") == "subject"
    ]
    by_label: dict[str, set[str]] = {}
    for shown, full in labels:
        by_label.setdefault(shown, set()).add(full)
    assert [k for k, v in by_label.items() if len(v) > 1] == []


def test_long_timeline_widens_the_busy_periods(shipped) -> None:
    """1923-2024 gets a broken axis on which 1988-1994 and 2020-2023 are zoomed."""
    c = chart(shipped, aspects=["control", "conflict"])
    zoomed = [(s.lo.year, s.hi.subtract(days=1).year) for s in c.segments if s.zoom > 1]
    assert any(a <= 1988 and b >= 1994 for a, b in zoomed)
    assert any(a <= 2020 and b >= 2023 for a, b in zoomed)
    xs = [c.x(pendulum.datetime(y, 1, 1, tz="Asia/Baku")) for y in range(1924, 2025)]
    assert xs == sorted(xs)


def test_unreadable_ground_file_is_an_error_naming_it(tmp_path: Path) -> None:
    """An outline file that does not parse is a MapError naming the file, not a blank map."""
    bad = tmp_path / "broken.json"
    bad.write_text('{"bbox": [43, 38', encoding="utf-8")
    with pytest.raises(MapError, match=r"broken\.json"):
        load_ground(bad)


def test_place_off_the_ground_is_an_error_naming_place_and_file(tmp_path: Path) -> None:
    """A place whose coordinates fall outside the drawn area is a MapError naming the place and the file."""
    small = tmp_path / "small.json"
    small.write_text(
        json.dumps({"bbox": [46.0, 39.0, 46.5, 39.5], "countries": [], "borders": [], "coast": []}), encoding="utf-8"
    )
    log = load_log(GEO)
    with pytest.raises(MapError, match=r"North Town.*small\.json"):
        control_map(log, "2001-05-20", ground=load_ground(small))


def test_shipped_ground_is_the_cut_of_natural_earth() -> None:
    """The shipped ground covers the region and names its source."""
    ground = load_ground()
    assert {"Armenia", "Azerbaijan", "Iran"} <= {name for name, _ in ground.countries}
    assert "Natural Earth" in ground.source
