"""A hyperscan pre-scan that finds the texts ``fold`` would give back as they are.

Each step of ``fold`` has a check of its own, and on a long Russian post they add up
(210K instructions per 900-character post), while nine distinct long posts in ten come
out unchanged. ``unchanged`` scans the UTF-8 text for anything a step could act on;
that costs about 75K, and the UTF-8 is what indicator extraction scans next
(``utf8``). Without hyperscan it always says "maybe", and the steps decide as before.

Each pattern finds more than its step acts on, never less, so a text it passes is one
that every step gives back unchanged; a text it stops goes through the steps, which
decide exactly. The steps run in turn on what the step before gave, but as a passed
text is unchanged by each, every step sees the text scanned:

- NFKC: a character NFKC may change (``nfkc.CANDIDATE_RANGES``); a text without one
  is normalized (``unicodedata.is_normalized`` costs 27K instructions per long post,
  this pattern 6K);
- invisible characters: the class of ``invisible._INVISIBLE_RUN``;
- homoglyphs: only a word (``[^\\W_]+``) holding letters of two scripts is folded, and
  ``fold_homoglyphs`` takes its general path for any Greek or Armenian character.
  So: a Greek, Armenian or non-ASCII Latin character (``_RARE_LETTERS``), or an ASCII
  letter with only ASCII digits between it and a character beyond ASCII that may be
  part of a word (``_WORDLIKE``: a test checks that ``_NOT_WORD`` holds no letter or
  digit). Of a word with an ASCII letter and a Cyrillic one and no non-ASCII Latin
  letter, take the ASCII letter nearest a Cyrillic one: what lies between them is
  ASCII digits and characters beyond ASCII, so one of the two patterns around ASCII
  letters finds it;
- defanging: the literals of ``defang._LITERALS``, one of which every defanged form
  holds.
"""

from __future__ import annotations

import functools
import re

from bazaarwatch import hsdb
from bazaarwatch.text.defang import _LITERALS
from bazaarwatch.text.homoglyphs import _ARM, _GRK, _LAT
from bazaarwatch.text.invisible import _INVISIBLE, _ZWJ
from bazaarwatch.text.nfkc import CANDIDATE_RANGES

# Characters beyond ASCII that are no letter and no digit, so part of no word, and that
# stand next to words in chat text: Latin-1 signs, general punctuation, currency signs,
# arrows, mathematical signs, boxes, shapes and dingbats up to the circled digits,
# variation selectors, flags and pictographs.
_NOT_WORD = ("\u00a0-\u00a9\u00ab-\u00b1\u00b4\u00b6-\u00b8\u00bb\u00bf\u00d7\u00f7"
             "\u2000-\u206f\u20a0-\u20cf\u2190-\u23ff\u2500-\u2775\ufe00-\ufe0f"
             "\U0001f1e6-\U0001f1ff\U0001f300-\U0001faff")
_WORDLIKE = f"[^\\x00-\\x7f{_NOT_WORD}]"


def _character(code_point: int) -> str:
    """One character of a class, as both syntaxes read it (an ASCII one escaped)."""
    return chr(code_point) if code_point > 0x7F else f"\\x{code_point:02x}"


# In Python's syntax (a test runs them with ``re``); hyperscan's differs only in how a
# character beyond ASCII is written. Two databases, scanned in turn: one class of the
# characters that stop a text by themselves (NFKC's, the invisible ones, the rare
# letters), then the patterns around ASCII letters and the defang literals (sought in
# any case). Together in one database they take 1 MB and 55K instructions per long
# post; apart, 160 KB and 50K (a file of 1 MB read at start-up costs 12M).
_CHARACTERS = ("[" + "".join(f"{_character(lo)}-{_character(hi)}" for lo, hi in CANDIDATE_RANGES)
               + f"{_INVISIBLE}{_ZWJ}{_LAT.removeprefix('A-Za-z')}{_GRK}{_ARM}]")
_AROUND_ASCII_LETTERS = (f"[A-Za-z][0-9]*{_WORDLIKE}", f"{_WORDLIKE}[0-9]*[A-Za-z]")
_CASELESS = tuple(re.escape(literal) for literal in _LITERALS)


def unchanged(text: str) -> bool:
    """True guarantees that ``fold(text)`` gives ``text`` back with no offset moved;
    False says nothing."""
    scan = _scanner()
    if scan is None:
        return False
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: not UTF-8 that hyperscan may read
        return False
    if scan(data):
        return False
    global _last
    _last = (text, data)
    return True


_last: tuple[str, bytes] = ("", b"")


def utf8(text: str) -> bytes:
    """``text`` in UTF-8 (a lone surrogate as the three bytes of any other BMP
    character), as ``unchanged`` last found it unchanged: extraction scans the very
    text ``fold`` gave back (18K instructions saved per long post)."""
    last = _last
    if last[0] is text:
        return last[1]
    return text.encode("utf-8", "surrogatepass")


def strict_utf8(text: str) -> bytes | None:
    """``text`` in UTF-8, as ``utf8`` gives it, or None where it holds a lone surrogate
    (hyperscan's UTF-8 mode may read such bytes wrong)."""
    last = _last
    if last[0] is text:
        return last[1]
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        return None


@functools.cache
def _scanner() -> hsdb.Scanner | None:
    """Loaded at the first text that is not ASCII (from the disk cache, ``hsdb``), so a
    command that folds none pays nothing. Two databases, scanned in turn: the class of
    the characters that stop a text by themselves, then the patterns around ASCII
    letters and the defang literals."""
    hyperscan = hsdb.hyperscan()
    if hyperscan is None:
        return None
    flags = hyperscan.HS_FLAG_SINGLEMATCH | hyperscan.HS_FLAG_UTF8
    characters = [(hsdb.syntax(_CHARACTERS), flags)]
    around = [(hsdb.syntax(p), flags) for p in _AROUND_ASCII_LETTERS]
    around += [(hsdb.syntax(p), flags | hyperscan.HS_FLAG_CASELESS) for p in _CASELESS]
    return hsdb.Scanner(hyperscan, [characters, around])
