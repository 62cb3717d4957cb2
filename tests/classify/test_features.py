"""The hashed n-grams: the batch hashing makes what ``ngrams`` and ``column`` define one
message at a time, and the evidence names an n-gram of the message."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from bazaarwatch.classify.features import N_HASHED, Featurizer, _Grams, column, ngrams
from bazaarwatch.classify.lexicon import Lexicon

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
