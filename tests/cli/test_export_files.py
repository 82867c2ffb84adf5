"""Export files: written with the user's umask, and never over an existing file without --force."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from ..support import MINI, run_cli

LOG = ["--log", str(MINI)]


@pytest.fixture
def umask() -> Iterator[None]:
    """Restore the process's umask after the test changes it."""
    old = os.umask(0o022)
    os.umask(old)
    yield
    os.umask(old)


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
@pytest.mark.parametrize("fmt", ["csv", "jsonl", "sqlite", "parquet"])
@pytest.mark.parametrize(("mask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_export_file_has_the_umask_mode(fmt: str, mask: int, mode: int, tmp_path: Path, umask: None) -> None:
    """Under umask 022 an export is 0644, under 077 0600, under 002 0664: what `open` gives a new file."""
    if fmt == "parquet":
        pytest.importorskip("pyarrow")
    os.umask(mask)
    target = tmp_path / f"runs.{fmt}"
    result = run_cli("export", "--format", fmt, "-o", str(target), *LOG)
    assert result.status == 0, result.err
    assert stat.S_IMODE(target.stat().st_mode) == mode


def test_export_refuses_an_existing_file(tmp_path: Path) -> None:
    """An export to an existing file is one error line naming --force, and leaves the file alone."""
    target = tmp_path / "runs.csv"
    target.write_text("keep me\n", encoding="utf-8")
    result = run_cli("export", "-o", str(target), *LOG)
    assert (result.status, result.out, result.err) == (
        2,
        "",
        f"statustrack: error: {target} exists: give --force to replace it, or another -o FILE\n",
    )
    assert target.read_text(encoding="utf-8") == "keep me\n"


def test_export_force_replaces(tmp_path: Path) -> None:
    """With --force the file is replaced whole by the export."""
    target = tmp_path / "runs.csv"
    target.write_text("old\n", encoding="utf-8")
    result = run_cli("export", "-o", str(target), "--force", *LOG)
    assert result.status == 0, result.err
    assert target.read_text(encoding="utf-8") == run_cli("export", *LOG).out
