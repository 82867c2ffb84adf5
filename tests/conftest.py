"""Shared fixtures (the mini log, throwaway logs, a CLI runner), Hypothesis profiles, and a
test run that writes nothing outside temporary folders: HOME and the cache point into one."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from .support import GEO, MINI, SCRATCH, Run, run_cli

settings.register_profile("ci", max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", max_examples=50, deadline=None)
settings.register_profile("deep", max_examples=10_000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

_ISOLATION = pytest.StashKey[pytest.MonkeyPatch]()


def pytest_configure(config: pytest.Config) -> None:
    """Point HOME and XDG_CACHE_HOME into the run's scratch folder before anything is collected,
    so no test, nor a CLI it runs in a subprocess (which inherits them), writes into the user's
    home: the shipped log's index, for one, lives in the cache."""
    isolation = pytest.MonkeyPatch()
    for name in ("home", "cache"):
        (SCRATCH / name).mkdir(exist_ok=True)
    isolation.setenv("HOME", str(SCRATCH / "home"))
    isolation.setenv("XDG_CACHE_HOME", str(SCRATCH / "cache"))
    config.stash[_ISOLATION] = isolation


def pytest_unconfigure(config: pytest.Config) -> None:
    """Give back the environment."""
    config.stash[_ISOLATION].undo()


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


# Bidi overrides are refused by the validator (tests/adversarial/test_input_and_output.py), so the
# payloads a valid log can carry into a page or a picture are markup.
PAYLOADS = (
    "<script>window.__pwned=1</script>",
    '"><img src=x onerror="window.__pwned=2">',
    "</script><script>window.__pwned=3</script>",
)


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
    return make_log(
        {
            "log.toml": (GEO / "log.toml").read_text(encoding="utf-8"),
            "registry/registry.toml": registry,
            "events.toml": events,
        },
        base=False,
    )


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Under CI=true a skipped test fails the run: every test here is required."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter is not None else 0
    if os.environ.get("CI") == "true" and skipped and exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
        if reporter is not None:
            reporter.write_line(f"CI: {skipped} test(s) skipped; under CI every test is required", red=True)
