"""Incremental appends: `record` through a current index checks new events as a whole-log
validation would and extends the index in place to exactly what a build from scratch gives.

The law: for random logs, index a prefix, record the rest in batches (into files that sort
before, among and after the indexed one); every refusal equals the whole-log path's, and
the extended index equals one built from scratch, table by table and answer by answer.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import queue
import shutil
import signal
import sqlite3
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from statustrack.api import write as store
from statustrack.api.query import at, diff, steps_for
from statustrack.api.reader import Indexed
from statustrack.core import events as ev
from statustrack.core import reach
from statustrack.core.checks import _links
from statustrack.core.dates import parse_edtf
from statustrack.core.facts import Key
from statustrack.core.history import versions
from statustrack.core.reducers import facts_of
from statustrack.errors import LogInvalid
from statustrack.index import append as extend
from statustrack.index.build import build
from statustrack.index.keys import INDEX_NAME, current_key
from statustrack.index.read import open_file
from statustrack.log import store as log_store
from statustrack.log.ledger import ledger_state, read_ledger, verify
from statustrack.log.load import load_log
from statustrack.log.parse import read_text
from statustrack.log.write import to_jsonl, to_toml

from ..adversarial.test_concurrency import CONTEXT, POINTS, _killed_at, sealed_copy
from ..support import MINI
from ..support.laws import breaks
from ..support.strategies import ACTORS, PLACES, REGISTRY, SOURCES, TZ, events, log_of, retraction

NOW = pendulum.datetime(2025, 6, 1, 12, 0, tz="UTC")
TARGETS = ("a.jsonl", "m.jsonl", "z/more.jsonl")


EXTRAS = ("retract", "correct", "account", "dissolve", "dissolve", "cease")


@st.composite
def appended_logs(
    draw: st.DrawFn, extras: tuple[str, ...] = EXTRAS
) -> tuple[list[ev.Event], int, list[tuple[int, str]]]:
    """Events (facts of every kind, then `extras`: retractions, corrections, accounts,
    dissolutions, of any earlier event), how many of them are indexed first, and the
    batches the rest is recorded in (each a size and a target file)."""
    items = [draw(events(f"e{i}")) for i in range(draw(st.integers(1, 8)))]
    for n in range(draw(st.integers(0, 6))):
        ident = f"x{n}"
        earlier = draw(st.sampled_from(items))
        what = draw(st.sampled_from(extras))
        if what == "retract":
            items.append(retraction(ident, earlier.id))
        elif what == "correct":
            items.append(attrs.evolve(draw(events(ident)), replaces=earlier.id))
        elif what == "account" and not isinstance(earlier, (ev.Retraction, ev.Dissolution)):
            other = draw(events(ident))
            items.append(
                attrs.evolve(
                    earlier,
                    id=ident,
                    date=other.date,
                    effective=None,
                    sources=(draw(st.sampled_from(SOURCES)),),
                    replaces=None,
                    account_of=earlier.id,
                )
            )
        elif what == "dissolve":
            claims = [e.id for e in items if not isinstance(e, (ev.Retraction, ev.Dissolution))]
            disputed = draw(st.lists(st.sampled_from(claims), unique=True, max_size=2)) if claims else []
            date = draw(events(ident)).date
            items.append(
                ev.Dissolution(
                    id=ident,
                    date=date,
                    sources=(SOURCES[0],),
                    polity=draw(st.sampled_from(ACTORS)),
                    ends=tuple(draw(st.lists(st.sampled_from(ev.ENDABLE), min_size=1, unique=True))),
                    summary="dissolved",
                    territory=draw(st.sampled_from((None, *PLACES))),
                    disputed_by=tuple(disputed) or None,
                )
            )
        elif what == "cease":
            claims = [e.id for e in items if isinstance(e, ev.Claim)]
            disputed = draw(st.lists(st.sampled_from(claims), unique=True, max_size=2)) if claims else []
            items.append(
                ev.Cessation(
                    id=ident,
                    date=draw(events(ident)).date,
                    sources=(SOURCES[0],),
                    actor=draw(st.sampled_from(ACTORS)),
                    how="dissolved",
                    disputed_by=tuple(disputed) or None,
                )
            )
    indexed = draw(st.integers(0, len(items) - 1))
    batches, left = [], len(items) - indexed
    while left:
        size = draw(st.integers(1, left))
        batches.append((size, draw(st.sampled_from(TARGETS))))
        left -= size
    return items, indexed, batches


def _write_log(root: Path, items: list[ev.Event]) -> None:
    (root / "registry").mkdir(parents=True)
    for name in ("log.toml", "registry/registry.toml"):
        (root / name).write_text((MINI / name).read_text(encoding="utf-8"), encoding="utf-8")
    (root / "m.toml").write_text(to_toml(items), encoding="utf-8")


def _raws(items: list[ev.Event]) -> list[Any]:
    raws, problems = read_text(to_jsonl(items), "<input>", ".jsonl")
    assert not problems
    return raws


def _outcome(root: Path, raws: list[Any], target: str) -> tuple[str, ...]:
    """Record `raws` into `target`: what it did, or the problems that refused it (paths
    relative to the log)."""
    try:
        done = store.record(root, raws, target=target, now=NOW)
    except LogInvalid as e:
        return tuple(str(p).replace(str(root), "<log>") for p in e.problems)
    return ("recorded", *done.appended, "unchanged", *done.unchanged, done.head or "")


def _rows(path: Path) -> dict[str, Any]:
    """Every table of the index at `path` that is a function of the log, as comparable values."""
    db = sqlite3.connect(path)
    try:

        def bag(sql: str) -> list[tuple[Any, ...]]:
            return sorted(db.execute(sql).fetchall(), key=repr)

        meta = {k: json.loads(v) for k, v in db.execute("SELECT key, value FROM meta WHERE key = 'files'")}
        return {
            "versions": bag(
                "SELECT aspect, subject, pending, value, valid_from, valid_to, certain_from, event, "
                "subject_name, since, valid_from_iso, valid_to_iso FROM versions"
            ),
            "spans": bag("SELECT aspect, subject, pending, valid_from, valid_until, fork FROM versions"),
            "bodies": bag(
                "SELECT v.aspect, v.subject, v.pending, v.valid_from, f.body FROM versions v "
                "JOIN facts f ON f.id = v.fact"
            ),
            "changes": bag("SELECT aspect, subject, pending, instant, events FROM changes"),
            "events": bag("SELECT id, file, line, kind, counts, record FROM events"),
            "links": bag("SELECT event, field, target FROM event_links"),
            "keys": bag("SELECT event, aspect, subject, pending, subject_name, own FROM event_keys"),
            "refs": bag("SELECT ref, aspect, subject FROM key_refs"),
            "endings": bag("SELECT event, aspect FROM endings"),
            "catalogue ids": bag("SELECT id FROM catalogue_ids"),
            "catalogue names": bag("SELECT folded, spelling FROM catalogue_names"),
            "meta": meta,
        }
    finally:
        db.close()


def _instants(path: Path) -> list[str]:
    """Every instant where a version begins or ends, a microsecond before it, and between two."""
    db = sqlite3.connect(path)
    try:
        bounds = sorted(
            {v for row in db.execute("SELECT valid_from, valid_to FROM versions") for v in row if v is not None}
        )
    finally:
        db.close()
    moments = set(bounds) | {b - 1 for b in bounds} | {(a + b) // 2 for a, b in itertools.pairwise(bounds)}
    epoch = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    texts = []
    for m in sorted(moments):
        try:
            t = epoch + dt.timedelta(microseconds=m)
        except OverflowError:  # the open start of a version that holds from the beginning
            continue
        if 1 <= t.year <= 9999:
            texts.append(f"{t.year:04d}" + t.strftime("-%m-%dT%H:%M:%S.%fZ"))
    return texts


def _counting(commit: Callable[..., Any], commits: list[int]) -> Callable[..., Any]:
    """`commit`, noting each call in `commits`."""

    def counted(*args: Any, **kwargs: Any) -> Any:
        commits.append(1)
        return commit(*args, **kwargs)

    return counted


def check_extension(items: list[ev.Event], indexed: int, batches: list[tuple[int, str]]) -> None:
    """Recording through the index refuses exactly what the whole-log path refuses, and
    leaves an index equal to one built from scratch."""
    with tempfile.TemporaryDirectory() as tmp:
        fast, slow = Path(tmp) / "fast" / "log", Path(tmp) / "slow" / "log"
        _write_log(fast, items[:indexed])
        try:
            log = load_log(fast)
        except LogInvalid:
            return  # the prefix alone is not a valid log
        store.seal(fast)
        shutil.copytree(fast, slow)
        seals, _ = read_ledger(fast, str(fast))
        build(log, steps_for(log), fast / INDEX_NAME, current_key(fast), ledger_state(fast, seals))
        start = indexed
        for size, target in batches:
            raws = _raws(items[start : start + size])
            start += size
            (slow / INDEX_NAME).unlink(missing_ok=True)
            expected = _outcome(slow, raws, target)
            commits: list[int] = []
            real = extend.commit
            extend.commit = _counting(real, commits)
            try:
                got = _outcome(fast, raws, target)
            finally:
                extend.commit = real  # type: ignore[assignment]
            assert got == expected
            assert commits or expected[0] != "recorded", "the record did not take the indexed path"
        log = load_log(fast)
        scratch = Path(tmp) / "scratch.sqlite"
        build(log, steps_for(log), scratch, current_key(fast))
        extended, built = _rows(fast / INDEX_NAME), _rows(scratch)
        for table in built:
            assert extended[table] == built[table], table
        one, other = (Indexed(open_file(p), None, log) for p in (fast / INDEX_NAME, scratch))
        try:
            whens = _instants(scratch)
            for when in whens:
                assert at(one, when).facts == at(other, when).facts
            for lo, hi in itertools.pairwise(whens):
                assert diff(one, lo, hi).changes == diff(other, lo, hi).changes
        finally:
            one.close()
            other.close()


# Each example records into two logs on disk and builds a third index (about 2 s here), so
# the law runs a tenth of the profile's examples: 10 under `ci`, 1,000 under `deep`.
@pytest.mark.slow
@settings(max_examples=max(10, settings().max_examples // 10))
@given(appended_logs())
def test_extended_index_equals_a_build_from_scratch(case: tuple[list[ev.Event], int, list[tuple[int, str]]]) -> None:
    """The incremental law: recording in batches through the index gives the index of the whole log."""
    check_extension(*case)


@pytest.mark.slow
def test_the_law_catches_forgetting_what_a_retraction_undoes(monkeypatch: pytest.MonkeyPatch) -> None:
    """An extension that does not replay the keys of the events a new retraction or
    correction undoes breaks the incremental law."""
    monkeypatch.setattr(reach, "UNDO", ())
    breaks(check_extension, appended_logs(("retract", "correct")))


@pytest.mark.slow
def test_the_law_catches_forgetting_what_a_dissolution_ends(monkeypatch: pytest.MonkeyPatch) -> None:
    """An extension that does not replay the keys a new dissolution can end breaks the law."""
    monkeypatch.setattr(reach, "endable", lambda *a: set())
    breaks(check_extension, appended_logs(("dissolve",)))


# --- the indexed path under stress ---------------------------------------------------------


def statement(ident: str, ref: str | None = None, actor: str = "azerbaijan") -> list[Any]:
    """One statement with this id (about `ref`, by default its own), as raw records to record."""
    return _raws(
        [
            ev.Statement(
                id=ident,
                date=parse_edtf("2021-01-01", TZ),
                sources=(SOURCES[0],),
                actor=actor,
                summary="test",
                ref=ref or ident,
            )
        ]
    )


def _indexed_copy(tmp: Path) -> Path:
    """A sealed copy of the mini log whose index remembers its verified ledger (one record
    through the whole-log path builds it), so the next record takes the indexed path."""
    root = sealed_copy(tmp)
    store.record(root, statement("first"))
    _assert_current(root)
    return root


def _assert_current(root: Path) -> None:
    opened = extend.open_for_record(root, root / INDEX_NAME)
    assert opened is not None
    opened.close()


def _matches_scratch(root: Path) -> None:
    log = load_log(root)
    scratch = root.parent / "scratch.sqlite"
    build(log, steps_for(log), scratch, current_key(root))
    assert _rows(root / INDEX_NAME) == _rows(scratch)
    scratch.unlink()


def test_indexed_record_takes_the_indexed_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With a current index, record neither loads the log nor reads the ledger, and the index
    it leaves is current and equals a build from scratch."""
    root = _indexed_copy(tmp_path)
    monkeypatch.setattr(store, "load_log", lambda *a, **k: pytest.fail("the log was loaded"))
    monkeypatch.setattr(log_store, "read_ledger", lambda *a, **k: pytest.fail("the ledger was read"))
    for n in range(3):
        assert store.record(root, statement(f"s{n}")).appended == (f"s{n}",)
    monkeypatch.undo()
    _assert_current(root)
    assert store.verify(root).sealed == 13 + 4
    _matches_scratch(root)


def test_a_hand_edit_or_a_seal_takes_the_whole_log_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An event added by hand and sealed changes the files and the ledger: the next record
    loads and verifies the whole log, and rebuilds the index."""
    root = _indexed_copy(tmp_path)
    with (root / "hand.jsonl").open("w", encoding="utf-8") as handle:
        handle.write(to_jsonl([e for e in load_log(root).events if e.id == "first"]).replace('"first"', '"hand"'))
    store.seal(root)
    plans: list[int] = []
    real = extend.plan
    monkeypatch.setattr(extend, "plan", lambda *a, **k: plans.append(1) or real(*a, **k))
    store.record(root, statement("after-hand"))
    assert plans == []
    store.record(root, statement("after-rebuild"))
    assert plans == [1]
    _matches_scratch(root)


def test_an_index_a_query_built_of_a_verified_log_takes_the_first_record(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An index built by a query checks the log against its ledger and, the log verifying,
    remembers it: the first record already writes through the index, loading nothing."""
    root = sealed_copy(tmp_path)
    log = load_log(root)
    build(log, steps_for(log), root / INDEX_NAME, current_key(root))
    loads, plans = [], []
    real_load, real_plan = store.load_log, extend.plan
    monkeypatch.setattr(store, "load_log", lambda *a, **k: loads.append(1) or real_load(*a, **k))
    monkeypatch.setattr(extend, "plan", lambda *a, **k: plans.append(1) or real_plan(*a, **k))
    store.record(root, statement("one"))
    assert (loads, plans) == ([], [1])
    store.record(root, statement("two"))
    assert (loads, plans) == ([], [1, 1])
    _matches_scratch(root)


@pytest.mark.parametrize("spoil", ["unsealed", "edited", "no ledger"])
def test_an_index_a_query_built_of_an_unverified_log_is_verified_once_then_extended(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, spoil: str
) -> None:
    """An index built by a query of a log that does not verify (an event not sealed, a
    sealed line that no longer matches, no ledger) does not vouch for it: the first record
    loads and verifies the whole log, and refuses it, as it would with no index."""
    root = sealed_copy(tmp_path)
    ledger_file = root / "ledger.sha256"
    if spoil == "unsealed":
        store.record(root, statement("zero"))
        lines = ledger_file.read_text(encoding="utf-8").splitlines(keepends=True)
        ledger_file.write_text("".join(lines[:-1]), encoding="utf-8")  # its seal dropped: not sealed yet
    elif spoil == "edited":
        lines = ledger_file.read_text(encoding="utf-8").splitlines(keepends=True)
        last = lines[-1].split(" ")
        lines[-1] = " ".join([*last[:2], "0" * 64, last[3]])
        ledger_file.write_text("".join(lines), encoding="utf-8")
    else:
        ledger_file.unlink()
    log = load_log(root)
    build(log, steps_for(log), root / INDEX_NAME, current_key(root))
    assert open_file(root / INDEX_NAME).meta.get("ledger") is None
    loads: list[int] = []
    real_load = store.load_log
    monkeypatch.setattr(store, "load_log", lambda *a, **k: loads.append(1) or real_load(*a, **k))
    with pytest.raises(LogInvalid):
        store.record(root, statement("one"))
    assert loads == [1]


@pytest.mark.slow
@pytest.mark.parametrize("point", POINTS)
def test_indexed_record_killed_at_each_point(tmp_path: Path, point: str) -> None:
    """A writer on the indexed path killed before, between or after its writes leaves a log
    that loads and verifies but for its own event; the next record seals it and leaves a
    current, correct index."""
    root = _indexed_copy(tmp_path)
    child = CONTEXT.Process(target=_killed_at, args=(str(root), point, "killed"))
    child.start()
    child.join()
    assert child.exitcode == -signal.SIGKILL
    log = load_log(root)
    seals, problems = read_ledger(root, log.shown)
    problems += verify(log, seals)
    if point == "between":
        assert [(p.event, p.message) for p in problems] == [("killed", "not sealed yet")]
    else:
        assert problems == []
    assert ("killed" in {e.id for e in log.events}) == (point != "before")
    done = store.record(root, statement("next"))
    assert done.appended == ("next",) and done.recovered == (("killed",) if point == "between" else ())
    assert store.verify(root).sealed == 13 + 2 + (point != "before")
    _matches_scratch(root)
    assert store.record(root, statement("then")).appended == ("then",)
    _matches_scratch(root)


def test_a_torn_ledger_append_is_cut_off_and_redone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An append to the ledger cut short mid-line is not read by verify, and the next
    record cuts it off and seals the interrupted record's events again."""
    root = _indexed_copy(tmp_path)

    def torn(ledger: Path, text: str, step: str | None = None) -> None:
        with ledger.open("ab") as handle:
            handle.write(text.encode("utf-8")[: len(text) // 2])
        raise KeyboardInterrupt  # the process dies here

    monkeypatch.setattr(log_store, "append_text", torn)
    with pytest.raises(KeyboardInterrupt):
        store.record(root, statement("torn"))
    monkeypatch.undo()
    with pytest.raises(LogInvalid) as caught:
        store.verify(root)
    assert [(p.event, p.message) for p in caught.value.problems] == [("torn", "not sealed yet")]
    done = store.record(root, statement("mended"))
    assert done.recovered == ("torn",) and done.appended == ("mended",)
    assert store.verify(root).sealed == 13 + 3
    _matches_scratch(root)


def test_a_dead_writers_index_journal_drops_the_index(tmp_path: Path) -> None:
    """A rollback journal left beside the index by a killed writer is never applied to an
    index built since: record drops both and takes the whole-log path."""
    root = _indexed_copy(tmp_path)
    journal = root / f"{INDEX_NAME}-journal"
    journal.write_bytes(b"\xd9\xd5\x05\xf9\x20\xa1\x63\xd7" + bytes(504))
    assert store.record(root, statement("after")).appended == ("after",)
    assert not journal.exists()
    _matches_scratch(root)


def _reader(path: str, instant: str, stop: Any, seen: Any) -> None:
    from statustrack.core.dates import parse_when

    when = parse_when(instant, TZ)
    while not stop.is_set():
        index = open_file(Path(path))
        try:
            answer = sorted((k.aspect, k.subject, f.value, f.event) for k, f in index.facts_at(when).items())
        finally:
            index.close()
        seen.put(json.dumps(answer))


@pytest.mark.slow
def test_readers_never_see_a_half_extended_index(tmp_path: Path) -> None:
    """Readers querying the index while records extend it see it as it was before or after
    some record, never between: each answer is one the index gave after a whole record."""
    root = _indexed_copy(tmp_path)
    instant = "2030-01-01"
    stop, seen = CONTEXT.Event(), CONTEXT.Queue()
    readers = [CONTEXT.Process(target=_reader, args=(str(root / INDEX_NAME), instant, stop, seen)) for _ in range(2)]
    whole = set()
    from statustrack.core.dates import parse_when

    def answer() -> str:
        index = open_file(root / INDEX_NAME)
        try:
            return json.dumps(
                sorted(
                    (k.aspect, k.subject, f.value, f.event) for k, f in index.facts_at(parse_when(instant, TZ)).items()
                )
            )
        finally:
            index.close()

    whole.add(answer())
    for reader in readers:
        reader.start()
    try:
        for n in range(12):
            # the same subjects again and again, so every record replaces rows readers are reading
            store.record(root, statement(f"r{n}", ref="same", actor=("azerbaijan", "armenia")[n % 2]))
            whole.add(answer())
    finally:
        stop.set()
    answers = set()
    for reader in readers:
        while reader.is_alive() or not seen.empty():
            try:
                answers.add(seen.get(timeout=0.2))
            except queue.Empty:
                pass
        reader.join()
    assert answers and answers <= whole


@pytest.mark.parametrize("damage", ["garbage", "foreign meta", "no events table"])
def test_a_damaged_index_is_never_trusted_by_record(tmp_path: Path, damage: str) -> None:
    """An index that is not one statustrack wrote makes record take the whole-log path
    and rebuild it; the record succeeds and the index is right again."""
    root = _indexed_copy(tmp_path)
    path = root / INDEX_NAME
    if damage == "garbage":
        path.write_bytes(b"not a database" * 100)
    else:
        db = sqlite3.connect(path)
        if damage == "foreign meta":
            db.execute("UPDATE meta SET value = '[1, 2]' WHERE key = 'ledger'")
        else:
            db.execute("DROP TABLE events")
        db.commit()
        db.close()
    assert store.record(root, statement("after")).appended == ("after",)
    _matches_scratch(root)


# --- the rule itself, against the replay ---------------------------------------------------


class InMemory:
    """The events of a log in memory, answering what `core.reach` asks (as the index does in SQL)."""

    def __init__(self, items: list[ev.Event]) -> None:
        self.events = {e.id: e for e in items}
        self.links = [(e.id, field, target) for e in items for field, target in _links(e)]

    def linking(self, targets: set[str], fields: tuple[str, ...]) -> set[str]:
        """Events naming one of `targets` by one of `fields`."""
        return {e for e, f, t in self.links if t in targets and f in fields}

    def linked(self, events: set[str], fields: tuple[str, ...]) -> set[str]:
        """What `events` name by one of `fields`."""
        return {t for e, f, t in self.links if e in events and f in fields}

    def accounts(self, events: set[str]) -> set[tuple[str, str]]:
        """Account links with an end among `events`."""
        return {(e, t) for e, f, t in self.links if f == reach.ACCOUNT and (e in events or t in events)}

    def disputes(self) -> dict[str, set[str]]:
        """Each dissolution's disputing claims."""
        found: dict[str, set[str]] = {}
        for e, f, t in self.links:
            if f == "disputed_by":
                found.setdefault(e, set()).add(t)
        return found

    def dissolutions(self, ids: set[str]) -> list[ev.Dissolution]:
        """The dissolutions among `ids`."""
        return [e for i in ids if isinstance(e := self.events.get(i), ev.Dissolution)]

    def ending(self, aspects: set[str]) -> set[str]:
        """Dissolutions ending one of `aspects`."""
        return {e.id for e in self.events.values() if isinstance(e, ev.Dissolution) and set(e.ends) & aspects}

    def keys_of(self, events: set[str]) -> set[Key]:
        """The keys the facts of `events` set."""
        return {k for i in events if i in self.events for k in reach.fact_keys(self.events[i], REGISTRY)}

    def touching(self, keys: set[Key]) -> set[str]:
        """Events whose facts set one of `keys`."""
        return {e.id for e in self.events.values() if reach.fact_keys(e, REGISTRY) & keys}

    def naming(self, owners: set[str]) -> set[Key]:
        """Settled keys whose facts refer to one of `owners`."""
        return {
            Key(f.aspect, f.subject) for e in self.events.values() for f in facts_of(e, REGISTRY) if f.refs & owners
        }

    def existing(self, ids: set[str]) -> set[str]:
        """The ids of known events among `ids`."""
        return ids & set(self.events)

    def existence(self) -> list[ev.Founding | ev.Cessation]:
        """Every founding and cessation."""
        return [e for e in self.events.values() if isinstance(e, (ev.Founding, ev.Cessation))]

    def aspect_keys(self, aspects: set[str]) -> set[Key]:
        """The settled keys of `aspects`."""
        return {
            k
            for e in self.events.values()
            for k in reach.fact_keys(e, REGISTRY)
            if k.aspect in aspects and not k.pending
        }


def _history(items: list[ev.Event]) -> dict[Key, list[Any]]:
    found: dict[Key, list[Any]] = {}
    for version in versions(steps_for(log_of(items))):
        found.setdefault(version.key, []).append((version.fact, version.valid_from, version.valid_to))
    return found


def check_reach(items: list[ev.Event], indexed: int, _batches: object = None) -> None:
    """Every key whose replayed history differs once `items[indexed:]` are appended is one
    the rule (`core.reach`) says they can change."""
    before, after = _history(items[:indexed]), _history(items)
    found = reach.reach(items[indexed:], InMemory(items[:indexed]), REGISTRY)
    assert {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)} <= found.keys


@given(appended_logs())
def test_what_new_events_can_change_covers_every_change_the_replay_makes(
    case: tuple[list[ev.Event], int, list[tuple[int, str]]],
) -> None:
    """The rule, stated once, against the replay itself: no change escapes it."""
    check_reach(*case)


@pytest.mark.parametrize(
    ("name", "mutant", "extras"),
    [
        ("UNDO", (), ("retract", "correct")),
        ("endable", lambda *a: set(), ("dissolve",)),
    ],
)
def test_the_rule_law_catches_a_forgotten_reach(
    monkeypatch: pytest.MonkeyPatch, name: str, mutant: object, extras: tuple[str, ...]
) -> None:
    """A rule that forgets what a retraction or correction undoes, or what a dissolution
    ends, misses changes the replay makes."""
    monkeypatch.setattr(reach, name, mutant)
    breaks(check_reach, appended_logs(extras))
