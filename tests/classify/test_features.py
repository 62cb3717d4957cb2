"""The hashed n-grams: the batch hashing makes what ``ngrams`` and ``column`` define one
message at a time, and the evidence names an n-gram of the message. The lexicon hits and
dense signals of a batch: what each message gives on its own, and what ``_dense``
defines."""

from __future__ import annotations

import json
import random
from collections import Counter

import numpy as np
import pytest

from bazaarwatch.classify.features import (
    _BASE,
    _BASE_INVERSE,
    _OBFUSCATION,
    DENSE,
    N_HASHED,
    Featurizer,
    _dense,
    _Grams,
    _obfuscated_rows,
    _powers,
    column,
    ngrams,
)
from bazaarwatch.classify.lexicon import Lexicon, matching_form, matching_forms
from bazaarwatch.classify.model import SHIPPED
from bazaarwatch.indicators import default_extractor
from bazaarwatch.text import fold, join_spaced, unleet

SEED = SHIPPED.with_name("seed") / "seed.jsonl"

TEXTS = [
    "продам закладки, мефедрон 2 гр — 3000 руб",
    "fresh cvv us high balance 15$ each, dumps+pin",
    "",
    "!!! ...",
    "a",
    "i am a bot",
    "ab cd_ef",
    "emoji 🔥🔥 after words 💊",
    "𝐜𝐯𝐯 astral letters and 𠀋 a rare ideograph",
    "تبادل عملات رقمية بأفضل الأسعار",
    "零售 批发 价格",
    "  leading and trailing spaces  ",
]


def expected(texts: list[str]) -> Counter[tuple[int, int]]:
    return Counter((row, column(g)) for row, text in enumerate(texts) for g in ngrams(text))


def hashed(texts: list[str]) -> Counter[tuple[int, int]]:
    rows, columns, counts = _Grams(texts).counts()
    return Counter({(r, c): int(n) for r, c, n in
                    zip(rows.tolist(), columns.tolist(), counts.tolist(), strict=True)})


def test_the_batch_hashes_the_ngrams_one_message_at_a_time_would() -> None:
    assert hashed(TEXTS) == expected(TEXTS)
    for text in TEXTS:  # a batch of one: the ends of the joined text
        assert hashed([text]) == expected([text])


def test_ngrams_of_a_message() -> None:
    grams = ngrams("ab cde")
    assert grams == ["\x01ab", "\x01cde", "\x01ab cde", " ab ", " cde", "cde "]
    assert ngrams("a") == ["\x01a", " a "]
    assert all(0 <= column(g) < N_HASHED for g in grams)


def test_names_are_ngrams_of_the_message() -> None:
    grams = _Grams(TEXTS)
    rows, columns, _ = grams.counts()
    names = grams.names(rows, columns)
    for row, col, name in zip(rows.tolist(), columns.tolist(), names, strict=True):
        assert name in {g.lstrip("\x01") for g in ngrams(TEXTS[row]) if column(g) == col}
    present = set(columns[rows == 0].tolist())
    absent = next(c for c in range(N_HASHED) if c not in present)
    assert grams.names(np.array([0]), np.array([absent])) == ["?"]


@pytest.mark.parametrize("texts", [TEXTS, TEXTS[:1], ["", ""]])
def test_feature_rows_have_unit_length_hashed_part(texts: list[str]) -> None:
    featurizer = Featurizer(Lexicon())
    matrix = featurizer.matrix([featurizer.analyze(t, []) for t in texts])
    assert matrix.shape == (len(texts), featurizer.n_features)
    hashed_part = matrix[:, :N_HASHED]
    for row, text in enumerate(texts):
        norm = float(hashed_part[row].multiply(hashed_part[row]).sum())
        assert norm == pytest.approx(1.0 if ngrams(text) else 0.0)


# Messages whose ends touch what a lexicon term, a number or a currency could go on with:
# analysed together, each must give what it gives on its own.
NEIGHBOURS = [
    "buy cocain", "e here", "заклад", "ки в наличии", "price 5", "k usd", "100", "$ each",
    "f r e s h", " c v v", "c4rd", "5 ok", "fresh cvv 15$", "İSTANBUL kokain 2 gr",
    "Пpoдaм з@клaдки ❄️, мeфeдpoн 2 гр — 3000 руб", "ΣΊΣΥΦΟΣ", "ς", "police seized cocaine?",
    "", "🔥💊", "零售 批发 价格",
]


@pytest.fixture(scope="module")
def featurizer() -> Featurizer:
    return Featurizer(Lexicon())


@pytest.fixture(scope="module")
def seed_texts() -> list[str]:
    return [json.loads(line)["text"] for line in
            SEED.read_text(encoding="utf-8").splitlines()[:1500]] + TEXTS + NEIGHBOURS


def test_a_batch_is_analysed_as_its_messages_one_at_a_time(
        featurizer: Featurizer, seed_texts: list[str]) -> None:
    extractor = default_extractor()
    found = [extractor.extract(t) for t in seed_texts]
    together = featurizer.analyze_all(seed_texts, found)
    for text, indicators, analysis in zip(seed_texts, found, together, strict=True):
        [alone] = featurizer.analyze_all([text], [indicators])
        assert (analysis.matching, analysis.hits, analysis.prices, analysis.quantity) == (
            alone.matching, alone.hits, alone.prices, alone.quantity)
        assert analysis.signals.tolist() == alone.signals.tolist()


def test_the_batch_signals_are_what_dense_defines(
        featurizer: Featurizer, seed_texts: list[str]) -> None:
    extractor = default_extractor()
    found = [extractor.extract(t) for t in seed_texts]
    for text, analysis in zip(seed_texts, featurizer.analyze_all(seed_texts, found),
                              strict=True):
        defined = _dense(text, analysis.hits, analysis.prices, analysis.quantity,
                         analysis.indicators)
        [columns] = np.nonzero(analysis.signals)
        assert [(c, analysis.signals[c]) for c in columns.tolist()] == list(defined), text
    # The signals the seed corpus exercises: every block of DENSE, and most signals.
    signals = np.array([a.signals for a in featurizer.analyze_all(seed_texts, found)])
    assert np.count_nonzero(signals.any(axis=0)) > len(DENSE) // 2


def test_the_lexicon_finds_in_a_batch_what_it_finds_in_each_message() -> None:
    lexicon = Lexicon()
    forms = matching_forms(NEIGHBOURS)
    found = lexicon.find(NEIGHBOURS, forms)
    assert found.hits == [lexicon.hits(t) for t in NEIGHBOURS]
    assert len(found.rows) == len(found.entries) == sum(map(len, found.hits))
    assert [lexicon.said[e][0] for e in found.entries] == [h[0] for hs in found.hits for h in hs]
    for text, hits in zip(NEIGHBOURS, found.hits, strict=True):
        for term, _, _, _, start, end, written in hits:
            assert text[start:end] == written
            assert term in matching_form(written).text
    # The next message's "e" does not make "cocaine" of "cocain".
    assert lexicon.hits("buy cocaine") and lexicon.hits("buy cocain") == ()
    assert lexicon.find([], []).hits == []


def test_matching_forms_of_a_batch_are_the_steps_one_text_at_a_time(
        seed_texts: list[str]) -> None:
    for text, form in zip(seed_texts, matching_forms(seed_texts), strict=True):
        steps = fold(text).then(join_spaced).then(unleet)
        assert form.text == steps.text.lower() or len(steps.text.lower()) != len(steps.text)
        assert [form.original(i, i + 1) for i in range(len(form.text))] == [
            steps.original(i, i + 1) for i in range(len(steps.text))]


def test_obfuscated_rows_are_what_the_pattern_finds() -> None:
    """The batch's code-point test finds what ``_OBFUSCATION`` (the definition) finds."""
    rng = random.Random(5)
    texts = ["Пpoдaм", "продам iphone", "sel\u200bling", "plain", "ΑΒΓ abc", "abcΑ",
             "x\u00ady", "Ж", "", "z\ufeff"]
    texts += ["".join(rng.choice("abcXYZабвЖΣ \u200b\u00ad.,1") for _ in range(rng.randint(0, 8)))
              for _ in range(2000)]
    expected = [i for i, t in enumerate(texts) if _OBFUSCATION.search(t)]
    assert _obfuscated_rows(texts).tolist() == expected
    assert 0 < len(expected) < len(texts)


@pytest.mark.parametrize("n", [0, 1, 2, 1023, 1024, 1025, 5000])
def test_powers_by_blocks_are_the_running_powers(n: int) -> None:
    for base in (_BASE, _BASE_INVERSE):
        assert _powers(base, n).tolist() == [pow(base, k, 2**64) for k in range(n)]
    assert _powers(3, 10, block=4).tolist() == [3**k for k in range(10)]
