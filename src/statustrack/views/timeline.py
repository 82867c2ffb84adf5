"""The timeline chart: one row per subject, one bar per standing value, one mark per act, as
deterministic SVG.

Bars come from `runs.runs_of`: a run is drawn from `valid_from` to `valid_to` (to the
chart's end while it still holds) in its swatch's colour (control: the holder, in stripes
of each account's holder when the accounts differ; everything else: its event's kind).
Acts (the aspects in `ACT_ROWS`: resolutions, statements, recognition acts) hold nothing
over time, so each is a mark at its date, on one row per actor or per stance. A span
that covers decades gets a broken axis: the years where the log changes most are
widened (shaded, with their zoom factor), the quiet years between them narrowed. The span
in which the run may not have begun yet (its fact's `interval.start` to `interval.end`)
is hatched over the bar; a pending run (announced, not yet in effect) is a thin dashed
bar at the top of its subject's row. The conflict aspect's wars, offensives and
ceasefires make a band above the rows. Every element carries `data-*` attributes (run,
event, from, to) so tests and the explorer read the chart without looking at pixels.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Sequence

import attrs
import pendulum

from statustrack.api.query import resolve_when, steps_for, wanted
from statustrack.core.dates import BEGINNING, END, in_zone, iso, parse_edtf
from statustrack.core.facts import ASPECTS
from statustrack.core.history import Run, runs_of, versions
from statustrack.errors import QueryError
from statustrack.log.load import Log
from statustrack.views.palette import BAND_KINDS, Palette, Swatch, palette_for, stripes_pattern
from statustrack.views.svg import Node, canvas, element

__all__ = ["ACT_ROWS", "Bar", "Chart", "Row", "Segment", "axis_segments", "chart", "render_svg", "timeline"]

WIDTH = 1200
LABEL_W = 210
RIGHT = 24
ROW_H = 20
BAR_H = 14
BAND_H = 22
FONT = "DejaVu Sans, Verdana, Arial, sans-serif"
CHAR_W = 6.4  # average advance of the 11px font, to decide whether a label fits


@attrs.frozen
class Row:
    """One subject's row (or an aspect's heading, when `subject` is None)."""

    aspect: str
    subject: str | None
    name: str


@attrs.frozen
class Bar:
    """One value run as drawn: its row, its span, its colour, and when it may not have begun yet."""

    row: int
    run: Run
    start: pendulum.DateTime
    end: pendulum.DateTime
    possible_end: pendulum.DateTime | None
    swatch: Swatch
    label: str
    act: bool = False

    @property
    def pending(self) -> bool:
        """True for a pending run: announced, not yet in effect."""
        return self.run.key.pending


#: The aspects whose facts are acts, drawn as marks, and what one row gathers: the acting
#: actor, or the stance taken (the value without its sources).
ACT_ROWS = {"resolution": "actor", "recognition": "value"}


@attrs.frozen
class Segment:
    """A piece of the axis: the instants `lo`..`hi` drawn linearly between x `x0` and `x1`."""

    lo: pendulum.DateTime
    hi: pendulum.DateTime
    x0: float
    x1: float
    zoom: float  # px per day here, over px per day of a linear axis

    def x(self, instant: pendulum.DateTime) -> float:
        """The x of an instant inside the segment."""
        share = (instant - self.lo).total_seconds() / (self.hi - self.lo).total_seconds()
        return self.x0 + share * (self.x1 - self.x0)


def axis_segments(
    lo: pendulum.DateTime, hi: pendulum.DateTime, changes: Sequence[pendulum.DateTime], tz: str
) -> tuple[Segment, ...]:
    """The axis from `lo` to `hi`: one linear segment for a span under 15 years; else the busy years
    (at least 4 changes and twice the mean per year, gaps of up to 2 years bridged) share 70% of the
    width and the quiet years between them 30%."""
    x0, x1 = float(LABEL_W), float(WIDTH - RIGHT)
    years = range(in_zone(lo, tz).year, in_zone(hi, tz).year + 1)
    if len(years) < 15:
        return (Segment(lo, hi, x0, x1, 1.0),)
    counts = dict.fromkeys(years, 0)
    for t in changes:
        if lo <= t <= hi:
            counts[in_zone(t, tz).year] += 1
    mean = sum(counts.values()) / len(years)
    busy = [y for y in years if counts[y] >= max(4.0, 2 * mean)]
    if not busy:
        return (Segment(lo, hi, x0, x1, 1.0),)
    runs: list[list[int]] = []
    for y in busy:
        if runs and y - runs[-1][1] <= 3:
            runs[-1][1] = y
        else:
            runs.append([y, y])
    cuts: list[tuple[pendulum.DateTime, pendulum.DateTime, bool]] = []
    start = lo
    for first, last in runs:
        a = max(lo, pendulum.datetime(first, 1, 1, tz=tz))
        b = min(hi, pendulum.datetime(last + 1, 1, 1, tz=tz))
        if a > start:
            cuts.append((start, a, False))
        cuts.append((a, b, True))
        start = b
    if start < hi:
        cuts.append((start, hi, False))
    days = {flag: sum((b - a).total_seconds() for a, b, f in cuts if f == flag) for flag in (True, False)}
    share = {True: 0.7, False: 0.3} if days[False] else {True: 1.0, False: 0.0}
    total = (hi - lo).total_seconds()
    out, x = [], x0
    for a, b, flag in cuts:
        width = (x1 - x0) * share[flag] * (b - a).total_seconds() / days[flag]
        out.append(Segment(a, b, x, x + width, (width / (x1 - x0)) / ((b - a).total_seconds() / total)))
        x += width
    return tuple(out)


@attrs.frozen
class Chart:
    """Everything the SVG shows, in data: rows, bars, the conflict band, the span and the legend."""

    title: str
    lo: pendulum.DateTime
    hi: pendulum.DateTime
    tz: str
    rows: tuple[Row, ...]
    bars: tuple[Bar, ...]
    band: tuple[Bar, ...]
    legend: tuple[Swatch, ...]
    segments: tuple[Segment, ...] = ()

    def x(self, instant: pendulum.DateTime) -> float:
        """The x coordinate of `instant` (on the broken axis, when there is one)."""
        if instant <= self.lo:
            return float(LABEL_W)
        if instant >= self.hi:
            return float(WIDTH - RIGHT)
        for segment in self.segments:
            if instant <= segment.hi:
                return segment.x(instant)
        span = (self.hi - self.lo).total_seconds()
        share = (instant - self.lo).total_seconds() / span
        return LABEL_W + share * (WIDTH - LABEL_W - RIGHT)

    @property
    def broken(self) -> bool:
        """True when the axis is in several segments."""
        return len(self.segments) > 1


_RUNS: weakref.WeakKeyDictionary[Log, dict[pendulum.DateTime | None, tuple[Run, ...]]] = weakref.WeakKeyDictionary()


def runs_for(log: Log, known_at: pendulum.DateTime | None) -> tuple[Run, ...]:
    """The log's value runs at record time `known_at` (cached per log)."""
    known = _RUNS.setdefault(log, {})
    if known_at not in known:
        known[known_at] = runs_of(versions(steps_for(log, known_at)))
    return known[known_at]


def span_of(log: Log, runs: Sequence[Run]) -> tuple[pendulum.DateTime, pendulum.DateTime]:
    """The span a picture of the whole log covers: its horizon, else its first to its last change."""
    horizon = log.horizon
    if horizon is not None:
        end = horizon.until.end if horizon.until is not None else horizon.end
        return horizon.start, end
    instants = [t for r in runs for t in (r.valid_from, r.valid_to) if t is not None and BEGINNING < t < END]
    if not instants:
        now = pendulum.now("UTC")
        return now.subtract(years=1), now
    return min(instants), max(instants).add(days=1)


def _bound(log: Log, text: str, end: bool) -> pendulum.DateTime:
    try:
        interval = parse_edtf(text, log.timezone)
    except ValueError as e:
        raise QueryError(str(e)) from e
    return interval.end if end else interval.start


def _label(fact_swatch: Swatch, run: Run) -> str:
    return fact_swatch.label if run.key.aspect == "control" else _stance(run.fact.value)


def chart(
    log: Log,
    *,
    aspects: Sequence[str] | None = None,
    subjects: Sequence[str] | None = None,
    from_: str | None = None,
    to: str | None = None,
    known_at: str | None = None,
) -> Chart:
    """The timeline of the runs of `aspects` about `subjects` between `from_` and `to`."""
    record = resolve_when(log, known_at) if known_at else None
    runs = runs_for(log, record)
    palette = palette_for(log)
    lo, hi = span_of(log, runs_for(log, None))
    if from_:
        lo = _bound(log, from_, end=False)
    if to:
        hi = _bound(log, to, end=True)
    if hi <= lo:
        msg = f"--to ({to}) must come after --from ({from_})"
        raise QueryError(msg)
    keep = wanted(log, aspects, subjects)
    shown = [r for r in runs if keep(r.fact) and _overlaps(r, lo, hi)]
    rank = {a: i for i, a in enumerate(ASPECTS)}
    subjects_seen: dict[tuple[str, str], str] = {}
    for r in sorted(shown, key=lambda r: r.valid_from):
        subjects_seen.setdefault(_row_key(log, r), _row_name(log, r))
    ordered = sorted(
        subjects_seen.items(), key=lambda kv: (rank.get(kv[0][0], len(rank)), kv[0][0], kv[1].casefold(), kv[0][1])
    )
    rows: list[Row] = []
    index: dict[tuple[str, str], int] = {}
    several = len({a for (a, _), _ in ordered}) > 1
    for (aspect, subject), name in ordered:
        if several and (not rows or rows[-1].aspect != aspect):
            rows.append(Row(aspect, None, aspect))
        index[(aspect, subject)] = len(rows)
        rows.append(Row(aspect, subject, name))
    bars = tuple(_bar(index[_row_key(log, r)], r, lo, hi, palette) for r in shown)
    band = tuple(
        _bar(-1, r, lo, hi, palette)
        for r in runs
        if r.key.aspect == "conflict"
        and not r.key.pending
        and palette.kind_of(r.fact) in BAND_KINDS
        and _overlaps(r, lo, hi)
    )
    legend = palette.legend([b.swatch for b in (*bars, *band)])
    changes = [t for b in (*bars, *band) for t in (b.run.valid_from, b.run.valid_to) if t is not None]
    what = ", ".join(aspects) if aspects else "every aspect"
    about = f" about {', '.join(subjects)}" if subjects else ""
    known = f", as recorded by {known_at}" if known_at else ""
    title = f"{log.name}: {what}{about}, {_day(lo, log.timezone)} to {_day(hi, log.timezone)}{known}"
    return Chart(
        title, lo, hi, log.timezone, tuple(rows), bars, band, legend, axis_segments(lo, hi, changes, log.timezone)
    )


def _row_key(log: Log, run: Run) -> tuple[str, str]:
    """The row a run is drawn on: its subject's, or for an act its actor's or its stance's."""
    gather = ACT_ROWS.get(run.key.aspect)
    if gather == "actor":
        return run.key.aspect, "actor:" + dict(run.fact.about).get("actor", run.key.subject)
    if gather == "value":
        return run.key.aspect, "value:" + _stance(run.fact.value)
    return run.key.aspect, run.key.subject


def _row_name(log: Log, run: Run) -> str:
    kind, _, ident = _row_key(log, run)[1].partition(":")
    if kind == "actor" and ACT_ROWS.get(run.key.aspect):
        return log.registry.name(ident)
    if kind == "value" and ACT_ROWS.get(run.key.aspect):
        return ident
    return run.fact.subject_name


def _stance(value: str) -> str:
    """A value without the sources it names (`recognizes independence (per x, y)`)."""
    return value.split(" (per ", 1)[0]


def _day(instant: pendulum.DateTime, tz: str) -> str:
    return in_zone(instant, tz).to_date_string()


def _overlaps(run: Run, lo: pendulum.DateTime, hi: pendulum.DateTime) -> bool:
    return run.valid_from <= hi and (run.valid_to is None or run.valid_to > lo)


def _bar(row: int, run: Run, lo: pendulum.DateTime, hi: pendulum.DateTime, palette: Palette) -> Bar:
    fact = run.fact
    end = run.valid_to if run.valid_to is not None else hi
    possible_end = min(fact.interval.end, end) if fact.interval.end > run.valid_from else None
    swatch = palette.swatch(fact)
    act = run.key.aspect in ACT_ROWS
    return Bar(row, run, run.valid_from, end, possible_end, swatch, _label(swatch, run), act)


def _ticks(chart_: Chart) -> tuple[list[tuple[pendulum.DateTime, str]], list[pendulum.DateTime]]:
    """Labelled ticks and minor ticks at local calendar boundaries, spaced for the span."""
    lo, hi = in_zone(chart_.lo, chart_.tz), in_zone(chart_.hi, chart_.tz)
    days = (hi - lo).total_seconds() / 86400
    if days > 365 * 40:
        unit, major, minor = "years", 10, 1
    elif days > 365 * 12:
        unit, major, minor = "years", 5, 1
    elif days > 365 * 3:
        unit, major, minor = "years", 1, None
    elif days > 240:
        unit, major, minor = "months", 3, 1
    elif days > 45:
        unit, major, minor = "months", 1, None
    else:
        unit, major, minor = "days", 7 if days > 14 else 1, 1
    step: Callable[[pendulum.DateTime, int], pendulum.DateTime]
    num: Callable[[pendulum.DateTime], int]
    text: Callable[[pendulum.DateTime], str]
    if unit == "years":
        first = pendulum.datetime(lo.year, 1, 1, tz=chart_.tz)
        step = lambda t, n: t.add(years=n)  # noqa: E731
        num = lambda t: t.year  # noqa: E731
        text = lambda t: str(t.year)  # noqa: E731
    elif unit == "months":
        first = pendulum.datetime(lo.year, lo.month, 1, tz=chart_.tz)
        step = lambda t, n: t.add(months=n)  # noqa: E731
        num = lambda t: t.year * 12 + t.month - 1  # noqa: E731
        text = lambda t: t.format("YYYY-MM") if t.month == 1 or major >= 3 else t.format("MMM")  # noqa: E731
    else:
        first = pendulum.datetime(lo.year, lo.month, lo.day, tz=chart_.tz)
        step = lambda t, n: t.add(days=n)  # noqa: E731
        num = lambda t: t.toordinal() if major == 1 else t.toordinal() - 1  # Mondays for weeks  # noqa: E731
        text = lambda t: t.format("MM-DD")  # noqa: E731
    labelled: list[tuple[pendulum.DateTime, str]] = []
    small: list[pendulum.DateTime] = []
    t = first
    while t <= hi:
        if t >= lo:
            if num(t) % major == 0:
                labelled.append((t, text(t)))
            elif minor is not None:
                small.append(t)
        t = step(t, minor or major)
    return labelled, small


def _year_ticks(c: Chart) -> tuple[list[tuple[pendulum.DateTime, str]], list[pendulum.DateTime]]:
    """Ticks of a broken axis: in each segment, years at a step its width leaves room for."""
    labelled: list[tuple[pendulum.DateTime, str]] = []
    small: list[pendulum.DateTime] = []
    for segment in c.segments:
        lo, hi = in_zone(segment.lo, c.tz), in_zone(segment.hi, c.tz)
        px_per_year = (segment.x1 - segment.x0) / max((hi - lo).total_seconds() / (365.25 * 86400), 1e-9)
        every = next((n for n in (1, 2, 5, 10, 20, 50) if n * px_per_year >= 34), 100)
        year = lo.year if (lo.month, lo.day) == (1, 1) else lo.year + 1
        while year <= hi.year:
            t = pendulum.datetime(year, 1, 1, tz=c.tz)
            if t > hi:
                break
            if year % every == 0 and (not labelled or c.x(t) - c.x(labelled[-1][0]) >= 34):
                labelled.append((t, str(year)))
            elif px_per_year >= 6:
                small.append(t)
            year += 1
    return labelled, small


def _fit(names: Sequence[str], limit: int = 32) -> list[str]:
    """Row names shortened to `limit` characters with an ellipsis in the middle, keeping the end
    that tells apart names with the same beginning; never two the same unless they were."""
    out = []
    for name in names:
        if len(name) <= limit:
            out.append(name)
            continue
        tail = 12
        short = name[: limit - tail - 1] + "…" + name[-tail:]
        while short in out and tail < limit - 4:
            tail += 4
            short = name[: limit - tail - 1] + "…" + name[-tail:]
        out.append(short)
    return out


def render_svg(c: Chart) -> str:
    """The chart as a standalone SVG document."""
    top = 34 + (BAND_H + 10 if c.band else 0)
    axis_y = top
    rows_y = axis_y + 20
    legend_y = rows_y + len(c.rows) * ROW_H + 16
    legend_rows = (len(c.legend) + 3 + 3) // 4
    height = legend_y + legend_rows * 20 + 16
    root = canvas(
        WIDTH,
        height,
        FONT,
        11,
        "statustrack-timeline",
        data_lo=iso(c.lo),
        data_hi=iso(c.hi),
        data_x0=float(LABEL_W),
        data_x1=float(WIDTH - RIGHT),
        data_top=float(axis_y),
        data_bottom=float(legend_y - 10),
        data_segments=" ".join(f"{iso(s.lo)},{iso(s.hi)},{s.x0:.2f},{s.x1:.2f}" for s in c.segments),
    )
    defs = root.add(element("defs"))
    pattern = defs.add(
        element(
            "pattern", id="possible", patternUnits="userSpaceOnUse", width=6, height=6, patternTransform="rotate(45)"
        )
    )
    pattern.add(element("rect", width=3, height=6, fill="#ffffff", fill_opacity="0.6"))
    dark = defs.add(
        element(
            "pattern",
            id="possible-dark",
            patternUnits="userSpaceOnUse",
            width=6,
            height=6,
            patternTransform="rotate(45)",
        )
    )
    dark.add(element("rect", width=2, height=6, fill="#000000", fill_opacity="0.35"))
    for swatch in c.legend:
        if swatch.stripes:
            defs.add(stripes_pattern(swatch))
    root.add(element("rect", width=WIDTH, height=height, fill="#ffffff"))
    root.add(element("text", c.title, x=10, y=20, font_size=14, font_weight="bold"))
    bottom = legend_y - 10
    if c.broken:
        zoomed = root.add(element("g", class_="zoomed"))
        for segment in c.segments:
            if segment.zoom > 1:
                zoomed.add(
                    element(
                        "rect",
                        x=segment.x0,
                        y=float(axis_y - 2),
                        width=segment.x1 - segment.x0,
                        height=float(bottom - axis_y + 2),
                        fill="#fff8e1",
                        class_="zoomed-span",
                    )
                )
                zoomed.add(
                    element(
                        "text",
                        f"×{segment.zoom:.1f}",
                        x=segment.x1 - 3,
                        y=float(bottom - 3),
                        text_anchor="end",
                        fill="#b08800",
                        font_size=10,
                    )
                )
    if c.band:
        root.add(
            element("text", "conflict", x=LABEL_W - 8, y=34 + BAND_H / 2 + 4, text_anchor="end", font_weight="bold")
        )
        band = root.add(element("g", class_="band"))
        for bar in c.band:
            _draw(band, c, bar, 34.0, BAND_H, "band")
    labelled, small = _year_ticks(c) if c.broken else _ticks(c)
    axis = root.add(element("g", class_="axis", stroke="#bbbbbb"))
    for t in small:
        axis.add(element("line", x1=c.x(t), x2=c.x(t), y1=float(rows_y - 4), y2=float(bottom), stroke="#eeeeee"))
    for t, label in labelled:
        axis.add(element("line", x1=c.x(t), x2=c.x(t), y1=float(axis_y + 4), y2=float(bottom), stroke="#cccccc"))
        axis.add(
            element(
                "text",
                label,
                x=c.x(t),
                y=float(axis_y + 12),
                text_anchor="middle",
                stroke="none",
                fill="#444444",
                class_="tick",
            )
        )
    for segment in c.segments[1:]:  # the breaks: a double slash across the axis
        x = segment.x0
        axis.add(
            element(
                "path",
                d=f"M{x - 5:g} {axis_y + 20} L{x - 1:g} {axis_y + 2} M{x + 1:g} {axis_y + 20} L{x + 5:g} {axis_y + 2}",
                stroke="#555555",
                stroke_width="1.2",
                class_="axis-break",
            )
        )
    rows = root.add(element("g", class_="rows"))
    names = _fit([row.name for row in c.rows])
    for i, (row, name) in enumerate(zip(c.rows, names, strict=True)):
        y = rows_y + i * ROW_H
        if row.subject is None:
            rows.add(element("text", row.name, x=8, y=float(y + 14), font_weight="bold", class_="aspect"))
            continue
        if i % 2:
            rows.add(
                element(
                    "rect",
                    x=float(LABEL_W),
                    y=float(y),
                    width=float(WIDTH - LABEL_W - RIGHT),
                    height=float(ROW_H),
                    fill="#000000",
                    fill_opacity="0.03",
                )
            )
        subject = rows.add(
            element(
                "text",
                name,
                x=LABEL_W - 8,
                y=float(y + 14),
                text_anchor="end",
                class_="subject",
                data_subject=row.subject,
            )
        )
        subject.add(element("title", row.name))
    bars = root.add(element("g", class_="bars"))
    for bar in c.bars:
        y = rows_y + bar.row * ROW_H
        if bar.act:
            _mark(bars, c, bar, float(y + ROW_H / 2))
        elif bar.pending:
            _draw(bars, c, bar, float(y + 1), 5.0, "pending")
        else:
            _draw(bars, c, bar, float(y + (ROW_H - BAR_H) / 2), float(BAR_H), "run")
    _legend(root, c, float(legend_y))
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + root.markup()


def _mark(parent: Node, c: Chart, bar: Bar, y: float) -> None:
    """An act: a diamond at its date in its kind's colour."""
    x = c.x(bar.start)
    group = parent.add(
        element(
            "g",
            class_="act-group",
            data_run=str(bar.run.run),
            data_event=bar.run.fact.event,
            data_aspect=bar.run.key.aspect,
            data_subject=bar.run.key.subject,
        )
    )
    mark = group.add(
        element(
            "path",
            d=f"M{x:g} {y - 6:g} L{x + 5:g} {y:g} L{x:g} {y + 6:g} L{x - 5:g} {y:g} Z",
            fill=bar.swatch.paint,
            stroke="#333333",
            stroke_width="0.6",
            class_="act",
            data_from=iso(bar.start),
            data_swatch=f"{bar.swatch.group}:{bar.swatch.ident}",
        )
    )
    fact = bar.run.fact
    mark.add(element("title", f"{fact.subject_name}: {fact.value}, {fact.since} ({fact.event})"))


def _title(bar: Bar, tz: str) -> str:
    fact = bar.run.fact
    until = f" until {_day(bar.run.valid_to, tz)}" if bar.run.valid_to is not None else ""
    pending = f" (pending: takes effect {fact.effective})" if bar.pending and fact.effective else ""
    possible = f"; may not have begun before {_day(fact.interval.end, tz)}" if bar.possible_end else ""
    return f"{fact.subject_name}: {fact.value}{pending}, since {fact.since}{until}{possible} ({fact.event})"


def _draw(parent: Node, c: Chart, bar: Bar, y: float, h: float, cls: str) -> None:
    x0, x1 = c.x(bar.start), c.x(bar.end)
    width = max(x1 - x0, 1.0)
    common = {
        "data_run": str(bar.run.run),
        "data_event": bar.run.fact.event,
        "data_aspect": bar.run.key.aspect,
        "data_subject": bar.run.key.subject,
    }
    group = parent.add(element("g", class_=f"{cls}-group", **common))
    rect = group.add(
        element(
            "rect",
            x=x0,
            y=y,
            width=width,
            height=h,
            fill=bar.swatch.paint,
            class_=cls,
            data_from=iso(bar.start),
            data_to=iso(bar.run.valid_to) if bar.run.valid_to else "",
            data_swatch=f"{bar.swatch.group}:{bar.swatch.ident}",
            stroke="#333333" if cls == "pending" else None,
            stroke_dasharray="2 1" if cls == "pending" else None,
            stroke_width="0.6" if cls == "pending" else None,
        )
    )
    rect.add(element("title", _title(bar, c.tz)))
    if bar.possible_end is not None and cls != "pending":
        px1 = c.x(bar.possible_end)
        hatch = "url(#possible)" if _ink(bar.swatch.colour) == "#ffffff" else "url(#possible-dark)"
        group.add(
            element(
                "rect",
                x=x0,
                y=y,
                width=max(px1 - x0, 1.0),
                height=h,
                fill=hatch,
                class_="possible",
                data_from=iso(bar.start),
                data_to=iso(bar.possible_end),
            )
        )
    if cls != "pending" and not bar.swatch.stripes and len(bar.label) * CHAR_W + 8 < width:
        group.add(
            element(
                "text",
                bar.label,
                x=x0 + 4,
                y=y + h / 2 + 4,
                fill=_ink(bar.swatch.colour),
                class_="label",
                pointer_events="none",
            )
        )


def _ink(colour: str) -> str:
    """Black or white, whichever reads better on `colour`."""
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return "#000000" if 0.299 * r + 0.587 * g + 0.114 * b > 140 else "#ffffff"


def _legend(root: Node, c: Chart, y: float) -> None:
    group = root.add(element("g", class_="legend"))
    items: list[tuple[str, dict[str, object]]] = [
        (
            s.label if s.group != "kind" else f"{s.label} (event kind)",
            {"fill": s.paint, "data_swatch": f"{s.group}:{s.ident}"},
        )
        for s in c.legend
    ]
    items.append(("possible: may not have begun yet", {"fill": "#777777", "hatched": True}))
    items.append(("pending: announced, not yet in effect", {"fill": "#dddddd", "pending": True}))
    if any(b.act for b in c.bars):
        items.append(("◆ an act at its date (colour: its kind)", {"act": True}))
    per_row, col_w = 4, (WIDTH - 20) / 4
    for i, (label, style) in enumerate(items):
        x, yy = 10 + (i % per_row) * col_w, y + (i // per_row) * 20
        hatched, pending, act = style.pop("hatched", False), style.pop("pending", False), style.pop("act", False)
        entry = group.add(element("g", class_="legend-entry", data_label=label))
        if act:
            entry.add(
                element(
                    "path",
                    d=f"M{x + 9:g} {yy:g} L{x + 14:g} {yy + 6:g} L{x + 9:g} {yy + 12:g} L{x + 4:g} {yy + 6:g} Z",
                    fill="#ffffff",
                    stroke="#333333",
                    stroke_width="0.6",
                )
            )
        else:
            entry.add(
                element(
                    "rect",
                    x=x,
                    y=yy,
                    width=18.0,
                    height=5.0 if pending else 12.0,
                    stroke="#333333",
                    stroke_width="0.6",
                    stroke_dasharray="2 1" if pending else None,
                    **style,
                )
            )
        if hatched:
            entry.add(element("rect", x=x, y=yy, width=18.0, height=12.0, fill="url(#possible)"))
        entry.add(element("text", label, x=x + 24, y=yy + 10))


def timeline(
    log: Log,
    *,
    aspects: Sequence[str] | None = None,
    subjects: Sequence[str] | None = None,
    from_: str | None = None,
    to: str | None = None,
    known_at: str | None = None,
) -> str:
    """The `timeline` command's picture: the `chart` of those runs as a standalone SVG document."""
    return render_svg(chart(log, aspects=aspects, subjects=subjects, from_=from_, to=to, known_at=known_at))
