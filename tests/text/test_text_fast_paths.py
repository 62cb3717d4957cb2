"""The cheap pre-checks and fast paths of ``fold`` give what the plain definitions give.

Each fast path rests on a fact about the Unicode database or the regex engine; these
tests check the fact, and compare the fast path with a slow reference on random text
built from the awkward cases (marks and signs inside the Cyrillic block, digits between
scripts, long runs of either script so that either one is the rarer).
"""

from __future__ import annotations

import random
import re
import sys

import pytest

from bazaarwatch.text import invisible, nfkc
from bazaarwatch.text.defang import _DEFANG, _maybe_defanged_plain
from bazaarwatch.text.homoglyphs import _MIXED_TOKEN, _SAMPLE, fold_homoglyphs, fold_token

GATE_LETTERS = set("dotxpaDOTXPA")


def test_no_other_character_lowers_to_a_letter_of_the_defang_literals() -> None:
    offenders = [hex(cp) for cp in range(0x80, sys.maxunicode + 1)
                 if not 0xD800 <= cp <= 0xDFFF and GATE_LETTERS & set(chr(cp).lower())]
    assert offenders == []


def _gate_by_definition(text: str) -> bool:
    low = text.lower()
    return ("dot" in low or "xxp" in low
            or re.search(r"[\[({](?:[.@:]|[aA][tT])", text) is not None)


@pytest.mark.parametrize("seed", range(3))
def test_defang_gate_says_yes_whenever_the_definition_does(seed: int) -> None:
    rng = random.Random(7000 + seed)
    pieces = ["d", "D", "o", "O", "t", "T", "x", "X", "p", "P", "a", "A", "[", "(", "{", ".",
              "@", ":", "й", "😀", "ö", "İ", "K", " ", "ſ", "Ω", "ж"]
    for _ in range(5000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randrange(1, 14)))
        if _gate_by_definition(text) or _DEFANG.search(text) is not None:
            assert _maybe_defanged_plain(text), text
        if text.isascii():  # nothing dropped: exactly the definition
            assert _maybe_defanged_plain(text) == _gate_by_definition(text), text


@pytest.mark.parametrize(("fast", "chars"), [
    (invisible._INVISIBLE_RUN, f"[{invisible._INVISIBLE}{invisible._ZWJ}]"),
    (nfkc._CANDIDATES, nfkc._CANDIDATES.pattern[:len(nfkc._CANDIDATES.pattern) // 2]),
])
def test_run_patterns_find_the_runs_of_their_class(fast: re.Pattern[str], chars: str) -> None:
    assert fast.pattern == chars + chars + "*"
    slow = re.compile(chars + "+")
    rng = random.Random(8000)
    pieces = ["a", " ", "\u200b", "\u200d", "\u00ad", "ﬁ", "😀", "\u0301", "ж", "\u00a0"]
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randrange(0, 12)))
        assert [m.span() for m in fast.finditer(text)] == \
            [m.span() for m in slow.finditer(text)], text


@pytest.mark.parametrize("seed", range(4))
def test_latin_cyrillic_fast_path_agrees_on_marks_digits_and_either_script_rarer(
        seed: int) -> None:
    rng = random.Random(9000 + seed)
    latin = ["bit", "coin", "o", "p", "a", "x", "é", "ǅ", "cvv", "https", "t", "me"]
    cyrillic = ["с", "Пр", "дам", "а", "е", "привет", "ё", "\u0482", "\u0483", "\u2de0",
                "\ua66f", "іі", "\u1c80"]
    other = ["1", "7", "²", "٣", "_", " ", ", ", "/", ".", "😀", "中"]
    for _ in range(1500):
        heavy = latin if rng.random() < 0.5 else cyrillic
        pool = heavy * 4 + latin + cyrillic + other * 2
        text = "".join(rng.choice(pool) for _ in range(rng.randrange(1, 40)))
        general = _MIXED_TOKEN.sub(lambda m: fold_token(m.group()), text)
        assert fold_homoglyphs(text) == general, text


@pytest.mark.parametrize("seed", range(4))
def test_fast_path_finds_greek_and_armenian_inside_words_and_past_the_sample(
        seed: int) -> None:
    """The one scan skips the rest of each word it stops in, and judges the rarer script
    on the first ``_SAMPLE`` characters: a Greek or Armenian character in a skipped
    word still sends the text to the general detector, and a text whose majority
    changes after the sample folds as the general detector folds it."""
    rng = random.Random(9500 + seed)
    latin = ["bit", "coin", "o", "p", "a", "x", "é", "cvv", " ", " "]
    cyrillic = ["с", "Пр", "дам", "а", "е", "привет", "ё", " ", " "]
    rare = ["α", "Ο", "\u0375", "Ա", "օ", "\u055a", "1", "_", "😀"]
    for _ in range(600):
        first, second = (latin, cyrillic) if rng.random() < 0.5 else (cyrillic, latin)
        head = "".join(rng.choice(first) for _ in range(rng.randrange(0, 2 * _SAMPLE)))
        tail = "".join(rng.choice(second + first + rare) for _ in range(rng.randrange(1, 60)))
        text = head + tail
        general = _MIXED_TOKEN.sub(lambda m: fold_token(m.group()), text)
        assert fold_homoglyphs(text) == general, text
