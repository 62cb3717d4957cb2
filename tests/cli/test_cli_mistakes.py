"""Analyst mistakes and a hostile environment on the command line: each is one line on
stderr naming the file and what to do, exit 1 (or 2 for a usage error), never a traceback
or a hang. Everything here is real: files, devices, FIFOs, a second process holding the
lock, a full file system, a read-only case."""

from __future__ import annotations

import ctypes
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import cli_env, tg_message, write_chat_export

from bazaarwatch.dates import show_date


def bw(*args: str | Path, stdin: str | None = None, timeout: float = 120,
       python: tuple[str, ...] = ("-m", "bazaarwatch"),
       preexec: Callable[[], object] | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m bazaarwatch ARGS`` in a real subprocess (as conftest.bw), with a hook."""
    return subprocess.run([sys.executable, *python, *map(str, args)], input=stdin,
                          capture_output=True, text=True, encoding="utf-8", env=cli_env(),
                          timeout=timeout, check=False, preexec_fn=preexec)


def error_line(result: subprocess.CompletedProcess[str], code: int = 1) -> str:
    """The one line a failed command prints; checks there is nothing else."""
    assert result.returncode == code, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return lines[0]


@pytest.fixture
def export(tmp_path: Path) -> Path:
    return Path(write_chat_export(tmp_path / "export", [
        tg_message(1, "Fresh CVV base, btc only"), tg_message(2, "gift card codes cheap")]))


@pytest.fixture
def case(tmp_path: Path, export: Path) -> Path:
    db = tmp_path / "case.db"
    assert bw("ingest", export, "--db", db).returncode == 0
    return db


# -- 1. output paths that cannot be ----------------------------------------------------------

def test_scan_output_under_a_regular_file(tmp_path: Path, export: Path) -> None:
    (tmp_path / "notes.txt").write_text("keep")
    line = error_line(bw("scan", export, "-o", tmp_path / "notes.txt" / "out"))
    assert f"{tmp_path / 'notes.txt' / 'out'}: cannot create this folder" in line
    assert "Give another -o folder" in line


def test_scan_into_a_folder_whose_case_db_is_a_folder(tmp_path: Path, export: Path) -> None:
    (tmp_path / "out" / "case.db").mkdir(parents=True)
    line = error_line(bw("scan", export, "-o", tmp_path / "out"))
    assert f"{tmp_path / 'out' / 'case.db'}: this is a folder, not a case file" in line


@pytest.mark.parametrize("command", ["ingest", "stats"])
def test_case_paths_that_are_no_case_file(tmp_path: Path, export: Path, command: str) -> None:
    (tmp_path / "notes.txt").write_text("keep")
    args = [export] if command == "ingest" else []
    under_file = tmp_path / "notes.txt" / "x.db"
    line = error_line(bw(command, *args, "--db", under_file))
    if command == "ingest":
        assert f"{under_file}: {tmp_path / 'notes.txt'} is not a folder" in line
    else:
        assert f"{under_file}: no such case file" in line
    line = error_line(bw(command, *args, "--db", "/dev/null"))
    assert "/dev/null: this is a device, FIFO or socket, not a case file" in line
    assert Path("/dev/null").is_char_device()  # not replaced by a database
    assert (tmp_path / "notes.txt").read_text() == "keep"


def test_a_folder_for_db_is_a_usage_error(tmp_path: Path, export: Path) -> None:
    result = bw("ingest", export, "--db", tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert f"'{tmp_path}' is a directory" in result.stderr


@pytest.mark.parametrize("where", ["missing/report.html", "notes.txt/report.html"])
def test_report_into_a_folder_that_cannot_be(tmp_path: Path, case: Path, where: str) -> None:
    (tmp_path / "notes.txt").write_text("keep")
    line = error_line(bw("report", "--db", case, "-o", tmp_path / where))
    assert str(tmp_path / where) in line and "give another -o path" in line


# -- 2. another writer holding the lock ----------------------------------------------------

HOLDER = """
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
time.sleep(120)
"""
#: The CLI with the lock timeout lowered from 30 s, so the test does not wait that long.
SHORT_LOCK_TIMEOUT = ("-c", "import sys; from bazaarwatch.store import sqlite; "
                      "sqlite.LOCK_TIMEOUT = 1.5; from bazaarwatch.cli import main; "
                      "sys.argv[0] = 'bazaarwatch'; main()")


def test_a_case_locked_by_another_process_names_it(tmp_path: Path, case: Path) -> None:
    more = write_chat_export(tmp_path / "more", [tg_message(3, "new listing")], id=42)
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(case)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
        started = time.monotonic()
        line = error_line(bw("ingest", more, "--db", case, python=SHORT_LOCK_TIMEOUT))
        assert 1.4 < time.monotonic() - started < 60  # it waited, and gave up
        assert read_works(case)  # readers are not blocked by a writer (WAL)
    finally:
        holder.kill()
        holder.wait()
    assert line.startswith(f"error: {case}: the case is locked by ")
    if sys.platform == "linux":
        assert f"pid {holder.pid} (python" in line
    assert "run the command again" in line
    assert bw("ingest", more, "--db", case).returncode == 0  # and works once it is free


def read_works(case: Path) -> bool:
    return bw("stats", "--db", case, "--json").returncode == 0


# -- 3. a full disk in the middle of an ingest ---------------------------------------------

FULL_DISK = """
set -u
mount -t tmpfs -o size=4m tmpfs "$1"
python -m bazaarwatch ingest "$2" --db "$1/case.db"; echo "first: $?"
python -c 'import sqlite3, sys; db = sqlite3.connect(sys.argv[1]); print("kept:", *db.execute(
    "SELECT count(*), (SELECT messages_added FROM sources) FROM messages").fetchone())' "$1/case.db"
mount -o remount,size=64m "$1"
python -m bazaarwatch ingest "$2" --db "$1/case.db"; echo "again: $?"
python -m bazaarwatch stats --db "$1/case.db" --json
"""


def _can_mount() -> bool:
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        return False
    probe = subprocess.run(["unshare", "--mount", "true"], capture_output=True, check=False)
    return probe.returncode == 0


@pytest.mark.skipif(not _can_mount(), reason="needs root and a private mount namespace to "
                                             "mount a small tmpfs (a real full disk)")
def test_a_full_disk_mid_ingest_is_one_line_and_resumes(tmp_path: Path) -> None:
    export = write_chat_export(tmp_path / "export", [
        tg_message(i, f"ok {i}") for i in range(1, 15_001)])  # three batches of 5,000
    (tmp_path / "disk").mkdir()
    env = cli_env()
    env["PATH"] = f"{Path(sys.executable).parent}:{env['PATH']}"
    result = subprocess.run(["unshare", "--mount", "sh", "-c", FULL_DISK, "sh",
                             str(tmp_path / "disk"), str(export)], capture_output=True,
                            text=True, env=env, timeout=300, check=False)
    assert "Traceback" not in result.stderr
    first, kept, again = (line for line in result.stdout.splitlines()
                          if line.startswith(("first:", "kept:", "again:")))
    assert first == "first: 1"
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and errors[0].startswith(f"error: {tmp_path / 'disk' / 'case.db'}: "
                                                     "the disk is full")
    assert "run the same command again" in errors[0]
    _, stored, added = kept.split()
    assert stored == added and int(stored) % 5_000 == 0 and 0 < int(stored) < 15_000
    assert again == "again: 0"
    stats = json.loads(result.stdout[result.stdout.index("["):])
    assert [chat["messages"] for chat in stats] == [15_000]


# -- 4. a read-only case -------------------------------------------------------------------

def _bound_by_permissions() -> None:
    """Run as an analyst's account would: root drops the capabilities that let it ignore
    file permissions (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER) from its bounding
    set, so the exec'd command has them no more."""
    if os.geteuid() == 0:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
        for capability in (1, 2, 3):
            if prctl(24, capability, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
                raise OSError(ctypes.get_errno(), "cannot drop capabilities")


PROBE = """
import os, tempfile
fd, name = tempfile.mkstemp()
os.close(fd)
os.chmod(name, 0o444)
print(os.access(name, os.W_OK))
os.remove(name)
"""


def _permissions_bind() -> bool:
    try:
        probe = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True,
                               check=False, preexec_fn=_bound_by_permissions)
    except subprocess.SubprocessError:
        return False
    return probe.stdout.strip() == "False"


needs_permissions = pytest.mark.skipif(not _permissions_bind(),
                                       reason="file permissions cannot bind this process")
READS = [["stats"], ["channels"], ["indicators"], ["search", "cvv"], ["report", "-o", "REPORT"]]


def _read(command: list[str], case: Path, report: Path) -> subprocess.CompletedProcess[str]:
    args = [str(report) if a == "REPORT" else a for a in command]
    return bw(*args, "--db", case, preexec=_bound_by_permissions)


@needs_permissions
@pytest.mark.parametrize(("file_ro", "folder_ro"), [(True, False), (False, True), (True, True)],
                         ids=["file", "folder", "both"])
def test_a_read_only_case_can_be_read_not_written(tmp_path: Path, case: Path, export: Path,
                                                  file_ro: bool, folder_ro: bool) -> None:
    """A read-only folder is a read-only mount in miniature: SQLite cannot even create
    case.db-shm there, and the case is read as immutable."""
    expected = bw("stats", "--db", case, "--json").stdout
    reports = tmp_path / "reports"
    reports.mkdir()
    folder = case.parent
    before = sorted(p.name for p in folder.iterdir())
    if file_ro:
        case.chmod(0o444)
    if folder_ro:
        folder.chmod(0o555)
    try:
        for command in READS if file_ro == folder_ro else READS[:1]:
            result = _read(command, case, reports / "report.html")
            assert result.returncode == 0, (command, result.stderr)
        assert _read(["stats", "--json"], case, reports).stdout == expected
        if file_ro == folder_ro:
            assert "Fresh CVV base" in (reports / "report.html").read_text()
        line = error_line(bw("ingest", export, "--db", case, preexec=_bound_by_permissions))
        if file_ro:
            assert f"{case}: the case file is read-only" in line
            assert "commands that read (stats, search, report, ...) work on it" in line
        else:
            assert f"{case}: the folder {folder} is read-only" in line
            assert "Copy the case to a writable folder" in line
        scan = bw("scan", export, "-o", folder, preexec=_bound_by_permissions)
        assert "read-only" in error_line(scan)
    finally:
        folder.chmod(0o755)
        case.chmod(0o644)
    if folder_ro:
        assert sorted(p.name for p in folder.iterdir()) == before  # nothing left behind


# -- 5. numbers too big for SQLite ---------------------------------------------------------

@pytest.mark.parametrize(("command", "most"), [(["search", "cvv"], "1000"),
                                               (["indicators"], "9223372036854775807")])
def test_a_limit_beyond_its_range_is_a_usage_error(case: Path, command: list[str],
                                                   most: str) -> None:
    """A search shows at most a thousand hits a page; a listing up to SQLite's 64 bits."""
    result = bw(*command, "--db", case, "--limit", str(int(most) + 1))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "Invalid value for '--limit'" in result.stderr
    assert bw(*command, "--db", case, "--limit", most).returncode == 0


# -- 6. any id is echoed as given ----------------------------------------------------------

IDS = ["1208925819614629174706176", "1.50", "-0.0", "1e400", '"s\\u00e9"', '{"a": [1, null]}',
       "null", "true", "[]"]


@pytest.mark.parametrize("command", ["extract", "classify"])
def test_every_json_id_is_echoed_byte_for_byte(command: str) -> None:
    stdin = "".join(f'{{"id": {raw}, "text": "btc 1BoatSLRHtKNngkdXEeobR76b53LETtpyT"}}\n'
                    for raw in IDS)
    result = bw(command, stdin=stdin)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert [line[:len(f'{{"id":{raw},')] for line, raw in zip(lines, IDS, strict=True)] == [
        f'{{"id":{raw},' for raw in IDS]
    assert all(json.loads(line) for line in lines)  # still JSON


# -- 7. a damaged case, and SQLite errors the store does not foresee -----------------------

def test_a_case_missing_a_table_is_one_line(case: Path) -> None:
    db = sqlite3.connect(case)
    db.execute("DROP TABLE verdicts")
    db.commit()
    db.close()
    line = error_line(bw("stats", "--db", case))
    assert f"{case}: damaged case: table verdicts is missing" in line
    assert "Restore the case from a backup" in line


def test_an_unforeseen_sqlite_error_names_the_case(tmp_path: Path, case: Path) -> None:
    """A trigger someone added in Datasette refuses new sources: the last-resort handler
    prints SQLite's own message with the case file."""
    db = sqlite3.connect(case)
    db.execute("CREATE TRIGGER frozen BEFORE INSERT ON sources "
               "BEGIN SELECT RAISE(ABORT, 'this case is frozen'); END")
    db.commit()
    db.close()
    more = write_chat_export(tmp_path / "more", [tg_message(3, "new")], id=42)
    assert error_line(bw("ingest", more, "--db", case)) == (
        f"error: {case}: this case is frozen")


# -- 8. inputs that are no regular file ----------------------------------------------------

def test_ingest_refuses_devices_fifos_and_sockets(tmp_path: Path) -> None:
    fifo = tmp_path / "export.jsonl"
    os.mkfifo(fifo)
    sock = tmp_path / "s.json"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(sock))
    try:
        inputs: list[tuple[str | Path, list[str]]] = [
            ("/dev/zero", []), ("/dev/zero", ["--format", "jsonl"]), (fifo, []), (sock, [])]
        for path, options in inputs:
            result = bw("ingest", path, *options, "--db", tmp_path / "case.db", timeout=60)
            assert f"{path}: not a regular file" in error_line(result)
    finally:
        server.close()
    assert not (tmp_path / "case.db").exists()


def test_extract_refuses_a_device_and_reads_a_fifo(tmp_path: Path) -> None:
    assert "/dev/zero: this is a device, not a file" in error_line(
        bw("extract", "/dev/zero", timeout=60))
    fifo = tmp_path / "in.jsonl"
    os.mkfifo(fifo)

    def feed() -> None:
        with fifo.open("w") as stream:
            stream.write('{"id": 1, "text": "t.me/shopbot_bot"}\n')

    writer = threading.Thread(target=feed)
    writer.start()
    result = bw("extract", fifo, timeout=60)
    writer.join()
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["id"] == 1


# -- 9. a line too long to read ------------------------------------------------------------

def _max_rss(*args: str | Path) -> tuple[subprocess.CompletedProcess[str], int]:
    """Run the CLI and report its peak memory (KiB) as the process itself saw it."""
    code = ("import resource, sys\nfrom bazaarwatch.cli import main\nsys.argv[0] = 'x'\n"
            "try:\n    main()\nfinally:\n    print('maxrss', resource.getrusage("
            "resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)")
    result = bw(*args, python=("-c", code))
    *rest, last = result.stderr.strip().splitlines()
    result.stderr = "\n".join(rest)
    return result, int(last.split()[1])


def test_a_line_over_16_mib_is_an_error_after_the_lines_before(tmp_path: Path) -> None:
    good = '{"id": 1, "text": "btc 1BoatSLRHtKNngkdXEeobR76b53LETtpyT"}\n'
    small = tmp_path / "small.jsonl"
    small.write_text(good)
    huge = tmp_path / "huge.jsonl"
    with huge.open("w") as stream:  # 128 MiB on one line, then a good line
        stream.write(good)
        stream.write('{"id": 2, "text": "' + "a" * (128 << 20) + '"}\n')
        stream.write(good)
    baseline, small_rss = _max_rss("extract", small)
    assert baseline.returncode == 0
    result, huge_rss = _max_rss("extract", huge)
    assert error_line(result) == (f"error: {huge} (line 2): the line is over 16 MiB. Split "
                                  'it: each line must be {"id": ..., "text": "..."}, at most '
                                  "16 MiB")
    assert result.stdout == baseline.stdout  # line 1 answered, nothing after the bad one
    assert huge_rss - small_rss < 64 << 10  # KiB: bounded by the limit, not the line
    classify = bw("classify", huge)
    assert "line 2" in error_line(classify)
    assert len(classify.stdout.splitlines()) == 1


# -- 10. dates outside the calendar --------------------------------------------------------

WILD_DATES = [10**15, -(10**12), 2**63 - 1]


def test_read_commands_work_with_dates_outside_the_calendar(tmp_path: Path,
                                                            case: Path) -> None:
    db = sqlite3.connect(case)
    rowids = [r[0] for r in db.execute("SELECT rowid FROM messages ORDER BY rowid")]
    db.execute("UPDATE messages SET date = ? WHERE rowid = ?", (WILD_DATES[0], rowids[0]))
    db.execute("INSERT INTO messages (chat_id, message_id, date, kind, text, source_id) "
               "SELECT chat_id, 100 + ?, ?, 'message', 'cvv wild', source_id FROM messages "
               "LIMIT 1", (1, WILD_DATES[1]))
    db.execute("INSERT INTO messages (chat_id, message_id, date, kind, text, source_id) "
               "SELECT chat_id, 100 + ?, ?, 'message', 'cvv wild', source_id FROM messages "
               "LIMIT 1", (2, WILD_DATES[2]))
    db.commit()
    db.close()
    stats = bw("stats", "--db", case)
    assert stats.returncode == 0, stats.stderr
    assert "@-1000000000000" in stats.stdout and "@9223372036854775807" in stats.stdout
    search = bw("search", "cvv", "--db", case)
    assert search.returncode == 0 and "@1000000000000000" in search.stdout
    commands: list[list[str | Path]] = [["indicators"], ["channels"],
                                         ["report", "-o", tmp_path / "r.html"]]
    for command in commands:
        result = bw(*command, "--db", case)
        assert result.returncode == 0, (command, result.stderr)
    html = (tmp_path / "r.html").read_text()
    assert "@9223372036854775807" in html and "2023-11" in html


def test_show_date_bounds() -> None:
    assert show_date(0) == "1970-01-01 00:00"
    assert show_date(253_402_300_799, "%Y-%m-%d") == "9999-12-31"
    assert show_date(253_402_300_800) == "@253402300800"
    assert show_date(-1) == "@-1"
    assert show_date(None, missing="—") == "—"
