"""The value a loaded log is: its settings, registry and events. Loading is in `log`."""

from __future__ import annotations

import os
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from .dates import Interval
from .registry import Registry

if TYPE_CHECKING:
    from .events import Event

__all__ = ["ENV_VAR", "Log", "default_log_path"]

ENV_VAR = "STATUSTRACK_LOG"


@attrs.frozen
class Log:
    """A loaded, valid log: its settings, registry and events in log order.

    `horizon` is the span the log covers (None: unbounded); `polity` the id of the
    actor the log is about (what a recognition recognizes), if the log names one.
    """

    name: str
    timezone: str
    format: int
    root: str
    registry: Registry
    events: tuple[Event, ...]
    where: Mapping[str, tuple[str, int | None]] = attrs.field(repr=False)
    paths: Mapping[str, str] = attrs.field(factory=dict, repr=False)
    cache: dict[Any, Any] = attrs.field(factory=dict, eq=False, repr=False)
    horizon: Interval | None = None
    polity: str | None = None
    settings_file: str = attrs.field(default="log.toml", repr=False)  # the file holding [log], as the ledger names it

    def event(self, ident: str) -> Event:
        """The event with id `ident`."""
        if "by_id" not in self.cache:
            self.cache["by_id"] = {e.id: e for e in self.events}
        try:
            return self.cache["by_id"][ident]
        except KeyError:
            raise KeyError(ident) from None


def default_log_path() -> Path:
    """The log to read when none is named: $STATUSTRACK_LOG, else the shipped log."""
    if env := os.environ.get(ENV_VAR):
        return Path(env)
    return Path(str(resources.files("statustrack") / "data" / "events"))
