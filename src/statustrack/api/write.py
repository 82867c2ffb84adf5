"""Writing to a log safely: record new events, seal them, verify them; all or nothing.

Every write happens under an exclusive lock on `<log>/.statustrack.log.lock` (`verify` takes
it shared, so it always reads one consistent state), after the log with the new events
in place has passed validation. Files are replaced atomically (write a temporary file,
fsync, rename, fsync the directory), so a reader or a crash sees a file wholly before or
wholly after a write, never half of one.

`record` writes a journal (`.statustrack.pending`: the target file and the ids and
digests of the events it is about to append) before it renames anything, then the
events file, then the ledger, then removes the journal. A crash at any point leaves
the log valid; the next locked operation removes leftover temporary files and seals
exactly the events the journal names that did reach the log, and says so. Events
added by hand are never sealed by that recovery: `seal` is for those, after review.
Through a current fact index (`statustrack.index.append`), `record` appends to the ledger in
place instead of rewriting it; the journal then holds the ledger's size, so an append a
crash cut short mid-line is cut off and redone.

The shipped log inside the installed package is read-only: writes need a copy.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import attrs
import pendulum

from statustrack.core.checks import check_events
from statustrack.core.dates import Interval, parse_edtf
from statustrack.core.events import Event
from statustrack.core.replay import counted_events, timeline
from statustrack.errors import LogInvalid, Problem, ProblemCode, StatustrackError
from statustrack.index import append as extend
from statustrack.index.build import build
from statustrack.index.keys import current_key, index_path, index_place, log_root, manifest
from statustrack.index.read import State, Verdict, assess
from statustrack.log import ledger, store
from statustrack.log.files import log_files
from statustrack.log.ledger import (
    LEDGER,
    LedgerState,
    Seal,
    chain_lines,
    head,
    ledger_state,
    ledger_state_of,
    ledger_unchanged,
    reaches,
    sealed_settings,
    unfit_name,
    unsealed,
)
from statustrack.log.load import Log, build_events, default_log_path, load_log
from statustrack.log.lock import LOCK, locked
from statustrack.log.parse import Raw, read_text
from statustrack.log.store import DEFAULT_TARGET, PENDING, ReadOnlyLog, WriteError, target_name
from statustrack.log.write import event_record, to_jsonl

__all__ = [
    "DEFAULT_TARGET",
    "LOCK",
    "PENDING",
    "Conflict",
    "IndexCheck",
    "ReadOnlyLog",
    "Recorded",
    "Sealed",
    "Verified",
    "WriteError",
    "record",
    "seal",
    "target_name",
    "verify",
]


class Conflict(StatustrackError):
    """The log moved on since the caller read it (`--expect-last` did not match)."""


@attrs.frozen
class Recorded:
    """What a `record` call did: ids appended, ids already recorded identically, the
    `recorded` stamp the appended events carry (None when nothing was appended), the
    chain head after it, and the ids of an interrupted record it sealed first."""

    appended: tuple[str, ...]
    unchanged: tuple[str, ...]
    target: str
    stamp: str | None = None
    head: str | None = None
    recovered: tuple[str, ...] = ()


@attrs.frozen
class Sealed:
    """What a `seal` call did: ids sealed, whether it sealed the settings, the chain head
    after it, and the ids of an interrupted record it sealed first."""

    ids: tuple[str, ...]
    settings: bool
    head: str | None
    recovered: tuple[str, ...] = ()


@attrs.frozen
class Verified:
    """A log that matches its ledger: how many events are sealed, the chain head, and
    whether its settings are sealed (a v1 ledger has no settings line yet)."""

    sealed: int
    head: str | None
    settings_sealed: bool
    index: IndexCheck | None = None


@attrs.frozen
class IndexCheck:
    """What `verify` found of the log's fact index, which it checks too: where it is, its
    state (`index.read.State`: current, missing, stale, altered by another program, not to
    be trusted, damaged) and why, and the index files passed over elsewhere (another
    user's, or in a folder others can write). Queries read only a current index."""

    path: str
    state: State
    why: str = ""
    ignored: tuple[str, ...] = ()

    @property
    def trusted(self) -> bool:
        """False when an index was found that statustrack did not write as it is, or may
        not trust: queries ignore it, but someone or something wrote it."""
        return self.state not in (State.ALTERED, State.UNTRUSTED, State.DAMAGED) and not self.ignored


def _stamp(now: pendulum.DateTime | None) -> str:
    moment = (now or pendulum.now("UTC")).in_tz("UTC")
    return moment.format("YYYY-MM-DDTHH:mm:ss.SSSSSS") + "Z"


def _without_stamp(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if k != "recorded"}


def _refuse_unless_verified(
    log: Log, seals: Sequence[Seal], recovered: Sequence[str], keep: Callable[[Problem], bool] = lambda p: True
) -> None:
    problems = [p for p in ledger.verify(log, seals) if keep(p)]
    if problems:
        if recovered:
            problems.insert(
                0,
                Problem(
                    log.file(LEDGER),
                    None,
                    None,
                    f"note: sealed {len(recovered)} events an interrupted record had written ({', '.join(recovered)})",
                    "nothing to do for those",
                ),
            )
        raise LogInvalid(problems)


def _read_back(log: Log, target: str, first_line: int, fresh: Sequence[Event]) -> tuple[list[Event], list[Raw]]:
    """`fresh` as their lines in `target` (from `first_line` on) read back, with those
    lines' records: the same events, in the log's format, or `LogInvalid`."""
    name = log.file(target)
    raws, problems = read_text(to_jsonl(fresh), name, ".jsonl")
    raws = [attrs.evolve(r, line=(r.line or 0) + first_line - 1) for r in raws]
    rebuilt, more = build_events(raws, log)  # read as the log's format reads them
    problems += more
    if not problems and [event_record(e) for e in rebuilt] != [event_record(e) for e in fresh]:
        problems.append(
            Problem(
                name,
                first_line,
                None,
                "the events do not read back as written",
                "report this: the log format and the writer disagree",
            )
        )
    if problems:
        raise LogInvalid(problems)
    return rebuilt, raws


def _check_new(log: Log, target: str, first_line: int, fresh: Sequence[Event]) -> None:
    """Validate the log with `fresh` appended to `target` without loading it again: the
    new lines must read back as the same events (in the log's format), and every check
    across events (ids, links, cycles, order) is run on the loaded events plus the new."""
    rebuilt, raws = _read_back(log, target, first_line, fresh)
    # Log order is files sorted by path, then place in the file: the new events go last in theirs.
    placed = [(log.paths[e.id], e, Raw("event", {"id": e.id}, *log.where[e.id])) for e in log.events]
    placed += [(target, e, raw) for e, raw in zip(rebuilt, raws, strict=True)]
    placed.sort(key=lambda item: item[0])
    combined = [(e, raw) for _, e, raw in placed]
    problems = check_events(combined, log.registry, frozenset(e.id for e, _ in combined))
    if problems:
        raise LogInvalid(problems)


def _fresh(
    raws: Sequence[Raw],
    log: Log,
    known: Callable[[Sequence[str]], dict[str, tuple[Event, str]]],
    now: pendulum.DateTime | None,
) -> tuple[list[Event], list[str], Interval]:
    """The events of `raws` that are new, each stamped `recorded`; the ids already recorded
    identically; and the stamp. `known` gives the recorded events among some ids, with the
    file each is in. Refuses a stamp written by hand, an event that does not build, and an
    id already recorded with other content."""
    stamped = [r for r in raws if "recorded" in r.fields]
    if stamped:
        raise LogInvalid(
            [
                Problem(
                    r.file,
                    r.line_of("recorded"),
                    r.fields.get("id"),
                    "'recorded' is stamped by statustrack record",
                    "leave the field out",
                )
                for r in stamped
            ]
        )
    events, problems = build_events(list(raws), log)
    if problems:
        raise LogInvalid(problems)
    recorded = known([e.id for e in events])
    stamp = parse_edtf(_stamp(now), log.timezone)
    fresh, unchanged, refused = [], [], []
    for event, raw in zip(events, raws, strict=True):
        old = recorded.get(event.id)
        if old is None:
            fresh.append(attrs.evolve(event, recorded=stamp))
        elif _without_stamp(event_record(old[0])) == _without_stamp(event_record(event)):
            unchanged.append(event.id)
        else:
            refused.append(
                Problem(
                    raw.file,
                    raw.line,
                    event.id,
                    f"id is already recorded with other content ({old[1]})",
                    "choose a new id; to change the old event, record one that replaces it",
                )
            )
    if refused:
        raise LogInvalid(refused)
    return fresh, unchanged, stamp


def record(
    path: str | os.PathLike[str] | None,
    raws: Sequence[Raw],
    *,
    target: str = DEFAULT_TARGET,
    expect_last: str | None = None,
    now: pendulum.DateTime | None = None,
) -> Recorded:
    """Append the events `raws` to `target` (a .jsonl file of the log) and seal them.

    Refuses, changing nothing, when the log is the shipped one, when `target` is not a
    name the ledger can hold, when the log does not verify, when `expect_last` is not the
    last sealed event, or when the log with the new events would not validate. An event
    identical to one already recorded (apart from its stamp) is skipped; a different
    event reusing an id is refused. Each new event is stamped `recorded`.

    When the log's fact index is current and remembers the ledger the log verified
    against, nothing else of the log is read: the new events are checked against the
    index and folded into it (`statustrack.index.append`). Otherwise the whole log is loaded
    and verified; then a current index built without verifying (by a query) remembers the
    verified ledger and the write goes through it, and a stale or missing one is rebuilt
    after the write.
    """
    root = store.writable_root(path)
    target = target_name(root, target)
    with locked(root):
        done = _record_indexed(root, raws, target, expect_last, now)
        if done is not None:
            return done
        log = load_log(root)
        seals, recovered = store.recover(root, log, store.read_seals(log, root))
        store.clean_temporaries(root)
        _refuse_unless_verified(log, seals, recovered)
        if _remember_ledger(root, seals):  # the index was current, but built without verifying
            done = _record_indexed(root, raws, target, expect_last, now)
            if done is not None:
                return attrs.evolve(done, recovered=recovered)
        events_sealed = [s for s in seals if s.id in log.paths]
        last = events_sealed[-1].id if events_sealed else None
        if expect_last is not None and expect_last != last:
            msg = f"the log has moved on: its last recorded event is {last!r}, not {expect_last!r}; read it again"
            raise Conflict(msg)
        fresh, unchanged, stamp = _fresh(
            raws, log, lambda ids: {i: (log.event(i), log.where[i][0]) for i in ids if i in log.paths}, now
        )
        if not fresh:
            return Recorded((), tuple(unchanged), target, head=head(seals), recovered=recovered)
        file, before = store.target_text(root, target)
        first_line = before.count("\n") + 1
        _check_new(log, target, first_line, fresh)
        settings = store.settings_line(log, sealed_settings(seals) is not None)
        store.write_events(root, target, file, before, fresh)
        seals = store.append_seals(root, seals, [(e, target) for e in fresh], settings, "between")
        store.finish(root)
        _reindex(root, log, target, first_line, fresh, seals)
        return Recorded(tuple(e.id for e in fresh), tuple(unchanged), target, stamp.text, head(seals), recovered)


def _remember_ledger(root: Path, seals: Sequence[Seal]) -> bool:
    """Let the log's index, if current, remember the ledger the log just verified against."""
    return extend.remember_ledger(root, index_path(root, False), ledger_state(root, seals))


def _reindex(root: Path, log: Log, target: str, first_line: int, fresh: Sequence[Event], seals: Sequence[Seal]) -> None:
    """Build the fact index of `log` with `fresh` appended to `target` (from `first_line`),
    remembering the ledger `seals` it verified against, so the next `record` takes the
    indexed path. The index is a cache: if it cannot be written, nothing is lost."""
    name = log.file(target)
    where = {**log.where, **{e.id: (name, first_line + i) for i, e in enumerate(fresh)}}
    paths = {**log.paths, **{e.id: target for e in fresh}}
    events = sorted([*log.events, *fresh], key=lambda e: (paths[e.id], where[e.id][1] or 0))
    after = attrs.evolve(log, events=tuple(events), where=where, paths=paths)
    try:
        key = current_key(root)
        steps = timeline(counted_events(after.events), after.registry)
        build(after, steps, index_path(root, False), key, ledger_state(root, seals))
    except (OSError, sqlite3.Error):
        pass


def _record_indexed(
    root: Path, raws: Sequence[Raw], target: str, expect_last: str | None, now: pendulum.DateTime | None
) -> Recorded | None:
    """`record` through the log's current fact index, or None when the index cannot vouch
    for the log (missing, stale, built by other code, corrupt, or not remembering a
    verified ledger that is still on disk unchanged; an interrupted record to finish):
    then the caller loads and verifies the whole log. Nothing is written before the new
    events have passed every check."""
    if (root / PENDING).exists():
        return None
    opened = extend.open_for_record(root, index_path(root, False))
    if opened is None:
        return None
    try:
        try:
            prepared = _prepare_indexed(opened, root, raws, target, expect_last, now)
        except StatustrackError:
            raise
        except (LookupError, TypeError, sqlite3.Error):
            return None  # the index cannot answer: nothing is written yet
        if prepared is None or isinstance(prepared, Recorded):
            return prepared
        state, fresh = prepared.ledger, prepared.fresh
        settings = store.settings_line(prepared.log, state.settings)
        text, chain_head = chain_lines(
            state.head, [(e, target) for e in fresh], settings=settings, v1=state.lines and not state.settings
        )
        store.write_events(root, target, prepared.file, prepared.before, fresh, state.size)
        store.append_text(root / LEDGER, text, "between")
        store.finish(root)
        try:
            after = ledger_state_of(root, chain_head, fresh[-1].id, settings=True, lines=True)
            extend.commit(opened, prepared.extension, manifest(root), after)
        except (OSError, sqlite3.Error, StatustrackError):
            pass  # the index is stale now, never wrong: the next query rebuilds it
        return Recorded(tuple(e.id for e in fresh), prepared.unchanged, target, prepared.stamp.text, chain_head)
    finally:
        opened.close()


@attrs.frozen
class _Prepared:
    """What an indexed `record` has checked and worked out before it writes anything: the
    ledger the index vouches for, the log's settings, the new events and the ids already
    recorded identically, their stamp, the target file and its text so far, and the
    index rows the new events change."""

    ledger: LedgerState
    log: Log
    fresh: list[Event]
    unchanged: tuple[str, ...]
    stamp: Interval
    file: Path
    before: str
    extension: extend.Extension


def _prepare_indexed(
    opened: extend.Opened,
    root: Path,
    raws: Sequence[Raw],
    target: str,
    expect_last: str | None,
    now: pendulum.DateTime | None,
) -> _Prepared | Recorded | None:
    """Everything `_record_indexed` does before writing: None to fall back, a `Recorded`
    when there is nothing to write, else what the write needs."""
    state = opened.ledger
    if state is None or not ledger_unchanged(root, state):
        return None
    store.clean_temporaries(root)
    if expect_last is not None and expect_last != state.last:
        msg = f"the log has moved on: its last recorded event is {state.last!r}, not {expect_last!r}; read it again"
        raise Conflict(msg)
    log = opened.settings(str(root), root)

    def known(ids: Sequence[str]) -> dict[str, tuple[Event, str]]:
        found = opened.records(ids)
        built, problems = build_events([Raw("event", r, f, n) for f, n, r in found.values()], log)
        if problems or len(built) != len(found):
            raise LookupError(problems)
        return {e.id: (e, log.file(found[e.id][0])) for e in built}

    fresh, unchanged, stamp = _fresh(raws, log, known, now)
    if not fresh:
        return Recorded((), tuple(unchanged), target, head=state.head)
    if _named_in_log(root, [e.id for e in fresh]):
        return None  # the log itself names an id the index calls new: only the whole log can decide

    file, before = store.target_text(root, target)
    rebuilt, lines = _read_back(log, target, before.count("\n") + 1, fresh)
    extension = extend.plan(opened, log, target, rebuilt, lines)
    return _Prepared(state, log, fresh, tuple(unchanged), stamp, file, before, extension)


def _named_in_log(root: Path, ids: Sequence[str]) -> bool:
    """True when one of `ids` stands quoted in a file of the log at `root`, or begins a
    line of its ledger: what the log itself says, read from its files (not the index),
    so an index gone stale unnoticed can never let a duplicate id in. Reads the files'
    bytes, no parsing: a match only sends `record` to load and check the whole log."""
    quoted = [q for i in ids for q in (f'"{i}"'.encode(), f"'{i}'".encode())]
    for path in log_files(root):
        data = path.read_bytes()
        if any(q in data for q in quoted):
            return True
    try:
        sealed = b"\n" + (root / LEDGER).read_bytes()
    except FileNotFoundError:
        return False
    return any(f"\n{i} ".encode() in sealed for i in ids)


def seal(path: str | os.PathLike[str] | None, *, settings: bool = False) -> Sealed:
    """Add every event not yet in the ledger to it, in log order, after review.

    Seals the log's settings too when the ledger has none yet; with `settings`, reseals
    them when they changed (a deliberate change of time zone, format or horizon).
    Refuses if a sealed event was edited, deleted, moved or reordered, or if a file
    holding a new event has a name the ledger cannot hold.
    """
    root = store.writable_root(path)
    with locked(root):
        log = load_log(root)
        seals, recovered = store.recover(root, log, store.read_seals(log, root))
        store.clean_temporaries(root)
        changed = [p for p in ledger.verify(log, seals) if p.code is ProblemCode.SETTINGS_CHANGED]
        _refuse_unless_verified(
            log, seals, recovered, lambda p: p.code is not ProblemCode.NOT_SEALED and not (settings and p in changed)
        )
        new = unsealed(log, seals)
        unfit = [(e, log.paths[e.id], why) for e in new if (why := unfit_name(log.paths[e.id])) is not None]
        if unfit:
            raise LogInvalid(
                [
                    Problem(
                        *log.where[e.id],
                        e.id,
                        f"cannot seal {file!r}: {why}",
                        "rename the file without spaces or special characters, then seal",
                    )
                    for e, file, why in unfit
                ]
            )
        line = store.settings_line(log, sealed_settings(seals) is not None, changed=bool(changed))
        if new or line is not None:
            seals = store.append_seals(root, seals, [(e, log.paths[e.id]) for e in new], line)
        return Sealed(tuple(e.id for e in new), line is not None, head(seals), recovered)


def verify(path: str | os.PathLike[str] | None, *, head_prefix: str | None = None) -> Verified:
    """Check the log against its ledger, reading one consistent state (under the shared
    lock, so never half-way through a `record`); with `head_prefix`, also that the chain
    reaches that head. Raises `LogInvalid` naming every difference."""
    root = Path(path) if path is not None else default_log_path()
    if head_prefix is not None and not re.fullmatch(r"[0-9a-fA-F]{8,64}", head_prefix):
        msg = f"--head takes 8 to 64 hex digits of a chain head (as record, seal and verify print), not {head_prefix!r}"
        raise StatustrackError(msg)
    reading = contextlib.nullcontext() if store.is_shipped(root) else locked(root, shared=True)
    with reading:
        log = load_log(path)
        seals = store.read_seals(log, root, writing=False)
        problems = ledger.verify(log, seals)
        journal = store.read_journal(root)
        interrupted = {i for i, _ in journal[1]} if journal else set()
        problems = [
            attrs.evolve(p, hint="an interrupted record wrote it: the next record or seal seals it")
            if p.code is ProblemCode.NOT_SEALED and p.event in interrupted
            else p
            for p in problems
        ]
        if head_prefix is not None and not reaches(seals, head_prefix.lower()):
            problems.append(
                Problem(
                    log.file(LEDGER),
                    None,
                    None,
                    f"the chain does not reach head {head_prefix}: the log was rewritten or its "
                    "ledger truncated or replaced since that head was taken",
                    "restore the log and its ledger from a copy you trust",
                )
            )
        if problems:
            raise LogInvalid(problems)
        return Verified(
            len([s for s in seals if s.id in log.paths]),
            head(seals),
            sealed_settings(seals) is not None,
            _check_index(path),
        )


def _check_index(path: str | os.PathLike[str] | None) -> IndexCheck:
    """The state of the fact index of the log at `path`, as a query would find it."""
    directory, shipped = log_root(path)
    place = index_place(directory, shipped)
    found = assess(directory, place.path)
    if isinstance(found, Verdict):
        return IndexCheck(str(place.path), found.state, found.why, place.ignored)
    found.close()
    return IndexCheck(str(place.path), State.CURRENT, "", place.ignored)
