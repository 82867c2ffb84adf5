"""What a command answered from a current index imports: never the loader, the replay or the builder.

Start-up is most of a whole `statustrack at` (issue 20): each module below is one a
command answering from a current index has no use for. The list is the contract; the
benchmark (bench/run.py) measures the time.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ..support import MINI

#: Modules the index path must not import: the event classes, the loader and parser of log
#: files, the ledger and its hashing, the replay and its reducers and checks, the history
#: sweep, the index builder and appender, the replaying reader, the write verbs, the
#: pictures and exports, and tabulate and the TOML reader (neither needed to print JSON).
FORBIDDEN = (
    "statustrack.core.events",
    "statustrack.core.replay",
    "statustrack.core.reducers",
    "statustrack.core.checks",
    "statustrack.core.history",
    "statustrack.core.reach",
    "statustrack.log.load",
    "statustrack.log.parse",
    "statustrack.log.ledger",
    "statustrack.log.store",
    "statustrack.log.write",
    "statustrack.index.build",
    "statustrack.index.append",
    "statustrack.api.replayed",
    "statustrack.api.write",
    "statustrack.views.export",
    "statustrack.views.timeline",
    "statustrack.views.map",
    "statustrack.views.html",
    "statustrack.views.svg",
    "statustrack.views.png",
    "tabulate",
    "tomllib",
)
# Not listed, because the path needs them: attrs (facts are attrs values), pendulum (the
# query's instant), sqlite3, and hashlib (the index's key hashes the code's version).

PROBE = """
import contextlib, io, json, sys
from statustrack.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    status = main(sys.argv[1:])
print(json.dumps([status, sorted(sys.modules)]))
"""


def _imported(args: list[str], env: dict[str, str]) -> tuple[int, set[str]]:
    done = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, check=True, env=env)
    status, modules = json.loads(done.stdout.strip().splitlines()[-1])
    return status, set(modules)


@pytest.fixture(scope="module")
def indexed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A copy of the mini log whose index a first query has built (with its own cache)."""
    root = tmp_path_factory.mktemp("startup") / "log"
    shutil.copytree(MINI, root)
    env = {**os.environ, "XDG_CACHE_HOME": str(root.parent / "cache")}
    env.pop("STATUSTRACK_LOG", None)
    status, modules = _imported(["at", "2020-11-10", "--log", str(root)], env)
    assert status == 0
    assert "statustrack.index.build" in modules  # the first query built the index
    return root, env


@pytest.mark.parametrize(
    "args",
    [
        ["at", "2020-11-10", "--format", "json"],
        ["at", "2020-11-10", "--format", "csv"],
        ["diff", "2020-09-26", "2020-11-10", "--format", "json"],
    ],
)
def test_the_index_path_imports_none_of_the_forbidden_modules(
    indexed: tuple[Path, dict[str, str]], args: list[str]
) -> None:
    """`at` and `diff` answered from a current index import none of `FORBIDDEN`."""
    root, env = indexed
    status, modules = _imported([*args, "--log", str(root)], env)
    assert status in (0, 1)
    assert sorted(modules.intersection(FORBIDDEN)) == []


def test_the_table_of_at_imports_no_loader(indexed: tuple[Path, dict[str, str]]) -> None:
    """The default table of `at` from a current index imports no loader, replay or builder either."""
    root, env = indexed
    status, modules = _imported(["at", "2020-11-10", "--log", str(root)], env)
    assert status == 0
    assert sorted(modules.intersection(FORBIDDEN)) == []


def test_the_probe_sees_a_stale_index_rebuilt(indexed: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    """The probe can fail: with the index gone, `at` loads and replays, and the forbidden modules show."""
    root, env = indexed
    copy = tmp_path / "log"
    shutil.copytree(root, copy, ignore=shutil.ignore_patterns(".statustrack-index.sqlite*"))
    _, modules = _imported(["at", "2020-11-10", "--format", "json", "--log", str(copy)], env)
    assert {"statustrack.core.events", "statustrack.log.load", "statustrack.index.build"} <= modules


LIGHT_PROBE = PROBE.replace("from statustrack.cli import main", "from statustrack.start import main")
#: What `at DATE --format json` from a current index must not import at all (issue 20): the
#: light path answers from stored rows, so neither attrs nor pendulum, the event classes nor
#: tabulate, nor the full command line; nor hashlib (the key hashes with the `_sha256` C
#: module), tempfile and getpass (the last-resort cache folder only) or importlib.resources
#: (the package's folder is its `__file__`'s): each costs a start-up 1-4 ms.
LIGHT_FORBIDDEN = (
    *FORBIDDEN,
    "attrs",
    "attr",
    "pendulum",
    "statustrack.cli",
    "statustrack.core.facts",
    "hashlib",
    "tempfile",
    "getpass",
    "importlib.resources",
)


@pytest.mark.parametrize(
    "args",
    [
        ["at", "2020-11-10", "--format", "json"],
        ["at", "2020-11-10"],
        ["history", "Shusha", "--format", "json"],
        ["history", "Shusha"],
        ["history", "shusha", "--format", "table"],
    ],
)
def test_the_light_path_imports_neither_attrs_nor_pendulum(
    indexed: tuple[Path, dict[str, str]], args: list[str]
) -> None:
    """`statustrack at DATE` and `statustrack history NAME` (the table and `--format json`)
    from a current index (the command's entry point, `statustrack.start`) import none of
    `LIGHT_FORBIDDEN`."""
    root, env = indexed
    done = subprocess.run(
        [sys.executable, "-c", LIGHT_PROBE, *args, "--log", str(root)],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    status, modules = json.loads(done.stdout.strip().splitlines()[-1])
    assert status == 0
    assert sorted(set(modules).intersection(LIGHT_FORBIDDEN)) == []


def test_the_light_probe_sees_a_history_left_to_the_full_path(indexed: tuple[Path, dict[str, str]]) -> None:
    """The probe can fail: `history NAME --aspect control` goes to the full path, which imports attrs."""
    root, env = indexed
    done = subprocess.run(
        [sys.executable, "-c", LIGHT_PROBE, "history", "Shusha", "--aspect", "control", "--log", str(root)],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    status, modules = json.loads(done.stdout.strip().splitlines()[-1])
    assert status == 0
    assert {"attrs", "statustrack.cli"} <= set(modules)
