"""Bounds on what a JSON parser can be made to build, enforced on the bytes before it.

ijson's C parser keeps the key path of every open level, so memory grows with the square
of the nesting depth (100,000 nested arrays in a 441-byte zip took past 20 GB); it buffers
a string whole and re-copies it as it grows (a 32 MB string: 1.7 s, a 2 GB one never
ends); and invalid UTF-8 or a lone surrogate escape makes it raise on the whole file.
None of that can be fixed once the parser has the bytes, so ``Scanner`` rewrites them as
they stream past:

- a value nested deeper than ``MAX_DEPTH`` levels becomes ``null``;
- a string longer than ``MAX_STRING`` bytes (as written in the file) is cut to that
  length, at a character and escape boundary;
- an integer of more than 18 digits, which the parser refuses as an overflow of the
  whole file, becomes a string, so only the record holding it is refused;

and ``valid_utf8`` / ``repair`` (used by ``tdesktop_bytes.JsonBytes``) turn invalid UTF-8
and unpaired ``\\uD800``-``\\uDFFF`` escapes into U+FFFD. Every rewrite is noted with its
byte offset, so the source's record says what was changed.

The work stays linear and cheap on ordinary exports: NumPy finds the quotes, backslashes
and brackets of each block (about 4% of parsing time on real exports); Python walks those
positions one by one only in a block that needs a rewrite.
"""

from __future__ import annotations

import codecs

import numpy as np
import numpy.typing as npt

#: tdesktop nests 9 levels at most (a full export's bot buttons); a value deeper than this
#: is no export's.
MAX_DEPTH = 64
#: Telegram caps a message at 4,096 characters (16 KB of UTF-8); one JSON string of 1 MiB
#: is already far beyond anything Telegram writes.
MAX_STRING = 1 << 20
#: Notes kept per file; later rewrites are only counted.
MAX_NOTES = 20

#: Integers this long may not fit 64 bits; yajl stops the whole file at one.
LONG_INTEGER = 19
_QUOTE, _OPEN, _CLOSE, _INTEGER = 0, 1, 2, 3
_BEFORE_NUMBER = frozenset(b":,[ \t\r\n-")
_AFTER_NUMBER = frozenset(b",]} \t\r\n")
Positions = npt.NDArray[np.intp]


class Notes:
    """What the guards changed in one file: the first few rewrites, and how many in all."""

    def __init__(self) -> None:
        self.kept: list[str] = []
        self.count = 0
        self._taken = 0

    def add(self, note: str) -> None:
        self.count += 1
        if len(self.kept) < MAX_NOTES:
            self.kept.append(note)

    def take(self) -> list[str]:
        """The notes kept since the last call."""
        new, self._taken = self.kept[self._taken:], len(self.kept)
        return new


class Scanner:
    """Feeds JSON bytes through, block by block, nulling too-deep values, cutting
    too-long strings and quoting too-long integers. Blocks must not end inside an escape
    sequence or a UTF-8 character (``JsonBytes`` holds such a tail back until the next
    block)."""

    def __init__(self, notes: Notes, *, max_depth: int = MAX_DEPTH,
                 max_string: int = MAX_STRING) -> None:
        self.notes = notes
        self.max_depth = max_depth
        self.max_string = max_string
        self.offset = 0  # bytes fed before the current block
        self.depth = 0
        self.in_string = False
        self.string_len = 0  # bytes of the open string fed so far
        self.slashes = 0  # backslashes ending what was fed (their parity matters)
        self.cutting = False  # dropping the rest of a too-long string
        self.dropping = False  # dropping a too-deep value
        self.hex_escapes = self.surrogate_escapes = False  # in the last block fed
        self.last_byte = 0  # the last byte fed: what comes before a number at a block start

    def feed(self, data: bytes) -> bytes:
        n = len(data)
        self.hex_escapes = self.surrogate_escapes = False
        if not n:
            return data
        a = np.frombuffer(data, np.uint8)
        slashes = np.flatnonzero(a == 92)
        quotes = np.flatnonzero(a == 34)
        if quotes.size and slashes.size:
            quotes = self._unescaped(data, a, quotes)
        # What JsonBytes must repair after: \xNN escapes, \uD800-\uDFFF escapes.
        after = a[np.minimum(slashes + 1, n - 1)]
        self.hex_escapes = bool((after == 120).any())
        self.surrogate_escapes = bool(((after == 117) & (
            a[np.minimum(slashes + 2, n - 1)] | 32 == 100)).any())
        low = a | 32  # '[' and '{' become 0x7B, ']' and '}' become 0x7D
        brackets = np.flatnonzero((low == 123) | (low == 125))
        if brackets.size:
            outside = (np.searchsorted(quotes, brackets) + self.in_string) % 2 == 0
            brackets = brackets[outside]
        opens = low[brackets] == 123
        integers = self._long_integers(data, a, quotes)
        self.last_byte = data[-1]
        if not (self.cutting or self.dropping or integers or self._too_deep(opens)
                or self._too_long(quotes, n)):
            self._advance(quotes, opens, data, slashes)
            return data
        return self._rewrite(data, quotes, brackets, opens, slashes, integers)

    # -- the cheap checks -------------------------------------------------------------------

    def _unescaped(self, data: bytes, a: npt.NDArray[np.uint8],
                   quotes: Positions) -> Positions:
        """The quotes that are not escaped: not after an odd run of backslashes (a run
        at the block's start continues the one the last block ended with)."""
        after_slash = quotes[a[quotes - 1] == 92]  # quotes[0] - 1 may wrap: checked below
        escaped = []
        for q in after_slash.tolist():
            if q == 0:
                continue
            run = 0
            while run < q and data[q - 1 - run] == 92:
                run += 1
            if run == q:
                run += self.slashes
            if run % 2:
                escaped.append(q)
        if quotes[0] == 0 and self.slashes % 2:
            escaped.append(0)
        return np.setdiff1d(quotes, escaped, assume_unique=True) if escaped else quotes

    def _long_integers(self, data: bytes, a: npt.NDArray[np.uint8],
                       quotes: Positions) -> list[tuple[int, int]]:
        """(start, end) of each integer token of ``LONG_INTEGER`` digits or more outside
        strings (a sign included; the digits of a float are left alone)."""
        is_digit = (a - 48) < 10
        if b"\x01" * LONG_INTEGER not in is_digit.tobytes():
            return []
        digits = np.flatnonzero(is_digit)
        breaks = np.flatnonzero(np.diff(digits) != 1)
        starts = digits[np.r_[0, breaks + 1]]
        ends = digits[np.r_[breaks, digits.size - 1]] + 1
        long = np.flatnonzero(ends - starts >= LONG_INTEGER)
        found = []
        for start, end in zip(starts[long].tolist(), ends[long].tolist(), strict=True):
            inside = (int(np.searchsorted(quotes, start)) + self.in_string) % 2
            if inside or end >= len(data):
                continue
            if start and data[start - 1] == 45:  # a minus sign belongs to the number
                start -= 1
            before = data[start - 1] if start else self.last_byte
            if before in _BEFORE_NUMBER and data[end] in _AFTER_NUMBER:
                found.append((start, end))
        return found

    def _too_deep(self, opens: npt.NDArray[np.bool_]) -> bool:
        if not opens.size:
            return False
        depths = self.depth + np.cumsum(np.where(opens, 1, -1))
        return int(depths.max()) > self.max_depth

    def _too_long(self, quotes: Positions, n: int) -> bool:
        limit = self.max_string
        if not quotes.size:
            return self.in_string and self.string_len + n > limit
        starts = quotes[1::2] if self.in_string else quotes[0::2]
        ends = quotes[0::2] if self.in_string else quotes[1::2]
        if self.in_string and self.string_len + int(ends[0]) > limit:
            return True
        pairs = min(starts.size, ends.size - self.in_string)
        if pairs > 0 and int((ends[self.in_string:self.in_string + pairs]
                              - starts[:pairs]).max()) - 1 > limit:
            return True
        if starts.size > ends.size - self.in_string:  # a string still open at the end
            return n - int(starts[-1]) - 1 > limit
        return False

    def _advance(self, quotes: Positions, opens: npt.NDArray[np.bool_], data: bytes,
                 slashes: Positions) -> None:
        n = len(data)
        if opens.size:
            self.depth += int(np.count_nonzero(opens)) * 2 - int(opens.size)
        if quotes.size:
            self.in_string ^= bool(quotes.size % 2)
            self.string_len = n - int(quotes[-1]) - 1 if self.in_string else 0
        elif self.in_string:
            self.string_len += n
        self._trailing_slashes(data, slashes)
        self.offset += n

    def _trailing_slashes(self, data: bytes, slashes: Positions) -> None:
        n = len(data)
        if not slashes.size or int(slashes[-1]) != n - 1:
            self.slashes = 0
            return
        run = n - len(data.rstrip(b"\\"))
        self.slashes = run + self.slashes if run == n else run

    # -- the rare path: a block that needs rewriting ----------------------------------------

    def _rewrite(self, data: bytes, quotes: Positions, brackets: Positions,
                 opens: npt.NDArray[np.bool_], slashes: Positions,
                 integers: list[tuple[int, int]]) -> bytes:
        n = len(data)
        kinds = np.r_[np.full(quotes.size, _QUOTE), np.where(opens, _OPEN, _CLOSE),
                      np.full(len(integers), _INTEGER)]
        positions = np.r_[quotes, brackets,
                          np.array([start for start, _ in integers], dtype=np.intp)]
        ends = dict(integers)
        order = np.argsort(positions, kind="stable")
        out: list[bytes] = []
        keep: int | None = None if self.cutting or self.dropping else 0
        depth, in_string = self.depth, self.in_string
        opened = -self.string_len - 1  # where the open string's quote was, block-relative
        for pos, kind in zip(positions[order].tolist(), kinds[order].tolist(), strict=True):
            if kind == _QUOTE:
                if not in_string:
                    in_string, opened = True, pos
                    continue
                in_string = False
                if self.cutting:
                    self.cutting = False
                    if not self.dropping:
                        keep = pos
                elif keep is not None and pos - opened - 1 > self.max_string:
                    out.append(data[keep:self._cut_point(data, opened)])
                    keep = pos
            elif kind == _INTEGER:
                if keep is not None:
                    end = ends[pos]
                    out += (data[keep:pos], b'"', data[pos:end], b'"')
                    keep = end
                    self.notes.add(f"byte {self.offset + pos}: an integer of "
                                   f"{end - pos} digits was read as text")
            elif kind == _OPEN:
                depth += 1
                if keep is not None and depth > self.max_depth:
                    out += (data[keep:pos], b"null")
                    keep, self.dropping = None, True
                    self.notes.add(f"byte {self.offset + pos}: a value nested deeper than "
                                   f"{self.max_depth} levels was replaced by null")
            else:
                depth -= 1
                if self.dropping and depth == self.max_depth:
                    self.dropping = False
                    keep = None if self.cutting else pos + 1
        if in_string and keep is not None and n - opened - 1 > self.max_string:
            out.append(data[keep:self._cut_point(data, opened)])
            keep, self.cutting = None, True
        if keep is not None:
            out.append(data[keep:])
        self.depth, self.in_string = depth, in_string
        self.string_len = n - opened - 1 if in_string else 0
        self._trailing_slashes(data, slashes)
        self.offset += n
        return b"".join(out)

    def _cut_point(self, data: bytes, opened: int) -> int:
        """Where a too-long string that opened at ``opened`` is cut: after ``max_string``
        bytes, moved forward out of any UTF-8 character or escape sequence it falls in."""
        n = len(data)
        cut = max(opened + 1 + self.max_string, 0)
        self.notes.add(f"byte {self.offset + cut}: a string longer than "
                       f"{self.max_string:,} bytes was cut to that length")
        while cut < n and data[cut] & 0xC0 == 0x80:
            cut += 1
        slash = data.rfind(b"\\", max(cut - 5, 0), cut)
        if slash >= 0:
            run = slash + 1 - len(data[:slash + 1].rstrip(b"\\"))
            if run == slash + 1:
                run += self.slashes
            if run % 2:  # the backslash starts an escape: \uXXXX is 6 bytes, others 2
                end = slash + (6 if data[slash + 1:slash + 2] == b"u" else 2)
                cut = max(cut, min(end, n))
        return cut


def valid_utf8(data: bytes, *, final: bool) -> tuple[bytes, bytes, bool]:
    """(the complete UTF-8 of ``data``, an incomplete character at its end to hold back,
    whether invalid bytes were replaced by U+FFFD)."""
    try:
        _, done = codecs.utf_8_decode(data, "strict", final)
    except UnicodeDecodeError:
        decoder = codecs.getincrementaldecoder("utf-8")("replace")
        text = decoder.decode(data, final)
        return text.encode("utf-8"), decoder.getstate()[0], True
    return data[:done], data[done:], False
