"""The matching form of a message: what patterns and lexicons are run against.

Steps, in this order, each keeping an offset map so that every span found in the
matching form maps back to the text the sender wrote:

1. NFKC per chunk (``nfkc``): fullwidth and mathematical letters and digits, ligatures,
   compatibility spaces and composed accents;
2. invisible characters removed (``invisible``): zero-width, bidi and format characters;
3. mixed-script tokens folded to one script (``homoglyphs``), if ``homoglyphs``;
4. defanging undone (``defang``), if ``defang``.

The common case is plain ASCII with nothing defanged: NFKC, invisible characters and
homoglyphs cannot apply to ASCII, so ``fold`` checks ``str.isascii`` and a fast literal
pre-scan, and returns the very same string with an identity map.

A message is usually folded twice in a row: by indicator extraction, then by the
classifier's matching form (``classify`` extracts a batch of 1,000, then classifies
it). ``fold`` therefore remembers its last results for text that is not ASCII, the
costly case (``Folded`` is immutable, so sharing one is safe); texts longer than
``_REMEMBERED_LENGTH`` are not kept, which bounds the memory the cache can hold.
"""

from __future__ import annotations

from functools import lru_cache

from bazaarwatch.text.defang import maybe_defanged, undefang
from bazaarwatch.text.homoglyphs import fold_homoglyphs
from bazaarwatch.text.invisible import remove_invisible
from bazaarwatch.text.nfkc import nfkc
from bazaarwatch.text.offsets import Folded, OffsetMap

_REMEMBERED = 2048  # results: a batch of ``classify`` (1,000), and then some
_REMEMBERED_LENGTH = 1024  # characters: chat messages, not documents


def fold(text: str, *, homoglyphs: bool = True, defang: bool = True) -> Folded:
    """The matching form of ``text``; ``Folded.original`` maps its spans back."""
    if text.isascii():
        if not (defang and maybe_defanged(text)):
            return Folded(text)
        restored, step = undefang(text)
        return Folded(restored, () if step is None else (step,))
    if not (homoglyphs and defang and len(text) <= _REMEMBERED_LENGTH):
        return _fold(text, homoglyphs=homoglyphs, defang=defang)
    folded = _fold_remembered(text)
    if folded.moved or folded.text != text:
        return folded
    return Folded(text)  # unchanged: the very string given, not an equal one remembered


@lru_cache(maxsize=_REMEMBERED)
def _fold_remembered(text: str) -> Folded:
    return _fold(text, homoglyphs=True, defang=True)


def _fold(text: str, *, homoglyphs: bool, defang: bool) -> Folded:
    """``fold`` of a text that is not ASCII."""
    maps: list[OffsetMap] = []
    text, step = nfkc(text)
    if step is not None:
        maps.append(step)
    text, step = remove_invisible(text)
    if step is not None:
        maps.append(step)
    if homoglyphs:
        text = fold_homoglyphs(text)
    if defang:
        text, step = undefang(text)
        if step is not None:
            maps.append(step)
    return Folded(text, tuple(maps))
