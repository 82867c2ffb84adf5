"""The index's trust boundary, as git's `safe.directory` is a repository's: an index is
read only if this user wrote it, and it is written only where no one else can write.

The index is a cache of answers: whoever can write it decides what `at` prints. So a file
is read only if it is a regular file (not a symbolic link: `lstat`, and `O_NOFOLLOW` when
opened), not writable by group or others, and owned by the current user or kept in a
directory only the user can write; and an index is written only into a directory the
user owns that group and others cannot write. Past the boundary, the file's SQLite header
says whether the last program to commit to it was statustrack (`header`): SQLite counts
every commit in bytes 24-27, and statustrack records in the index the count its own commit
gives (`stamp`), so any write by another program (`sqlite3` opened read-write, a hand
`UPDATE`, `DROP TABLE`) makes the index stale. Reading the header is one `read` of 100
bytes; nothing here hashes the index.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path
from typing import NamedTuple

__all__ = ["Header", "Refused", "UnsafePlace", "dir_refusal", "drop_journal", "file_refusal", "header", "me", "stamp"]

_MAGIC = b"SQLite format 3\x00"


def _who(uid: int) -> str:
    try:
        import pwd

        return f"{pwd.getpwuid(uid).pw_name} (uid {uid})"
    except (ImportError, KeyError):
        return f"uid {uid}"


class UnsafePlace(OSError):
    """The index was not written: its folder is one others can write, or another user's."""


def me() -> int | None:
    """The current user's id (None where the system has none: then no file is refused for
    its owner, only for being a link or writable by others)."""
    return os.geteuid() if hasattr(os, "geteuid") else None


def dir_refusal(directory: Path, *, root_too: bool = False) -> str | None:
    """Why an index may not be written into `directory` (None: it may): it must be a
    directory the current user owns that group and others cannot write. With `root_too`,
    one root owns may be read from (root can change anything anyway)."""
    try:
        st = os.stat(directory)
    except OSError as e:
        return f"cannot read {directory} ({e.strerror})"
    if not stat.S_ISDIR(st.st_mode):
        return f"{directory} is not a directory"
    if me() is not None and st.st_uid != me() and not (root_too and st.st_uid == 0):
        return f"{directory} belongs to {_who(st.st_uid)}, not you"
    if st.st_mode & 0o022:
        return f"others can write {directory} (mode {stat.S_IMODE(st.st_mode):o})"
    return None


def _file_refusal(st: os.stat_result, directory: Path) -> str | None:
    if stat.S_ISLNK(st.st_mode):
        return "it is a symbolic link"
    if not stat.S_ISREG(st.st_mode):
        return "it is not a regular file"
    if st.st_mode & 0o022:
        return f"group or others can write it (mode {stat.S_IMODE(st.st_mode):o})"
    if me() is not None and st.st_uid not in (me(), 0) and dir_refusal(directory) is not None:
        return f"it belongs to {_who(st.st_uid)}, not you"
    return None


def file_refusal(path: Path) -> str | None:
    """Why the index file at `path` may not be read (None: it may; a missing file is None
    too, and the caller finds it missing): a symbolic link, not a regular file, writable
    by group or others, or another user's (not root's) outside a directory only this user
    can write."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return None
    except OSError as e:
        return f"cannot read it ({e.strerror})"
    return _file_refusal(st, path.parent)


class Header(NamedTuple):
    """What an index file's SQLite header says: the commit count (bytes 24-27), and the
    file's identity as opened (device, inode) so a swap after the check is noticed."""

    counter: int
    device: int
    inode: int


class Refused(NamedTuple):
    """Why an index file is not read: `why`, and whether it is the trust rule that refuses
    it (`untrusted`: a link, another user's, writable by others) or its content (not an
    SQLite database statustrack wrote, unreadable)."""

    why: str
    untrusted: bool


def header(path: Path) -> Header | Refused:
    """The SQLite header of the index at `path`, read through a descriptor opened without
    following links and checked again (`fstat`) against the trust rules; or why it is
    refused. A file in WAL mode, or whose header another SQLite left stale
    (bytes 92-95 differ from the counter), is refused: statustrack writes neither."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        return Refused("it is missing", untrusted=False)
    except OSError as e:
        if os.path.islink(path):
            return Refused("it is a symbolic link", untrusted=True)
        return Refused(f"cannot open it ({e.strerror})", untrusted=False)
    try:
        st = os.fstat(fd)
        why = _file_refusal(st, path.parent)
        if why is not None:
            return Refused(why, untrusted=True)
        data = os.read(fd, 100)
    except OSError as e:
        return Refused(f"cannot read it ({e.strerror})", untrusted=False)
    finally:
        os.close(fd)
    if len(data) < 100 or not data.startswith(_MAGIC):
        return Refused("it is not an SQLite database", untrusted=False)
    if data[18] != 1 or data[19] != 1:
        return Refused("it is in WAL mode, which statustrack never writes", untrusted=False)
    counter = int.from_bytes(data[24:28], "big")
    if int.from_bytes(data[92:96], "big") != counter:
        return Refused("its header was left stale by another program", untrusted=False)
    return Header(counter, st.st_dev, st.st_ino)


def stamp(path: Path) -> dict[str, int]:
    """The meta key an index records in the write transaction it is about to commit:
    `written`, the commit count its header will show after that commit. Call inside the
    transaction, before it writes anything (the header then still shows the last commit)."""
    found = header(path)
    if isinstance(found, Refused):
        raise OSError(f"the index {path} cannot be stamped: {found.why}")
    return {"written": found.counter + 1}


def drop_journal(path: Path) -> None:
    """Remove a rollback journal or write-ahead log left beside the index at `path`, once a
    new index has been renamed over it: a journal of the file it replaced would otherwise
    be "rolled back" into the new one by the next program that opens it read-write."""
    for suffix in ("-journal", "-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(f"{path}{suffix}")
