"""What a cold build lets go of (issue 20, the cold build's memory): the replay does not
keep its log alive, `open_log` lets the log go once the index is built, the ledger read a
line at a time says what reading it whole said, and the index's rows do not depend on the
build's batches."""

from __future__ import annotations

import gc
import shutil
import weakref
from pathlib import Path

import pytest

from statustrack.api.reader import Indexed, open_log
from statustrack.core.replay import Replay
from statustrack.index import shown as shown_module
from statustrack.log import load as load_module
from statustrack.log.ledger import LEDGER, read_ledger
from statustrack.log.load import load_log

from ..support import MINI


def test_a_replay_does_not_keep_its_log_alive() -> None:
    """Replay.of's table is keyed weakly by the log: the replay must not hold it strongly
    (it did, so no log and no timeline was ever freed in a process)."""
    log = load_log(MINI)
    assert Replay.of(log).steps()
    gone = weakref.ref(log)
    del log
    gc.collect()
    assert gone() is None


def test_open_log_lets_the_log_go_after_a_cold_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A cold `open_log` loads the log to build the index, then answers from the index:
    the log is freed before the answer is made, and loaded again only if asked for."""
    root = tmp_path / "log"
    shutil.copytree(MINI, root)
    loaded: list[weakref.ref[object]] = []
    real = load_module.load_log

    def loading(*args: object, **kwargs: object) -> object:
        log = real(*args, **kwargs)  # type: ignore[arg-type]
        loaded.append(weakref.ref(log))
        return log

    monkeypatch.setattr(load_module, "load_log", loading)
    source = open_log(root)
    assert isinstance(source, Indexed)
    assert len(loaded) == 1 and loaded[0]() is None
    assert source.load().events  # parsed again on demand


def _whole(data: bytes) -> list[str] | tuple[int, int]:
    """What the ledger's lines were when it was read whole: its lines, or the line and byte
    of its first byte that is not UTF-8."""
    try:
        return data.decode("utf-8").splitlines()
    except UnicodeDecodeError as e:
        return data[: e.start].count(b"\n") + 1, e.start


@pytest.mark.parametrize(
    "tail",
    [
        b"",
        b"x\ry\n",  # a carriage return alone breaks a line, as str.splitlines does
        b"a\r\n\r\nb\xe2\x80\xa8c\n",  # CR LF, an empty line, a line separator
        b"no newline at the end",
        b"ok\ncaf\xe9\n",  # not UTF-8 on a later line
        b"\xe2\x80",  # cut inside a character
    ],
)
def test_the_ledger_read_a_line_at_a_time_says_what_the_whole_text_said(sealed_mini: Path, tail: bytes) -> None:
    """Line numbers of problems, and the line and byte of a bad byte, as `splitlines` of
    the whole decoded text gave them."""
    path = sealed_mini / LEDGER
    data = path.read_bytes() + tail
    path.write_bytes(data)
    seals, problems = read_ledger(sealed_mini, "log")
    expected = _whole(data)
    if isinstance(expected, tuple):
        line, byte = expected
        assert seals == [] and len(problems) == 1
        assert problems[0].line == line and f"at byte {byte})" in problems[0].message
        return
    assert {s.line for s in seals} | {p.line for p in problems} == _counted(expected)
    # with a size, only the bytes before it count (what stood before an interrupted append)
    cut = len(data) - len(tail) - 10
    seals, problems = read_ledger(sealed_mini, "log", size=cut)
    expected = _whole(data[:cut])
    assert isinstance(expected, list)
    assert {s.line for s in seals} | {p.line for p in problems} == _counted(expected)


def _counted(lines: list[str]) -> set[int]:
    """The numbers of the lines a ledger reader looks at (not blank, not a comment)."""
    return {n for n, text in enumerate(lines, start=1) if text.strip() and not text.startswith("#")}


def test_shown_rows_do_not_depend_on_the_batch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """write_shown decodes one batch of versions at a time, each with a fresh cache: the
    rows are the same with batches of one version (every chain walk crosses a batch)."""

    def rows(batch: int, where: Path) -> list[tuple[object, ...]]:
        root = where / "log"
        shutil.copytree(MINI, root)
        monkeypatch.setattr(
            shown_module, "_BATCH", f"SELECT id, fact, valid_from FROM versions WHERE id > ? ORDER BY id LIMIT {batch}"
        )
        source = open_log(root)
        assert isinstance(source, Indexed)
        return list(source.index.db.execute("SELECT * FROM shown ORDER BY version"))

    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    assert rows(1, tmp_path / "a") == rows(2000, tmp_path / "b")
