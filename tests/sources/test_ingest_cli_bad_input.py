"""``bazaarwatch ingest`` on good and damaged inputs, through the real CLI in a subprocess.

Every bad input must give exit code 1, exactly one ``error:`` line that names the file, the
place in it and what was expected, no traceback, and a case file in a known state: the
messages read before the damage kept, the source marked partial or failed with its error.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest
from readers_support import (
    FIXTURES,
    FULL,
    JSONL,
    SINGLE,
    CliResult,
    Doc,
    dump_json,
    query_db,
    run_cli,
    tg_chat,
    write_export,
    zip_export,
)

CHAT = 1987654321


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("error:")]


def assert_one_error(result: CliResult, *needles: str) -> str:
    """Exit 1, no traceback, one error line holding every needle; return that line."""
    stderr = result.stderr
    assert "Traceback" not in stderr, stderr
    assert result.returncode == 1, stderr
    lines = error_lines(stderr)
    assert len(lines) == 1, stderr
    for needle in needles:
        assert needle in lines[0], f"{needle!r} not in {lines[0]!r}"
    return lines[0]


def sources(db: Path) -> list[tuple[Any, ...]]:
    return query_db(db, "SELECT path, sha256, status, messages_added, error FROM sources "
                        "ORDER BY id")


def stored(db: Path) -> list[tuple[str, Any]]:
    rows = query_db(db, "SELECT chat_id, message_id FROM messages ORDER BY chat_id, message_id")
    assert len(rows) == len(set(rows)), "duplicate messages"
    return [(str(r[0]), r[1]) for r in rows]


def ids(chat: int, *numbers: int) -> list[tuple[str, Any]]:
    return [(str(chat), n) for n in numbers]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def case_files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("case.db*"))}


@pytest.fixture
def chat_text() -> str:
    """A single-chat export of 10 messages, as text."""
    return dump_json(tg_chat(CHAT, 10, name="Барахолка"))


def message_start(text: str, message_id: int) -> int:
    """Where the object of message ``message_id`` starts in an export's text."""
    return text.rindex("{", 0, text.index(f'"id": {message_id},'))


# -- the good path -----------------------------------------------------------------------------

def test_ingest_fixture_exports_then_again(tmp_path: Path) -> None:
    folder = tmp_path / "single"
    folder.mkdir()
    shutil.copy(FIXTURES / SINGLE, folder / "result.json")
    archive = zip_export(FIXTURES / FULL, tmp_path / "full.zip")
    db = tmp_path / "case.db"
    first = run_cli("ingest", folder, archive, "--db", db)
    assert first.returncode == 0, first.stderr
    assert "Traceback" not in first.stderr
    assert error_lines(first.stderr) == []
    assert "15 messages read, 15 added" in first.stderr
    assert "8 messages read, 8 added" in first.stderr
    result = folder / "result.json"
    assert sources(db) == [
        (str(result.resolve()), sha256(result), "done", 15, None),
        (str(archive.resolve()), sha256(archive), "done", 8, None),
    ]
    rows = stored(db)
    assert len(rows) == 23
    # Message ids repeat across chats; (chat_id, message_id) keeps them apart.
    assert ids(5000000001, 1, 2, 3) == [r for r in rows if r[0] == "5000000001"]
    [(text,)] = query_db(db, "SELECT text FROM messages WHERE chat_id = ? AND message_id = 3",
                         str(CHAT))
    assert text.startswith("🔥🔥 Продаю дампы, пишите @dump_seller")
    entities = query_db(db, "SELECT e.type, e.\"offset\", e.length FROM entities e JOIN "
                            "messages m ON m.rowid = e.message_rowid WHERE m.chat_id = ? "
                            "AND m.message_id = 3 ORDER BY e.\"offset\"", str(CHAT))
    assert entities[0] == ("mention", 24, 12)
    assert entities[-1] == ("bold", 183, 12)
    assert len(entities) == 11

    again = run_cli("ingest", folder, archive, "--db", db)
    assert again.returncode == 0, again.stderr
    assert again.stderr.count("already ingested") == 2
    assert len(stored(db)) == 23
    assert len(sources(db)) == 2


def test_ingest_jsonl(tmp_path: Path) -> None:
    db = tmp_path / "case.db"
    done = run_cli("ingest", FIXTURES / JSONL, "--db", db)
    assert done.returncode == 0, done.stderr
    assert "5 messages read, 5 added" in done.stderr
    assert stored(db) == [("77", "m-2"), ("market", 1), ("market", 4),
                                    ("messages", 3), ("messages", 5)]


# -- (a) truncated JSON ------------------------------------------------------------------------

def test_truncated_export_is_partial_resumable_and_repairable(
        tmp_path: Path, chat_text: str) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    file = folder / "result.json"
    cut = message_start(chat_text, 7) + 60  # in the middle of message 7
    file.write_text(chat_text[:cut], encoding="utf-8")
    size = file.stat().st_size
    db = tmp_path / "case.db"

    first = run_cli("ingest", folder, "--db", db)
    line = assert_one_error(first, str(file), f"byte {size}", "truncated JSON",
                            "premature EOF")
    assert "marked partial" in first.stderr
    assert stored(db) == ids(CHAT, 1, 2, 3, 4, 5, 6)
    [(path, digest, status, added, error)] = sources(db)
    assert (path, digest, status, added) == (str(file.resolve()), sha256(file), "partial", 6)
    assert line == f"error: {error}"

    # The same damaged file again: nothing duplicated, the same row resumed.
    second = run_cli("ingest", folder, "--db", db)
    assert_one_error(second, str(file), "truncated JSON")
    assert stored(db) == ids(CHAT, 1, 2, 3, 4, 5, 6)
    [(_, _, status, added, error)] = sources(db)
    assert (status, added) == ("partial", 6)
    assert error is not None
    assert "truncated JSON" in error

    # The repaired file completes the chat.
    file.write_text(chat_text, encoding="utf-8")
    third = run_cli("ingest", folder, "--db", db)
    assert third.returncode == 0, third.stderr
    assert error_lines(third.stderr) == []
    assert "10 messages read, 4 added" in third.stderr
    assert stored(db) == ids(CHAT, *range(1, 11))
    rows = sources(db)
    assert [(r[2], r[3], r[4] is None) for r in rows] == [("partial", 6, False),
                                                          ("done", 4, True)]
    assert rows[1][1] == sha256(file)


# -- (b) invalid JSON --------------------------------------------------------------------------

@pytest.fixture
def garbage_export(tmp_path: Path, chat_text: str) -> tuple[Path, int]:
    """The 10-message export with garbage just before message 4; returns (file, offset)."""
    at = message_start(chat_text, 4)
    folder = tmp_path / "export"
    folder.mkdir()
    file = folder / "result.json"
    file.write_text(chat_text[:at] + "@@@ garbage @@@ " + chat_text[at:], encoding="utf-8")
    return file, len(chat_text[:at].encode())


def test_invalid_json_is_one_clear_error(tmp_path: Path, garbage_export: tuple[Path, int]) -> None:
    file, _ = garbage_export
    db = tmp_path / "case.db"
    result = run_cli("ingest", file, "--db", db)
    line = assert_one_error(result, str(file), "invalid or truncated JSON", "byte ")
    assert "invalid char" in line
    [(_, _, status, _, error)] = sources(db)
    assert status in ("partial", "failed")
    assert line == f"error: {error}"
    assert set(stored(db)) <= set(ids(CHAT, 1, 2, 3))


def test_invalid_json_keeps_the_messages_before_it(
        tmp_path: Path, garbage_export: tuple[Path, int]) -> None:
    """BUG (telegram.py _Parse): messages completed in the chunk where ijson meets the
    damage are never drained. An export under 256 KiB is one chunk, so any damage loses
    every message and the source is 'failed' though messages 1-3 are intact."""
    file, _ = garbage_export
    db = tmp_path / "case.db"
    run_cli("ingest", file, "--db", db)
    assert stored(db) == ids(CHAT, 1, 2, 3)
    assert sources(db)[0][2:4] == ("partial", 3)


def test_invalid_json_error_says_where_the_damage_is(
        tmp_path: Path, garbage_export: tuple[Path, int]) -> None:
    """BUG (telegram.py _Parse._json_error): "byte N" is self.offset, the bytes read so far
    (the end of the current 256 KiB chunk; for this small file, its size), not where the
    damage is; and "after message X" only knows messages drained before the failing chunk
    (none here). The error should point at the damage: its byte, or the last good id."""
    file, offset = garbage_export
    result = run_cli("ingest", file, "--db", tmp_path / "case.db")
    line = assert_one_error(result, str(file))
    found = re.search(r"byte (\d+)", line)
    near = found is not None and abs(int(found.group(1)) - offset) <= 64
    assert near or "after message 3 " in line, (
        f"damage at byte {offset} (after message 3), but the error says: {line}")


@pytest.mark.parametrize("pad", ["", "x"])
def test_invalid_json_after_cyrillic_text_gives_a_clean_message(tmp_path: Path, pad: str) -> None:
    """BUG (telegram.py _Parse._json_error): yajl's message quotes ~30 bytes of context;
    when that snippet starts inside a multi-byte UTF-8 character (Cyrillic text: one of
    these two pads), ijson's exception carries *bytes*, and str() of it is a b'...' repr
    with the whole multi-line diagnostic (escaped \\n, mangled Cyrillic, "(right here)")."""
    doc = tg_chat(CHAT, 2, name="Барахолка")
    doc["messages"][0]["text"] = "продаю аккаунты недорого" + pad
    text = dump_json(doc)
    anchor = f'"text": "продаю аккаунты недорого{pad}",'
    at = text.index(anchor) + len(anchor)
    file = tmp_path / "result.json"
    file.write_text(text[:at] + " @@@" + text[at:], encoding="utf-8")
    result = run_cli("ingest", file, "--db", tmp_path / "case.db")
    line = assert_one_error(result, str(file), "invalid or truncated JSON", "invalid char")
    assert "b'" not in line, line
    assert "(right here)" not in line, line
    assert "\\x" not in line, line


# -- (c) a field of the wrong type -------------------------------------------------------------

@pytest.mark.parametrize(("field", "value", "needles"), [
    ("id", "abc", ("message id abc", "field 'id'", "expected int, got str")),
    ("date_unixtime", 17, ("message id 4", "field 'date_unixtime'", "expected str")),
    ("date_unixtime", "вчера", ("message id 4", "date_unixtime", "not a number")),
    ("text_entities", "x", ("message id 4", "field 'text_entities'", "expected array")),
    ("reply_to_message_id", "3", ("message id 4", "field 'reply_to_message_id'",
                                  "expected int")),
    ("from_id", 444444, ("message id 4", "field 'from_id'", "expected str")),
    ("text", 5, ("message id 4", "field 'text'", "got int")),
])
def test_wrong_type_names_message_and_field(
        tmp_path: Path, field: str, value: Any, needles: tuple[str, ...]) -> None:
    doc = tg_chat(CHAT, 6, name="Барахолка")
    doc["messages"][3][field] = value
    file = write_export(tmp_path / "export", doc)
    db = tmp_path / "case.db"
    result = run_cli("ingest", file, "--db", db)
    line = assert_one_error(result, str(file), "chat 'Барахолка'", *needles,
                            "the message was left out")
    assert stored(db) == ids(CHAT, 1, 2, 3, 5, 6)  # one bad message costs only itself
    [(_, _, status, added, error)] = sources(db)
    assert (status, added) == ("partial", 5)
    assert line == f"error: {error}"


# -- (d) a chat without "messages" -------------------------------------------------------------

def test_full_export_chat_without_messages(tmp_path: Path) -> None:
    doc = {"about": "export", "chats": {"about": "chats", "list": [
        tg_chat(101, 3, name="Маркет A"),
        {"name": "Без сообщений", "type": "private_group", "id": 202},
        tg_chat(303, 2, name="Маркет C"),
    ]}}
    file = write_export(tmp_path / "export", doc)
    db = tmp_path / "case.db"
    result = run_cli("ingest", file, "--db", db)
    line = assert_one_error(result, str(file), "chat id 202", "'Без сообщений'",
                            "no 'messages' list")
    assert stored(db) == ids(101, 1, 2, 3)
    [(_, _, status, added, error)] = sources(db)
    assert (status, added) == ("partial", 3)
    assert line == f"error: {error}"


@pytest.mark.parametrize(("doc", "needle"), [
    ({"name": "Барахолка", "type": "private_group", "id": CHAT}, "no 'messages' list"),
    ({"name": "Барахолка", "type": "private_group", "id": CHAT, "messages": {"1": {}}},
     "'messages' of chat 'Барахолка' is dict, not a list"),
])
def test_single_chat_without_a_messages_list(tmp_path: Path, doc: Doc, needle: str) -> None:
    file = write_export(tmp_path / "export", doc)
    db = tmp_path / "case.db"
    result = run_cli("ingest", file, "--db", db)
    assert_one_error(result, str(file), needle)
    assert stored(db) == []
    assert [r[2:4] for r in sources(db)] == [("failed", 0)]


# -- (e) JSON that is not an export ------------------------------------------------------------

def test_json_object_that_is_not_an_export(tmp_path: Path) -> None:
    file = tmp_path / "settings.json"
    file.write_text('{"foo": 1}', encoding="utf-8")
    db = tmp_path / "case.db"
    result = run_cli("ingest", file, "--db", db)
    line = assert_one_error(result, str(file), "not a Telegram export",
                            "top-level keys: foo")
    assert stored(db) == []
    [(_, _, status, added, error)] = sources(db)
    assert (status, added) == ("failed", 0)
    assert line == f"error: {error}"
    assert "marked failed" in result.stderr


@pytest.mark.parametrize("how", ["folder", "forced"])
def test_top_level_array_is_not_an_export(tmp_path: Path, how: str) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    file = folder / "result.json"
    file.write_text('[{"id": 1, "text": "hi"}]', encoding="utf-8")
    db = tmp_path / "case.db"
    args = [folder] if how == "folder" else [file, "--format", "telegram"]
    result = run_cli("ingest", *args, "--db", db)
    assert_one_error(result, str(file), "not a Telegram export", "byte 0",
                     "does not start with a JSON object")
    assert stored(db) == []
    assert [r[2:4] for r in sources(db)] == [("failed", 0)]


def test_top_level_array_json_is_refused_before_the_case_is_made(tmp_path: Path) -> None:
    file = tmp_path / "list.json"
    file.write_text("[1, 2, 3]", encoding="utf-8")
    result = run_cli("ingest", file, "--db", tmp_path / "case.db")
    assert_one_error(result, str(file), "cannot tell which format", "--format")
    assert case_files(tmp_path) == {}


# -- (f) zips ----------------------------------------------------------------------------------

def test_unreadable_zip(tmp_path: Path) -> None:
    file = tmp_path / "export.zip"
    file.write_bytes(bytes(range(256)) * 8)
    db = tmp_path / "case.db"
    result = run_cli("ingest", file, "--db", db)
    assert_one_error(result, str(file), "not a readable zip archive")
    assert stored(db) == []
    assert [r[2:4] for r in sources(db)] == [("failed", 0)]


def test_zip_without_result_json(tmp_path: Path) -> None:
    file = tmp_path / "export.zip"
    with zipfile.ZipFile(file, "w") as archive:
        archive.writestr("DataExport_2024-05-01/messages.html", "<html></html>")
        archive.writestr("DataExport_2024-05-01/photos/photo_1.jpg", b"\xff\xd8\xff")
    db = tmp_path / "case.db"
    result = run_cli("ingest", file, "--db", db)
    assert_one_error(result, str(file), "the zip holds no result.json")
    assert [r[2:4] for r in sources(db)] == [("failed", 0)]


def test_zip_with_a_corrupt_member(tmp_path: Path, chat_text: str) -> None:
    file = tmp_path / "export.zip"
    with zipfile.ZipFile(file, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("DataExport_2024-05-01/result.json", chat_text)
    data = file.read_bytes()
    target = f"chat {CHAT} msg 2 ".encode()
    assert target in data
    file.write_bytes(data.replace(target, f"chat {CHAT} msg 9 ".encode(), 1))
    db = tmp_path / "case.db"
    result = run_cli("ingest", file, "--db", db)
    assert_one_error(result, str(file), "DataExport_2024-05-01/result.json", "cannot unpack",
                     "CRC")
    assert [r[2] for r in sources(db)] in (["failed"], ["partial"])


# -- (g) a path that does not exist ------------------------------------------------------------

def test_missing_path_creates_no_case(tmp_path: Path) -> None:
    missing = tmp_path / "nope" / "result.json"
    result = run_cli("ingest", missing, "--db", tmp_path / "case.db")
    assert_one_error(result, str(missing), "no such file or folder")
    assert case_files(tmp_path) == {}


def test_missing_path_leaves_an_existing_case_untouched(tmp_path: Path) -> None:
    db = tmp_path / "case.db"
    first = run_cli("ingest", FIXTURES / JSONL, "--db", db)
    assert first.returncode == 0, first.stderr
    before = case_files(tmp_path)
    assert "case.db" in before
    good = write_export(tmp_path / "export", tg_chat(CHAT, 3))
    missing = tmp_path / "missing.zip"
    result = run_cli("ingest", good, missing, "--db", db)
    assert_one_error(result, str(missing), "no such file or folder")
    # Every path is checked first: the good export before the bad path was not ingested.
    assert case_files(tmp_path) == before
    assert len(stored(db)) == 5


# -- (h) an empty file -------------------------------------------------------------------------

@pytest.mark.parametrize("content", [b"", b"  \n\n"])
def test_empty_result_json(tmp_path: Path, content: bytes) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    file = folder / "result.json"
    file.write_bytes(content)
    db = tmp_path / "case.db"
    result = run_cli("ingest", folder, "--db", db)
    assert_one_error(result, str(file))
    assert stored(db) == []
    assert [r[2:4] for r in sources(db)] == [("failed", 0)]


@pytest.mark.parametrize("content", [b"", b"  \n\n"])
def test_empty_result_json_error_says_it_is_empty(tmp_path: Path, content: bytes) -> None:
    """BUG (telegram.py _Parse._produce, the `if top is None` branch): ijson raises
    IncompleteJSONError on an empty stream, so the "the file is empty" error is never
    reached; the user is told "invalid or truncated JSON (parse error: premature EOF)" and
    that "messages read before this point are kept"."""
    folder = tmp_path / "export"
    folder.mkdir()
    file = folder / "result.json"
    file.write_bytes(content)
    result = run_cli("ingest", folder, "--db", tmp_path / "case.db")
    line = assert_one_error(result, str(file))
    message = line.split(str(file), 1)[1]  # the test's own folder name says "empty" too
    assert "empty" in message, line
    assert "messages read before this point are kept" not in message, line


# -- --format and the shape of the message -----------------------------------------------------

def test_unknown_format_lists_the_known_ones(tmp_path: Path) -> None:
    """An unknown --format is a usage error (exit 2) that lists the known formats."""
    result = run_cli("ingest", FIXTURES / JSONL, "--db", tmp_path / "case.db",
                     "--format", "nosuch")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    for needle in ("'nosuch' is not one of", "jsonl", "telegram"):
        assert needle in result.stderr
    assert case_files(tmp_path) == {}


def test_error_is_one_line_even_when_not_on_a_terminal(tmp_path: Path, chat_text: str) -> None:
    """_Command promises "one line on stderr". Regression: without soft_wrap on the stderr
    console, rich hard-wrapped a piped error at 80 columns and split long paths mid-name."""
    folder = tmp_path / ("очень-длинное-имя-папки-" * 3) / "DataExport_2024-05-01_evidence"
    folder.mkdir(parents=True)
    file = folder / "result.json"
    file.write_text(chat_text[:message_start(chat_text, 5) + 30], encoding="utf-8")
    result = run_cli("ingest", folder, "--db", tmp_path / "case.db", wide=False)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = error_lines(result.stderr)
    assert len(lines) == 1, result.stderr
    assert str(file) in lines[0], f"the error line was wrapped:\n{result.stderr}"
    assert "truncated JSON" in lines[0], f"the error line was wrapped:\n{result.stderr}"


def test_odd_media_path_gives_no_traceback(tmp_path: Path) -> None:
    """Regression: _safe_path's `":" in path.parts[0]` raised IndexError on a media path of
    ".", which escaped the CLI as a traceback and left the source 'running'."""
    doc = tg_chat(CHAT, 3)
    doc["messages"][1]["photo"] = "."
    file = write_export(tmp_path / "export", doc)
    db = tmp_path / "case.db"
    result = run_cli("ingest", file, "--db", db)
    assert "Traceback" not in result.stderr, result.stderr[-600:]
    assert [r[2] for r in sources(db)] == ["done"]
    assert stored(db) == ids(CHAT, 1, 2, 3)
