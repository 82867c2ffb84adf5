"""One count everywhere: `subjects`, `history`, `at`, `countries`, the rendered JSON and the
export count the same runs and facts (issue 22, item 3). Checked on random logs and on the
shipped log; each check raises AssertionError naming what disagrees."""

from __future__ import annotations

import json
from collections import Counter

from statustrack.api.explore import countries, history, periods, subjects
from statustrack.api.export import export_rows
from statustrack.api.query import at, resolve_when
from statustrack.core.facts import STANCES
from statustrack.log.load import Log
from statustrack.views.facts import render_answer


def check_subjects_are_history(log: Log) -> None:
    """Every entry of `subjects` counts exactly the runs `history` gives for it: its own runs
    (its parts' when it has none), its own and its parts' with --with-parts; a name several
    ties share counts them all; and no name is listed twice."""
    entries = subjects(log)
    names = Counter(e.name.casefold() for e in entries)
    assert all(n == 1 for n in names.values()), [k for k, n in names.items() if n > 1]
    for entry in entries:
        if log.registry.entry(entry.ident) is not None:
            shown = len(history(log, entry.ident).periods)
            assert shown == (entry.runs or entry.via_parts), (entry.ident, shown, entry.runs, entry.via_parts)
            whole = len(history(log, entry.ident, with_parts=True).periods)
            assert whole == entry.runs + entry.via_parts, (entry.ident, whole, entry.runs, entry.via_parts)
        else:  # a subject by its id; a name several subjects share (two ties of one pair) by the name
            spelling = entry.name if len(entry.idents) > 1 else entry.ident
            shown = len(history(log, spelling).periods)
            assert shown == entry.runs, (spelling, shown, entry.runs)


def check_counts_agree(log: Log, when: str) -> None:
    """At `when`: per stance, `at --stance` (API and rendered JSON) counts the runs the export
    holds in force with that stance on any of their rows; `countries` counts every fact
    once; the export has every run of `periods`."""
    _, rows = export_rows(log)
    assert len({r["run"] for r in rows}) == len(periods(log))
    instant = resolve_when(log, when)
    # In force: the runs containing the instant that `at` lists: standing positions, and acts
    # still pending (decided, not yet in effect); an act that took effect happened on its date,
    # and a lapsed run is its holder's ending, not a position.
    in_force = [
        r
        for r in rows
        if r["valid_from"] <= instant
        and (r["valid_to"] is None or instant < r["valid_to"])
        and (r["pending"] or not r["act"])
        and not r["lapsed"]
    ]
    for stance in STANCES:
        answer = at(log, when, aspects=["recognition"], stances=[stance])
        rendered = json.loads(render_answer(answer, "json", log.name, log.timezone, registry=log.registry))["facts"]
        exported = {r["run"] for r in in_force if r["aspect"] == "recognition" and r.get("stance") == stance}
        assert len(answer.facts) == len(rendered) == len(exported), (stance, len(answer.facts), len(exported))
    everything = at(log, when)
    counted = countries(log, when)
    assert counted.total == sum(c.count for c in counted.countries) == len(everything.facts)
    assert len({(r["aspect"], r["subject"], r["pending"]) for r in in_force}) == len(everything.facts)
