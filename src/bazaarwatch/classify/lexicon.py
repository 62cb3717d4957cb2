"""Lexicon matching: every term of every language in one Aho-Corasick automaton.

Terms are written in the matching form (``bazaarwatch.text``: folded homoglyphs, no
zero-width characters, spaced letters joined, leetspeak undone, lower case), so
"Пpoдaм з@клaдки" and "продам закладки" hit the same entries. Each hit is evidence: the
term, its category (or its role: an offer cue, or a counter-word that weakens a category
as "arrested" weakens drugs), its weight, and its span in the ORIGINAL text.

Word terms must stand alone (no letter or digit on either side), prefixes must start a
word ("заклад" finds "закладки"), and terms with no letters (emoji) match anywhere; so
do terms in scripts written without spaces (Chinese).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import ahocorasick

from bazaarwatch.classify.lexicons import LexiconEntry, load_lexicons
from bazaarwatch.text import Folded, fold, join_spaced, unleet


@dataclass(frozen=True)
class Hit:
    term: str
    category: str | None
    role: str  # "category", "offer" or "negative"
    weight: float
    start: int  # in the original text
    end: int
    text: str  # the original text of the span


def matching_form(text: str) -> Folded:
    """The text as lexicons and the model see it, with offsets back to the original."""
    return fold(text).then(join_spaced).then(unleet).then(_lower)


def _lower(text: str) -> Folded:
    """Lower case, keeping one character for one so that offsets do not move."""
    lowered = text.lower()
    if len(lowered) != len(text):  # a rare letter whose lower case is longer ("İ")
        lowered = "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in text)
    return Folded(lowered)


def _is_word(ch: str) -> bool:
    return ch.isalnum()


def _spaceless(term: str) -> bool:
    """Chinese, Japanese and Thai are written without spaces between words."""
    return any("\u2e80" <= ch <= "\u9fff" or "\u0e00" <= ch <= "\u0e7f" for ch in term)


class Lexicon:
    """The automaton over all entries; built once, matched against every message."""

    def __init__(self, entries: Iterable[LexiconEntry] | None = None) -> None:
        self.entries = list(load_lexicons() if entries is None else entries)
        self.automaton = ahocorasick.Automaton()
        # One entry per (term, category, role): a spelling shared by two languages (Russian
        # and Ukrainian, Spanish and Portuguese) counts once, at its highest weight.
        merged: dict[tuple[str, str | None, str], LexiconEntry] = {}
        for entry in self.entries:
            key = (entry.term, entry.category, entry.role)
            if key not in merged or abs(entry.weight) > abs(merged[key].weight):
                merged[key] = entry
        by_term: dict[str, list[LexiconEntry]] = {}
        for entry in merged.values():
            by_term.setdefault(entry.term, []).append(entry)
        for term, group in by_term.items():
            self.automaton.add_word(term, (term, tuple(group)))
        self.automaton.make_automaton()

    def hits(self, text: str, matching: Folded | None = None) -> list[Hit]:
        """Every lexicon hit in ``text`` (give its ``matching_form`` if already made)."""
        form = matching if matching is not None else matching_form(text)
        haystack = form.text
        found = []
        for last, (term, group) in self.automaton.iter(haystack):
            start, end = last - len(term) + 1, last + 1
            letters = any(ch.isalpha() for ch in term)
            if letters and not _spaceless(term):
                if start > 0 and _is_word(haystack[start - 1]):
                    continue
                whole = end == len(haystack) or not _is_word(haystack[end])
                if not whole and any(e.kind != "prefix" for e in group):
                    group = tuple(e for e in group if e.kind == "prefix")
                    if not group:
                        continue
            o_start, o_end = form.original(start, end)
            for entry in group:
                found.append(Hit(term=term, category=entry.category, role=entry.role,
                                 weight=entry.weight, start=o_start, end=o_end,
                                 text=text[o_start:o_end]))
        return found
