"""``stepscan.fold_all`` picks every text that ``join_spaced`` or ``unleet`` may change:
its hyperscan patterns find at least what the ``re`` row scans find."""

from __future__ import annotations

import random
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from properties.strategies import clean_text

from bazaarwatch.text import fold, leet_rows, spaced_rows, stepscan
from bazaarwatch.text.leet import _INNER_RUN
from bazaarwatch.text.spacing import _MAYBE_SPACED

hyperscan_only = pytest.mark.skipif(stepscan._scanner() is None,
                                    reason="hyperscan has no wheel here")

PIECES = ["с", "а", "м", "я", "и", "в", "a", "b", "x", "Ж", "É", "ß", "ǅ", "ω", "Σ", "İ", "ѣ",
          "ґ", "ё", "h4ck3r", "з@кладки", "c.a.r.d", "с а м", "т p a н з и т", "b1tc01n",
          "p@ypal", "ca$h", "he11o", "5h0p", "0", "1", "3", "4", "5", "7", "@", "$", "2", "9",
          "_", " ", " ", ".", ". ", "  ", "\n", "-", ",", "!", "😀", "🇷🇺", "\u200d", "\ufe0f",
          "\u0301", "١", "²", "Ⅻ", "\u00a0", "—", "₽", "𝐀", "𐐀", "中", "ⓐ", "ｆ", "ﬁ", "\x00"]


def _found(text: str) -> tuple[bool, bool]:
    """Whether the hyperscan patterns find a spaced run and a leet run in ``text``."""
    scanner = stepscan._scanner()
    assert scanner is not None
    found = scanner(text.encode("utf-8"))
    return 0 in found, 1 in found


def _assert_superset(text: str) -> None:
    spaced, leet = _found(text)
    assert spaced or _MAYBE_SPACED.search(text) is None, text
    assert leet or _INNER_RUN.search(text) is None, text


@hyperscan_only
@settings(max_examples=500)
@given(st.one_of(clean_text, st.lists(st.sampled_from(PIECES), max_size=30).map("".join)))
def test_hyperscan_finds_what_re_finds(text: str) -> None:
    _assert_superset(text)


@hyperscan_only
def test_hyperscan_finds_what_re_finds_in_fuzzed_text() -> None:
    rng = random.Random(2417)
    picked = [0, 0]
    for _ in range(50_000):
        text = "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 24)))
        _assert_superset(text)
        picked[0] += _MAYBE_SPACED.search(text) is not None
        picked[1] += _INNER_RUN.search(text) is not None
    assert min(picked) > 1000  # the fuzz holds plenty of both


@hyperscan_only
@pytest.mark.parametrize(("text", "expected"), [
    ("с а м", (True, False)), ("c.a.r.d", (True, False)), ("h4ck3r", (False, True)),
    ("з@кладки", (False, True)), ("а я про", (True, False)), ("привет, как дела", (False, False)),
    ("про и в", (False, False)), ("5 000 руб", (False, False)), ("win10 mp3", (False, False)),
])
def test_hyperscan_picks_few_texts_without_runs(text: str, expected: tuple[bool, bool]) -> None:
    assert _found(text) == expected


def test_characters_taken_for_word_characters_are_word_characters() -> None:
    """``_NOT_AFTER_WORD`` leaves out only characters that ``re`` reads as ``\\w``."""
    word = re.compile(f"[{stepscan._WORD}]")
    taken = [chr(c) for c in range(0x10000) if word.match(chr(c))]
    assert len(taken) == 10 + 52 + 1 + 0x60
    assert all(re.match(r"\w", ch) for ch in taken)


TEXTS = ["с а м", "обычный текст 🔥", "h4ck3r", "x y z", "c4rd", "f r e s h  c v v", "",
         "з@кладки", "bad \ud800 a b c", "ok"]


def test_fold_all_folds_and_picks_the_rows_the_steps_may_change() -> None:
    forms, spaced, leet = stepscan.fold_all(TEXTS)
    assert forms == [fold(t) for t in TEXTS]
    folded = [f.text for f in forms]
    assert set(spaced_rows(folded)) <= set(spaced)
    assert set(leet_rows(folded)) <= set(leet)
    if stepscan._scanner() is not None:
        assert 8 in spaced and 8 in leet  # a lone surrogate: both steps, unscanned
        assert 1 not in spaced + leet


def test_without_hyperscan_fold_all_runs_the_re_scans(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stepscan, "_scanner", lambda: None)
    forms, spaced, leet = stepscan.fold_all(TEXTS)
    folded = [f.text for f in forms]
    assert (spaced, leet) == (spaced_rows(folded), leet_rows(folded))


def test_an_ascii_batch_runs_the_re_scans(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_scanner() -> None:
        raise AssertionError("hyperscan loaded for ASCII texts")
    monkeypatch.setattr(stepscan, "_scanner", no_scanner)
    texts = ["c4rd", "x y z", "plain"]
    assert stepscan.fold_all(texts)[1:] == ([1], [0])
