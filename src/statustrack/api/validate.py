"""`validate`: check a log whole, every file, event and reference."""

from __future__ import annotations

import os

from statustrack.core.model import Log
from statustrack.log.load import load_log

__all__ = ["validate"]


def validate(path: str | os.PathLike[str] | None = None) -> Log:
    """Check the log at `path` (default: `$STATUSTRACK_LOG`, else the shipped log): every
    file, every event, every reference. Returns the log when it is valid; raises
    `LogInvalid` listing every problem (file, line, event id, what to do) when not.

        >>> from statustrack import validate
        >>> log = validate()
    """
    return load_log(path)
