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
from typing import NamedTuple

import ahocorasick

from bazaarwatch.classify.lexicons import LexiconEntry, load_lexicons
from bazaarwatch.text import Folded, fold, join_spaced, unleet


class Hit(NamedTuple):
    """One lexicon hit (a named tuple: messages have several, and a frozen dataclass
    costs several times as much to make)."""

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


def _spaceless(term: str) -> bool:
    """Chinese, Japanese and Thai are written without spaces between words."""
    return any("\u2e80" <= ch <= "\u9fff" or "\u0e00" <= ch <= "\u0e7f" for ch in term)


# Characters most matching forms are made of, the most frequent first (lower case:
# spaces, punctuation and digits, Latin, Cyrillic).
_COMMON = (" .,!?:;-—()'\"/@#$%+*&_\n0123456789eaotsnrildcumhpgfybwkvxjqz"
           "оеаинтсрвлкмдпуяыьгзбчйхжшюцщэфъё")
_NEVER = "\uffff"  # a noncharacter: no text should hold it


class _Term(NamedTuple):
    """What the automaton returns for a term, worked out once when it is built."""

    size: int
    bounded: bool  # a word: no letter or digit may touch it (unless a prefix, after it)
    entries: tuple[_Said, ...]
    prefixes: tuple[_Said, ...]  # those that may also start a longer word


# What an entry says, the first fields of its Hits: (term, category, role, weight).
_Said = tuple[str, str | None, str, float]
_new_hit = tuple.__new__  # Hit(*said, start, end, text) without a Python-level __new__


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
        # pyahocorasick finds a character among a node's children one by one, in the
        # order they were added. The root has hundreds (every script, every emoji), and
        # most characters of a message are looked up there: adding the ones chat text is
        # mostly made of first, as the start of a key no text holds, keeps that short.
        for ch in _COMMON:
            self.automaton.add_word(ch + _NEVER, None)
        for term, group in by_term.items():
            bounded = any(ch.isalpha() for ch in term) and not _spaceless(term)
            said = tuple((term, e.category, e.role, e.weight) for e in group)
            prefixes = tuple(x for x, e in zip(said, group, strict=True) if e.kind == "prefix")
            self.automaton.add_word(term, _Term(len(term), bounded, said, prefixes))
        self.automaton.make_automaton()

    def hits(self, text: str, matching: Folded | None = None) -> list[Hit]:
        """Every lexicon hit in ``text`` (give its ``matching_form`` if already made)."""
        form = matching if matching is not None else matching_form(text)
        haystack = form.text
        size = len(haystack)
        moved = form.moved
        found = []
        for last, info in self.automaton.iter(haystack):
            if info is None:
                continue  # one of the keys that order the root (see __init__)
            length, bounded, group, prefixes = info
            start, end = last - length + 1, last + 1
            if bounded:
                if start > 0 and haystack[start - 1].isalnum():
                    continue
                if end < size and haystack[end].isalnum():  # only a prefix may go on
                    group = prefixes
                    if not group:
                        continue
            if moved:
                start, end = form.original(start, end)
            where = (start, end, text[start:end])
            for said in group:
                found.append(_new_hit(Hit, said + where))
        return found
