"""The sealed ledger: a hash chain of every recorded event, to catch edits to the past.

`ledger.sha256` in the log's root holds one line per sealed event, in the order they
were sealed: `<id> <file> <event digest> <chain>`. An event's digest is the SHA-256 of
its written record (writer.event_record) as canonical JSON, so reformatting a file or
editing a comment is not an edit, but changing any field is. Each chain value is the
SHA-256 of the previous chain value and the line's id, file and digest, so editing the
ledger itself breaks the chain from that line on.

`verify` names every sealed event that was edited, deleted, moved to another file or
reordered within its file, and every event not yet sealed. New events go at the end of
a file or in a new file; `seal` then adds them to the ledger.

Ledger v2 extends v1 without changing a v1 line: a line whose id is `@settings` seals
the settings that change answers (time zone, format version, horizon), its digest the
SHA-256 of their canonical JSON, chained like any other line. A comment line before it
(`# settings: {...}`) shows them; it is trusted only when it hashes to that digest. The
newest `@settings` line is the one that counts; a v1 ledger has none until the next
`record` or `seal` adds one.

What the chain proves, and what it does not: it catches any edit, deletion, move or
reordering of a sealed event, and any edit of a ledger line, *unless the ledger is
recomputed too*: anyone can rewrite events and reseal, or truncate the ledger. Against
that, keep the chain head (printed by `record`, `seal` and `verify`) somewhere the
writer of the log cannot change (a git commit, a published note) and check it with
`statustrack verify --head HASH`.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import attrs

from statustrack.core.events import Event
from statustrack.errors import UNSAFE, Problem, ProblemCode
from statustrack.log.load import Log
from statustrack.log.write import event_record

__all__ = [
    "LEDGER",
    "SETTINGS",
    "LedgerState",
    "Seal",
    "chain_lines",
    "digest",
    "head",
    "ledger_state",
    "ledger_state_of",
    "ledger_unchanged",
    "reaches",
    "read_ledger",
    "seal_lines",
    "sealed_settings",
    "settings_record",
    "unfit_name",
    "unsealed",
    "verify",
]

LEDGER = "ledger.sha256"
HEADER = (
    "# statustrack ledger v2: <event id> <file> <sha256 of the event> <sha256 chain>; "
    "'@settings' lines seal the log's settings\n"
)
V2 = "# statustrack ledger v2: '@settings' lines seal the log's settings (time zone, format, horizon)\n"
GENESIS = "0" * 64
SETTINGS = "@settings"
_SHOWN = "# settings: "
_NAME_UNFIT = re.compile(r"\s|\\")


@attrs.frozen
class Seal:
    """One ledger line: a sealed event, where it was, and its hash."""

    line: int
    id: str
    file: str
    digest: str
    chain: str
    shown: dict[str, Any] | None = attrs.field(default=None, eq=False)  # sealed settings, when known


def digest(event: Event) -> str:
    """The SHA-256 of an event's canonical record."""
    canonical = json.dumps(event_record(event), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _chain(previous: str, ident: str, file: str, event_digest: str) -> str:
    return hashlib.sha256(f"{previous} {ident} {file} {event_digest}".encode()).hexdigest()


def unfit_name(rel: str) -> str | None:
    """Why the log-relative file name `rel` cannot stand in a ledger line, or None.

    The ledger separates its fields with spaces and its lines with line breaks, so a name
    with whitespace, a line break or any control, invisible or bidi character is unfit;
    so is a backslash (a folder separator on Windows: write `/`).
    """
    if (match := _NAME_UNFIT.search(rel) or UNSAFE.search(rel)) is not None:
        what = (
            "a space"
            if match[0] == " "
            else "a backslash"
            if match[0] == "\\"
            else f"the character U+{ord(match[0]):04X}"
        )
        return f"its name holds {what}, which the ledger (fields apart by spaces, one per line) cannot hold"
    return None


def settings_record(log: Log) -> dict[str, Any]:
    """The settings of `log` that change answers: format version, time zone, and horizon if set."""
    record: dict[str, Any] = {"format": log.format, "timezone": log.timezone}
    horizon = getattr(log, "horizon", None)
    if horizon is not None:
        record["horizon"] = getattr(horizon, "text", str(horizon))
    return record


def _canonical(record: dict[str, Any]) -> str:
    return json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _settings_digest(record: dict[str, Any]) -> str:
    return hashlib.sha256(_canonical(record).encode("utf-8")).hexdigest()


def read_ledger(root: Path, shown: str, size: int | None = None) -> tuple[list[Seal], list[Problem]]:
    """The seals of the ledger in `root` (none if it has no ledger), and its problems;
    with `size`, of its first `size` bytes only (what stood before an interrupted append).

    A ledger that cannot be read (a directory, unreadable, not UTF-8) is one problem.
    """
    path = root / LEDGER
    name = f"{shown.rstrip('/')}/{LEDGER}"
    if not path.exists() and not path.is_symlink():
        return [], []
    try:
        return _seals(_texts(path, size), name)
    except OSError as e:
        return [], [
            Problem(
                name,
                None,
                None,
                f"cannot read the ledger ({e.strerror})",
                "the ledger must be a readable file: restore it from version control",
            )
        ]
    except _NotText as e:
        return [], [
            Problem(
                name,
                e.line,
                None,
                f"the ledger is not UTF-8 text ({e.reason} at byte {e.start})",
                "restore the ledger from version control",
            )
        ]


class _NotText(ValueError):
    """A ledger that is not UTF-8: where (`line`, byte `start`) and why."""

    def __init__(self, line: int, start: int, reason: str) -> None:
        super().__init__(reason)
        self.line, self.start, self.reason = line, start, reason


def _texts(path: Path, size: int | None) -> Iterator[str]:
    """The ledger's lines (as `str.splitlines` gives them from its whole text), read a line
    at a time, so a big ledger is never held as one text and its list of lines as well;
    with `size`, of its first `size` bytes only. Raises `_NotText` at the first byte that
    is not UTF-8."""
    offset, newlines = 0, 0
    with path.open("rb") as handle:
        for data in handle:
            if size is not None and offset + len(data) > size:
                data = data[: max(0, size - offset)]
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError as e:
                raise _NotText(newlines + data[: e.start].count(b"\n") + 1, offset + e.start, e.reason) from None
            yield from text.splitlines()  # a line ends at \n: the whole text's other breaks fall inside it
            offset += len(data)
            newlines += 1
            if size is not None and offset >= size:
                break


def _seals(texts: Iterable[str], name: str) -> tuple[list[Seal], list[Problem]]:
    """The seals and problems of the ledger lines `texts` (the ledger `name`)."""
    seals: list[Seal] = []
    problems: list[Problem] = []
    previous = GENESIS
    settings_shown: dict[str, Any] | None = None
    files: dict[str, str] = {}  # each file's name once, not once per line
    for number, text in enumerate(texts, start=1):
        if text.startswith(_SHOWN):
            try:
                settings_shown = json.loads(text.removeprefix(_SHOWN))
            except ValueError:
                settings_shown = None
            continue
        if not text.strip() or text.startswith("#"):
            continue
        parts = text.split(" ")
        if len(parts) != 4:
            problems.append(
                Problem(
                    name,
                    number,
                    None,
                    "not a ledger line (id, file, digest, chain)",
                    "restore the ledger from version control",
                )
            )
            continue
        ident, file, event_digest, chain = parts
        if chain != _chain(previous, ident, file, event_digest):
            problems.append(
                Problem(
                    name,
                    number,
                    ident,
                    "the ledger's hash chain breaks here: the ledger was edited",
                    "restore the ledger from version control",
                )
            )
        previous = chain
        shown_here = None
        if ident == SETTINGS and isinstance(settings_shown, dict) and _settings_digest(settings_shown) == event_digest:
            shown_here = settings_shown
        seals.append(Seal(number, ident, files.setdefault(file, file), event_digest, chain, shown_here))
        settings_shown = None
    return seals, problems


def head(seals: Sequence[Seal]) -> str | None:
    """The chain value of the ledger's last line: the one hash that vouches for all of it."""
    return seals[-1].chain if seals else None


def reaches(seals: Sequence[Seal], prefix: str) -> bool:
    """True when some line of the chain has a head starting with `prefix` (lower-case hex)."""
    return any(s.chain.startswith(prefix) for s in seals)


def sealed_settings(seals: Sequence[Seal]) -> Seal | None:
    """The newest `@settings` line, the settings seal that counts (None in a v1 ledger)."""
    return next((s for s in reversed(seals) if s.id == SETTINGS), None)


def seal_lines(
    seals: Sequence[Seal], events: Sequence[tuple[Event, str]], *, settings: tuple[Log, str] | None = None
) -> str:
    """Ledger lines sealing `events` (with their files) after `seals`; with `settings`
    (a log and the file of its [log] table), then a line sealing the log's settings."""
    v1 = bool(seals) and not any(s.id == SETTINGS for s in seals)
    return chain_lines(head(seals), events, settings=settings, v1=v1)[0]


def chain_lines(
    previous: str | None,
    events: Sequence[tuple[Event, str]],
    *,
    settings: tuple[Log, str] | None = None,
    v1: bool = False,
) -> tuple[str, str | None]:
    """Ledger lines sealing `events` (with their files) after the chain head `previous`
    (None: an empty ledger), then the settings if given; and the chain head after them.
    `v1`: the ledger so far has no settings line, so the first one is introduced by a note."""
    previous = previous or GENESIS
    lines = []
    for event, file in events:
        event_digest = digest(event)
        previous = _chain(previous, event.id, file, event_digest)
        lines.append(f"{event.id} {file} {event_digest} {previous}\n")
    if settings is not None:
        log, file = settings
        record = settings_record(log)
        settings_digest = _settings_digest(record)
        previous = _chain(previous, SETTINGS, file, settings_digest)
        if v1:
            lines.append(V2)
        lines.append(f"{_SHOWN}{_canonical(record)}\n{SETTINGS} {file} {settings_digest} {previous}\n")
    return "".join(lines), previous


@attrs.frozen
class LedgerState:
    """What a ledger was when a log verified against it: its size, modification time,
    inode and change time (None: there was no ledger; the change time cannot be set back
    by `touch -r`), its chain head, last sealed event, and whether it seals the settings
    and has any line. The fact index keeps it (`as_json`), so a later
    `record` can tell it is still that ledger (`ledger_unchanged`) without reading it."""

    size: int | None
    mtime_ns: int | None
    inode: int | None
    head: str | None
    last: str | None
    settings: bool
    lines: bool
    ctime_ns: int | None = None

    def as_json(self) -> dict[str, Any]:
        """The state as the index keeps it: a JSON object of these fields."""
        return attrs.asdict(self)

    @classmethod
    def from_json(cls, data: object) -> LedgerState | None:
        """The state `as_json` wrote, or None if `data` is not one."""
        if not isinstance(data, dict) or set(data) != {f.name for f in attrs.fields(cls)}:
            return None
        return cls(**data)


def ledger_state(root: Path, seals: Sequence[Seal]) -> LedgerState:
    """What the ledger of the log at `root` is, as read into `seals` (see `ledger_state_of`)."""
    sealed = [s for s in seals if s.id != SETTINGS]
    return ledger_state_of(
        root,
        head(seals),
        sealed[-1].id if sealed else None,
        settings=sealed_settings(seals) is not None,
        lines=bool(seals),
    )


def ledger_state_of(
    root: Path, chain_head: str | None, last: str | None, *, settings: bool, lines: bool
) -> LedgerState:
    """The state of the ledger at `root` now, with chain head `chain_head` and last sealed
    event `last`, sealing the settings or not, having any line or not."""
    try:
        st = (root / LEDGER).stat()
    except FileNotFoundError:
        st = None
    return LedgerState(
        st.st_size if st else None,
        st.st_mtime_ns if st else None,
        st.st_ino if st else None,
        chain_head,
        last,
        settings,
        lines,
        st.st_ctime_ns if st else None,
    )


def ledger_unchanged(root: Path, state: LedgerState) -> bool:
    """True when the ledger at `root` is still the one `state` (from `ledger_state`)
    describes: same size, modification time and inode, and its last line ends with the
    chain head it had. Reads only the ledger's last bytes."""
    try:
        st = (root / LEDGER).stat()
    except FileNotFoundError:
        return state.size is None
    if (st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns) != (
        state.size,
        state.mtime_ns,
        state.inode,
        state.ctime_ns,
    ):
        return False
    if state.head is None:
        return True
    try:
        with open(root / LEDGER, "rb") as handle:
            handle.seek(max(0, st.st_size - 512))
            tail = handle.read().decode("utf-8", "replace").rstrip("\n").rsplit("\n", 1)[-1]
    except OSError:
        return False
    return tail.endswith(f" {state.head}")


def unsealed(log: Log, seals: Sequence[Seal]) -> list[Event]:
    """The events of `log` not in the ledger, in log order."""
    sealed = {s.id for s in seals if s.id != SETTINGS}
    return [e for e in log.events if e.id not in sealed]


def verify(log: Log, seals: Sequence[Seal]) -> list[Problem]:
    """Every difference between the log and its ledger, one problem per event, and one if
    the settings differ from the newest sealed ones."""
    name = log.file(LEDGER)
    by_id = {e.id: e for e in log.events}
    problems: list[Problem] = _settings_problems(log, seals)
    seals = [s for s in seals if s.id != SETTINGS]
    for seal in seals:
        event = by_id.get(seal.id)
        if event is None:
            problems.append(
                Problem(
                    name,
                    seal.line,
                    seal.id,
                    f"deleted: sealed in {seal.file} but no longer in the log",
                    "restore the event; to withdraw it, record a retraction",
                    code=ProblemCode.SEAL_BROKEN,
                )
            )
            continue
        file, line = log.where[seal.id]
        if log.paths[seal.id] != seal.file:
            problems.append(
                Problem(
                    file,
                    line,
                    seal.id,
                    f"moved: sealed in {seal.file}, now in {log.paths[seal.id]}",
                    "move it back; a recorded event stays in its file",
                    code=ProblemCode.SEAL_BROKEN,
                )
            )
        elif digest(event) != seal.digest:
            problems.append(
                Problem(
                    file,
                    line,
                    seal.id,
                    f"edited since it was sealed (ledger line {seal.line})",
                    "restore it as sealed and record a correction (replaces) instead",
                    code=ProblemCode.SEAL_BROKEN,
                )
            )
    sealed_order = {s.id: i for i, s in enumerate(seals)}
    per_file: dict[str, list[str]] = {}
    for event in log.events:
        per_file.setdefault(log.paths[event.id], []).append(event.id)
    for ids in per_file.values():
        last_sealed, seen_new = -1, None
        for ident in ids:
            if ident not in sealed_order:
                seen_new = seen_new or ident
                continue
            file, line = log.where[ident]
            if sealed_order[ident] < last_sealed:
                problems.append(
                    Problem(
                        file,
                        line,
                        ident,
                        "reordered: it now stands after an event sealed later",
                        "restore the file's order; a recorded event keeps its place",
                        code=ProblemCode.SEAL_BROKEN,
                    )
                )
            elif seen_new is not None:
                problems.append(
                    Problem(
                        file,
                        line,
                        ident,
                        f"new event {seen_new!r} was inserted before it",
                        "append new events at the end of a file or in a new file",
                        code=ProblemCode.SEAL_BROKEN,
                    )
                )
                seen_new = None
            last_sealed = max(last_sealed, sealed_order[ident])
    for event in unsealed(log, seals):
        file, line = log.where[event.id]
        problems.append(
            Problem(
                file,
                line,
                event.id,
                "not sealed yet",
                "review it, then run 'statustrack seal' to add it to the ledger",
                code=ProblemCode.NOT_SEALED,
            )
        )
    return problems


def _settings_problems(log: Log, seals: Sequence[Seal]) -> list[Problem]:
    sealed = sealed_settings(seals)
    if sealed is None:
        return []
    record = settings_record(log)
    if _settings_digest(record) == sealed.digest:
        return []
    file = log.file(log.settings_file)
    if sealed.shown is not None:
        changed = "; ".join(
            f"{key} {sealed.shown.get(key)!r}, now {record.get(key)!r}"
            for key in sorted(sealed.shown.keys() | record.keys())
            if sealed.shown.get(key) != record.get(key)
        )
    else:
        changed = "time zone, format or horizon differ"
    return [
        Problem(
            file,
            None,
            None,
            f"the log's settings changed since they were sealed "
            f"(ledger line {sealed.line}): {changed}; this changes answers",
            "restore them, or if the change is deliberate seal it with 'statustrack seal --settings'",
            code=ProblemCode.SETTINGS_CHANGED,
        )
    ]
