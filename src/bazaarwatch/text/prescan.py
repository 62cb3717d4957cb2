"""One hyperscan scan that finds the texts ``fold`` would give back as they are.

Each step of ``fold`` has a check of its own, and on a long Russian post they add up
(210K instructions per 900-character post), while nine distinct long posts in ten come
out unchanged. ``unchanged`` asks ``unicodedata.is_normalized`` for the NFKC step and
makes one scan of the UTF-8 text for anything another step could act on; that costs
about 100K, and the UTF-8 is what indicator extraction scans next (``utf8``). Without
hyperscan it always says "maybe", and the steps decide as before.

Each pattern finds more than its step acts on, never less, so a text it passes is one
that every step gives back unchanged; a text it stops goes through the steps, which
decide exactly. The steps run in turn on what the step before gave, but as a passed
text is unchanged by each, every step sees the text scanned:

- NFKC: a normalized text is given back at once (``nfkc.nfkc``);
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
import importlib
import re
import threading
import unicodedata
from typing import Any

from bazaarwatch import hsdb
from bazaarwatch.text.defang import _LITERALS
from bazaarwatch.text.homoglyphs import _ARM, _GRK, _LAT
from bazaarwatch.text.invisible import _INVISIBLE, _ZWJ

# Characters beyond ASCII that are no letter and no digit, so part of no word, and that
# stand next to words in chat text: Latin-1 signs, general punctuation, currency signs,
# arrows, mathematical signs, boxes, shapes and dingbats up to the circled digits,
# variation selectors, flags and pictographs.
_NOT_WORD = ("\u00a0-\u00a9\u00ab-\u00b1\u00b4\u00b6-\u00b8\u00bb\u00bf\u00d7\u00f7"
             "\u2000-\u206f\u20a0-\u20cf\u2190-\u23ff\u2500-\u2775\ufe00-\ufe0f"
             "\U0001f1e6-\U0001f1ff\U0001f300-\U0001faff")
_WORDLIKE = f"[^\\x00-\\x7f{_NOT_WORD}]"
_RARE_LETTERS = f"[{_LAT.removeprefix('A-Za-z')}{_GRK}{_ARM}]"

# In Python's syntax (a test runs them with ``re``); hyperscan's differs only in how a
# character beyond ASCII is written. The literals are ASCII, sought in any case.
_PATTERNS = (
    f"[{_INVISIBLE}{_ZWJ}]",
    _RARE_LETTERS,
    f"[A-Za-z][0-9]*{_WORDLIKE}",
    f"{_WORDLIKE}[0-9]*[A-Za-z]",
)
_CASELESS = tuple(re.escape(literal) for literal in _LITERALS)


def unchanged(text: str) -> bool:
    """True guarantees that ``fold(text)`` gives ``text`` back with no offset moved;
    False says nothing."""
    scan = _scanner()
    if scan is None or not unicodedata.is_normalized("NFKC", text):
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


@functools.cache
def _scanner() -> _Scanner | None:
    """Loaded at the first text that is not ASCII (from the disk cache, ``hsdb``), so a
    command that folds none pays nothing."""
    try:
        hyperscan = importlib.import_module("hyperscan")
    except ImportError:
        return None
    return _Scanner(hyperscan)


class _Scanner:
    """Whether any of ``_PATTERNS`` or ``_CASELESS`` occurs in UTF-8 bytes (one scratch
    per thread)."""

    def __init__(self, hyperscan: Any) -> None:
        flags = hyperscan.HS_FLAG_SINGLEMATCH | hyperscan.HS_FLAG_UTF8
        expressions = [(_hyperscan_syntax(p), flags) for p in _PATTERNS]
        expressions += [(_hyperscan_syntax(p), flags | hyperscan.HS_FLAG_CASELESS)
                        for p in _CASELESS]
        self._hyperscan = hyperscan
        self._database = hsdb.load_database(hyperscan, expressions)
        self._local = threading.local()

    def __call__(self, data: bytes) -> bool:
        scratch = getattr(self._local, "scratch", None)
        if scratch is None:
            scratch = self._local.scratch = self._hyperscan.Scratch(self._database)
        hits: list[int] = []
        self._database.scan(data, match_event_handler=_collect, context=hits,
                            scratch=scratch)
        return bool(hits)


def _hyperscan_syntax(pattern: str) -> bytes:
    """``pattern`` with each character beyond ASCII written ``\\x{…}``."""
    return "".join(ch if ch.isascii() else f"\\x{{{ord(ch):x}}}" for ch in pattern).encode()


def _collect(pattern_id: int, start: int, end: int, flags: int, hits: list[int]) -> None:
    hits.append(pattern_id)
