"""How ``Lexicon`` is built: which terms must stand alone, each term's entries and its
prefix entries, and the keys that order the automaton's root."""

from __future__ import annotations

import pytest

from bazaarwatch.classify.lexicon import _COMMON, _NEVER, Lexicon, _bounded, matching_forms
from bazaarwatch.classify.lexicons import LexiconEntry


@pytest.mark.parametrize(("term", "bounded"), [
    ("cvv", True), ("в наличии", True), ("ак-47", True), ("1кг", True), ("заклад", True),
    ("🍁", False), ("💊💊", False), ("大麻", False), ("買大麻", False), ("100%", False),
    ("₽", False), ("🇺🇸", False),
])
def test_a_term_must_stand_alone_when_it_has_a_letter_of_a_spaced_script(
        term: str, bounded: bool) -> None:
    assert _bounded(term) is bounded


def _entry(term: str, kind: str, category: str | None, weight: float,
           language: str = "ru", role: str = "category") -> LexiconEntry:
    return LexiconEntry(term, category, weight, kind, language, role)  # type: ignore[arg-type]


def _hits(lexicon: Lexicon, text: str) -> list[tuple[str, str | None, str, float]]:
    return [hit[:4] for hit in lexicon.find([text], matching_forms([text])).hits[0]]


def test_a_word_that_goes_on_finds_only_the_prefix_entries_of_its_term() -> None:
    lexicon = Lexicon([
        _entry("заклад", "word", "weapons", 0.3),
        _entry("заклад", "prefix", "drugs", 0.7),
        _entry("закладки", "word", "drugs", 0.9),
        _entry("cvv", "word", "carding", 1.0, "common"),
        _entry("заклад", "prefix", "drugs", 0.8, "uk"),  # the same spelling: one entry
        _entry("в наличии", "phrase", None, 0.6, role="offer"),
    ])
    assert lexicon.said == [("заклад", "weapons", "category", 0.3),
                            ("заклад", "drugs", "category", 0.8),
                            ("закладки", "drugs", "category", 0.9),
                            ("cvv", "carding", "category", 1.0),
                            ("в наличии", None, "offer", 0.6)]
    assert _hits(lexicon, "заклад") == lexicon.said[:2]
    assert _hits(lexicon, "закладки в наличии") == [lexicon.said[1], lexicon.said[2],
                                                    lexicon.said[4]]
    assert _hits(lexicon, "перезаклад cvv1 cvv") == [lexicon.said[3]]
    assert Lexicon([]).find(["заклад"], matching_forms(["заклад"])).hits == [()]


def test_the_keys_that_order_the_root_give_no_hit() -> None:
    assert len(set(_COMMON)) == len(_COMMON)
    lexicon = Lexicon([_entry("cvv", "word", "carding", 1.0, "common")])
    text = "".join(ch + _NEVER for ch in _COMMON) + " cvv"
    assert _hits(lexicon, text) == [("cvv", "carding", "category", 1.0)]
