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
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path

import attrs

from .errors import Problem
from .events import Event
from .log import Log
from .writer import event_record

__all__ = ["LEDGER", "Seal", "digest", "read_ledger", "seal_lines", "unsealed", "verify"]

LEDGER = "ledger.sha256"
HEADER = "# statustrack ledger v1: <event id> <file> <sha256 of the event> <sha256 chain>\n"
GENESIS = "0" * 64


@attrs.frozen
class Seal:
    """One ledger line: a sealed event, where it was, and its hash."""

    line: int
    id: str
    file: str
    digest: str
    chain: str


def digest(event: Event) -> str:
    """The SHA-256 of an event's canonical record."""
    canonical = json.dumps(event_record(event), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _chain(previous: str, ident: str, file: str, event_digest: str) -> str:
    return hashlib.sha256(f"{previous} {ident} {file} {event_digest}".encode()).hexdigest()


def read_ledger(root: Path, shown: str) -> tuple[list[Seal], list[Problem]]:
    """The seals of the ledger in `root` (none if it has no ledger), and its problems."""
    path = root / LEDGER
    name = f"{shown.rstrip('/')}/{LEDGER}"
    if not path.exists():
        return [], []
    seals: list[Seal] = []
    problems: list[Problem] = []
    previous = GENESIS
    for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not text.strip() or text.startswith("#"):
            continue
        parts = text.split(" ")
        if len(parts) != 4:
            problems.append(Problem(name, number, None, "not a ledger line (id, file, digest, chain)",
                                    "restore the ledger from version control"))
            continue
        ident, file, event_digest, chain = parts
        if chain != _chain(previous, ident, file, event_digest):
            problems.append(Problem(name, number, ident, "the ledger's hash chain breaks here: the ledger was edited",
                                    "restore the ledger from version control"))
        previous = chain
        seals.append(Seal(number, ident, file, event_digest, chain))
    return seals, problems


def seal_lines(seals: Sequence[Seal], events: Sequence[tuple[Event, str]]) -> str:
    """Ledger lines sealing `events` (with their files) after `seals`."""
    previous = seals[-1].chain if seals else GENESIS
    lines = []
    for event, file in events:
        event_digest = digest(event)
        previous = _chain(previous, event.id, file, event_digest)
        lines.append(f"{event.id} {file} {event_digest} {previous}\n")
    return "".join(lines)


def unsealed(log: Log, seals: Sequence[Seal]) -> list[Event]:
    """The events of `log` not in the ledger, in log order."""
    sealed = {s.id for s in seals}
    return [e for e in log.events if e.id not in sealed]


def verify(log: Log, seals: Sequence[Seal]) -> list[Problem]:
    """Every difference between the log and its ledger, one problem per event."""
    name = f"{log.root.rstrip('/')}/{LEDGER}"
    by_id = {e.id: e for e in log.events}
    problems: list[Problem] = []
    for seal in seals:
        event = by_id.get(seal.id)
        if event is None:
            problems.append(Problem(name, seal.line, seal.id, f"deleted: sealed in {seal.file} but no longer in the log",
                                    "restore the event; to withdraw it, record a retraction"))
            continue
        file, line = log.where[seal.id]
        if log.paths[seal.id] != seal.file:
            problems.append(Problem(file, line, seal.id, f"moved: sealed in {seal.file}, now in {log.paths[seal.id]}",
                                    "move it back; a recorded event stays in its file"))
        elif digest(event) != seal.digest:
            problems.append(Problem(file, line, seal.id, f"edited since it was sealed (ledger line {seal.line})",
                                    "restore it as sealed and record a correction (replaces) instead"))
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
                problems.append(Problem(file, line, ident, "reordered: it now stands after an event sealed later",
                                        "restore the file's order; a recorded event keeps its place"))
            elif seen_new is not None:
                problems.append(Problem(file, line, ident, f"new event {seen_new!r} was inserted before it",
                                        "append new events at the end of a file or in a new file"))
                seen_new = None
            last_sealed = max(last_sealed, sealed_order[ident])
    for event in unsealed(log, seals):
        file, line = log.where[event.id]
        problems.append(Problem(file, line, event.id, "not sealed yet",
                                "review it, then run 'statustrack seal' to add it to the ledger"))
    return problems
