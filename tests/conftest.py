"""Shared fixtures: the mini log, a way to build throwaway logs, and a CLI runner."""

from __future__ import annotations

import io
import json
import os
import shutil
from collections.abc import Callable
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import attrs
import pytest
from hypothesis import HealthCheck, settings

from statustrack.cli import main

MINI = Path(__file__).parent / "data" / "mini"

settings.register_profile("ci", max_examples=100, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", max_examples=50, deadline=None)
settings.register_profile("deep", max_examples=10_000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


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

@pytest.fixture
def cli() -> Callable[..., Run]:
    """The CLI runner."""
    return run_cli


@pytest.fixture
def mini() -> Path:
    """The mini test log."""
    return MINI


@pytest.fixture
def sealed_mini(tmp_path: Path) -> Path:
    """A sealed copy of the mini log, to write to."""
    from statustrack.api.write import seal

    root = tmp_path / "log"
    shutil.copytree(MINI, root)
    seal(root)
    return root


@pytest.fixture
def make_log(tmp_path: Path) -> Callable[[dict[str, str]], Path]:
    """Write a log directory from {relative path: text} on top of the mini log's registry."""

    def make(files: dict[str, str], *, base: bool = True) -> Path:
        root = tmp_path / "log"
        if base:
            for rel in ("log.toml", "registry/registry.toml"):
                target = root / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text((MINI / rel).read_text(encoding="utf-8"), encoding="utf-8")
        for rel, text in files.items():
            target = root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(text, bytes):
                target.write_bytes(text)
            else:
                target.write_text(text, encoding="utf-8")
        return root

    return make


@pytest.fixture
def validate_files(make_log: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> Callable[..., Run]:
    """Write a throwaway log from {relative path: text} and run `validate --log log` beside it."""

    def validate(files: dict[str, str | bytes]) -> Run:
        root = make_log(files)
        monkeypatch.chdir(root.parent)
        return run_cli("validate", "--log", "log")

    return validate


GEO = Path(__file__).parent / "data" / "geo"
# Bidi overrides are refused by the validator (tests/test_adversarial_input.py), so the
# payloads a valid log can carry into a page or a picture are markup.
PAYLOADS = ("<script>window.__pwned=1</script>", '"><img src=x onerror="window.__pwned=2">',
            "</script><script>window.__pwned=3</script>")


@pytest.fixture
def evil_log(make_log: Callable[..., Path]) -> Path:
    """A log whose names, notes, values and source titles hold markup and bidi overrides."""
    payload = " ".join(PAYLOADS)
    registry = (GEO / "registry" / "registry.toml").read_text(encoding="utf-8")
    registry = registry.replace('name = "North Town"', f"name = {json.dumps('North ' + payload)}")
    registry = registry.replace('name = "Red Republic"', f"name = {json.dumps('Red ' + payload)}")
    registry = registry.replace('title = "Test source one"', f"title = {json.dumps('Source ' + payload)}")
    registry = registry.replace('url = "https://example.org/two"', 'url = "javascript:window.__pwned=4"')
    events = (GEO / "events.toml").read_text(encoding="utf-8")
    events = events.replace('note = "North Town taken by Red."', f"note = {json.dumps('Note ' + payload)}")
    events = events.replace('name = "The Test War"', f"name = {json.dumps('War ' + payload)}")
    return make_log({"log.toml": (GEO / "log.toml").read_text(encoding="utf-8"), "registry/registry.toml": registry,
                     "events.toml": events}, base=False)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Under CI=true a skipped test fails the run: every test here is required."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter is not None else 0
    if os.environ.get("CI") == "true" and skipped and exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
        if reporter is not None:
            reporter.write_line(f"CI: {skipped} test(s) skipped; under CI every test is required", red=True)
