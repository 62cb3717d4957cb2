"""The case file when things go wrong around it: a full disk, another writer holding the
lock, a damaged schema, a path that is no case file. Each is a StoreError that names the
file and says what to do; the case stays consistent."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bazaarwatch.errors import StoreError
from bazaarwatch.model import Chat, Message
from bazaarwatch.store import sqlite as store
from bazaarwatch.store.sqlite import Case

CHAT = Chat(id="1500000001", name="Card Shop", type="public_channel")


def msg(id: int, text: str) -> Message:
    return Message(chat=CHAT, id=id, date=1_700_000_000 + id, text=text, sender_id="user1")


def count(case: Case) -> int:
    value: int = case.db.execute("SELECT count(*) FROM messages").fetchone()[0]
    return value


@pytest.fixture
def case(tmp_path: Path) -> Iterator[Case]:
    with Case(tmp_path / "case.db") as opened:
        yield opened


@pytest.fixture
def source(case: Case) -> int:
    return case.start_source(path="/exports/result.json", sha256="ab" * 32, size=123,
                             reader="telegram", reader_version="1")


# -- a full disk -------------------------------------------------------------------------------

def test_a_full_disk_says_so_and_keeps_the_earlier_batches(case: Case, source: int) -> None:
    """SQLite's own page limit returns SQLITE_FULL exactly as a full disk does. SQLite has
    already rolled the transaction back then: a second ROLLBACK used to fail with "cannot
    rollback - no transaction is active" and hide the cause."""
    case.write([msg(i, "first batch") for i in range(1, 51)], source_id=source)
    pages = case.db.execute("PRAGMA page_count").fetchone()[0]
    case.db.execute(f"PRAGMA max_page_count = {pages + 2}")
    big = [msg(i, f"listing {i} " + "x" * 2000) for i in range(100, 400)]
    with pytest.raises(StoreError) as info:
        case.write(big, source_id=source)
    message = str(info.value)
    assert message.startswith(f"{case.path}: the disk is full")
    assert "run the same command again" in message
    assert "full" in str(info.value.__cause__)  # the SQLite error is kept as the cause
    assert not case.db.in_transaction
    assert count(case) == 50
    added = case.db.execute("SELECT messages_added FROM sources WHERE id = ?", (source,))
    assert added.fetchone()[0] == 50  # the failed batch left no trace
    case.db.execute("PRAGMA max_page_count = 1073741823")  # space freed: the case goes on
    assert case.write(big, source_id=source).added == 300
    assert count(case) == 350


# -- another writer holding the lock -----------------------------------------------------------

HOLDER = """
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
db.execute("COMMIT")
"""


Hold = Callable[[Path, float], "subprocess.Popen[str]"]


@pytest.fixture
def hold_lock() -> Iterator[Hold]:
    """Start a real second process that takes the case's write lock for some seconds."""
    started: list[subprocess.Popen[str]] = []

    def hold(path: Path, seconds: float) -> subprocess.Popen[str]:
        holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(path), str(seconds)],
                                  stdout=subprocess.PIPE, text=True)
        started.append(holder)
        assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
        return holder

    yield hold
    for holder in started:
        holder.kill()
        holder.wait()


def test_a_write_waits_for_a_lock_that_is_released(case: Case, source: int, hold_lock: Hold,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store, "LOCK_TIMEOUT", 20.0)
    with Case(case.path) as waiting:  # opened with the longer timeout
        hold_lock(case.path, 1.5)
        started = time.monotonic()
        assert waiting.write([msg(1, "after the lock")], source_id=source).added == 1
        assert 0.5 < time.monotonic() - started < 15


def test_a_lock_held_too_long_names_the_process(case: Case, source: int, hold_lock: Hold,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store, "LOCK_TIMEOUT", 0.5)
    with Case(case.path) as waiting:
        holder = hold_lock(case.path, 60)
        started = time.monotonic()
        with pytest.raises(StoreError) as info:
            waiting.write([msg(1, "never written")], source_id=source)
        assert time.monotonic() - started < 10
        assert not waiting.db.in_transaction
    message = str(info.value)
    assert message.startswith(f"{case.path}: the case is locked by ")
    if sys.platform == "linux":
        assert f"pid {holder.pid} (python" in message
    assert "run the command again" in message
    assert count(case) == 0


# -- a damaged schema --------------------------------------------------------------------------

@pytest.mark.parametrize(("kind", "name"), [("table", "verdicts"), ("view", "entities"),
                                            ("table", "case_settings")])
@pytest.mark.parametrize("read_only", [False, True])
def test_a_case_missing_a_table_is_called_damaged(tmp_path: Path, kind: str, name: str,
                                                   read_only: bool) -> None:
    path = tmp_path / "case.db"
    Case(path).close()
    db = sqlite3.connect(path)
    db.execute(f"DROP {kind.upper()} {name}")  # as someone could in Datasette
    db.commit()
    db.close()
    with pytest.raises(StoreError) as info:
        Case(path, create=False, read_only=read_only)
    assert str(info.value).startswith(f"{path}: damaged case: {kind} {name} is missing")
    assert "Restore the case from a backup" in str(info.value)


def test_a_complete_case_promises_only_what_it_has(case: Case) -> None:
    """The expected names come from the migrations' own SQL: check that reading them
    finds real tables and views, so the damage check cannot pass for want of names."""
    promised = store._promised(case.schema_version)
    assert {"messages", "messages_fts", "entities", "verdicts", "sources"} <= set(promised)
    kinds = dict(case.db.execute("SELECT name, type FROM sqlite_master"))
    assert {name: kinds.get(name) for name in promised} == {
        name: kind for name, (kind, _) in promised.items()}


# -- paths that are no case file ---------------------------------------------------------------

def test_paths_that_are_no_case_file_are_refused_up_front(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not a folder")
    (tmp_path / "folder").mkdir()
    cases = {
        tmp_path / "folder": "this is a folder, not a case file",
        Path("/dev/null"): "this is a device, FIFO or socket, not a case file",
        tmp_path / "notes.txt" / "case.db": f"{tmp_path / 'notes.txt'} is not a folder",
        tmp_path / "missing" / "case.db": f"{tmp_path / 'missing'} does not exist",
    }
    for path, problem in cases.items():
        with pytest.raises(StoreError) as info:
            Case(path)
        assert str(info.value).startswith(f"{path}: {problem}")
    assert Path("/dev/null").is_char_device()
