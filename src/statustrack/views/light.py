"""`at DATE --format json` answered from a current index without attrs, pendulum or the
event classes: the stored JSON text of each version in force (`index.light`), and the
summary counted from the stored rows by the same `api.summary.summarise_rows` the full
path uses. Whatever it does not handle it leaves to the full path (`answer` is None).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from json.encoder import encode_basestring
from pathlib import Path

from statustrack.api.summary import summarise_rows
from statustrack.core.shown import emit, end_of_day, iso_micros
from statustrack.index.keys import index_place, log_root
from statustrack.index.light import Verdict, current, shown_at
from statustrack.views.summary import summary_json

__all__ = ["answer"]

_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_WINDOW = 365 * 86_400 * 1_000_000
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def _items(texts: Sequence[str]) -> str:
    return "[\n    " + ",\n    ".join(texts) + "\n  ]" if texts else "[]"


def _options(argv: Sequence[str]) -> tuple[str, str | None] | None:
    """The date and --log of `at DATE --format json [--log DIR]`, or None for anything else."""
    if len(argv) < 4 or argv[0] != "at":
        return None
    when, fmt, log = None, None, None
    rest = list(argv[1:])
    while rest:
        word = rest.pop(0)
        if word in ("--format", "--log") and rest:
            value = rest.pop(0)
            if word == "--format":
                fmt = value
            else:
                log = value
        elif not word.startswith("-") and when is None:
            when = word
        else:
            return None
    if fmt != "json" or when is None or _DAY.fullmatch(when) is None or (log is not None and not log.strip()):
        return None
    return when, log


def answer(argv: Sequence[str]) -> str | None:
    """The text `statustrack *argv` prints, when it is `at DATE --format json [--log DIR]`
    with a plain date inside the log's horizon and a current index that may be trusted;
    else None (the full path answers, notes and errors included)."""
    found = _options(argv)
    if found is None:
        return None
    when, log = found
    try:
        day = dt.date.fromisoformat(when)
    except ValueError:
        return None
    if not 3 <= day.year <= 9998:
        return None
    try:
        root, shipped = log_root(log)
        if not root.is_dir():
            return None
        place = index_place(Path(root), shipped)
        if place.ignored:
            return None
        opened = current(root, place.path)
    except Exception:  # the full path says what is wrong, in one line
        return None
    if isinstance(opened, Verdict):
        return None
    db, meta = opened
    try:
        q = end_of_day(day, str(meta["timezone"]))
        horizon = meta["horizon"]
        if q is None or (horizon is not None and (q < horizon[1] or (horizon[7] and q > horizon[7][2]))):
            return None
        shown = shown_at(db, q, q - _WINDOW)
    except Exception:
        return None
    finally:
        db.close()
    instant = _EPOCH + dt.timedelta(microseconds=q)
    summary: list[str] = []
    emit(summary_json(summarise_rows(when, instant, shown.fact_rows, shown.act_rows)), "\n  ", summary)
    return (
        f'{{\n  "at": {encode_basestring(when)},\n  "known_at": null,\n  "instant": {encode_basestring(iso_micros(q))},'
        f'\n  "beyond_horizon": false,\n  "facts": {_items(shown.facts)},\n  "acts": {_items(shown.acts)},'
        f'\n  "summary": {"".join(summary)}\n}}\n'
    )
