"""Finding a log's files: one walk, shared by the loader and the fact index.

Kept apart from `parse` (and its TOML reader) so that checking whether the index is
current costs no more than listing the files.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["MAX_DEPTH", "log_files"]

#: How deep folders may nest inside a log.
MAX_DEPTH = 32


def log_files(root: Path) -> list[Path]:
    """Every TOML and JSON Lines file below `root`, in a fixed order (by relative path).

    Refuses, raising `LogInvalid` with one problem, a directory without `log.toml` (before
    walking it: `--log /` is refused at once), a directory or file it cannot read (never
    skipped silently: a missing part changes answers), and folders nested more than
    `MAX_DEPTH` deep. Symbolic links to files are followed; links to directories are not.
    """
    if not (root / "log.toml").is_file():
        from statustrack.errors import LogInvalid, Problem  # only here: the index's key walks the log without attrs

        raise LogInvalid(
            [
                Problem(
                    str(root),
                    None,
                    None,
                    "not a log directory: it has no log.toml",
                    "point --log or $STATUSTRACK_LOG at a directory holding log.toml",
                )
            ]
        )
    found: list[tuple[str, Path]] = []
    pending: list[tuple[Path, str, int]] = [(root, "", 0)]
    while pending:
        directory, rel, depth = pending.pop()
        if depth > MAX_DEPTH:
            from statustrack.errors import LogInvalid, Problem  # only here: the index's key walks the log without attrs

            raise LogInvalid(
                [
                    Problem(
                        str(directory),
                        None,
                        None,
                        f"folders nested more than {MAX_DEPTH} deep inside the log",
                        "flatten the log's folders",
                    )
                ]
            )
        try:
            with os.scandir(directory) as entries:
                for entry in entries:
                    path, name = Path(entry.path), f"{rel}{entry.name}"
                    if entry.is_dir(follow_symlinks=False):
                        pending.append((path, f"{name}/", depth + 1))
                    elif path.suffix in (".toml", ".jsonl") and entry.is_file():
                        found.append((name, path))
        except OSError as e:
            from statustrack.errors import LogInvalid, Problem  # only here: the index's key walks the log without attrs

            raise LogInvalid(
                [
                    Problem(
                        str(directory),
                        None,
                        None,
                        f"cannot read this folder of the log ({e.strerror})",
                        "check its permissions (every part of a log must be readable)",
                    )
                ]
            ) from e
    return [path for _, path in sorted(found)]
