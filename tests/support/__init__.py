"""Helpers every test folder imports: the test logs' paths and the CLI runner.

The fixtures built on them live in tests/conftest.py; Hypothesis strategies, the brute-force
model and the laws are this package's modules (`strategies`, `model`, `laws`, `history_laws`).
"""

from __future__ import annotations

import atexit
import io
import shutil
import tempfile
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import attrs

from statustrack.cli import main

#: Everything a test run writes outside its tests' own temporary folders goes here, one folder
#: per process (tests/conftest.py points HOME and the cache into it); removed when the process ends.
SCRATCH = Path(tempfile.mkdtemp(prefix="statustrack-tests-"))
atexit.register(shutil.rmtree, SCRATCH, ignore_errors=True)
#: A copy of tests/data: the CLI keeps an index beside a writable log, never in the checkout.
DATA = SCRATCH / "data"
shutil.copytree(Path(__file__).parents[1] / "data", DATA, ignore=shutil.ignore_patterns(".statustrack-index.sqlite*"))
#: The mini test log: a few places, actors and events around the 2020 war.
MINI = DATA / "mini"
#: A small log with coordinates, for the map and the explorer page.
GEO = DATA / "geo"
#: A log about an invented region (its own places, actors, time zone and horizon): the engine knows no region.
MARENZA = DATA / "marenza"


@attrs.frozen
class Run:
    """What a CLI run printed and returned."""

    status: int
    out: str
    err: str


def run_cli(*args: str) -> Run:
    """Run the statustrack command line in-process and capture its output."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            status = main(list(args))
        except SystemExit as e:  # argparse usage errors
            status = int(e.code or 0)
    return Run(status, out.getvalue(), err.getvalue())


def transcript(*args: str) -> str:
    """What the CLI prints for `args`, which must succeed, with the mini log's path as the
    goldens write it (so they do not depend on where the checkout is)."""
    result = run_cli(*args)
    assert result.status == 0, result.err
    return result.out.replace(str(MINI), "tests/data/mini")
