"""One lock per log: writers take it exclusive, `verify` takes it shared.

The lock is `<log>/.statustrack.log.lock`, held with `flock` on POSIX systems (Linux, macOS,
the BSDs) and with `msvcrt.locking` on Windows, where every holder is exclusive (Windows
has no shared byte-range lock in the standard library; readers then simply take turns).
The platform module is imported only when a lock is taken, so reading a log (`at`,
`diff`, `validate`) imports neither and works anywhere Python does.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from statustrack.errors import StatustrackError

__all__ = ["LOCK", "LockError", "locked"]

LOCK = ".statustrack.log.lock"


class LockError(StatustrackError):
    """The log's lock file cannot be opened or locked (a read-only or missing directory)."""


def _open(path: Path, shared: bool) -> int | None:
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o644)
    except OSError as e:
        if shared:  # a reader of a log it may not write: no writer can write there either
            try:
                return os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
            except OSError:
                return None
        msg = (
            f"cannot lock the log {path.parent}: cannot write {path.name} ({e.strerror}); "
            "check that the directory exists and that you may write to it"
        )
        raise LockError(msg) from e


@contextmanager
def locked(root: Path, *, shared: bool = False) -> Iterator[None]:
    """Hold the log's lock for the duration of the `with` block (shared: for readers)."""
    handle = _open(root / LOCK, shared)
    if handle is None:
        yield
        return
    try:
        if sys.platform == "win32":
            with _windows_lock(handle):
                yield
        else:
            import fcntl

            fcntl.flock(handle, fcntl.LOCK_SH if shared else fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
    finally:
        os.close(handle)


@contextmanager
def _windows_lock(handle: int) -> Iterator[None]:
    import msvcrt

    while True:
        try:
            msvcrt.locking(handle, msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
            break
        except OSError:
            time.sleep(0.05)
    try:
        yield
    finally:
        os.lseek(handle, 0, os.SEEK_SET)
        msvcrt.locking(handle, msvcrt.LK_UNLCK, 1)  # type: ignore[attr-defined]
