"""Hostile exports through the real CLI, each under a 1 GiB address-space cap.

Every input here once crashed ingest, lost a batch, or took gigabytes (issue 8): each must
now end with exit 0 or 1, one line per problem, no traceback, inside the cap, and cost no
message but the bad one. The inputs are generated small (most are zips of a few hundred
bytes); the cap makes a regression fail fast instead of swapping.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from readers_support import BASE_UNIXTIME, CliResult, Doc, query_db, run_cli, tg_message

from bazaarwatch.bounds import MAX_TEXT
from bazaarwatch.sources.jsonguard import MAX_DEPTH

CAP = 1 << 30
CHAT = 1987654321


def capped_cli(*args: str | Path) -> CliResult:
    return run_cli(*args, memory=CAP, timeout=300)


def lines(stderr: str, label: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith(label)]


def ingest(tmp_path: Path, file: Path) -> tuple[CliResult, Path]:
    db = tmp_path / "case.db"
    result = capped_cli("ingest", file, "--db", db)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode in (0, 1), result.stderr
    return result, db


def rows(db: Path, sql: str) -> list[tuple[Any, ...]]:
    return query_db(db, sql)


def chat_json(*messages: str) -> str:
    """A single-chat export whose messages are given as raw JSON text."""
    return (f'{{"name": "Барахолка", "type": "public_channel", "id": {CHAT}, '
            f'"messages": [{", ".join(messages)}]}}')


def message(i: int, **extra: Any) -> str:
    return json.dumps(tg_message(i, **extra), ensure_ascii=False)


def zipped(tmp_path: Path, *members: tuple[str, str | bytes]) -> Path:
    file = tmp_path / "export.zip"
    with zipfile.ZipFile(file, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            archive.writestr(name, data)
    return file


@pytest.mark.parametrize("depth", [1_000, 100_000])
def test_deep_nesting_costs_only_its_message(tmp_path: Path, depth: int) -> None:
    bomb = ('{"id": 2, "type": "message", "date_unixtime": "1714557600", "text": '
            + "[" * depth + "]" * depth + "}")
    file = zipped(tmp_path, ("export/result.json", chat_json(message(1), bomb, message(3))))
    assert file.stat().st_size < 2000
    result, db = ingest(tmp_path, file)
    assert result.returncode == 1
    [error] = lines(result.stderr, "error:")
    assert "message id 2" in error and "the message was left out" in error
    [warning] = lines(result.stderr, "warning:")
    assert f"nested deeper than {MAX_DEPTH} levels" in warning
    assert rows(db, "SELECT message_id FROM messages ORDER BY 1") == [(1,), (3,)]
    [(status, warnings)] = rows(db, "SELECT status, warnings FROM sources")
    assert status == "partial"
    assert "nested deeper" in warnings


def test_a_50_mb_text_is_cut_and_the_cut_recorded(tmp_path: Path) -> None:
    text = "продаю cvv " * (50_000_000 // 20)
    file = zipped(tmp_path, ("export/result.json",
                             chat_json(message(1), message(2, text=text), message(3))))
    result, db = ingest(tmp_path, file)
    assert result.returncode == 0, result.stderr
    warnings = lines(result.stderr, "warning:")
    assert any("string longer than" in w for w in warnings), warnings
    assert any(f"cut to {MAX_TEXT:,}" in w and "message id 2" in w for w in warnings)
    [(length, details)] = rows(db, "SELECT length(text), details FROM messages "
                                   "WHERE message_id = 2")
    assert length == MAX_TEXT
    assert json.loads(details)["truncated_from"] > MAX_TEXT
    assert rows(db, "SELECT count(*) FROM messages") == [(3,)]
    search = capped_cli("search", "cvv", "--db", db, "--json")
    assert search.returncode == 0, search.stderr
    assert json.loads(search.stdout)[0]["message_id"] == 2


@pytest.mark.parametrize(("field", "value", "column", "stored"), [
    ("date_unixtime", str(2**80), "date", 2**63 - 1),
    ("edited_unixtime", str(2**80), "edited", 2**63 - 1),
])
def test_dates_beyond_64_bits_are_clamped_for_their_message(
        tmp_path: Path, field: str, value: Any, column: str, stored: Any) -> None:
    doc: Doc = json.loads(chat_json(*(message(i) for i in range(1, 6))))
    doc["messages"][2][field] = value
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "result.json").write_text(json.dumps(doc), encoding="utf-8")
    result, db = ingest(tmp_path, folder)
    assert result.returncode == 0, result.stderr
    [warning] = lines(result.stderr, "warning:")
    assert "64 bits" in warning
    assert rows(db, "SELECT count(*) FROM messages") == [(5,)]
    assert (stored,) in rows(db, f"SELECT {column} FROM messages")
    for command in ("stats", "search"):
        shown = capped_cli(command, *(["продаю"] if command == "search" else []), "--db", db)
        assert shown.returncode == 0, shown.stderr


@pytest.mark.parametrize("field", ["id", "reply_to_message_id", "width"])
def test_integers_beyond_64_bits_cost_only_their_message(tmp_path: Path, field: str) -> None:
    doc: Doc = json.loads(chat_json(*(message(i) for i in range(1, 6))))
    doc["messages"][2][field] = "BIG"
    big = str(2**80) if field != "width" else "9" * 5000  # past Python's int() limit too
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "result.json").write_text(json.dumps(doc).replace('"BIG"', big),
                                        encoding="utf-8")
    result, db = ingest(tmp_path, folder)
    assert result.returncode == 1
    [error] = lines(result.stderr, "error:")
    assert f"field '{field}'" in error and "the message was left out" in error
    [warning] = lines(result.stderr, "warning:")
    assert "digits was read as text" in warning
    assert rows(db, "SELECT message_id FROM messages ORDER BY 1") == [(1,), (2,), (4,), (5,)]


def test_jsonl_values_beyond_64_bits(tmp_path: Path) -> None:
    file = tmp_path / "dump.jsonl"
    file.write_text(f'{{"id": 1, "text": "a"}}\n{{"id": {2**80}, "text": "b", '
                    f'"date": {2**80}}}\n{{"id": 3, "text": "c", "date": -1e15}}\n',
                    encoding="utf-8")
    result, db = ingest(tmp_path, file)
    assert result.returncode == 0, result.stderr
    assert len(lines(result.stderr, "warning:")) == 2  # the id and the date of line 2
    assert rows(db, "SELECT message_id, date FROM messages ORDER BY rowid") == [
        (1, 0), (str(2**80), 2**63 - 1), (3, -10**15)]


def test_bad_unicode_is_replaced_not_fatal(tmp_path: Path) -> None:
    body = chat_json(message(1, text="a LONE b"), message(2, text="ok PAIR"),
                     message(3, text="c BYTES d")).encode()
    body = body.replace(b"LONE", b"\\udfff").replace(b"PAIR", b"\\ud83d\\ude00")
    body = body.replace(b"BYTES", b"\xc0\xaf\xed\xa0\x80")  # overlong '/', a surrogate
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "result.json").write_bytes(body)
    result, db = ingest(tmp_path, folder)
    assert result.returncode == 0, result.stderr
    assert len(lines(result.stderr, "warning:")) == 2
    texts = [t for (t,) in rows(db, "SELECT text FROM messages ORDER BY message_id")]
    assert texts[0] == "a \ufffd b"
    assert texts[1] == "ok \U0001f600"
    assert texts[2].startswith("c \ufffd") and texts[2].endswith(" d")


def test_duplicate_top_level_keys_lose_nothing(tmp_path: Path) -> None:
    def chat(cid: int) -> str:
        return (f'{{"name": "chat {cid}", "type": "private_group", "id": {cid}, '
                f'"messages": [{message(1)}, {message(2)}]}}')
    body = (f'{{"about": "x", "chats": {{"list": [{chat(1)}, {chat(2)}]}}, '
            f'"left_chats": {{"list": [{chat(3)}]}}, "chats": {{"list": [{chat(4)}]}}}}')
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "result.json").write_text(body, encoding="utf-8")
    result, db = ingest(tmp_path, folder)
    assert result.returncode == 0, result.stderr
    [warning] = lines(result.stderr, "warning:")
    assert "'chats' appears twice" in warning
    assert rows(db, "SELECT DISTINCT chat_id FROM messages ORDER BY 1") == [
        ("1",), ("2",), ("3",), ("4",)]


def test_a_second_result_json_in_a_zip_is_named(tmp_path: Path) -> None:
    file = zipped(tmp_path, ("a/result.json", chat_json(message(1))),
                  ("b/c/result.json", chat_json(message(2))))
    result, db = ingest(tmp_path, file)
    assert result.returncode == 0, result.stderr
    [warning] = lines(result.stderr, "warning:")
    assert "2 result.json" in warning and "ignored 'b/c/result.json'" in warning
    assert "warning" not in rows(db, "SELECT status FROM sources")[0]
    assert "b/c/result.json" in rows(db, "SELECT warnings FROM sources")[0][0]
    report = tmp_path / "report.html"
    assert capped_cli("report", "--db", db, "-o", report).returncode == 0
    html = report.read_text(encoding="utf-8")
    assert "1 note</summary>" in html and "ignored &#39;b/c/result.json&#39;" in html


def _patch_member(file: Path, *, flag: int | None = None, method: int | None = None,
                  size: int | None = None) -> None:
    """Rewrite the header fields of a zip's only member (local and central headers)."""
    data = bytearray(file.read_bytes())
    local, central = data.index(b"PK\x03\x04"), data.index(b"PK\x01\x02")
    for header, flag_at, method_at, size_at in ((local, 6, 8, 22), (central, 8, 10, 24)):
        if flag is not None:
            data[header + flag_at] |= flag
        if method is not None:
            data[header + method_at:header + method_at + 2] = method.to_bytes(2, "little")
        if size is not None:
            data[header + size_at:header + size_at + 4] = size.to_bytes(4, "little")
    file.write_bytes(bytes(data))


@pytest.mark.parametrize(("patch", "needle"), [
    ({"flag": 1}, "encrypted"),
    ({"method": 9}, "compression"),  # deflate64, which zipfile cannot unpack
    ({"size": 0xFFFF_FFF0}, "zip bomb"),
])
def test_zips_that_cannot_be_unpacked_are_one_line(tmp_path: Path, patch: dict[str, int],
                                                   needle: str) -> None:
    file = zipped(tmp_path, ("export/result.json", chat_json(message(1), message(2))))
    _patch_member(file, **patch)
    result, _ = ingest(tmp_path, file)
    assert result.returncode == 1
    [error] = lines(result.stderr, "error:")
    assert str(file) in error and needle in error.lower(), error


def test_a_rewritten_edit_keeps_the_earlier_text(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    for folder, text, edited in ((first, "продаю cvv, пишите", None),
                                 (second, "канал закрыт", BASE_UNIXTIME + 999)):
        folder.mkdir()
        extra: dict[str, Any] = {"text": text}
        if edited is not None:
            extra["edited_unixtime"] = str(edited)
        (folder / "result.json").write_text(chat_json(message(1, **extra)), encoding="utf-8")
    db = tmp_path / "case.db"
    assert capped_cli("ingest", first, "--db", db).returncode == 0
    result = capped_cli("ingest", second, "--db", db)
    assert result.returncode == 0, result.stderr
    [warning] = lines(result.stderr, "warning:")
    assert "rewritten by a newer edit" in warning
    assert rows(db, "SELECT text FROM messages") == [("канал закрыт",)]
    assert rows(db, "SELECT text, edited FROM message_edits") == [("продаю cvv, пишите", None)]
    found = capped_cli("search", "канал", "--db", db, "--json")
    assert json.loads(found.stdout)[0]["edits"] == [{"edited": None,
                                                     "text": "продаю cvv, пишите"}]
    table = capped_cli("search", "канал", "--db", db)
    assert "edited: 1 earlier text" in table.stdout


def test_the_report_shows_the_earlier_text_of_a_flagged_message(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    for folder, text, edited in (
            (first, "продаю cvv дампы, пишите @dump_seller", None),
            (second, "продаю cvv дампы, новая цена 50$, пишите @dump_seller", 999)):
        folder.mkdir()
        extra: dict[str, Any] = {"text": text}
        if edited is not None:
            extra["edited_unixtime"] = str(BASE_UNIXTIME + edited)
        (folder / "result.json").write_text(chat_json(message(1, **extra)), encoding="utf-8")
    out = tmp_path / "out"
    assert capped_cli("scan", first, "-o", out).returncode == 0
    assert capped_cli("scan", second, "-o", out).returncode == 0
    assert rows(out / "case.db", "SELECT top_category FROM verdicts") == [("carding",)]
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "edited: 1 earlier text</summary>" in html
    assert "<p>продаю cvv дампы, пишите @dump_seller</p>" in html
