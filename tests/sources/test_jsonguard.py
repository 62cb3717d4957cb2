"""The byte-level JSON guard: bounded depth, string length and integer size, whatever the
chunking, and the exact bytes back when nothing is over a limit."""

from __future__ import annotations

import io
import itertools
import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from bazaarwatch.sources.jsonguard import Notes
from bazaarwatch.sources.tdesktop_bytes import JsonBytes

DEPTH, LENGTH = 6, 40

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=60),
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=30)


class Chunks(io.RawIOBase):
    """A stream that hands out ``data`` in blocks ending at ``cuts``, whatever is asked."""

    def __init__(self, data: bytes, cuts: list[int]) -> None:
        edges = [0, *sorted({c % (len(data) + 1) for c in cuts}), len(data)]
        self.blocks = [data[a:b] for a, b in itertools.pairwise(edges) if b > a]

    def read(self, size: int = -1) -> bytes:
        return self.blocks.pop(0) if self.blocks else b""


def guarded(data: bytes, cuts: list[int]) -> tuple[bytes, Notes]:
    """``data`` through ``JsonBytes`` with small limits, read in blocks ending at ``cuts``
    (``JsonBytes`` holds back a split escape, as the scanner requires)."""
    stream = JsonBytes(Chunks(data, cuts), max_depth=DEPTH, max_string=LENGTH)  # type: ignore[arg-type]
    return b"".join(iter(lambda: stream.read(1 << 16), b"")), stream.notes


def depth(value: Any) -> int:
    if isinstance(value, list):
        return 1 + max(map(depth, value), default=0)
    if isinstance(value, dict):
        return 1 + max(map(depth, value.values()), default=0)
    return 0


def integers(value: Any) -> list[int]:
    if isinstance(value, bool):
        return []
    if isinstance(value, int):
        return [value]
    if isinstance(value, list):
        return [i for v in value for i in integers(v)]
    if isinstance(value, dict):
        return [i for v in value.values() for i in integers(v)]
    return []


def strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (k, *strings(v))]
    return []


@settings(max_examples=300, deadline=None, derandomize=True)
@given(json_values, st.booleans(), st.lists(st.integers(0, 10**6), max_size=12))
def test_guarded_json_parses_within_the_limits(value: Any, ascii_only: bool,
                                               cuts: list[int]) -> None:
    data = json.dumps(value, ensure_ascii=ascii_only).encode()
    out, notes = guarded(data, cuts)
    parsed = json.loads(out)
    assert depth(parsed) <= DEPTH
    assert all(abs(i) < 10**18 for i in integers(parsed))  # longer ones are read as text
    # A cut string keeps its first LENGTH bytes, plus at most the rest of one escape.
    assert all(len(json.dumps(s, ensure_ascii=ascii_only)) - 2 <= LENGTH + 5
               for s in strings(parsed))
    if notes.count == 0:
        assert out == data  # nothing over a limit: the very same bytes


@settings(max_examples=100, deadline=None, derandomize=True)
@given(st.lists(st.integers(1, 64), min_size=1, max_size=30))
def test_a_long_string_is_cut_to_a_prefix_at_any_chunking(sizes: list[int]) -> None:
    text = "ab\u00e9\U0001f600\\\"\n" * 40
    data = json.dumps({"t": text, "after": 1}, ensure_ascii=False).encode()
    cuts = [sum(sizes[:i]) for i in range(1, len(sizes) + 1)]
    out, notes = guarded(data, cuts)
    parsed = json.loads(out)
    assert text.startswith(parsed["t"]) and len(parsed["t"]) < len(text)
    assert parsed["after"] == 1
    assert notes.count == 1 and "string longer than 40 bytes" in notes.kept[0]


def test_too_deep_values_become_null_and_the_rest_is_kept() -> None:
    data = b'{"a": [[[[[[[[1, "]"]]]]]]]], "b": {"c": "[[[[[[[[[["}}'
    out, notes = guarded(data, [11, 17])
    assert json.loads(out) == {
        "a": [[[[[None]]]]], "b": {"c": "[[[[[[[[[["}}
    assert "nested deeper than 6 levels" in notes.kept[0]


def test_long_integers_become_strings_and_floats_stay() -> None:
    data = b'{"id": 1208925819614629174706176, "n": [-99999999999999999999], "f": 1.0e400}'
    out, notes = guarded(data, [])
    parsed = json.loads(out)
    assert parsed["id"] == "1208925819614629174706176"
    assert parsed["n"] == ["-99999999999999999999"]
    assert notes.count == 2


def test_json_bytes_repairs_encoding_across_its_reads() -> None:
    body = ('{"t": "кот \\ud83d\\ude00 \\udfff \\x1B[31m"}' + " " * 300_000).encode()
    body = body.replace("кот".encode(), "кот".encode() + b"\xc0\xaf")
    stream = JsonBytes(io.BytesIO(body))
    out = b"".join(iter(lambda: stream.read(7), b""))
    assert json.loads(out) == {"t": "кот\ufffd\ufffd \U0001f600 \ufffd \x1b[31m"}
    kinds = {note.split(": ", 1)[1] for note in stream.notes.kept}
    assert kinds == {"invalid UTF-8 replaced by U+FFFD",
                     "1 unpaired surrogate escape(s) replaced by U+FFFD"}
