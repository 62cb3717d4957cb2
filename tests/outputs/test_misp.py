"""MISP export: the event loads back with pymisp, its objects match the case's indicators,
to_ids and tags say what an analyst expects, numbers stay masked, ids are stable.

``market_case`` (tests/outputs/market_fixture.py) is shared with the STIX and Parquet tests.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from market_fixture import (
    BTC_FROST,
    BTC_SHOP,
    HOSTILE,
    ONION,
    WALLETS,
    case_values,
    market_case,
    read,
)
from pymisp import MISPEvent

from bazaarwatch.errors import OutputError
from bazaarwatch.outputs import misp

__all__ = ["market_case"]  # the shared fixture, used by name

@pytest.fixture(scope="module")
def exported(market_case: Path, tmp_path_factory: pytest.TempPathFactory) -> MISPEvent:
    path = tmp_path_factory.mktemp("misp") / "event.json"
    case, found = read(market_case)
    with case:
        misp.write(case, found, path, name="market.db", tlp="amber+strict")
    event = MISPEvent()
    event.load_file(path)
    return event


def objects(event: MISPEvent, template: str) -> list[Any]:
    return [o for o in event.objects if o.name == template]


def values(event: MISPEvent, template: str, relation: str) -> set[str]:
    return {str(a.value) for o in objects(event, template) for a in o.attributes
            if a.object_relation == relation}


def test_event_loads_back_with_case_name_date_and_tags(exported: MISPEvent) -> None:
    assert exported.info.startswith("bazaarwatch case market.db: 2 illicit of 3")
    assert str(exported.date) == "2024-03-09"  # the last message of the case
    tags = [t.name for t in exported.tags]
    assert tags[0] == "tlp:amber+strict"
    assert 'dark-web:topic="credit-card"' in tags and 'dark-web:topic="drugs-narcotics"' in tags
    assert 'dark-web:motivation="marketplace-for-sale"' in tags


def test_objects_match_the_case_indicators(exported: MISPEvent, market_case: Path) -> None:
    assert values(exported, "coin-address", "address") == {BTC_SHOP, BTC_FROST}
    assert values(exported, "coin-address", "address-crypto") == case_values(market_case, "eth")
    assert len(objects(exported, "coin-address")) == len(case_values(market_case, WALLETS))
    assert values(exported, "domain-ip", "domain") == case_values(
        market_case, ("onion", "onion_v2", "domain")) >= {ONION}
    assert values(exported, "url", "url") == case_values(market_case, ("url", "telegram_invite"))
    assert values(exported, "email", "from") == {"darkshop.reserve@example.org"}
    handles = {v.casefold().removeprefix("@")
               for v in case_values(market_case, ("telegram", "telegram_bot"))}
    assert values(exported, "telegram-account", "username") == handles >= {
        "darkshop_support", "darkshop_market_bot", "frost_delivery"}
    symbols = Counter(a.value for o in objects(exported, "coin-address") for a in o.attributes
                      if a.object_relation == "symbol")
    assert symbols == {"BTC": 2, "ETH": 1}


def test_to_ids_marks_what_to_alert_on(exported: MISPEvent) -> None:
    def to_ids(template: str, relation: str) -> dict[str, bool]:
        return {str(a.value): a.to_ids for o in objects(exported, template)
                for a in o.attributes if a.object_relation == relation}

    assert set(to_ids("coin-address", "address").values()) == {True}
    assert to_ids("domain-ip", "domain")[ONION] is True
    accounts = to_ids("telegram-account", "username")
    assert accounts["darkshop_market_bot"] is True  # a shop bot
    assert accounts["frost_delivery"] is False  # a handle: Telegram reassigns them
    assert all(not v for k, v in to_ids("url", "url").items() if "t.me/" in k)
    assert set(to_ids("phone-number", "phone-number").values()) == {False}
    assert set(to_ids("instant-message", "body").values()) == {False}


def test_phone_and_texts_stay_masked(exported: MISPEvent) -> None:
    text = exported.to_json()
    assert "900123" not in text and "7700 900" not in text
    assert values(exported, "phone-number", "phone-number") == {"+44********23"}


def test_evidence_messages_with_their_tags(exported: MISPEvent) -> None:
    messages = objects(exported, "instant-message")
    bodies = {o.get_attributes_by_relation("body")[0].value: o for o in messages}
    assert 0 < len(messages) <= misp.EVIDENCE_LIMIT
    frost = [o for b, o in bodies.items() if "Кокаин" in b or "Cocaine" in b]
    assert frost, list(bodies)
    body = frost[0].get_attributes_by_relation("body")[0]
    assert 'dark-web:topic="drugs-narcotics"' in [t.name for t in body.tags]
    assert frost[0].get_attributes_by_relation("app-used")[0].value == "Telegram"
    wallet = next(o for o in objects(exported, "coin-address")
              if o.get_attributes_by_relation("address")
              and o.get_attributes_by_relation("address")[0].value == BTC_FROST)
    assert 'dark-web:topic="drugs-narcotics"' in [
        t.name for t in wallet.get_attributes_by_relation("address")[0].tags]


def test_hostile_names_survive_as_json(exported: MISPEvent) -> None:
    again = MISPEvent()
    again.from_json(exported.to_json())
    assert any(HOSTILE in (o.comment or "") for o in again.objects)


def test_ids_are_stable_across_exports(market_case: Path, tmp_path: Path) -> None:
    case, found = read(market_case)
    with case:
        first = json.loads(misp.event(case, found, name="a").to_json())
        second = json.loads(misp.event(case, found, name="a").to_json())
    assert first["uuid"] == second["uuid"]
    assert [o["uuid"] for o in first["Object"]] == [o["uuid"] for o in second["Object"]]
    assert len({o["uuid"] for o in first["Object"]}) == len(first["Object"])


def test_unknown_tlp_and_missing_folder_are_clear_errors(market_case: Path,
                                                         tmp_path: Path) -> None:
    case, found = read(market_case)
    with case:
        with pytest.raises(OutputError, match="not a TLP level"):
            misp.event(case, found, name="a", tlp="purple")
        with pytest.raises(OutputError, match="does not exist"):
            misp.write(case, found, tmp_path / "nope" / "event.json", name="a")
    assert not list(tmp_path.iterdir())
