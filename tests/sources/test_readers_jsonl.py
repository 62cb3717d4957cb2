"""The generic JSON Lines reader."""

from __future__ import annotations

from pathlib import Path

import pytest
from readers_support import FIXTURES, JSONL

from bazaarwatch.errors import FormatError
from bazaarwatch.model import Chat, Message
from bazaarwatch.sources import get_reader


def read(path: Path) -> list[Message]:
    return list(get_reader("jsonl").read(path))


@pytest.fixture
def fixture_messages() -> list[Message]:
    return read(FIXTURES / JSONL)


def test_blank_lines_are_skipped(fixture_messages: list[Message]) -> None:
    # The fixture has 7 lines: 5 records, one empty line and one of spaces.
    assert [m.id for m in fixture_messages] == [1, "m-2", 3, 4, 5]


def test_id_text_chat_sender(fixture_messages: list[Message]) -> None:
    first, second, third, fourth, fifth = fixture_messages
    assert first.text == "Продаю аккаунты"
    assert first.chat == Chat(id="market", name="market", type="public_channel")
    assert (first.sender_id, first.sender_name) == ("42", "Seller")
    # An integer chat id becomes a string id; a missing sender_name falls back to sender.
    assert second.chat == Chat(id="77", name="77", type="unknown")
    assert (second.sender_id, second.sender_name) == ("user9", "user9")
    # No chat: the file's stem names it.
    assert third.chat.id == "messages"
    assert third.sender_id is None
    assert fourth.chat.id == "market"
    assert fifth.text == ""


def test_dates_int_float_and_iso(fixture_messages: list[Message]) -> None:
    dates = [m.date for m in fixture_messages]
    assert dates == [
        1714557600,   # Unix seconds
        1714557600,   # ISO with Z
        1714568400,   # ISO without zone: read as UTC (13:00Z)
        1714557600,   # ISO with +03:00
        1714557600,   # float seconds, truncated
    ]


def test_bad_line_names_its_number(tmp_path: Path) -> None:
    file = tmp_path / "dump.jsonl"
    file.write_text('{"id": 1, "text": "ok"}\n\n{"id": 2, "text": "ok", \n{"id": 4}\n',
                    encoding="utf-8")
    got: list[int | str] = []
    with pytest.raises(FormatError) as caught:
        for m in get_reader("jsonl").read(file):
            got.append(m.id)
    assert got == [1]
    assert caught.value.where == "line 3"
    assert str(file) in str(caught.value)
    assert "(line 3)" in str(caught.value)


@pytest.mark.parametrize(("line", "needle"), [
    ('{"text": "no id"}', "id"),
    ('{"id": 1, "text": 5}', "text"),
    ('{"id": 1.5, "text": "x"}', "id"),
    ('["id", 1]', "object"),
    ('{"id": 1, "date": "yesterday"}', "yesterday"),
    ('{"id": 1, "date": true}', "date"),
])
def test_bad_records_name_line_and_problem(tmp_path: Path, line: str, needle: str) -> None:
    file = tmp_path / "dump.jsonl"
    file.write_text('{"id": 1, "text": "ok"}\n' + line + "\n", encoding="utf-8")
    with pytest.raises(FormatError) as caught:
        read(file)
    assert caught.value.where == "line 2"
    assert needle in caught.value.problem


def test_records_share_one_chat_object_per_chat(tmp_path: Path) -> None:
    file = tmp_path / "dump.jsonl"
    file.write_text('{"id": 1, "chat": "a"}\n{"id": 2, "chat": "b"}\n{"id": 3, "chat": "a"}\n',
                    encoding="utf-8")
    a1, b, a3 = read(file)
    assert a1.chat is a3.chat
    assert a1.chat != b.chat
