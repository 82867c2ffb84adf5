"""Each law can fail: break the engine on purpose and show a law finding a counterexample.

Every test swaps in one broken piece, then searches for inputs on which the named law
fails. A law that no mutation can break would be no test at all.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs
import pytest
from hypothesis import strategies as st

from statustrack.api import query
from statustrack.core import checks as validate
from statustrack.core import dates
from statustrack.core import events as ev
from statustrack.core import replay as state
from statustrack.log import write as writer

from ..support import laws
from ..support.laws import breaks
from ..support.strategies import events, log_of, logs, logs_with_undo, query_dates, record_stamps, stamp

pytestmark = pytest.mark.slow  # each test searches up to 3,000 examples for a counterexample

ORACLE = st.tuples(logs(10), query_dates())


def _drop_captures(original: Callable[..., Any]) -> Callable[..., Any]:
    return lambda event, reg: () if isinstance(event, ev.Capture) else original(event, reg)


def test_oracle_catches_a_reducer_that_drops_an_event(monkeypatch: pytest.MonkeyPatch) -> None:
    """A reducer that drops captures disagrees with the model."""
    monkeypatch.setattr(state, "facts_of", _drop_captures(state.facts_of))
    breaks(laws.check_oracle, ORACLE)


def test_oracle_catches_replay_that_ignores_effective(monkeypatch: pytest.MonkeyPatch) -> None:
    """Replay that applies every event at its date, ignoring `effective`, disagrees with the model."""
    monkeypatch.setattr(ev.Event, "takes_effect", property(lambda self: self.date))
    breaks(laws.check_oracle, ORACLE)


def test_oracle_catches_end_of_day_off_by_one(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reading `at D` as the end of the day before disagrees with the model."""
    original = query.parse_when
    monkeypatch.setattr(query, "parse_when", lambda text, tz: original(text, tz).subtract(days=1))
    breaks(laws.check_oracle, ORACLE)


def test_oracle_catches_unstable_sort(monkeypatch: pytest.MonkeyPatch) -> None:
    """A timeline that puts same-instant events in reverse log order disagrees with the model."""
    original = state.timeline

    def unstable(events: Any, reg: Any) -> tuple[state.Step, ...]:
        return tuple(sorted(original(events, reg), key=lambda s: (s.instant, -s.order)))

    monkeypatch.setattr(state, "timeline", unstable)
    breaks(laws.check_oracle, ORACLE)


def test_certainty_law_catches_certainty_that_ignores_precision(monkeypatch: pytest.MonkeyPatch) -> None:
    """Certainty worked out from an interval's start, not its end, disagrees with the model."""
    monkeypatch.setattr(dates.Interval, "certain_by", lambda self, instant: self.start <= instant)
    breaks(laws.check_oracle, ORACLE)


def test_prefix_catches_replay_that_reads_the_future(monkeypatch: pytest.MonkeyPatch) -> None:
    """A replay that applies one step beyond the query instant breaks the prefix law."""
    original = state.replay

    def greedy(steps: Any, upto: Any, start: Any = state.EMPTY) -> state.State:
        later = [s for s in steps if s.instant > upto][:1]
        done = original(steps, upto, start)
        return original(later, later[0].instant, done) if later else done

    monkeypatch.setattr(state, "replay", greedy)
    breaks(laws.check_prefix, ORACLE)


def test_incremental_catches_a_snapshot_that_replays_its_last_step(monkeypatch: pytest.MonkeyPatch) -> None:
    """Continuing a replay that re-applies the snapshot's own instant breaks the incremental law."""

    def reapply(steps: Any, upto: Any, start: state.State = state.EMPTY) -> state.State:
        facts = dict(start.facts)
        for step in steps:
            if start.upto is not None and step.instant < start.upto:
                continue
            if step.instant > upto:
                break
            for key in step.pending:
                facts.pop(key, None)
            for fact in step.sets:
                facts.setdefault(fact.key, fact) if start.upto is not None else facts.__setitem__(fact.key, fact)
        return state.State(upto, facts)

    monkeypatch.setattr(state, "replay", reapply)
    breaks(laws.check_incremental, st.tuples(logs(10), query_dates(), query_dates()))


def test_diff_catches_a_diff_that_misses_certainty_changes(monkeypatch: pytest.MonkeyPatch) -> None:
    """A diff that compares values only misses facts that became certain."""
    original = query.diff

    def value_only(*args: Any, **kwargs: Any) -> query.Diff:
        result = original(*args, **kwargs)
        kept = tuple(
            c for c in result.changes if c.before is None or c.after is None or c.before.value != c.after.value
        )
        return attrs.evolve(result, changes=kept)

    monkeypatch.setattr(laws, "diff", value_only)
    breaks(laws.check_diff, st.tuples(logs(10), query_dates(), query_dates()))


def test_order_catches_files_read_in_directory_order(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without the refusal of file-dependent order, spreading events over files changes answers."""
    monkeypatch.setattr(validate, "_ambiguous_order", lambda *args: [])
    names = st.lists(st.sampled_from(["b", "a"]), min_size=10, max_size=10)
    breaks(
        lambda log, n, when: laws.check_file_order(log, n[: len(log.events)], when),
        st.tuples(logs(10), names, query_dates()),
    )


def test_order_catches_a_fold_that_depends_on_position(monkeypatch: pytest.MonkeyPatch) -> None:
    """A timeline that orders by log position before instant breaks the swap law."""
    original = state.timeline

    def by_position(events: Any, reg: Any) -> tuple[state.Step, ...]:
        steps = original(events, reg)
        return tuple(sorted(steps, key=lambda s: s.order))

    monkeypatch.setattr(state, "timeline", by_position)
    breaks(laws.check_same_day_swaps, st.tuples(logs(10), st.lists(st.integers(0, 10)), query_dates()))


def test_round_trip_catches_a_writer_that_drops_effective(monkeypatch: pytest.MonkeyPatch) -> None:
    """A writer that forgets `effective` breaks the round trip."""
    original = writer.event_record

    def forgetful(event: ev.Event, format: int | None = None) -> dict[str, Any]:
        record = original(event, format)
        record.pop("effective", None)
        return record

    monkeypatch.setattr(writer, "event_record", forgetful)
    breaks(laws.check_round_trip, st.tuples(logs(6), st.just("toml")))


def test_causality_catches_known_at_that_ignores_record_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """Replaying everything, whatever `--known-at` says, breaks record-time causality."""
    original = state.counted_events
    monkeypatch.setattr(state, "counted_events", lambda events, known_at=None: original(events, None))

    def check(items: list[ev.Event], when: str, known_at: str) -> None:
        cut = query.resolve_when(log_of(items), known_at)
        before = [e for e in items if e.recorded.start <= cut]
        laws.check_record_time_causality(log_of(before), items[len(before) :], when, known_at)

    breaks(check, st.tuples(logs_with_undo(8).map(stamp), query_dates(), record_stamps()))


def test_causality_catches_replay_that_ignores_the_query_instant(monkeypatch: pytest.MonkeyPatch) -> None:
    """A replay that applies every step, whenever it happens, breaks valid-time causality."""
    original = state.replay
    monkeypatch.setattr(state, "replay", lambda steps, upto, start=state.EMPTY: original(steps, dates.END, start))
    later = st.lists(events("late"), max_size=1)
    breaks(laws.check_valid_time_causality, st.tuples(logs(6), later, query_dates()))


def test_retraction_catches_retractions_that_are_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    """Counting retracted events as if never retracted breaks the retraction law."""
    monkeypatch.setattr(
        state,
        "counted_events",
        lambda events, known_at=None: tuple(e for e in events if not isinstance(e, ev.Retraction)),
    )
    breaks(laws.check_retraction, st.tuples(logs(8), st.integers(0, 20), query_dates()))


def test_run_law_catches_a_fold_that_restarts_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """A fold where every event starts a new run (no corroboration) breaks the value-run law."""
    monkeypatch.setattr(state, "_run", lambda old, fact: attrs.evolve(fact, previous=old))
    breaks(laws.check_run_not_restarted, st.tuples(logs(8), st.integers(0, 20), query_dates()))


def test_accounts_law_catches_a_timeline_that_ignores_account_of(monkeypatch: pytest.MonkeyPatch) -> None:
    """A timeline that treats linked accounts as separate happenings lets the answer flap between them."""
    monkeypatch.setattr(state, "_accounts", lambda items, *_: {e.id: [(i, e)] for i, e in enumerate(items)})

    def linked(args: tuple[Any, ...]) -> tuple[Any, ...]:
        log, first, other, holder, d1, d2 = args
        second = attrs.evolve(first, id="acc-2", date=other.date, effective=None)
        if isinstance(second, ev.Capture):
            second = attrs.evolve(second, by=holder)
        return (log, first, second, d1, d2)

    from ..support.strategies import ACTORS

    breaks(
        laws.check_accounts_never_flap,
        st.tuples(logs(4), events("acc-1"), events("acc-2"), st.sampled_from(ACTORS), query_dates(), query_dates()).map(
            linked
        ),
    )


def test_pending_law_catches_pending_facts_keyed_as_their_subject(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keying a pending fact like the fact it will become breaks the pending law."""
    from statustrack.core import facts as facts_module

    monkeypatch.setattr(facts_module.Fact, "key", property(lambda self: facts_module.Key(self.aspect, self.subject)))
    breaks(laws.check_pending_keys_apart, ORACLE)


def test_upcast_law_catches_a_broken_upcaster(monkeypatch: pytest.MonkeyPatch) -> None:
    """An upcaster that drops the end of a format 1 range (A/B read as [A..]) breaks the upcast law."""
    broken = dates.upcast_v1

    def drops_end(text: str) -> str:
        out = broken(text)
        return out.split("..")[0] + "..]" if out.startswith("[") and not out.startswith("[..") else out

    monkeypatch.setattr(dates, "upcast_v1", drops_end)
    dates.parse_edtf.cache_clear()
    try:
        breaks(laws.check_upcast, st.tuples(logs(6), query_dates()))
    finally:
        dates.parse_edtf.cache_clear()


def test_certainty_law_catches_a_disputed_date_certain_from_the_earliest_account(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Law 13: a replay that takes the earliest account's date for the happening (as before issue 19)
    shows it certain while a later account has it not happened yet."""
    monkeypatch.setattr(state, "disputed_date", lambda dates: dates[0])
    from ..support.strategies import logs_with_accounts

    breaks(laws.check_disputed_certainty, st.tuples(logs_with_accounts(4).map(log_of), query_dates()))


def test_direction_law_catches_a_backward_diff_told_as_forward(monkeypatch: pytest.MonkeyPatch) -> None:
    """Law 14: a diff that answers a later-first question as the forward journey (what it did before
    issue 19 says it swapped nothing) is not the forward diff reversed."""
    original = query.differing
    monkeypatch.setattr(
        query,
        "differing",
        lambda before, after, causes, backward=False: (
            original(after, before, causes) if backward else original(before, after, causes)
        ),
    )
    breaks(laws.check_direction, st.tuples(logs(6), query_dates(), query_dates()))


def test_direction_law_catches_a_missing_flag(monkeypatch: pytest.MonkeyPatch) -> None:
    """Law 14: a backward diff without its flag breaks the law."""
    original = query.Diff
    monkeypatch.setattr(query, "Diff", lambda *args: original(*args[:4]))
    breaks(laws.check_direction, st.tuples(logs(6), query_dates(), query_dates()))


EXISTENCE = st.tuples(logs(10), query_dates())


def test_existence_catches_a_cessation_that_ends_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    """A replay whose cessations end no position shows positions of ceased holders."""
    monkeypatch.setattr(state, "_cease", lambda facts, step: [])
    breaks(laws.check_existence, EXISTENCE)


def test_existence_catches_positions_stated_after_a_cessation(monkeypatch: pytest.MonkeyPatch) -> None:
    """A replay that never marks a position stated after its holder ceased to exist shows it."""
    monkeypatch.setattr(state, "_lapse_absent", lambda facts, instant, existence: facts)
    breaks(laws.check_existence, EXISTENCE)


def test_oracle_catches_acts_that_join_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """A fold in which a repeated act joins the run of the one before disagrees with the model."""

    def joining(old: Any, fact: Any) -> Any:
        if old is not None and old.value == fact.value and not old.disputed and not fact.disputed:
            return old.joined(fact)
        return fact.replacing(old)

    monkeypatch.setattr(state, "_run", joining)
    breaks(laws.check_oracle, ORACLE)


def test_oracle_catches_offensives_never_stopped(monkeypatch: pytest.MonkeyPatch) -> None:
    """Offensives without a recorded end that run on past their theatre's next war disagree with the model."""
    monkeypatch.setattr(state, "_close", lambda facts, step: [])
    breaks(laws.check_oracle, ORACLE)


def test_oracle_catches_a_closing_step_that_misses_an_offensive(monkeypatch: pytest.MonkeyPatch) -> None:
    """A war or ceasefire told of no key it may close (`Step.closing` empty) leaves offensives
    without a recorded end running: the model disagrees."""
    monkeypatch.setattr(state, "_closings", lambda steps: steps)
    breaks(laws.check_oracle, ORACLE)
