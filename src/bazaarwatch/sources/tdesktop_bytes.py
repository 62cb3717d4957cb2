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

from bazaarwatch.sources.jsonguard import MAX_DEPTH, MAX_STRING, Notes, Scanner, valid_utf8

BOM = b"\xef\xbb\xbf"
# \xNN preceded by an even number of backslashes (an odd one would be an escaped "\").
_HEX_ESCAPE = re.compile(rb"(?<!\\)((?:\\\\)*)\\x([0-9A-Fa-f]{2})")
# A \uD800-\uDBFF escape not followed by a \uDC00-\uDFFF one, or the reverse.
LONE_SURROGATE = re.compile(
    rb"(?<!\\)((?:\\\\)*)(?:\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})"
    rb"|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2})")
_HIGH_SURROGATE = re.compile(rb"\\u[dD][89abAB][0-9a-fA-F]{2}")
_CHATS = ("", "chats.list.item", "left_chats.list.item")
_CHAT_IDS = ("id", "chats.list.item.id", "left_chats.list.item.id")
_CHAT_NAMES = ("name", "chats.list.item.name", "left_chats.list.item.name")


class JsonBytes:
    """A read-only byte stream over ``raw`` that yields valid, bounded JSON for ijson.

    Besides the ``\\xNN`` repair, it holds the limits of ``jsonguard``: invalid UTF-8 and
    unpaired surrogate escapes become U+FFFD, too-deep values ``null``, too-long strings
    are cut. What was changed is in ``notes``.
    """

    def __init__(self, raw: IO[bytes], *, max_depth: int = MAX_DEPTH,
                 max_string: int = MAX_STRING) -> None:
        self.raw = raw
        self.consumed = 0  # bytes taken from ``raw``
        self.notes = Notes()
        self._scanner = Scanner(self.notes, max_depth=max_depth, max_string=max_string)
        self._partial = b""  # an incomplete UTF-8 character at the end of the last chunk
        self._carry = b""  # a tail that may be the start of an escape cut by the chunk end
        self._first = True

    def read(self, size: int) -> bytes:
        if size == 0:
            return b""
        while True:
            chunk = self.raw.read(size)
            start = self.consumed
            self.consumed += len(chunk)
            if self._first:
                chunk = chunk.removeprefix(BOM)
                self._first = False
            final = not chunk
            text, self._partial, replaced = valid_utf8(self._partial + chunk, final=final)
            if replaced:
                self.notes.add(f"byte {start}: invalid UTF-8 replaced by U+FFFD")
            data = self._carry + text
            cut = len(data) if final else _escape_free_end(data)
            self._carry = data[cut:]
            block = self._scanner.feed(data[:cut])
            if self._scanner.hex_escapes or self._scanner.surrogate_escapes:
                block = self._repair(block)
            if block or final:  # an empty block would read as the end of the file
                return block

    def _repair(self, data: bytes) -> bytes:
        if self._scanner.hex_escapes:
            data = _HEX_ESCAPE.sub(rb"\1\\u00\2", data)
        if self._scanner.surrogate_escapes:
            data, count = LONE_SURROGATE.subn(rb"\1\\ufffd", data)
            if count:
                self.notes.add(f"byte {self.consumed}: {count} unpaired surrogate "
                               "escape(s) replaced by U+FFFD")
        return data


def _escape_free_end(data: bytes) -> int:
    """Where to end a block so that no escape is split (a ``\\uD83D\\uDE00`` pair is 12
    bytes): before the first backslash of the last 12 bytes and the run it ends, or at the
    end. A run of over 64 backslashes is split anyway: the stream must move on."""
    first = data.find(b"\\", max(len(data) - 12, 0))
    if first < 0:  # nor split a number shorter than 64 digits (see jsonguard)
        tail = data[-64:]
        digits = len(tail) - len(tail.rstrip(b"-0123456789"))
        return len(data) - digits if digits < 64 else len(data)
    if _HIGH_SURROGATE.fullmatch(data, max(first - 6, 0), first):  # keep a pair together
        first -= 6
    floor = max(first - 64, 0)
    return floor + len(data[floor:first].rstrip(b"\\"))


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
