"""The generic JSON Lines reader."""

from __future__ import annotations

from pathlib import Path

import pytest
from readers_support import FIXTURES, JSONL

from bazaarwatch import lines
from bazaarwatch.model import Chat, Message
from bazaarwatch.sources import get_reader, jsonl
from bazaarwatch.sources.registry import Problem


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


def refused(path: Path) -> tuple[list[int | str], list[Problem]]:
    """The ids read and the problems met, reading ``path`` to its end."""
    problems: list[Problem] = []
    ids = [m.id for m in get_reader("jsonl").read(path, on_problem=problems.append)]
    return ids, problems


def test_bad_line_is_refused_by_number_and_the_rest_read(tmp_path: Path) -> None:
    file = tmp_path / "dump.jsonl"
    file.write_text('{"id": 1, "text": "ok"}\n\n{"id": 2, "text": "ok", \n{"id": 4}\n',
                    encoding="utf-8")
    ids, problems = refused(file)
    assert ids == [1, 4]
    [problem] = problems
    assert (problem.where, problem.refused) == ("line 3", True)
    assert "truncated" in problem.what


@pytest.mark.parametrize(("line", "needle"), [
    ('{"text": "no id"}', "id"),
    ('{"id": 1, "text": 5}', "text"),
    ('{"id": 1.5, "text": "x"}', "id"),
    ('["id", 1]', "object"),
    ('{"id": 1, "date": "yesterday"}', "yesterday"),
    ('{"id": 1, "date": true}', "date"),
    ('{"id": 1, "date": 1e999}', "date"),
    ('{"id": 1, "x": ' + "[" * 5000 + "]" * 5000 + "}", "deeply"),
])
def test_bad_records_name_line_and_problem(tmp_path: Path, line: str, needle: str) -> None:
    file = tmp_path / "dump.jsonl"
    file.write_text('{"id": 1, "text": "ok"}\n' + line + '\n{"id": 3}\n', encoding="utf-8")
    ids, [problem] = refused(file)
    assert ids == [1, 3]
    assert (problem.where, problem.refused) == ("line 2", True)
    assert needle in problem.what


def test_bad_unicode_costs_nothing_but_the_bad_characters(tmp_path: Path) -> None:
    file = tmp_path / "dump.jsonl"
    file.write_bytes(b'{"id": 1, "text": "a\xc0\xaf b"}\n{"id": 2, "text": "x \\udfff y"}\n'
                     b'{"id": 3, "text": "\\ud83d\\ude00"}\n')
    problems: list[Problem] = []
    messages = list(get_reader("jsonl").read(file, on_problem=problems.append))
    assert [m.text for m in messages] == ["a\ufffd\ufffd b", "x \ufffd y", "\U0001f600"]
    assert [(p.where, p.refused) for p in problems] == [("line 1", False), ("line 2", False)]


def test_a_line_over_the_limit_is_refused_without_holding_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lines, "MAX_LINE", 1000)
    monkeypatch.setattr(jsonl, "MAX_LINE", 1000)
    file = tmp_path / "dump.jsonl"
    file.write_text('{"id": 1}\n{"id": 2, "text": "' + "x" * 5000 + '"}\n{"id": 3}\n',
                    encoding="utf-8")
    ids, [problem] = refused(file)
    assert ids == [1, 3]
    assert problem.where == "line 2"
    assert "over" in problem.what


def test_records_share_one_chat_object_per_chat(tmp_path: Path) -> None:
    file = tmp_path / "dump.jsonl"
    file.write_text('{"id": 1, "chat": "a"}\n{"id": 2, "chat": "b"}\n{"id": 3, "chat": "a"}\n',
                    encoding="utf-8")
    a1, b, a3 = read(file)
    assert a1.chat is a3.chat
    assert a1.chat != b.chat
