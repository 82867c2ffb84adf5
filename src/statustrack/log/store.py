"""The file work of writing to a log: what `api.write`'s verbs stand on.

The shipped log is refused (`writable_root`); a target file is named as the ledger names
it (`target_name`); files are replaced atomically (write a temporary file, fsync, rename,
fsync the directory: `atomic_write`), so a reader or a crash sees a file wholly before or
wholly after a write; what an interrupted write left is cleaned up under the lock
(`clean_temporaries`), a torn ledger append cut off (`read_seals`), and the journal
(`.statustrack.pending`, `write_events`) lets the next write finish an interrupted
`record` (`recover`). The ledger's seals are appended whole (`append_seals`) or, through
the fact index, in place (`append_text`).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shlex
import sys
from collections.abc import Sequence
from importlib import resources
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from statustrack.core.events import Event
from statustrack.core.model import ENV_VAR, Log
from statustrack.errors import LogInvalid, StatustrackError
from statustrack.log.ledger import HEADER, LEDGER, Seal, digest, read_ledger, seal_lines, sealed_settings, unfit_name
from statustrack.log.parse import MAX_DEPTH
from statustrack.log.write import to_jsonl

__all__ = [
    "DEFAULT_TARGET",
    "PENDING",
    "ReadOnlyLog",
    "WriteError",
    "append_seals",
    "append_text",
    "atomic_write",
    "checkpoint",
    "clean_temporaries",
    "finish",
    "fsync_directory",
    "is_shipped",
    "read_journal",
    "read_seals",
    "recover",
    "settings_line",
    "shipped_log",
    "target_name",
    "target_text",
    "writable_root",
    "write_events",
]

DEFAULT_TARGET = "recorded.jsonl"


PENDING = ".statustrack.pending"


# The temporaries of our own atomic writes (`.NAME.PID.tmp`): of a .jsonl file, the ledger or
# the journal; nothing else (the fact index builds its own temporaries, outside our lock).
_TEMPORARY = re.compile(rf"\.(.+\.jsonl|{re.escape(LEDGER)}|{re.escape(PENDING)})\.[0-9]+\.tmp")


class ReadOnlyLog(StatustrackError):
    """A write aimed at a log statustrack must not change: the shipped log of the installed package."""


class WriteError(StatustrackError):
    """A write failed for a reason outside the log's content: a target that cannot be one,
    a missing or read-only directory, a full disk."""


def checkpoint(step: str) -> None:
    """`record` reached `step`: "before" (the events' temporary file is written, nothing
    renamed), "between" (the events file renamed; the ledger's temporary written, or, on
    the indexed path, the ledger not yet appended to) or "after" (the ledger renamed or
    appended to, the journal not yet removed). Does nothing; the crash tests replace it
    to kill a writer at exactly that point."""


def shipped_log() -> Path:
    """The directory of the example log shipped inside the package."""
    return Path(str(resources.files("statustrack") / "data" / "events"))


def is_shipped(root: Path) -> bool:
    """True when `root` is the shipped log itself (False when either cannot be examined)."""
    try:
        return root.exists() and os.path.samefile(root, shipped_log())
    except OSError:
        return False


def _refuse_shipped(where: Path) -> ReadOnlyLog:
    msg = (
        f"refusing to write to the shipped log inside the installed package ({where}): make your own "
        f"copy with `cp -r {shlex.quote(str(where))} my-log`, then pass --log my-log (or set ${ENV_VAR})"
    )
    return ReadOnlyLog(msg)


def writable_root(path: str | os.PathLike[str] | None) -> Path:
    """The root of a log statustrack may write to, or a clear refusal."""
    env = os.environ.get(ENV_VAR)
    if path is None and not env:
        raise _refuse_shipped(shipped_log())
    if path is not None and not os.fspath(path):
        msg = "the log path is empty: name a log directory"
        raise WriteError(msg)
    root = Path(path) if path is not None else Path(env or "")
    shipped = shipped_log()
    if not shipped.is_symlink() and is_shipped(root):  # an installed package, not a checkout's events/
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
        return WriteError(
            f"cannot record into {target!r}: {why}; name a .jsonl file inside the log, "
            f"such as {DEFAULT_TARGET} or sub/{DEFAULT_TARGET}"
        )

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


def fsync_directory(directory: Path) -> None:
    """Sync `directory` so the renames and removals in it are durable (a no-op on Windows)."""
    if sys.platform == "win32":  # directories cannot be opened (nor need syncing) there
        return
    handle = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def atomic_write(path: Path, data: bytes, step: str | None = None) -> None:
    """Replace `path` with `data` atomically (temporary file, fsync, rename, fsync the directory),
    calling `checkpoint(step)` just before the rename when `step` is given."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(temporary, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if step is not None:
            checkpoint(step)
        os.replace(temporary, path)
        fsync_directory(path.parent)
    except OSError as e:
        with contextlib.suppress(OSError):
            temporary.unlink()
        msg = f"cannot write {path} ({e.strerror}); check that the log's directory is writable and has space"
        raise WriteError(msg) from e


def clean_temporaries(root: Path) -> None:
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


def read_seals(log: Log, root: Path, *, writing: bool = True) -> list[Seal]:
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


def append_seals(
    root: Path,
    seals: Sequence[Seal],
    events: Sequence[tuple[Event, str]],
    settings: tuple[Log, str] | None = None,
    step: str | None = None,
) -> list[Seal]:
    """Append seals for `events` (and the settings) to the ledger; returns the new seals."""
    ledger = root / LEDGER
    text = ledger.read_bytes().decode("utf-8") if ledger.exists() else HEADER
    if text and not text.endswith("\n"):
        text += "\n"
    atomic_write(ledger, (text + seal_lines(seals, events, settings=settings)).encode("utf-8"), step)
    return _ledger_after(root, seals)


def _ledger_after(root: Path, seals: Sequence[Seal]) -> list[Seal]:
    after, problems = read_ledger(root, str(root))
    if problems:  # cannot happen: it was read whole before, and appended to under the lock
        raise LogInvalid(problems)
    return after


def settings_line(log: Log, sealed: bool, *, changed: bool = False) -> tuple[Log, str] | None:
    """The settings to seal with a write: those of `log` when the ledger has none yet (not
    `sealed`), or when they `changed` and the caller reseals them deliberately."""
    if sealed and not changed:
        return None
    if (why := unfit_name(log.settings_file)) is not None:
        msg = f"cannot seal the settings in {log.settings_file!r}: {why}; rename the file"
        raise WriteError(msg)
    return log, log.settings_file


def read_journal(root: Path) -> tuple[str, list[tuple[str, str]]] | None:
    """The journal an interrupted `record` left: its target file and (event id, digest) pairs; None if none."""
    path = root / PENDING
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_bytes().decode("utf-8"))
        target, entries = data["target"], [(str(i), str(d)) for i, d in data["events"]]
        if not isinstance(target, str):
            raise TypeError(target)
    except (OSError, ValueError, KeyError, TypeError) as e:
        msg = (
            f"{path} is not a journal statustrack wrote ({type(e).__name__}); once 'statustrack verify' "
            "names only events you mean to keep, delete it and run 'statustrack seal'"
        )
        raise StatustrackError(msg) from e
    return target, entries


def recover(root: Path, log: Log, seals: list[Seal]) -> tuple[list[Seal], tuple[str, ...]]:
    """Finish what an interrupted `record` began: seal the events its journal names that
    reached the log unchanged and unsealed, then drop the journal. Nothing else is sealed."""
    journal = read_journal(root)
    if journal is None:
        return seals, ()
    target, entries = journal
    sealed = {s.id for s in seals}
    by_id = {e.id: e for e in log.events}
    finish = [
        by_id[i]
        for i, d in entries
        if i not in sealed and i in by_id and log.paths.get(i) == target and digest(by_id[i]) == d
    ]
    if finish:
        settings = settings_line(log, sealed_settings(seals) is not None)
        seals = append_seals(root, seals, [(e, target) for e in finish], settings)
    try:
        (root / PENDING).unlink()
        fsync_directory(root)
    except OSError as e:
        msg = f"cannot remove {root / PENDING} ({e.strerror}); check that the log's directory is writable"
        raise WriteError(msg) from e
    return seals, tuple(e.id for e in finish)


def target_text(root: Path, target: str) -> tuple[Path, str]:
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


def write_events(
    root: Path, target: str, file: Path, before: str, fresh: Sequence[Event], ledger: int | None = None
) -> None:
    """Write the journal, then the target with `fresh` appended (the ledger comes next).
    `ledger` is the ledger's size when it is to be appended in place (see `append_text`)."""
    journal: dict[str, Any] = {"target": target, "events": [[e.id, digest(e)] for e in fresh]}
    if ledger is not None:
        journal["ledger"] = ledger
    atomic_write(root / PENDING, json.dumps(journal).encode("utf-8"))
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        msg = f"cannot create the folder {file.parent} ({e.strerror})"
        raise WriteError(msg) from e
    atomic_write(file, (before + to_jsonl(fresh)).encode("utf-8"), "before")


def finish(root: Path) -> None:
    """Drop the journal once the write it describes is complete (after the "after" checkpoint)."""
    checkpoint("after")
    (root / PENDING).unlink()


def append_text(ledger: Path, text: str, step: str | None = None) -> None:
    """Append `text` (whole ledger lines) to the ledger in place, in one write, and sync it:
    O(the new lines), not O(the ledger). The journal written before holds the ledger's size,
    so an append a kill leaves torn is cut off and redone by the next write (`read_seals`);
    a new ledger is written whole, atomically."""
    if step is not None:
        checkpoint(step)
    if not ledger.exists():
        atomic_write(ledger, (HEADER + text).encode("utf-8"))
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
