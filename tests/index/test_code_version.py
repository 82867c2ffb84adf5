"""The index is keyed by the code that built it, every module in every sub-folder of the
package: after a change anywhere in the package, an index built before is rebuilt, not trusted."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

import statustrack
from statustrack.index import keys
from statustrack.index.keys import INDEX_NAME, code_version

from ..support import MINI, run_cli


@pytest.fixture
def package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the statustrack package that `keys.package_folder` hands out as the package's folder."""
    copy = tmp_path / "statustrack"
    shutil.copytree(Path(statustrack.__file__).parent, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(keys, "package_folder", lambda: copy)
    return copy


def _built(index: Path) -> tuple[int, int]:
    """What tells one build of the index file from the next (each is a new file, renamed in place)."""
    stat = index.stat()
    return stat.st_ino, stat.st_mtime_ns


def test_a_change_in_a_sub_folder_changes_the_code_version(package: Path) -> None:
    """Editing a module two folders down (core/dates.py) gives another code version."""
    before = code_version()
    with (package / "core" / "dates.py").open("a", encoding="utf-8") as module:
        module.write("# a change\n")
    assert code_version() != before


def test_an_edit_that_keeps_size_and_modification_time_changes_the_code_version(package: Path) -> None:
    """The key reads no module's bytes, yet a same-size edit whose modification time is
    set back (`touch -r`) gives another code version: the change time moved."""
    module = package / "core" / "dates.py"
    before_stat = module.stat()
    before = code_version()
    text = module.read_bytes()
    module.write_bytes(text[:-1] + (b"#" if text[-1:] != b"#" else b" "))
    os.utime(module, ns=(before_stat.st_atime_ns, before_stat.st_mtime_ns))
    assert module.stat().st_size == before_stat.st_size
    assert code_version() != before


def test_a_module_added_or_removed_changes_the_code_version(package: Path) -> None:
    """A new module, or one gone, gives another code version; a .pyc or the log data does not."""
    before = code_version()
    (package / "data" / "extra.py").write_text("x = 1\n")
    assert code_version() == before
    (package / "core" / "extra.py").write_text("x = 1\n")
    added = code_version()
    assert added != before
    (package / "core" / "extra.py").unlink()
    assert code_version() == before  # the same files as before, untouched


def test_an_index_built_by_other_code_is_rebuilt(package: Path, tmp_path: Path) -> None:
    """An index built before a sub-folder module changed is rebuilt by the next query; unchanged,
    it is read as it is."""
    root = tmp_path / "log"
    shutil.copytree(MINI, root)
    index = root / INDEX_NAME

    def query() -> tuple[int, int]:
        result = run_cli("at", "2020-11-10", "--log", str(root))
        assert result.status == 0, result.err
        return _built(index)

    first = query()
    assert query() == first
    with (package / "api" / "query.py").open("a", encoding="utf-8") as module:
        module.write("# a change\n")
    assert query() != first
