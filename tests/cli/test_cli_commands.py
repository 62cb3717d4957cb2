"""Every command of the CLI, through a real `python -m bazaarwatch` subprocess."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import BARAHOLKA, REALISTIC_STATS, bw, tg_message, write_chat_export

COMMANDS = ["ingest", "scan", "search", "stats", "report"]


# -- help --------------------------------------------------------------------------------------

@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_group_help_lists_every_command(flag: str) -> None:
    result = bw(flag)
    assert result.returncode == 0
    assert "Usage:" in result.stdout
    text = " ".join(result.stdout.split())  # click wraps help at 80 columns
    assert "illicit marketplaces" in text
    assert "never joins, posts to or contacts anything" in text
    commands = result.stdout.split("Commands:", 1)[1]
    for command in COMMANDS:
        assert f"\n  {command} " in commands


@pytest.mark.parametrize(("command", "phrases"), [
    ("ingest", ["PATHS...", "--db", "idempotently", "resum", "partial", "--format"]),
    ("scan", ["PATHS...", "-o, --output", "case.db", "report.html"]),
    ("search", ["QUERY", "--db", "FTS5", "--json", "--limit", '"gift card"']),
    ("stats", ["--db", "--json", "senders", "forwards", "bot"]),
    ("report", ["--db", "-o, --output", "offline", "HTML"]),
])
def test_each_command_explains_itself(command: str, phrases: list[str]) -> None:
    result = bw(command, "--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Usage:")
    assert f" {command} " in result.stdout.splitlines()[0]
    text = " ".join(result.stdout.split())
    for phrase in phrases:
        assert phrase in text, phrase


def test_version() -> None:
    result = bw("--version")
    assert result.returncode == 0
    assert result.stdout.startswith("bazaarwatch, version ")


# -- usage errors and missing cases ------------------------------------------------------------

@pytest.mark.parametrize("args", [
    ["stats"], ["search", "cvv"], ["report"], ["ingest", "export"], ["scan", "export"],
    ["search", "--db", "case.db"], ["stats", "--db", "x.db", "--no-such-option"],
    ["no-such-command"],
])
def test_usage_errors_exit_2(args: list[str], tmp_path: Path) -> None:
    result = bw(*args, cwd=tmp_path)
    assert result.returncode == 2
    assert "Usage:" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "case.db").exists()


@pytest.mark.parametrize("args", [["stats"], ["search", "cvv"], ["stats", "--json"],
                                  ["report", "-o", "r.html"]])
def test_missing_case_file_exits_1_with_a_clear_message(args: list[str], tmp_path: Path) -> None:
    db = tmp_path / "absent.db"
    result = bw(*args, "--db", db, cwd=tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("error: ")
    assert "absent.db: no such case file" in result.stderr
    assert "bazaarwatch ingest" in result.stderr  # says how to make one
    assert result.stdout == ""
    assert not db.exists()  # a read-only command does not create a case
    assert not (tmp_path / "r.html").exists()


def test_a_file_that_is_not_a_case_exits_1(tmp_path: Path) -> None:
    notes = tmp_path / "notes.db"
    notes.write_text("just some notes\n" * 100)
    result = bw("stats", "--db", notes)
    assert result.returncode == 1
    assert "not a SQLite database" in result.stderr
    assert "Traceback" not in result.stderr


def test_ingest_of_a_missing_export_exits_1_and_creates_no_case(tmp_path: Path) -> None:
    result = bw("ingest", tmp_path / "nowhere", "--db", tmp_path / "case.db")
    assert result.returncode == 1
    assert "no such file or folder" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "case.db").exists()


# -- scan --------------------------------------------------------------------------------------

def test_scan_writes_case_and_report_and_says_where(realistic_export: Path,
                                                    tmp_path: Path) -> None:
    out = tmp_path / "out" / "nested"
    result = bw("scan", realistic_export, "-o", out)
    assert result.returncode == 0, result.stderr
    assert (out / "case.db").is_file()
    report = out / "report.html"
    assert report.is_file()
    assert f"report: {report}" in result.stderr
    assert f"case: {out / 'case.db'}" in result.stderr
    assert "13 messages read, 13 added" in result.stderr
    html = report.read_text(encoding="utf-8")
    assert html.startswith("<!doctype html>")
    assert "Барахолка" in html
    assert not list(out.glob("*.tmp"))
    con = sqlite3.connect(out / "case.db")
    try:
        assert con.execute("SELECT count(*) FROM messages").fetchone()[0] == 13
    finally:
        con.close()


def test_scan_of_a_missing_export_creates_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = bw("scan", tmp_path / "nowhere", "-o", out)
    assert result.returncode == 1
    assert "no such file or folder" in result.stderr
    assert not out.exists()


# -- report ------------------------------------------------------------------------------------

def test_report_command_writes_the_html(realistic_case: Path, tmp_path: Path) -> None:
    output = tmp_path / "r.html"
    result = bw("report", "--db", realistic_case, "-o", output)
    assert result.returncode == 0, result.stderr
    assert f"report: {output}" in result.stderr
    html = output.read_text(encoding="utf-8")
    assert "Televend Shop Bot" in html
    assert "case.db" in html  # names the case


def test_report_command_default_output_is_report_html(realistic_case: Path,
                                                      tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    result = bw("report", "--db", realistic_case, cwd=work)
    assert result.returncode == 0, result.stderr
    assert (work / "report.html").is_file()


def test_report_into_a_missing_folder_is_a_clear_error(realistic_case: Path,
                                                       tmp_path: Path) -> None:
    result = bw("report", "--db", realistic_case, "-o", tmp_path / "nosuch" / "r.html")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "nosuch" in result.stderr


# -- stats -------------------------------------------------------------------------------------

def test_stats_json_gives_per_chat_figures(realistic_case: Path) -> None:
    result = bw("stats", "--db", realistic_case, "--json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert {r["chat_id"] for r in rows} == set(REALISTIC_STATS)
    for r in rows:
        expected = REALISTIC_STATS[r["chat_id"]]
        got = {key: r[key] for key in expected}
        assert got == expected, r["chat_id"]
    assert [r["messages"] for r in rows] == sorted((r["messages"] for r in rows), reverse=True)


def _day(ts: int) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M")


def test_stats_table_shows_the_same_figures(realistic_case: Path) -> None:
    result = bw("stats", "--db", realistic_case)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    for expected in REALISTIC_STATS.values():
        line = next(x for x in lines if f" {expected['name']} " in x)
        cells = [c.strip() for c in line.strip("│ ").split("│")]
        assert cells == [expected["name"], expected["type"], str(expected["messages"]),
                         str(expected["senders"]), _day(expected["first_date"]),
                         _day(expected["last_date"]), str(expected["forwards"]),
                         str(expected["bot_messages"])]


def test_stats_of_an_empty_case(tmp_path: Path) -> None:
    from bazaarwatch.store.sqlite import Case
    db = tmp_path / "empty.db"
    Case(db).close()
    result = bw("stats", "--db", db, "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == []


# -- search ------------------------------------------------------------------------------------

def test_search_shows_chat_date_sender_and_snippet(realistic_case: Path) -> None:
    result = bw("search", "--db", realistic_case, "КАРТЫ")
    assert result.returncode == 0, result.stderr
    lines = [x for x in result.stdout.splitlines() if "Барахолка" in x]
    assert len(lines) == 1
    cells = [c.strip() for c in lines[0].strip("│ ").split("│")]
    assert cells == ["Барахолка", "2023-11-02 12:00", "Bob", "—", "куплю карты"]
    header = next(x for x in result.stdout.splitlines() if "chat" in x)
    assert all(word in header for word in ("chat", "date", "sender", "verdict", "message"))


def test_search_json(realistic_case: Path) -> None:
    result = bw("search", "--db", realistic_case, '"gift card"', "--json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert len(rows) == 1
    row = rows[0]
    assert row["chat_id"] == str(BARAHOLKA)
    assert row["chat_name"] == "Барахолка"
    assert row["message_id"] == 6
    assert row["sender_name"] == "Alice"
    assert row["sender_id"] == "user1001"
    assert row["snippet"] == "gift card codes cheap"  # match markers removed
    assert datetime.fromtimestamp(row["date"], UTC).strftime("%Y-%m-%d") == "2023-12-03"


def test_search_without_matches(realistic_case: Path) -> None:
    table = bw("search", "--db", realistic_case, "nosuchword")
    assert table.returncode == 0
    assert "0 matching messages" in table.stderr
    as_json = bw("search", "--db", realistic_case, "nosuchword", "--json")
    assert as_json.returncode == 0
    assert json.loads(as_json.stdout) == []


def test_search_limit(tmp_path: Path) -> None:
    export = write_chat_export(tmp_path / "e", [tg_message(i, f"cvv fresh {i}",
                                                           date=1_700_000_000 + i)
                                                for i in range(1, 31)])
    db = tmp_path / "case.db"
    assert bw("ingest", export, "--db", db).returncode == 0
    assert len(json.loads(bw("search", "--db", db, "cvv", "--json").stdout)) == 30
    assert len(json.loads(bw("search", "--db", db, "cvv", "--json", "--limit", "7").stdout)) == 7


def test_invalid_search_exits_1_with_the_syntax_hint(realistic_case: Path) -> None:
    result = bw("search", "--db", realistic_case, '"unterminated')
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "not a valid search" in result.stderr
    assert "FTS5 syntax" in result.stderr
    assert result.stdout == ""
