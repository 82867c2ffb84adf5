"""Reading one big TOML events file: parse.py's scanner before and after, side by side.

Generates one `events.toml` per size with bench/generate.py, then times
`parse.read_text` on it with the current parse.py and with the parse.py of a git
revision (default `main`), in one process. Prints medians; a size the old code would
take longer than `--budget` seconds on (extrapolated quadratically) is skipped.

    .venv/bin/python bench/toml_load.py --sizes 2e3,4e3,8e3,16e3,32e3 --before main
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate, parse_count
from statustrack.log import parse

ROOT = Path(__file__).resolve().parents[1]


def revision_module(revision: str) -> ModuleType:
    """parse.py as it stood at `revision`, loaded as a module of the installed package."""
    source = subprocess.run(
        ["git", "show", f"{revision}:src/statustrack/parse.py"], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout
    spec = importlib.util.spec_from_loader("statustrack._parse_at_revision", loader=None)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    module.__package__ = "statustrack"
    exec(compile(source, f"{revision}:parse.py", "exec"), module.__dict__)
    return module


def seconds(module: ModuleType, text: str, repeat: int) -> float:
    """The median time `module.read_text` takes on `text`."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        raws, problems = module.read_text(text, "events.toml", ".toml")
        times.append(time.perf_counter() - start)
        assert not problems and raws
    return statistics.median(times)


def main() -> None:
    """Time both scanners at each size and print a table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="2e3,4e3,8e3,16e3,32e3")
    parser.add_argument("--before", default="main", help="the git revision whose parse.py to compare with")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--budget", type=float, default=120.0, help="skip an old run expected to take longer")
    args = parser.parse_args()
    old = revision_module(args.before)
    sizes = [parse_count(s) for s in args.sizes.split(",")]
    print(f"| events in one TOML file | parse.py at {args.before} | this parse.py | speed-up |")
    print("|---:|---:|---:|---:|")
    last: tuple[int, float] | None = None
    with tempfile.TemporaryDirectory() as tmp:
        for count in sizes:
            out = generate(Path(tmp) / f"log-{count}", count, events="toml", ledger=False)
            text = (out / "events.toml").read_text(encoding="utf-8")
            new = seconds(parse, text, args.repeat)
            expected = last[1] * (count / last[0]) ** 2 if last else 0.0
            if expected > args.budget:
                print(f"| {count:,} | skipped (~{expected:.0f} s expected) | {new:.2f} s | |")
                continue
            before = seconds(old, text, 1 if expected > 10 else args.repeat)
            last = (count, before)
            print(f"| {count:,} | {before:.2f} s | {new:.2f} s | {before / new:.1f}x |", flush=True)


if __name__ == "__main__":
    main()
