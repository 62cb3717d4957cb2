"""Join s p a c e d letters: "f r e s h  c v v" reads as "fresh cvv".

Sellers space out the words filters look for. A run of three or more single letters,
each separated from the next by one space or one dot, is joined ("U.S.A" too); the
wider gap of spaces that separates such a word from the next one shrinks to one space.
Two single letters ("a b") are left alone: that is too often ordinary text. Each removed
separator is a deletion in the offset map, so a joined word maps back to its spaced
original. A joined word is then read in one script, as ``fold`` reads words.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bazaarwatch.text import batch
from bazaarwatch.text.homoglyphs import fold_homoglyphs
from bazaarwatch.text.offsets import Folded, Rewriter

_LETTER = r"[^\W\d_]"
_SPACED_RUN = re.compile(rf"(?<!\w){_LETTER}(?:[ .]{_LETTER}){{2,}}(?!\w)")
# What every run holds: "x y z" from the start of a word. Anchored on the separator,
# which the regex engine skips to fast, it rules out most messages at less than half
# the cost of _SPACED_RUN (whose first letter is tried at every position). Also run on
# a batch joined by ``batch.SEPARATOR`` (neither a letter, a space nor a dot).
_MAYBE_SPACED = re.compile(rf"[ .](?<=(?<!\w){_LETTER}[ .]){_LETTER}[ .]{_LETTER}")


def join_spaced(text: str) -> Folded:
    """``text`` with spaced-out letter runs joined; maps back to ``text``."""
    runs = spaced_runs(text)
    if not runs:
        return Folded(text)
    out = Rewriter(text)
    for run in runs:
        start, end = run.span()
        gap_start = start
        while gap_start > out.position and text[gap_start - 1] == " ":
            gap_start -= 1
        if start - gap_start > 1:
            out.replace(gap_start, start, " ")
        for sep in range(start + 1, end, 2):
            out.replace(sep, sep + 1, "")
        gap_end = end
        while gap_end < len(text) and text[gap_end] == " ":
            gap_end += 1
        if gap_end - end > 1:
            out.replace(end, gap_end, " ")
    restored, step = out.finish()
    # A joined word can mix scripts ("т p a н з и т"): fold it like fold() folds words.
    # The fold is one character for one, so the offset map stays as it is.
    return Folded(fold_homoglyphs(restored), () if step is None else (step,))


def spaced_runs(text: str) -> list[re.Match[str]]:
    """What ``_SPACED_RUN.finditer(text)`` gives, found faster.

    A run starts just before a match of ``_MAYBE_SPACED``, so only there is
    ``_SPACED_RUN`` tried, from the first such place after the last run. Its first
    letter, tried at every position, cost more than the rest of ``join_spaced`` on the
    many messages ``spaced_rows`` picks for two one-letter words in a row ("а я про",
    "и в магазин"), which hold no run."""
    runs = []
    pos = 0
    while (maybe := _MAYBE_SPACED.search(text, pos + 1)) is not None:
        run = _SPACED_RUN.match(text, maybe.start() - 1)
        if run is None:
            pos = maybe.start()
        else:
            runs.append(run)
            pos = run.end()
    return runs


def spaced_rows(texts: Sequence[str]) -> list[int]:
    """The indices of the texts that ``join_spaced`` may change (it gives the others
    back as they are), found with one scan of the whole batch."""
    return batch.rows_with(_MAYBE_SPACED, texts)
