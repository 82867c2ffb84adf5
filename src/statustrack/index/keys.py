"""Where an index lives and what it is keyed by: the log's files (path, device, inode, size,
modification and change time, the target of a symbolic link), the time-zone data its
answers were worked out with, the schema and a digest of the code that built it. An index
whose key does not match the log on disk is rebuilt, never trusted; where it may be read
and written is `index.trust`'s rule."""

from __future__ import annotations

import functools
import importlib.util
import os
import zoneinfo
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from statustrack.core.where import ENV_VAR, default_log_path
from statustrack.index.trust import dir_refusal, me
from statustrack.log.files import log_files

__all__ = [
    "INDEX_NAME",
    "SCHEMA",
    "Place",
    "code_version",
    "current_key",
    "index_path",
    "index_place",
    "log_root",
    "manifest",
    "stale",
    "zone_key",
]

INDEX_NAME = ".statustrack-index.sqlite"
SCHEMA = 3

if TYPE_CHECKING:
    from hashlib import sha256
else:
    try:  # the C module hashlib wraps: the same digest without hashlib's import (about 2 ms)
        from _sha256 import sha256
    except ImportError:  # a Python without it (3.12 names it _sha2)
        try:
            from _sha2 import sha256
        except ImportError:
            from hashlib import sha256


def package_folder() -> Path:
    """The folder of the statustrack package whose modules run (what `code_version` keys)."""
    return Path(__file__).resolve().parent.parent


def _modules(folder: str, relative: str) -> Iterator[tuple[str, os.stat_result]]:
    # Every .py below `folder` but the log data, with its path relative to the package and
    # its status (symbolic links followed, as the import system follows them).
    with os.scandir(folder) as entries:
        for entry in entries:
            name = f"{relative}{entry.name}"
            if entry.is_dir():
                if entry.name != "data" and entry.name != "__pycache__":
                    yield from _modules(entry.path, f"{name}/")
            elif entry.name.endswith(".py"):
                yield name, entry.stat()


def code_version() -> str:
    """A digest of the package's own source, every module in every sub-package, as the file
    system describes each file: its path, size, modification and change times, device and
    inode. An index built by other code is not trusted: any write to a module changes its
    change time (ctime), which no program can set back, so an edit that keeps a file's size
    and restores its modification time is noticed, as a module replaced by a rename (a new
    inode) is. This is the log's own key (`manifest`), and stronger than what decides which
    code Python runs (a cached .pyc is trusted on the source's size and whole-second
    modification time); it reads no module's bytes (a whole `at` pays a few stat calls)."""
    digest = sha256(f"schema {SCHEMA}".encode())
    for name, st in sorted(_modules(str(package_folder()), "")):
        digest.update(f"{name} {st.st_size} {st.st_mtime_ns} {st.st_ctime_ns} {st.st_dev} {st.st_ino}\n".encode())
    return digest.hexdigest()


def _entry(root: Path, path: Path) -> list[Any]:
    # The file as the loader reads it (a symbolic link followed), and where a link points:
    # re-pointing a link changes the key even to a file of the same size and times.
    st = path.stat()
    target = os.path.realpath(path) if path.is_symlink() else None
    return [path.relative_to(root).as_posix(), st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_dev, st.st_ino, target]


def manifest(root: Path) -> list[list[Any]]:
    """The log's files as `[path, size, mtime_ns, ctime_ns, device, inode, link target]`,
    sorted: what the index is keyed by. The change time (ctime) cannot be set back by
    `touch -r` or `cp -p`, so an edit that keeps a file's size and restores its
    modification time is noticed; the link target is None for a file that is no link.

    The loader's own walk, so the index is keyed by exactly the files the loader reads, and
    an unreadable folder, folders nested too deep or a directory without log.toml are the
    same one-line refusal (exit 2) here as there; symlinked folders are not followed."""
    return [_entry(root, path) for path in log_files(root)]


@functools.lru_cache(maxsize=8)
def zone_key(tz: str | None) -> str:
    """A digest of what the answers of a log in time zone `tz` were worked out with beyond
    the log and the code: the zone's data as `zoneinfo` (and so pendulum) reads it (the
    file in `zoneinfo.TZPATH`, else in the `tzdata` package), and the pendulum installed.
    A time-zone database updated after the build makes the index stale."""
    digest = sha256(f"zone {tz}".encode())
    data = b""
    if tz:
        for base in zoneinfo.TZPATH:
            candidate = os.path.join(base, tz)
            if os.path.isfile(candidate):
                with open(candidate, "rb") as handle:
                    data = b"file " + handle.read(1 << 20)
                break
        else:
            try:
                from importlib import resources

                data = b"tzdata " + resources.files("tzdata.zoneinfo").joinpath(*tz.split("/")).read_bytes()
            except (ImportError, OSError, ValueError):
                data = b"none"
    digest.update(data)
    spec = importlib.util.find_spec("pendulum")  # its file, without importing it
    origin = spec.origin if spec is not None and spec.origin else ""
    st = os.stat(origin)
    digest.update(f" pendulum {os.path.dirname(origin)} {st.st_size} {st.st_mtime_ns}".encode())
    return digest.hexdigest()[:32]


def stale(meta: dict[str, Any], root: Path, written: int) -> bool:
    """True unless the index whose meta keys are `meta` and whose SQLite header counts
    `written` commits is current for the log at `root`: statustrack's own commit was the
    last (`written` as recorded), built from the files on disk now, by this code, with
    this time-zone data."""
    if meta.get("written") != written or meta.get("zone") != zone_key(meta.get("timezone")):
        return True
    return any(meta.get(k) != v for k, v in current_key(root).items())


class Place(NamedTuple):
    """Where the index of a log is read and written (`path`), and the index files found
    elsewhere that were passed over, each with why (`ignored`: said once on stderr)."""

    path: Path
    ignored: tuple[str, ...] = ()


def _cache_dirs() -> list[Path]:
    """The user's cache folders for indexes, in order of preference: `$XDG_CACHE_HOME`,
    then `~/.cache` (the last resort, `_temporary_dir`, is found only when needed)."""
    dirs = []
    if os.environ.get("XDG_CACHE_HOME"):
        dirs.append(Path(os.environ["XDG_CACHE_HOME"]) / "statustrack")
    try:
        dirs.append(Path.home() / ".cache" / "statustrack")
    except (RuntimeError, KeyError):
        pass
    return list(dict.fromkeys(dirs))


def _temporary_dir() -> Path:
    """The last cache folder for indexes: a private folder of the user's own in the
    temporary directory (tempfile imported only here: it costs a start-up 4 ms)."""
    import tempfile

    if me() is not None:
        return Path(tempfile.gettempdir()) / f"statustrack-{me()}"
    import getpass

    return Path(tempfile.gettempdir()) / f"statustrack-{getpass.getuser()}"


def index_place(root: Path, shipped: bool) -> Place:
    """Where the index of the log at `root` lives: beside it if it is not the shipped log
    and the directory is one the user can write and owns, and no one else can write; else
    in the user's first cache folder that is the user's own and private (created 0700 when
    first written), one file per log directory. Index files found in a place passed over
    (a folder others can write, or another user's) are never read, and said so."""
    ignored = []
    beside = root / INDEX_NAME
    if not shipped:
        where = dir_refusal(root)
        if where is None and os.access(root, os.W_OK):
            return Place(beside)
        if where is not None and os.path.lexists(beside) and dir_refusal(root, root_too=True) is not None:
            ignored.append(f"ignored the index {beside} ({where})")  # root's own folder: not news
    tag = sha256(str(root.resolve()).encode()).hexdigest()[:16]
    for cache in _cache_dirs():
        path = cache / f"index-{tag}.sqlite"
        where = dir_refusal(cache) if os.path.lexists(cache) else None
        if where is None:
            return Place(path, tuple(f"{text}; answering from {path}" for text in ignored))
        if os.path.lexists(path):
            ignored.append(f"ignored the index {path} ({where})")
    path = _temporary_dir() / f"index-{tag}.sqlite"
    return Place(path, tuple(f"{text}; answering from {path}" for text in ignored))


def index_path(root: Path, shipped: bool) -> Path:
    """Where the index of the log at `root` lives (see `index_place`)."""
    return index_place(root, shipped).path


def current_key(root: Path) -> dict[str, Any]:
    """What an index of the log at `root` must have been built from to be current."""
    return {"schema": SCHEMA, "code": code_version(), "root": str(root.resolve()), "files": manifest(root)}


def log_root(path: str | os.PathLike[str] | None) -> tuple[Path, bool]:
    """The directory of the log `path` names (None: $STATUSTRACK_LOG, else the shipped log),
    and whether it is the shipped log (whose index lives in the user's cache)."""
    if path is not None:
        return Path(path), False
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR]), False
    return default_log_path(), True
