"""Where an index lives and what it is keyed by: the log's files (path, size, modification
time), the schema and a digest of the code that built it. An index whose key does not match
the log on disk is rebuilt, never trusted."""

from __future__ import annotations

import hashlib
import os
from importlib import resources
from pathlib import Path
from typing import Any

from statustrack.core.model import ENV_VAR, default_log_path
from statustrack.log.files import log_files

__all__ = ["INDEX_NAME", "SCHEMA", "code_version", "current_key", "index_path", "log_root", "manifest"]

INDEX_NAME = ".statustrack-index.sqlite"
SCHEMA = 2


def code_version() -> str:
    """A digest of the package's own source, every module in every sub-package: an index
    built by other code is not trusted."""
    digest = hashlib.sha256(f"schema {SCHEMA}".encode())
    package = Path(str(resources.files("statustrack")))
    for path in sorted(package.rglob("*.py")):
        if "data" in path.relative_to(package).parts:
            continue
        digest.update(path.relative_to(package).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _log_files(root: Path) -> list[tuple[str, os.stat_result]]:
    # The loader's own walk, so the index is keyed by exactly the files the loader reads, and
    # an unreadable folder, folders nested too deep or a directory without log.toml are the
    # same one-line refusal (exit 2) here as there; symlinked folders are not followed.
    return [(path.relative_to(root).as_posix(), path.stat()) for path in log_files(root)]


def manifest(root: Path) -> list[list[Any]]:
    """The log's files as `[path, size, mtime_ns]`, sorted: what the index is keyed by."""
    return [[rel, st.st_size, st.st_mtime_ns] for rel, st in _log_files(root)]


def index_path(root: Path, shipped: bool) -> Path:
    """Where the index of the log at `root` lives: beside it if it is writable and not the
    shipped log, else in the user's cache directory (one file per log directory)."""
    if not shipped and os.access(root, os.W_OK):
        return root / INDEX_NAME
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "statustrack"
    tag = hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:16]
    return cache / f"index-{tag}.sqlite"


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
