"""Benchmark: statustrack against an SQLite interval table, on the same synthetic events.

For each N, generates a log (bench/generate.py, JSON Lines) and measures, side by side
in one run, statustrack through its public API and CLI (whatever implementation is
installed) and the SQLite baseline of bench/baseline.py built from the same JSON Lines:

- cold build: the first `at` on a fresh copy with no index, in-process (`load_log` +
  `at`, timed inside a new worker process) and as a whole CLI process;
- `at` in a new process with a current index (the CLI, after a first run built it);
- `at` in-process: the median of repeated calls on a loaded log, over several dates;
- `diff` in-process, over several pairs of dates;
- a 365-date sweep: the state on day 1, then the change to each next day
  (`statustrack.sweep` when the installed statustrack has it, else 365 `at` calls);
- one `record` of one event (a CLI process, on the log with its index; the first record
  after a query built the index verifies the whole log once and is noted apart);
- peak RSS (ru_maxrss) of the processes running load + `at`.

Plus the shipped-log whole-process figure: `statustrack at 2020-11-10` against
`python -c "import attrs, pendulum, tabulate"`.

Figures are medians; ratios are statustrack / SQLite (below 1 means statustrack is
faster). Every step runs in a child process under `--timeout` and prints "timeout"
rather than hang. Nothing is asserted: these machines are shared and noisy, so compare
the ratios of one run rather than figures across runs.

    .venv/bin/python bench/bench_index.py --n 1e4
    .venv/bin/python bench/bench_index.py --n 1e4,1e5,1e6 --timeout 900
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import baseline  # noqa: E402
from generate import generate, parse_count  # noqa: E402

PYTHON = sys.executable
DATES = ("2020-11-10", "1995-06-15", "2005-03-01", "2012-05-15", "2023-12-31", "1990-01-31", "2016-04-05")
PAIRS = (
    ("2020-09-26", "2020-11-10"),
    ("2005-01-01", "2006-01-01"),
    ("1991-01-01", "1994-05-12"),
    ("2023-09-01", "2024-01-01"),
)
SWEEP_START = "2020-01-01"
IMPORT_FLOOR = "import attrs, pendulum, tabulate"


# ---------------------------------------------------------------------------------------------
# Running children: wall time, exit status, peak RSS of that one child, and a timeout.


class Ran:
    """One child process: its wall time, status, output and peak RSS (MiB); `timed_out`."""

    def __init__(self, seconds: float, status: int, out: str, err: str, rss_mib: float, timed_out: bool) -> None:
        self.seconds, self.status, self.out, self.err = seconds, status, out, err
        self.rss_mib, self.timed_out = rss_mib, timed_out

    @property
    def ok(self) -> bool:
        return not self.timed_out and self.status == 0


# A tiny launcher between us and each measured command. Linux keeps a process's peak RSS
# across fork and exec, so a command forked from this (larger) process would report our
# RSS as its floor; the launcher is smaller than any Python command it starts. It times
# the command from spawn to exit and reports its status and peak RSS on the pipe it is given.
LAUNCHER = """
import os, sys, time
report = int(sys.argv[1])
os.set_inheritable(report, False)
started = time.perf_counter()
pid = os.posix_spawnp(sys.argv[2], sys.argv[2:], os.environ)
_, status, usage = os.wait4(pid, 0)
os.write(report, f"{time.perf_counter() - started} {os.waitstatus_to_exitcode(status)} {usage.ru_maxrss}".encode())
"""


def run(argv: Sequence[str], *, timeout: float, env: dict[str, str] | None = None, stdout_to_null: bool = False) -> Ran:
    """Run `argv` through the launcher: its wall time, status and peak RSS; killed after `timeout`."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        report_r, report_w = os.pipe()
        child = subprocess.Popen(
            [PYTHON, "-S", "-c", LAUNCHER, str(report_w), *argv],
            stdout=subprocess.DEVNULL if stdout_to_null else out,
            stderr=err,
            env=env,
            start_new_session=True,
            pass_fds=(report_w,),
        )
        os.close(report_w)
        fired = threading.Event()

        def kill() -> None:
            fired.set()
            try:
                os.killpg(child.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

        timer = threading.Timer(timeout, kill)
        timer.start()
        with os.fdopen(report_r, "rb") as report:
            words = report.read().decode().split()
        child.wait()
        timer.cancel()
        out.seek(0)
        err.seek(0)
        if len(words) != 3:  # killed, or the launcher failed
            return Ran(
                timeout,
                child.returncode or -1,
                out.read().decode("utf-8", "replace"),
                err.read().decode("utf-8", "replace"),
                0.0,
                fired.is_set(),
            )
        return Ran(
            float(words[0]),
            int(words[1]),
            out.read().decode("utf-8", "replace"),
            err.read().decode("utf-8", "replace"),
            int(words[2]) / 1024,
            fired.is_set(),
        )


def statustrack_cli() -> list[str]:
    """The installed `statustrack` command beside this Python, else `python -m statustrack`."""
    script = Path(PYTHON).parent / "statustrack"
    return [str(script)] if script.exists() else [PYTHON, "-m", "statustrack"]


def environment(cache: Path) -> dict[str, str]:
    """The environment of a child: its own user cache directory (where an index may live)."""
    env = dict(os.environ)
    env["XDG_CACHE_HOME"] = str(cache)
    env.pop("STATUSTRACK_LOG", None)
    return env


def worker(task: str, *args: str, timeout: float, cache: Path) -> tuple[dict[str, Any] | None, Ran]:
    """Run `task` of this script in a child process; its last stdout line is its JSON result."""
    ran = run([PYTHON, __file__, "--worker", task, *args], timeout=timeout, env=environment(cache))
    if not ran.ok:
        return None, ran
    return json.loads(ran.out.strip().splitlines()[-1]), ran


# ---------------------------------------------------------------------------------------------
# Worker tasks (run inside a child process; print one JSON line).


def _median_calls(action: Callable[[Any], object], items: Sequence[Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        for item in items:
            started = time.perf_counter()
            action(item)
            times.append(time.perf_counter() - started)
    return statistics.median(times)


def _rss_mib() -> float:
    """This process's peak RSS since it started (VmHWM: unlike ru_maxrss, not inherited across exec)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _loader(statustrack: Any) -> Any:
    """How a query loads a log: through the fact index when this statustrack has one."""
    return getattr(statustrack, "load_indexed", None) or statustrack.load_log


def task_cold(log: str) -> dict[str, Any]:
    """Load (building the index, if any) + the first `at`, timed in this fresh process."""
    import statustrack

    started = time.perf_counter()
    loaded = _loader(statustrack)(log)
    loaded_at = time.perf_counter()
    answer = statustrack.at(loaded, DATES[0])
    done = time.perf_counter()
    return {
        "seconds": done - started,
        "load": loaded_at - started,
        "first_at": done - loaded_at,
        "events": len((loaded.load() if hasattr(loaded, "load") else loaded).events),
        "facts": len(answer.facts),
        "rss_mib": _rss_mib(),
    }


def _days(count: int) -> list[str]:
    import datetime as dt

    first = dt.date.fromisoformat(SWEEP_START)
    return [(first + dt.timedelta(days=i)).isoformat() for i in range(count)]


def task_query(log: str, repeat: str) -> dict[str, Any]:
    """`at` and `diff` in-process on a loaded log; "-" is the shipped log. The first call
    for each date (which decodes the facts it meets) is timed apart from later calls."""
    import statustrack

    _loader(statustrack)(None if log == "-" else log)  # the index is current from here on
    started = time.perf_counter()
    loaded = _loader(statustrack)(None if log == "-" else log)
    load = time.perf_counter() - started
    first = _median_calls(lambda d: statustrack.at(loaded, d), DATES, 1)
    statustrack.diff(loaded, *PAIRS[0])
    result = {
        "load": load,
        "at_first": first,
        "at": _median_calls(lambda d: statustrack.at(loaded, d), DATES, max(3, int(repeat))),
        "diff": _median_calls(lambda p: statustrack.diff(loaded, *p), PAIRS, max(3, int(repeat))),
        "facts": {d: len(statustrack.at(loaded, d).facts) for d in DATES[:1]},
        "rss_mib": _rss_mib(),
    }
    return result


def _sweep_call(statustrack: Any, loaded: Any, days: list[str]) -> str | None:
    """Call `statustrack.sweep` the way its signature allows; None if none works."""
    attempts = (lambda: statustrack.sweep(loaded, days), lambda: statustrack.sweep(loaded, days[0], days[-1]))
    for attempt in attempts:
        try:
            result = attempt()
            if hasattr(result, "__iter__") and not isinstance(result, (str, bytes, dict)):
                for _ in result:
                    pass
            return "statustrack.sweep"
        except TypeError:
            continue
    return None


def task_sweep(log: str) -> dict[str, Any]:
    """365 days, through the index when this statustrack has one: `statustrack.slide` (the
    answer on day 1, then the diff to each next day) if it exists, and `statustrack.sweep`
    (365 full answers) or, lacking it, 365 `at` calls."""
    import statustrack

    loaded = _loader(statustrack)(log)
    days = _days(365)
    statustrack.at(loaded, days[0])  # the first day's facts decoded (the first-call cost is measured apart)
    result: dict[str, Any] = {}
    if hasattr(statustrack, "slide"):
        started = time.perf_counter()
        changes = sum(len(step.changes) for step in list(statustrack.slide(loaded, days))[1:])
        result["slide"] = time.perf_counter() - started
        result["changes"] = changes
    started = time.perf_counter()
    how = _sweep_call(statustrack, loaded, days) if hasattr(statustrack, "sweep") else None
    if how is None:
        started = time.perf_counter()
        for day in days:
            statustrack.at(loaded, day)
        how = "365 at calls (no statustrack.sweep)"
    result.update(seconds=time.perf_counter() - started, how=how)
    return result


def task_sqlite(log: str, db: str, repeat: str) -> dict[str, Any]:
    """The baseline: build from the JSON Lines (timed), then `at`, `diff` and the sweep in-process."""
    builds = []
    for attempt in range(int(repeat)):
        target = Path(f"{db}.{attempt}")
        for leftover in target.parent.glob(f"{target.name}*"):
            leftover.unlink()
        started = time.perf_counter()
        rows = baseline.build(Path(log), target)
        builds.append(time.perf_counter() - started)
        if attempt:
            for leftover in target.parent.glob(f"{target.name}*"):
                leftover.unlink()
    shutil.move(f"{db}.0", db)
    rss = _rss_mib()
    connection = sqlite3.connect(db)
    baseline.at(connection, DATES[0])
    started = time.perf_counter()
    baseline.sweep(connection, _days(365))
    sweep = time.perf_counter() - started
    return {
        "build": statistics.median(builds),
        "rows": rows,
        "rss_mib": rss,
        "at": _median_calls(lambda d: baseline.at(connection, d), DATES, max(3, int(repeat))),
        "diff": _median_calls(lambda p: baseline.diff(connection, *p), PAIRS, max(3, int(repeat))),
        "sweep": sweep,
        "facts": len(baseline.at(connection, DATES[0])),
    }


TASKS: dict[str, Callable[..., dict[str, Any]]] = {
    "cold": task_cold,
    "query": task_query,
    "sweep": task_sweep,
    "sqlite": task_sqlite,
}


# ---------------------------------------------------------------------------------------------
# The benchmark for one N.


class Table:
    """Rows of (measure, statustrack, SQLite); cells are floats, or text such as "timeout"."""

    def __init__(self, count: int) -> None:
        self.count = count
        self.rows: list[tuple[str, Any, Any, str]] = []
        self.notes: list[str] = []
        self.extra: dict[str, Any] = {}  # figures a caller reads by name (bench/run.py)

    def add(self, measure: str, ours: Any, theirs: Any, unit: str = "s") -> None:
        self.rows.append((measure, ours, theirs, unit))
        self.extra[measure] = (ours, theirs)
        print(f"  {measure}: {_cell(ours, unit)} vs {_cell(theirs, unit)}", flush=True)

    def note(self, text: str) -> None:
        self.notes.append(text)
        print(f"  note: {text}", flush=True)

    def render(self) -> str:
        lines = [
            f"### N = {self.count:,} events",
            "",
            "| measure | statustrack | SQLite baseline | ratio |",
            "|---|---:|---:|---:|",
        ]
        for measure, ours, theirs, unit in self.rows:
            ratio = f"{ours / theirs:.2f}x" if isinstance(ours, float) and isinstance(theirs, float) and theirs else ""
            lines.append(f"| {measure} | {_cell(ours, unit)} | {_cell(theirs, unit)} | {ratio} |")
        lines += [""] + [f"- {n}" for n in self.notes]
        return "\n".join(lines) + "\n"


def _cell(value: Any, unit: str) -> str:
    if not isinstance(value, float):
        return "" if value is None else str(value)
    if unit == "MiB":
        return f"{value:,.0f} MiB"
    if value < 0.01:
        return f"{value * 1000:.2f} ms"
    if value < 1:
        return f"{value * 1000:.0f} ms"
    return f"{value:.2f} s"


def _failed(ran: Ran) -> str:
    if ran.timed_out:
        return "timeout"
    last = (ran.err.strip().splitlines() or ["?"])[-1]
    return f"failed ({last[:60]})"


def _median_runs(runs: list[Ran]) -> Any:
    if not runs or not all(r.ok for r in runs):
        return _failed(next(r for r in runs if not r.ok)) if runs else None
    return statistics.median(r.seconds for r in runs)


def _fresh_copy(source: Path, target: Path) -> Path:
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(source, target)
    return target


def bench_one(count: int, work: Path, args: argparse.Namespace) -> Table:
    """Generate a log of `count` events and measure both sides on it."""
    table = Table(count)
    print(f"N = {count:,}", flush=True)
    repeat = args.repeat or (5 if count <= 20_000 else 3 if count <= 200_000 else 1)
    timeout = args.timeout
    pristine = work / "log"
    started = time.perf_counter()
    generate(pristine, count, seed=args.seed)
    table.note(
        f"generated in {time.perf_counter() - started:.1f} s ({pristine}); "
        f"{repeat} runs per median; CLI output --format {args.cli_format} to /dev/null"
    )
    cli = statustrack_cli()
    fmt = ["--format", args.cli_format]

    # SQLite baseline, in-process (its own worker) and as processes.
    db = work / "baseline.db"
    theirs, ran = worker("sqlite", str(pristine), str(db), str(repeat), timeout=timeout, cache=work / "cache-sqlite")
    if theirs is None:
        table.note(f"SQLite baseline: {_failed(ran)}")
        theirs = {}
    else:
        table.note(f"SQLite baseline: {theirs['rows']:,} runs; {theirs['facts']:,} facts at {DATES[0]}")
    base_build = (
        [
            run([PYTHON, str(HERE / "baseline.py"), "build", str(pristine), str(work / f"cli-{i}.db")], timeout=timeout)
            for i in range(min(repeat, 3))
        ]
        if theirs
        else []
    )
    base_at = (
        [
            run([PYTHON, str(HERE / "baseline.py"), "at", str(db), DATES[0]], timeout=timeout, stdout_to_null=True)
            for _ in range(repeat)
        ]
        if theirs
        else []
    )

    # Cold: a fresh copy, no index anywhere (a fresh user cache too), in-process and as a CLI process.
    colds: list[Any] = []
    inproc = repeat if count <= args.inproc_max else 0
    for i in range(inproc):
        copy = _fresh_copy(pristine, work / f"cold-{i}")
        result, ran = worker("cold", str(copy), timeout=timeout, cache=work / f"cache-cold-{i}")
        shutil.rmtree(copy)
        if result is None:
            colds = [_failed(ran)]
            break
        colds.append(result)
    ok = bool(colds) and isinstance(colds[0], dict)
    cold_cli = []
    runs = repeat if ok or not inproc else 1
    warm: Path | None = None
    for i in range(runs):
        copy = _fresh_copy(pristine, work / f"cold-cli-{i}")
        cold_cli.append(
            run(
                [*cli, "at", DATES[0], "--log", str(copy), *fmt],
                timeout=timeout,
                env=environment(work / f"cache-cold-cli-{i}"),
                stdout_to_null=True,
            )
        )
        if i == runs - 1 and cold_cli[-1].ok:
            warm, warm_env = copy, environment(work / f"cache-cold-cli-{i}")  # its index is current
        else:
            shutil.rmtree(copy)
        if not cold_cli[-1].ok:
            break
    if inproc:
        table.add(
            "cold build: load_log + first at, in-process",
            statistics.median(c["seconds"] for c in colds) if ok else colds[0],
            theirs.get("build"),
        )
    else:
        table.note(
            f"cold build in-process not run above --inproc-max {args.inproc_max:,} (the CLI row is the cold build)"
        )
    if ok:
        table.note(
            f"cold in-process split: load_log {statistics.median(c['load'] for c in colds):.2f} s, "
            f"first at {statistics.median(c['first_at'] for c in colds):.2f} s; "
            f"{colds[0]['facts']:,} facts at {DATES[0]}"
        )
    table.add("cold build: whole CLI process (at)", _median_runs(cold_cli), _median_runs(base_build))

    # Warm: the last cold CLI run's copy, whose index that run built (or a fresh copy).
    if warm is None:
        warm, warm_env = _fresh_copy(pristine, work / "warm"), environment(work / "cache-warm")
    first = run([*cli, "at", DATES[0], "--log", str(warm), *fmt], timeout=timeout, env=warm_env, stdout_to_null=True)
    warm_cli = (
        [first]
        if not first.ok
        else [
            run([*cli, "at", DATES[0], "--log", str(warm), *fmt], timeout=timeout, env=warm_env, stdout_to_null=True)
            for _ in range(repeat)
        ]
    )
    table.add("at, new CLI process, index current", _median_runs(warm_cli), _median_runs(base_at))

    warm_cache = Path(warm_env["XDG_CACHE_HOME"])
    query, ran = worker("query", str(warm), str(max(1, repeat // 2)), timeout=timeout, cache=warm_cache)
    table.add(
        "at in-process, first call per date (median over dates)",
        query["at_first"] if query else _failed(ran),
        theirs.get("at"),
    )
    table.add("at in-process (median over dates)", query["at"] if query else _failed(ran), theirs.get("at"))
    table.add("diff in-process (median over pairs)", query["diff"] if query else _failed(ran), theirs.get("diff"))
    if query:
        table.note(f"load_log with the index current: {query['load']:.2f} s")

    sweep, ran = worker("sweep", str(warm), timeout=timeout, cache=warm_cache)
    if sweep and "slide" in sweep:
        table.add("365-date slide (at on day 1, then 364 diffs)", sweep["slide"], theirs.get("sweep"))
        table.note(f"the slide met {sweep['changes']:,} changes")
    table.add("365-date sweep (365 full answers)", sweep["seconds"] if sweep else _failed(ran), theirs.get("sweep"))
    table.note(
        f"statustrack sweep: {sweep['how'] if sweep else 'see above'}; "
        "SQLite sweep: at on day 1, then 364 indexed diffs"
    )
    cold_build = (
        statistics.median(c["seconds"] for c in colds)
        if ok
        else _median_runs(cold_cli)
        if cold_cli and all(r.ok for r in cold_cli)
        else None
    )
    if sweep and isinstance(cold_build, float):
        walked = sweep.get("slide", sweep["seconds"])
        table.note(f"the slide against one cold replay (the cold build above): {walked / cold_build:.3f}x")

    # One record: a new event appended to the warm log, as a CLI process. The warm log itself (it
    # is not read after this), because its index is current; a copy's is not (the index is keyed by
    # the log's path). Its index was built by a query, which does not verify the ledger: the first
    # record verifies the whole log once (noted); the row is the median of the records after it.
    recs, base_recs = [], []
    copy = warm
    base_copy = work / "record.db"
    if theirs:
        shutil.copy(db, base_copy)
    for i in range(repeat + 1):
        event = {
            "id": f"bench-record-{i}",
            "kind": "statement",
            "date": "2024-12-31",
            "actor": "state-00",
            "summary": f"benchmark statement {i}",
            "ref": f"bench-{i}",
            "sources": [{"id": "src-000"}],
        }
        path = work / f"record-{i}.jsonl"
        path.write_text(json.dumps(event) + "\n", encoding="utf-8")
        ran = run([*cli, "record", str(path), "--log", str(copy)], timeout=timeout, env=warm_env)
        if not ran.ok and "seal" in ran.err and i == 0:
            table.note("the generated ledger did not verify with this statustrack: sealed first (untimed)")
            run([*cli, "seal", "--log", str(copy)], timeout=timeout, env=warm_env)
            ran = run([*cli, "record", str(path), "--log", str(copy)], timeout=timeout, env=warm_env)
        recs.append(ran)
        if not ran.ok:
            break
        if theirs:
            base_recs.append(
                run([PYTHON, str(HERE / "baseline.py"), "append", str(base_copy), str(path)], timeout=timeout)
            )
    if recs and recs[0].ok:
        table.extra["first_record"] = recs[0].seconds
        table.note(
            f"first record after the build (it verifies the whole log only if the build did not remember a "
            f"verified ledger): "
            f"{recs[0].seconds:.2f} s; each record: {', '.join(f'{r.seconds:.2f}' for r in recs)} s"
        )
    table.add(
        "one record (whole CLI process)", _median_runs(recs[1:] or recs), _median_runs(base_recs[1:] or base_recs)
    )

    cold_rss = max(c["rss_mib"] for c in colds) if ok else None
    if not inproc:
        table.note("peak RSS of the cold build: the CLI row below")
    table.add("peak RSS, cold load + at (in-process worker)", cold_rss, theirs.get("rss_mib"), "MiB")
    cli_rss = max(r.rss_mib for r in cold_cli) if cold_cli and all(r.ok for r in cold_cli) else None
    base_cli_rss = max(r.rss_mib for r in base_build) if base_build and all(r.ok for r in base_build) else None
    table.add("peak RSS, cold CLI at / baseline build process", cli_rss, base_cli_rss, "MiB")
    warm_rss = max(r.rss_mib for r in warm_cli) if warm_cli and all(r.ok for r in warm_cli) else None
    base_at_rss = max(r.rss_mib for r in base_at) if base_at and all(r.ok for r in base_at) else None
    table.add("peak RSS, CLI at with index current", warm_rss, base_at_rss, "MiB")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return table


def bench_shipped(runs: int, timeout: float) -> str:
    """`statustrack at 2020-11-10` on the shipped log against importing its dependencies."""
    cli = statustrack_cli()
    # As `pip install` leaves it: the package's modules compiled to bytecode. An editable
    # install under PYTHONDONTWRITEBYTECODE would otherwise compile every module per run.
    import statustrack

    subprocess.run(
        [PYTHON, "-m", "compileall", "-q", str(Path(statustrack.__file__).parent)],
        check=False,
        stdout=subprocess.DEVNULL,
    )
    warm = run([*cli, "at", "2020-11-10"], timeout=timeout, stdout_to_null=True)  # builds any index
    if not warm.ok:
        return f"shipped log: statustrack at 2020-11-10 {_failed(warm)}\n"
    ours, floor = [], []
    for _ in range(runs):  # interleaved, so both see the same machine
        ours.append(run([*cli, "at", "2020-11-10"], timeout=timeout, stdout_to_null=True).seconds)
        floor.append(run([PYTHON, "-c", IMPORT_FLOOR], timeout=timeout).seconds)
    a, b = statistics.median(ours), statistics.median(floor)
    text = (
        "### Shipped log, whole process\n\n| command | median of "
        f"{runs} |\n|---|---:|\n| `statustrack at 2020-11-10` | {a * 1000:.0f} ms |\n"
        f'| `python -c "{IMPORT_FLOOR}"` | {b * 1000:.0f} ms |\n| ratio | {a / b:.2f}x |\n'
    )
    with tempfile.TemporaryDirectory() as cache:
        query, ran = worker("query", "-", str(runs), timeout=timeout, cache=Path(cache))
    if query is None:
        return text + f"\nShipped log in-process: {_failed(ran)}\n"
    return text + (
        f"\nShipped log in-process: load_log {query['load'] * 1000:.0f} ms, at {query['at'] * 1000:.1f} ms, "
        f"diff {query['diff'] * 1000:.1f} ms (medians).\n"
    )


def main() -> None:
    """Parse arguments; run one worker task, or the whole benchmark."""
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__
    )
    parser.add_argument("--n", default="1e4", help="event counts, comma-separated: 1e4,1e5,1e6")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds per step before 'timeout'")
    parser.add_argument("--repeat", type=int, default=0, help="runs per median (default: 5, 3 or 1 by N)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--cli-format",
        default="json",
        choices=("json", "table", "csv"),
        help="the output format of the CLI runs on synthetic logs",
    )
    parser.add_argument(
        "--inproc-max",
        type=float,
        default=2e5,
        help="run the in-process cold build only up to this N (the CLI cold build always runs)",
    )
    parser.add_argument("--shipped-runs", type=int, default=7, help="runs per median on the shipped log (0: skip)")
    parser.add_argument("--work", type=Path, help="where to put the logs (default: a temporary directory)")
    parser.add_argument("--keep", action="store_true", help="keep the generated logs and indexes")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args, rest = parser.parse_known_args()
    if args.worker:
        print(json.dumps(TASKS[args.worker](*rest)))
        return
    counts = [parse_count(n) for n in args.n.split(",")]
    work = args.work or Path(tempfile.mkdtemp(prefix="statustrack-bench-"))
    import statustrack

    print(
        f"statustrack {statustrack.__version__} from {Path(statustrack.__file__).parent}; "
        f"Python {sys.version.split()[0]}; {os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.1f}"
    )
    reports = []
    for count in counts:
        reports.append(bench_one(count, work / f"n{count}", args).render())
        print(reports[-1], flush=True)
    if args.shipped_runs:
        reports.append(bench_shipped(args.shipped_runs, args.timeout))
    print("\n" + "\n".join(reports))
    if not args.keep and not args.work:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
