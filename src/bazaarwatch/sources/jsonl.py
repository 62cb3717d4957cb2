"""Generic JSON Lines: one ``{"id", "text", ...}`` object per line, for data from other tools.

Optional fields: ``chat`` (a chat id or name; the file's stem when absent), ``chat_type``,
``sender`` (an id or name), ``sender_name``, and ``date`` (Unix seconds, or an ISO 8601
string; without a zone it is read as UTC). Blank lines are skipped. It is the same line
shape ``bazaarwatch classify`` and ``extract`` read, so their inputs can be ingested too.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import msgspec

from bazaarwatch.errors import FormatError, InputError
from bazaarwatch.model import Chat, Message
from bazaarwatch.sources.registry import OnBytes, register

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

    def read(self, path: Path, *, on_bytes: OnBytes | None = None) -> Iterator[Message]:
        decoder = msgspec.json.Decoder(_Line)
        chats: dict[str, Chat] = {}
        offset = 0
        try:
            total = path.stat().st_size
            stream = path.open("rb")
        except OSError as e:
            raise InputError(str(path), f"cannot read: {e.strerror}") from e
        with stream:
            for number, line in enumerate(stream, start=1):
                offset += len(line)
                if on_bytes is not None and number % 4096 == 0:
                    on_bytes(offset, total)
                if number == 1:
                    line = line.removeprefix(b"\xef\xbb\xbf")
                if not line.strip():
                    continue
                try:
                    record = decoder.decode(line)
                except msgspec.DecodeError as e:
                    raise FormatError(str(path), str(e).replace("`", "'").replace("$.", ""),
                                      where=f"line {number}",
                                      hint='Each line must be a JSON object with "id" and '
                                           '"text"') from e
                key = str(record.chat) if record.chat is not None else path.stem
                chat = chats.get(key)
                if chat is None:
                    chat = chats[key] = Chat(id=key, name=key, type=record.chat_type)
                sender = str(record.sender) if record.sender is not None else None
                yield Message(chat=chat, id=record.id, date=_date(record.date, path, number),
                              text=record.text, sender_id=sender,
                              sender_name=record.sender_name or sender)
        if on_bytes is not None:
            on_bytes(offset, total)


def _date(value: int | float | str | None, path: Path, number: int) -> int:
    if value is None:
        return 0
    if isinstance(value, int | float):
        return int(value)
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as e:
        raise FormatError(str(path), f"date {value!r} is neither Unix seconds nor ISO 8601",
                          where=f"line {number}") from e
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return int(parsed.timestamp())


register(JsonLinesReader())
