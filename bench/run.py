"""Every target of issue 20, measured side by side in one run: met or not met.

    .venv/bin/python bench/run.py                       # 1e4 and 1e5, the shipped log, the explorer
    .venv/bin/python bench/run.py --n 1e4,1e5,1e6       # 1e6 too (about 20 minutes more)
    .venv/bin/python bench/run.py --n 1e4 --no-explorer --shipped-runs 5

For each N, `bench_index.bench_one` generates a log and measures statustrack and the
SQLite baseline (bench/baseline.py) on it, each in its own processes; on the shipped log,
whole `statustrack` processes (`at 2020-11-10`, `diff 2020-09-26 2020-11-10`, `history
shusha`, as a table and as JSON) are interleaved with `python -c pass`; the explorer's
slider step is bench/bench_explorer.py's (headless Chromium). Then one table: every target
with statustrack's figure, the other side's, the ratio, the limit and "met" / "not met",
and the machine's load average before and after. `--results` writes it all to
bench/RESULTS.md (above the results kept there before).

Figures are medians of wall time on a shared machine: compare the ratios of one run,
never figures across runs. Nothing here is asserted in a test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench_index as bi  # noqa: E402
from generate import parse_count  # noqa: E402

MIB_1_5_GIB = 1.5 * 1024
INFORMATION = float("inf")  # a row shown for its figures, with no limit

#: The shipped-log commands: (label, argv after `statustrack`).
SHIPPED = (
    ("at 2020-11-10 (table)", ["at", "2020-11-10"]),
    ("at 2020-11-10 (JSON)", ["at", "2020-11-10", "--format", "json"]),
    ("diff 2020-09-26 2020-11-10 (table)", ["diff", "2020-09-26", "2020-11-10"]),
    ("diff 2020-09-26 2020-11-10 (JSON)", ["diff", "2020-09-26", "2020-11-10", "--format", "json"]),
    ("history shusha (table)", ["history", "shusha"]),
    ("history shusha (JSON)", ["history", "shusha", "--format", "json"]),
)


class Target:
    """One row of the targets table: statustrack's figure, the other side's, and the limit
    (a ratio when `theirs` is given, else an absolute figure in `unit`)."""

    def __init__(self, name: str, ours: Any, theirs: Any, limit: float, unit: str = "s") -> None:
        self.name, self.ours, self.theirs, self.limit, self.unit = name, ours, theirs, limit, unit

    @property
    def ratio(self) -> float | None:
        if isinstance(self.ours, float) and isinstance(self.theirs, float) and self.theirs:
            return self.ours / self.theirs
        return None

    @property
    def verdict(self) -> str:
        if not isinstance(self.ours, float):
            return "not measured"
        if self.limit == INFORMATION:
            return "(figure only)"
        if self.theirs is None:
            return "met" if self.ours <= self.limit else "not met"
        if self.ratio is None:
            return "not measured"
        return "met" if self.ratio <= self.limit else "not met"

    def row(self) -> str:
        ratio = f"{self.ratio:.2f}x" if self.ratio is not None else ""
        limit = (
            ""
            if self.limit == INFORMATION
            else f"<= {self.limit:g}x"
            if self.theirs is not None
            else f"<= {bi._cell(self.limit, self.unit)}"
        )
        return (
            f"| {self.name} | {bi._cell(self.ours, self.unit)} | {bi._cell(self.theirs, self.unit)} | "
            f"{ratio} | {limit} | {self.verdict} |"
        )


def render(targets: list[Target]) -> str:
    """The targets as a Markdown table."""
    lines = ["| target | statustrack | other side | ratio | limit | verdict |", "|---|---:|---:|---:|---:|---|"]
    return "\n".join(lines + [t.row() for t in targets]) + "\n"


def shipped(runs: int, timeout: float) -> tuple[list[Target], str]:
    """Whole processes on the shipped log, interleaved with `python -c pass`."""
    cli = bi.statustrack_cli()
    import statustrack

    subprocess.run(
        [bi.PYTHON, "-m", "compileall", "-q", str(Path(statustrack.__file__).parent)],
        check=False,
        stdout=subprocess.DEVNULL,
    )
    with tempfile.TemporaryDirectory(prefix="statustrack-shipped-") as cache:
        env = bi.environment(Path(cache))
        for _, argv in SHIPPED:  # builds the index; each command once before timing
            first = bi.run([*cli, *argv], timeout=timeout, env=env, stdout_to_null=True)
            if not first.ok:
                return [], f"shipped log: statustrack {' '.join(argv)} {bi._failed(first)}\n"
        ours: dict[str, list[float]] = {label: [] for label, _ in SHIPPED}
        rss: dict[str, float] = {}
        floor: list[float] = []
        for _ in range(runs):
            floor.append(bi.run([bi.PYTHON, "-c", "pass"], timeout=timeout).seconds)
            for label, argv in SHIPPED:
                ran = bi.run([*cli, *argv], timeout=timeout, env=env, stdout_to_null=True)
                ours[label].append(ran.seconds)
                rss[label] = max(rss.get(label, 0.0), ran.rss_mib)
    base = statistics.median(floor)
    targets = [
        Target(f"shipped log, whole process: {label} vs `python -c pass`", statistics.median(times), base, 3.0)
        for label, times in ours.items()
    ]
    note = (
        f"- shipped log: medians of {runs} interleaved runs; `python -c pass` {base * 1000:.0f} ms; "
        f"peak RSS {', '.join(f'{label} {mib:.0f} MiB' for label, mib in rss.items())}\n"
    )
    return targets, note


def targets_of(table: bi.Table) -> list[Target]:
    """The targets one N's measurements decide."""
    n = f"{table.count:.0e}".replace("+0", "")
    got = table.extra

    def pair(measure: str) -> tuple[Any, Any]:
        return got.get(measure, (None, None))

    warm, warm_rss = pair("at, new CLI process, index current"), pair("peak RSS, CLI at with index current")
    cold, cold_rss = pair("cold build: whole CLI process (at)"), pair("peak RSS, cold CLI at / baseline build process")
    rec = pair("one record (whole CLI process)")
    rows = [
        Target(f"{n}: whole-process `at` JSON, index current, vs SQLite process", *warm, 1.5),
        Target(f"{n}: peak RSS of that `at` vs the SQLite process", *warm_rss, 1.2, "MiB"),
        Target(f"{n}: cold build (whole process, no index) vs SQLite's load", *cold, 3.0),
        Target(f"{n}: peak RSS of the cold build vs SQLite's load (information)", *cold_rss, INFORMATION, "MiB"),
    ]
    if table.count >= 1_000_000:
        rows.append(Target(f"{n}: peak RSS of the cold build", cold_rss[0], None, MIB_1_5_GIB, "MiB"))
    rows += [
        Target(f"{n}: first `record` after a build (whole process)", got.get("first_record"), None, 2.0),
        Target(f"{n}: `record` vs an SQLite insert process", *rec, 1.5),
        Target(f"{n}: in-process `at` vs SQLite", *pair("at in-process (median over dates)"), 1.0),
        Target(f"{n}: in-process `diff` vs SQLite", *pair("diff in-process (median over pairs)"), 1.0),
        Target(f"{n}: in-process 365-day slide vs SQLite", *pair("365-date slide (at on day 1, then 364 diffs)"), 1.0),
    ]
    return rows


def explorer(steps: int, timeout: float) -> tuple[list[Target], str]:
    """bench/bench_explorer.py's slider step, its two lines parsed."""
    try:
        done = subprocess.run(
            [bi.PYTHON, str(HERE / "bench_explorer.py"), "--steps", str(steps)],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return [], "- explorer: timeout\n"
    if done.returncode:
        return [], f"- explorer: failed ({(done.stderr.strip().splitlines() or ['?'])[-1][:100]})\n"
    found = []
    for line in done.stdout.splitlines():
        name, _, rest = line.partition(":")
        median = float(rest.split("with layout median ")[1].split(" ms")[0]) / 1000
        limit = 0.016 if name.startswith("shipped") else 0.050
        found.append(Target(f"explorer slider step, median: {name}", median, None, limit))
    return found, "".join(f"- explorer: {line}\n" for line in done.stdout.splitlines())


def main() -> None:
    """Run every measurement asked for; print and optionally write the targets."""
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__
    )
    parser.add_argument("--n", default="1e4,1e5", help="event counts, comma-separated (1e6 is opt-in: about 20 min)")
    parser.add_argument("--timeout", type=float, default=2400.0, help="seconds per step before 'timeout'")
    parser.add_argument("--repeat", type=int, default=0, help="runs per median (default: 5, 3 or 1 by N)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--shipped-runs", type=int, default=9, help="runs per median on the shipped log (0: skip)")
    parser.add_argument("--steps", type=int, default=300, help="explorer slider steps")
    parser.add_argument("--no-explorer", action="store_true", help="skip the explorer (needs Chromium and playwright)")
    parser.add_argument("--results", action="store_true", help="write the output to bench/RESULTS.md too")
    args = parser.parse_args()
    # What bench_index.bench_one reads of its arguments.
    args.cli_format, args.inproc_max, args.keep = "json", 2e5, False
    load_before = os.getloadavg()
    import statustrack

    head = (
        f"statustrack {statustrack.__version__}; Python {sys.version.split()[0]}; {os.cpu_count()} CPUs; "
        f"load average {load_before[0]:.1f} {load_before[1]:.1f} {load_before[2]:.1f} at the start"
    )
    print(head, flush=True)
    targets: list[Target] = []
    notes: list[str] = []
    tables: list[str] = []
    if args.shipped_runs:
        found, note = shipped(args.shipped_runs, args.timeout)
        targets += found
        notes.append(note)
        print(note, end="", flush=True)
    if not args.no_explorer:
        found, note = explorer(args.steps, args.timeout)
        targets += found
        notes.append(note)
        print(note, end="", flush=True)
    with tempfile.TemporaryDirectory(prefix="statustrack-run-") as work:
        for count in (parse_count(n) for n in args.n.split(",")):
            table = bi.bench_one(count, Path(work) / f"n{count}", args)
            tables.append(table.render())
            targets += targets_of(table)
    load_after = os.getloadavg()
    tail = f"load average {load_after[0]:.1f} {load_after[1]:.1f} {load_after[2]:.1f} at the end"
    text = (
        f"## `python bench/run.py --n {args.n}` ({dt.date.today().isoformat()})\n\n{head}; {tail}\n\n"
        f"### Targets of issue 20\n\n{render(targets)}\n{''.join(notes)}\n" + "\n".join(tables)
    )
    print("\n" + text, flush=True)
    if args.results:
        results = HERE / "RESULTS.md"
        before = results.read_text(encoding="utf-8") if results.exists() else ""
        title, _, rest = before.partition("\n\n")
        results.write_text(f"{title}\n\n{text}\n\n{rest}" if before else text, encoding="utf-8")


if __name__ == "__main__":
    main()
