"""Evidence is written for people: whole words, each once, with a line that says what it
is, and no model internals unless asked for (``classify --debug``)."""

from __future__ import annotations

import json
from typing import Any

import orjson
import pytest
from click.testing import CliRunner

from bazaarwatch.classify.evidence import (
    _SIGNAL_SAYS,
    INDICATOR_SAYS,
    says,
    whole_word,
)
from bazaarwatch.classify.features import SIGNALS
from bazaarwatch.classify.model import Classifier
from bazaarwatch.cli import main
from bazaarwatch.indicators import default_extractor
from bazaarwatch.model import Verdict

INTERNAL = ("lexicon:", "signal:", "strong-term", "offered-term", "title-term", "top-term")
TEXTS = [
    "Продам закладки, закладки в наличии, закладку быстро 10$ 10$",
    "Fresh cvv fresh cvv fresh cvv 20$ pcs pcs pcs bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
    "Aimbot wallhack for CS2 undetected, price 15 USD",
    "cracked photoshop activation keys for sale, dm me",
    "Пpeдлaгaeм з@клaдки мeф",
    "Çalıntı GTA Online hesapları, skinli : Aracı kabul edilir",
    "нужно взломать Twitter, заплачу хорошо",
    "Kripto aklama, KYC yok . Referanslar kanalda",
    "selling tion\u200bware and informa\u0301tion packs, buy now",
]


@pytest.fixture(scope="module")
def classifier() -> Classifier:
    return Classifier.load()


@pytest.fixture(scope="module")
def verdicts(classifier: Classifier) -> list[Verdict]:
    extractor = default_extractor()
    return classifier.classify(TEXTS, [extractor.extract(t) for t in TEXTS])


def _entries(verdicts: list[Verdict]) -> list[tuple[str, dict[str, Any]]]:
    return [(text, e) for text, v in zip(TEXTS, verdicts, strict=True) for e in v.evidence]


def test_no_model_internals_without_debug(verdicts: list[Verdict]) -> None:
    entries = _entries(verdicts)
    assert entries
    for _, entry in entries:
        assert entry["kind"] != "feature"
        assert "feature" not in entry
        shown = entry.get("text", "") + entry["says"]
        assert not any(word in shown for word in INTERNAL), entry


def test_every_entry_says_something_and_spans_are_the_text(verdicts: list[Verdict]) -> None:
    for text, entry in _entries(verdicts):
        assert entry["says"].strip()
        if entry["kind"] in ("term", "price", "words"):
            assert text[entry["start"]:entry["end"]] == entry["text"]


def test_a_prefix_hit_shows_the_whole_word(verdicts: list[Verdict]) -> None:
    text = TEXTS[0]
    terms = [e for e in verdicts[0].evidence if e["kind"] == "term" and e["role"] == "category"]
    assert [e["text"] for e in terms] == ["закладки"]
    (entry,) = terms
    assert text[entry["start"]:entry["end"]] == "закладки"
    assert entry["term"] != entry["text"]  # the lexicon's prefix, kept for tools
    assert "'закладки' (drugs term" in entry["says"]


def test_obfuscated_prefix_hit_shows_the_word_as_written(verdicts: list[Verdict]) -> None:
    text = TEXTS[4]
    for entry in verdicts[4].evidence:
        assert text[entry["start"]:entry["end"]] == entry["text"]
    assert any("з@клaдки" in e["text"] for e in verdicts[4].evidence if e["kind"] == "term")


def test_repeated_terms_give_one_entry(verdicts: list[Verdict]) -> None:
    for verdict in verdicts:
        keys = [(e["term"], e["category"], e["role"]) for e in verdict.evidence
                if e["kind"] == "term"]
        assert len(keys) == len(set(keys))
        lines = [e["says"] for e in verdict.evidence]
        assert len(lines) == len(set(lines))
    cues = [e for e in verdicts[1].evidence if e.get("term") == "pcs"]
    assert len(cues) == 1 and cues[0]["count"] == 3
    assert cues[0]["says"] == "'pcs' (offer cue, 3 times)"
    prices = [e for e in verdicts[0].evidence if e["kind"] == "price"]
    assert len(prices) == 1 and prices[0]["says"] == "price 10 USD"


def test_a_term_inside_another_is_not_repeated(verdicts: list[Verdict]) -> None:
    shown = [e["text"] for e in verdicts[3].evidence if e["kind"] == "term"]
    assert "for sale" in shown and "sale" not in shown
    assert "dm me" in shown and "dm" not in shown


def test_offers_say_which_cue_made_them(verdicts: list[Verdict]) -> None:
    for verdict in verdicts:
        if verdict.offer:
            assert any(e.get("role") == "offer" or e["kind"] == "price"
                       for e in verdict.evidence), verdict.evidence
    assert "'Продам' (offer cue)" in [e["says"] for e in verdicts[0].evidence]


def test_indicators_are_said_in_words(verdicts: list[Verdict]) -> None:
    (wallet,) = [e for e in verdicts[1].evidence if e["kind"] == "indicator"]
    assert wallet["says"] == "bitcoin wallet" and wallet["type"] == "btc"


def test_model_only_categories_show_whole_words(classifier: Classifier) -> None:
    """A category with no term of its own gets the words behind its top n-grams: whole
    words of the message, never a 4-character piece."""
    found = 0
    for text, verdict in zip(TEXTS, classifier.classify(TEXTS), strict=True):
        termed = {e["category"] for e in verdict.evidence if e["kind"] == "term"}
        for category in verdict.categories:
            words = [e for e in verdict.evidence
                     if e["kind"] == "words" and e.get("category") == category]
            if category not in termed:
                assert words, (text, category, verdict.evidence)
            for e in words:
                found += 1
                start, end = e["start"], e["end"]
                assert text[start:end] == e["text"]
                assert whole_word(text, start, end) == (start, end)
                assert "wording the model links to" in e["says"]
    assert found


def test_debug_brings_the_features_back(classifier: Classifier) -> None:
    verdicts = classifier.classify(TEXTS, debug=True)
    features = [e for v in verdicts for e in v.evidence if e["kind"] == "feature"]
    assert features
    assert any(f["feature"].startswith(("lexicon:", "top-term:")) for f in features)
    assert all(f["says"] and "weight" in f for f in features)
    plain = classifier.classify(TEXTS)
    for with_debug, without in zip(verdicts, plain, strict=True):
        assert with_debug.categories == without.categories
        assert [e for e in with_debug.evidence if e["kind"] != "feature"] == without.evidence


@pytest.mark.parametrize(("text", "start", "end", "expected"), [
    ("купить закладки тут", 7, 13, (7, 15)),
    ("a cvv b", 2, 5, (2, 5)),
    ("x" * 60 + "abc", 60, 61, (60, 61)),  # a word longer than the limit: the span
    ("नमस्ते दुनिया", 0, 2, (0, 6)),  # combining marks are part of the word
    ("zero\u200bwidth word", 0, 4, (0, 10)),
])
def test_whole_word(text: str, start: int, end: int, expected: tuple[int, int]) -> None:
    assert whole_word(text, start, end) == expected


def test_says_of_stored_evidence_old_and_new() -> None:
    old = [{"kind": "term", "text": "cvv", "term": "cvv", "category": "carding",
            "role": "category", "weight": 1.0, "start": 0, "end": 3},
           {"kind": "term", "text": "cvv", "term": "cvv", "category": "carding",
            "role": "category", "weight": 1.0, "start": 9, "end": 12},
           {"kind": "price", "text": "20$", "amount": 20.0, "currency": "USD",
            "start": 4, "end": 7},
           {"kind": "feature", "feature": "lexicon:carding", "category": "carding",
            "weight": 3.0},
           {"kind": "feature", "feature": "tion", "category": "carding", "weight": 0.1}]
    assert says(old) == ["'cvv' (carding term)", "price 20 USD"]
    assert len(says(old, debug=True)) == 4
    assert says([{"kind": "term", "says": "'x' (offer cue)"}] * 3) == ["'x' (offer cue)"]
    assert says(old, limit=1) == ["'cvv' (carding term)"]


def test_every_signal_and_indicator_type_has_words() -> None:
    assert set(SIGNALS) <= set(_SIGNAL_SAYS)
    assert all(INDICATOR_SAYS.values())


def test_cli_classify_debug_flag() -> None:
    lines = "\n".join(json.dumps({"id": i, "text": t}) for i, t in enumerate(TEXTS[:4]))
    runner = CliRunner()
    plain = runner.invoke(main, ["classify"], input=lines)
    assert plain.exit_code == 0, plain.output
    debug = runner.invoke(main, ["classify", "--debug"], input=lines)
    assert debug.exit_code == 0, debug.output
    kinds = [{e["kind"] for e in orjson.loads(line)["evidence"]}
             for line in plain.output.splitlines()]
    assert all("feature" not in k for k in kinds)
    assert not any(word in plain.output for word in INTERNAL)
    assert any("feature" in {e["kind"] for e in orjson.loads(line)["evidence"]}
               for line in debug.output.splitlines())
