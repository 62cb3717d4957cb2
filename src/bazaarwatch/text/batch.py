"""A batch of texts searched as one string: one regex scan instead of a call per text.

Most texts of a batch need nothing from a step (no spaced letters, no leetspeak, no
price), and a call per text to find that out costs more than the search itself. The
texts are joined into one string with ``SEPARATOR`` before, between and after them: a
control character that the patterns run this way never match and that is neither a
letter, a digit, a space nor punctuation, so no match spans two texts and the
look-arounds at a text's ends see what they would see at the ends of a string. Each
pattern that is run this way says so where it is defined.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence

SEPARATOR = "\x00"


def join(texts: Sequence[str]) -> tuple[str, list[int]]:
    """The texts as one string, and where each of them starts in it."""
    starts, at = [], 1
    for text in texts:
        starts.append(at)
        at += len(text) + 1
    return SEPARATOR + SEPARATOR.join(texts) + SEPARATOR, starts


def rows_with(pattern: re.Pattern[str], texts: Sequence[str]) -> list[int]:
    """The indices of the texts in which ``pattern`` finds a match, in order.

    A text with a match has its first one found: every match found before it ends in
    an earlier text, as none spans ``SEPARATOR``."""
    joined, starts = join(texts)
    rows: list[int] = []
    for match in pattern.finditer(joined):
        row = bisect_right(starts, match.start()) - 1
        if not rows or rows[-1] != row:
            rows.append(row)
    return rows
