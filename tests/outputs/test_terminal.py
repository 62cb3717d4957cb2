"""Hostile message text on a terminal: outputs.terminal.safe, and the CLI's table output."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest
from conftest import bw, tg_message, write_chat_export

from bazaarwatch.outputs.terminal import safe

ESC = "\x1b"
RLO = "\u202e"
#: Unicode's Bidi_Control characters (PropList.txt): marks, embeddings, overrides, isolates.
BIDI_CONTROLS = ["\u061c", "\u200e", "\u200f", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e",
                 "\u2066", "\u2067", "\u2068", "\u2069"]


def dangerous(text: str) -> list[str]:
    """Characters a terminal would interpret: C0/C1 controls (bar newline) and bidi controls."""
    return [ch for ch in text if (unicodedata.category(ch) == "Cc" and ch != "\n")
            or ch in BIDI_CONTROLS]


# -- safe() ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("raw", "shown"), [
    ("\x1b[31mred\x1b[0m", "\\x1b[31mred\\x1b[0m"),
    ("\x1b]0;pwned\x07", "\\x1b]0;pwned\\x07"),  # OSC: set the window title
    ("\x9b2J", "\\x9b2J"),  # C1 CSI
    ("paid\rUNPAID", "paid\\x0dUNPAID"),  # carriage return overwriting the line
    ("a\bb", "a\\x08b"),
    ("tab\there", "tab\\x09here"),
    ("nul\x00", "nul\\x00"),
    ("del\x7f", "del\\x7f"),
    ("Evil\u202egpj.exe", "Evil\\u202egpj.exe"),
    ("\u2066isolate\u2069", "\\u2066isolate\\u2069"),
    ("lone \ud800 surrogate", "lone \\ud800 surrogate"),
    ("line1\nline2", "line1\\x0aline2"),
])
def test_safe_shows_controls_as_visible_escapes(raw: str, shown: str) -> None:
    assert safe(raw) == shown


@pytest.mark.parametrize("control", BIDI_CONTROLS, ids=[f"U+{ord(c):04X}" for c in BIDI_CONTROLS])
def test_safe_escapes_every_bidi_control(control: str) -> None:
    assert safe(f"a{control}b") == f"a\\u{ord(control):04x}b"


@pytest.mark.parametrize("text", [
    "Продам аккаунты", "ελληνικά", "中文 广告", "مرحبا بالعالم", "שלום", "emoji ❄️🍁💊🔌",
    "family 👨\u200d👩\u200d👧", "zero\u200bwidth", "plain [bold]markup[/] stays text",
    "C:\\path\\x1b literal backslashes",
])
def test_safe_leaves_ordinary_text_alone(text: str) -> None:
    assert safe(text) == text


def test_safe_keeps_newlines_only_when_asked() -> None:
    assert safe("a\nb\x1b", keep_newlines=True) == "a\nb\\x1b"
    assert safe("a\r\nb", keep_newlines=True) == "a\\x0d\nb"


@pytest.mark.parametrize("empty", [None, ""])
def test_safe_of_nothing_is_empty(empty: str | None) -> None:
    assert safe(empty) == ""


def test_safe_output_never_holds_a_control_character() -> None:
    every = "".join(chr(c) for c in range(0x3000) if not 0xD800 <= c < 0xE000)
    for out in (safe(every), safe(every, keep_newlines=True)):
        assert [ch for ch in out if unicodedata.category(ch) in ("Cc", "Cs") and ch != "\n"] == []
        assert not set(out) & set(BIDI_CONTROLS) - {"\u061c"}  # U+061C: its own test above


# -- the CLI's output --------------------------------------------------------------------------

HOSTILE_NAME = f"{ESC}[2J{ESC}]0;owned{chr(7)}Shop{RLO}lmth.exe"
HOSTILE_SENDER = f"{ESC}[31mVendor\r{RLO}gpj"
HOSTILE_TEXT = f"cvv {ESC}[5mblink{ESC}[0m [bold]markup[/] {RLO}fdp.exe\x9b"


@pytest.fixture
def hostile_case(tmp_path: Path) -> Path:
    export = write_chat_export(tmp_path / "export", [
        tg_message(1, HOSTILE_TEXT, sender=HOSTILE_SENDER, sender_id="user666"),
        tg_message(2, f"cvv second {ESC}[1A line", sender="Plain", sender_id="user1"),
    ], name=HOSTILE_NAME, type="public_supergroup")
    db = tmp_path / "case.db"
    result = bw("ingest", export, "--db", db)
    assert result.returncode == 0, result.stderr
    assert dangerous(result.stderr) == []
    return db


def test_search_table_output_is_terminal_safe(hostile_case: Path) -> None:
    result = bw("search", "--db", hostile_case, "cvv")
    assert result.returncode == 0, result.stderr
    assert dangerous(result.stdout) == []
    assert dangerous(result.stderr) == []
    assert "\x02" not in result.stdout and "\x03" not in result.stdout
    flat = "".join(result.stdout.split())  # cells may wrap; compare without whitespace
    assert "\\x1b[2J\\x1b]0;owned\\x07Shop\\u202elmth.exe" in flat
    assert "\\x1b[31mVendor\\x0d\\u202egpj" in flat
    assert "[bold]markup[/]" in flat  # message text is never read as rich markup
    assert "\\u202efdp.exe\\x9b" in flat


def test_stats_table_output_is_terminal_safe(hostile_case: Path) -> None:
    result = bw("stats", "--db", hostile_case)
    assert result.returncode == 0, result.stderr
    assert dangerous(result.stdout) == []
    assert "\\x1b[2J\\x1b]0;owned\\x07Shop\\u202elmth.exe" in "".join(result.stdout.split())


@pytest.mark.parametrize("chat_type", [f"{ESC}[31mchannel{RLO}", "[/]", "[link=x]chan[/link]"])
def test_stats_table_shows_a_hostile_chat_type_safely(tmp_path: Path, chat_type: str) -> None:
    """The chat type comes from the export like the chat name, and is just as hostile."""
    export = write_chat_export(tmp_path / "export", [tg_message(1, "hello")],
                               name="Shop", type=chat_type)
    db = tmp_path / "case.db"
    assert bw("ingest", export, "--db", db).returncode == 0
    result = bw("stats", "--db", db)
    assert result.returncode == 0, result.stderr[-500:]
    assert "Traceback" not in result.stderr
    assert dangerous(result.stdout) == []
    assert safe(chat_type) in result.stdout  # shown as written, not read as markup


def test_json_output_keeps_the_data_exact_and_escapes_controls(hostile_case: Path) -> None:
    search = bw("search", "--db", hostile_case, "cvv", "--json")
    assert search.returncode == 0, search.stderr
    assert ESC not in search.stdout
    (row,) = [r for r in json.loads(search.stdout) if r["message_id"] == 1]
    assert row["chat_name"] == HOSTILE_NAME
    assert row["sender_name"] == HOSTILE_SENDER
    # A snippet shows C0 controls as their control pictures (ESC as U+241B), so that the
    # text holds none of the U+0002/U+0003 marks the table output styles matches with.
    assert row["snippet"] == HOSTILE_TEXT.replace(ESC, "\u241b")
    stats = bw("stats", "--db", hostile_case, "--json")
    assert ESC not in stats.stdout
    assert json.loads(stats.stdout)[0]["name"] == HOSTILE_NAME


def test_error_messages_quoting_hostile_text_are_terminal_safe(tmp_path: Path) -> None:
    export = write_chat_export(tmp_path / "export", [
        tg_message(1, "fine"), tg_message(2, "bad date", date_unixtime="soon")],
        name=HOSTILE_NAME)
    result = bw("ingest", export, "--db", tmp_path / "case.db")
    assert result.returncode == 1
    assert "the message was left out" in result.stderr
    assert dangerous(result.stderr) == []
    assert "\\u202elmth.exe" in "".join(result.stderr.split())
