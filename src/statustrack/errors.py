"""The library's errors: every failure the tool reports cleanly is one of these."""

from __future__ import annotations

import re

import attrs

_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def printable(text: str) -> str:
    """`text` with control characters and line separators escaped, so it prints on one line."""
    return _UNPRINTABLE.sub(lambda m: repr(m[0])[1:-1], text)

__all__ = ["DateError", "LogInvalid", "Problem", "QueryError", "StatustrackError", "printable"]


class StatustrackError(Exception):
    """Base of every error statustrack raises on purpose; the CLI prints it as one line."""


class DateError(StatustrackError, ValueError):
    """A text is not one of the accepted EDTF forms, or names a day that does not exist."""


class QueryError(StatustrackError, ValueError):
    """A query asks for something the log cannot answer (unknown aspect or subject, bad date)."""


@attrs.frozen
class Problem:
    """One thing wrong with a log: where it is, what is wrong, and what to do about it."""

    file: str
    line: int | None
    event: str | None
    message: str
    hint: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        who = f" event {self.event}:" if self.event else ""
        return printable(f"{where}:{who} {self.message}; {self.hint}")


class LogInvalid(StatustrackError):
    """A log failed to load or validate; `problems` lists every problem found in one pass."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))
