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
Most text that is not ASCII comes out unchanged as well: one hyperscan scan
(``prescan``) finds most of it, and only the rest goes through the steps.

A message is usually folded twice in a row: by indicator extraction, then by the
classifier's matching form (``classify`` extracts a batch of 1,000, then classifies
it), whatever its length. ``fold`` therefore remembers its last results for text that
is not ASCII, the costly case (``Folded`` is immutable, so sharing one is safe). What
it holds is bounded by the characters remembered (``_REMEMBERED_CHARACTERS``: a batch
of long posts) and by the count of texts, so one long document cannot hold it, and the
oldest results go first: a text is looked up again soon after it is folded, or not at
all.
"""

from __future__ import annotations

from bazaarwatch.text.defang import maybe_defanged, undefang
from bazaarwatch.text.homoglyphs import fold_homoglyphs
from bazaarwatch.text.invisible import remove_invisible
from bazaarwatch.text.nfkc import nfkc
from bazaarwatch.text.offsets import Folded, OffsetMap
from bazaarwatch.text.prescan import unchanged

_REMEMBERED = 2048  # results: a batch of ``classify`` (1,000), and then some
_REMEMBERED_CHARACTERS = 1 << 22  # of the texts remembered: 1,000 posts of 4,096, Telegram's


def fold(text: str, *, homoglyphs: bool = True, defang: bool = True) -> Folded:
    """The matching form of ``text``; ``Folded.original`` maps its spans back."""
    if text.isascii():
        if not (defang and maybe_defanged(text)):
            return Folded(text)
        restored, step = undefang(text)
        return Folded(restored, () if step is None else (step,))
    if not (homoglyphs and defang):
        return _fold(text, homoglyphs=homoglyphs, defang=defang)
    folded = _REMEMBERED_FOLDS.get(text)
    if folded is None:
        folded = _REMEMBERED_FOLDS.keep(text, _fold(text, homoglyphs=True, defang=True))
    if folded.moved or folded.text != text:
        return folded
    return Folded(text)  # unchanged: the very string given, not an equal one remembered


class _Remembered:
    """The last results of ``fold``, the oldest first, within both bounds."""

    def __init__(self, texts: int, characters: int) -> None:
        self.texts, self.characters = texts, characters
        self.folds: dict[str, Folded] = {}
        self.held = 0  # characters of the texts kept

    def get(self, text: str) -> Folded | None:
        return self.folds.get(text)

    def keep(self, text: str, folded: Folded) -> Folded:
        """Keep ``folded`` for ``text``, forgetting the oldest results beyond the bounds
        (a text longer than all of them is not kept); gives back ``folded``."""
        if len(text) > self.characters:
            return folded
        while self.folds and (len(self.folds) >= self.texts
                              or self.held + len(text) > self.characters):
            oldest = next(iter(self.folds))
            del self.folds[oldest]
            self.held -= len(oldest)
        self.folds[text] = folded
        self.held += len(text)
        return folded


_REMEMBERED_FOLDS = _Remembered(_REMEMBERED, _REMEMBERED_CHARACTERS)


def _fold(text: str, *, homoglyphs: bool, defang: bool) -> Folded:
    """``fold`` of a text that is not ASCII.

    A text that NFKC changes ("м²", "№", "‼": one long post in eight) is asked
    ``unchanged`` again: most need nothing more, and the other steps' checks cost twice
    the scan."""
    prescan = homoglyphs and defang
    if prescan and unchanged(text):
        return Folded(text)
    maps: list[OffsetMap] = []
    normalized, step = nfkc(text)
    if step is not None:
        maps.append(step)
    if prescan and normalized != text and unchanged(normalized):
        return Folded(normalized, tuple(maps))
    text, step = remove_invisible(normalized)
    if step is not None:
        maps.append(step)
    if homoglyphs:
        text = fold_homoglyphs(text)
    if defang:
        text, step = undefang(text)
        if step is not None:
            maps.append(step)
    return Folded(text, tuple(maps))
