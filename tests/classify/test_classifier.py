"""The classifier: the `classify` JSONL contract, evidence spans, obfuscation, training
reproducibility, and `evaluate`."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from conftest import bw

from bazaarwatch.classify.features import DENSE, N_HASHED
from bazaarwatch.classify.model import SHIPPED, Classifier
from bazaarwatch.classify.taxonomy import IDS
from bazaarwatch.classify.train import EXCLUDED, read_examples, train

SEED = SHIPPED.with_name("seed") / "seed.jsonl"


@pytest.fixture(scope="module")
def classifier() -> Classifier:
    return Classifier.load()


def test_classify_obeys_the_jsonl_contract() -> None:
    lines = [{"id": 1, "text": "Продам закладки, мефедрон 2 гр — 3000 руб, пишите в лс"},
             {"id": "two", "text": "how was the match yesterday?"},
             {"id": 3, "text": "fresh CVV US high balance 15$ each, dumps+pin"}]
    result = bw("classify", stdin="\n".join(json.dumps(x) for x in lines) + "\n")
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == [1, "two", 3]
    for o in out:
        assert set(o) == {"id", "categories", "scores", "offer", "evidence"}
        assert set(o["scores"]) == set(IDS)
        assert set(o["categories"]) <= set(IDS)
        assert o["categories"] == sorted(o["categories"], key=lambda c: -o["scores"][c])
    assert out[0]["categories"][:1] == ["drugs"] and out[0]["offer"] is True
    assert out[1]["categories"] == [] and out[1]["offer"] is False
    assert out[2]["categories"][:1] == ["carding"]


def test_classify_bad_line_names_it() -> None:
    result = bw("classify", stdin='{"id": 1, "text": "hi"}\nnot json\n')
    assert result.returncode == 1
    assert "line 2" in result.stderr and "Traceback" not in result.stderr
    assert len(result.stdout.splitlines()) == 1


def test_evidence_spans_point_at_the_original_text(classifier: Classifier) -> None:
    text = "Пpoдaм з@клaдки ❄️, мeфeдpoн 2 гр — 3000 руб"
    [verdict] = classifier.classify([text])
    assert "drugs" in verdict.categories
    spans = [e for e in verdict.evidence if "start" in e]
    assert spans
    for e in spans:
        assert text[e["start"]:e["end"]] == e["text"]
    # a prefix term shows the whole word it starts, as the sender wrote it
    assert any(e.get("term") == "заклад" and e["text"] == "з@клaдки" for e in spans)
    assert any(e["kind"] == "price" and e["currency"] == "RUB" and e["amount"] == 3000
               for e in spans)


@pytest.mark.parametrize(("plain", "obfuscated"), [
    ("Продам закладки, мефедрон 2 гр — 3000 руб", "Пpoдaм з@клaдки, мeфeдpoн 2 гр — 3000 руб"),
    ("fresh cvv us high balance 15$, dumps+pin", "fr3sh c v v us high balance 15$, dumps+pin"),
    ("selling fresh cvv 15$ each", "sel\u200bling fresh c\u200bvv 15$ each"),
])
def test_obfuscated_variants_classify_like_their_plain_forms(
        classifier: Classifier, plain: str, obfuscated: str) -> None:
    clear, hidden = classifier.classify([plain, obfuscated])
    assert clear.categories
    assert hidden.categories == clear.categories
    assert hidden.offer == clear.offer


@pytest.mark.parametrize("text", [
    "Полиция задержала продавца закладок в Москве",
    "Police arrested two men selling cocaine near the station, 3 kg seized",
    "how was the match yesterday?",
    "погода сегодня отличная, идём на дачу",
])
def test_news_and_chatter_are_not_flagged(classifier: Classifier, text: str) -> None:
    [verdict] = classifier.classify([text])
    assert verdict.categories == []


@pytest.mark.parametrize("text", [
    "hello",
    "Weather: -2°C, cloudy. Wind 6 m/s, humidity 80%",
    "I'll buy pizza tonight, anyone want some?",
    "Central bank keeps the key rate at 16%. Subscribe: @dailynews_bot",
    "привет всем, как дела?",
    "Сегодня в Москве снег, ветер 6 м/с",
    "✅ 📥 New version is out ✅",
])
def test_no_sale_cue_no_offer(classifier: Classifier, text: str) -> None:
    [verdict] = classifier.classify([text])
    assert verdict.offer is False


@pytest.mark.parametrize("text", [
    "fresh CVV US 90% valid $10 each, write @cvvking",
    "Продам аккаунты Steam с играми, 500 руб, пишите в лс",
])
def test_a_sale_cue_makes_an_offer(classifier: Classifier, text: str) -> None:
    [verdict] = classifier.classify([text])
    assert verdict.offer is True


def test_offer_cannot_use_length_or_a_bot_handle() -> None:
    shipped = Classifier.load()
    offer = shipped.weights.outputs.index("offer")
    for feature in EXCLUDED["offer"]:
        assert shipped.dense_t[N_HASHED + DENSE.index(feature), offer] == 0.0


@pytest.mark.parametrize("text", ["🔫🔫🔫", "wkwk 🔫🔫🔫 mantap", "💸💸💸"])
def test_emoji_alone_decide_no_category(classifier: Classifier, text: str) -> None:
    [verdict] = classifier.classify([text])
    assert verdict.categories == []
    # and the score says so too, so that a chat of such lines is not counted either
    assert max(verdict.scores.values()) < 0.5


def test_emoji_support_a_category_that_words_decide(classifier: Classifier) -> None:
    plain, decorated = classifier.classify(["Glock 19 with two mags, 650$, shipping EU",
                                            "🔫 Glock 19 with two mags, 650$, shipping EU 🔫"])
    assert plain.categories[:1] == ["weapons"]
    assert decorated.categories[:1] == ["weapons"]
    assert decorated.scores["weapons"] >= plain.scores["weapons"] - 0.05


def test_obfuscation_is_a_signal() -> None:
    column = DENSE.index("signal:obfuscated")
    seen = Classifier.load().featurizer.analyze_all(
        ["Пpoдaм мефедрон", "продам велосипед", "sel\u200bling cvv", "selling a bike"],
        [[], [], [], []])
    assert [bool(a.signals[column]) for a in seen] == [True, False, True, False]


def test_training_rebuilds_the_shipped_model(tmp_path: Path) -> None:
    rebuilt = train(read_examples(SEED))
    shipped = Classifier.load()
    assert rebuilt.weights.outputs == shipped.weights.outputs
    assert np.allclose(rebuilt.weights.thresholds, shipped.weights.thresholds)
    assert np.allclose(rebuilt.weights.bias, shipped.weights.bias, atol=1e-6)
    assert np.allclose(rebuilt.dense_t, shipped.dense_t, atol=1e-5)


def test_train_and_evaluate_commands(tmp_path: Path) -> None:
    data = tmp_path / "labels.jsonl"
    rows = ([{"text": f"fresh cvv dumps {i} each 10$", "labels": ["carding"], "offer": True}
             for i in range(30)]
            + [{"text": f"nice weather today number {i}", "labels": []} for i in range(30)])
    data.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    model = tmp_path / "model.npz"
    trained = bw("train", str(data), "-o", str(model))
    assert trained.returncode == 0, trained.stderr
    report = bw("evaluate", str(data), "--model", str(model), "--json")
    assert report.returncode == 0, report.stderr
    summary = json.loads(report.stdout)
    carding = next(c for c in summary["categories"] if c["category"] == "carding")
    assert carding["support"] == 30 and carding["f1"] > 0.9
    assert summary["none"]["total"] == 30
    assert summary["none"]["false_positive_rate"] < 0.1
    table = bw("evaluate", str(data), "--model", str(model))
    assert "macro-F1" in table.stdout and "false positives on none" in table.stdout
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "x", "labels": ["guns"]}\n', encoding="utf-8")
    refused = bw("train", str(bad), "-o", str(tmp_path / "m2.npz"))
    assert refused.returncode == 1 and "unknown category 'guns'" in refused.stderr
