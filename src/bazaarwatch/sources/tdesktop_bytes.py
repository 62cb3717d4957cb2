"""The bytes of a tdesktop ``result.json``, made into JSON that any parser accepts, and
the place where a damaged one goes wrong.

tdesktop's ``SerializeString`` writes control characters other than newline, carriage
return and tab as ``\\xNN`` (ESC becomes ``\\x1B``), which is not JSON. Message text with
ANSI colour codes is common in this trade, so ``JsonBytes`` rewrites those escapes to
``\\u00NN`` as the bytes stream past, and drops a leading UTF-8 byte order mark.

``locate_damage`` is the slow, exact path taken only when parsing failed: it re-reads the
file with ijson's event parser, which reports each message as it closes, to tell which
message was the last complete one and roughly where the damage starts.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import IO, Any

import ijson

BOM = b"\xef\xbb\xbf"
# \xNN preceded by an even number of backslashes (an odd one would be an escaped "\").
_HEX_ESCAPE = re.compile(rb"(?<!\\)((?:\\\\)*)\\x([0-9A-Fa-f]{2})")
_CHATS = ("", "chats.list.item", "left_chats.list.item")
_CHAT_IDS = ("id", "chats.list.item.id", "left_chats.list.item.id")
_CHAT_NAMES = ("name", "chats.list.item.name", "left_chats.list.item.name")


class JsonBytes:
    """A read-only byte stream over ``raw`` that yields valid JSON for ijson."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.consumed = 0  # bytes taken from ``raw``
        self._carry = b""
        self._first = True

    def read(self, size: int) -> bytes:
        if size == 0:
            return b""
        chunk = self.raw.read(size)
        self.consumed += len(chunk)
        if self._first:
            chunk = chunk.removeprefix(BOM)
            self._first = False
        data = self._carry + chunk
        if not chunk:  # end of file: nothing more can complete a split escape
            self._carry = b""
            return _repair(data)
        # Hold back a tail that might be the start of an escape cut by the chunk boundary.
        cut = max(len(data) - 3, 0)
        while cut > 0 and data[cut - 1:cut] == b"\\":
            cut -= 1
        self._carry = data[cut:]
        return _repair(data[:cut]) if cut else self.read(size)


def _repair(data: bytes) -> bytes:
    if b"\\x" not in data:
        return data
    return _HEX_ESCAPE.sub(rb"\1\\u00\2", data)


@dataclass
class Damage:
    """Where parsing failed: a byte near the damage and the last message closed before it."""

    near_byte: int
    chat_id: Any = None
    chat_name: Any = None
    message_id: Any = None


def locate_damage(open_raw: Callable[[], AbstractContextManager[IO[bytes]]]) -> Damage:
    """Re-read the file event by event up to the damage (about 5 µs a message)."""
    damage = Damage(near_byte=0)
    chat_id: Any = None
    chat_name: Any = None
    message_id: Any = None
    with open_raw() as raw:
        stream = JsonBytes(raw)
        try:
            for prefix, event, value in ijson.parse(stream, buf_size=1024):
                if event == "end_map" and prefix.endswith("messages.item"):
                    damage.chat_id, damage.chat_name = chat_id, chat_name
                    damage.message_id = message_id
                elif event == "number" and prefix.endswith("messages.item.id"):
                    message_id = value
                elif event == "start_map" and prefix in _CHATS:
                    chat_id = chat_name = None
                elif event == "number" and prefix in _CHAT_IDS:
                    chat_id = value
                elif event == "string" and prefix in _CHAT_NAMES:
                    chat_name = value
        except ijson.JSONError:
            pass
        damage.near_byte = stream.consumed
    return damage
