"""Generic JSON Lines: one ``{"id", "text", ...}`` object per line, for data from other tools.

Optional fields: ``chat`` (a chat id or name; the file's stem when absent), ``chat_type``,
``sender`` (an id or name), ``sender_name``, and ``date`` (Unix seconds, or an ISO 8601
string; without a zone it is read as UTC). Blank lines are skipped. It is the same line
shape ``bazaarwatch classify`` and ``extract`` read, so their inputs can be ingested too.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import msgspec

from bazaarwatch.errors import InputError
from bazaarwatch.lines import MAX_LINE, bounded_lines
from bazaarwatch.model import Chat, Message
from bazaarwatch.sources.registry import OnBytes, OnProblem, Problem, register
from bazaarwatch.sources.tdesktop_bytes import LONE_SURROGATE as _LONE_SURROGATE

SUFFIXES = (".jsonl", ".ndjson")


class _Line(msgspec.Struct):
    id: int | str
    text: str = ""
    chat: str | int | None = None
    chat_type: str = "unknown"
    sender: str | int | None = None
    sender_name: str | None = None
    date: int | float | str | None = None


class JsonLinesReader:
    """Reader for generic JSONL message dumps."""

    name = "jsonl"
    version = "1"
    description = 'JSON Lines, one {"id","text"[,"chat","sender","date"]} object per line'

    def detect(self, path: Path) -> bool:
        return path.is_file() and path.suffix.lower() in SUFFIXES

    def locate(self, path: Path) -> Path:
        return path

    def read(self, path: Path, *, on_bytes: OnBytes | None = None,
             on_problem: OnProblem | None = None) -> Iterator[Message]:
        """A line that is not a record (invalid JSON, a wrong type, over ``MAX_LINE``) is
        refused with its number and the next line is read: lines are independent."""
        decoder = msgspec.json.Decoder(_Line)
        chats: dict[str, Chat] = {}
        offset = 0
        try:
            total = path.stat().st_size
            stream = path.open("rb")
        except OSError as e:
            raise InputError(str(path), f"cannot read: {e.strerror}") from e

        def refuse(number: int, what: str) -> None:
            if on_problem is not None:
                on_problem(Problem(where=f"line {number}", what=what, refused=True))

        with stream:
            for number, line in bounded_lines(stream):
                offset += len(line) if line is not None else MAX_LINE
                if on_bytes is not None and number % 4096 == 0:
                    on_bytes(offset, total)
                if line is None:
                    refuse(number, f"the line is over {MAX_LINE >> 20} MiB")
                    continue
                if number == 1:
                    line = line.removeprefix(b"\xef\xbb\xbf")
                if not line.strip():
                    continue
                try:
                    record = _decode(decoder, line, number, on_problem)
                    date = _date(record.date)
                except (msgspec.DecodeError, RecursionError) as e:
                    refuse(number, _describe(e))
                    continue
                except ValueError as e:
                    refuse(number, str(e))
                    continue
                key = str(record.chat) if record.chat is not None else path.stem
                chat = chats.get(key)
                if chat is None:
                    if len(chats) >= MAX_CHATS:  # names seen are remembered: bound them
                        chats.clear()
                    chat = chats[key] = Chat(id=key, name=key, type=record.chat_type)
                sender = str(record.sender) if record.sender is not None else None
                yield Message(chat=chat, id=record.id, date=date, text=record.text,
                              sender_id=sender, sender_name=record.sender_name or sender)
        if on_bytes is not None:
            on_bytes(offset, total)


#: Chats remembered by name while reading (each line names its chat).
MAX_CHATS = 100_000


def _decode(decoder: msgspec.json.Decoder[_Line], line: bytes, number: int,
            on_problem: OnProblem | None) -> _Line:
    """The record of ``line``; invalid UTF-8 and unpaired surrogate escapes are replaced by
    U+FFFD (and said so) rather than costing the line."""
    try:
        return decoder.decode(line)
    except msgspec.DecodeError as e:
        text = str(e)
        if "UTF-8" not in text and "surrogate" not in text:
            raise
    repaired = _LONE_SURROGATE.sub(rb"\1\\ufffd", line.decode("utf-8", "replace").encode())
    record = decoder.decode(repaired)
    if on_problem is not None:
        on_problem(Problem(where=f"line {number}",
                           what="invalid UTF-8 or unpaired surrogates replaced by U+FFFD"))
    return record


def _describe(error: Exception) -> str:
    if isinstance(error, RecursionError):
        return "the line nests too deeply to read"
    return str(error).replace("`", "'").replace("$.", "")


def _date(value: int | float | str | None) -> int:
    """Unix seconds from seconds or ISO 8601; ValueError names a value that is neither
    (or infinite)."""
    if value is None:
        return 0
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"date {value!r} is not a number of seconds")
        return int(value)
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"date {value[:40]!r} is neither Unix seconds nor ISO 8601") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return int(parsed.timestamp())


register(JsonLinesReader())
