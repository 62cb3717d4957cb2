"""Hostile inputs for the readers: JSON values of any shape, written byte by byte.

``dump`` writes a value tree to bytes the way tdesktop does (UTF-8, unescaped), except
where the tree holds a ``Raw`` token (bytes written as they are: lone surrogate escapes,
overlong or invalid UTF-8, numbers beyond any integer type, JSON that is not JSON) or a
``Pairs`` object (an object whose keys may repeat). The strategies build tdesktop-shaped
exports (single-chat and full-account) and JSON Lines files whose fields take such values,
and byte-level damage of valid files.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st


@dataclass(frozen=True)
class Raw:
    """A token written to the file as these bytes, valid JSON or not."""

    data: bytes


@dataclass(frozen=True)
class Pairs:
    """A JSON object as a list of (key, value): keys may repeat, as in a hand-edited file."""

    items: tuple[tuple[str, Any], ...]


def dump(value: Any, *, indent: int | None = 1) -> bytes:
    """``value`` as JSON bytes; ``indent`` one space per level, as tdesktop writes."""
    out: list[bytes] = []
    # An explicit stack rather than recursion: values may nest 100,000 deep.
    stack: list[tuple[Any, int] | bytes] = [(value, 0)]
    while stack:
        item = stack.pop()
        if isinstance(item, bytes):
            out.append(item)
            continue
        node, depth = item
        if isinstance(node, Raw):
            out.append(node.data)
        elif isinstance(node, dict | Pairs):
            pairs = list(node.items()) if isinstance(node, dict) else list(node.items)
            if not pairs:
                out.append(b"{}")
                continue
            pad = b"\n" + b" " * ((depth + 1) * indent) if indent is not None else b""
            end = b"\n" + b" " * (depth * indent) if indent is not None else b""
            tail: list[tuple[Any, int] | bytes] = [b"{"]
            for i, (key, val) in enumerate(pairs):
                tail.append((b"," if i else b"") + pad + _string(key) + b": ")
                tail.append((val, depth + 1))
            tail.append(end + b"}")
            stack.extend(reversed(tail))
        elif isinstance(node, list):
            if not node:
                out.append(b"[]")
                continue
            pad = b"\n" + b" " * ((depth + 1) * indent) if indent is not None else b""
            end = b"\n" + b" " * (depth * indent) if indent is not None else b""
            tail = [b"["]
            for i, val in enumerate(node):
                tail.append((b"," if i else b"") + pad)
                tail.append((val, depth + 1))
            tail.append(end + b"]")
            stack.extend(reversed(tail))
        elif isinstance(node, str):
            out.append(_string(node))
        else:  # None, bool, int, float
            out.append(json.dumps(node).encode())
    return b"".join(out)


def _string(text: str) -> bytes:
    # A lone surrogate in a Python string is written as its three UTF-8-style bytes
    # (ED A0 80 ...): invalid UTF-8, as a buggy exporter might write it.
    return json.dumps(text, ensure_ascii=False).encode("utf-8", "surrogatepass")


def nested(depth: int, *, kind: str = "list") -> Raw:
    """A value nested ``depth`` levels deep, written without recursion."""
    if kind == "list":
        return Raw(b"[" * depth + b"]" * depth)
    return Raw(b'{"a": ' * depth + b"1" + b"}" * depth)


# -- values ------------------------------------------------------------------------------------

#: Strings no JSON library should turn into a str without complaint, or that decode to
#: something unusual: lone and reversed surrogate escapes, overlong and invalid UTF-8,
#: code points beyond U+10FFFF, raw control bytes, tdesktop's own \xNN escapes, NUL.
HOSTILE_STRINGS = [
    b'"\\udfff"', b'"a\\ud800b"', b'"\\udc00\\ud800"', b'"\\ud83d\\ude00"', b'"\\ud83d"',
    b'"\xc0\xaf"', b'"\xe0\x80\xaf"', b'"\xed\xa0\x80"', b'"\xff\xfe"', b'"\x80"',
    b'"\xf4\x90\x80\x80"', b'"a\x00b"', b'"\\u0000"', b'"\\x1b[31mred\\x1B[0m"', b'"\\x"',
    b'"\\xZZ"', b'"\\\\x41"', b'"\t\x01\x1f"', b'"\\u202e\\u200b\\ufeff"',
]
#: Numbers outside every integer and float type, and words JSON does not have.
HOSTILE_NUMBERS = [
    b"1208925819614629174706176", b"-1208925819614629174706176", b"9223372036854775808",
    b"18446744073709551616", b"-9223372036854775809", b"1e400", b"-1e400", b"1e-400",
    b"123456789012345678901234567890.5", b"-0", b"0.0", b"1E5", b"NaN", b"Infinity",
    b"-Infinity", b"01", b"+1", b".5", b"1.", b"0x10",
]
#: What a date field may hold in a damaged file (tdesktop writes digits in a string).
DATE_STRINGS = [
    str(2**80), str(2**63), str(2**63 - 1), str(2**64), "-1", "0", "", " 1700000000",
    "1700000000.5", "1e9", "١٧٠٠٠٠٠٠٠٠", "²", "99999999999999999999999999999999",
    "253402300800", "-62135596800", "00000000000000000000001700000000",
]

scalars = st.one_of(
    st.none(), st.booleans(),
    st.integers(),
    st.sampled_from([2**80, -(2**80), 2**63, 2**64, -(2**63) - 1, 2**63 - 1, 0, -1]),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=40),
    st.text(st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF), min_size=1, max_size=3),
    st.sampled_from(DATE_STRINGS),
    st.sampled_from(HOSTILE_STRINGS + HOSTILE_NUMBERS).map(Raw),
)

json_values: st.SearchStrategy[Any] = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.text(max_size=10), children, max_size=4),
    ),
    max_leaves=12,
)

#: Every field tdesktop writes on a message (telegram.py's ``_KNOWN``), and a few more.
MESSAGE_FIELDS = [
    "id", "type", "date", "date_unixtime", "edited", "edited_unixtime", "from", "from_id",
    "actor", "actor_id", "action", "forwarded_from", "saved_from", "via_bot",
    "reply_to_message_id", "text", "text_entities", "inline_bot_buttons", "reactions",
    "photo", "photo_file_size", "file", "file_name", "file_size", "media_type", "mime_type",
    "width", "height", "duration_seconds", "thumbnail", "thumbnail_file_size", "members",
    "title", "sticker_emoji", "contact_information", "location_information", "poll",
]

_entity = st.fixed_dictionaries(
    {"type": st.sampled_from(["plain", "bold", "text_link", "link", "mention", "phone",
                              "bank_card", "mention_name", "custom_emoji"]),
     "text": st.text(max_size=30)},
    optional={"href": st.text(max_size=40) | json_values, "user_id": json_values,
              "document_id": json_values},
)

#: Text that is worth analysing: indicators and trade words next to obfuscation.
MESSAGE_TEXTS = st.one_of(
    st.text(max_size=60),
    st.sampled_from([
        "Продам CVV, fullz, dumps with pin — BTC bc1q7wladcz94c8qmzh8q7khcf9g0du8yehkk32r0n",
        "card 4111 1111 1111 1111 exp 12/29 $15", "IBAN GB82 WEST 1234 5698 7654 32",
        "t.me/shop_bot +44 7700 900481 x@example.org", "hxxps://evil[.]com/a",
        "maomr3ckdc3f2vhmu54zjyteg6rw55q2fuvonroiehuzrxsvy4swlkid.onion",
        "в\u200bи\u200bз\u200bа", "ｆｕｌｌｚ", "",
    ]),
)


@st.composite
def tg_messages(draw: st.DrawFn, ident: int) -> Any:
    """One message in tdesktop's shape, with some fields replaced by arbitrary values,
    some added, and maybe one key written twice."""
    text: Any = draw(MESSAGE_TEXTS)
    if draw(st.booleans()):
        text = draw(st.lists(st.one_of(MESSAGE_TEXTS, _entity), max_size=4))
    date = 1_700_000_000 + ident
    raw: dict[str, Any] = {
        "id": ident, "type": draw(st.sampled_from(["message", "service", "unsupported"])),
        "date": "2023-11-14T22:13:20", "date_unixtime": str(date),
        "from": "Alice", "from_id": "user1001", "text": text,
        "text_entities": ([{"type": "plain", "text": text}] if isinstance(text, str)
                          else [p if isinstance(p, dict) else {"type": "plain", "text": p}
                                for p in text]),
    }
    if draw(st.booleans()):
        raw["edited"] = "2023-11-15T00:00:00"
        raw["edited_unixtime"] = str(date + 100)
    changes = draw(st.dictionaries(st.sampled_from(MESSAGE_FIELDS) | st.text(max_size=8),
                                   json_values, max_size=3))
    raw.update(changes)
    for field in draw(st.lists(st.sampled_from(["date_unixtime", "edited_unixtime"]),
                               max_size=1)):
        raw[field] = draw(st.sampled_from(DATE_STRINGS) | st.integers().map(str))
    if draw(st.integers(0, 9)) == 0:
        key = draw(st.sampled_from(sorted(raw)))
        return Pairs((*raw.items(), (key, draw(json_values))))
    return raw


@st.composite
def tg_chats(draw: st.DrawFn, chat_id: int) -> Any:
    count = draw(st.integers(0, 4))
    first = draw(st.integers(1, 3))
    messages: Any = [draw(tg_messages(first + i)) for i in range(count)]
    if draw(st.integers(0, 9)) == 0:  # ids that repeat, across and within batches
        messages += messages[:1]
    chat: dict[str, Any] = {"name": "Чат", "type": "private_supergroup", "id": chat_id,
                            "messages": messages}
    if draw(st.integers(0, 4)) == 0:
        chat.update(draw(st.dictionaries(st.sampled_from(["name", "type", "id", "messages"]),
                                         json_values, max_size=2)))
    return chat


@st.composite
def tg_exports(draw: st.DrawFn) -> bytes:
    """A whole ``result.json``: a single chat, or a full-account export."""
    if draw(st.booleans()):
        doc: Any = draw(tg_chats(1_500_000_001))
    else:
        chats = [draw(tg_chats(1_600_000_001 + i)) for i in range(draw(st.integers(0, 3)))]
        doc = {"about": "Here is the data you requested.",
               "personal_information": {"user_id": 99, "first_name": "Test"},
               "chats": {"about": "This page lists all chats from this export.",
                         "list": chats}}
        if draw(st.booleans()):
            doc["left_chats"] = {"about": "Chats you have left.",
                                 "list": [draw(tg_chats(1_700_000_001))]}
        if draw(st.integers(0, 5)) == 0:
            doc.update(draw(st.dictionaries(st.sampled_from(["chats", "left_chats", "about"]),
                                            json_values, max_size=1)))
    return dump(doc, indent=draw(st.sampled_from([1, None])))


def valid_export(chats: Sequence[tuple[int, Sequence[str]]]) -> bytes:
    """A valid full-account export: (chat id, message texts) per chat."""
    doc = {"about": "", "chats": {"about": "", "list": [
        {"name": f"chat {cid}", "type": "public_channel", "id": cid, "messages": [
            {"id": i + 1, "type": "message", "date": "2024-05-01T10:00:00",
             "date_unixtime": str(1_714_557_600 + i), "from": "Shop", "from_id": f"channel{cid}",
             "text": text, "text_entities": [{"type": "plain", "text": text}]}
            for i, text in enumerate(texts)]}
        for cid, texts in chats]}}
    return dump(doc)


@st.composite
def damaged(draw: st.DrawFn, original: bytes) -> bytes:
    """``original`` truncated, with bytes flipped, inserted or deleted."""
    data = bytearray(original)
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["truncate", "flip", "insert", "delete"]))
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if op == "truncate":
            del data[at:]
        elif op == "flip" and data:
            data[at] = draw(st.integers(0, 255))
        elif op == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=8)
                               | st.sampled_from(HOSTILE_STRINGS + HOSTILE_NUMBERS))
        else:
            del data[at:at + draw(st.integers(1, 16))]
    return bytes(data)


JSONL_FIELDS = ["id", "text", "chat", "chat_type", "sender", "sender_name", "date"]


@st.composite
def jsonl_files(draw: st.DrawFn) -> bytes:
    lines: list[bytes] = []
    for i in range(draw(st.integers(0, 5))):
        kind = draw(st.integers(0, 9))
        if kind == 0:  # not an object at all, or broken bytes
            lines.append(draw(st.binary(max_size=30)
                              | st.sampled_from(HOSTILE_STRINGS + HOSTILE_NUMBERS)
                              | json_values.map(lambda v: dump(v, indent=None))))
            continue
        record: dict[str, Any] = {"id": i + 1, "text": draw(MESSAGE_TEXTS)}
        if draw(st.booleans()):
            record.update(chat=draw(st.sampled_from(["shop", 7, "7"])), sender="u1",
                          sender_name="Seller", date=draw(st.sampled_from(
                              [1_700_000_000, "2024-05-01T10:00:00", "2024-05-01T10:00:00+03:00"])))
        record.update(draw(st.dictionaries(st.sampled_from(JSONL_FIELDS) | st.text(max_size=6),
                                           json_values, max_size=2)))
        lines.append(dump(record, indent=None))
    body = b"\n".join(lines)
    if draw(st.booleans()):
        body = b"\xef\xbb\xbf" + body
    return body + draw(st.sampled_from([b"", b"\n", b"\r\n", b"\n\n"]))
