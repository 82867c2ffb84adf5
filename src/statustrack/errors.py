"""The library's errors: every failure the tool reports cleanly is one of these."""

from __future__ import annotations

import enum
import re

import attrs

__all__ = [
    "MAX_QUOTE",
    "UNSAFE",
    "DateError",
    "LogInvalid",
    "Problem",
    "ProblemCode",
    "QueryError",
    "StatustrackError",
    "clip",
    "printable",
]

#: Characters that make printed text lie about what it is: C0 and C1 controls, DEL, line and
#: paragraph separators, bidi embeddings, overrides, isolates and marks, zero-width and
#: invisible characters, the BOM, and lone surrogates (which cannot even be encoded).
UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ud800-\udfff]"
)

#: The most characters of one text (a message, an id, a file name) a problem quotes.
MAX_QUOTE = 200


def printable(text: str) -> str:
    """`text` with every character of `UNSAFE` escaped (`\\n`, `\\u202e`, `\\ud800`), so it
    prints on one line, as it is, and can always be encoded."""
    return UNSAFE.sub(lambda m: m[0].encode("unicode_escape").decode("ascii"), text)


def clip(text: str, limit: int = MAX_QUOTE) -> str:
    """`text` cut in the middle to about `limit` characters, saying how much was cut."""
    if len(text) <= limit:
        return text
    half = limit // 2
    return f"{text[:half]}…[{len(text) - 2 * half:,} characters cut]…{text[-half:]}"


def _clip_optional(text: str | None) -> str | None:
    return None if text is None else clip(text)


def _clip_message(text: str) -> str:
    return clip(text, 2 * MAX_QUOTE)


class StatustrackError(Exception):
    """Base of every error statustrack raises on purpose; the CLI prints it as one line."""


class DateError(StatustrackError, ValueError):
    """A text is not one of the accepted EDTF forms, or names a day that does not exist."""


class QueryError(StatustrackError, ValueError):
    """A query asks for something the log cannot answer (unknown aspect or subject, bad date)."""


class ProblemCode(enum.Enum):
    """What kind of problem a `Problem` is, for code that must tell kinds apart (its message
    is for people, and code never reads it)."""

    #: The log breaks one of its rules (the kind of most problems).
    INVALID = "invalid"
    #: Two events in different files change one key at one instant: their order is undefined.
    UNDEFINED_ORDER = "undefined-order"
    #: An event the ledger does not hold yet.
    NOT_SEALED = "not-sealed"
    #: The log's settings differ from the ones last sealed.
    SETTINGS_CHANGED = "settings-changed"
    #: A sealed event was deleted, moved, edited or reordered, or one was inserted before it.
    SEAL_BROKEN = "seal-broken"
    #: A position or act dated when its holder did not exist (before its founding, after its cessation).
    HOLDER_NOT_EXISTING = "holder-not-existing"


@attrs.frozen
class Problem:
    """One thing wrong with a log: where it is, what is wrong, and what to do about it.

    Texts are clipped (an id or a file name to `MAX_QUOTE` characters, a message or a hint
    to twice that), so a megabyte of bad input never becomes a megabyte of output.
    `code` says what kind of problem it is; outputs do not show it.
    """

    file: str = attrs.field(converter=clip)
    line: int | None
    event: str | None = attrs.field(converter=_clip_optional)
    message: str = attrs.field(converter=_clip_message)
    hint: str = attrs.field(converter=_clip_message)
    code: ProblemCode = attrs.field(default=ProblemCode.INVALID, kw_only=True)
    #: The field whose value would fix the problem (None: no one field), so that a
    #: front end can say how to give it in its own syntax (a flag, a TOML line).
    fix: str | None = attrs.field(default=None, kw_only=True, eq=False)
    #: The values nearest the one given (did you mean), best first.
    nearest: tuple[str, ...] = attrs.field(default=(), kw_only=True, eq=False)

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        who = f" event {self.event}:" if self.event else ""
        return printable(f"{where}:{who} {self.message}; {self.hint}")


class LogInvalid(StatustrackError):
    """A log failed to load or validate; `problems` lists every problem found in one pass."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))
