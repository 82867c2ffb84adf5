"""The summary of an answer (`api.summary.Summary`) as JSON and as the table that opens `at`.

The table fits one screen: at most `LINES` lines of at most `WIDTH` columns, whatever the
date. Each section lists its facts up to a cap and says how many more there are; when the
whole would be taller than the screen, the longest lists give up lines first. Nothing is
counted here: every number is the summary's.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from statustrack.api.summary import Item, StanceTally, Summary, Tally
from statustrack.core.shown import iso, local_day

__all__ = ["LINES", "WIDTH", "render_summary_table", "summary_json"]

LINES = 40
WIDTH = 80
_POSSIBLE = "?"
#: Each list's cap before the screen's height is taken into account.
_CAPS = {"status": 6, "changed": 6, "officeholders": 6, "recognition": 6, "conflict": 5, "acts": 5}


def _item_json(item: Item) -> dict[str, Any]:
    return item._asdict()


def _tally_json(tally: Tally) -> dict[str, Any]:
    return {"key": tally.key, "label": tally.label, "count": tally.count, "subjects": list(tally.subjects)}


def _stance_json(stance: StanceTally) -> dict[str, Any]:
    return {
        "stance": stance.stance,
        "label": stance.label,
        "count": stance.count,
        "levels": [_tally_json(t) for t in stance.levels],
    }


def summary_json(summary: Summary) -> dict[str, Any]:
    """The summary as a JSON object: the same content as the table, every list in full."""
    return {
        "at": summary.at,
        "instant": iso(summary.instant),
        "recent_from": iso(summary.recent_from),
        "facts": summary.facts,
        "pending": summary.pending,
        "aspects": {t.key: t.count for t in summary.aspects},
        "status": [_item_json(i) for i in summary.status],
        "control": {
            "places": summary.places,
            "possible": summary.control_possible,
            "holders": [_tally_json(t) for t in summary.control],
            "changed": [_item_json(i) for i in summary.control_changed],
        },
        "offices": [_tally_json(t) for t in summary.offices],
        "officeholders": [_item_json(i) for i in summary.officeholders],
        "recognition": {
            "count": summary.recognitions,
            "stances": [_stance_json(s) for s in summary.recognition],
            "notable": [_item_json(i) for i in summary.notable],
        },
        "conflict": [_item_json(i) for i in summary.conflict],
        "acts": [_item_json(i) for i in summary.acts],
    }


def _clip(text: str, width: int) -> str:
    """`text` cut to `width` columns, an ellipsis marking the cut."""
    return text if len(text) <= width else text[: max(width - 1, 0)].rstrip() + "…"


def _item_line(item: Item, indent: str = "  ") -> str:
    """`label: value, since S` in one line: the value, then the label, shortened to fit."""
    mark = f" {_POSSIBLE}" if item.certainty == "possible" else ""
    tail = f", since {item.since}{mark}"
    room = WIDTH - len(indent) - len(tail) - 2
    label = _clip(item.label, max(room - len(item.value), min(len(item.label), room // 2), 8))
    value = _clip(item.value, max(room - len(label), 8))
    return _clip(f"{indent}{label}: {value}{tail}", WIDTH)


def _counts(tallies: Sequence[Tally], first: bool = False) -> str:
    """`label N, ...` (or `N label, ...` when `first`)."""
    return ", ".join(f"{t.count} {t.label}" if first else f"{t.label} {t.count}" for t in tallies)


def _wrapped(text: str, indent: str = "  ", lines: int = 2) -> list[str]:
    """`text` wrapped at commas into at most `lines` lines of WIDTH columns (the last clipped)."""
    out: list[str] = []
    current = indent
    for part in text.split(", "):
        piece = part if current == indent else f", {part}"
        if len(current) + len(piece) + 1 > WIDTH and current != indent and len(out) < lines - 1:
            out.append(current + ",")
            current = indent + part
        else:
            current += piece
    out.append(_clip(current, WIDTH))
    return out


def _listed(items: Sequence[Any], cap: int, line: Callable[[Any], str], more: str) -> list[str]:
    """Up to `cap` lines of `items`, the last saying how many more there are when they do not fit."""
    if len(items) <= cap:
        return [line(i) for i in items]
    shown = max(cap - 1, 0)
    return [line(i) for i in items[:shown]] + [f"  … and {len(items) - shown} more ({more})"]


def _n(count: int, noun: str, plural: str | None = None) -> str:
    """`1 place`, `2 places`."""
    return f"{count} {noun if count == 1 else plural or noun + 's'}"


def _sections(summary: Summary, caps: dict[str, int], tz: str) -> list[str]:
    s = summary
    recent = local_day(s.recent_from, tz).isoformat()
    lines: list[str] = []
    lines.append(f"status: {_n(len(s.status), 'position')}" if s.status else "status: none on record")
    lines += _listed(s.status, caps["status"], _item_line, "--aspect status")
    possible = f" ({s.control_possible} possible {_POSSIBLE})" if s.control_possible else ""
    lines.append(
        f"control: {_n(s.places, 'place')}{possible}"
        + (f"; changed since {recent}: {len(s.control_changed)}" if s.places else "")
    )
    if s.control:
        lines += _wrapped(_counts(s.control))
    lines += _listed(s.control_changed, caps["changed"], lambda i: _item_line(i, "    "), "--aspect control")
    if s.offices:
        lines += _wrapped("offices: " + _counts(s.offices, first=True), "", 1)
    lines.append(f"posts: {len(s.officeholders)}" if s.officeholders else "posts: none on record")
    lines += _listed(s.officeholders, caps["officeholders"], _item_line, "--aspect officeholder")
    lines.append(f"recognition: {_n(s.recognitions, 'actor')}" if s.recognition else "recognition: none on record")
    lines += _listed(
        s.recognition,
        caps["recognition"],
        lambda t: _clip(f"  {t.label} {t.count}: {_counts(t.levels)}", WIDTH),
        "--aspect recognition",
    )
    if s.notable:
        lines.append(_clip("  notable: " + "; ".join(f"{i.label} ({i.value})" for i in s.notable), WIDTH))
    lines.append(f"conflict: {len(s.conflict)}" if s.conflict else "conflict: none on record")
    lines += _listed(s.conflict, caps["conflict"], _item_line, "--aspect conflict")
    lines.append(
        f"recent acts (since {recent}): {len(s.acts)}" if s.acts else f"recent acts (since {recent}): none on record"
    )
    lines += _listed(s.acts, caps["acts"], _item_line, "--all")
    return lines


def render_summary_table(summary: Summary, log_name: str, tz: str, known: str = "") -> str:
    """The summary as the text that opens `at`: at most LINES lines of WIDTH columns."""
    head = [_clip(f"{log_name} at {summary.at} ({tz}{known})", WIDTH)]
    others = ", ".join(f"{t.count} {t.key}" for t in summary.aspects)
    foot = _wrapped(f"{summary.facts} facts in force ({others})" if summary.facts else "no facts in force", "", 2)
    foot.append("--all lists every fact, --aspect ASPECT one aspect in full")
    legend = f"{_POSSIBLE} possible: the event's date straddles this instant; it may not hold yet."
    caps = dict(_CAPS)
    while True:
        body = _sections(summary, caps, tz)
        possible = summary.control_possible or any(line.endswith(f" {_POSSIBLE}") for line in body)
        shown = foot + ([legend] if possible else [])
        if len(head) + 1 + len(body) + 1 + len(shown) <= LINES or all(c <= 1 for c in caps.values()):
            return "\n".join([*head, "", *body, "", *shown]) + "\n"
        longest = max(caps, key=lambda k: caps[k])
        caps[longest] -= 1
