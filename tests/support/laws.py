"""The eight replay laws of DESIGN.md as checks: each raises AssertionError when broken.

tests/laws/test_replay_laws.py runs them as hypothesis properties;
tests/laws/test_replay_mutations.py breaks the engine on purpose and shows each law finding
a counterexample with `breaks`.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
from hypothesis import HealthCheck, Phase, find, settings
from hypothesis import strategies as st

from statustrack.api.query import at, diff, resolve_when, state_at, steps_for
from statustrack.core import events as ev
from statustrack.core.dates import Interval, parse_edtf
from statustrack.core.facts import Fact, Key
from statustrack.errors import LogInvalid, ProblemCode
from statustrack.log.load import Log, load_log
from statustrack.log.write import to_jsonl, to_toml

from . import MINI
from .model import model_at, query_instant
from .strategies import log_of

Facts = dict[Key, Fact]

#: How hard `breaks` searches: a law a mutation breaks fails within these examples.
SEARCH = settings(
    max_examples=3000, database=None, deadline=None, phases=[Phase.generate], suppress_health_check=list(HealthCheck)
)


def breaks(check: Callable[..., None], strategy: st.SearchStrategy[tuple[Any, ...]]) -> tuple[Any, ...]:
    """Find arguments on which `check` fails (raises AssertionError)."""

    def fails(args: tuple[Any, ...]) -> bool:
        try:
            check(*args)
        except AssertionError:
            return True
        return False

    return find(strategy, fails, settings=SEARCH)


def facts(log: Log, when: str, known_at: str | None = None) -> Facts:
    """The answer of `at` as a dict by key: the facts in force and every act on record."""
    answer = at(log, when, known_at=known_at, acts_window=None)
    return {f.key: f for f in (*answer.facts, *answer.acts)}


def settled(answer: Facts) -> Facts:
    """The facts that are not pending."""
    return {k: f for k, f in answer.items() if not k.pending}


def check_prefix(log: Log, when: str) -> None:
    """1. at(D) is a replay of exactly the events on record by D; its settled facts are a
    replay of exactly the events effective by D."""
    q = resolve_when(log, when)
    assert facts(log_of([e for e in log.events if e.date.start <= q]), when) == facts(log, when)
    effective = log_of([e for e in log.events if (e.effective or e.date).start <= q])
    assert settled(facts(effective, when)) == settled(facts(log, when))


def check_incremental(log: Log, d1: str, d2: str) -> None:
    """2. Replaying from a snapshot taken at D1 through D2 equals replaying to D2."""
    q1, q2 = sorted((resolve_when(log, d1), resolve_when(log, d2)))
    snapshot = state_at(log, q1)
    assert state_at(log, q2, start=snapshot) == state_at(log, q2)


def check_diff(log: Log, d1: str, d2: str) -> None:
    """3. Applying diff(D1, D2) to at(D1) gives at(D2); diff(D, D) is empty."""
    state = facts(log, d1)
    for change in diff(log, d1, d2).changes:
        key = Key(change.aspect, change.subject, change.pending)
        assert state.get(key) == change.before
        if change.after is None:
            del state[key]
        else:
            state[key] = change.after
    assert state == facts(log, d2)
    assert diff(log, d1, d1).changes == ()


def _write(root: Path, files: dict[str, list[ev.Event]], fmt: str = "toml") -> Path:
    (root / "registry").mkdir(parents=True)
    for name in ("log.toml", "registry/registry.toml"):
        (root / name).write_text((MINI / name).read_text(encoding="utf-8"), encoding="utf-8")
    for name, items in files.items():
        text = to_toml(items) if fmt == "toml" else to_jsonl(items)
        target = root / f"{name}.{fmt}"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return root


def check_file_order(log: Log, names: list[str], when: str) -> None:
    """4a. Spreading the events over files (read in whatever order their names give)
    changes no answer, unless the loader refuses an order that would depend on files."""
    files: dict[str, list[ev.Event]] = {}
    for event, name in zip(log.events, names, strict=True):
        files.setdefault(name, []).append(event)
    with tempfile.TemporaryDirectory() as tmp:
        root = _write(Path(tmp) / "log", files)
        try:
            loaded = load_log(root)
        except LogInvalid as e:  # only refusing the order, or a position outside its holder's existence
            codes = {p.code for p in e.problems}
            assert codes & {ProblemCode.UNDEFINED_ORDER, ProblemCode.HOLDER_NOT_EXISTING}, e
            return
        assert facts(loaded, when) == facts(log, when)


def check_same_day_swaps(log: Log, swaps: list[int], when: str) -> None:
    """4b. Swapping neighbouring events that touch different subjects changes nothing."""
    items = list(log.events)
    keys = {s.event.id: set() for s in steps_for(log)}
    for step in steps_for(log):
        keys[step.event.id] |= {(k.aspect, k.subject) for k in step.keys}
    for i in swaps:
        if i + 1 < len(items) and not keys.get(items[i].id, set()) & keys.get(items[i + 1].id, set()):
            items[i], items[i + 1] = items[i + 1], items[i]
    assert facts(log_of(items), when) == facts(log, when)


def check_round_trip(log: Log, fmt: str) -> None:
    """5. Loading what the tool writes gives back the same events, in the same order."""
    with tempfile.TemporaryDirectory() as tmp:
        try:
            loaded = load_log(_write(Path(tmp) / "log", {"events": list(log.events)}, fmt))
        except LogInvalid as e:  # a position outside its holder's existence is refused, written or not
            assert {p.code for p in e.problems} == {ProblemCode.HOLDER_NOT_EXISTING}, e
            return
    assert loaded.events == log.events


def check_valid_time_causality(log: Log, later: list[ev.Event], when: str) -> None:
    """6a. Appending events that happen after D never changes at(D)."""
    q = resolve_when(log, when)
    after = [e for e in later if e.date.start > q]
    assert facts(log_of([*log.events, *after]), when) == facts(log, when)


def check_record_time_causality(log: Log, late: list[ev.Event], when: str, known_at: str) -> None:
    """6b. Appending events recorded after T never changes --known-at T."""
    t = resolve_when(log, known_at)
    unseen = [e for e in late if e.recorded is not None and e.recorded.start > t]
    assert facts(log_of([*log.events, *unseen]), when, known_at) == facts(log, when, known_at)


def check_retraction(log: Log, target: int, when: str) -> None:
    """7. A log plus the retraction of e answers as the log without e."""
    if not log.events:
        return
    victim = log.events[target % len(log.events)]
    retracted = ev.Retraction(id="r-law", date=victim.date, sources=victim.sources, retracts=victim.id, reason="law")
    without = log_of([e for e in log.events if e is not victim])
    assert facts(log_of([*log.events, retracted]), when) == facts(without, when)


def check_oracle(log: Log, when: str, known_at: str | None = None) -> None:
    """8. The engine agrees with the brute-force model: key -> (event, since, certainty)."""
    q = query_instant(when, log.timezone)
    t = query_instant(known_at, log.timezone) if known_at else None
    engine = {
        (k.aspect, k.subject, k.pending): (f.event, f.since, f.certainty) for k, f in facts(log, when, known_at).items()
    }
    assert engine == model_at(log.events, q, t)


def parse_stamp(n: int) -> Interval:
    """The record stamp of the n-th append, as `strategies.stamp` gives it."""

    return parse_edtf(f"2025-01-01T{n // 60:02d}:{n % 60:02d}Z", "Asia/Baku")


def check_run_not_restarted(log: Log, target: int, when: str) -> None:
    """Value runs: an event that restates the value in force joins its run; `since` stays."""
    before = facts(log, when)
    settled_facts = [f for f in before.values() if not f.pending]
    if not settled_facts:
        return
    fact = settled_facts[target % len(settled_facts)]
    if fact.act:
        return  # an act is its own happening: a repeated act never joins it
    from statustrack.core.standing import holders

    if any(isinstance(e, ev.Cessation) and e.actor in holders(fact) for e in log.events):
        return  # restated after its holder ceased to exist, it is refused (law 12), not joined
    origin = next(e for e in log.events if e.id == fact.event)
    q = resolve_when(log, when)
    if origin.announced_early or origin.date.is_span or (origin.effective or origin.date).end > q:
        return
    stamp_q = q.in_tz("UTC").strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    restated = attrs.evolve(
        origin, id="restated", date=parse_edtf(stamp_q, log.timezone), effective=None, replaces=None, account_of=None
    )
    after = facts(log_of([*log.events, restated]), when)
    again = after[fact.key]
    assert (again.since, again.event) == (fact.since, fact.event)
    assert "restated" in again.events


def check_accounts_never_flap(log: Log, first: ev.Event, second: ev.Event, d1: str, d2: str) -> None:
    """Accounts: two accounts of one happening never make a change between them, and the
    fact's `since` is the earliest account's."""
    linked = log_of([*log.events, first, attrs.evolve(second, account_of=first.id)])
    q1, _ = sorted((resolve_when(linked, d1), resolve_when(linked, d2)))
    start = min(first.takes_effect.start, second.takes_effect.start)
    if q1 < start:
        return
    key_facts = [f for f in facts(linked, d2).values() if f.event in (first.id, second.id)]
    for change in diff(linked, d1, d2).changes:
        ids = set(change.events)
        assert not (
            {first.id, second.id} <= ids
            and change.before is not None
            and set(change.before.events) & {first.id, second.id}
        ), change
    for fact in key_facts:
        assert fact.interval.start == start


def check_pending_keys_apart(log: Log, when: str) -> None:
    """A pending fact never shares its key with the fact it will become."""
    answer = at(log, when).facts
    keys = [f.key for f in answer]
    assert len(keys) == len(set(keys))
    for fact in answer:
        assert fact.key.pending == fact.pending


def check_upcast(log: Log, when: str) -> None:
    """Upcast: the same events written as a format 1 log and as a format 2 log answer alike."""
    with tempfile.TemporaryDirectory() as tmp:
        answers = []
        for version in (1, 2):
            root = Path(tmp) / f"v{version}"
            (root / "registry").mkdir(parents=True)
            settings = (MINI / "log.toml").read_text(encoding="utf-8").replace("format = 1", f"format = {version}")
            (root / "log.toml").write_text(settings, encoding="utf-8")
            (root / "registry" / "registry.toml").write_text(
                (MINI / "registry" / "registry.toml").read_text(encoding="utf-8"), encoding="utf-8"
            )
            (root / "events.toml").write_text(to_toml(log.events, version), encoding="utf-8")
            try:
                loaded = load_log(root)
            except LogInvalid as e:  # refused alike in both formats: nothing to compare
                assert {p.code for p in e.problems} == {ProblemCode.HOLDER_NOT_EXISTING}, e
                return
            answers.append({k: (f.value, f.since, f.certainty, f.event) for k, f in facts(loaded, when).items()})
        assert answers[0] == answers[1]
        assert answers[1] == {k: (f.value, f.since, f.certainty, f.event) for k, f in facts(log, when).items()}


def check_history(log: Log, when: str) -> None:
    """10. History: versions (and runs) of one key never overlap; the versions holding at D
    are exactly the replayed state at D."""
    from statustrack.core.history import runs_of, versions

    steps = steps_for(log)
    table = versions(steps)
    q = resolve_when(log, when)
    assert {v.key: v.fact for v in table if v.holds_at(q)} == dict(state_at(log, q).facts)
    for group in (table, runs_of(table)):
        last: dict[Key, object] = {}
        for item in group:
            end = last.get(item.key)
            if item.key in last:
                assert end is not None and end <= item.valid_from, item
            last[item.key] = item.valid_to


def check_sweep(log: Log, whens: list[str]) -> None:
    """A sweep over dates (one pass, each state continued from the last) answers each date as at does."""
    from statustrack.api.query import sweep

    for answer in sweep(log, whens):
        assert answer.facts == at(log, answer.at).facts


def _happening(events: list[ev.Event]) -> dict[str, str]:
    """Each event's happening: the root of its `account_of` links."""
    by_id = {e.id: e for e in events}

    def root(event: ev.Event) -> str:
        seen = {event.id}
        while event.account_of in by_id and event.account_of not in seen:
            event = by_id[event.account_of]
            seen.add(event.id)
        return event.id

    return {e.id: root(e) for e in events}


def check_disputed_certainty(log: Log, when: str) -> None:
    """13. For every key, the fact at an instant is `certain` only if every account of its run's
    start (the events of the log told of the same happening) has it happened by then, or a later
    event repeating the value (a corroboration) certainly happened by then; and while some
    account has it happened and another does not, it is `possible`, `since` naming every date."""
    q = resolve_when(log, when)
    counted = [e for e in log.events if not isinstance(e, ev.Retraction)]
    roots = _happening(counted)
    for fact in at(log, when).facts:
        if fact.pending:
            continue
        accounts = [e for e in counted if roots[e.id] == roots[fact.event]]
        said = [e.takes_effect for e in accounts]
        corroborated = [e.takes_effect for e in counted if e.id in fact.events and roots[e.id] != roots[fact.event]]
        everyone = all(d.end <= q for d in said)
        if fact.certainty == "certain":
            assert everyone or any(d.end <= q for d in corroborated), (fact, said)
        elif not corroborated:
            assert not everyone, (fact, said)
        texts = {str(d) for d in said}
        if len(texts) > 1:
            assert all(t.strip("[]") in fact.since for t in texts), (fact.since, texts)


def check_direction(log: Log, d1: str, d2: str) -> None:
    """14. diff(B, A) is diff(A, B) with before and after swapped and the direction flag set."""
    q1, q2 = resolve_when(log, d1), resolve_when(log, d2)
    forward, back = diff(log, d1, d2), diff(log, d2, d1)
    assert forward.backward == (q1 > q2)
    assert back.backward == (q2 > q1)
    assert back.changes == tuple(attrs.evolve(c, before=c.after, after=c.before) for c in forward.changes)


def _agreed_field(fact: Fact, name: str) -> str:
    """The field `name` every account of `fact` gives, or "disputed"."""
    told = {dict(fact.detail).get(name, "")} | {dict(a.detail).get(name, "") for a in fact.accounts}
    return told.pop() if len(told) == 1 else "disputed"


def check_summary_counts(log: Log, when: str) -> None:
    """The summary's counts equal counts over the full answer at the same instant: facts per
    aspect, places per holder, recognitions per stance and per level, offices per state, and
    every listed section holds every fact of its aspect."""
    from collections import Counter

    from statustrack.api.summary import summarise

    answer = at(log, when)
    summary = summarise(answer, log.registry)
    settled = [f for f in answer.facts if not f.pending]
    assert (summary.facts, summary.pending) == (len(settled), len(answer.facts) - len(settled))
    assert {t.key: t.count for t in summary.aspects} == Counter(f.aspect for f in settled)
    of = {a: [f for f in settled if f.aspect == a] for a in {f.aspect for f in settled}}
    control = of.get("control", [])
    assert {t.key: t.count for t in summary.control} == Counter(_agreed_field(f, "holder") for f in control)
    assert summary.places == len(control)
    recognition = of.get("recognition", [])
    assert summary.recognitions == len(recognition)
    for stance in summary.recognition:
        members = [f for f in recognition if _agreed_field(f, "stance") == stance.stance]
        assert stance.count == len(members)
        assert {t.key: t.count for t in stance.levels} == Counter(_agreed_field(f, "level") for f in members)
    for tallies in (summary.control, summary.offices, *(s.levels for s in summary.recognition)):
        for tally in tallies:
            assert len(tally.subjects) == tally.count
    assert sum(t.count for t in summary.offices) == len(of.get("office", []))
    for items, aspect in (
        (summary.status, "status"),
        (summary.officeholders, "officeholder"),
        (summary.conflict, "conflict"),
    ):
        assert [i.event for i in items] == [f.event for f in of.get(aspect, [])]
    assert [i.event for i in summary.acts] == [f.event for f in answer.acts]


def check_existence(log: Log, when: str) -> None:
    """12. Existence: no position shows at an instant when its holder has ceased to exist
    (its latest founding or cessation by then is a cessation). A position before its
    holder's first founding is refused by validation (`core.checks`), not hidden: what comes
    later never changes an earlier answer (law 6)."""
    from statustrack.core.standing import holders

    q = resolve_when(log, when)
    marks: dict[str, list[tuple[Any, bool]]] = {}
    for e in log.events:
        if isinstance(e, (ev.Founding, ev.Cessation)) and e.id in {c.id for c in _counted(log)}:
            rank = -1 if isinstance(e, ev.Founding) else 1
            marks.setdefault(e.actor, []).append(((e.takes_effect.start, rank), isinstance(e, ev.Founding)))
    for items in marks.values():
        items.sort(key=lambda m: m[0])

    def exists(actor: str) -> bool:
        items = marks.get(actor, [])
        before = [founding for moment, founding in items if moment[0] <= q]
        return before[-1] if before else True

    for fact in at(log, when).facts:
        if fact.pending or fact.ended:
            continue  # an announcement, or the record of a position's end (closed, vacant, ended): no position
        for holder in holders(fact):
            assert exists(holder), (fact.subject, fact.value, holder)


def _counted(log: Log) -> tuple[ev.Event, ...]:
    from statustrack.core.replay import counted_events

    return counted_events(log.events)
