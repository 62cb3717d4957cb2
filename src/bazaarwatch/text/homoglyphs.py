"""Fold mixed-script words to one script, so look-alike letters stop hiding words.

"bitсoin" (a Cyrillic es among Latin letters) must match "bitcoin", and "Пpoдaм" (Latin
p, o, a among Cyrillic letters) must match the Russian lexicon's "Продам". A word written
in one script is never touched: Russian, Greek or Armenian text stays as it is, because
folding pure words would wreck the lexicons of those languages.

Only tokens (runs of letters and digits; "_" separates, so the parts of "#продажа_cvv"
are judged apart) that mix letters of Latin, Cyrillic, Greek or Armenian are folded, and
the whole token goes to one script: the one that the most of its letters can be written
in; on a tie Latin (indicators and most look-alike tricks are Latin), then the script
with more of its own letters. Letters without a look-alike in that script stay as they
are. Every change is one character for one character, so this step moves no offset.
"""

from __future__ import annotations

import re
from functools import lru_cache

from bazaarwatch.text.confusables import ARMENIAN, CYRILLIC, GREEK, LATIN, convert, script_of

_LAT = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02af\u1e00-\u1eff"
_CYR = "\u0400-\u052f\u1c80-\u1c8f\u2de0-\u2dff\ua640-\ua69f"
_GRK = "\u0370-\u03ff\u1f00-\u1fff"
_ARM = "\u0531-\u058f"


_ALNUM = r"[^\W_]"


def _both(a: str, b: str) -> str:
    return rf"(?={_ALNUM}*?[{a}])(?={_ALNUM}*?[{b}])"


_MIXED_TOKEN = re.compile(
    rf"(?<!{_ALNUM})(?:"
    + "|".join((_both(_LAT, _CYR + _GRK + _ARM), _both(_CYR, _GRK + _ARM), _both(_GRK, _ARM)))
    + rf"){_ALNUM}+"
)

# The general detector: a token holding letters of two of the four scripts. Its
# look-aheads run at every token, so it is used only when Greek or Armenian is present;
# Latin/Cyrillic mixes, the common case, take the faster path in fold_homoglyphs.
_GREEK_OR_ARMENIAN = re.compile(f"[{_GRK}{_ARM}]")
_LATIN_LETTER = re.compile(f"[{_LAT}]")
_CYRILLIC_LETTER = re.compile(f"[{_CYR}]")
# What fold_homoglyphs skips to: a letter of the rarer of Latin and Cyrillic, or a Greek
# or Armenian character (which sends the text to the general detector).
_RARE_IN_LATIN = re.compile(f"[{_CYR}{_GRK}{_ARM}]")
_RARE_IN_CYRILLIC = re.compile(f"[{_LAT}{_GRK}{_ARM}]")
_TOKEN_REST = re.compile(_ALNUM + "*")
_SAMPLE = 256  # characters that say which script is the rarer

_TARGETS = (LATIN, CYRILLIC, GREEK, ARMENIAN)


def fold_token(token: str) -> str:
    """``token`` written in one script (unchanged unless it mixes scripts).

    Word-sized tokens are cached: spam repeats the same disguised words thousands of
    times (long ones are not, so a hostile text cannot fill the cache with megabytes).
    """
    return _fold_word(token) if len(token) <= 64 else _fold_token(token)


@lru_cache(maxsize=4096)
def _fold_word(token: str) -> str:
    return _fold_token(token)


def _fold_token(token: str) -> str:
    scripts = [script_of(ch) for ch in token]
    present = {s for s in scripts if s is not None}
    if len(present) < 2:
        return token
    best_key: tuple[int, bool, int] | None = None
    target = LATIN
    for candidate in _TARGETS:
        if candidate not in present and candidate != LATIN:
            continue
        convertible = sum(1 for ch, s in zip(token, scripts, strict=True)
                          if s is not None and convert(ch, candidate) is not None)
        key = (convertible, candidate == LATIN, scripts.count(candidate))
        if best_key is None or key > best_key:
            best_key, target = key, candidate
    return "".join(
        (convert(ch, target) or ch) if s is not None and s != target else ch
        for ch, s in zip(token, scripts, strict=True)
    )


def fold_homoglyphs(text: str) -> str:
    """``text`` with every mixed-script token folded to one script (same length)."""
    if text.isascii():
        return text
    hits = _latin_cyrillic_hits(text)
    if hits is None:
        return _MIXED_TOKEN.sub(lambda m: fold_token(m.group()), text)
    if not hits:
        return text
    pieces: list[str] = []
    pos = 0
    for hit in hits:
        start, end = _token_start(text, hit, pos), _token_end(text, hit)
        pieces += (text[pos:start], fold_token(text[start:end]))
        pos = end
    pieces.append(text[pos:])
    return "".join(pieces)


def _latin_cyrillic_hits(text: str) -> list[int] | None:
    """A position inside each token that holds a Latin and a Cyrillic letter, in order
    (and perhaps inside a few tokens that do not: ``fold_token`` leaves those alone);
    None if ``text`` holds a Greek or Armenian character.

    Only the tokens that hold a letter of the rarer script are looked at, in one scan:
    the regex engine skips ahead to each (Latin letters are links and names in Russian
    text, Cyrillic a word or two in English), and each is then searched for the other
    script. Which is rarer is judged on the first characters (either answer gives the
    same tokens). One scan instead of four (Greek or Armenian, each script, the rarer
    one's tokens) takes this step from 139K to 81K instructions on a 900-character
    Russian post.
    """
    sample = text[:_SAMPLE]
    mostly_ascii = len(sample.encode("ascii", "ignore")) * 2 > len(sample)
    rare, common = ((_RARE_IN_LATIN, _LATIN_LETTER) if mostly_ascii
                    else (_RARE_IN_CYRILLIC, _CYRILLIC_LETTER))
    hits = []
    pos = 0
    while (m := rare.search(text, pos)) is not None:
        i = m.start()
        rest = _TOKEN_REST.match(text, i)
        end = i if rest is None else rest.end()
        if _GREEK_OR_ARMENIAN.search(text, i, max(end, i + 1)) is not None:
            return None  # in the token skipped, or the character found
        if end == i:  # a mark or sign of the script: part of no token
            pos = i + 1
            continue
        if common.search(text, _token_start(text, i, pos), end) is not None:
            hits.append(i)
        pos = end
    return hits


def _token_start(text: str, i: int, floor: int) -> int:
    while i > floor and text[i - 1].isalnum():
        i -= 1
    return i


def _token_end(text: str, i: int) -> int:
    while i < len(text) and text[i].isalnum():
        i += 1
    return i
