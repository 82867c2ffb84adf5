"""Adversarial cases for record, seal and verify (issue 12): paths, the shipped log, sealed
settings, chain heads, exit statuses, leftovers and recovery, portability.

Each test failed on the code before the fix; the comment above it says how.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import statustrack.api.write
import statustrack.log.load
import statustrack.log.store
from statustrack.api.write import seal
from statustrack.log.ledger import LEDGER, read_ledger
from statustrack.log.load import ENV_VAR

from ..support import MINI, Run, run_cli

ROOT = Path(__file__).resolve().parents[2]
PENDING = ".statustrack.pending"  # the journal of a record in progress (store.PENDING)
EVENT_TOML = (
    '\n[[event]]\nid = "hand-1"\nkind = "statement"\ndate = "2021-02-01"\nactor = "armenia"\n'
    'summary = "added by hand"\nsources = [{ id = "s004" }]\n'
)


@pytest.fixture
def log(sealed_mini: Path) -> Path:
    """A sealed copy of the mini log."""
    return sealed_mini


def record_flags(log: Path | None, ident: str, *extra: str, summary: str = "test") -> Run:
    """Run `statustrack record` for one statement built by flags."""
    where = ["--log", str(log)] if log is not None else []
    return run_cli(
        "record",
        *where,
        "--id",
        ident,
        "--kind",
        "statement",
        "--date",
        "2021-01-01",
        "--set",
        "actor=azerbaijan",
        "--set",
        f"summary={summary}",
        "--source",
        "s004",
        *extra,
    )


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under `root` (but the lock) and its bytes."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != ".statustrack.log.lock"
    }


def one_error(result: Run) -> str:
    """The single error line of a run that exited 2 (asserting both)."""
    assert result.status == 2, result
    assert result.err.count("\n") == 1 and result.err.startswith("statustrack: error: "), result.err
    return result.err


def head_of(out: str) -> str:
    """The chain head printed by record, seal or verify."""
    match = re.search(r"chain head ([0-9a-f]{64})", out)
    assert match, out
    return match[1]


# 1. --to paths. Before: './x.jsonl' and 'sub//x.jsonl' were sealed under those spellings,
# then every later record was refused ("moved"); 'a b.jsonl' left a ledger line of five fields.


@pytest.mark.parametrize(
    ("given", "ledger_name"),
    [
        ("./x.jsonl", "x.jsonl"),
        ("sub//x.jsonl", "sub/x.jsonl"),
        ("sub/./x.jsonl", "sub/x.jsonl"),
    ],
)
def test_record_to_is_normalised(log: Path, given: str, ledger_name: str) -> None:
    """`--to` is written the way the ledger names files, so later records and verify still pass."""
    assert record_flags(log, "a1", "--to", given).status == 0
    second = record_flags(log, "a2", "--to", given)
    assert second.status == 0, second.err
    assert f"recorded a2 in {ledger_name} at " in second.out
    assert run_cli("verify", "--log", str(log)).status == 0
    assert f"\na2 {ledger_name} " in (log / LEDGER).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("target", "why"),
    [
        ("a b.jsonl", "a space"),
        ("a\nb.jsonl", "U+000A"),
        ("a\tb.jsonl", "U+0009"),
        ("x\u202e.jsonl", "U+202E"),
        ("a\\b.jsonl", "a backslash"),
        ("x.toml", "must end in .jsonl"),
        (".jsonl", "must end in .jsonl"),
        ("../x.jsonl", "leaves the log"),
        ("/tmp/x.jsonl", "absolute"),
        ("d.jsonl", "'d.jsonl' is a directory"),
        ("f.jsonl/x.jsonl", "'f.jsonl' is not a directory"),
        (" ", "empty"),
        ("", "empty"),
    ],
)
def test_record_to_refuses_names_the_ledger_cannot_hold(log: Path, target: str, why: str) -> None:
    """A `--to` the ledger cannot hold, or that is not a file of the log, is refused before anything is written."""
    (log / "d.jsonl").mkdir()
    (log / "f.jsonl").write_text("", encoding="utf-8")
    before = snapshot(log)
    assert why in one_error(record_flags(log, "a1", "--to", target))
    assert snapshot(log) == before


def test_seal_refuses_a_file_name_with_a_space(log: Path) -> None:
    """`seal` names a file whose name the ledger cannot hold and changes nothing; renamed, it seals."""
    (log / "new events.toml").write_text(EVENT_TOML, encoding="utf-8")
    before = snapshot(log)
    result = run_cli("seal", "--log", str(log))
    assert result.status == 2
    assert "event hand-1: cannot seal 'new events.toml': its name holds a space" in result.err
    assert snapshot(log) == before
    (log / "new events.toml").rename(log / "new-events.toml")
    assert run_cli("seal", "--log", str(log)).status == 0
    assert run_cli("verify", "--log", str(log)).status == 0


# 3. The shipped log. Before: record and seal with no --log wrote into the installed package.


def test_record_and_seal_refuse_the_shipped_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With no --log and no $STATUSTRACK_LOG, record and seal refuse, and say how to make a copy."""
    monkeypatch.delenv(ENV_VAR, raising=False)
    copy = tmp_path / "shipped"
    shutil.copytree(MINI, copy)
    seal(copy)
    for module in (statustrack.log.load, statustrack.api.write):  # the "shipped" log is a throwaway copy here
        monkeypatch.setattr(module, "default_log_path", lambda: copy)
    before = snapshot(copy)
    for result in (record_flags(None, "a1"), run_cli("seal")):
        error = one_error(result)
        assert "refusing to write to the shipped log inside the installed package" in error
        assert "cp -r " in error and "--log my-log" in error
    assert snapshot(copy) == before


def test_an_installed_shipped_log_is_read_only_even_when_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Naming the installed package's log with --log (not a checkout's symlinked events/) is refused too."""
    installed = tmp_path / "site-packages" / "statustrack" / "data" / "events"
    shutil.copytree(MINI, installed)
    seal(installed)
    monkeypatch.setattr(statustrack.log.store, "shipped_log", lambda: installed)
    before = snapshot(installed)
    assert str(installed) in one_error(record_flags(installed, "a1"))
    assert snapshot(installed) == before
    assert run_cli("verify", "--log", str(installed)).status == 0  # reading it is fine


# 4. Settings. Before: changing the time zone changed answers and verify still passed.


def test_changing_the_time_zone_fails_verify_until_resealed(log: Path) -> None:
    """A changed time zone fails verify (naming log.toml), blocks record and seal, until `seal --settings`."""
    settings = log / "log.toml"
    settings.write_text(settings.read_text(encoding="utf-8").replace("Asia/Baku", "Asia/Yerevan"), encoding="utf-8")
    result = run_cli("verify", "--log", str(log))
    assert result.status == 2
    assert result.err == (
        f"statustrack: error: {log}/log.toml: the log's settings changed since they were sealed "
        "(ledger line 16): "
        "timezone 'Asia/Baku', now 'Asia/Yerevan'; this changes answers; restore them, or if "
        "the change is deliberate seal it with 'statustrack seal --settings'\n"
    )
    assert run_cli("seal", "--log", str(log)).status == 2
    assert record_flags(log, "a1").status == 2
    resealed = run_cli("seal", "--log", str(log), "--settings")
    assert resealed.status == 0 and "sealed 0 events and the log's settings" in resealed.out
    assert run_cli("verify", "--log", str(log)).status == 0


def test_the_shipped_ledger_seals_its_settings() -> None:
    """The shipped ledger has a settings line (appended; its v1 lines are untouched) and verifies."""
    from statustrack.log.ledger import sealed_settings  # new with the fix

    root = ROOT / "events"
    seals, problems = read_ledger(root, "events")
    assert not problems
    assert sealed_settings(seals) is not None
    assert run_cli("verify", "--log", str(root)).status == 0


def test_a_v1_ledger_without_settings_still_verifies(log: Path) -> None:
    """A ledger from before settings were sealed verifies, with a note; the next seal adds the settings."""
    ledger = log / LEDGER
    v1 = [
        line
        for line in ledger.read_text(encoding="utf-8").splitlines(keepends=True)
        if not line.startswith(("@settings", "# settings"))
    ]
    ledger.write_text("".join(v1), encoding="utf-8")
    result = run_cli("verify", "--log", str(log))
    assert result.status == 0 and "settings are not sealed yet" in result.err
    assert "and the log's settings" in run_cli("seal", "--log", str(log)).out
    assert "".join(v1) in ledger.read_text(encoding="utf-8")  # appended, not rewritten


# 5. Anchors. Before: there was no --head, and a rewritten, resealed log passed verify.


def test_verify_head_catches_a_rewrite_and_reseal(log: Path) -> None:
    """The head record prints is accepted by `verify --head` (8 digits are enough) until the log is
    rewritten and resealed."""
    recorded = record_flags(log, "a1")
    head = head_of(recorded.out)
    verified = run_cli("verify", "--log", str(log), "--head", head[:8])
    assert verified.status == 0 and head_of(verified.out) == head
    assert record_flags(log, "a2").status == 0
    assert run_cli("verify", "--log", str(log), "--head", head).status == 0  # the chain grew past it
    events = log / "events.toml"
    events.write_text(events.read_text(encoding="utf-8").replace("declared republic", "a republic"), encoding="utf-8")
    (log / LEDGER).unlink()
    assert run_cli("seal", "--log", str(log)).status == 0
    assert run_cli("verify", "--log", str(log)).status == 0  # a recomputed ledger passes on its own
    result = run_cli("verify", "--log", str(log), "--head", head)
    assert result.status == 2 and f"the chain does not reach head {head}" in result.err


@pytest.mark.parametrize("head", ["abc", "abcdefg", "xyz12345", "0" * 65])
def test_verify_head_must_be_hex(log: Path, head: str) -> None:
    """A head that is not 8 to 64 hex digits is refused with one line."""
    assert "8 to 64 hex digits" in one_error(run_cli("verify", "--log", str(log), "--head", head))


def test_seal_prints_the_head(log: Path) -> None:
    """seal and verify print the same full chain head."""
    sealed = run_cli("seal", "--log", str(log))
    assert head_of(sealed.out) == head_of(run_cli("verify", "--log", str(log)).out)


# 9. Exit 2, never 3, for the user's problems. Before: each of these exited 3.


@pytest.mark.parametrize("command", ["record", "seal"])
@pytest.mark.parametrize("kind", ["missing", "file"])
def test_writing_to_a_missing_directory_or_a_file(tmp_path: Path, command: str, kind: str) -> None:
    """record and seal on a missing directory or on a file say so in one line, exit 2."""
    target = tmp_path / "nothing-here"
    if kind == "file":
        target.write_text("x", encoding="utf-8")
    args = ["record", "--id", "a1"] if command == "record" else ["seal"]
    error = one_error(run_cli(*args[:1], "--log", str(target), *args[1:]))
    assert ("no such log directory" if kind == "missing" else "not a directory") in error


@pytest.fixture
def read_only(log: Path) -> Iterator[Callable[[Path], None]]:
    """Make a directory read-only for real: chmod for a user, the immutable flag for root."""
    made: list[Path] = []

    def make(directory: Path) -> None:
        directory.chmod(0o555)
        probe = directory / ".probe"
        try:
            probe.touch()
        except PermissionError:
            return
        probe.unlink()
        subprocess.run(["chattr", "+i", str(directory)], check=True, capture_output=True)
        made.append(directory)

    yield make
    for directory in made:
        subprocess.run(["chattr", "-i", str(directory)], check=True, capture_output=True)
    for path in (log, *log.iterdir()):
        if path.is_dir():
            path.chmod(0o755)


@pytest.mark.parametrize("command", ["record", "seal"])
def test_writing_to_a_read_only_directory(log: Path, read_only: Callable[[Path], None], command: str) -> None:
    """record and seal in a read-only log directory exit 2 with one line, and change nothing."""
    if command == "seal":
        (log / "new.toml").write_text(EVENT_TOML, encoding="utf-8")  # something for seal to write
    before = snapshot(log)
    read_only(log)
    result = record_flags(log, "a1", "--to", "x.jsonl") if command == "record" else run_cli("seal", "--log", str(log))
    assert "cannot write" in one_error(result)
    assert snapshot(log) == before


@pytest.mark.parametrize("damage", ["directory", "not utf-8", "unreadable"])
@pytest.mark.parametrize("command", ["record", "seal", "verify"])
def test_a_damaged_ledger(log: Path, monkeypatch: pytest.MonkeyPatch, damage: str, command: str) -> None:
    """A ledger that is a directory, not UTF-8 or unreadable is one problem line, exit 2, for every command."""
    ledger = log / LEDGER
    if damage == "directory":
        ledger.unlink()
        ledger.mkdir()
    elif damage == "not utf-8":
        ledger.write_bytes(ledger.read_bytes() + b"caf\xe9\n")
    else:
        for name in ("read_text", "read_bytes", "open"):  # the ledger is read a line at a time
            monkeypatch.setattr(Path, name, functools.partialmethod(_refusing, getattr(Path, name)))
    result = record_flags(log, "a1") if command == "record" else run_cli(command, "--log", str(log))
    assert result.status == 2, result
    assert result.err.count("\n") == 1 and f"{LEDGER}" in result.err, result.err
    assert {"directory": "Is a directory", "not utf-8": "not UTF-8", "unreadable": "Permission denied"}[
        damage
    ] in result.err


def _refusing(path: Path, real: Callable[..., object], *args: object, **kwargs: object) -> object:
    """Read `path` with `real`, unless it is the ledger, which cannot be read."""
    if path.name == LEDGER:
        raise PermissionError(13, "Permission denied", str(path))
    return real(path, *args, **kwargs)


# 12. Leftovers and recovery. Before: a temporary file stayed forever, and the only way to
# mend an interrupted record was `seal`, which also sealed unrelated hand edits.


def test_recovery_seals_only_what_the_interrupted_record_wrote(log: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """After a crash between the events and the ledger renames, the next record removes the temporary
    file, seals exactly the interrupted record's events and says so, and leaves a hand edit unsealed."""
    real_replace = os.replace

    def crash_before_the_ledger(source: str | Path, target: str | Path) -> None:
        if Path(target).name == LEDGER:
            raise KeyboardInterrupt  # the process dies here: nothing after this line runs
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", crash_before_the_ledger)
    assert record_flags(log, "a1").status == 130
    monkeypatch.setattr(os, "replace", real_replace)
    assert [p.name for p in log.glob(".*.tmp")] == [f".{LEDGER}.{os.getpid()}.tmp"]
    with (log / "events.toml").open("a", encoding="utf-8") as events:
        events.write(EVENT_TOML)  # a hand edit, not reviewed yet
    verified = run_cli("verify", "--log", str(log))
    assert verified.status == 2
    assert "event a1: not sealed yet; an interrupted record wrote it" in verified.err
    result = record_flags(log, "a2")
    assert result.status == 2
    assert f"{log}/{LEDGER}: note: sealed 1 events an interrupted record had written (a1)" in result.err
    assert list(log.glob(".*.tmp")) == [] and not (log / PENDING).exists()
    verified = run_cli("verify", "--log", str(log))
    assert len(verified.err.splitlines()) == 1
    assert "event hand-1: not sealed yet; review it, then run 'statustrack seal'" in verified.err
    sealed = run_cli("seal", "--log", str(log))
    assert sealed.status == 0 and "sealed 1 events" in sealed.out
    assert record_flags(log, "a2").status == 0


def test_recovery_says_so_on_success(log: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """When nothing else is unsealed, the next record seals the interrupted events, prints which, and goes on."""
    real_replace = os.replace
    monkeypatch.setattr(
        os,
        "replace",
        lambda s, t: (_ for _ in ()).throw(KeyboardInterrupt) if Path(t).name == LEDGER else real_replace(s, t),
    )
    assert record_flags(log, "a1").status == 130
    monkeypatch.setattr(os, "replace", real_replace)
    result = record_flags(log, "a2")
    assert result.status == 0, result.err
    assert result.out.startswith(
        "recovered: sealed 1 events an interrupted record had written (a1)\nrecorded a2 in recorded.jsonl at "
    )
    assert run_cli("verify", "--log", str(log)).status == 0


# 13. Portability. Before: `import fcntl` at the top of store.py stopped every command on Windows.


def test_reading_needs_no_fcntl() -> None:
    """With no fcntl module (as on Windows), the CLI imports and `at` answers."""
    code = (
        "import sys; sys.modules['fcntl'] = None\n"
        "from statustrack.cli import main\n"
        f"sys.exit(main(['at', '2020-11-10', '--log', {str(MINI)!r}, '--format', 'json']))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert '"facts"' in result.stdout


def test_supported_systems_are_declared() -> None:
    """pyproject.toml says which operating systems are supported."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    for system in (
        "Operating System :: POSIX :: Linux",
        "Operating System :: MacOS",
        "Operating System :: Microsoft :: Windows",
    ):
        assert system in text


# Speed: record used to load and validate the whole log twice.


def test_record_loads_the_log_once(log: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """record validates the new events against the log it loaded, without loading it again."""
    calls: list[object] = []
    real = statustrack.api.write.load_log
    monkeypatch.setattr(statustrack.api.write, "load_log", lambda *a, **k: calls.append(a) or real(*a, **k))
    assert record_flags(log, "a1").status == 0
    assert len(calls) == 1


def test_record_still_refuses_cross_event_problems(log: Path) -> None:
    """Checks across events still run on a record: an ambiguous same-instant order with another file is refused."""
    result = run_cli(
        "record",
        "--log",
        str(log),
        "--id",
        "n1",
        "--kind",
        "capture",
        "--date",
        "2020-11-08",
        "--set",
        "place=shusha",
        "--set",
        "by=armenia",
        "--source",
        "s004",
    )
    assert result.status == 2
    assert f"{log}/recorded.jsonl:1: event n1: changes control of 'shusha' from the same instant as " in result.err
    assert not (log / "recorded.jsonl").exists()
