"""Benchmark: load, at and diff on the shipped log and on a synthetic 10,000-event log.

Prints medians of repeated runs, measured side by side in one process (these machines
are shared and noisy: compare ratios from one run, not figures across runs).

    .venv/bin/python bench/bench_replay.py
"""

from __future__ import annotations

import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from statustrack import events as ev
from statustrack.dates import parse_edtf
from statustrack.log import load_log
from statustrack.query import at, diff
from statustrack.writer import to_jsonl

ROOT = Path(__file__).resolve().parents[1]


def median_ms(action: Callable[[], object], repeat: int = 7) -> float:
    """The median wall time of `action` in milliseconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def synthetic(root: Path, count: int) -> Path:
    """A copy of the test mini log with `count` more captures and recognitions."""
    shutil.copytree(ROOT / "tests" / "data" / "mini", root)
    items = []
    for i in range(count):
        date = parse_edtf(f"{1990 + i % 34}-{i % 12 + 1:02d}-{i % 28 + 1:02d}", "Asia/Baku")
        src = (ev.SourceRef("s004", "bench"),)
        if i % 2:
            items.append(ev.Capture(id=f"b{i}", date=date, sources=src, place="stepanakert",
                                    by=("nkr", "azerbaijan")[i % 3 % 2]))
        else:
            items.append(ev.Recognition(id=f"b{i}", date=date, sources=src, actor="armenia",
                                        stance=ev.STANCES[i % len(ev.STANCES)]))
    (root / "bench.jsonl").write_text(to_jsonl(items), encoding="utf-8")
    return root


def report(name: str, path: Path | None) -> None:
    """Print load, first and repeated `at`, and `diff` timings for one log."""
    log = load_log(path)
    rows = [
        ("load + validate", median_ms(lambda: load_log(path), 5)),
        ("at 2020-11-10 (cold: timeline built)", median_ms(lambda: at(load_log(path), "2020-11-10"), 5)
         - median_ms(lambda: load_log(path), 5)),
        ("at 2020-11-10 (warm)", median_ms(lambda: at(log, "2020-11-10"))),
        ("diff 2020-09-26 2020-11-10 (warm)", median_ms(lambda: diff(log, "2020-09-26", "2020-11-10"))),
    ]
    print(f"{name}: {len(log.events)} events")
    for label, ms in rows:
        print(f"  {label:<40} {ms:8.1f} ms (median)")


def main() -> None:
    """Run every benchmark and print its figures."""
    report("shipped log", None)
    with tempfile.TemporaryDirectory() as tmp:
        report("synthetic log", synthetic(Path(tmp) / "log", 10_000))


if __name__ == "__main__":
    main()
