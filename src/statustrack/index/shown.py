"""Writing the `shown` rows of the index (see `index.light`): per version, what an answer
shows of its fact, made by `core.shape` from the fact the index decodes."""

from __future__ import annotations

import json
import sqlite3

from statustrack.core.facts import rank
from statustrack.core.registry import Registry
from statustrack.core.shape import fact_base, row_of
from statustrack.core.shown import emit, seen_json
from statustrack.index.codec import micros
from statustrack.index.light import DEPTH
from statustrack.index.read import Index

__all__ = ["write_shown"]

#: The next batch of versions to write rows for, after the id given.
_BATCH = "SELECT id, fact, valid_from FROM versions WHERE id > ? ORDER BY id LIMIT 2000"


def write_shown(db: sqlite3.Connection, registry: Registry, first_version: int = 1) -> None:
    """Write the `shown` rows of every version numbered `first_version` or more (a build:
    all; an append: those it added, after deleting the rows of the versions it replaced).

    Versions are read, and their facts decoded, one batch at a time: memory holds one
    batch's facts and the earlier facts their chains reach, never the whole history."""
    rows = []
    after = first_version - 1
    while batch := db.execute(_BATCH, (after,)).fetchall():
        after = batch[-1][0]
        index = Index(db, {})  # a fresh cache per batch: the facts decoded so far are let go
        index._load(f for _, f, _ in batch)
        index._load(p for _, f, _ in batch if (p := index._previous[f]) is not None)
        for version, fact_id, valid_from in batch:
            fact = index.fact(fact_id, False)  # what a row shows reads no earlier fact but the chain below
            base = fact_base(fact, registry)
            accounts = [micros(a.interval.end) for a in fact.accounts]
            chain = []
            earlier_id = index._previous[fact_id]
            while earlier_id is not None:
                index._load([earlier_id])  # loaded already unless the chain goes deeper than one
                earlier = index.fact(earlier_id, False)
                cut = micros(earlier.interval.end)
                chain.append([cut, earlier.value, earlier.event])
                if cut <= valid_from:
                    break  # certain by every instant this version is in force
                earlier_id = index._previous[earlier_id]
            out: list[str] = []
            emit(seen_json(base, "certain", ["certain"] * len(accounts), None), DEPTH, out)
            order, aspect, pending, folded, subject = rank(fact)
            summary = list(row_of(fact, registry))
            rows.append(
                (
                    version,
                    order,
                    aspect,
                    int(pending),
                    folded,
                    subject,
                    int(fact.act),
                    int(fact.lapsed is not None),
                    micros(fact.interval.start),
                    micros(fact.interval.end),
                    micros(fact.interval.end),
                    json.dumps(accounts),
                    json.dumps(chain, ensure_ascii=False),
                    "".join(out),
                    json.dumps(base, ensure_ascii=False),
                    json.dumps(summary, ensure_ascii=False),
                )
            )
        db.executemany("INSERT INTO shown VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        rows.clear()
