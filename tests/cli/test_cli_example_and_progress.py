"""The bundled example export through `scan`, and the progress bar on a real terminal."""

from __future__ import annotations

import json
import os
import pty
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "telegram_export"


def test_scan_of_the_example_export(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = subprocess.run([sys.executable, "-m", "bazaarwatch", "scan", str(EXAMPLE),
                             "-o", str(out)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert f"report: {out / 'report.html'}" in result.stderr
    raw = json.loads((EXAMPLE / "result.json").read_text(encoding="utf-8"))
    chats = raw["chats"]["list"] + raw["left_chats"]["list"]
    expected = sum(len(c["messages"]) for c in chats)
    with sqlite3.connect(out / "case.db") as db:
        assert db.execute("SELECT count(*) FROM messages").fetchone()[0] == expected
        assert db.execute("SELECT count(*) FROM chats").fetchone()[0] == len(chats)
        bot_chat = next(c for c in chats if c["type"] == "bot_chat")
        bot_messages = db.execute("SELECT count(*) FROM messages WHERE chat_id = ? AND from_bot",
                                  (str(bot_chat["id"]),)).fetchone()[0]
        assert bot_messages == sum(1 for m in bot_chat["messages"]
                                   if m.get("from_id") == f"user{bot_chat['id']}")
        assert db.execute("SELECT status FROM sources").fetchall() == [("done",)]
    html = (out / "report.html").read_text(encoding="utf-8")
    for chat in chats:
        if chat.get("name") and "<" not in chat["name"] and "&" not in chat["name"]:
            assert chat["name"] in html


def _run_on_terminal(args: list[str]) -> str:
    """Run the CLI with stderr on a pseudo-terminal; return what the terminal showed."""
    leader, follower = pty.openpty()
    env = {**os.environ, "COLUMNS": "160", "TERM": "xterm"}
    process = subprocess.Popen([sys.executable, "-m", "bazaarwatch", *args],
                               stdout=subprocess.DEVNULL, stderr=follower, env=env)
    os.close(follower)
    shown = b""
    while True:
        try:
            data = os.read(leader, 65536)
        except OSError:  # the terminal closed: the process is done
            break
        if not data:
            break
        shown += data
    process.wait(timeout=60)
    os.close(leader)
    assert process.returncode == 0, shown.decode("utf-8", "replace")
    return shown.decode("utf-8", "replace")


def test_progress_bar_on_a_terminal_only(tmp_path: Path) -> None:
    shown = _run_on_terminal(["ingest", str(EXAMPLE), "--db", str(tmp_path / "tty.db")])
    assert "messages," in shown and "/s" in shown  # the bar's messages and rate column
    piped = subprocess.run([sys.executable, "-m", "bazaarwatch", "ingest", str(EXAMPLE),
                            "--db", str(tmp_path / "pipe.db")],
                           capture_output=True, text=True, check=True)
    assert "/s" not in piped.stderr
    assert "\x1b" not in piped.stderr
