"""Verdict evidence never holds a raw card, IBAN or phone number.

Evidence is stored in the case as the classifier made it and printed by ``classify``: a
card number written before a "$" once came out as a price, its digits as the evidence
text and the amount.
"""

from __future__ import annotations

import json

from bazaarwatch.classify.model import Classifier

TEXTS = [
    "Fresh cvv dumps 4111111111111111$ each, 5500 0000 0000 0004 USD, only 20$ today",
    "Selling fullz, pay to GB82WEST12345698765432 EUR, call +447700900123$ for 50$",
]
RAW = ["4111111111111111", "5500000000000004", "0000 0000", "GB82WEST12345698765432",
       "447700900123"]


def test_offers_with_cards_next_to_currencies_show_only_real_prices() -> None:
    verdicts = Classifier.load().classify(TEXTS)
    assert all(v.offer for v in verdicts)
    prices = [e["text"] for v in verdicts for e in v.evidence if e["kind"] == "price"]
    assert prices == ["20$", "50$"]
    evidence = json.dumps([v.evidence for v in verdicts])
    assert [raw for raw in RAW if raw in evidence] == []


def test_says_lines_and_debug_features_hold_no_raw_number() -> None:
    classifier = Classifier.load()
    for debug in (False, True):
        verdicts = classifier.classify(TEXTS, debug=debug)
        says = [e["says"] for v in verdicts for e in v.evidence]
        assert says
        evidence = json.dumps([v.evidence for v in verdicts])
        assert [raw for raw in RAW if raw in evidence] == []


def test_a_term_whose_whole_word_holds_a_card_number_stays_masked() -> None:
    """A prefix term glued to a number: the whole word would carry the card number."""
    text = "закладки4111111111111111 fresh cvv 4111111111111111 dumps, selling for 20$"
    (verdict,) = Classifier.load().classify([text])
    evidence = json.dumps(verdict.evidence, ensure_ascii=False)
    assert "4111111111111111" not in evidence
    for entry in verdict.evidence:
        if "start" in entry and entry["kind"] != "indicator":
            assert len(entry["text"]) == entry["end"] - entry["start"]
