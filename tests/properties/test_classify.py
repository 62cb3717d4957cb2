"""Classification: arbitrary texts never raise; the verdict keeps its contract (taxonomy
ids, a probability for every category, evidence spans inside the text); a text gets the
same verdict on its own as in a batch."""

from __future__ import annotations

from functools import cache
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from bazaarwatch.classify.model import Classifier
from bazaarwatch.classify.taxonomy import IDS
from bazaarwatch.model import Verdict
from properties.strategies import hostile_text, surrogate_text
from properties.support import scaled

TRADE = st.sampled_from([
    "Продам CVV, fullz, dumps with pin. Цена 15$ за шт, BTC only",
    "S E L L I N G  c 4 r d s  $20", "Fresh l0gs + cookies, 100 pcs for 0.004 BTC",
    "BLUE PERCOCET 30mg", "police seized 30 kg of cocaine, researchers warn",
    "ак\u200bка\u200bун\u200bты по 50₽", "ｆｕｌｌｚ ｆｏｒ ｓａｌｅ", "",
])
texts = st.one_of(hostile_text, surrogate_text, TRADE,
                  st.tuples(TRADE, hostile_text).map("\n".join))


@cache
def classifier() -> Classifier:
    return Classifier.load()


def _check(text: str, verdict: Verdict) -> None:
    assert set(verdict.categories) <= set(IDS), verdict.categories
    assert len(set(verdict.categories)) == len(verdict.categories)
    assert set(verdict.scores) == set(IDS), sorted(verdict.scores)
    assert all(0.0 <= s <= 1.0 for s in verdict.scores.values()), verdict.scores
    ranked = [verdict.scores[c] for c in verdict.categories]
    assert ranked == sorted(ranked, reverse=True), "categories are not best first"
    assert isinstance(verdict.offer, bool)
    for item in verdict.evidence:
        if "start" in item:
            start, end = item["start"], item["end"]
            assert 0 <= start <= end <= len(text), (item, len(text))
            if "text" in item:
                assert text[start:end] == item["text"], item
        if "category" in item:  # offer cues belong to no category
            assert item["category"] in IDS or (
                item["category"] is None and item.get("role") == "offer"), item


def _key(verdict: Verdict) -> tuple[Any, ...]:
    return verdict.categories, verdict.offer, verdict.evidence


@scaled(3)
@given(text=texts)
def test_verdict_contract(text: str) -> None:
    (verdict,) = classifier().classify([text])
    _check(text, verdict)


@scaled(2)
@given(batch=st.lists(texts, min_size=1, max_size=8), data=st.data())
def test_same_verdict_alone_and_in_a_batch(batch: list[str], data: st.DataObject) -> None:
    verdicts = classifier().classify(batch)
    assert len(verdicts) == len(batch)
    i = data.draw(st.integers(0, len(batch) - 1))
    (alone,) = classifier().classify([batch[i]])
    _check(batch[i], verdicts[i])
    assert _key(alone) == _key(verdicts[i])
    for category in IDS:
        assert abs(alone.scores[category] - verdicts[i].scores[category]) <= 1e-3, category
