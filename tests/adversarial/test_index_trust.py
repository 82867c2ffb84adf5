"""Never trust what you did not write (issue 23): every way the adversarial test of main
04d6ae0 fooled the fact index, each answered as an index-free copy of the same files
answers, or refused with one clear line; 0 internal errors, 0 stale answers, 0 duplicate ids.

The other-user cases run as a second uid (`nobody`) where the tests run as root, as CI
does; they are skipped, visibly, only where no second uid can be taken. The other
user's writes go through the `sqlite3` program, as an attacker's would.
"""

from __future__ import annotations

import json
import os
import pwd
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from statustrack.api import reader
from statustrack.core.model import default_log_path
from statustrack.index.keys import INDEX_NAME, index_place, zone_key
from statustrack.index.read import Index, State, Verdict, assess

from ..support import MINI, run_cli

#: The questions every case asks: a state, a step with its causes, a subject's history.
QUERIES = (
    ("at", "2020-11-10", "--format", "json"),
    ("diff", "2020-09-26", "2020-11-10", "--format", "json"),
    ("history", "Shusha", "--format", "json"),
)
SQLITE3 = shutil.which("sqlite3")
FORGED = "FORGED\x1b[31m"
#: FORGED as a fact's JSON body holds it.
FORGED_JSON = json.dumps(FORGED)[1:-1]


def _nobody() -> pwd.struct_passwd | None:
    try:
        return pwd.getpwnam("nobody")
    except KeyError:
        return None


NOBODY = _nobody()
needs_second_uid = pytest.mark.skipif(
    os.geteuid() != 0 or NOBODY is None or SQLITE3 is None,
    reason="SKIPPED: needs root (as CI runs) to act as a second uid, 'nobody', and the sqlite3 program",
)


def as_nobody(*args: str) -> None:
    """Run `args` as the user nobody (a second uid), checking it succeeds."""
    assert NOBODY is not None

    def drop() -> None:
        os.setgroups([])
        os.setgid(NOBODY.pw_gid)
        os.setuid(NOBODY.pw_uid)

    done = subprocess.run(args, preexec_fn=drop, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


@pytest.fixture(autouse=True)
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test its own HOME and cache, and notes said afresh."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    reader._SAID.clear()
    return home


@pytest.fixture
def shared() -> Iterator[Path]:
    """A directory everyone may write, like /tmp (mode 1777)."""
    path = Path(tempfile.mkdtemp(prefix="statustrack-shared-", dir="/tmp"))
    path.chmod(0o1777)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def ask(log: Path | None) -> list[tuple[int, str]]:
    """The answers to QUERIES (exit status and standard output) for the log at `log`."""
    where = ["--log", str(log)] if log is not None else []
    return [(r.status, r.out) for r in (run_cli(*q, *where) for q in QUERIES)]


def notes(log: Path | None) -> list[str]:
    """The notes the first query prints on stderr (notes are said once per process)."""
    reader._SAID.clear()
    where = ["--log", str(log)] if log is not None else []
    result = run_cli(*QUERIES[0], *where)
    assert result.status == 0, result.err
    return [line for line in result.err.splitlines() if line]


def index_free(log: Path, tmp: Path) -> list[tuple[int, str]]:
    """What an index-free copy of the files of `log` answers (a fresh copy, a fresh cache)."""
    fresh = Path(tempfile.mkdtemp(prefix="index-free-", dir=tmp))
    copy = fresh / "log"
    shutil.copytree(log, copy, symlinks=False, ignore=shutil.ignore_patterns(".statustrack-index.sqlite*"))
    old = os.environ["XDG_CACHE_HOME"]
    os.environ["XDG_CACHE_HOME"] = str(fresh / "cache")
    try:
        return ask(copy)
    finally:
        os.environ["XDG_CACHE_HOME"] = old


def assert_as_index_free(log: Path, tmp: Path) -> None:
    """`log` answers every query as an index-free copy of its files does, exit 0."""
    got, expected = ask(log), index_free(log, tmp)
    assert [s for s, _ in got] == [0] * len(QUERIES)
    assert got == expected
    assert not any("FORGED" in out or "\x1b" in out for _, out in got)


def build_index(log: Path) -> Path:
    """Query `log` once, so its index is built; the index's path."""
    assert run_cli(*QUERIES[0], "--log", str(log)).status == 0
    path = index_place(log, False).path
    assert isinstance(assess(log, path), Index)
    return path


def forge(index: Path, *, fix_counter: bool) -> str:
    """SQL that puts FORGED into Shusha's control facts; with `fix_counter`, also sets the
    index's record of statustrack's last commit to what this commit makes it (a forger who
    knows the scheme: only the trust boundary stops that one)."""
    counter = int.from_bytes(index.read_bytes()[24:28], "big")  # SQLite's commit count, as anyone reads it
    fix = f"UPDATE meta SET value = '{counter + 1}' WHERE key = 'written';" if fix_counter else ""
    return (
        f"BEGIN; UPDATE facts SET body = replace(body, '\"Azerbaijan\"', '\"{FORGED_JSON}\"') "
        f"WHERE body LIKE '%shusha%'; {fix} COMMIT;"
    )


def shusha_forged(index: Path) -> bool:
    """True when the index at `index` holds the forgery."""
    with sqlite3.connect(f"file:{index}?mode=ro", uri=True) as db:
        return bool(db.execute("SELECT count(*) FROM facts WHERE body LIKE '%FORGED%'").fetchone()[0] > 0)


def read_anyway(index: Path) -> list[str]:
    """The values an index gives at 2020-11-10 when read with no check at all: what the
    forgery would have shown (so the cases below can fail)."""
    import pendulum

    from statustrack.api.reader import Indexed
    from statustrack.index.read import open_file

    opened = Indexed(open_file(index), None)
    try:
        return [f.value for f in opened.at(pendulum.datetime(2020, 11, 10, 20, tz="UTC"), None)]
    finally:
        opened.close()


def mini_copy(where: Path, mode: int = 0o755) -> Path:
    """A copy of the mini log at `where`, its directory with `mode`."""
    shutil.copytree(MINI, where)
    where.chmod(mode)
    return where


# 1. Another user's index is never trusted ----------------------------------------------


@needs_second_uid
def test_another_users_index_in_a_shared_log_directory_is_ignored(shared: Path, tmp_path: Path) -> None:
    """A world-writable log directory holding an index another user (nobody) wrote and forged,
    with the commit count fixed up: root answers as an index-free copy, says so once, and
    `verify` names it."""
    log = mini_copy(shared / "log", 0o1777)
    genuine = build_index(mini_copy(tmp_path / "private"))
    planted = log / INDEX_NAME
    shutil.copy(genuine, planted)
    assert NOBODY is not None and SQLITE3 is not None
    os.chown(planted, NOBODY.pw_uid, NOBODY.pw_gid)
    as_nobody(SQLITE3, str(planted), forge(planted, fix_counter=True))
    assert shusha_forged(planted)
    assert any("FORGED" in value for value in read_anyway(planted))
    assert run_cli("seal", "--log", str(log)).status == 0
    reader._SAID.clear()
    said = notes(log)
    assert len(said) == 1 and said[0].startswith("statustrack: note: ignored the index"), said
    assert_as_index_free(log, tmp_path)
    assert shusha_forged(planted)  # never written to either
    result = run_cli("verify", "--log", str(log))
    assert "index: ignored the index" in result.out, result.out


@needs_second_uid
def test_a_symlink_to_another_users_file_is_not_followed(shared: Path, tmp_path: Path) -> None:
    """The log's index is a symbolic link to a forged file of nobody's in a 1777 directory:
    not read, not written through; the index is rebuilt in the link's place."""
    log = mini_copy(tmp_path / "log")
    genuine = build_index(mini_copy(tmp_path / "other"))
    target = shared / "forged.sqlite"
    shutil.copy(genuine, target)
    assert NOBODY is not None and SQLITE3 is not None
    os.chown(target, NOBODY.pw_uid, NOBODY.pw_gid)
    as_nobody(SQLITE3, str(target), forge(target, fix_counter=True))
    before = target.read_bytes()
    (log / INDEX_NAME).symlink_to(target)
    said = notes(log)
    assert len(said) == 1 and "symbolic link" in said[0], said
    assert_as_index_free(log, tmp_path)
    assert target.read_bytes() == before
    assert not (log / INDEX_NAME).is_symlink()


@needs_second_uid
def test_a_shared_cache_directory_is_passed_over(shared: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """XDG_CACHE_HOME is a shared 1777 directory in which nobody made `statustrack/` and put a
    forged index for the log: root passes over it, to a private cache of its own (0700)."""
    log = mini_copy(tmp_path / "log", 0o775)  # group-writable: its index lives in the cache
    monkeypatch.setenv("XDG_CACHE_HOME", str(shared))
    theirs = index_place(log, False).path
    assert theirs.parent == shared / "statustrack"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "scratch-cache"))
    genuine = build_index(log)
    monkeypatch.setenv("XDG_CACHE_HOME", str(shared))
    assert NOBODY is not None and SQLITE3 is not None
    handed = shared / "genuine.sqlite"
    shutil.copy(genuine, handed)
    handed.chmod(0o644)
    as_nobody("mkdir", "-m", "0755", str(theirs.parent))
    as_nobody("cp", str(handed), str(theirs))
    as_nobody(SQLITE3, str(theirs), forge(theirs, fix_counter=True))
    said = notes(log)
    assert len(said) == 1 and str(theirs) in said[0] and "answering from" in said[0], said
    ours = index_place(log, False).path
    assert ours.parent != theirs.parent and (ours.parent.stat().st_mode & 0o777) == 0o700
    assert_as_index_free(log, tmp_path)
    assert shusha_forged(theirs)


def test_no_index_is_written_where_others_can_write(shared: Path, tmp_path: Path) -> None:
    """A world-writable log directory gets no index beside it: the index goes to the
    user's private cache."""
    log = mini_copy(shared / "log", 0o1777)
    assert_as_index_free(log, tmp_path)
    assert not (log / INDEX_NAME).exists()
    assert index_place(log, False).path.parent.stat().st_uid == os.geteuid()


@pytest.mark.slow
def test_a_forged_index_in_the_users_own_cache_for_the_shipped_log(tmp_path: Path) -> None:
    """The shipped log's index, in the user's own cache, edited by another program: the
    commit count tells, the index is rebuilt and `verify` says it was altered."""
    assert run_cli(*QUERIES[0]).status == 0
    index = index_place(default_log_path(), True).path
    with sqlite3.connect(index) as db:
        db.execute(
            "UPDATE facts SET body = replace(body, '\"Azerbaijan\"', ?) WHERE body LIKE '%shusha%'",
            (json.dumps(FORGED),),
        )
    assert shusha_forged(index)
    assert any("FORGED" in value for value in read_anyway(index))
    assert shusha_forged(index)
    result = run_cli("verify")
    assert result.status == 0 and "index: altered, not read" in result.out, result.out
    found = assess(default_log_path(), index)
    assert isinstance(found, Verdict) and found.state is State.ALTERED
    said = notes(None)
    assert len(said) == 1 and "another program wrote to it" in said[0], said
    got = ask(None)
    assert not any("FORGED" in out for _, out in got)
    shutil.rmtree(Path(os.environ["XDG_CACHE_HOME"]))
    assert got == ask(None)  # as a fresh index answers


# 2. record trusts the log, not the cache ------------------------------------------------


def _same_size_edit(path: Path, old: str, new: str) -> None:
    """Replace `old` by `new` (same length) in `path`, restoring its modification time, as
    `cp -p` or `touch -r` do."""
    assert len(old) == len(new)
    st = path.stat()
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert path.stat().st_size == st.st_size and path.stat().st_mtime_ns == st.st_mtime_ns


def test_a_stale_index_never_lets_a_duplicate_id_in(sealed_mini: Path, tmp_path: Path) -> None:
    """After a same-size edit with the mtime restored, `record` of an event whose id the edited
    file holds is refused (exit 2, as the index-free copy refuses it), and nothing is written."""
    event = {
        "id": "2021-test",
        "kind": "statement",
        "date": "2021-01-01",
        "actor": "azerbaijan",
        "summary": "first",
        "sources": [{"id": "s004", "at": "lead"}],
    }
    feed = tmp_path / "new.jsonl"
    feed.write_text(json.dumps(event) + "\n", encoding="utf-8")
    assert run_cli("record", str(feed), "--log", str(sealed_mini)).status == 0  # the index now vouches
    _same_size_edit(sealed_mini / "events.toml", 'id = "2020-11-08-shusha"', 'id = "2020-11-08-shushq"')
    duplicate = dict(event, id="2020-11-08-shushq", summary="again")
    feed.write_text(json.dumps(duplicate) + "\n", encoding="utf-8")
    before = {p.name: p.read_bytes() for p in sealed_mini.iterdir() if p.is_file() and "index" not in p.name}
    copy = tmp_path / "index-free"
    shutil.copytree(sealed_mini, copy, ignore=shutil.ignore_patterns(".statustrack-index.sqlite*"))
    result, expected = (run_cli("record", str(feed), "--log", str(where)) for where in (sealed_mini, copy))
    assert result.status == expected.status == 2, result.out
    assert result.err.replace(str(sealed_mini), "LOG") == expected.err.replace(str(copy), "LOG")
    assert {p.name: p.read_bytes() for p in sealed_mini.iterdir() if p.is_file() and "index" not in p.name} == before


def test_record_falls_back_when_the_log_names_a_new_id(
    sealed_mini: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Even with a key blind to the edit (the change time taken out of it), the indexed
    `record` reads the log's own files for the new ids, and refuses the duplicate."""
    from statustrack.api import write
    from statustrack.index import keys

    event = {
        "id": "2021-test",
        "kind": "statement",
        "date": "2021-01-01",
        "actor": "azerbaijan",
        "summary": "first",
        "sources": [{"id": "s004", "at": "lead"}],
    }
    feed = tmp_path / "new.jsonl"
    feed.write_text(json.dumps(event) + "\n", encoding="utf-8")
    blind = keys.manifest

    def manifest(root: Path) -> list[list[object]]:
        return [[rel, size, mtime] for rel, size, mtime, *_ in blind(root)]

    monkeypatch.setattr(keys, "manifest", manifest)
    monkeypatch.setattr(write, "manifest", manifest)
    assert run_cli("record", str(feed), "--log", str(sealed_mini)).status == 0
    index = index_place(sealed_mini, False).path
    assert isinstance(assess(sealed_mini, index), Index)  # the blind key vouches for the log
    _same_size_edit(sealed_mini / "events.toml", 'id = "2020-11-08-shusha"', 'id = "2020-11-08-shushq"')
    feed.write_text(json.dumps(dict(event, id="2020-11-08-shushq")) + "\n", encoding="utf-8")
    assert isinstance(assess(sealed_mini, index), Index)  # and still does after the edit
    result = run_cli("record", str(feed), "--log", str(sealed_mini))
    assert result.status == 2, result.out
    assert "2020-11-08-shushq" not in (sealed_mini / "recorded.jsonl").read_text(encoding="utf-8")


# 3. Stale answers --------------------------------------------------------------------------


def test_a_same_size_edit_with_the_mtime_restored(tmp_path: Path) -> None:
    """The change time (ctime) is in the key: `touch -r` cannot set it back."""
    log = mini_copy(tmp_path / "log")
    build_index(log)
    _same_size_edit(log / "events.toml", 'by = "azerbaijan"\nfrom = "nkr"', 'by = "nkr"\nfrom = "azerbaijan"')
    assert_as_index_free(log, tmp_path)


def test_a_symlink_repointed_to_a_file_of_the_same_size_and_mtime(tmp_path: Path) -> None:
    """A log file that is a link, re-pointed to another file of the same size and mtime."""
    log = mini_copy(tmp_path / "log")
    first, second = tmp_path / "a.toml", tmp_path / "b.toml"
    shutil.move(log / "events.toml", first)
    shutil.copy2(first, second)
    _same_size_edit(second, 'by = "azerbaijan"\nfrom = "nkr"', 'by = "nkr"\nfrom = "azerbaijan"')
    os.utime(second, ns=(first.stat().st_atime_ns, first.stat().st_mtime_ns))
    (log / "events.toml").symlink_to(first)
    build_index(log)
    (log / "next").symlink_to(second)
    os.replace(log / "next", log / "events.toml")
    assert_as_index_free(log, tmp_path)


def test_the_zone_key_follows_the_zone_data(tmp_path: Path) -> None:
    """The key's time-zone part is a digest of the zone file zoneinfo reads: another file,
    another key (run in a child, whose zoneinfo reads PYTHONTZPATH)."""
    zones = tmp_path / "zones"
    (zones / "Asia").mkdir(parents=True)
    source = Path("/usr/share/zoneinfo")
    if not (source / "Asia" / "Baku").is_file():
        pytest.skip("SKIPPED: no system zone files to copy")
    code = "from statustrack.index.keys import zone_key; print(zone_key('Asia/Baku'))"
    env = {**os.environ, "PYTHONTZPATH": str(zones)}

    def key() -> str:
        return subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        ).stdout.strip()

    shutil.copy(source / "Asia" / "Baku", zones / "Asia" / "Baku")
    one = key()
    shutil.copy(source / "America" / "New_York", zones / "Asia" / "Baku")
    assert key() != one
    assert zone_key("Asia/Baku") == zone_key("Asia/Baku")


def test_the_time_zone_database_changed_after_the_build(tmp_path: Path) -> None:
    """End to end: the log's zone file changes after the index was built (a tzdata update):
    the next queries answer as an index-free copy does with the new data."""
    source = Path("/usr/share/zoneinfo")
    if not (source / "Asia" / "Baku").is_file():
        pytest.skip("SKIPPED: no system zone files to copy")
    zones = tmp_path / "zones"
    (zones / "Asia").mkdir(parents=True)
    shutil.copy(source / "Asia" / "Baku", zones / "Asia" / "Baku")
    log = mini_copy(tmp_path / "log")
    env = {**os.environ, "PYTHONTZPATH": str(zones)}

    def answers(where: Path, cache: str) -> list[str]:
        return [
            subprocess.run(
                [sys.executable, "-m", "statustrack", "at", day, "--log", str(where), "--format", "json"],
                env={**env, "XDG_CACHE_HOME": str(tmp_path / cache)},
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            for day in ("2020-11-07", "2020-11-10")
        ]

    before = answers(log, "cache")
    shutil.copy(source / "America" / "Los_Angeles", zones / "Asia" / "Baku")
    after = answers(log, "cache")
    copy = tmp_path / "index-free"
    shutil.copytree(log, copy, ignore=shutil.ignore_patterns(".statustrack-index.sqlite*"))
    assert after == answers(copy, "index-free-cache")
    assert after != before  # the zone data changes these answers: a stale index would show


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE facts SET body = replace(body, '\"azerbaijan\"', '\"FORGED\"') WHERE body LIKE '%shusha%'",
        "DELETE FROM versions WHERE subject = 'shusha'",
        "DELETE FROM facts WHERE id = (SELECT max(id) FROM facts)",
        "UPDATE versions SET valid_from = valid_from + 86400000000",
        "DROP TABLE versions",
        "DROP TABLE facts",
        "DROP INDEX versions_by_fork_from",
    ],
)
def test_an_index_edited_by_hand(tmp_path: Path, sql: str) -> None:
    """Rows UPDATEd or DELETEd, tables and indexes dropped, by another program: never an
    internal error, never a stale answer; said once; reading left the edited file as it was
    until the rebuild replaced it."""
    log = mini_copy(tmp_path / "log")
    index = build_index(log)
    with sqlite3.connect(index) as db:
        db.execute(sql)
    said = notes(log)
    assert len(said) == 1 and "not reading the index" in said[0], said
    assert_as_index_free(log, tmp_path)


def _kill_mid_commit(index: Path) -> None:
    """A writer of the index killed mid-commit: a hot journal beside it."""
    code = (
        "import sqlite3, os, sys\n"
        "db = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
        "db.execute('PRAGMA cache_size = 1')\n"
        "db.execute('BEGIN IMMEDIATE')\n"
        "db.execute(\"UPDATE facts SET body = body || ' '\")\n"
        "db.execute('DELETE FROM versions')\n"
        "db.execute('CREATE TABLE junk AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c '\n"
        "           'WHERE x < 20000) SELECT x, randomblob(200) AS b FROM c')\n"
        "os._exit(0)\n"
    )
    subprocess.run([sys.executable, "-c", code, str(index)], check=True)
    journal = Path(f"{index}-journal").read_bytes()
    assert journal[:8] == bytes.fromhex("d9d505f920a163d7")  # synced: the journal is hot, pages were spilled


def test_a_hot_journal_then_a_read_write_open(tmp_path: Path) -> None:
    """A writer killed mid-commit leaves a hot journal; a query rebuilds the index (reading
    never rolls the journal back: it opens read-only) and drops the journal with the file it
    belonged to, so opening the new index read-write (as sqlite3 does) corrupts nothing."""
    log = mini_copy(tmp_path / "log")
    index = build_index(log)
    _kill_mid_commit(index)
    assert_as_index_free(log, tmp_path)
    assert not Path(f"{index}-journal").exists()
    with sqlite3.connect(index) as db:  # read-write, as `sqlite3 FILE` opens it
        db.execute("SELECT count(*) FROM versions").fetchone()
    if SQLITE3 is not None:
        subprocess.run([SQLITE3, str(index), "SELECT count(*) FROM facts"], check=True, capture_output=True)
    assert_as_index_free(log, tmp_path)
    assert isinstance(assess(log, index), Index)


def test_reading_an_index_never_changes_it(tmp_path: Path) -> None:
    """A query through a current index leaves its bytes as they were; one with a hot journal
    beside it neither rolls the journal back nor reads the index."""
    log = mini_copy(tmp_path / "log")
    index = build_index(log)
    before = index.read_bytes()
    assert ask(log) == ask(log)
    assert index.read_bytes() == before
    _kill_mid_commit(index)
    edited, journal = index.read_bytes(), Path(f"{index}-journal").read_bytes()
    found = assess(log, index)
    assert isinstance(found, Verdict) and found.state is State.DAMAGED
    assert index.read_bytes() == edited and Path(f"{index}-journal").read_bytes() == journal


def test_the_index_statustrack_writes_is_current_after_build_record_and_verify(
    sealed_mini: Path, tmp_path: Path
) -> None:
    """Every commit statustrack makes records the commit count it gives: after a query's
    build, a `record` through the index and the ledger remembered, the index is current
    (a writer that forgot its stamp would make every next query rebuild, and this fails)."""
    index = build_index(sealed_mini)
    assert isinstance(assess(sealed_mini, index), Index)
    event = {
        "id": "2021-test",
        "kind": "statement",
        "date": "2021-01-01",
        "actor": "azerbaijan",
        "summary": "first",
        "sources": [{"id": "s004", "at": "lead"}],
    }
    for number in range(2):
        feed = tmp_path / "new.jsonl"
        feed.write_text(json.dumps(dict(event, id=f"2021-test-{number}")) + "\n", encoding="utf-8")
        assert run_cli("record", str(feed), "--log", str(sealed_mini)).status == 0
        found = assess(sealed_mini, index)
        assert isinstance(found, Index), found
    assert_as_index_free(sealed_mini, tmp_path)


# 7, 8. Dates -------------------------------------------------------------------------------


def _dated(
    make_log: Callable[..., Path], date: str, *, kind: str = "declaration", horizon: bool = True, fmt: int = 1
) -> Path:
    settings = (MINI / "log.toml").read_text(encoding="utf-8").replace("format = 1", f"format = {fmt}")
    if horizon:
        settings = settings.replace('timezone = "Asia/Baku"', 'timezone = "Asia/Baku"\nhorizon = "1923/2024"')
    events = (MINI / "events.toml").read_text(encoding="utf-8")
    if fmt == 2:
        events = events.replace('"../1994-05-12"', '"[..1994-05-12]"').replace('"../2015-01-01"', '"[..2015-01-01]"')
    extra = {
        "declaration": 'polity = "nkr"\nstatus = "test status"\n',
        "war": 'theatre = "nagorno-karabakh"\nname = "test war"\nparties = ["armenia", "azerbaijan"]\n',
    }[kind]
    events += (
        f'\n[[event]]\nid = "zz-test"\nkind = "{kind}"\ndate = "{date}"\n{extra}'
        'sources = [{ id = "s004", at = "Background" }]\n'
    )
    return make_log({"log.toml": settings, "events.toml": events})


@pytest.mark.parametrize("date", ["XXXX", "XXXX-XX-XX", "XXXX-XX"])
@pytest.mark.parametrize("horizon", [True, False])
def test_a_fully_unspecified_date_is_refused_with_a_reason(
    make_log: Callable[..., Path], tmp_path: Path, date: str, horizon: bool
) -> None:
    """`XXXX` says nothing of when: `validate` refuses it in one line naming file, line and
    event, and no view gets as far as an internal error."""
    log = _dated(make_log, date, horizon=horizon)
    result = run_cli("validate", "--log", str(log))
    assert result.status == 2
    lines = [line for line in result.err.splitlines() if line]
    assert len(lines) == 1 and "zz-test" in lines[0] and "says nothing of when" in lines[0], lines
    for view in (("timeline", "-o", str(tmp_path / "t.svg")), ("html", "-o", str(tmp_path / "t.html"))):
        drawn = run_cli(*view, "--log", str(log))
        assert drawn.status == 2, drawn.err


@pytest.mark.parametrize("date", ["9999", "9XXX", "9999-12-31"])
def test_a_date_at_the_end_of_the_calendar_draws_without_overflow(
    make_log: Callable[..., Path], tmp_path: Path, date: str
) -> None:
    """A date in year 9999, in a zone east of UTC (Asia/Baku), is drawn on the timeline and
    the map like any other: the views show an instant past the calendar's last local day at
    that day (`core.dates.in_zone`), never an internal error."""
    log = _dated(make_log, date, horizon=False)
    assert run_cli("validate", "--log", str(log)).status == 0
    for view in (("timeline", "-o", str(tmp_path / "t.svg")), ("map", "2020-11-10", "-o", str(tmp_path / "m.svg"))):
        drawn = run_cli(*view, "--log", str(log))
        assert drawn.status == 0, drawn.err


@pytest.mark.parametrize(
    ("date", "kind", "fmt"),
    [
        ("0001", "declaration", 1),
        ("0XXX", "declaration", 1),
        ("0002", "declaration", 1),
        ("../2020-11-10", "war", 2),
        ("0001/2020-11-10", "war", 2),
        ("../2020-11-10", "war", 1),
    ],
)
def test_a_first_day_of_0001_is_not_an_open_start(
    make_log: Callable[..., Path], tmp_path: Path, date: str, kind: str, fmt: int
) -> None:
    """In a log with a horizon, a date whose first day is 0001-01-01 is a date like any other
    (as `0002` is), and an open start meets the horizon: valid, drawn, asked about."""
    log = _dated(make_log, date, kind=kind, fmt=fmt)
    assert run_cli("validate", "--log", str(log)).status == 0
    for command in (
        ("timeline", "-o", str(tmp_path / "t.svg")),
        ("html", "-o", str(tmp_path / "t.html")),
        ("at", "2020-11-10"),
    ):
        result = run_cli(*command, "--log", str(log))
        assert result.status == 0, result.err


def test_an_open_started_war_holds_from_the_horizon(make_log: Callable[..., Path]) -> None:
    """A war `../2020-11-10` (log format 2) in a log whose horizon begins in 1923 holds from
    the horizon: in force in 1950, certain, and over after its end."""
    log = _dated(make_log, "../2020-11-10", kind="war", fmt=2)

    def war(day: str) -> list[dict[str, object]]:
        out = json.loads(run_cli("at", day, "--log", str(log), "--aspect", "conflict", "--format", "json").out)
        return [f for f in out["facts"] if f["event"] == "zz-test"]

    assert war("1922-06-01") == []
    assert [f["certainty"] for f in war("1950-01-01")] == ["certain"]
    assert war("2021-01-01") == []
