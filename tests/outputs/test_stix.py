"""STIX export: the bundle parses with stix2, passes stix2-validator with only the
documented warnings, holds the case's indicators, accounts, wallets and vendors, marks
every object with the TLP asked for, quotes hostile pattern values, keeps ids stable."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import stix2
from market_fixture import BTC_FROST, BTC_SHOP, HOSTILE, ONION, case_values, market_case, read
from stix2patterns.pattern import Pattern
from stix2validator import ValidationOptions, validate_file, validate_instance

from bazaarwatch.errors import OutputError
from bazaarwatch.outputs import stix
from bazaarwatch.store.market import Market

__all__ = ["market_case"]  # the shared case fixture (market_fixture.py)

#: The validator's warnings the export accepts, and why (docs/exports.md says the same):
#: 103: observables' ids are UUIDv5, as the spec requires of them; 244: "telegram" is
#: not in account-type-ov, and the brief asks for it; 202: "threat-actor uses
#: user-account" is allowed, not among the suggested pairs.
DOCUMENTED = {"103", "202", "244"}
TLP_AMBER = "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"
TLP_RED = "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"


@pytest.fixture(scope="module")
def exported(market_case: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("stix") / "bundle.json"
    case, found = read(market_case)
    with case:
        stix.write(case, found, path, name="market.db")
    return path


def objects(path: Path) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))["objects"]
    return found


def of_type(path: Path, kind: str) -> list[dict[str, Any]]:
    return [o for o in objects(path) if o["type"] == kind]


def warning_codes(results: Any) -> set[str]:
    return {w.split("{", 1)[1].split("}", 1)[0] for r in results.object_results
            for w in r.warnings}


def test_bundle_passes_the_validator(exported: Path) -> None:
    results = validate_file(str(exported), ValidationOptions(version="2.1"))
    assert results.is_valid, [e for r in results.object_results for e in r.errors]
    assert warning_codes(results) <= DOCUMENTED


def test_bundle_parses_with_stix2(exported: Path) -> None:
    parsed = stix2.parse(exported.read_text(encoding="utf-8"), allow_custom=True)
    kinds = Counter(o["type"] for o in parsed.objects)
    assert kinds["report"] == 1 and kinds["extension-definition"] == 1
    assert kinds["threat-actor"] >= 2 and kinds["note"] >= 1


def test_indicators_for_onions_urls_and_emails(exported: Path, market_case: Path) -> None:
    patterns = {o["pattern"] for o in of_type(exported, "indicator")}
    assert f"[domain-name:value = '{ONION}']" in patterns
    assert "[email-addr:value = 'darkshop.reserve@example.org']" in patterns
    urls = case_values(market_case, "url")
    assert {p for p in patterns if p.startswith("[url:")} == {
        f"[url:value = '{u}']" for u in urls}
    assert len(patterns) == len(case_values(market_case, ("onion", "onion_v2", "url", "email")))


def test_accounts_wallets_and_vendors(exported: Path, market_case: Path) -> None:
    accounts = {o["account_login"]: o for o in of_type(exported, "user-account")}
    assert {a["account_type"] for a in accounts.values()} == {"telegram"}
    handles = {v.casefold().removeprefix("@")
               for v in case_values(market_case, ("telegram", "telegram_bot"))}
    assert set(accounts) == handles
    assert accounts["darkshop_market_bot"]["is_service_account"] is True
    wallets = {o["value"]: o for o in of_type(exported, "cryptocurrency-wallet")}
    assert set(wallets) >= {BTC_SHOP, BTC_FROST} and wallets[BTC_FROST]["currency"] == "BTC"
    assert all(stix.WALLET_EXTENSION in w["extensions"] for w in wallets.values())
    actors = {o["id"]: o for o in of_type(exported, "threat-actor")}
    frost = next(a for a in actors.values() if a["name"] == "Mr. Frost ❄️")
    ties = {(r["relationship_type"], r["target_ref"].split("--")[0])
            for r in of_type(exported, "relationship") if r["source_ref"] == frost["id"]}
    assert ties >= {("uses", "user-account"), ("related-to", "cryptocurrency-wallet")}
    onion = next(i for i in of_type(exported, "indicator") if ONION in i["pattern"])
    assert any(r["source_ref"] == onion["id"] and r["relationship_type"] == "indicates"
               and r["target_ref"] in actors for r in of_type(exported, "relationship"))


def test_every_object_carries_the_tlp(exported: Path) -> None:
    marked = [o for o in objects(exported) if o["type"] != "marking-definition"]
    assert all(o["object_marking_refs"] == [TLP_AMBER] for o in marked)
    assert [o["id"] for o in of_type(exported, "marking-definition")] == [TLP_AMBER]


def test_tlp_red_and_unknown(market_case: Path) -> None:
    case, found = read(market_case)
    with case:
        red = stix.bundle(case, found, name="a", tlp="red")
        with pytest.raises(OutputError, match="not a TLP level"):
            stix.bundle(case, found, name="a", tlp="white")
    assert {o["object_marking_refs"][0] for o in red.objects
            if o["type"] != "marking-definition"} == {TLP_RED}


def test_evidence_notes_masked_and_hostile_names_kept(exported: Path) -> None:
    notes = of_type(exported, "note")
    text = exported.read_text(encoding="utf-8")
    assert "900123" not in text and "7700 900" not in text
    assert any("+44" in n["content"] for n in notes)
    assert any(HOSTILE in n["abstract"] for n in notes)


@pytest.mark.parametrize("value", [
    "http://x.example/o'reilly", "http://x.example/a\\b", "http://x.example/\\'; DROP",
    "'", "\\", "a'\\'b"])
def test_pattern_values_are_quoted(value: str) -> None:
    pattern = f"[url:value = {stix.quoted(value)}]"
    indicator = stix2.Indicator(pattern=pattern, pattern_type="stix")
    assert validate_instance(json.loads(indicator.serialize()),
                             ValidationOptions(version="2.1")).is_valid
    comparison = Pattern(pattern).inspect().comparisons["url"][0]
    assert comparison[2] == stix.quoted(value)


def test_hostile_vendor_names_and_values(market_case: Path) -> None:
    hostile: dict[str, Any] = {"id": "handle:@x", "names": ["=cmd|' /C calc'!A0\x00\x1b[31m"],
               "handles": ["@evil'\\handle"], "chats": [], "categories": {}, "offers": 0,
               "wallets": [{"type": "btc", "value": "bc1q'\\"}], "contacts": [],
               "first_seen": None, "last_seen": None}
    case, found = read(market_case)
    with case:
        result = stix.bundle(case, Market(vendors=[hostile]), name="h")
    parsed = json.loads(result.serialize())
    assert validate_instance(parsed, ValidationOptions(version="2.1")).is_valid
    actor = next(o for o in parsed["objects"] if o["type"] == "threat-actor")
    assert actor["name"] == hostile["names"][0]
    assert found.vendors  # the real map has vendors; this one replaced them


def test_ids_are_stable(market_case: Path) -> None:
    case, found = read(market_case)
    with case:
        first = [o["id"] for o in stix.bundle(case, found, name="a").objects]
        second = [o["id"] for o in stix.bundle(case, found, name="a").objects]
    assert first == second and len(set(first)) == len(first)
