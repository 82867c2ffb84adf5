"""`at DATE` (the summary table) and `at DATE --format json` answered from a current index
without attrs, pendulum or the event classes: the stored JSON text of each version in force
(`index.light`), and the summary counted from the stored rows by the same
`api.summary.summarise_rows` the full path uses, shown by the same `views.summary`. Whatever
it does not handle it leaves to the full path (`answer` is None).
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from collections.abc import Callable, Sequence
from json.encoder import encode_basestring
from pathlib import Path
from typing import Any

from statustrack.api.summary import summarise_rows
from statustrack.core.shown import emit, end_of_day, iso_micros
from statustrack.index.keys import index_place, log_root
from statustrack.index.light import Verdict, current, shown_at
from statustrack.views.summary import render_summary_table, summary_json

__all__ = ["answer", "respond"]

_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_WINDOW = 365 * 86_400 * 1_000_000
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
#: What stands before each item of `facts` and `acts`.
_ITEM = "\n    "


def _options(argv: Sequence[str]) -> tuple[str, str | None, str] | None:
    """The date, --log and format of `at DATE [--format json|table] [--log DIR]`, or None
    for anything else."""
    if len(argv) < 2 or argv[0] != "at":
        return None
    when, fmt, log = None, "table", None
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
    if fmt not in ("json", "table") or when is None or _DAY.fullmatch(when) is None:
        return None
    if log is not None and not log.strip():
        return None
    return when, log, fmt


def answer(argv: Sequence[str]) -> str | None:
    """The text `statustrack *argv` prints, when it is `at DATE [--format json|table] [--log
    DIR]` with a plain date inside the log's horizon and a current index that may be trusted;
    else None (the full path answers, notes and errors included)."""
    parts: list[str] = []
    return "".join(parts) if respond(argv, parts.append) else None


def _table(db: sqlite3.Connection, meta: dict[str, Any], when: str, q: int, write: Callable[[str], object]) -> bool:
    """Hand the summary table of the answer at `q` (asked as `when`) to `write`: its rows
    read whole first (nothing written if the index fails), then one text. Closes `db`."""
    try:
        rows = shown_at(db, q, q - _WINDOW, texts=False)
        name, tz = str(meta["name"]), str(meta["timezone"])
    except Exception:
        return False
    finally:
        db.close()
    instant = _EPOCH + dt.timedelta(microseconds=q)
    write(render_summary_table(summarise_rows(when, instant, rows.fact_rows, rows.act_rows), name, tz))
    return True


def respond(argv: Sequence[str], write: Callable[[str], object]) -> bool:
    """Hand what `statustrack *argv` prints to `write`, piece by piece as the index is read
    (the JSON a fact's text at a time: the answer is never whole in memory; the table in
    one piece), when `answer` would answer; else write nothing and return False. Nothing
    is written before the first row is read: until then anything amiss leaves the command
    to the full path; an error of the index after that is raised (the caller says it in
    one line)."""
    found = _options(argv)
    if found is None:
        return False
    when, log, fmt = found
    try:
        day = dt.date.fromisoformat(when)
    except ValueError:
        return False
    if not 3 <= day.year <= 9998:
        return False
    try:
        root, shipped = log_root(log)
        if not root.is_dir():
            return False
        place = index_place(Path(root), shipped)
        if place.ignored:
            return False
        opened = current(root, place.path, ("name",) if fmt == "table" else ())
    except Exception:  # the full path says what is wrong, in one line
        return False
    if isinstance(opened, Verdict):
        return False
    db, meta = opened
    try:
        q = end_of_day(day, str(meta["timezone"]))
        horizon = meta["horizon"]
    except Exception:
        db.close()
        return False
    if q is None or (horizon is not None and (q < horizon[1] or (horizon[7] and q > horizon[7][2]))):
        db.close()
        return False
    instant = _EPOCH + dt.timedelta(microseconds=q)
    if fmt == "table":
        return _table(db, meta, when, q, write)
    head = (
        f'{{\n  "at": {encode_basestring(when)},\n  "known_at": null,\n  "instant": '
        f'{encode_basestring(iso_micros(q))},\n  "beyond_horizon": false,\n  "facts": '
    )
    written = [0]  # facts written so far

    def fact(text: str) -> None:
        written[0] += 1  # first: a write that fails is not left to the full path to repeat
        write(f"{head}[{_ITEM}" if written[0] == 1 else f",{_ITEM}")
        write(text)

    try:
        shown = shown_at(db, q, q - _WINDOW, fact)
    except Exception:
        if written[0]:
            raise
        return False
    finally:
        db.close()
    write("\n  ]," if written[0] else f"{head}[],")
    summary: list[str] = []
    emit(summary_json(summarise_rows(when, instant, shown.fact_rows, shown.act_rows)), "\n  ", summary)
    acts = "[" + _ITEM + f",{_ITEM}".join(shown.acts) + "\n  ]" if shown.acts else "[]"
    write(f'\n  "acts": {acts},\n  "summary": {"".join(summary)}\n}}\n')
    return True
