"""The HTML explorer: one self-contained file with a date slider, the map, the facts and the timeline.

Exactness is computed here, not in the browser: every version of every fact (from
`runs.versions`) goes into the page with its `fact_json`, the instants it held, the
instant its run is certain by, and the chain of earlier facts on its key (for
`otherwise`); every day of the span has its end instant in the log's time zone (stored
as a table of offsets, checked against `dates.parse_when`). The page then only compares
integers (microseconds since 1970, UTC) to answer a date exactly as `at` does.

Escape by construction: the data goes in as JSON inside `<script type="application/json">`
with `<`, `>`, `&`, U+2028 and U+2029 written as `\\u` escapes; the script puts text into
the page with `textContent` and `setAttribute` only; the timeline is SVG from the escaping
writer; a Content-Security-Policy allows only the page's own script (by hash) and no
network at all.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from html import escape
from importlib import resources
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import pendulum

from statustrack.api.query import rank, resolve_when, steps_for, wanted
from statustrack.core.dates import in_zone, parse_when
from statustrack.core.facts import ASPECTS, Fact
from statustrack.core.history import versions
from statustrack.core.registry import LEVELS
from statustrack.log.load import Log
from statustrack.views.facts import fact_json
from statustrack.views.map import base_map, control_map, disputed_swatches, map_legend
from statustrack.views.palette import KIND_COLOURS, NO_RECORD, palette_for
from statustrack.views.svg import Node
from statustrack.views.timeline import chart, render_svg, runs_for, span_of

__all__ = ["day_ends", "html", "micros", "payload"]

_EPOCH = pendulum.datetime(1970, 1, 1, tz="UTC")
_LIMIT = 2**53 - 1  # JavaScript numbers hold integers exactly up to here
_DAY_US = 86_400_000_000


def micros(instant: pendulum.DateTime | None) -> int | None:
    """`instant` as integer microseconds since 1970-01-01 UTC, clamped to what JavaScript holds exactly.

    Clamping keeps order against every instant of the slider's span (1685-2255 fit)."""
    if instant is None:
        return None
    delta = instant - _EPOCH
    value = (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
    return max(-_LIMIT, min(_LIMIT, value))


def _naive_eod(day: dt.date) -> int:
    """The end of `day` read as if it were UTC, in microseconds since 1970."""
    return ((day - dt.date(1970, 1, 1)).days + 1) * _DAY_US - 1


def day_ends(tz: str, first: dt.date, last: dt.date) -> list[list[int]]:
    """The offsets table of the days `first`..`last`: rows `[day index, offset µs]` from which
    on the end of day i is `naive_eod(i) - offset`.

    Found with zoneinfo, then every day where the offset changes (and its neighbours) is
    recomputed with `parse_when`, the function `at` uses, so the table is `at`'s answer."""
    zone = ZoneInfo(tz)
    count = (last - first).days + 1
    offsets = []
    for i in range(count):
        day = first + dt.timedelta(days=i)
        nxt = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=zone)
        utc_offset = nxt.utcoffset()
        offsets.append(int(utc_offset.total_seconds() * 1_000_000) if utc_offset is not None else 0)
    check = {0, count - 1}
    for i in range(1, count):
        if offsets[i] != offsets[i - 1]:
            check |= {i - 1, i, i + 1}
    for i in sorted(j for j in check if 0 <= j < count):
        day = first + dt.timedelta(days=i)
        exact = micros(parse_when(day.isoformat(), tz))
        assert exact is not None
        offsets[i] = _naive_eod(day) - exact
    table: list[list[int]] = []
    for i, offset in enumerate(offsets):
        if not table or table[-1][1] != offset:
            table.append([i, offset])
    return table


def _chain(fact: Fact, valid_from: pendulum.DateTime) -> list[list[Any]]:
    """The earlier facts `otherwise` may name while `fact` is possible: [certain-by µs, value, event, holder]."""
    chain: list[list[Any]] = []
    earlier = fact.previous
    while earlier is not None:
        chain.append(
            [
                micros(earlier.interval.end),
                earlier.value,
                earlier.event,
                dict(earlier.detail).get("holder") if earlier.aspect == "control" else None,
            ]
        )
        if earlier.interval.end <= valid_from:
            break  # certain for the whole version: nothing older can be named
        earlier = earlier.previous
    return chain


def _named(log: Log, text: str) -> str:
    """A place or actor id with its name (`Azerbaijan (azerbaijan)`); other text as it is."""
    entry = log.registry.entry(text)
    return f"{entry.name} ({text})" if entry is not None and entry.name != text else text


def _event_json(log: Log, ident: str) -> dict[str, Any] | None:
    event = next((e for e in log.events if e.id == ident), None)
    if event is None:
        return None
    out: dict[str, Any] = {
        "id": event.id,
        "kind": event.kind,
        "date": str(event.date),
        "effective": str(event.effective) if event.effective else None,
        "recorded": str(event.recorded) if event.recorded else None,
        "note": event.note,
        "sources": [{"id": s.id, "at": s.at} for s in event.sources],
    }
    common = {"id", "date", "sources", "effective", "recorded", "note", "replaces", "account_of"}
    fields = {}
    for field in attrs.fields(type(event)):
        value = getattr(event, field.name)
        if field.name in common or value is None or value == ():
            continue
        items = value if isinstance(value, tuple | list) else (value,)
        fields[field.name.rstrip("_")] = ", ".join(_named(log, str(v)) for v in items)
    out["fields"] = fields
    for name in ("replaces", "account_of"):
        if getattr(event, name):
            out[name] = getattr(event, name)
    return out


def payload(
    log: Log,
    *,
    aspects: Sequence[str] | None = None,
    subjects: Sequence[str] | None = None,
    known_at: str | None = None,
) -> dict[str, Any]:
    """Everything the explorer needs, as JSON-ready data."""
    record = resolve_when(log, known_at) if known_at else None
    keep = wanted(log, aspects, subjects)
    palette = palette_for(log)
    lo, hi = span_of(log, runs_for(log, None))
    first, last = in_zone(lo, log.timezone).date(), in_zone(hi, log.timezone).date()
    # the facts `at` lists as in force (issue 19): no acts (unless pending), no lapsed positions
    kept = [
        v
        for v in versions(steps_for(log, record))
        if keep(v.fact) and v.fact.lapsed is None and (not v.fact.act or v.fact.pending)
    ]
    ranks = {r: i for i, r in enumerate(sorted({rank(v.fact) for v in kept}))}
    keys: list[dict[str, Any]] = []
    key_index: dict[Any, int] = {}
    rows = []
    referenced: dict[str, None] = {}
    holders: dict[str, None] = {}
    parties: dict[str, None] = {}
    for v in kept:
        if v.key not in key_index:
            key_index[v.key] = len(keys)
            keys.append(
                {
                    "aspect": v.key.aspect,
                    "subject": v.key.subject,
                    "pending": v.key.pending,
                    "name": v.fact.subject_name,
                }
            )
        fact = v.fact
        row: dict[str, Any] = {
            "k": key_index[v.key],
            "from": micros(v.valid_from),
            "to": micros(v.valid_to),
            "end": micros(fact.interval.end),
            "rank": ranks[rank(fact)],
            "fact": fact_json(fact),
        }
        if fact.interval.end > v.valid_from:
            row["chain"] = _chain(fact, v.valid_from)
            for item in row["chain"]:
                referenced.setdefault(item[2])
                if item[3]:
                    holders.setdefault(item[3])
        if fact.aspect == "control":
            row["paint"] = palette.swatch(fact).paint
            row["start"] = micros(fact.interval.start)  # the summary's "changed in the recent year"
        if fact.ended:
            row["ended"] = True  # the summary counts an ended office as closed
        if fact.aspect == "status" and (party := dict(fact.about).get("party")):
            parties.setdefault(party)
        rows.append(row)
        for ident in (fact.event, *(s.event for s in fact.supports)):
            referenced.setdefault(ident)
        if fact.aspect == "control":
            holders.setdefault(dict(fact.detail).get("holder", ""))
    events = {i: e for i in referenced if (e := _event_json(log, i)) is not None}
    source_ids = {s["id"] for e in events.values() for s in e["sources"]}
    drawn_map = control_map(log, last.isoformat(), known_at=known_at, subjects=subjects)
    places = [mk.place for mk in drawn_map.markers]
    for p in places:
        if p.located is not None:
            source_ids.add(p.located.id)
    place_info = {
        p.id: {
            "name": p.name,
            "kind": p.kind,
            "aliases": list(p.aliases),
            "lat": p.lat,
            "lon": p.lon,
            "located": {"id": p.located.id, "at": p.located.at} if p.located else None,
            "note": p.note,
        }
        for p in places
    }
    sources = {
        i: {"title": s.title, "url": s.url, "language": s.language}
        for i in sorted(source_ids)
        if (s := log.registry.sources.get(i)) is not None
    }
    drawn_chart = chart(log, aspects=aspects, subjects=subjects, known_at=known_at)
    return {
        "name": log.name,
        "tz": log.timezone,
        "known_at": known_at,
        "aspects": list(ASPECTS),
        "filter": {"aspects": list(aspects or ()), "subjects": list(subjects or ())},
        "days": {
            "first": first.isoformat(),
            "count": (last - first).days + 1,
            "day0": first.toordinal() - dt.date(1970, 1, 1).toordinal(),
            "offsets": day_ends(log.timezone, first, last),
        },
        "keys": keys,
        "versions": rows,
        "events": events,
        "sources": sources,
        "places": [{"id": mk.place.id, "name": mk.place.name} for mk in drawn_map.markers if mk.drawn],
        "unplaced": [mk.place.id for mk in drawn_map.markers if not mk.drawn],
        "place_info": place_info,
        "no_record": NO_RECORD,
        "holders": {h: {"colour": palette.holder(h), "name": log.registry.name(h)} for h in holders if h},
        "holder_order": [h for h in palette.holders if h in holders]
        + [h for h in holders if h and h not in palette.holders],
        "kinds": KIND_COLOURS,
        "parties": {p: log.registry.name(p) for p in parties},
        "levels": list(LEVELS),
        "timeline": {
            "lo": micros(drawn_chart.lo),
            "hi": micros(drawn_chart.hi),
            "segments": [[micros(g.lo), micros(g.hi), g.x0, g.x1] for g in drawn_chart.segments],
        },
        "periods": _periods(drawn_chart, first, log.timezone),
        "strip": _strip(log, first, last),
    }


def _day_index(instant: pendulum.DateTime, first: dt.date, tz: str) -> int:
    local = in_zone(instant, tz)
    return (dt.date(local.year, local.month, local.day) - first).days


def _periods(drawn: Any, first: dt.date, tz: str) -> list[list[Any]]:
    """The slider's windows: the busy spans the timeline widens, as [label, first day, last day]."""
    out = []
    for segment in drawn.segments:
        if segment.zoom > 1:
            a, b = _day_index(segment.lo, first, tz), _day_index(segment.hi, first, tz) - 1
            out.append([f"{in_zone(segment.lo, tz).year}–{in_zone(segment.hi, tz).subtract(days=1).year}", a, b])
    return out


def _strip(log: Log, first: dt.date, last: dt.date) -> list[list[Any]]:
    """The events under the slider: [day index, event id, kind], by date."""
    out = []
    for event in log.events:
        day = _day_index(event.date.start, first, log.timezone)
        if 0 <= day <= (last - first).days:
            out.append([day, event.id, event.kind])
    return sorted(out)


def _json_for_script(data: Any) -> str:
    """JSON that cannot end its <script> element or be read as markup: <, >, & and the JS line
    separators are \\u escapes."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=False)
    for char, escaped in (
        ("&", "\\u0026"),
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, escaped)
    return text


def _asset(name: str) -> str:
    return resources.files("statustrack.views").joinpath(name).read_text(encoding="utf-8")


def _svg_markup(node: Node) -> str:
    return node.markup().strip()


def html(
    log: Log,
    *,
    aspects: Sequence[str] | None = None,
    subjects: Sequence[str] | None = None,
    known_at: str | None = None,
) -> str:
    """The `html` command's page, the explorer, as one HTML text."""
    data = payload(log, aspects=aspects, subjects=subjects, known_at=known_at)
    svg = render_svg(chart(log, aspects=aspects, subjects=subjects, known_at=known_at))
    svg = svg.split("?>", 1)[1].strip() if svg.startswith("<?xml") else svg
    last = dt.date.fromisoformat(data["days"]["first"]) + dt.timedelta(days=data["days"]["count"] - 1)
    drawn_map = control_map(log, last.isoformat(), known_at=known_at, subjects=subjects)
    disputes = disputed_swatches(log)
    palette = palette_for(log)
    swatches = [palette.holder_swatch(h) for h in data["holder_order"]] + list(disputes)
    map_svg = _svg_markup(base_map(drawn_map, disputes)) if data["places"] else ""
    legend_svg = _svg_markup(map_legend(palette.legend(swatches), width=760, columns=2))
    script = _asset("explorer.js")
    style = _asset("explorer.css")
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    policy = (
        f"default-src 'none'; script-src 'sha256-{digest}'; style-src 'unsafe-inline'; "
        "img-src data:; base-uri 'none'; form-action 'none'"
    )
    title = escape(f"{log.name}: explorer", quote=True)
    known = f", as recorded by {known_at}" if known_at else ""
    heading = escape(f"{log.name}{known}", quote=True)
    periods = "".join(f'<option value="{a}:{b}">{escape(label)}</option>' for label, a, b in data["periods"])
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{policy}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
{style}
</style>
</head>
<body>
<header>
 <h1>{heading}</h1>
 <div class="controls">
  <button type="button" id="play" title="play / pause">▶</button>
  <select id="speed" title="step per tick"><option value="day">a day</option>\
<option value="week" selected>a week</option><option value="month">a month</option></select>
  <select id="period" title="the slider's span: narrow it to pick a day with the mouse">\
<option value="all">whole span</option>{periods}\
<option value="year">the date's year</option><option value="month">the date's month</option></select>
  <div id="track">\
<input type="range" id="slider" min="0" max="{data["days"]["count"] - 1}" step="1" value="0" aria-label="date">\
<svg id="strip" aria-label="events under the slider" preserveAspectRatio="none" viewBox="0 0 1000 14"></svg>\
</div>
  <input type="text" id="when" size="22" spellcheck="false" aria-label="date or instant" \
aria-describedby="when-error" title="a day (2020-11-10), month, year or instant (2020-11-09T22:00+04:00); Enter to go">
  <span id="when-error" role="alert"></span>
 </div>
 <p class="hint">← → a day · shift ← → (or PageUp/PageDown) a month · \
address: <code id="address"></code> · <span id="instant"></span> · {escape(log.timezone)} time</p>
</header>
<main>
 <section id="left">
  <section id="summary" aria-label="summary of the date"></section>
  <div id="changes" aria-live="polite"></div>
  <div id="facts"></div>
  <details id="timeline" open><summary>timeline (click a bar or a mark for its events)</summary>
{svg}
  </details>
 </section>
 <section id="right">
  <div id="map">{map_svg}</div>
  <div id="map-legend">{legend_svg}</div>
  <p id="unplaced"></p>
  <aside id="details"><p class="muted">Click a fact, a place or a bar to see its events, notes and sources.</p></aside>
 </section>
</main>
<script type="application/json" id="statustrack-data">{_json_for_script(data)}</script>
<script>{script}</script>
</body>
</html>
"""
