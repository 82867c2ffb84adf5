"""Which log a command reads when none is named: `$STATUSTRACK_LOG`, else the shipped log
(standard library only: the index's currency check needs it before anything else)."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["ENV_VAR", "default_log_path"]

ENV_VAR = "STATUSTRACK_LOG"


def default_log_path() -> Path:
    """The log to read when none is named: $STATUSTRACK_LOG, else the shipped log."""
    if env := os.environ.get(ENV_VAR):
        return Path(env)
    return Path(__file__).parent.parent / "data" / "events"  # the package's folder, as importlib.resources finds it
