"""The homoglyph table: Cyrillic, Greek and Armenian letters that look like Latin ones.

A hand-picked subset of Unicode's confusables (UTS #39): the look-alikes actually used to
dodge filters ("Пpoдaм" with Latin p, o, a; "bitсoin" with a Cyrillic es), limited to
pairs that look the same in the same case, so that folding keeps case. Letters are named
rather than written, so the table reads unambiguously and is checked against the Unicode
database when imported.

Each row is (Latin letter, Unicode name of a look-alike). The first look-alike listed for
a Latin letter and a script is the one Latin folds *to* when a token is mostly that
script (Latin "H" becomes Cyrillic "EN", not "SHHA").
"""

from __future__ import annotations

import unicodedata

LATIN = "Latin"
CYRILLIC = "Cyrillic"
GREEK = "Greek"
ARMENIAN = "Armenian"

_ROWS: tuple[tuple[str, str], ...] = (
    ("a", "CYRILLIC SMALL LETTER A"),
    ("a", "GREEK SMALL LETTER ALPHA"),
    ("A", "CYRILLIC CAPITAL LETTER A"),
    ("A", "GREEK CAPITAL LETTER ALPHA"),
    ("B", "CYRILLIC CAPITAL LETTER VE"),
    ("B", "GREEK CAPITAL LETTER BETA"),
    ("c", "CYRILLIC SMALL LETTER ES"),
    ("c", "GREEK LUNATE SIGMA SYMBOL"),
    ("C", "CYRILLIC CAPITAL LETTER ES"),
    ("C", "GREEK CAPITAL LUNATE SIGMA SYMBOL"),
    ("d", "CYRILLIC SMALL LETTER KOMI DE"),
    ("e", "CYRILLIC SMALL LETTER IE"),
    ("E", "CYRILLIC CAPITAL LETTER IE"),
    ("E", "GREEK CAPITAL LETTER EPSILON"),
    ("\u00eb", "CYRILLIC SMALL LETTER IO"),
    ("\u00cb", "CYRILLIC CAPITAL LETTER IO"),
    ("g", "ARMENIAN SMALL LETTER CO"),
    ("h", "CYRILLIC SMALL LETTER SHHA"),
    ("h", "ARMENIAN SMALL LETTER HO"),
    ("H", "CYRILLIC CAPITAL LETTER EN"),
    ("H", "CYRILLIC CAPITAL LETTER SHHA"),
    ("H", "GREEK CAPITAL LETTER ETA"),
    ("i", "CYRILLIC SMALL LETTER BYELORUSSIAN-UKRAINIAN I"),
    ("i", "GREEK SMALL LETTER IOTA"),
    ("I", "CYRILLIC CAPITAL LETTER BYELORUSSIAN-UKRAINIAN I"),
    ("I", "CYRILLIC LETTER PALOCHKA"),
    ("I", "GREEK CAPITAL LETTER IOTA"),
    ("\u00ef", "CYRILLIC SMALL LETTER YI"),
    ("\u00cf", "CYRILLIC CAPITAL LETTER YI"),
    ("j", "CYRILLIC SMALL LETTER JE"),
    ("j", "GREEK LETTER YOT"),
    ("J", "CYRILLIC CAPITAL LETTER JE"),
    ("J", "GREEK CAPITAL LETTER YOT"),
    ("k", "GREEK SMALL LETTER KAPPA"),
    ("K", "CYRILLIC CAPITAL LETTER KA"),
    ("K", "GREEK CAPITAL LETTER KAPPA"),
    ("l", "CYRILLIC SMALL LETTER PALOCHKA"),
    ("M", "CYRILLIC CAPITAL LETTER EM"),
    ("M", "GREEK CAPITAL LETTER MU"),
    ("n", "ARMENIAN SMALL LETTER VO"),
    ("N", "GREEK CAPITAL LETTER NU"),
    ("o", "CYRILLIC SMALL LETTER O"),
    ("o", "GREEK SMALL LETTER OMICRON"),
    ("o", "ARMENIAN SMALL LETTER OH"),
    ("O", "CYRILLIC CAPITAL LETTER O"),
    ("O", "GREEK CAPITAL LETTER OMICRON"),
    ("O", "ARMENIAN CAPITAL LETTER OH"),
    ("p", "CYRILLIC SMALL LETTER ER"),
    ("p", "GREEK SMALL LETTER RHO"),
    ("P", "CYRILLIC CAPITAL LETTER ER"),
    ("P", "GREEK CAPITAL LETTER RHO"),
    ("q", "CYRILLIC SMALL LETTER QA"),
    ("q", "ARMENIAN SMALL LETTER ZA"),
    ("Q", "CYRILLIC CAPITAL LETTER QA"),
    ("s", "CYRILLIC SMALL LETTER DZE"),
    ("S", "CYRILLIC CAPITAL LETTER DZE"),
    ("S", "ARMENIAN CAPITAL LETTER TIWN"),
    ("T", "CYRILLIC CAPITAL LETTER TE"),
    ("T", "GREEK CAPITAL LETTER TAU"),
    ("u", "GREEK SMALL LETTER UPSILON"),
    ("u", "ARMENIAN SMALL LETTER SEH"),
    ("v", "GREEK SMALL LETTER NU"),
    ("w", "CYRILLIC SMALL LETTER WE"),
    ("W", "CYRILLIC CAPITAL LETTER WE"),
    ("x", "CYRILLIC SMALL LETTER HA"),
    ("x", "GREEK SMALL LETTER CHI"),
    ("X", "CYRILLIC CAPITAL LETTER HA"),
    ("X", "GREEK CAPITAL LETTER CHI"),
    ("y", "CYRILLIC SMALL LETTER U"),
    ("y", "GREEK SMALL LETTER GAMMA"),
    ("Y", "CYRILLIC CAPITAL LETTER U"),
    ("Y", "CYRILLIC CAPITAL LETTER STRAIGHT U"),
    ("Y", "GREEK CAPITAL LETTER UPSILON"),
    ("Z", "GREEK CAPITAL LETTER ZETA"),
)


def script_of(ch: str) -> str | None:
    """The script of a letter among the four this table relates, else None.

    Decided by Unicode block, which is exact for letters of these scripts and far
    cheaper than looking up names; digits, marks and letters of other scripts are None.
    """
    cp = ord(ch)
    if cp < 0x80:
        return LATIN if ch.isalpha() else None
    if not ch.isalpha():
        return None
    if 0xC0 <= cp <= 0x2AF or 0x1E00 <= cp <= 0x1EFF:
        return LATIN
    if 0x400 <= cp <= 0x52F or 0x1C80 <= cp <= 0x1C8F or 0x2DE0 <= cp <= 0x2DFF \
            or 0xA640 <= cp <= 0xA69F:
        return CYRILLIC
    if 0x370 <= cp <= 0x3FF or 0x1F00 <= cp <= 0x1FFF:
        return GREEK
    if 0x531 <= cp <= 0x58F:
        return ARMENIAN
    return None


def _build() -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    to_latin: dict[str, str] = {}
    from_latin: dict[str, dict[str, str]] = {CYRILLIC: {}, GREEK: {}, ARMENIAN: {}}
    for latin, name in _ROWS:
        other = unicodedata.lookup(name)
        script = script_of(other)
        if script_of(latin) != LATIN or script is None or script == LATIN or other in to_latin:
            raise AssertionError(f"bad homoglyph row ({latin!r}, {name})")
        to_latin[other] = latin
        from_latin[script].setdefault(latin, other)
    return to_latin, from_latin


TO_LATIN, FROM_LATIN = _build()
"""``TO_LATIN[look-alike] -> Latin``; ``FROM_LATIN[script][Latin] -> look-alike``."""


def convert(ch: str, script: str) -> str | None:
    """``ch`` written in ``script`` (itself if already of it), or None if no look-alike."""
    own = script_of(ch)
    if own == script:
        return ch
    latin = ch if own == LATIN else TO_LATIN.get(ch)
    if latin is None:
        return None
    if script == LATIN:
        return latin
    return FROM_LATIN[script].get(latin)
