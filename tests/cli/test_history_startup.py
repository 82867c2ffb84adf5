"""What `history` answered from a current index imports: never the loader, the replay or the builder.

The contract is `test_startup.FORBIDDEN` (the at/diff path's), less `core.history`: a
history is made of its `Version` and `Run` values, which no longer pull in the replay.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .test_startup import FORBIDDEN, _imported, indexed

__all__ = ["indexed"]  # the fixture, shared with test_startup

#: What `history` from a current index must not import.
HISTORY_FORBIDDEN = tuple(m for m in FORBIDDEN if m != "statustrack.core.history")


# Not csv: its rows are the export's (`api.export.table_of`, `views.export.runs_csv`), imported with it.
@pytest.mark.parametrize("fmt", ["table", "json"])
def test_history_from_the_index_imports_none_of_the_forbidden_modules(
    indexed: tuple[Path, dict[str, str]], fmt: str
) -> None:
    """`history` of a place answered from a current index, in each format, imports none of them."""
    root, env = indexed
    status, modules = _imported(["history", "Shusha", "--format", fmt, "--log", str(root)], env)
    assert status == 0
    assert sorted(modules.intersection(HISTORY_FORBIDDEN)) == []
    assert "statustrack.index.read" in modules  # it did read the index


def test_history_with_a_record_time_replays(indexed: tuple[Path, dict[str, str]]) -> None:
    """The probe can fail: with --known-at only a replay answers, and the loader shows."""
    root, env = indexed
    status, modules = _imported(["history", "Shusha", "--known-at", "2026-12-01", "--log", str(root)], env)
    assert status == 0
    assert {"statustrack.log.load", "statustrack.core.replay"} <= modules
