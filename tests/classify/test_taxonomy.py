"""The taxonomy is a contract: ids, order and MISP tags as DESIGN.md lists them."""

from __future__ import annotations

import pytest

from bazaarwatch.classify.taxonomy import CATEGORIES, IDS, OFFER_TAG, category, misp_tags

DESIGN_IDS = ("drugs", "weapons", "carding", "gift-cards", "personal-data", "accounts",
              "fake-documents", "counterfeit-goods", "pirated-content", "hacking",
              "game-cheats", "fake-engagement", "medical-fraud", "money-laundering", "scam")


def test_ids_are_exactly_the_contract() -> None:
    assert IDS == DESIGN_IDS
    assert all(c.name and c.description for c in CATEGORIES)


def test_misp_tags_follow_the_design_table() -> None:
    assert category("drugs").misp_tags == ['dark-web:topic="drugs-narcotics"']
    assert category("pirated-content").misp_tags == [
        'dark-web:topic="softwares"',
        'dark-web:topic="intellectual-property-copyright-materials"']
    assert category("fake-engagement").misp_tags == []
    assert category("scam").misp_tags == ['dark-web:motivation="scam"']
    assert misp_tags(["personal-data", "accounts"], offer=True) == [
        'dark-web:topic="identification-credentials"', OFFER_TAG]


def test_unknown_category_names_the_known_ones() -> None:
    with pytest.raises(ValueError, match="known: drugs, weapons"):
        category("guns")
