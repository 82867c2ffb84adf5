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
import json
import os
import re
import shlex
import sys
from collections.abc import Callable, Sequence
from importlib import resources
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

import attrs
import pendulum

from statustrack.core.dates import Interval, parse_edtf
from statustrack.errors import LogInvalid, Problem, ProblemCode, StatustrackError
from statustrack.core.events import Event
from statustrack.log.ledger import (
    HEADER, LEDGER, Seal, chain_lines, digest, head, ledger_state, ledger_state_of, ledger_unchanged, read_ledger,
    reaches, seal_lines, sealed_settings, unfit_name, unsealed, verify,
)
from statustrack.log.lock import LOCK, locked
from statustrack.log.load import ENV_VAR, Log, build_events, default_log_path, load_log
from statustrack.log.parse import MAX_DEPTH, Raw, read_text
from statustrack.core.checks import check_events
from statustrack.log.write import event_record, to_jsonl

__all__ = ["DEFAULT_TARGET", "LOCK", "PENDING", "Conflict", "ReadOnlyLog", "Recorded", "Sealed", "Verified",
           "WriteError", "record", "seal", "target_name", "verify_log"]

DEFAULT_TARGET = "recorded.jsonl"
PENDING = ".statustrack.pending"
# The temporaries of our own atomic writes (`.NAME.PID.tmp`): of a .jsonl file, the ledger or
# the journal; nothing else (the fact index builds its own temporaries, outside our lock).
_TEMPORARY = re.compile(rf"\.(.+\.jsonl|{re.escape(LEDGER)}|{re.escape(PENDING)})\.[0-9]+\.tmp")


class Conflict(StatustrackError):
    """The log moved on since the caller read it (`--expect-last` did not match)."""


class ReadOnlyLog(StatustrackError):
    """A write aimed at a log statustrack must not change: the shipped log of the installed package."""


class WriteError(StatustrackError):
    """A write failed for a reason outside the log's content: a target that cannot be one,
    a missing or read-only directory, a full disk."""


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


def _checkpoint(step: str) -> None:
    """`record` reached `step`: "before" (the events' temporary file is written, nothing
    renamed), "between" (the events file renamed; the ledger's temporary written, or, on
    the indexed path, the ledger not yet appended to) or "after" (the ledger renamed or
    appended to, the journal not yet removed). Does nothing; the crash tests replace it
    to kill a writer at exactly that point."""


def _shipped() -> Path:
    return Path(str(resources.files("statustrack") / "data" / "events"))


def _is_shipped(root: Path) -> bool:
    try:
        return root.exists() and os.path.samefile(root, _shipped())
    except OSError:
        return False


def _refuse_shipped(where: Path) -> ReadOnlyLog:
    msg = (f"refusing to write to the shipped log inside the installed package ({where}): make your own "
           f"copy with `cp -r {shlex.quote(str(where))} my-log`, then pass --log my-log (or set ${ENV_VAR})")
    return ReadOnlyLog(msg)


def _writable(path: str | os.PathLike[str] | None) -> Path:
    """The root of a log statustrack may write to, or a clear refusal."""
    env = os.environ.get(ENV_VAR)
    if path is None and not env:
        raise _refuse_shipped(_shipped())
    if path is not None and not os.fspath(path):
        msg = "the log path is empty: name a log directory"
        raise WriteError(msg)
    root = Path(path) if path is not None else Path(env or "")
    shipped = _shipped()
    if not shipped.is_symlink() and _is_shipped(root):  # an installed package, not a checkout's events/
        raise _refuse_shipped(shipped)
    if not root.exists():
        msg = f"{root}: no such log directory; point --log or ${ENV_VAR} at a directory holding log.toml"
        raise WriteError(msg)
    if not root.is_dir():
        msg = f"{root}: not a directory; point --log or ${ENV_VAR} at a directory holding log.toml"
        raise WriteError(msg)
    return root


def target_name(root: Path, target: str) -> str:
    """`target` as the ledger names it: log-relative, POSIX, normalised (`./x.jsonl` and
    `sub//x.jsonl` become `x.jsonl` and `sub/x.jsonl`); refuses, before anything is
    written, a name the ledger cannot hold or the loader would not read: empty,
    whitespace, control or bidi characters, absolute, `..`, not `.jsonl`, a directory,
    a symbolic link, or a folder that is a file."""
    def refuse(why: str) -> WriteError:
        return WriteError(f"cannot record into {target!r}: {why}; name a .jsonl file inside the log, "
                          f"such as {DEFAULT_TARGET} or sub/{DEFAULT_TARGET}")

    if not target.strip():
        raise refuse("the name is empty")
    if (why := unfit_name(target)) is not None:
        raise refuse(why)
    posix = PurePosixPath(target)
    if posix.is_absolute() or PureWindowsPath(target).drive:
        raise refuse("it is an absolute path")
    if ".." in posix.parts:
        raise refuse("it leaves the log ('..')")
    if posix.suffix != ".jsonl" or not posix.stem:
        raise refuse("record writes JSON Lines, so the file must end in .jsonl")
    if len(posix.parts) > MAX_DEPTH:
        raise refuse(f"folders nest more than {MAX_DEPTH} deep")
    if any(len(part.encode("utf-8")) > 200 for part in posix.parts):
        raise refuse("a part of it is longer than 200 bytes")
    current = root
    for part in posix.parts:
        current = current / part
        if current.is_symlink():
            raise refuse(f"{part!r} is a symbolic link, which the loader does not follow")
        if current.exists() and not (current.is_file() if part == posix.name else current.is_dir()):
            raise refuse(f"{part!r} is {'a directory' if current.is_dir() else 'not a directory'}")
    return posix.as_posix()


def _fsync_directory(directory: Path) -> None:
    if sys.platform == "win32":  # directories cannot be opened (nor need syncing) there
        return
    handle = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def _atomic_write(path: Path, data: bytes, step: str | None = None) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(temporary, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if step is not None:
            _checkpoint(step)
        os.replace(temporary, path)
        _fsync_directory(path.parent)
    except OSError as e:
        with contextlib.suppress(OSError):
            temporary.unlink()
        msg = f"cannot write {path} ({e.strerror}); check that the log's directory is writable and has space"
        raise WriteError(msg) from e


def _clean_temporaries(root: Path) -> None:
    """Remove what an interrupted write left: under the exclusive lock, every
    `.NAME.PID.tmp` file in the log is a leftover."""
    pending = [root]
    while pending:
        directory = pending.pop()
        with contextlib.suppress(OSError), os.scandir(directory) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    pending.append(Path(entry.path))
                elif _TEMPORARY.fullmatch(entry.name) and entry.is_file(follow_symlinks=False):
                    with contextlib.suppress(OSError):
                        os.unlink(entry.path)


def _stamp(now: pendulum.DateTime | None) -> str:
    moment = (now or pendulum.now("UTC")).in_tz("UTC")
    return moment.format("YYYY-MM-DDTHH:mm:ss.SSSSSS") + "Z"


def _ledger(log: Log, root: Path, *, writing: bool = True) -> list[Seal]:
    """The ledger's seals, or `LogInvalid`. An append a killed `record` left torn (the
    ledger longer than its journal says it was, ending mid-line) is cut off when `writing`,
    and not read when not: the journal's recovery seals those events again."""
    torn = _torn_ledger(root)
    if torn is not None and writing:
        try:
            os.truncate(root / LEDGER, torn)
        except OSError as e:
            msg = f"cannot repair {root / LEDGER} ({e.strerror}); check that the log's directory is writable"
            raise WriteError(msg) from e
        torn = None
    seals, problems = read_ledger(root, log.shown, torn)
    if problems:
        raise LogInvalid(problems)
    return seals


def _torn_ledger(root: Path) -> int | None:
    """The ledger's size before an interrupted append, if that append left it ending mid-line."""
    journal = root / PENDING
    if not journal.exists():
        return None
    try:
        size = json.loads(journal.read_bytes().decode("utf-8")).get("ledger")
        with open(root / LEDGER, "rb") as handle:
            end = handle.seek(0, os.SEEK_END)
            handle.seek(max(0, end - 1))
            last = handle.read(1)
    except (OSError, ValueError, AttributeError):
        return None
    if isinstance(size, int) and not isinstance(size, bool) and 0 <= size < end and last != b"\n":
        return size
    return None


def _without_stamp(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if k != "recorded"}


def _append_ledger(root: Path, seals: Sequence[Seal], events: Sequence[tuple[Event, str]],
                   settings: tuple[Log, str] | None = None, step: str | None = None) -> list[Seal]:
    """Append seals for `events` (and the settings) to the ledger; returns the new seals."""
    ledger = root / LEDGER
    text = ledger.read_bytes().decode("utf-8") if ledger.exists() else HEADER
    if text and not text.endswith("\n"):
        text += "\n"
    _atomic_write(ledger, (text + seal_lines(seals, events, settings=settings)).encode("utf-8"), step)
    return _ledger_after(root, seals)


def _ledger_after(root: Path, seals: Sequence[Seal]) -> list[Seal]:
    after, problems = read_ledger(root, str(root))
    if problems:  # cannot happen: it was read whole before, and appended to under the lock
        raise LogInvalid(problems)
    return after


def _settings_line(log: Log, sealed: bool, *, changed: bool = False) -> tuple[Log, str] | None:
    """The settings to seal with a write: those of `log` when the ledger has none yet (not
    `sealed`), or when they `changed` and the caller reseals them deliberately."""
    if sealed and not changed:
        return None
    if (why := unfit_name(log.settings_file)) is not None:
        msg = f"cannot seal the settings in {log.settings_file!r}: {why}; rename the file"
        raise WriteError(msg)
    return log, log.settings_file


def _journal(root: Path) -> tuple[str, list[tuple[str, str]]] | None:
    path = root / PENDING
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_bytes().decode("utf-8"))
        target, entries = data["target"], [(str(i), str(d)) for i, d in data["events"]]
        if not isinstance(target, str):
            raise TypeError(target)
    except (OSError, ValueError, KeyError, TypeError) as e:
        msg = (f"{path} is not a journal statustrack wrote ({type(e).__name__}); once 'statustrack verify' "
               "names only events you mean to keep, delete it and run 'statustrack seal'")
        raise StatustrackError(msg) from e
    return target, entries


def _recover(root: Path, log: Log, seals: list[Seal]) -> tuple[list[Seal], tuple[str, ...]]:
    """Finish what an interrupted `record` began: seal the events its journal names that
    reached the log unchanged and unsealed, then drop the journal. Nothing else is sealed."""
    journal = _journal(root)
    if journal is None:
        return seals, ()
    target, entries = journal
    sealed = {s.id for s in seals}
    by_id = {e.id: e for e in log.events}
    finish = [by_id[i] for i, d in entries
              if i not in sealed and i in by_id and log.paths.get(i) == target and digest(by_id[i]) == d]
    if finish:
        settings = _settings_line(log, sealed_settings(seals) is not None)
        seals = _append_ledger(root, seals, [(e, target) for e in finish], settings)
    try:
        (root / PENDING).unlink()
        _fsync_directory(root)
    except OSError as e:
        msg = f"cannot remove {root / PENDING} ({e.strerror}); check that the log's directory is writable"
        raise WriteError(msg) from e
    return seals, tuple(e.id for e in finish)


def _refuse_unless_verified(log: Log, seals: Sequence[Seal], recovered: Sequence[str],
                            keep: Callable[[Problem], bool] = lambda p: True) -> None:
    problems = [p for p in verify(log, seals) if keep(p)]
    if problems:
        if recovered:
            problems.insert(0, Problem(log.file(LEDGER), None, None,
                                       f"note: sealed {len(recovered)} events an interrupted record had written "
                                       f"({', '.join(recovered)})", "nothing to do for those"))
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
        problems.append(Problem(name, first_line, None, "the events do not read back as written",
                                "report this: the log format and the writer disagree"))
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


def _fresh(raws: Sequence[Raw], log: Log, known: Callable[[Sequence[str]], dict[str, tuple[Event, str]]],
           now: pendulum.DateTime | None) -> tuple[list[Event], list[str], Interval]:
    """The events of `raws` that are new, each stamped `recorded`; the ids already recorded
    identically; and the stamp. `known` gives the recorded events among some ids, with the
    file each is in. Refuses a stamp written by hand, an event that does not build, and an
    id already recorded with other content."""
    stamped = [r for r in raws if "recorded" in r.fields]
    if stamped:
        raise LogInvalid([Problem(r.file, r.line_of("recorded"), r.fields.get("id"),
                                  "'recorded' is stamped by statustrack record",
                                  "leave the field out") for r in stamped])
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
            refused.append(Problem(raw.file, raw.line, event.id,
                                   f"id is already recorded with other content ({old[1]})",
                                   "choose a new id; to change the old event, record one that replaces it"))
    if refused:
        raise LogInvalid(refused)
    return fresh, unchanged, stamp


def _target_text(root: Path, target: str) -> tuple[Path, str]:
    """The target file and its text so far (ending in a line break, or empty)."""
    file = root / target
    try:
        before = file.read_bytes().decode("utf-8") if file.exists() else ""
    except (OSError, UnicodeDecodeError) as e:
        msg = f"cannot read {file} ({e}); it must be a readable UTF-8 file of the log"
        raise WriteError(msg) from e
    if before and not before.endswith("\n"):
        before += "\n"
    return file, before


def _write_events(root: Path, target: str, file: Path, before: str, fresh: Sequence[Event],
                  ledger: int | None = None) -> None:
    """Write the journal, then the target with `fresh` appended (the ledger comes next).
    `ledger` is the ledger's size when it is to be appended in place (see `_append_text`)."""
    journal: dict[str, Any] = {"target": target, "events": [[e.id, digest(e)] for e in fresh]}
    if ledger is not None:
        journal["ledger"] = ledger
    _atomic_write(root / PENDING, json.dumps(journal).encode("utf-8"))
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        msg = f"cannot create the folder {file.parent} ({e.strerror})"
        raise WriteError(msg) from e
    _atomic_write(file, (before + to_jsonl(fresh)).encode("utf-8"), "before")


def _finish(root: Path) -> None:
    _checkpoint("after")
    (root / PENDING).unlink()


def record(path: str | os.PathLike[str] | None, raws: Sequence[Raw], *, target: str = DEFAULT_TARGET,
           expect_last: str | None = None, now: pendulum.DateTime | None = None) -> Recorded:
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
    root = _writable(path)
    target = target_name(root, target)
    with locked(root):
        done = _record_indexed(root, raws, target, expect_last, now)
        if done is not None:
            return done
        log = load_log(root)
        seals, recovered = _recover(root, log, _ledger(log, root))
        _clean_temporaries(root)
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
        fresh, unchanged, stamp = _fresh(raws, log, lambda ids: {i: (log.event(i), log.where[i][0])
                                                                  for i in ids if i in log.paths}, now)
        if not fresh:
            return Recorded((), tuple(unchanged), target, head=head(seals), recovered=recovered)
        file, before = _target_text(root, target)
        first_line = before.count("\n") + 1
        _check_new(log, target, first_line, fresh)
        settings = _settings_line(log, sealed_settings(seals) is not None)
        _write_events(root, target, file, before, fresh)
        seals = _append_ledger(root, seals, [(e, target) for e in fresh], settings, "between")
        _finish(root)
        _reindex(root, log, target, first_line, fresh, seals)
        return Recorded(tuple(e.id for e in fresh), tuple(unchanged), target, stamp.text, head(seals), recovered)


def _remember_ledger(root: Path, seals: Sequence[Seal]) -> bool:
    """Let the log's index, if current, remember the ledger the log just verified against."""
    from statustrack.index import append as extend
    from statustrack.index.keys import index_path

    return extend.remember_ledger(root, index_path(root, False), ledger_state(root, seals))


def _reindex(root: Path, log: Log, target: str, first_line: int, fresh: Sequence[Event],
             seals: Sequence[Seal]) -> None:
    """Build the fact index of `log` with `fresh` appended to `target` (from `first_line`),
    remembering the ledger `seals` it verified against, so the next `record` takes the
    indexed path. The index is a cache: if it cannot be written, nothing is lost."""
    import sqlite3

    from statustrack.index.build import build
    from statustrack.index.keys import current_key, index_path
    from statustrack.core.replay import counted_events, timeline

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


def _record_indexed(root: Path, raws: Sequence[Raw], target: str, expect_last: str | None,
                    now: pendulum.DateTime | None) -> Recorded | None:
    """`record` through the log's current fact index, or None when the index cannot vouch
    for the log (missing, stale, built by other code, corrupt, or not remembering a
    verified ledger that is still on disk unchanged; an interrupted record to finish):
    then the caller loads and verifies the whole log. Nothing is written before the new
    events have passed every check."""
    import sqlite3

    from statustrack.index import append as extend
    from statustrack.index.keys import index_path, manifest

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
        state, log, fresh, unchanged, stamp, file, before, extension = prepared
        settings = _settings_line(log, state["settings"])
        text, chain_head = chain_lines(state["head"], [(e, target) for e in fresh], settings=settings,
                                       v1=state["lines"] and not state["settings"])
        _write_events(root, target, file, before, fresh, state["size"])
        _append_text(root / LEDGER, text, "between")
        _finish(root)
        try:
            after = ledger_state_of(root, chain_head, fresh[-1].id, settings=True, lines=True)
            extend.commit(opened, extension, manifest(root), after)
        except (OSError, sqlite3.Error, StatustrackError):
            pass  # the index is stale now, never wrong: the next query rebuilds it
        return Recorded(tuple(e.id for e in fresh), tuple(unchanged), target, stamp.text, chain_head)
    finally:
        opened.close()


def _prepare_indexed(opened: Any, root: Path, raws: Sequence[Raw], target: str, expect_last: str | None,
                     now: pendulum.DateTime | None) -> Any:
    """Everything `_record_indexed` does before writing: None to fall back, a `Recorded`
    when there is nothing to write, else what the write needs."""
    from statustrack.index import append as extend

    state = opened.meta["ledger"]
    if not ledger_unchanged(root, state):
        return None
    _clean_temporaries(root)
    if expect_last is not None and expect_last != state["last"]:
        msg = (f"the log has moved on: its last recorded event is {state['last']!r}, not {expect_last!r}; "
               "read it again")
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
        return Recorded((), tuple(unchanged), target, head=state["head"])
    file, before = _target_text(root, target)
    rebuilt, lines = _read_back(log, target, before.count("\n") + 1, fresh)
    extension = extend.plan(opened, log, target, rebuilt, lines)
    return state, log, fresh, unchanged, stamp, file, before, extension


def _append_text(ledger: Path, text: str, step: str | None = None) -> None:
    """Append `text` (whole ledger lines) to the ledger in place, in one write, and sync it:
    O(the new lines), not O(the ledger). The journal written before holds the ledger's size,
    so an append a kill leaves torn is cut off and redone by the next write (`_ledger`);
    a new ledger is written whole, atomically."""
    if step is not None:
        _checkpoint(step)
    if not ledger.exists():
        _atomic_write(ledger, (HEADER + text).encode("utf-8"))
        return
    try:
        with open(ledger, "r+b") as handle:
            end = handle.seek(0, os.SEEK_END)
            handle.seek(max(0, end - 1))
            lead = b"\n" if end and handle.read(1) != b"\n" else b""
            handle.seek(end)
            handle.write(lead + text.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as e:
        msg = f"cannot write {ledger} ({e.strerror}); check that the log's directory is writable and has space"
        raise WriteError(msg) from e


def seal(path: str | os.PathLike[str] | None, *, settings: bool = False) -> Sealed:
    """Add every event not yet in the ledger to it, in log order, after review.

    Seals the log's settings too when the ledger has none yet; with `settings`, reseals
    them when they changed (a deliberate change of time zone, format or horizon).
    Refuses if a sealed event was edited, deleted, moved or reordered, or if a file
    holding a new event has a name the ledger cannot hold.
    """
    root = _writable(path)
    with locked(root):
        log = load_log(root)
        seals, recovered = _recover(root, log, _ledger(log, root))
        _clean_temporaries(root)
        changed = [p for p in verify(log, seals) if p.code is ProblemCode.SETTINGS_CHANGED]
        _refuse_unless_verified(log, seals, recovered,
                                lambda p: p.code is not ProblemCode.NOT_SEALED and not (settings and p in changed))
        new = unsealed(log, seals)
        unfit = [(e, log.paths[e.id], why) for e in new if (why := unfit_name(log.paths[e.id])) is not None]
        if unfit:
            raise LogInvalid([Problem(*log.where[e.id], e.id, f"cannot seal {file!r}: {why}",
                                      "rename the file without spaces or special characters, then seal")
                              for e, file, why in unfit])
        line = _settings_line(log, sealed_settings(seals) is not None, changed=bool(changed))
        if new or line is not None:
            seals = _append_ledger(root, seals, [(e, log.paths[e.id]) for e in new], line)
        return Sealed(tuple(e.id for e in new), line is not None, head(seals), recovered)


def verify_log(path: str | os.PathLike[str] | None, *, head_prefix: str | None = None) -> Verified:
    """Check the log against its ledger, reading one consistent state (under the shared
    lock, so never half-way through a `record`); with `head_prefix`, also that the chain
    reaches that head. Raises `LogInvalid` naming every difference."""
    root = Path(path) if path is not None else default_log_path()
    if head_prefix is not None and not re.fullmatch(r"[0-9a-fA-F]{8,64}", head_prefix):
        msg = f"--head takes 8 to 64 hex digits of a chain head (as record, seal and verify print), not {head_prefix!r}"
        raise StatustrackError(msg)
    reading = contextlib.nullcontext() if _is_shipped(root) else locked(root, shared=True)
    with reading:
        log = load_log(path)
        seals = _ledger(log, root, writing=False)
        problems = verify(log, seals)
        journal = _journal(root)
        interrupted = {i for i, _ in journal[1]} if journal else set()
        problems = [attrs.evolve(p, hint="an interrupted record wrote it: the next record or seal seals it")
                    if p.code is ProblemCode.NOT_SEALED and p.event in interrupted else p for p in problems]
        if head_prefix is not None and not reaches(seals, head_prefix.lower()):
            problems.append(Problem(log.file(LEDGER), None, None,
                                    f"the chain does not reach head {head_prefix}: the log was rewritten or its "
                                    "ledger truncated or replaced since that head was taken",
                                    "restore the log and its ledger from a copy you trust"))
        if problems:
            raise LogInvalid(problems)
        return Verified(len([s for s in seals if s.id in log.paths]), head(seals), sealed_settings(seals) is not None)

