"""The replay laws of DESIGN.md as hypothesis properties."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from statustrack.facts import Fact
from statustrack.log import Log
from statustrack.query import at, diff, resolve_when
from statustrack.reducers import PENDING

from .strategies import log_of, logs, query_dates


def facts(log: Log, when: str) -> dict[tuple[str, str], Fact]:
    """The answer of `at` as a dict by key."""
    return {f.key: f for f in at(log, when).facts}


@given(logs(), query_dates())
def test_prefix(log: Log, when: str) -> None:
    """Law 1: at(D) equals a replay of exactly the events on record by D; its settled facts
    equal a replay of exactly the events effective by D."""
    q = resolve_when(log, when)
    on_record = log_of([e for e in log.events if e.date.start <= q])
    assert facts(on_record, when) == facts(log, when)
    effective = log_of([e for e in log.events if e.takes_effect.start <= q])
    settled = {k: f for k, f in facts(log, when).items() if not k[1].endswith(PENDING)}
    assert {k: f for k, f in facts(effective, when).items() if not k[1].endswith(PENDING)} == settled


@given(logs(), query_dates(), query_dates())
def test_diff(log: Log, d1: str, d2: str) -> None:
    """Law 3: applying diff(D1, D2) to at(D1) gives at(D2)."""
    state = facts(log, d1)
    for change in diff(log, d1, d2).changes:
        key = (change.aspect, change.subject)
        assert state.get(key) == change.before
        if change.after is None:
            del state[key]
        else:
            state[key] = change.after
    assert state == facts(log, d2)


@given(logs(), query_dates())
def test_diff_with_itself_is_empty(log: Log, d: str) -> None:
    """Law 3: diff(D, D) is empty."""
    assert diff(log, d, d).changes == ()


@given(logs(), query_dates())
def test_diff_names_causes(log: Log, d2: str) -> None:
    """Every change names at least one event, and every named event exists in the log."""
    ids = {e.id for e in log.events}
    for change in diff(log, "2018-12-31", d2).changes:
        assert change.events and set(change.events) <= ids


@given(logs(), st.data())
def test_certainty_matches_interval(log: Log, data: st.DataObject) -> None:
    """A fact is certain exactly when its whole interval lies on or before the query instant."""
    when = data.draw(query_dates())
    q = resolve_when(log, when)
    for fact in at(log, when).facts:
        assert fact.interval.start <= q
        assert (fact.certainty == "certain") == (fact.interval.end <= q)
