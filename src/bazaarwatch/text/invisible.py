"""Removal of invisible characters that senders put inside words to break matching.

A zero-width space inside "bit<ZWSP>coin" or inside a wallet address is invisible to a
reader and fatal to a pattern. Removed: zero-width space, non-joiner and joiner, the
left-to-right/right-to-left marks, the bidi embeddings, overrides and isolates, word
joiner and invisible operators, the byte-order mark, soft hyphen, Arabic letter mark and
Mongolian vowel separator; also the combining grapheme joiner and the Hangul fillers,
which render as nothing and are used the same way.

One exception keeps emoji whole: a zero-width joiner between two emoji glues a sequence
such as a family or a profession (and the emoji lexicon matches those sequences), so it
stays. Removing the non-joiner also merges Persian words written with it; the matching
form does that consistently, so lexicons see one spelling.
"""

from __future__ import annotations

import re

from bazaarwatch.text.offsets import OffsetMap, Rewriter

_INVISIBLE = (
    "\u00ad\u034f\u061c\u115f\u1160\u180e\u200b\u200c\u200e\u200f"
    "\u202a-\u202e\u2060-\u2064\u2066-\u2069\u3164\ufeff\uffa0"
)
# Emoji and what sits inside emoji sequences (variation selector 16, skin tones are in
# the U+1F000 block); broad on purpose, it only decides whether a joiner is kept.
_EMOJI = "\u00a9\u00ae\u2000-\u32ff\ufe0f\U0001f000-\U0001faff"
_ZWJ = "\u200d"

# "[c][c]*" rather than "[c]+": the same runs, but the regex engine skips ahead to a
# run's first character only when the pattern starts with a plain character class (for
# a repeat it tries a match at every position), which is 3 to 5 times slower on text
# that holds no invisible character, nearly all of it.
_INVISIBLE_RUN = re.compile(f"[{_INVISIBLE}{_ZWJ}][{_INVISIBLE}{_ZWJ}]*")
_EMOJI_CHAR = re.compile(f"[{_EMOJI}]")


def _joins_emoji(text: str, start: int, end: int) -> bool:
    return (end - start == 1 and text[start] == _ZWJ and start > 0
            and _EMOJI_CHAR.match(text, start - 1) is not None
            and _EMOJI_CHAR.match(text, end) is not None)


def remove_invisible(text: str) -> tuple[str, OffsetMap | None]:
    """Delete invisible characters; the map records each deleted run."""
    if _INVISIBLE_RUN.search(text) is None:
        return text, None
    out = Rewriter(text)
    for run in _INVISIBLE_RUN.finditer(text):
        start, end = run.span()
        if not _joins_emoji(text, start, end):
            out.replace(start, end, "")
    return out.finish()
