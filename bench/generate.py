"""Generate a synthetic statustrack log: a registry and N events as JSON Lines (or TOML).

A realistic, seeded mix for benchmarks: hundreds of places and actors; captures and
handovers (control), recognitions with stances, offices, officeholders, relations,
claims, statements and resolutions, wars, offensives, ceasefires, blockades and
deployments; retractions and corrections (`replaces`); day-, month- and year-precision
dates, "on or before" and "one day in a range" dates, a few instants with an offset,
some `effective` dates later than `date` and some `recorded` stamps. Every event
validates (`statustrack validate --log DIR`). The same seed and N give the same bytes.

    python bench/generate.py --n 1e5 --out /tmp/log-1e5
    python bench/generate.py --n 3e4 --events toml --out /tmp/log-toml   # one big TOML file

The log is written in the current event format (`statustrack.FORMAT_VERSION`, falling
back to 1): format 1 writes "one day in a range" as `A/B` and "on or before" as `../D`,
format 2 and later as EDTF's `[A..B]` and `[..D]`. All events go into one file, so no
two events in different files change one fact from one instant. A sealed ledger
(`ledger.sha256`) is written too, so `statustrack record` can append at once; pass
`--no-ledger` to leave the log unsealed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import random
import re
import sys
import time
from collections import deque
from pathlib import Path
from typing import Any

__all__ = ["generate", "main", "parse_count"]

TIMEZONE = "Asia/Baku"
FIRST_DAY = dt.date(1988, 1, 1)
LAST_DAY = dt.date(2024, 12, 31)
GENESIS = "0" * 64
LEDGER_HEADER = "# statustrack ledger v1: <event id> <file> <sha256 of the event> <sha256 chain>\n"

STANCES = (
    "recognizes",
    "calls-for-recognition",
    "supports-self-determination",
    "affirms-territorial-integrity",
    "rejected-recognition",
    "rejected-territorial-integrity",
    "does-not-recognize",
)
RELATION_TYPES = ("twinning", "friendship", "cooperation", "friendship-group", "visa-free", "membership", "declaration")
PLACE_KINDS = ("city", "town", "village", "district", "corridor")
ACTOR_LEVELS = (
    "un-member",
    "non-un-state",
    "state-region",
    "regional-parliament",
    "city",
    "county",
    "party",
    "parliament",
    "government-body",
)
STATUSES = (
    "autonomous oblast",
    "declared republic",
    "republic in exile",
    "dissolved by decree",
    "decree declared void",
    "provisional administration",
)
POSITIONS = (
    "part of its territory",
    "an independent state",
    "a disputed territory",
    "under occupation",
    "an autonomous region",
)
POSTS = (
    "President",
    "Prime Minister",
    "Foreign Minister",
    "Defence Minister",
    "Parliament Chair",
    "State Minister",
    "Ombudsman",
    "Prosecutor General",
    "Central Bank Governor",
    "Mayor of the capital",
)
SUMMARIES = (
    "calls for an end to hostilities",
    "affirms territorial integrity",
    "calls for negotiations within the Minsk Group",
    "condemns the blockade",
    "welcomes the ceasefire",
    "supports self-determination",
    "demands withdrawal of forces",
)
WORDS = (
    "north",
    "south",
    "river",
    "upper",
    "lower",
    "new",
    "old",
    "green",
    "stone",
    "field",
    "hill",
    "lake",
    "bridge",
    "valley",
    "market",
    "castle",
    "mill",
    "spring",
    "forest",
    "port",
)
ALIAS_SCRIPTS = ("{}i", "{}a", "Nor {}", "{}-kend", "Старый {}", "新{}", "{}ы", "{}ville")

# Kind weights (per thousand) of original events; corrections and retractions come on top.
KIND_WEIGHTS = (
    ("capture", 210),
    ("handover", 80),
    ("recognition", 170),
    ("statement", 80),
    ("resolution", 40),
    ("office", 50),
    ("officeholder", 50),
    ("relation", 100),
    ("claim", 40),
    ("declaration", 10),
    ("decree", 5),
    ("war", 5),
    ("offensive", 10),
    ("ceasefire", 10),
    ("blockade", 20),
    ("deployment", 20),
)
CORRECTION_SHARE = 0.05
RETRACTION_SHARE = 0.03
# Date forms (per thousand): the rest are plain days.
MONTH, YEAR, ON_OR_BEFORE, RANGE, INSTANT = 80, 30, 25, 30, 25
EFFECTIVE_LATER = 0.04
NOTE_SHARE = 0.10


def parse_count(text: str) -> int:
    """An event count written as an integer or in float notation (`1e5`, `2.5e4`)."""
    value = float(text)
    if value < 1 or value != int(value):
        msg = f"not a positive whole number of events: {text!r}"
        raise argparse.ArgumentTypeError(msg)
    return int(value)


def _current_format() -> int:
    try:
        from statustrack import FORMAT_VERSION
    except ImportError:
        return 1
    return int(FORMAT_VERSION)


def _toml(value: Any) -> str:
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml(v)}" for k, v in value.items()) + " }"
    msg = f"cannot write {type(value).__name__} as TOML"
    raise TypeError(msg)


def _tables(name: str, rows: list[dict[str, Any]]) -> str:
    return "\n".join(f"[[{name}]]\n" + "".join(f"{k} = {_toml(v)}\n" for k, v in row.items()) for row in rows)


class _Registry:
    """Ids of the places and actors the events refer to, by role."""

    def __init__(self, rng: random.Random, count: int) -> None:
        n_places = max(200, min(900, count // 200))
        n_actors = max(200, min(800, count // 250))
        self.sources = [
            {
                "id": f"src-{i:03d}",
                "title": f"Synthetic source {i}",
                "url": f"https://example.org/source/{i}",
                "language": rng.choice(("en", "ru", "hy", "az", "fr")),
            }
            for i in range(60)
        ]
        self.theatres = [f"region-{i}" for i in range(6)]
        places: list[dict[str, Any]] = [
            {"id": t, "name": f"Region {i}", "kind": "region"} for i, t in enumerate(self.theatres)
        ]
        for i in range(n_places):
            word = f"{rng.choice(WORDS).title()}{rng.choice(WORDS)}"
            row: dict[str, Any] = {"id": f"place-{i:04d}", "name": f"{word} {i}", "kind": rng.choice(PLACE_KINDS)}
            if rng.random() < 0.6:
                row["aliases"] = sorted(
                    {rng.choice(ALIAS_SCRIPTS).format(word) + f" {i}" for _ in range(rng.randint(1, 3))}
                )
            if rng.random() < 0.7:
                row["part_of"] = rng.choice(self.theatres)
            places.append(row)
        self.places = places
        self.place_ids = [p["id"] for p in places if p["kind"] != "region"]
        actors: list[dict[str, Any]] = []
        self.polities = [f"polity-{i}" for i in range(3)]
        actors += [{"id": p, "name": f"Polity {i}", "level": "polity"} for i, p in enumerate(self.polities)]
        self.forces = [f"force-{i:02d}" for i in range(20)]
        actors += [{"id": f, "name": f"Armed force {i}", "level": "armed-force"} for i, f in enumerate(self.forces)]
        self.bodies = [f"body-{i:02d}" for i in range(24)]
        actors += [
            {"id": b, "name": f"International body {i}", "level": ("un-body", "international-body")[i % 2]}
            for i, b in enumerate(self.bodies)
        ]
        self.states = [f"state-{i:02d}" for i in range(12)]
        actors += [{"id": s, "name": f"State {i}", "level": "un-member"} for i, s in enumerate(self.states)]
        self.others = []
        for i in range(n_actors):
            ident = f"actor-{i:04d}"
            row = {"id": ident, "name": f"{rng.choice(WORDS).title()} actor {i}", "level": rng.choice(ACTOR_LEVELS)}
            if rng.random() < 0.3:
                row["aliases"] = [f"{row['name']} (alias)"]
            if rng.random() < 0.3:
                row["part_of"] = rng.choice(self.states)
            actors.append(row)
            self.others.append(ident)
        self.actors = actors
        self.holders = self.polities + self.states[:4]
        self.speakers = self.others + self.states
        self.posts = [f"{post} of Polity {i}" for i in range(len(self.polities)) for post in POSTS]


class _Random(random.Random):
    """Seeded, and faster than `random.Random` at the few draws the generator makes."""

    def choice(self, seq):  # type: ignore[no-untyped-def, override]
        return seq[int(self.random() * len(seq))]

    def randrange(self, stop):  # type: ignore[no-untyped-def, override]
        return int(self.random() * stop)

    def randint(self, a, b):  # type: ignore[no-untyped-def, override]
        return a + int(self.random() * (b - a + 1))


def _dates(first: dt.date, last: dt.date) -> list[str]:
    return [(first + dt.timedelta(days=d)).isoformat() for d in range((last - first).days + 1)]


class _Generator:
    """Builds event records one at a time, in roughly chronological order."""

    def __init__(self, rng: random.Random, reg: _Registry, count: int, fmt: int) -> None:
        self.rng, self.reg, self.count, self.fmt = rng, reg, count, fmt
        self.days = _dates(FIRST_DAY, LAST_DAY)
        kinds, weights = zip(*KIND_WEIGHTS, strict=True)
        self.kinds = rng.choices(kinds, weights, k=4096)
        self.holder = {p: rng.choice(reg.holders) for p in reg.place_ids}
        self.wars: dict[str, tuple[str, int]] = {}  # theatre -> (war or offensive id, its day index)
        self.source_ids = [source["id"] for source in reg.sources]
        self.recent: deque[dict[str, Any]] = deque(maxlen=4000)  # events a correction or retraction may name

    def _day(self, index: int) -> int:
        base = index * (len(self.days) - 1) // max(1, self.count - 1)
        return max(0, base - self.rng.randrange(4))

    def _date(self, day: int) -> str:
        text = self.days[day]
        roll = self.rng.randrange(1000)
        if roll < MONTH:
            return text[:7]
        roll -= MONTH
        if roll < YEAR:
            return text[:4]
        roll -= YEAR
        if roll < ON_OR_BEFORE:
            return f"[..{text}]" if self.fmt >= 2 else f"../{text}"
        roll -= ON_OR_BEFORE
        if roll < RANGE:
            lo = self.days[max(0, day - self.rng.randint(1, 60))]
            hi = self.days[min(len(self.days) - 1, day + self.rng.randint(0, 60))]
            return f"[{lo}..{hi}]" if self.fmt >= 2 else f"{lo}/{hi}"
        roll -= RANGE
        if roll < INSTANT:
            return f"{text}T{self.rng.randrange(24):02d}:{self.rng.randrange(60):02d}+03:00"
        return text

    def _sources(self) -> list[dict[str, str]]:
        rng, ids = self.rng, self.source_ids
        first = int(rng.random() * len(ids))
        second = ids[(first + 1 + rng.randrange(len(ids) - 1)) % len(ids)]
        chosen = [ids[first]] if rng.random() < 0.75 else [ids[first], second]
        return [
            {"id": ident, "at": f"p. {rng.randint(1, 400)}"} if rng.random() < 0.8 else {"id": ident}
            for ident in chosen
        ]

    def _fields(self, kind: str, day: int, ident: str) -> dict[str, Any]:
        rng, reg = self.rng, self.reg
        if kind == "capture":
            place = rng.choice(reg.place_ids)
            old = self.holder[place]
            new = rng.choice([h for h in reg.holders if h != old])
            self.holder[place] = new
            return {"place": place, "by": new, "from": old} if rng.random() < 0.7 else {"place": place, "by": new}
        if kind == "handover":
            place = rng.choice(reg.place_ids)
            old = self.holder[place]
            new = rng.choice([h for h in reg.holders if h != old])
            self.holder[place] = new
            return {"place": place, "from": old, "to": new}
        if kind == "recognition":
            fields = {"actor": rng.choice(reg.speakers), "stance": rng.choice(STANCES)}
            if rng.random() < 0.3:
                fields["instrument"] = f"resolution {rng.randint(1, 999)}"
            return fields
        if kind == "statement":
            return {"actor": rng.choice(reg.speakers), "summary": rng.choice(SUMMARIES), "ref": f"r{rng.randrange(8)}"}
        if kind == "resolution":
            return {"body": rng.choice(reg.bodies), "ref": str(rng.randrange(200)), "summary": rng.choice(SUMMARIES)}
        if kind == "office":
            return {
                "place": rng.choice(reg.place_ids),
                "state": rng.choice(("open", "open", "closed")),
                "polity": rng.choice(reg.polities),
            }
        if kind == "officeholder":
            post = rng.choice(reg.posts)
            return {"post": post, "person": f"Person {rng.randrange(5000)}", "polity": reg.polities[int(post[-1])]}
        if kind == "relation":
            return {
                "a": rng.choice(reg.others),
                "b": rng.choice(reg.place_ids),
                "type": rng.choice(RELATION_TYPES),
                "state": rng.choice(("established", "established", "ended")),
            }
        if kind == "claim":
            return {
                "polity": rng.choice(reg.polities),
                "party": rng.choice(reg.states + reg.others[:50]),
                "position": rng.choice(POSITIONS),
            }
        if kind == "declaration":
            fields = {"polity": rng.choice(reg.polities), "status": rng.choice(STATUSES)}
            if rng.random() < 0.5:
                fields["by"] = rng.choice(reg.others)
            return fields
        if kind == "decree":
            return {
                "polity": rng.choice(reg.polities),
                "status": rng.choice(STATUSES),
                "issuer": rng.choice(reg.polities),
            }
        if kind in ("war", "offensive"):
            theatre = rng.choice(reg.theatres)
            self.wars[theatre] = (ident, day)
            if kind == "war":
                return {"theatre": theatre, "name": f"war {ident}", "parties": rng.sample(reg.holders, 3)}
            return {"theatre": theatre, "name": f"offensive {ident}", "by": rng.choice(reg.holders)}
        if kind == "ceasefire":
            theatre, (war, _) = rng.choice(sorted(self.wars.items()))
            return {"theatre": theatre, "ends": war, "name": f"ceasefire ending {war}"}
        if kind == "blockade":
            return {
                "place": rng.choice(reg.place_ids),
                "by": rng.choice(reg.holders),
                "state": rng.choice(("imposed", "lifted")),
            }
        if kind == "deployment":
            fields = {
                "force": rng.choice(reg.forces),
                "place": rng.choice(reg.place_ids),
                "state": rng.choice(("deployed", "withdrawn")),
            }
            if rng.random() < 0.4:
                fields["strength"] = f"{rng.randint(1, 50) * 100} troops"
            return fields
        msg = f"no generator for kind {kind!r}"
        raise ValueError(msg)

    def event(self, index: int) -> dict[str, Any]:
        """The record of event number `index`."""
        rng = self.rng
        ident = f"e{index:07d}"
        day = self._day(index)
        roll = rng.random()
        record: dict[str, Any]
        if roll < RETRACTION_SHARE and self.recent:
            target = rng.choice(self.recent)
            record = {
                "id": ident,
                "kind": "retraction",
                "date": self.days[day],
                "retracts": target["id"],
                "reason": "the source was misread",
            }
        elif roll < RETRACTION_SHARE + CORRECTION_SHARE and self.recent:
            target = rng.choice(self.recent)
            record = {k: v for k, v in target.items() if k not in ("id", "sources", "note", "recorded", "replaces")}
            record["id"] = ident
            self._correct(record)
            record["replaces"] = target["id"]
            record = _ordered(record)
        else:
            kind = self.kinds[index % len(self.kinds)]
            if kind == "ceasefire" and not self.wars:
                kind = "war"
            # Wars, offensives and ceasefires are dated to the day: a ceasefire must not start before its war.
            text = (
                self.days[day]
                if kind in ("war", "offensive")
                else (
                    self.days[index * (len(self.days) - 1) // max(1, self.count - 1)]
                    if kind == "ceasefire"
                    else self._date(day)
                )
            )
            record = {"id": ident, "kind": kind, "date": text}
            last = len(self.days) - 1
            if (
                kind not in ("war", "offensive", "ceasefire", "statement")
                and day + 2 <= last
                and rng.random() < EFFECTIVE_LATER
            ):  # two days on: after any instant of `day`
                record["effective"] = self.days[min(last, day + rng.randint(2, 120))]
            record.update(self._fields(kind, day, ident))
        record["sources"] = self._sources()
        if record["kind"] == "retraction" or "replaces" in record:
            if rng.random() < 0.5:
                record["recorded"] = self.days[min(len(self.days) - 1, day + rng.randint(0, 30))]
        elif record["kind"] not in ("war", "offensive"):
            self.recent.append(record)
        if rng.random() < NOTE_SHARE:
            record["note"] = f"Synthetic note for {ident}: {rng.choice(SUMMARIES)}."
        return record

    def _correct(self, record: dict[str, Any]) -> None:
        """Change a copied record's value (or date) as a correction would."""
        rng, kind = self.rng, record["kind"]
        if kind == "recognition":
            record["stance"] = rng.choice(STANCES)
        elif kind in ("statement", "resolution"):
            record["summary"] = rng.choice(SUMMARIES)
        elif kind == "officeholder":
            record["person"] = f"Person {rng.randrange(5000)}"
        elif kind == "claim":
            record["position"] = rng.choice(POSITIONS)
        elif kind in ("declaration", "decree"):
            record["status"] = rng.choice(STATUSES)
        elif kind in ("capture", "handover") and rng.random() < 0.5:
            holder = "by" if kind == "capture" else "to"
            record[holder] = rng.choice([h for h in self.reg.holders if h not in (record[holder], record.get("from"))])
        elif (
            _PLAIN.fullmatch(record["date"])
            and "effective" not in record
            and kind != "ceasefire"
            and rng.random() < 0.5
        ):
            record["date"] = record["date"][:4]  # a looser date; otherwise only the sources change


_PLAIN = re.compile(r"[0-9]{4}(?:-[0-9]{2}){0,2}")
_ORDER = ("id", "kind", "date", "effective")
_TAIL = ("sources", "recorded", "replaces", "note")


def _ordered(record: dict[str, Any]) -> dict[str, Any]:
    head = {k: record[k] for k in _ORDER if k in record}
    middle = {k: v for k, v in record.items() if k not in _ORDER and k not in _TAIL}
    tail = {k: record[k] for k in _TAIL if k in record}
    return head | middle | tail


_LINE = json.JSONEncoder(ensure_ascii=False).encode
_CANONICAL = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode


def _digest(record: dict[str, Any]) -> str:
    """The ledger's digest of an event: SHA-256 of its record as canonical JSON (statustrack.log.ledger)."""
    return hashlib.sha256(_CANONICAL(record).encode("utf-8")).hexdigest()


def generate(
    out: Path, count: int, *, seed: int = 1, events: str = "jsonl", fmt: int | None = None, ledger: bool = True
) -> Path:
    """Write a log of `count` events to the directory `out` (created; must be empty or absent)."""
    fmt = _current_format() if fmt is None else fmt
    rng = _Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    if any(out.iterdir()):
        msg = f"{out} is not empty"
        raise SystemExit(msg)
    reg = _Registry(rng, count)
    (out / "log.toml").write_text(
        f'[log]\nformat = {fmt}\nname = "Synthetic region ({count} events, seed {seed})"\ntimezone = "{TIMEZONE}"\n',
        encoding="utf-8",
    )
    (out / "registry").mkdir()
    (out / "registry" / "sources.toml").write_text(_tables("source", reg.sources), encoding="utf-8")
    (out / "registry" / "places.toml").write_text(_tables("place", reg.places), encoding="utf-8")
    (out / "registry" / "actors.toml").write_text(_tables("actor", reg.actors), encoding="utf-8")
    gen = _Generator(rng, reg, count, fmt)
    name = f"events.{events}"
    chain = GENESIS
    with (
        open(out / name, "w", encoding="utf-8") as handle,
        open(out / "ledger.sha256" if ledger else "/dev/null", "w", encoding="utf-8") as seals,
    ):
        seals.write(LEDGER_HEADER)
        chunk: list[str] = []
        for index in range(count):
            record = gen.event(index)
            if events == "jsonl":
                chunk.append(_LINE(record) + "\n")
            else:
                chunk.append("[[event]]\n" + "".join(f"{k} = {_toml(v)}\n" for k, v in record.items()) + "\n")
            if ledger:
                digest = _digest(record)
                chain = hashlib.sha256(f"{chain} {record['id']} {name} {digest}".encode()).hexdigest()
                seals.write(f"{record['id']} {name} {digest} {chain}\n")
            if len(chunk) >= 10000:
                handle.write("".join(chunk))
                chunk.clear()
        handle.write("".join(chunk))
    return out


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, generate, print what was written."""
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=parse_count, default=10_000, help="number of events (1e4, 1e5, 1e6, ...)")
    parser.add_argument("--out", type=Path, required=True, help="the log directory to create")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--events",
        choices=("jsonl", "toml"),
        default="jsonl",
        help="write the events as one JSON Lines file (default) or one TOML file",
    )
    parser.add_argument(
        "--format",
        type=int,
        default=None,
        dest="fmt",
        help="the log format to write (default: the installed statustrack's)",
    )
    parser.add_argument("--no-ledger", action="store_false", dest="ledger", help="do not seal the events")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    generate(args.out, args.n, seed=args.seed, events=args.events, fmt=args.fmt, ledger=args.ledger)
    sys.stdout.write(f"wrote {args.n} events to {args.out} in {time.perf_counter() - start:.1f} s\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
