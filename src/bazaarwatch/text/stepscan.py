"""Which folded texts ``join_spaced`` and ``unleet`` may change, with one hyperscan scan
of each text's UTF-8.

On a long Russian post the two ``re`` scans of a batch (``spaced_rows``, ``leet_rows``)
cost 131K instructions, most of them where the pattern's first character is a space or
a digit and its look-behind fails. Hyperscan has no look-behind, so each pattern here
finds more than the ``re`` one, never less (a test checks this on fuzzed text); the
steps decide exactly on the texts it picks, and give the others back as they are:

- ``_SPACED`` for ``spacing._MAYBE_SPACED``: a letter, a separator, a letter, a
  separator and a letter, after the start or after a character that may not be a word
  character (all but ASCII letters, digits, "_" and the basic Cyrillic block);
- ``_LEET`` for ``leet._INNER_RUN``: leet characters between two letters.

A letter is any character but ASCII non-letters and ``prescan._NOT_WORD`` (which holds
no letter), so neither pattern depends on hyperscan's Unicode tables. On 2,000 long
Russian posts the patterns pick exactly the texts the ``re`` scans pick, and
``classify`` spends 77K instructions less per post (1,764K to 1,687K); one scan a text
(with its UTF-8 from ``prescan`` where ``fold`` just made it) costs 9K less than one of
the batch joined. Without hyperscan, or for a batch of ASCII texts (which would load it
for little), the ``re`` scans of the batch run instead.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

from bazaarwatch import hsdb
from bazaarwatch.text import prescan
from bazaarwatch.text.leet import leet_rows
from bazaarwatch.text.offsets import Folded
from bazaarwatch.text.pipeline import fold
from bazaarwatch.text.spacing import spaced_rows

_LETTER = f"[^\\x00-\\x40\\x5b-\\x60\\x7b-\\x7f{prescan._NOT_WORD}]"
_WORD = "0-9A-Za-z_\u0400-\u045f"  # word characters (a test checks), the most common
_NOT_AFTER_WORD = f"[^{_WORD}]"
_SPACED = f"(?:^|{_NOT_AFTER_WORD}){_LETTER}[ .]{_LETTER}[ .]{_LETTER}"
_LEET = f"{_LETTER}[013457@$]+{_LETTER}"


def fold_all(texts: Sequence[str]) -> tuple[list[Folded], list[int], list[int]]:
    """``fold`` of each text, with the indices of the folded texts that ``join_spaced``
    may change and of those that ``unleet`` may change, in order."""
    scan = None if all(text.isascii() for text in texts) else _scanner()
    if scan is None:
        forms = [fold(text) for text in texts]
        folded = [form.text for form in forms]
        return forms, spaced_rows(folded), leet_rows(folded)
    forms, spaced, leet = [], [], []
    for row, text in enumerate(texts):
        form = fold(text)
        forms.append(form)
        data = prescan.strict_utf8(form.text)  # scanned right after the fold that made it
        found = (0, 1) if data is None else scan(data)  # a lone surrogate: both steps
        if 0 in found:
            spaced.append(row)
        if 1 in found:
            leet.append(row)
    return forms, spaced, leet


@functools.cache
def _scanner() -> hsdb.Scanner | None:
    """The ids of ``_SPACED`` (0) and ``_LEET`` (1) that occur in UTF-8 bytes, or None
    without hyperscan."""
    hyperscan = hsdb.hyperscan()
    if hyperscan is None:
        return None
    flags = hyperscan.HS_FLAG_SINGLEMATCH | hyperscan.HS_FLAG_UTF8
    return hsdb.Scanner(hyperscan, [[(hsdb.syntax(p), flags) for p in (_SPACED, _LEET)]])
