"""How ``Lexicon`` is built: which terms must stand alone, each term's entries and its
prefix entries, and the keys that order the automaton's root."""

from __future__ import annotations

from typing import Any

import pytest

from bazaarwatch.classify.lexicon import (
    _COMMON,
    _NEVER,
    Lexicon,
    _bounded,
    inflections,
    matching_forms,
)
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
                            ("в наличии", None, "offer", 0.6),
                            ("cvvs", "carding", "category", 1.0)]  # its plural
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


@pytest.mark.parametrize(("term", "other"), [
    ("csgo cheat", "csgo cheats"), ("fake members", "fake member"),
    ("socks proxy", "socks proxies"), ("fake proxies", "fake proxy"),
    ("cc pass", "cc passes"), ("mixer", "mixers"), ("hq combos", "hq combo"),
    ("fake watches", "fake watch"), ("cvv", "cvvs"),
])
def test_an_english_term_finds_its_other_number(term: str, other: str) -> None:
    lexicon = Lexicon([_entry(term, "phrase" if " " in term else "word", "carding", 0.8,
                              "en")])
    assert _hits(lexicon, f"selling {other.upper()} today") == [(other, "carding",
                                                                 "category", 0.8)]


@pytest.mark.parametrize(("entry", "not_made"), [
    (("bars", "word", "drugs", 0.5, "en"), "bar"),  # a single word is never made singular
    (("gas", "word", "drugs", 0.5, "en"), "gass"),  # nor given an s it may already have
    (("закладки", "word", "drugs", 0.9, "ru"), "закладкиs"),  # English only
    (("заклад", "prefix", "drugs", 0.7, "en"), "заклады"),
    (("dm to buy", "phrase", None, 0.5, "en", "offer"), "dm to buys"),  # no offer cue
    (("ak", "word", "weapons", 0.5, "en"), "aks"),  # too short to tell
    (("ak-47", "word", "weapons", 0.5, "en"), "ak-47s"),
])
def test_what_gets_no_other_number(entry: tuple[Any, ...], not_made: str) -> None:
    assert all(e.term != not_made for e in inflections([_entry(*entry)]))


def test_a_counter_word_finds_its_plural_too() -> None:
    lexicon = Lexicon([_entry("drug raid", "phrase", None, -0.6, "en", "negative")])
    assert _hits(lexicon, "two drug raids") == [("drug raids", None, "negative", -0.6)]


def test_a_form_in_the_lexicon_keeps_its_own_entries() -> None:
    made = inflections([_entry("cc shop", "phrase", "carding", 1.0, "en"),
                        _entry("cc shops", "phrase", "scam", 0.3, "en"),
                        _entry("stealer", "word", "hacking", 0.9, "en"),
                        _entry("stealer", "word", "accounts", 0.4, "en")])
    assert [(e.term, e.category, e.weight) for e in made] == [
        ("stealers", "hacking", 0.9), ("stealers", "accounts", 0.4)]
