"""A real `bazaarwatch ingest` killed with SIGKILL part-way, then run again to completion.

The export is big enough (300k messages, ~100 MB) that the ingest runs for several seconds,
so the test can watch committed rows appear through a second connection and kill the
process at a chosen moment. After the kill the case must be a consistent snapshot of whole
batches; after the rerun it must hold every message exactly once.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import assert_fts_consistent, cli_env

from bazaarwatch.store.schema import LATEST
from bazaarwatch.store.sqlite import Case

N = 300_000
CHAT_ID = 1_500_000_777
T0 = 1_672_531_200  # 2023-01-01 UTC
# Limits only against a hung ingest, never a speed check: a 2-core CI machine running
# other jobs (load 8 was seen) takes many times a quiet machine's 10-20 s per ingest.
REACH_LIMIT = 300  # seconds for the killed ingest to commit what the kill waits for
RERUN_LIMIT = 900  # seconds for the rerun to complete the case


def marked(i: int) -> bool:
    """Every 7th message carries the word "alpha"; every message carries "lot"."""
    return i % 7 == 0


def write_big_export(folder: Path, n: int) -> Path:
    """A single-chat tdesktop export of ``n`` messages, written in chunks (about 0.5 s)."""
    folder.mkdir(parents=True)
    with (folder / "result.json").open("w", encoding="utf-8") as f:
        f.write('{\n "name": "Big Bazaar",\n "type": "public_supergroup",\n'
                f' "id": {CHAT_ID},\n "messages": [\n')
        parts: list[str] = []
        for i in range(1, n + 1):
            ts = T0 + i * 60
            text = f"lot {i} {'alpha ' if marked(i) else ''}продам товар"
            parts.append(
                f'  {{\n   "id": {i},\n   "type": "message",\n'
                f'   "date": "{time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ts))}",\n'
                f'   "date_unixtime": "{ts}",\n   "from": "Vendor {i % 50}",\n'
                f'   "from_id": "user{1000 + i % 50}",\n   "text": "{text}",\n'
                f'   "text_entities": [\n    {{\n     "type": "plain",\n'
                f'     "text": "{text}"\n    }}\n   ]\n  }}{"," if i < n else ""}\n')
            if len(parts) == 10_000:
                f.write("".join(parts))
                parts.clear()
        f.write("".join(parts))
        f.write(" ]\n}\n")
    return folder


@pytest.fixture(scope="module")
def big_export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_big_export(tmp_path_factory.mktemp("big") / "export", N)


def committed(db: Path) -> int:
    """Messages committed so far, read through a separate connection (0 before the schema)."""
    if not db.exists():
        return 0
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
    try:
        has_table = con.execute("SELECT count(*) FROM sqlite_master "
                                "WHERE name = 'messages'").fetchone()[0]
        return int(con.execute("SELECT count(*) FROM messages").fetchone()[0]) if has_table else 0
    except sqlite3.OperationalError:  # the -shm/-wal pair is being created right now
        return 0
    finally:
        con.close()


def stderr_of(proc: subprocess.Popen[bytes]) -> str:
    return proc.stderr.read().decode(errors="replace") if proc.stderr else ""


def children(pid: int) -> list[int]:
    """The live processes whose parent is ``pid`` (from /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            state, parent = stat.read_text().rsplit(")", 1)[1].split()[:2]
        except (OSError, ValueError):
            continue
        if parent == str(pid) and state != "Z":
            found.append(int(stat.parent.name))
    return found


def gone(pids: list[int], *, within: float = 30.0) -> bool:
    """Whether every process of ``pids`` has ended (a zombie counts as ended)."""
    deadline = time.monotonic() + within
    while True:
        alive = []
        for pid in pids:
            try:
                state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
            except OSError:
                continue
            if state != "Z":
                alive.append(pid)
        if not alive:
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)


def ingest_command(export: Path, db: Path) -> list[str]:
    return [sys.executable, "-m", "bazaarwatch", "ingest", str(export), "--db", str(db)]


def count_where(con: sqlite3.Connection, sql: str, *params: object) -> int:
    return int(con.execute(sql, params).fetchone()[0])


def fts_count(con: sqlite3.Connection, word: str) -> int:
    return count_where(con, "SELECT count(*) FROM messages_fts WHERE messages_fts MATCH ?", word)


@pytest.mark.parametrize("kill_at", [0.02, 0.5], ids=["early", "midway"])
def test_killed_ingest_leaves_a_consistent_case_and_resumes(big_export: Path, tmp_path: Path,
                                                            kill_at: float) -> None:
    db = tmp_path / "case.db"
    target = max(1, int(N * kill_at))
    proc = subprocess.Popen(ingest_command(big_export, db), env=cli_env(),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + REACH_LIMIT
        while (seen := committed(db)) < target:
            if proc.poll() is not None:
                pytest.fail(f"ingest ended before the kill: {stderr_of(proc)}")
            assert time.monotonic() < deadline, f"only {seen} messages after {REACH_LIMIT} s"
            time.sleep(0.01)
        workers = children(proc.pid)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        if len(os.sched_getaffinity(0)) > 1:  # on one core, ingest analyses inline
            assert workers, "the ingest analyses in a worker process"
        assert gone(workers), "an analysis worker outlived the killed ingest"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if proc.stderr is not None:
            proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL

    # -- after the kill: a consistent prefix of whole batches, marked as running ---------------
    with Case(db, create=False) as case:  # the file still opens as a case
        assert case.schema_version == LATEST
    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        have = count_where(con, "SELECT count(*) FROM messages")
        assert target <= have < N
        # Batches commit in file order, so what is there is exactly messages 1..have.
        assert con.execute("SELECT min(message_id), max(message_id), "
                           "count(DISTINCT message_id) FROM messages").fetchone() == (1, have,
                                                                                       have)
        assert fts_count(con, "lot") == have
        assert fts_count(con, "alpha") == sum(marked(i) for i in range(1, have + 1))
        assert_fts_consistent(con)
        assert con.execute("SELECT status, messages_added FROM sources").fetchall() == [
            ("running", have)]
    finally:
        con.close()

    # -- the same command again completes it ---------------------------------------------------
    rerun = subprocess.run(ingest_command(big_export, db), env=cli_env(), capture_output=True,
                           text=True, timeout=RERUN_LIMIT, check=False)
    assert rerun.returncode == 0, rerun.stderr
    assert f"{N:,} messages read, {N - have:,} added, 0 updated" in rerun.stderr
    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert count_where(con, "SELECT count(*) FROM messages") == N
        assert count_where(con, "SELECT count(*) FROM (SELECT 1 FROM messages "
                                "GROUP BY chat_id, message_id HAVING count(*) > 1)") == 0
        assert con.execute("SELECT min(message_id), max(message_id), "
                           "count(DISTINCT message_id) FROM messages").fetchone() == (1, N, N)
        assert count_where(con, "SELECT count(*) FROM senders") == 50
        assert fts_count(con, "lot") == N
        assert fts_count(con, "alpha") == sum(marked(i) for i in range(1, N + 1))
        assert fts_count(con, "продам") == N
        assert_fts_consistent(con)
        assert con.execute("SELECT status, messages_added, finished_at IS NOT NULL "
                           "FROM sources").fetchall() == [("done", N, 1)]
    finally:
        con.close()
