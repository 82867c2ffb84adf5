"""The safe log against tampering: any single edit, deletion or reordering is noticed."""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import assume, event, given, settings
from hypothesis import strategies as st

from statustrack.api.write import seal
from statustrack.errors import LogInvalid
from statustrack.log.ledger import read_ledger, verify
from statustrack.log.load import load_log

from ..support import MINI

# Concurrent writers and writers killed mid-append: tests/adversarial/test_concurrency.py, which
# kills at each fixed point of `record` (deterministically) and loops `verify` alongside.


@pytest.fixture(scope="module")
def sealed_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The mini log, sealed once for every example that copies it."""
    root = tmp_path_factory.mktemp("sealed") / "log"
    shutil.copytree(MINI, root)
    seal(root)
    return root


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(st.data())
def test_verify_catches_any_single_tampering(sealed_template: Path, data: st.DataObject) -> None:
    """Any single edit, deletion or reordering of a recorded event is noticed: the loader refuses
    the log, or verify names the change."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "log"
        shutil.copytree(sealed_template, root)
        path = root / "events.toml"
        blocks = path.read_text(encoding="utf-8").split("\n[[event]]\n")
        blocks = [blocks[0]] + ["[[event]]\n" + b for b in blocks[1:]]
        index = data.draw(st.integers(0, len(blocks) - 1))
        action = data.draw(st.sampled_from(["edit", "delete", "swap"]))
        if action == "edit":
            lines = blocks[index].splitlines(keepends=True)
            strings = [
                i
                for i, line in enumerate(lines)
                if not line.startswith("id ") and line.partition(" = ")[2].startswith('"')
            ]
            assume(strings)  # the file's head, before the first event, has no field to edit
            field = data.draw(st.sampled_from(strings))
            key, _, value = lines[field].partition(" = ")
            lines[field] = f'{key} = {value.rstrip()[:-1]}x"\n'
            blocks[index] = "".join(lines)
        elif action == "delete":
            del blocks[index]
        else:
            other = data.draw(st.integers(0, len(blocks) - 1).filter(lambda i: i != index))
            blocks[index], blocks[other] = blocks[other], blocks[index]
        path.write_text("\n".join(b.rstrip("\n") + "\n" for b in blocks), encoding="utf-8")
        try:
            log = load_log(root)
        except LogInvalid:
            event("refused by the loader")  # noticed, by `validate`, before any seal is read
            return
        event("named by verify")
        seals, problems = read_ledger(root, log.shown)
        assert problems + verify(log, seals), f"{action} of block {index} went unnoticed"


def test_the_tampering_property_can_fail(monkeypatch: pytest.MonkeyPatch, sealed_template: Path) -> None:
    """A loader that raises anything but `LogInvalid` fails the property above, never passes it."""

    def broken(root: object) -> None:
        raise TypeError("a broken loader")

    monkeypatch.setattr(sys.modules[__name__], "load_log", broken)
    with pytest.raises(TypeError, match="a broken loader"):
        test_verify_catches_any_single_tampering(sealed_template=sealed_template)
