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

import functools
import re
from bisect import bisect_right
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # NumPy is imported by the functions that use it: ``extract`` needs none
    import numpy as np

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


def code_points(text: str) -> np.ndarray:
    """The code points of ``text``, one array element each, for NumPy work on a batch."""
    import numpy as np

    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def alnum(points: np.ndarray) -> np.ndarray:
    """``str.isalnum`` of each code point (the few beyond the Basic Multilingual Plane,
    mostly emoji, one by one). A regex's ``\\w`` is this or "_"."""
    result: np.ndarray = alnum_table().take(points, mode="clip")  # clip: 0xFFFF beyond
    for i in (points > 0xFFFF).nonzero()[0].tolist():
        result[i] = chr(points[i]).isalnum()
    return result


@functools.cache
def alnum_table() -> np.ndarray:
    """Whether each code point of the Basic Multilingual Plane is a letter or a digit."""
    import numpy as np

    table: np.ndarray = np.array([chr(c).isalnum() for c in range(0x10000)], dtype=bool)
    return table
