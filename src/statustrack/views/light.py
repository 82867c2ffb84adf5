"""`at DATE` (the summary table) and `at DATE --format json` answered from a current index
without attrs, pendulum or the event classes: the stored JSON text of each version in force
(`index.light`), and the summary counted from the stored rows by the same
`api.summary.summarise_rows` the full path uses, shown by the same `views.summary`. Whatever
it does not handle it leaves to the full path (`answer` is None).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import operator
import re
import sqlite3
from collections.abc import Callable, Sequence
from json.encoder import encode_basestring
from typing import Any

from statustrack.core.names import Unnamed, fold, resolve, subjects
from statustrack.core.shown import (
    cited_json,
    emit,
    end_of_day,
    iso_micros,
    run_ends,
    run_json,
    runs_in,
    seen_json,
    unplaced,
    until_of,
)
from statustrack.index.keys import index_place, log_root
from statustrack.index.light import Verdict, current, history_rows, shown_at
from statustrack.views.json import document
from statustrack.views.runs import history_table, run_lines

__all__ = ["answer", "respond", "respond_history"]

_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_WINDOW = 365 * 86_400 * 1_000_000
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
#: What stands before each item of `facts` and `acts`.
_ITEM = "\n    "


def _plain(argv: Sequence[str], verb: str) -> tuple[str, str | None, str] | None:
    """The one argument, --log and format of `VERB ARG [--format json|table] [--log DIR]`,
    or None for anything else (the full path answers those)."""
    if len(argv) < 2 or argv[0] != verb:
        return None
    argument, fmt, log = None, "table", None
    rest = list(argv[1:])
    while rest:
        word = rest.pop(0)
        if word in ("--format", "--log") and rest:
            value = rest.pop(0)
            if word == "--format":
                fmt = value
            else:
                log = value
        elif not word.startswith("-") and argument is None:
            argument = word
        else:
            return None
    if fmt not in ("json", "table") or argument is None or (log is not None and not log.strip()):
        return None
    return argument, log, fmt


def _options(argv: Sequence[str]) -> tuple[str, str | None, str] | None:
    """The date, --log and format of `at DATE [--format json|table] [--log DIR]` for a plain
    day, or None for anything else."""
    found = _plain(argv, "at")
    return found if found is not None and _DAY.fullmatch(found[0]) is not None else None


def _opened(log: str | None, keys: Sequence[str]) -> tuple[sqlite3.Connection, dict[str, Any]] | None:
    """The current, trusted index of the log `--log` names (None: the default log), open,
    with its meta keys `keys`; None when the light path cannot answer from it (no such
    directory, an index passed over, stale, missing, untrusted or damaged): the full path
    then says what is wrong, in one line."""
    try:
        root, shipped = log_root(log)
        if not root.is_dir():
            return None
        place = index_place(root, shipped)
        if place.ignored:
            return None
        opened = current(root, place.path, keys)
    except Exception:
        return None
    return None if isinstance(opened, Verdict) else opened


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
    from statustrack.api.summary import summarise_rows  # here: `history` needs no summary
    from statustrack.views.summary import render_summary_table

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
    opened = _opened(log, ("name",) if fmt == "table" else ())
    if opened is None:
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
    from statustrack.api.summary import summarise_rows  # here: `history` needs no summary
    from statustrack.views.summary import summary_json

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


class _Declined(Exception):
    """The light `history` cannot answer alone: the full path does."""


def _history_options(argv: Sequence[str]) -> tuple[str, str | None, str] | None:
    """The subject, --log and format of `history NAME [--format json|table] [--log DIR]`, or
    None for anything else."""
    return _plain(argv, "history")


def _by_id(db: sqlite3.Connection, query: str, idents: Sequence[Any]) -> dict[Any, Any]:
    """The rows of `query` (its first column the id, `{}` where the ids go) for `idents`,
    by id, read 500 ids at a time."""
    found: dict[Any, Any] = {}
    for first in range(0, len(idents), 500):
        chunk = idents[first : first + 500]
        for row in db.execute(query.format(",".join("?" * len(chunk))), chunk):
            found[row[0]] = row[1:]
    return found


def _history(db: sqlite3.Connection, meta: dict[str, Any], subject: str, fmt: str) -> str:
    """`history subject` in `fmt` from the open current index `db`: the rule of each step is
    the full path's (`core.names`, `core.shown`, `views.runs`); raises `_Declined` where the
    index alone cannot say what the full path would (a name that names nothing, a removing
    event dated as a span)."""
    registry = meta["registry"]
    entries = [(p[0], p[1], p[3]) for p in registry["places"]] + [(a[0], a[1], a[3]) for a in registry["actors"]]
    ids = {e[0] for e in entries}
    titles = {s[0]: (s[1], s[2]) for s in registry["sources"]}

    def named(spelling: str) -> frozenset[str]:
        return resolve(spelling, ids.__contains__, entries)

    found = named(subject)
    folded = fold(subject)
    own = {
        i for (i,) in db.execute(f"SELECT id FROM catalogue_ids WHERE id IN ({','.join('?' * len(found))})", [*found])
    }
    names = {f for (f,) in db.execute("SELECT folded FROM catalogue_names WHERE folded = ?", (folded,))}
    try:
        chosen = subjects([subject], named, own, names)
    except Unnamed:
        raise _Declined from None
    rows = history_rows(db, found, [folded], fold)
    runs = runs_in(rows, operator.attrgetter("run"))
    runs.sort(key=lambda vs: (vs[0].aspect, vs[0].subject, vs[0].pending, vs[0].valid_from))
    last = [vs[-1] for vs in runs]
    shown = _by_id(
        db,
        "SELECT version, aspect_order, aspect, pending, folded, subject, base FROM shown WHERE version IN ({})",
        [r.version for r in last],
    )
    bodies = _by_id(db, "SELECT id, body FROM facts WHERE id IN ({})", sorted({r.fact for r in last}))
    ends = run_ends(
        [
            (
                (vs[0].aspect, vs[0].subject, vs[0].pending),
                vs[0].valid_from,
                vs[-1].valid_to,
                [(v.valid_from, v.valid_to, v.certain_from) for v in vs],
            )
            for vs in runs
        ]
    )
    facts = []
    for row in last:
        *rank, base = shown[row.version]
        body = json.loads(bodies[row.fact][0])
        facts.append((tuple(rank), unplaced(json.loads(base), {k for k, _ in body[8]}), body))
    records: dict[str, dict[str, Any] | None] = {}

    def record(event: str) -> dict[str, Any] | None:
        if event not in records:
            got = db.execute("SELECT record FROM events WHERE id = ?", (event,)).fetchone()
            records[event] = None if got is None else dict(json.loads(got[0]))
        return records[event]

    def removed(event: str) -> str | None:
        told = record(event)
        written = told.get("date") if told is not None else None
        if written and "/" in written:
            raise _Declined  # a span: its end is an EDTF parse away
        return None

    kept = []
    for i, vs in enumerate(runs):
        _, base, body = facts[i]
        if not chosen.about(body[10], body[9], body[1], body[2]):
            continue
        certain_from, after, ended_by = ends[i]
        event = base["event"]
        until = until_of(
            vs[-1].valid_to,
            facts[after][1]["since"] if after is not None else None,
            base.get("effective") if base["pending"] else None,
            functools.partial(removed, event),
            iso_micros,
        )
        kept.append((facts[i][0], vs[0].valid_from, i, until, certain_from, ended_by))
    kept.sort(key=lambda k: (k[0], k[1]))
    out: list[dict[str, Any]] = []
    table: list[tuple[dict[str, Any], list[str]]] = []
    for _, valid_from, i, until, certain_from, ended_by in kept:
        base = facts[i][1]
        fact = seen_json(base, "certain", [None] * len(base.get("accounts", ())), None)
        if fmt == "json":
            valid_to = runs[i][-1].valid_to
            cited = [cited_json(s["id"], s["at"], *titles.get(s["id"], (None, None))) for s in fact["sources"]]
            out.append(
                run_json(
                    fact,
                    cited,
                    iso_micros(valid_from),
                    None if valid_to is None else iso_micros(valid_to),
                    until,
                    None if certain_from is None else iso_micros(certain_from),
                    None if ended_by is None else iso_micros(ended_by),
                )
            )
        else:

            def own_sources(fact: dict[str, Any] = fact) -> list[str]:
                told = record(fact["event"])
                refs = told.get("sources", ()) if told is not None else fact["sources"]
                return [s["id"] for s in refs]

            table.append((fact, run_lines(fact, until, own_sources)))
    if fmt == "json":
        return document({"subject": subject, "known_at": None, "runs": out})
    return history_table(str(meta["name"]), str(meta["timezone"]), subject, None, table)


def respond_history(argv: Sequence[str], write: Callable[[str], object]) -> bool:
    """Hand what `statustrack *argv` prints to `write`, in one piece, when it is `history
    NAME [--format json|table] [--log DIR]`, the index is current and may be trusted, and
    it alone says what the full path would; else write nothing and return False."""
    found = _history_options(argv)
    if found is None:
        return False
    subject, log, fmt = found
    opened = _opened(log, ("name", "registry"))
    if opened is None:
        return False
    db, meta = opened
    try:
        db.execute("BEGIN")  # one snapshot of the index
        text = _history(db, meta, subject, fmt)
    except Exception:
        return False
    finally:
        db.close()
    write(text)
    return True
