"""The value a loaded log is: its settings, registry and events. Loading is in `log`."""

from __future__ import annotations

import functools
from array import array
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from statustrack.core.dates import Interval
from statustrack.core.registry import Registry
from statustrack.core.where import ENV_VAR, default_log_path

if TYPE_CHECKING:
    from statustrack.core.events import Event

__all__ = ["ENV_VAR", "Log", "Origins", "default_log_path"]


@attrs.frozen(eq=False)
class Log:
    """A loaded, valid log: its settings, registry and events in log order.

    `shown` is the log as the user named it (how problems and output print it; "events"
    for the shipped log), `directory` the directory it was loaded from (None: a log built
    in memory). `horizon` is the span the log covers (None: unbounded); `polity` the id of
    the actor the log is about (what a recognition recognizes), if the log names one.

    A log is a value compared by identity (comparing a million events is never meant);
    what is worked out from it is kept by the layer that works it out (`core.replay.Replay`).
    """

    name: str
    timezone: str
    format: int
    shown: str
    registry: Registry
    events: tuple[Event, ...]
    where: Mapping[str, tuple[str, int | None]] = attrs.field(repr=False)
    paths: Mapping[str, str] = attrs.field(factory=dict, repr=False)
    horizon: Interval | None = None
    polity: str | None = None
    settings_file: str = attrs.field(default="log.toml", repr=False)  # the file holding [log], as the ledger names it
    directory: Path | None = None

    @functools.cached_property
    def _by_id(self) -> dict[str, Event]:
        return {e.id: e for e in self.events}

    def event(self, ident: str) -> Event:
        """The event with id `ident`."""
        try:
            return self._by_id[ident]
        except KeyError:
            raise KeyError(ident) from None

    def file(self, name: str) -> str:
        """The file `name` of the log (relative to it) as problems name it."""
        return f"{self.shown.rstrip('/')}/{name}"


class Origins:
    """Where each event of a log stands: its file, as problems name it and as a path in the
    log, and its line (None: unknown). `where` and `paths` read it as mappings by event id.

    One table for the whole log rather than a tuple and a dict entry per event: at a
    million events that is some hundred MiB less.
    """

    def __init__(self) -> None:
        self._position: dict[str, int] = {}
        self._files: list[tuple[str, str]] = []  # (name, path in the log)
        self._file = array("I")
        self._line = array("Q")  # line + 1; 0 for None

    def file(self, name: str, path: str) -> int:
        """The number of the file named `name` (`path` in the log), for `add`."""
        self._files.append((name, path))
        return len(self._files) - 1

    def add(self, ident: str, file: int, line: int | None) -> None:
        """Record that event `ident` stands in file number `file` at `line`."""
        self._position[ident] = len(self._file)
        self._file.append(file)
        self._line.append(0 if line is None else line + 1)

    @property
    def where(self) -> Mapping[str, tuple[str, int | None]]:
        """Event id -> (file as problems name it, line)."""
        return _Where(self)

    @property
    def paths(self) -> Mapping[str, str]:
        """Event id -> its file's path relative to the log."""
        return _Paths(self)


class _View(Mapping[str, Any]):
    """A read-only mapping by event id over an `Origins` table."""

    def __init__(self, origins: Origins) -> None:
        self._o = origins

    def __contains__(self, ident: object) -> bool:
        return ident in self._o._position

    def __iter__(self) -> Iterator[str]:
        return iter(self._o._position)

    def __len__(self) -> int:
        return len(self._o._position)


class _Where(_View):
    def __getitem__(self, ident: str) -> tuple[str, int | None]:
        o = self._o
        position = o._position[ident]
        line = o._line[position]
        return o._files[o._file[position]][0], (line - 1 if line else None)


class _Paths(_View):
    def __getitem__(self, ident: str) -> str:
        o = self._o
        return o._files[o._file[o._position[ident]]][1]
