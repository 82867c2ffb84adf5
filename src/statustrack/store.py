"""Writing to a log safely: record new events, seal them, all or nothing.

Every write happens under an exclusive lock on `<log>/.statustrack.lock`, after the
whole log, with the new events in place, has passed validation. Files are replaced
atomically (write a temporary file, fsync, rename, fsync the directory), so a reader
or a crash sees a file wholly before or wholly after a write, never half of one.
Events are written before the ledger: a crash between the two leaves events that are
present but unsealed, which `verify` reports and `seal` mends.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import attrs
import pendulum

from .dates import parse_edtf
from .errors import LogInvalid, Problem, StatustrackError
from .ledger import HEADER, LEDGER, read_ledger, seal_lines, unsealed, verify
from .log import Log, build_events, default_log_path, load_log
from .parse import Raw
from .writer import event_record, to_jsonl

__all__ = ["Conflict", "DEFAULT_TARGET", "Recorded", "record", "seal"]

DEFAULT_TARGET = "recorded.jsonl"
LOCK = ".statustrack.lock"


class Conflict(StatustrackError):
    """The log moved on since the caller read it (`--expect-last` did not match)."""


@attrs.frozen
class Recorded:
    """What a `record` call did: ids appended, ids already recorded identically, and the
    `recorded` stamp the appended events carry (None when nothing was appended)."""

    appended: tuple[str, ...]
    unchanged: tuple[str, ...]
    target: str
    stamp: str | None = None


@contextmanager
def _locked(root: Path) -> Iterator[None]:
    with open(root / LOCK, "a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _atomic_write(path: Path, data: bytes) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(temporary, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def _stamp(now: pendulum.DateTime | None) -> str:
    moment = (now or pendulum.now("UTC")).in_tz("UTC")
    return moment.format("YYYY-MM-DDTHH:mm:ss.SSSSSS") + "Z"


def _checked_ledger(log: Log, root: Path) -> list:  # list[Seal]
    seals, problems = read_ledger(root, log.root)
    problems += verify(log, seals)
    if problems:
        raise LogInvalid(problems)
    return seals


def _without_stamp(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if k != "recorded"}


def record(path: str | os.PathLike[str] | None, raws: Sequence[Raw], *, target: str = DEFAULT_TARGET,
           expect_last: str | None = None, now: pendulum.DateTime | None = None) -> Recorded:
    """Append the events `raws` to `target` (a file of the log, JSON Lines) and seal them.

    Refuses, changing nothing, when the log does not verify, when `expect_last` is not
    the last sealed event, or when the log with the new events would not validate.
    An event identical to one already recorded (apart from its stamp) is skipped; a
    different event reusing an id is refused. Each new event is stamped `recorded`.
    """
    root = Path(path) if path is not None else default_log_path()
    if not target.endswith(".jsonl") or Path(target).is_absolute() or ".." in Path(target).parts:
        msg = f"cannot record into {target!r}: name a .jsonl file inside the log"
        raise StatustrackError(msg)
    with _locked(root):
        log = load_log(path)
        seals = _checked_ledger(log, root)
        last = seals[-1].id if seals else None
        if expect_last is not None and expect_last != last:
            msg = f"the log has moved on: its last recorded event is {last!r}, not {expect_last!r}; read it again"
            raise Conflict(msg)
        stamped = [r for r in raws if "recorded" in r.fields]
        if stamped:
            raise LogInvalid([Problem(r.file, r.line_of("recorded"), r.fields.get("id"),
                                      "'recorded' is stamped by statustrack record",
                                      "leave the field out") for r in stamped])
        events, problems = build_events(list(raws), log)
        if problems:
            raise LogInvalid(problems)
        known = {e.id: e for e in log.events}
        stamp = parse_edtf(_stamp(now), log.timezone)
        fresh, unchanged, refused = [], [], []
        for event, raw in zip(events, raws, strict=True):
            old = known.get(event.id)
            if old is None:
                fresh.append(attrs.evolve(event, recorded=stamp))
            elif _without_stamp(event_record(old)) == _without_stamp(event_record(event)):
                unchanged.append(event.id)
            else:
                refused.append(Problem(raw.file, raw.line, event.id,
                                       f"id is already recorded with other content ({log.where[event.id][0]})",
                                       "choose a new id; to change the old event, record one that replaces it"))
        if refused:
            raise LogInvalid(refused)
        if not fresh:
            return Recorded((), tuple(unchanged), target)
        file = root / target
        before = file.read_text(encoding="utf-8") if file.exists() else ""
        if before and not before.endswith("\n"):
            before += "\n"
        after = before + to_jsonl(fresh)
        load_log(path, overlay={target: after})  # the whole log, new events in place, must validate
        file.parent.mkdir(parents=True, exist_ok=True)
        _atomic_write(file, after.encode("utf-8"))
        _append_ledger(root, seals, [(e, target) for e in fresh])
        return Recorded(tuple(e.id for e in fresh), tuple(unchanged), target, stamp.text)


def _append_ledger(root: Path, seals: Sequence, events: Sequence) -> None:
    ledger = root / LEDGER
    text = ledger.read_text(encoding="utf-8") if ledger.exists() else HEADER
    _atomic_write(ledger, (text + seal_lines(seals, events)).encode("utf-8"))


def seal(path: str | os.PathLike[str] | None) -> list[str]:
    """Add every event not yet in the ledger to it, in log order; returns their ids.

    Refuses if a sealed event was edited, deleted, moved or reordered.
    """
    root = Path(path) if path is not None else default_log_path()
    with _locked(root):
        log = load_log(path)
        seals, problems = read_ledger(root, log.root)
        new = unsealed(log, seals)
        problems += [p for p in verify(log, seals) if p.message != "not sealed yet"]
        if problems:
            raise LogInvalid(problems)
        if new:
            _append_ledger(root, seals, [(e, log.paths[e.id]) for e in new])
        return [e.id for e in new]
