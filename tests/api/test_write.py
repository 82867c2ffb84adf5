"""The safe log: record, correct, retract, verify, and ask what was known when."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pendulum
import pytest

from statustrack.api.write import record, seal
from statustrack.log.ledger import LEDGER
from statustrack.log.load import load_log
from statustrack.log.parse import read_text

from ..support import MINI, run_cli

NOW = pendulum.datetime(2025, 3, 1, 12, tz="UTC")


@pytest.fixture
def log(tmp_path: Path) -> Iterator[Path]:
    """A sealed copy of the mini log, with the clock frozen at NOW."""
    root = tmp_path / "log"
    shutil.copytree(MINI, root)
    seal(root)
    pendulum.travel_to(NOW, freeze=True)
    yield root
    pendulum.travel_back()


def jsonl(*lines: str) -> list:
    """Raw event records from JSON Lines text."""
    raws, problems = read_text("".join(line + "\n" for line in lines), "(test)", ".jsonl")
    assert not problems
    return raws


AGHDAM = (
    '{"id": "n1", "kind": "capture", "date": "2020-11-09", "place": "aghdam", "by": "azerbaijan", '
    '"sources": [{"id": "s004"}]}'
)


def test_record_appends_stamps_and_seals(log: Path) -> None:
    """A recorded event lands in recorded.jsonl with its stamp, sealed, and the log verifies."""
    done = record(log, jsonl(AGHDAM))
    assert done.appended == ("n1",)
    assert (log / "recorded.jsonl").read_text(encoding="utf-8").endswith('"recorded": "2025-03-01T12:00:00.000000Z"}\n')
    assert run_cli("verify", "--log", str(log)).status == 0


def test_record_is_idempotent(log: Path) -> None:
    """Recording the same event twice is a no-op the second time."""
    record(log, jsonl(AGHDAM))
    before = (log / "recorded.jsonl").read_bytes()
    assert record(log, jsonl(AGHDAM)).unchanged == ("n1",)
    assert (log / "recorded.jsonl").read_bytes() == before


def test_record_refuses_a_different_event_with_a_used_id(log: Path) -> None:
    """An id already recorded with other content is refused, and nothing is written."""
    record(log, jsonl(AGHDAM))
    other = AGHDAM.replace("aghdam", "shusha")
    with pytest.raises(Exception, match="already recorded with other content"):
        record(log, jsonl(other))


def test_record_refuses_what_would_break_validation(log: Path) -> None:
    """A record that would make the log invalid is refused whole, naming the input line."""
    bad = AGHDAM.replace('"n1"', '"n2"').replace("aghdam", "atlantis")
    with pytest.raises(Exception, match=r"\(test\):2: event n2: unknown place 'atlantis'"):
        record(log, jsonl(AGHDAM, bad))
    assert not (log / "recorded.jsonl").exists()


def test_expect_last(log: Path) -> None:
    """--expect-last refuses an append when the log moved on since the caller read it."""
    record(log, jsonl(AGHDAM), expect_last="2023-09-28-decree")
    with pytest.raises(Exception, match="the log has moved on: its last recorded event is 'n1'"):
        record(log, jsonl(AGHDAM.replace('"n1"', '"n2"')), expect_last="2023-09-28-decree")


def test_correct_retract_and_known_at(log: Path) -> None:
    """A correction replaces an event, a retraction withdraws one, and --known-at replays the past."""
    first = AGHDAM.replace("aghdam", "stepanakert")
    record(log, jsonl(first))
    pendulum.travel_to(NOW.add(days=1), freeze=True)
    record(
        log,
        jsonl(
            first.replace('"n1"', '"n1-fix"')
            .replace("2020-11-09", "2020-11-21")
            .replace('"sources"', '"replaces": "n1", "sources"')
        ),
    )
    pendulum.travel_to(NOW.add(days=2), freeze=True)
    record(
        log,
        jsonl(
            '{"id": "r1", "kind": "retraction", "date": "2025-03-03", "retracts": "2020-11-08-shusha", '
            '"reason": "test", "sources": [{"id": "s004"}]}'
        ),
    )

    def since(known_at: str | None) -> dict[str, str]:
        args = ["at", "2020-12-01", "--aspect", "control", "--format", "csv", "--log", str(log)]
        out = run_cli(*args, *(["--known-at", known_at] if known_at else [])).out
        return {row.split(",")[1]: row.split(",")[4] for row in out.splitlines()[1:]}

    assert since("2025-02-28") == {"aghdam": "2020-11-20", "shusha": "2020-11-08"}
    assert since("2025-03-01T12:00Z") == {"aghdam": "2020-11-20", "shusha": "2020-11-08", "stepanakert": "2020-11-09"}
    assert since("2025-03-02T12:00Z") == {"aghdam": "2020-11-20", "shusha": "2020-11-08", "stepanakert": "2020-11-21"}
    assert since(None) == {"aghdam": "2020-11-20", "shusha": "[..1994-05-12]", "stepanakert": "2020-11-21"}


@pytest.mark.parametrize(
    ("tamper", "message"),
    [
        (
            lambda t: t.replace('status = "declared republic"', 'status = "a republic"'),
            "event 1991-09-02-proclaimed: edited since it was sealed (ledger line 3)",
        ),
        (
            lambda t: t.replace('[[event]]\nid = "1993-unsc-822"', '[[event]]\nid = "1993-unsc-822b"'),
            "event 1993-unsc-822: deleted: sealed in events.toml but no longer in the log",
        ),
    ],
)
def test_verify_names_tampering(log: Path, tamper, message: str) -> None:
    """verify names an edited or deleted event and exits 2."""
    events = log / "events.toml"
    events.write_text(tamper(events.read_text(encoding="utf-8")), encoding="utf-8")
    result = run_cli("verify", "--log", str(log))
    assert result.status == 2
    assert message in result.err


def test_verify_catches_a_broken_chain(log: Path) -> None:
    """Editing the ledger itself breaks its hash chain."""
    ledger = log / LEDGER
    lines = ledger.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[3] = lines[3][:-2] + ("0" if lines[3][-2] != "0" else "1") + "\n"
    ledger.write_text("".join(lines), encoding="utf-8")
    result = run_cli("verify", "--log", str(log))
    assert result.status == 2 and "the ledger's hash chain breaks here" in result.err


def test_shipped_log_verifies() -> None:
    """The shipped log is sealed and untampered."""
    result = run_cli("verify")
    assert result.status == 0, result.err
    assert load_log().events
