"""statustrack: a temporal, event-sourced tracker of a region's political status.

Load a log, then ask what held on a date and according to whom::

    >>> from statustrack import load_log, at
    >>> answer = at(load_log(), "2020-11-10")

Explore the record as the CLI does, by the same names: `history` (every value a subject
held), `show` (an event as recorded), `why` (one fact on a date, explained), `subjects`
(what can be asked about) and `export` (the whole history, one row per value run).
"""

from .dates import Interval, parse_edtf, parse_when
from .explore import history, show, subjects, why
from .exporting import export
from .errors import DateError, LogInvalid, Problem, QueryError, StatustrackError
from .events import FORMAT_VERSION, KINDS, Event, SourceRef
from .facts import ASPECTS, Fact
from .log import Log, default_log_path, load_log
from .query import Answer, Change, Diff, at, counted_events, diff
from .state import State, replay, timeline

__version__ = "0.1.0"

__all__ = [
    "ASPECTS", "FORMAT_VERSION", "KINDS", "Answer", "Change", "DateError", "Diff", "Event", "Fact",
    "Interval", "Log", "LogInvalid", "Problem", "QueryError", "SourceRef", "State", "StatustrackError",
    "at", "counted_events", "default_log_path", "diff", "export", "history", "load_log", "parse_edtf",
    "parse_when", "replay", "show", "subjects", "timeline", "why",
]
