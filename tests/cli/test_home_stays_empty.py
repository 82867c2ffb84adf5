"""A test run writes nothing into the user's home: the shipped log's index, which the CLI keeps
in the user's cache, goes to the run's scratch folder (tests/conftest.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
#: Tests that query the shipped log through the CLI, in process and in a subprocess.
WRITERS = ("tests/api/test_shipped_semantics.py", "tests/views/test_pictures.py::test_at_does_not_import_the_pictures")


def _home_only(home: Path) -> dict[str, str]:
    """This environment with HOME at `home` and no cache directory of its own."""
    env = {k: v for k, v in os.environ.items() if k not in ("XDG_CACHE_HOME", "HOME")}
    return env | {"HOME": str(home)}


def _contents(home: Path) -> list[str]:
    return sorted(p.relative_to(home).as_posix() for p in home.rglob("*"))


def test_the_cli_alone_caches_in_home(tmp_path: Path) -> None:
    """Without the test run's redirection, `statustrack at` keeps the shipped log's index under
    HOME/.cache (so the next test checks something)."""
    done = subprocess.run(
        [sys.executable, "-m", "statustrack", "at", "2020-11-10"],
        env=_home_only(tmp_path),
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert [p for p in _contents(tmp_path) if p.startswith(".cache/statustrack/index-")]


@pytest.mark.slow  # a second pytest
def test_a_test_run_leaves_home_empty(tmp_path: Path) -> None:
    """Tests that query the shipped log, run by pytest with HOME at an empty folder, leave it empty."""
    home = tmp_path / "home"
    home.mkdir()
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *WRITERS],
        cwd=ROOT,
        env=_home_only(home),
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert _contents(home) == []
