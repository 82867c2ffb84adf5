"""The fact index: every answer it gives equals the replay's, it is never trusted when
stale, corrupt or foreign, and concurrent builders and readers never see half of one."""

from __future__ import annotations

import datetime as dt
import gc
import itertools
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from statustrack.api.query import at, diff, slide, steps_for, sweep
from statustrack.api.reader import Indexed
from statustrack.core import events as ev
from statustrack.core.catalogue import catalogue
from statustrack.core.dates import parse_edtf
from statustrack.core.registry import SourceRef
from statustrack.core.replay import counted_events
from statustrack.index import build as index_module
from statustrack.index.build import build
from statustrack.index.keys import INDEX_NAME, SCHEMA
from statustrack.index.read import open_file
from statustrack.log.load import Log

from ..support import MINI, run_cli
from ..support.laws import breaks
from ..support.strategies import TZ, log_of, logs_with_accounts, logs_with_undo, query_dates


def indexed(log: Log, folder: Path) -> Indexed:
    """`log` read through an index built from it in `folder`."""
    path = folder / f"index-{id(log)}.sqlite"
    build(log, steps_for(log), path, {"schema": SCHEMA})
    return Indexed(open_file(path), None, log)


def check_index(items: list[ev.Event], d1: str, d2: str, folder: Path) -> None:
    """Law 9: at and diff from the index equal the replay's, for any log and dates."""
    plain = log_of(items)
    fast = indexed(plain, folder)
    try:
        for when in (d1, d2):
            assert at(fast, when).facts == at(plain, when).facts
        assert diff(fast, d1, d2).changes == diff(plain, d1, d2).changes
    finally:
        fast.close()


@pytest.mark.slow
@settings(max_examples=max(10, settings().max_examples // 2))  # each example builds an index file
@given(logs_with_undo(), query_dates(), query_dates())
def test_index_law(tmp_path_factory: pytest.TempPathFactory, items: list[ev.Event], d1: str, d2: str) -> None:
    """Law 9: every answer from the index equals the pure replay's."""
    check_index(items, d1, d2, tmp_path_factory.mktemp("index"))


@pytest.mark.slow
@settings(max_examples=max(10, settings().max_examples // 2))  # each example builds an index file
@given(logs_with_accounts(), query_dates(), query_dates())
def test_index_law_with_disputed_dates(
    tmp_path_factory: pytest.TempPathFactory, items: list[ev.Event], d1: str, d2: str
) -> None:
    """Law 9 where accounts disagree on dates: the index's certainty bounds (`certain_from`, the
    latest account's end) answer as the replay does (issue 19)."""
    check_index(items, d1, d2, tmp_path_factory.mktemp("index"))


@pytest.mark.slow
@settings(max_examples=max(10, settings().max_examples // 4))  # each example builds an index file
@given(logs_with_undo(), st.lists(query_dates(), min_size=1, max_size=6))
def test_index_law_slide(tmp_path_factory: pytest.TempPathFactory, items: list[ev.Event], whens: list[str]) -> None:
    """Law 9 for a walk over dates: the index's first answer and each next diff, carried
    from one date to the next, equal the replay's answer and diffs."""
    plain = log_of(items)
    fast = indexed(plain, tmp_path_factory.mktemp("index"))
    try:
        slid = list(slide(fast, whens))
        assert slid == list(slide(plain, whens))
        ordered = [w.at if isinstance(w, type(slid[0])) else w.to for w in slid]
        assert slid[1:] == [diff(plain, a, b) for a, b in itertools.pairwise(ordered)]
        assert list(sweep(fast, whens)) == list(sweep(plain, whens))
    finally:
        fast.close()


@pytest.mark.slow
def test_index_law_slide_catches_a_forgotten_possible_fact(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A walk that does not carry the facts begun possible in one step to the next breaks law 9."""
    from statustrack.api import reader

    original = reader._indexed_step

    def forgetful(*args: Any) -> Any:
        *rest, _ = original(*args)
        return (*rest, {})

    monkeypatch.setattr(reader, "_indexed_step", forgetful)

    def check(items: list[ev.Event], whens: list[str]) -> None:
        plain = log_of(items)
        fast = indexed(plain, tmp_path)
        try:
            assert list(slide(fast, whens)) == list(slide(plain, whens))
        finally:
            fast.close()

    breaks(check, st.tuples(logs_with_undo(8), st.lists(query_dates(), min_size=2, max_size=6)))


LAW_9 = st.tuples(logs_with_undo(8), query_dates(), query_dates())


@st.composite
def at_a_boundary(draw: st.DrawFn) -> tuple[Any, str, str]:
    """A log, and an instant at which one of its events takes effect (where versions end)."""
    items = draw(logs_with_undo(8).filter(bool))
    moment = draw(st.sampled_from(items)).takes_effect.start.in_tz("UTC")
    text = f"{moment.year:04d}" + moment.strftime("-%m-%dT%H:%M:%S.%fZ")
    return items, text, text


@pytest.mark.slow
@settings(max_examples=max(10, settings().max_examples // 2))
@given(at_a_boundary())
def test_index_law_at_boundaries(tmp_path_factory: pytest.TempPathFactory, case: tuple[Any, str, str]) -> None:
    """Law 9 at the very instants where versions begin and end."""
    check_index(*case, tmp_path_factory.mktemp("index"))


@pytest.mark.slow
def test_index_law_catches_an_off_by_one_at_the_end(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """An index that still holds a version at the instant it ended breaks law 9."""
    monkeypatch.setattr(index_module, "last_instant", lambda end: end if end is not None else 2**62 - 1)
    breaks(lambda items, d1, d2: check_index(items, d1, d2, tmp_path), at_a_boundary())


def _instant_text(moment: Any) -> str:
    moment = moment.in_tz("UTC")
    return f"{moment.year:04d}" + moment.strftime("-%m-%dT%H:%M:%S.%fZ")


@st.composite
def questions(draw: st.DrawFn) -> tuple[Any, list[str]]:
    """A log, and dates in any order (repeats allowed) among which are instants where its
    versions begin or end and where their events become certain."""
    items = draw(st.one_of(logs_with_undo(8), logs_with_accounts()).filter(bool))
    edges = [
        _instant_text(moment)
        for e in items
        for moment in (e.takes_effect.start, e.takes_effect.end)
        if 1 < moment.year < 9999
    ]
    asked = st.one_of(query_dates(), st.sampled_from(edges)) if edges else query_dates()
    return items, draw(st.lists(asked, min_size=2, max_size=8))


def check_one_handle(items: list[ev.Event], whens: list[str], folder: Path) -> None:
    """Law 9 on one index handle asked many questions in any order: what the handle keeps
    from one answer (decoded facts, their places in answer order, chains read as far as
    an instant needs, facts as seen, event records) never changes a later answer; and a
    walk puts every version and change in its step, at boundaries and repeated dates. The
    index must answer: a replay standing in for it (`Indexed._replayed`) fails the check."""
    plain = log_of(items)
    fast = indexed(plain, folder)
    refused = AssertionError("the index failed to answer (a replay stood in)")
    try:
        with mock.patch.object(Indexed, "_replayed", side_effect=refused):
            for when in whens:
                assert at(fast, when).facts == at(plain, when).facts
            for a, b in itertools.pairwise(whens):
                assert diff(fast, a, b) == diff(plain, a, b)
            assert list(slide(fast, whens)) == list(slide(plain, whens))
            assert list(sweep(fast, whens)) == list(sweep(plain, whens))
    finally:
        fast.close()


@pytest.mark.slow
@settings(max_examples=max(10, settings().max_examples // 4))  # each example builds an index file
@given(questions())
def test_index_law_one_handle_many_questions(
    tmp_path_factory: pytest.TempPathFactory, case: tuple[Any, list[str]]
) -> None:
    """Law 9 for a long-lived handle (a slider, an explorer) asked at, diff, slide and sweep."""
    check_one_handle(*case, tmp_path_factory.mktemp("index"))


#: One status told three times, each less sure of its date: at noon on 2020-03-15 the
#: latest (that day) and the one before (that March) may both not have happened yet, so
#: what holds "if not yet" is the first (2019), two facts down the chain.
UNSURE = [
    ev.Declaration(
        id=ident, date=parse_edtf(date, TZ), sources=(SourceRef("s004", "lead"),), polity="nkr", status=status
    )
    for ident, date, status in (("e1", "2019", "a"), ("e2", "2020-03", "b"), ("e3", "2020-03-15", "c"))
]
UNSURE_WHENS = ["2020-12-31", "2020-03-15T08:00:00Z", "2020-03-02", "2019-06-01"]


def test_index_law_with_a_chain_two_facts_deep(tmp_path: Path) -> None:
    """A possible fact falls back past a possible one to a certain one, asked of one
    handle late first, then earlier: the chain read for the later date is not enough."""
    check_one_handle(UNSURE, UNSURE_WHENS, tmp_path)
    answer = at(log_of(UNSURE), "2020-03-15T08:00:00Z").facts
    assert [(f.value, f.certainty, f.otherwise) for f in answer] == [("c", "possible", "a")]


def test_index_law_catches_a_chain_cut_for_a_later_instant(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A possible fact whose chain of earlier facts was cut for a later instant than the
    one asked (so it cannot say what holds if not yet) breaks law 9."""
    from statustrack.index import read

    original = read.Index.fact
    late = read.micros(dt.datetime(9000, 1, 1, tzinfo=dt.UTC))  # every earlier fact is certain by then

    def cut_late(self: Any, fact_id: int, possible: bool, at: int | None = None) -> Any:
        return original(self, fact_id, possible, late if possible else at)

    monkeypatch.setattr(read.Index, "fact", cut_late)
    with pytest.raises(AssertionError):
        check_one_handle(UNSURE, UNSURE_WHENS, tmp_path)


@pytest.mark.slow
def test_index_law_catches_a_walk_off_by_one_step(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A walk that files a version beginning exactly at a step's end in the next step breaks law 9."""
    from statustrack.index import read

    monkeypatch.setattr(read, "bisect_left", read.bisect_right)
    breaks(lambda items, whens: check_one_handle(items, whens, tmp_path), questions())


def descent(first: int, last: int) -> int:
    """The fork node as the relational interval tree defines it: walk down from the root."""
    node, step = 0, 2**61
    while step:
        if last < node:
            node -= step
        elif node < first:
            node += step
        else:
            return node
        step //= 2
    return node


INSTANTS = st.integers(min_value=-(2**62) + 1, max_value=2**62 - 1)


@given(INSTANTS, INSTANTS)
def test_fork_is_the_first_node_of_the_descent_inside_the_span(a: int, b: int) -> None:
    """The closed form of a span's fork node equals the walk from the root."""
    first, last = sorted((a, b))
    assert index_module.fork(first, last) == descent(first, last)


@given(st.integers(min_value=-(2**40), max_value=2**40), st.integers(min_value=0, max_value=2**20))
def test_fork_of_short_spans(a: int, width: int) -> None:
    """Short spans (a day, an instant) sit deep in the tree: the closed form still agrees."""
    assert index_module.fork(a, a + width) == descent(a, a + width)


@pytest.mark.slow
def test_index_law_catches_a_missed_retraction(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """An index built from every event, retracted or not, breaks law 9."""
    from statustrack.core.replay import timeline

    def everything(log: Log) -> Any:
        return timeline([e for e in log.events if not isinstance(e, ev.Retraction)], log.registry)

    def build_with_everything(log: Any, steps: Any, path: Path, key: Any) -> None:
        return original_build(log, everything(log), path, key)

    original_build = index_module.build
    monkeypatch.setattr(sys.modules[__name__], "build", build_with_everything)
    breaks(lambda items, d1, d2: check_index(items, d1, d2, tmp_path), LAW_9)


# --- staleness ------------------------------------------------------------------------------


@pytest.fixture
def log_copy(tmp_path: Path) -> Path:
    """A writable copy of the mini log (its index will sit beside it)."""
    root = tmp_path / "log"
    shutil.copytree(MINI, root)
    return root


def holder(root: Path, when: str = "2020-11-10", place: str = "shusha") -> str:
    """The holder of `place` at `when`, asked of the CLI (which reads the index)."""
    result = run_cli("at", when, "--log", str(root), "--aspect", "control", "--format", "csv")
    assert result.status == 0, result.err
    rows = [line.split(",") for line in result.out.splitlines()[1:]]
    return next(row[3] for row in rows if row[1] == place)


EDITS: list[tuple[str, Callable[[Path], None]]] = [
    (
        "edit",
        lambda root: (root / "events.toml").write_text(
            (root / "events.toml").read_text(encoding="utf-8").replace('by = "azerbaijan"', 'by = "armenia"', 1),
            encoding="utf-8",
        ),
    ),
    (
        "add",
        lambda root: (root / "more.jsonl").write_text(
            '{"id": "x1", "kind": "capture", "date": "2020-11-07T12:00Z", "place": "aghdam", "by": "armenia", '
            '"sources": [{"id": "s004"}]}\n',
            encoding="utf-8",
        ),
    ),
    (
        "timezone",
        lambda root: (root / "log.toml").write_text(
            (root / "log.toml").read_text(encoding="utf-8").replace("Asia/Baku", "America/Los_Angeles"),
            encoding="utf-8",
        ),
    ),
]


@pytest.mark.parametrize(("what", "edit"), EDITS, ids=[w for w, _ in EDITS])
def test_a_changed_log_is_noticed(log_copy: Path, what: str, edit: Callable[[Path], None]) -> None:
    """Edit, add or re-zone between two queries: the second answer reflects the change."""
    before = run_cli("at", "2020-11-08", "--log", str(log_copy), "--format", "json").out
    assert (log_copy / INDEX_NAME).is_file()
    edit(log_copy)
    after = run_cli("at", "2020-11-08", "--log", str(log_copy), "--format", "json").out
    (log_copy / INDEX_NAME).unlink()
    fresh = run_cli("at", "2020-11-08", "--log", str(log_copy), "--format", "json").out
    assert after != before and after == fresh


def test_deleting_and_renaming_files_is_noticed(log_copy: Path) -> None:
    """Deleting or renaming a log file between two queries is reflected in the next answer."""
    (log_copy / "extra.jsonl").write_text(
        '{"id": "x1", "kind": "capture", "date": "2020-11-09T12:00Z", "place": "shusha", "by": "armenia", '
        '"sources": [{"id": "s004"}]}\n',
        encoding="utf-8",
    )
    assert holder(log_copy) == "Armenia"
    (log_copy / "extra.jsonl").rename(log_copy / "extra.txt")
    assert holder(log_copy) == "Azerbaijan"
    (log_copy / "extra.txt").rename(log_copy / "extra.jsonl")
    assert holder(log_copy) == "Armenia"
    (log_copy / "extra.jsonl").unlink()
    assert holder(log_copy) == "Azerbaijan"


@pytest.mark.parametrize("damage", ["garbage", "foreign", "empty"])
def test_a_corrupt_or_foreign_index_is_rebuilt(log_copy: Path, damage: str) -> None:
    """A corrupt, empty or foreign file where the index should be is rebuilt, never trusted."""
    expected = holder(log_copy)
    path = log_copy / INDEX_NAME
    path.unlink()
    if damage == "garbage":
        path.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)
    elif damage == "empty":
        path.write_bytes(b"")
    else:
        db = sqlite3.connect(path)
        db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        db.execute("INSERT INTO meta VALUES ('schema', '1')")
        db.commit()
        db.close()
    assert holder(log_copy) == expected
    assert open_file(path).meta["schema"] == SCHEMA


def test_deleting_the_index_changes_no_answer(log_copy: Path) -> None:
    """The index is a cache: deleting it changes no answer, only the time of the next one."""
    first = run_cli("at", "2023-10-01", "--log", str(log_copy), "--format", "json").out
    (log_copy / INDEX_NAME).unlink()
    assert run_cli("at", "2023-10-01", "--log", str(log_copy), "--format", "json").out == first


def test_two_builders_leave_one_good_index(log_copy: Path) -> None:
    """Two processes building the index at once leave one good index."""
    command = [sys.executable, "-m", "statustrack", "at", "2020-11-10", "--log", str(log_copy), "--format", "json"]
    procs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), outs
    assert outs[0][0] == outs[1][0]
    leftovers = [p.name for p in log_copy.iterdir() if p.name.endswith(".tmp")]
    assert not leftovers
    assert run_cli("at", "2020-11-10", "--log", str(log_copy), "--format", "json").out.encode() == outs[0][0]


@settings(max_examples=max(10, settings().max_examples // 4))  # each example builds an index file
@given(logs_with_undo())
def test_the_catalogue_gathered_by_the_build_is_the_replays(
    tmp_path_factory: pytest.TempPathFactory, items: list[ev.Event]
) -> None:
    """The build gathers the catalogue from the facts its event rows work out: its tables hold
    what `catalogue` gives from the events that count (ids, and every spelling by its first
    counted fact); the cyclic collector, paused for the build, is on again after it."""
    log = log_of(items)
    path = tmp_path_factory.mktemp("index") / "index.sqlite"
    assert gc.isenabled()
    build(log, steps_for(log), path, {"schema": SCHEMA})
    assert gc.isenabled()
    expected = catalogue(counted_events(log.events), log.registry)
    db = sqlite3.connect(path)
    try:
        assert {i for (i,) in db.execute("SELECT id FROM catalogue_ids")} == set(expected.own)
        assert dict(db.execute("SELECT folded, spelling FROM catalogue_names").fetchall()) == dict(expected.names)
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        db.close()
