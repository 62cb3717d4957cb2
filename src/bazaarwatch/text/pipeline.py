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
"""

from __future__ import annotations

from bazaarwatch.text.defang import maybe_defanged, undefang
from bazaarwatch.text.homoglyphs import fold_homoglyphs
from bazaarwatch.text.invisible import remove_invisible
from bazaarwatch.text.nfkc import nfkc
from bazaarwatch.text.offsets import Folded, OffsetMap


def fold(text: str, *, homoglyphs: bool = True, defang: bool = True) -> Folded:
    """The matching form of ``text``; ``Folded.original`` maps its spans back."""
    if text.isascii():
        if not (defang and maybe_defanged(text)):
            return Folded(text)
        restored, step = undefang(text)
        return Folded(restored, () if step is None else (step,))
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
