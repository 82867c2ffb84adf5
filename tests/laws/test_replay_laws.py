"""The eight replay laws of DESIGN.md as hypothesis properties, and the oracle state machine."""

from __future__ import annotations

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from statustrack.api.query import at, diff, resolve_when
from statustrack.core import events as ev
from statustrack.log.load import Log

from ..support import laws
from ..support.strategies import (
    ACTORS,
    event_lists,
    events,
    log_of,
    logs,
    logs_with_accounts,
    logs_with_undo,
    query_dates,
    record_stamps,
    retraction,
    stamp,
)

pytestmark = pytest.mark.slow  # Hypothesis searches of random logs


@given(logs(), query_dates())
def test_prefix(log: Log, when: str) -> None:
    """Law 1: at(D) is a replay of exactly the events on record (settled: effective) by D."""
    laws.check_prefix(log, when)


@given(logs(), query_dates(), query_dates())
def test_incremental(log: Log, d1: str, d2: str) -> None:
    """Law 2: a replay continued from a snapshot at D1 equals a replay to D2."""
    laws.check_incremental(log, d1, d2)


@given(logs(), query_dates(), query_dates())
def test_diff(log: Log, d1: str, d2: str) -> None:
    """Law 3: at(D1) + diff(D1, D2) = at(D2), and diff(D, D) is empty."""
    laws.check_diff(log, d1, d2)


@given(logs(), query_dates())
def test_diff_names_causes(log: Log, d2: str) -> None:
    """Every change names at least one event of the log."""
    ids = {e.id for e in log.events}
    for change in diff(log, "2018-12-31", d2).changes:
        assert change.events and set(change.events) <= ids


@given(st.data())
def test_file_order(data: st.DataObject) -> None:
    """Law 4: the files events sit in, and the order files are read, change nothing."""
    log = data.draw(logs(8))
    names = data.draw(
        st.lists(st.sampled_from(["b", "a", "z/c", "m"]), min_size=len(log.events), max_size=len(log.events))
    )
    laws.check_file_order(log, names, data.draw(query_dates()))


@given(logs(), st.lists(st.integers(0, 12)), query_dates())
def test_same_day_swaps(log: Log, swaps: list[int], when: str) -> None:
    """Law 4: reordering events of different subjects changes nothing."""
    laws.check_same_day_swaps(log, swaps, when)


@given(st.builds(log_of, logs_with_undo(6).map(stamp)), st.sampled_from(["toml", "jsonl"]))
def test_round_trip(log: Log, fmt: str) -> None:
    """Law 5: loading what the writer writes gives back the same events."""
    laws.check_round_trip(log, fmt)


@given(logs(), event_lists(4), query_dates())
def test_valid_time_causality(log: Log, later: list[ev.Event], when: str) -> None:
    """Law 6: events that happen after D never change at(D)."""
    later = [attrs.evolve(e, id=f"late-{e.id}") for e in later]
    laws.check_valid_time_causality(log, later, when)


@given(logs_with_undo(8).map(stamp), query_dates(), record_stamps())
def test_record_time_causality(items: list[ev.Event], when: str, known_at: str) -> None:
    """Law 6: events recorded after T never change --known-at T."""
    cut = resolve_when(log_of(items), known_at)
    before = [e for e in items if e.recorded.start <= cut]
    laws.check_record_time_causality(log_of(before), items[len(before) :], when, known_at)


@given(logs(), st.integers(0, 20), query_dates())
def test_retraction(log: Log, target: int, when: str) -> None:
    """Law 7: log + retraction of e answers as the log without e."""
    laws.check_retraction(log, target, when)


@given(logs_with_undo(8).map(stamp), query_dates(), st.none() | record_stamps())
def test_oracle(items: list[ev.Event], when: str, known_at: str | None) -> None:
    """Law 8: the engine agrees with the brute-force model, corrections and retractions included."""
    laws.check_oracle(log_of(items), when, known_at)


@given(logs(), st.data())
def test_certainty_matches_interval(log: Log, data: st.DataObject) -> None:
    """A fact is certain exactly when its whole interval lies on or before the query instant."""
    when = data.draw(query_dates())
    q = resolve_when(log, when)
    for fact in at(log, when).facts:
        assert fact.interval.start <= q
        assert (fact.certainty == "certain") == (fact.interval.end <= q)


class ReplayVersusModel(RuleBasedStateMachine):
    """Law 8 as a state machine: random appends, corrections, retractions and queries,
    the engine checked against the brute-force model after every step."""

    def __init__(self) -> None:
        super().__init__()
        self.items: list[ev.Event] = []
        self.queries: list[tuple[str, str | None]] = [("2021-12-31", None)]

    def _stamped(self, event: ev.Event) -> ev.Event:
        n = len(self.items)
        return attrs.evolve(event, recorded=laws.parse_stamp(n))

    @rule(data=st.data())
    def append(self, data: st.DataObject) -> None:
        """Record a new event."""
        self.items.append(self._stamped(data.draw(events(f"e{len(self.items)}"))))

    @precondition(lambda self: any(not isinstance(e, ev.Retraction) for e in self.items))
    @rule(data=st.data(), correct=st.booleans())
    def undo(self, data: st.DataObject, correct: bool) -> None:
        """Retract or correct an earlier plain event not yet undone."""
        undone = {getattr(e, "retracts", None) for e in self.items} | {e.replaces for e in self.items}
        plain = [e.id for e in self.items if not isinstance(e, ev.Retraction) and not e.replaces and e.id not in undone]
        if not plain:
            return
        target = data.draw(st.sampled_from(plain))
        if correct:
            fix = attrs.evolve(data.draw(events(f"c{len(self.items)}")), replaces=target)
        else:
            fix = retraction(f"r{len(self.items)}", target)
        self.items.append(self._stamped(fix))

    @rule(when=query_dates(), known_at=st.none() | record_stamps())
    def ask(self, when: str, known_at: str | None) -> None:
        """Ask about a random date, now or as the log stood at a past record time."""
        self.queries.append((when, known_at))

    @invariant()
    def agrees_with_model(self) -> None:
        """The latest query agrees with the model."""
        when, known_at = self.queries[-1]
        laws.check_oracle(log_of(self.items), when, known_at)


ReplayVersusModel.TestCase.settings = settings(max_examples=200, stateful_step_count=20, deadline=None)
test_replay_versus_model = ReplayVersusModel.TestCase


@given(logs(), st.integers(0, 20), query_dates())
def test_run_not_restarted(log: Log, target: int, when: str) -> None:
    """Value runs: restating the value in force never restarts its run."""
    laws.check_run_not_restarted(log, target, when)


@given(logs(8), events("acc-1"), events("acc-2"), st.sampled_from(ACTORS), query_dates(), query_dates())
def test_accounts_never_flap(log: Log, first: ev.Event, other: ev.Event, holder: str, d1: str, d2: str) -> None:
    """Accounts: two linked accounts of one happening (another day, maybe another holder)
    never make a change between them."""
    second = attrs.evolve(first, id="acc-2", date=other.date, effective=None)
    if isinstance(second, ev.Capture):
        second = attrs.evolve(second, by=holder)
    laws.check_accounts_never_flap(log, first, second, d1, d2)


@given(logs(), query_dates())
def test_pending_keys_apart(log: Log, when: str) -> None:
    """A pending fact never shares its key with the fact it will become."""
    laws.check_pending_keys_apart(log, when)


@settings(max_examples=50)
@given(logs(8), query_dates())
def test_upcast(log: Log, when: str) -> None:
    """Law 11: a format 1 log and the same log written in format 2 answer alike."""
    laws.check_upcast(log, when)


@given(logs_with_undo(), query_dates())
def test_history(items: list[ev.Event], when: str) -> None:
    """Law 10: history's versions never overlap per key, and those holding at D are at(D)."""
    laws.check_history(log_of(items), when)


@given(logs(), st.lists(query_dates(), max_size=6))
def test_sweep(log: Log, whens: list[str]) -> None:
    """Law 2, as a date slider uses it: a sweep answers every date exactly as at does."""
    laws.check_sweep(log, whens)


@given(logs_with_accounts(), query_dates())
def test_disputed_date_is_not_certain(items: list[ev.Event], when: str) -> None:
    """Law 13: a fact is certain at t only if every account of its start has it happened by t."""
    laws.check_disputed_certainty(log_of(items), when)


@given(logs_with_undo(), query_dates(), query_dates())
def test_direction(items: list[ev.Event], d1: str, d2: str) -> None:
    """Law 14: diff(B, A) is diff(A, B) with before and after swapped, flagged backward."""
    laws.check_direction(log_of(items), d1, d2)


@given(logs(), query_dates())
def test_existence(log: Log, when: str) -> None:
    """12. No position shows at an instant when its holder does not exist."""
    laws.check_existence(log, when)
