"""Offset maps: how a rewritten text points back at the text it came from.

Indicators are found in the *matching* form of a message, but analysts must see (and the
store must record) the span of the text as it was written. Every rewrite step therefore
returns, next to its output, an ``OffsetMap`` that lists only the places where it did not
copy one character to one character. Most text is copied untouched, so a map stays tiny
and lookups are a binary search, not a per-character table.

A ``Folded`` carries the output text and the maps of all steps that made it; mapping a
span back walks the maps from the last step to the first. ``Folded.then`` appends
another step, which is how ``fold``, ``join_spaced`` and ``unleet`` compose.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable

import msgspec


class OffsetMap(msgspec.Struct, frozen=True):
    """The edits of one rewrite step, in output order.

    Edit ``k`` says: output ``[out_starts[k], out_ends[k])`` was produced by input
    ``[in_starts[k], in_ends[k])`` as a whole (a deletion has an empty output span).
    Between edits, characters were copied one to one (or replaced one by one, which
    moves no offset), so a position there is shifted by the size change of the edits
    before it.
    """

    out_starts: tuple[int, ...]
    out_ends: tuple[int, ...]
    in_starts: tuple[int, ...]
    in_ends: tuple[int, ...]

    def _start_of(self, i: int) -> int:
        """Input position where output character ``i`` (or the gap before it) starts."""
        k = bisect_right(self.out_starts, i) - 1
        if k < 0:
            return i
        if i < self.out_ends[k]:
            return self.in_starts[k]
        return i + self.in_ends[k] - self.out_ends[k]

    def _end_of(self, i: int) -> int:
        """Input position just after what produced output character ``i``."""
        k = bisect_right(self.out_starts, i) - 1
        if k < 0:
            return i + 1
        if i < self.out_ends[k]:
            return self.in_ends[k]
        return i + 1 + self.in_ends[k] - self.out_ends[k]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The input span that produced output ``[start, end)``.

        Input characters deleted inside the span are part of the answer (they sit
        between the first and last producing characters); deletions just outside are not.
        An empty span maps to an empty span at the corresponding position.
        """
        if start == end:
            point = self._start_of(start)
            return point, point
        return self._start_of(start), self._end_of(end - 1)


class Rewriter:
    """Builds a step's output text and its ``OffsetMap`` from left-to-right replacements.

    Steps call ``replace`` with non-overlapping input spans in increasing order; the text
    between them is copied. A replacement of one character by one character records no
    edit (offsets do not move). Longer same-length replacements record an edit unless
    the caller says that they correspond character by character (``positional``),
    because a whole-span edit is the only honest answer when the correspondence is not.
    """

    __slots__ = ("_in_ends", "_in_starts", "_out", "_out_ends", "_out_starts", "_pieces",
                 "_pos", "_text")

    def __init__(self, text: str) -> None:
        self._text = text
        self._pieces: list[str] = []
        self._pos = 0
        self._out = 0
        self._out_starts: list[int] = []
        self._out_ends: list[int] = []
        self._in_starts: list[int] = []
        self._in_ends: list[int] = []

    @property
    def position(self) -> int:
        """The input position up to which text has been consumed."""
        return self._pos

    def replace(self, start: int, end: int, new: str, *, positional: bool = False) -> None:
        """Replace input ``[start, end)`` (at or after ``position``) by ``new``."""
        if start < self._pos:
            raise ValueError(f"replacement at {start} overlaps text consumed up to {self._pos}")
        if start > self._pos:
            self._pieces.append(self._text[self._pos:start])
            self._out += start - self._pos
        n = len(new)
        if n != end - start or (n > 1 and not positional):
            self._out_starts.append(self._out)
            self._out_ends.append(self._out + n)
            self._in_starts.append(start)
            self._in_ends.append(end)
        if n:
            self._pieces.append(new)
        self._out += n
        self._pos = end

    def finish(self) -> tuple[str, OffsetMap | None]:
        """The output text, and its map (None when no offset moved)."""
        if self._pos < len(self._text):
            self._pieces.append(self._text[self._pos:])
        text = "".join(self._pieces)
        if not self._out_starts:
            return text, None
        return text, OffsetMap(tuple(self._out_starts), tuple(self._out_ends),
                               tuple(self._in_starts), tuple(self._in_ends))


class Folded(msgspec.Struct, frozen=True):
    """A matching form of a text that remembers where each of its characters came from.

    ``text`` is what patterns and lexicons see. ``original(start, end)`` turns a span of
    ``text`` into the span (in code points) of the text given to the first step, so that
    what is reported and stored points at what the sender wrote. ``Folded(text)`` is the
    identity: nothing changed.
    """

    text: str
    _maps: tuple[OffsetMap, ...] = ()

    @property
    def moved(self) -> bool:
        """Whether any offset moved; if not, ``original`` gives back every span as is."""
        return bool(self._maps)

    def original(self, start: int, end: int) -> tuple[int, int]:
        """The span of the ORIGINAL text (code points) that produced folded text[start:end].

        The answer covers every original character that contributed to the span,
        including invisible characters removed from its inside and the whole of a defang
        token ("[.]" for ".") or of a character that NFKC expanded ("ﬁ" for "f").
        Raises ValueError for a span outside ``text``.
        """
        if not 0 <= start <= end <= len(self.text):
            raise ValueError(f"span ({start}, {end}) is outside the folded text of length "
                             f"{len(self.text)}; pass 0 <= start <= end <= len(text)")
        for step in reversed(self._maps):
            start, end = step.span(start, end)
        return start, end

    def same_offsets(self, text: str) -> Folded:
        """``text`` in place of this form's text, for a step that rewrites it one
        character for one (lower case, leetspeak): it maps back as this form does.

        What ``then`` gives for such a step, without calling it through ``then``."""
        if len(text) != len(self.text):
            raise ValueError(f"a text of length {len(text)} cannot replace one of length "
                             f"{len(self.text)} one character for one")
        return Folded(text, self._maps)

    def then(self, step: Callable[[str], Folded]) -> Folded:
        """Apply another folding step to ``text``; the result maps back to *this* origin.

        ``fold(text).then(join_spaced).then(unleet)`` gives one ``Folded`` whose
        ``original`` answers in the coordinates of ``text``.
        """
        nxt = step(self.text)
        if not self._maps:
            return nxt
        return Folded(nxt.text, self._maps + nxt._maps if nxt._maps else self._maps)
